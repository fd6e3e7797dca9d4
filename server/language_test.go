package server

import (
	"testing"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/i18n"
)

func testCatalog(t testing.TB) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testRenderer is the real templates' renderer, as a server builds it,
// with the catalog cat and the real clock.
func testRenderer(t testing.TB, cat *i18n.Catalog) *renderer {
	t.Helper()
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRenderer(a, "http://forum.test", 100, clock.Now, cat)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
