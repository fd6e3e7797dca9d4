package i18n

import (
	"html/template"
	"reflect"
	"testing"
	"testing/fstest"
	"time"
)

// TestEveryLanguageIsComplete fails when a language misses a message the
// default language has, has one it lacks, or uses other placeholders.
func TestEveryLanguageIsComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Langs()) < 2 {
		t.Fatalf("%d languages, want English and at least one more", len(c.Langs()))
	}
	en := c.Get(Default)
	for _, l := range c.Langs()[1:] {
		for _, id := range en.IDs() {
			if !l.Has(id) {
				t.Errorf("%s misses %q (English: %q)", l.Code, id, en.T(id))
				continue
			}
			if a, b := en.Placeholders(id), l.Placeholders(id); !reflect.DeepEqual(a, b) {
				t.Errorf("%s %q uses placeholders %v, English %v", l.Code, id, b, a)
			}
			if en.Plural(id) != l.Plural(id) {
				t.Errorf("%s %q: plural in one language and not the other", l.Code, id)
			}
		}
		for _, id := range l.IDs() {
			if !en.Has(id) {
				t.Errorf("%s has %q, which English lacks", l.Code, id)
			}
		}
	}
}

func TestMessages(t *testing.T) {
	c, err := LoadFS(fstest.MapFS{
		"l/a.en.toml": {Data: []byte("[x]\nhi = \"Hello\"\nby = \"by {{.Name}}\"\nb = \"<b>{{.Name}}</b>\"\n[x.posts]\none = \"{{.Count}} post\"\nother = \"{{.Count}} posts\"\n")},
		"l/a.de.toml": {Data: []byte("[x]\nhi = \"Hallo\"\nby = \"von {{.Name}}\"\nb = \"<b>{{.Name}}</b>\"\n[x.posts]\none = \"{{.Count}} Beitrag\"\nother = \"{{.Count}} Beiträge\"\n")},
	}, "l")
	if err != nil {
		t.Fatal(err)
	}
	en, de := c.Get("en"), c.Get("de")
	cases := []struct{ got, want string }{
		{en.T("x.hi"), "Hello"},
		{de.T("x.hi"), "Hallo"},
		{de.T("x.by", "Name", "ana"), "von ana"},
		{en.N("x.posts", 1), "1 post"},
		{en.N("x.posts", 2), "2 posts"},
		{en.N("x.posts", 0), "0 posts"},
		{en.N("x.posts", 12345), "12,345 posts"},
		{de.N("x.posts", 12345), "12.345 Beiträge"},
		{de.N("x.posts", 1), "1 Beitrag"},
		{en.T("x.missing"), "x.missing"},
		{string(en.HTML("x.b", "Name", "<i>")), "<b>&lt;i&gt;</b>"},
		{string(en.HTML("x.b", "Name", template.HTML("<i>a</i>"))), "<b><i>a</i></b>"},
	}
	for i, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("case %d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestCatalogRejectsLogic(t *testing.T) {
	for _, src := range []string{"a = \"{{if .X}}y{{end}}\"\n", "a = \"{{.X\"\n", "a = \"{{ .X.Y }}\"\n"} {
		if _, err := LoadFS(fstest.MapFS{"l/a.en.toml": {Data: []byte(src)}}, "l"); err == nil {
			t.Errorf("%q loaded; want an error", src)
		}
	}
}

func TestPick(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ member, accept, site, want string }{
		{"de", "en-US,en;q=0.9", "en", "de"},        // the member's setting wins
		{"", "de-DE,de;q=0.9,en;q=0.5", "en", "de"}, // then the browser
		{"", "fr-FR", "de", "de"},                   // unknown to us: the site's default
		{"xx", "", "", "en"},                        // nothing usable: English
		{"", "garbage;;;", "de", "de"},
	}
	for _, tc := range cases {
		if got := c.Pick(tc.member, tc.accept, tc.site).Code; got != tc.want {
			t.Errorf("Pick(%q, %q, %q) = %s, want %s", tc.member, tc.accept, tc.site, got, tc.want)
		}
	}
}

