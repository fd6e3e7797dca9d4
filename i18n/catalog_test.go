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
