// Command hearth runs the Hearth community forum: `hearth serve` starts the
// server, `hearth migrate` applies schema migrations, `hearth admin …` and
// `hearth dev seed` work on a database directly. Every flag has a HEARTH_*
// environment variable; flags win.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "0.1.0-dev"

func main() {
	if err := newApp().Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "hearth: "+oneLine(err.Error()))
		os.Exit(1)
	}
}

// newApp is the command tree; docs/CONFIG.md is generated from it.
func newApp() *cli.App {
	return &cli.App{
		Name:    "hearth",
		Usage:   "a federated community forum you own",
		Version: Version,
		// The settings live on the commands that use them; list them here
		// too so that `hearth --help` names every flag and its variable.
		Description: settingsHelp(),
		Commands: []*cli.Command{
			serveCommand(),
			migrateCommand(),
			versionCommand(),
			adminCommand(),
			devCommand(),
		},
		HideVersion: false,
	}
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version",
		Action: func(c *cli.Context) error {
			fmt.Println("hearth " + Version)
			return nil
		},
	}
}

// settingsHelp lists every setting with its environment variable for the
// top-level help.
func settingsHelp() string {
	var b strings.Builder
	b.WriteString("Settings are flags of the commands that use them (see `hearth CMD --help`);\n")
	b.WriteString("each has an environment variable, and flags win over the environment:\n")
	for _, f := range serveFlags() {
		env := ""
		if e, ok := f.(interface{ GetEnvVars() []string }); ok && len(e.GetEnvVars()) > 0 {
			env = "$" + e.GetEnvVars()[0]
		}
		fmt.Fprintf(&b, "\n  --%-26s %s", f.Names()[0], env)
	}
	return b.String()
}

// oneLine folds a possibly multi-line error (database drivers join one
// error per attempted address with newlines) into the one line operators
// and scripts expect, dropping repeated parts.
func oneLine(msg string) string {
	var out strings.Builder
	seen := map[string]bool{}
	for _, part := range strings.Split(msg, "\n") {
		part = strings.TrimSpace(part)
		if part == "" || seen[part] {
			continue
		}
		seen[part] = true
		if out.Len() > 0 {
			if strings.HasSuffix(out.String(), ":") {
				out.WriteString(" ")
			} else {
				out.WriteString("; ")
			}
		}
		out.WriteString(part)
	}
	return out.String()
}