func TestDates(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, de := c.Get("en"), c.Get("de")
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		l    *Lang
		t    time.Time
		want string
	}{
		{en, now.Add(-30 * time.Second), "just now"},
		{en, now.Add(-time.Minute), "1 minute ago"},
		{de, now.Add(-5 * time.Minute), "vor 5 Minuten"},
		{en, now.Add(-3 * time.Hour), "3 hours ago"},
		{de, now.Add(-30 * time.Hour), "gestern"},
		{en, now.Add(-4 * 24 * time.Hour), "4 days ago"},
		{en, time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), "2 Jan"},
		{de, time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC), "2. Jan."},
		{en, time.Date(2025, 10, 12, 9, 0, 0, 0, time.UTC), "12 Oct 2025"},
		{de, time.Date(2025, 10, 12, 9, 0, 0, 0, time.UTC), "12. Okt. 2025"},
	}
	for _, tc := range cases {
		if got := tc.l.Ago(now, tc.t); got != tc.want {
			t.Errorf("%s Ago(%v) = %q, want %q", tc.l.Code, tc.t, got, tc.want)
		}
	}
	if got := de.DateTime(time.Date(2025, 10, 12, 9, 5, 0, 0, time.UTC)); got != "12. Okt. 2025, 09:05" {
		t.Errorf("de DateTime = %q", got)
	}
}

// TestDayTextCache: Date and Ago's written days come from a direct-mapped
// cache; whatever day shares a slot, each day reads as its own, in both
// forms, in every language, before 1970 too, and on a second pass (all
// hits) as on the first.
func TestDayTextCache(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(1969, 12, 1, 23, 59, 0, 0, time.UTC)
	for _, l := range c.Langs() {
		for pass := 0; pass < 2; pass++ {
			for i := 0; i < 3*len(l.days); i++ {
				day := start.AddDate(0, 0, i)
				month := l.T(months[day.Month()-1])
				if got, want := l.Date(day), l.T("date.day_month_year", "Day", day.Day(), "Month", month, "Year", day.Year()); got != want {
					t.Fatalf("%s pass %d: Date(%v) = %q, want %q", l.Code, pass, day, got, want)
				}
				now := time.Date(day.Year(), 12, 31, 23, 0, 0, 0, time.UTC)
				if now.Sub(day) < 8*24*time.Hour {
					continue // Ago writes days ago, not the date
				}
				if got, want := l.Ago(now, day), l.T("date.day_month", "Day", day.Day(), "Month", month); got != want {
					t.Fatalf("%s pass %d: Ago(%v) = %q, want %q", l.Code, pass, day, got, want)
				}
			}
		}
	}
}

// TestLoadCompilesOtherLanguagesOnFirstUse: the embedded catalogs compile
// the default language at once and every other one on its first message,
// while the language list already has its own name for each (a page's
// language menu must not compile them all).
func TestLoadCompilesOtherLanguagesOnFirstUse(t *testing.T) {
	c, err := load(localeFiles, "locales", true)
	if err != nil {
		t.Fatal(err)
	}
	en, de := c.Get(Default), c.Get("de")
	if !en.Loaded() {
		t.Fatal("the default language is not compiled at load")
	}
	if de.Loaded() {
		t.Fatal("German is compiled at load, before anyone asked for it")
	}
	if de.Name != "Deutsch" || en.Name != "English" {
		t.Fatalf("names %q, %q; want English, Deutsch", en.Name, de.Name)
	}
	if got := c.Pick("", "de-DE,de;q=0.9", ""); got != de || de.Loaded() {
		t.Fatalf("Pick chose %s, compiled %v; want de, not compiled yet", got.Code, de.Loaded())
	}
	if got := de.T("language.self"); got != "Deutsch" || !de.Loaded() {
		t.Fatalf("de.T = %q, compiled %v", got, de.Loaded())
	}
	eager, err := LoadFS(localeFiles, "locales")
	if err != nil {
		t.Fatal(err)
	}
	if !eager.Get("de").Loaded() {
		t.Fatal("LoadFS left German to compile later; it must report every language's errors")
	}
	if !reflect.DeepEqual(eager.Get("de").IDs(), de.IDs()) {
		t.Fatal("German compiled on first use differs from German compiled at load")
	}
}

