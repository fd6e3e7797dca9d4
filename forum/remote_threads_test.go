package forum

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRemoteTitle(t *testing.T) {
	long := strings.Repeat("word ", 60)
	for _, tc := range []struct{ name, text, want string }{
		{"A Page's name", "ignored text", "A Page's name"},
		{"  spaced \n  name ", "", "spaced name"},
		{"", "@general@forum.example How do I start? More text here.", "How do I start?"},
		{"", "@general @alice First line\nsecond line", "First line"},
		{"", "No sentence end here", "No sentence end here"},
		{"", "Version 1.2 is out. Upgrade!", "Version 1.2 is out."},
		{"", "@general", ""},
		{"", long, strings.Repeat("word ", 39) + "word…"},
	} {
		got := RemoteTitle(tc.name, tc.text)
		if got != tc.want {
			t.Errorf("RemoteTitle(%q, %q) = %q, want %q", tc.name, tc.text, got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > titleMaxRunes {
			t.Errorf("RemoteTitle gave %d runes", n)
		}
	}
}

func FuzzRemoteTitle(f *testing.F) {
	f.Add("", "@general Hello there. Second sentence.")
	f.Add("A name", "")
	f.Add("", strings.Repeat("ééé ", 100))
	f.Fuzz(func(t *testing.T, name, text string) {
		got := RemoteTitle(name, text)
		if n := utf8.RuneCountInString(got); n > titleMaxRunes {
			t.Fatalf("%d runes from %q, %q", n, name, text)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") {
			t.Fatalf("untrimmed title %q", got)
		}
	})
}
