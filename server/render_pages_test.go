package server

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hearth/hearth/clock"
)

// TestPagesBuildOnFirstRender: no page's template set exists after start
// (they were most of the idle heap), each is built on first use, once, and
// every page of the real templates builds.
func TestPagesBuildOnFirstRender(t *testing.T) {
	r := testRenderer(t, testCatalog(t))
	if len(r.pages) < 50 {
		t.Fatalf("only %d pages", len(r.pages))
	}
	for name, p := range r.pages {
		if p.t != nil {
			t.Fatalf("page %s built at start", name)
		}
	}
	for name := range r.pages {
		first, err := r.page(name)
		if err != nil || first == nil || first.Lookup("layout") == nil {
			t.Fatalf("page %s: %v", name, err)
		}
		if again, _ := r.page(name); again != first {
			t.Fatalf("page %s built twice", name)
		}
	}
	if _, err := r.page("no-such-page"); err == nil {
		t.Fatal("unknown page: no error")
	}
}

// TestBrokenPageFailsStart: a page with a syntax error or an unknown
// function stops newRenderer, although pages are built later; a good
// page renders inside the layout.
func TestBrokenPageFailsStart(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	layout := &fstest.MapFile{Data: []byte(`{{define "layout"}}<main>{{template "content" .}}</main>{{end}}`)}
	partial := &fstest.MapFile{Data: []byte(`{{define "hello"}}hello {{.}}{{end}}`)}
	for _, tc := range []struct{ name, page, wantErr string }{
		{"good", `{{define "content"}}{{template "hello" "you"}} {{add 1 2}}{{end}}`, ""},
		{"syntax", `{{define "content"}}{{if}}{{end}}`, "pages/p.html"},
		{"unknown function", `{{define "content"}}{{nosuch 1}}{{end}}`, "nosuch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"layout.html": layout, "partials/hello.html": partial,
				"pages/p.html": &fstest.MapFile{Data: []byte(tc.page)}}
			r, err := newRendererFS(fsys, a, "http://forum.test", 100, clock.Now, testCatalog(t))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error naming %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pt, err := r.page("p")
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := pt.ExecuteTemplate(&b, "layout", nil); err != nil || b.String() != "<main>hello you 3</main>" {
				t.Fatalf("rendered %q, %v", b.String(), err)
			}
		})
	}
}
