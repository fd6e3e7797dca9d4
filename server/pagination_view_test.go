package server

import (
	"strings"
	"testing"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/models"
)

// TestPageLinksMatchTheTemplate: pageLinks writes byte for byte what the
// pagination partial writes, in every language, for every page of 0 to
// 12 pages (and pages out of range), with and without a label and a slug.
// Values html/template would escape (a slug or label with & + " < …) go
// through the partial itself; plain ones must not, or the Go writer would
// be dead code this test could not catch.
func TestPageLinksMatchTheTemplate(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	cat := testCatalog(t)
	r, err := newRenderer(a, "http://forum.test", 100, clock.Now, cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		slug, label string
		plain       bool
	}{
		{"", "", true},
		{"tea-or-coffee-2", "Pages, top", true},
		{"x", "Seiten, unten", true},
		{"a+b", "", false},
		{`q"<&'`, "", false},
		{"ok", "1 + 1 < 3 & \"so\"", false},
		{"ok", "it's", false},
		{"ok", "a+b", false},
		{"ok", "nul\x00", false},
		{"ok", "a > b", false},
		{"with:colon", "", false},
		{"Ünïcode", "", false},
	} {
		th := &models.Thread{ID: 42, Slug: tc.slug}
		for _, l := range cat.Langs() {
			parts := r.set(l).parts
			for pages := 0; pages <= 12; pages++ {
				for page := -1; page <= pages+2; page++ {
					args := pagerArgs{Thread: th, Page: page, Pages: pages, Label: tc.label}
					var want strings.Builder
					if err := parts.ExecuteTemplate(&want, "pagination", args); err != nil {
						t.Fatal(err)
					}
					got, err := r.pageLinks(l, args)
					if err != nil {
						t.Fatal(err)
					}
					if string(got) != want.String() {
						t.Fatalf("%s, slug %q, label %q, page %d of %d:\ngot  %q\nwant %q", l.Code, tc.slug, tc.label, page, pages, got, want.String())
					}
					if _, plain := pageLinksPlain(l, args); pages > 1 && plain != tc.plain {
						t.Fatalf("slug %q, label %q: written in Go %v, want %v", tc.slug, tc.label, plain, tc.plain)
					}
				}
			}
		}
	}
	// Without a thread the partial fails; so does pageLinks.
	if _, err := r.pageLinks(cat.Get("en"), pagerArgs{Page: 1, Pages: 3}); err == nil {
		t.Fatal("no thread: no error")
	}
}