// TestBrokenOtherLanguage: LoadFS reports a broken file of any language;
// a language left to compile on first use (Load's, only for the embedded
// files the tests check) panics there rather than serving half a catalog.
func TestBrokenOtherLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"l/core.en.toml": {Data: []byte("[language]\nself = \"English\"\n[x]\nhi = \"Hello {{.Name}}\"\n")},
		"l/core.de.toml": {Data: []byte("[language]\nself = \"Deutsch\"\n[x]\nhi = \"Hallo {{.Name | x}}\"\n")},
	}
	if _, err := LoadFS(fsys, "l"); err == nil {
		t.Fatal("LoadFS accepted a German message with a template pipe")
	}
	c, err := load(fsys, "l", true)
	if err != nil {
		t.Fatalf("lazy load failed before German was used: %v", err)
	}
	de := c.Get("de")
	if de.Name != "Deutsch" {
		t.Fatalf("name %q, want Deutsch (read without compiling)", de.Name)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a broken German catalog compiled on first use without a panic")
		}
	}()
	de.T("x.hi", "Name", "ana")
}

// TestLoadIsShared: Load and English return the one copy of the embedded
// catalogs (a second copy for logs doubled what a process kept).
func TestLoadIsShared(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Load()
	if a != b || English() != a.Get(Default) {
		t.Fatal("Load or English built another copy of the catalogs")
	}
}

// TestCompiledForms: a message keeps its text alone when it has one form
// and no placeholder, its split other form when it has placeholders, and a
// map of forms only when it has plural forms; each is written the same as
// before that split (the map for every message was 40% of a language).
func TestCompiledForms(t *testing.T) {
	c, err := LoadFS(fstest.MapFS{"l/a.en.toml": {Data: []byte(`
[x]
plain = "Hello"
empty = ""
by = "by {{.Name}}"
[x.posts]
one = "{{.Count}} post by {{.Name}}"
other = "{{.Count}} posts by {{.Name}}"
[x.blank]
one = "one"
other = ""
`)}}, "l")
	if err != nil {
		t.Fatal(err)
	}
	en := c.Get("en")
	cases := []struct {
		got, want string
	}{
		{en.T("x.plain"), "Hello"},
		{en.N("x.plain", 3), "Hello"},
		{string(en.HTML("x.plain")), "Hello"},
		{string(en.NHTML("x.plain", 3)), "Hello"},
		{en.T("x.empty"), ""},
		{en.T("x.by", "Name", "<ana>"), "by <ana>"},
		{string(en.HTML("x.by", "Name", "<ana>")), "by &lt;ana&gt;"},
		{en.N("x.by", 2, "Name", "ana"), "by ana"},
		{en.N("x.posts", 1, "Name", "ana"), "1 post by ana"},
		{en.N("x.posts", 2, "Name", "ana"), "2 posts by ana"},
		{en.T("x.posts", "Name", "ana", "Count", 4), "4 posts by ana"},
		{string(en.NHTML("x.posts", 1, "Name", "<b>")), "1 post by &lt;b&gt;"},
		{en.N("x.blank", 1), "one"},
		{en.N("x.blank", 2), ""},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: %q, want %q", i, c.got, c.want)
		}
	}
	if !reflect.DeepEqual(en.Placeholders("x.posts"), []string{"Count", "Name"}) || !reflect.DeepEqual(en.Placeholders("x.by"), []string{"Name"}) || len(en.Placeholders("x.plain")) != 0 {
		t.Errorf("placeholders %v %v %v", en.Placeholders("x.posts"), en.Placeholders("x.by"), en.Placeholders("x.plain"))
	}
	if !en.Plural("x.posts") || !en.Plural("x.blank") || en.Plural("x.by") || en.Plural("x.plain") {
		t.Error("Plural is wrong")
	}
	// Every message of the embedded catalogs keeps no more than it needs.
	for _, l := range mustLoad(t).Langs() {
		for id, m := range l.messages() {
			switch {
			case l.Plural(id) && m.forms == nil,
				!l.Plural(id) && m.forms != nil,
				len(l.Placeholders(id)) == 0 && !l.Plural(id) && !m.isPlain():
				t.Errorf("%s %q keeps forms %v, other %v", l.Code, id, m.forms, m.other)
			}
		}
	}
}

func mustLoad(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
