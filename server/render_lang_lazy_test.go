package server

import (
	"bytes"
	"html/template"
	"testing"

	"github.com/hearth/hearth/i18n"
)

// TestOtherLanguagesParseOnFirstUse: only the default language's templates
// are parsed at start; another language's are parsed when a page in it is
// first asked for, and then speak that language (its "t" function), not
// the default's.
func TestOtherLanguagesParseOnFirstUse(t *testing.T) {
	cat := testCatalog(t)
	r := testRenderer(t, cat)
	if !r.byLang[i18n.Default].parsed() {
		t.Fatal("the default language is not parsed at start")
	}
	others := cat.Langs()[1:]
	if len(others) == 0 {
		t.Fatal("the catalog has only the default language")
	}
	const id = "layout.skip"
	for _, l := range others {
		if r.byLang[l.Code].parsed() {
			t.Fatalf("%s parsed at start", l.Code)
		}
		set := r.set(l)
		if !r.byLang[l.Code].parsed() {
			t.Fatalf("%s not parsed after its first use", l.Code)
		}
		if set == r.set(nil) {
			t.Fatalf("%s got the default language's templates", l.Code)
		}
		if _, err := set.page("login"); err != nil {
			t.Fatalf("%s login page: %v", l.Code, err)
		}
		var got bytes.Buffer
		tpl := template.Must(template.Must(set.parts.Clone()).Parse(`{{t "` + id + `"}}`))
		if err := tpl.Execute(&got, nil); err != nil {
			t.Fatal(err)
		}
		if want := template.HTMLEscapeString(l.T(id)); got.String() != want {
			t.Fatalf("%s: %q, want %q", l.Code, got.String(), want)
		}
		if got.String() == template.HTMLEscapeString(cat.Langs()[0].T(id)) {
			t.Fatalf("%s: %q is the default language's text", l.Code, got.String())
		}
	}
}
