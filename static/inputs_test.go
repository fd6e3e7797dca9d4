package static_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/static"
	"github.com/hearth/hearth/templates"
)

// TestEveryInputTypeIsStyled: a form control type the stylesheet does not
// style keeps the browser's own look, which in dark mode is a glaring light
// box (the merge-into-thread number, the dashboard's dates, the poll's
// closing time were). Every type a template uses must be in app.css.
func TestEveryInputTypeIsStyled(t *testing.T) {
	css, err := fs.ReadFile(static.FS, "app.css")
	if err != nil {
		t.Fatal(err)
	}
	unstyled := map[string]bool{"hidden": true, "checkbox": true, "radio": true, "submit": true, "color": true}
	typeAttr := regexp.MustCompile(`<input[^>]*\stype="([a-z-]+)"`)
	input := regexp.MustCompile(`<input\s[^>]*>`)
	err = fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(templates.FS, path)
		if err != nil {
			return err
		}
		for _, in := range input.FindAllString(string(b), -1) {
			if !strings.Contains(in, " type=") && !strings.Contains(string(css), `input:not([type])`) {
				t.Errorf("%s has an <input> without a type (a text box), which app.css does not style: %s", path, in)
			}
		}
		for _, m := range typeAttr.FindAllStringSubmatch(string(b), -1) {
			if !unstyled[m[1]] && !strings.Contains(string(css), `input[type="`+m[1]+`"]`) {
				t.Errorf("%s uses <input type=%q>, which app.css does not style", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
