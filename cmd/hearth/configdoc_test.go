package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/CONFIG.md from the command definitions")

const configDocPath = "../../docs/CONFIG.md"

// TestConfigDocUpToDate: docs/CONFIG.md is exactly what the command tree
// renders, so a flag added, removed or changed in cmd/hearth cannot leave
// the reference behind.
func TestConfigDocUpToDate(t *testing.T) {
	want := renderConfigDoc(newApp())
	if *updateDocs {
		if err := os.WriteFile(configDocPath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(configDocPath)
	if err != nil {
		t.Fatalf("%v; run `go test ./cmd/hearth -run TestConfigDoc -update`", err)
	}
	if string(got) != want {
		t.Fatalf("docs/CONFIG.md is out of date with the flags in cmd/hearth; run `go test ./cmd/hearth -run TestConfigDoc -update`\n%s", firstDiff(string(got), want))
	}
}

// TestConfigDocNamesEveryFlag: the rendering itself leaves no flag out
// (every flag of every command, with its variable where it has one).
func TestConfigDocNamesEveryFlag(t *testing.T) {
	doc := renderConfigDoc(newApp())
	n := 0
	walkCommands(newApp().Commands, "hearth", func(path string, c *cli.Command) {
		if !strings.Contains(doc, "\n### `"+path+"`\n") {
			t.Errorf("no section for `%s`", path)
		}
		for _, f := range c.Flags {
			n++
			if !strings.Contains(doc, "`--"+f.Names()[0]+"`") {
				t.Errorf("`%s`: --%s missing", path, f.Names()[0])
			}
			if d, ok := f.(cli.DocGenerationFlag); ok {
				for _, e := range d.GetEnvVars() {
					if !strings.Contains(doc, "`"+e+"`") {
						t.Errorf("`%s`: $%s missing", path, e)
					}
				}
			}
		}
	})
	if n < 20 {
		t.Errorf("walked only %d flags; the command tree was not read", n)
	}
}

func walkCommands(cmds []*cli.Command, prefix string, fn func(path string, c *cli.Command)) {
	for _, c := range cmds {
		path := prefix + " " + c.Name
		fn(path, c)
		walkCommands(c.Subcommands, path, fn)
	}
}

// renderConfigDoc writes the reference: first every setting with a HEARTH_*
// variable, once, with the commands that read it; then each command's flags.
func renderConfigDoc(app *cli.App) string {
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n")
	b.WriteString("Generated from the command definitions in `cmd/hearth`; do not edit by\n")
	b.WriteString("hand. After changing a flag, regenerate it with\n")
	b.WriteString("`go test ./cmd/hearth -run TestConfigDoc -update` (the test fails when this\n")
	b.WriteString("file is out of date). Every setting is a flag of the commands that read it;\n")
	b.WriteString("its `HEARTH_*` environment variable sets it too, and a flag wins over its\n")
	b.WriteString("variable. A command ignores the variables of settings it does not read.\n")
	b.WriteString("Bad configuration (a malformed URL, an unreachable database, a port in use)\n")
	b.WriteString("exits non-zero with one line naming the setting to fix. `hearth admin …` and\n")
	b.WriteString("`hearth dev seed` work on the database of a stopped or a running server;\n")
	b.WriteString("`hearth serve` applies pending migrations itself.\n\n")

	type setting struct {
		f    cli.DocGenerationFlag
		cmds []string
	}
	settings := map[string]*setting{}
	walkCommands(app.Commands, "hearth", func(path string, c *cli.Command) {
		for _, f := range c.Flags {
			d, ok := f.(cli.DocGenerationFlag)
			if !ok || len(d.GetEnvVars()) == 0 {
				continue
			}
			key := strings.Join(d.GetEnvVars(), ",") + " " + f.Names()[0]
			if settings[key] == nil {
				settings[key] = &setting{f: d}
			}
			settings[key].cmds = append(settings[key].cmds, "`"+strings.TrimPrefix(path, "hearth ")+"`")
		}
	})
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("## Settings\n\n| variable | flag | default | read by | meaning |\n|---|---|---|---|---|\n")
	for _, k := range keys {
		s := settings[k]
		fmt.Fprintf(&b, "| %s | `--%s` | %s | %s | %s |\n", envCell(s.f), s.f.Names()[0], defaultCell(s.f), strings.Join(s.cmds, ", "), mdCell(s.f.GetUsage()))
	}

	b.WriteString("\n## Commands\n")
	b.WriteString("\nEach command with the flags it reads (`hearth CMD --help` says the same).\n")
	walkCommands(app.Commands, "hearth", func(path string, c *cli.Command) {
		fmt.Fprintf(&b, "\n### `%s`\n\n%s.\n", path, strings.TrimSuffix(c.Usage, "."))
		if len(c.Subcommands) > 0 {
			names := make([]string, 0, len(c.Subcommands))
			for _, s := range c.Subcommands {
				names = append(names, "`"+s.Name+"`")
			}
			fmt.Fprintf(&b, "Subcommands: %s.\n", strings.Join(names, ", "))
		}
		if len(c.Flags) == 0 {
			return
		}
		b.WriteString("\n| flag | variable | default | meaning |\n|---|---|---|---|\n")
		for _, f := range c.Flags {
			d, ok := f.(cli.DocGenerationFlag)
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| `--%s` | %s | %s | %s |\n", f.Names()[0], envCell(d), defaultCell(d), mdCell(d.GetUsage()))
		}
	})
	return b.String()
}

func envCell(f cli.DocGenerationFlag) string {
	if len(f.GetEnvVars()) == 0 {
		return "—"
	}
	return "`" + strings.Join(f.GetEnvVars(), "`, `") + "`"
}

func defaultCell(f cli.DocGenerationFlag) string {
	if r, ok := f.(cli.RequiredFlag); ok && r.IsRequired() {
		return "required"
	}
	v := strings.Trim(f.GetDefaultText(), `"`)
	if v == "" {
		return "empty"
	}
	return "`" + v + "`"
}

// mdCell escapes what Markdown would read as a column break or an HTML tag.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// firstDiff shows where two texts first differ, to point at the stale line.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  file:      %s\n  generated: %s", i+1, gl, wl)
		}
	}
	return ""
}
