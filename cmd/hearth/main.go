// Command hearth runs the Hearth community forum: `hearth serve` starts the
// server, `hearth migrate` applies schema migrations, `hearth admin …` and
// `hearth dev seed` work on a database directly. Every flag has a HEARTH_*
// environment variable; flags win.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "0.1.0-dev"

func main() {
	app := &cli.App{
		Name:    "hearth",
		Usage:   "a federated community forum you own",
		Version: Version,
		Commands: []*cli.Command{
			serveCommand(),
			migrateCommand(),
			versionCommand(),
			adminCommand(),
			devCommand(),
		},
		HideVersion: false,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "hearth: "+err.Error())
		os.Exit(1)
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
