package server

import (
	"testing"

	"github.com/hearth/hearth/i18n"
)

// TestUserLinkKeepsOnlySafeAddresses: userLink builds the <a> a catalog
// message places, so it must do what html/template would: escape the name
// and the address, and drop an address that could run script.
func TestUserLinkKeepsOnlySafeAddresses(t *testing.T) {
	cases := []struct{ href, name, want string }{
		{"/u/ana", "Ana", `<a class="user-link" href="/u/ana">Ana</a>`},
		{"https://social.example/@c", "C <b>", `<a class="user-link" href="https://social.example/@c">C &lt;b&gt;</a>`},
		{`https://x.example/"onmouseover="x`, "X", `<a class="user-link" href="https://x.example/&#34;onmouseover=&#34;x">X</a>`},
		{"javascript:alert(1)", "Eve", "Eve"},
		{"JavaScript:alert(1)", "Eve", "Eve"},
		{"//evil.example/", "Eve", "Eve"},
		{`/\evil.example/`, "Eve", "Eve"},
		{"", "someone", "someone"},
	}
	for _, tc := range cases {
		if got := string(userLink(tc.href, tc.name)); got != tc.want {
			t.Errorf("userLink(%q, %q) = %q, want %q", tc.href, tc.name, got, tc.want)
		}
	}
	if got := checkedURL("javascript:alert(1)"); got != "#" {
		t.Errorf("checkedURL kept a javascript: address: %q", got)
	}
	if got := checkedURL("https://social.example/p/1"); got != "https://social.example/p/1" {
		t.Errorf("checkedURL dropped an https address: %q", got)
	}
}

// TestSlowEveryIsWrittenInTheReadersLanguage: the thread page's slow-mode
// line says the interval in the page's language, as forum.SlowModeEvery
// says it in English.
func TestSlowEveryIsWrittenInTheReadersLanguage(t *testing.T) {
	cat := testCatalog(t)
	en, de := cat.Get(i18n.Default), cat.Get("de")
	cases := []struct {
		secs   int
		en, de string
	}{
		{0, "0 seconds", "0 Sekunden"},
		{1, "1 second", "1 Sekunde"},
		{600, "10 minutes", "10 Minuten"},
		{3600 + 60 + 5, "1 hour 1 minute 5 seconds", "1 Stunde 1 Minute 5 Sekunden"},
		{2 * 3600, "2 hours", "2 Stunden"},
	}
	for _, tc := range cases {
		if got := slowEvery(en, tc.secs); got != tc.en {
			t.Errorf("en %d: %q, want %q", tc.secs, got, tc.en)
		}
		if got := slowEvery(de, tc.secs); got != tc.de {
			t.Errorf("de %d: %q, want %q", tc.secs, got, tc.de)
		}
	}
}

// TestRetryLabelsAreTranslated: the retry page names the fields of the
// writing and login forms in the reader's language; in English exactly as
// fieldLabel always did, so English pages do not change.
func TestRetryLabelsAreTranslated(t *testing.T) {
	cat := testCatalog(t)
	en, de := cat.Get(i18n.Default), cat.Get("de")
	for _, name := range []string{"body", "title", "tags", "category", "alt", "reason", "message", "login", "username", "email", "password", "poll_options", "poll_closes_at"} {
		if got, want := retryLabel(en, name), fieldLabel(name); got != want {
			t.Errorf("en %s: %q, want %q", name, got, want)
		}
		if got := retryLabel(de, name); got == fieldLabel(name) {
			t.Errorf("de %s: still %q", name, got)
		}
	}
	if got := retryLabel(de, "poll_question"); got != "Poll question" {
		t.Errorf("a field without a catalog name: %q, want fieldLabel's", got)
	}
}
