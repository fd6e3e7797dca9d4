package server

import (
	"testing"

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
