package forum

import (
	"regexp"
	"strings"
	"testing"
)

// TestTagNameMatchesThePattern: tagName accepts exactly what the regexp it
// replaced accepted (see tag_names.go), across scripts, lengths counted in
// characters, and bytes that are not UTF-8.
func TestTagNameMatchesThePattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[\p{L}\p{N}_-]{1,30}$`)
	cases := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"go", true},
		{"a", true},
		{"under_score-dash", true},
		{"straße", true},
		{"日本語", true},
		{"٣٤", true}, // Arabic-Indic digits (Nd)
		{"Ⅻ", true},  // Roman numeral twelve (Nl)
		{"½", true},  // vulgar fraction (No)
		{"has space", false},
		{"dot.ted", false},
		{"#hash", false},
		{"emoji🙂", false},
		{"\xff", false},     // not UTF-8
		{"ok\xffok", false}, // not UTF-8 in the middle
		{"\uFFFD", false},
		{strings.Repeat("a", 30), true},
		{strings.Repeat("a", 31), false},
		{strings.Repeat("ä", 30), true},  // 60 bytes, 30 characters
		{strings.Repeat("ä", 31), false}, // 31 characters
		{strings.Repeat("日", 30), true},
		{"tab\t", false},
		{"new\nline", false},
	}
	var tag tagName
	for _, c := range cases {
		if got := tag.MatchString(c.in); got != c.want {
			t.Errorf("tagName(%q) = %v, want %v", c.in, got, c.want)
		}
		if got := pattern.MatchString(c.in); got != c.want {
			t.Errorf("the old pattern says %v for %q; the table is wrong", got, c.in)
		}
	}
	// Every single character of a few blocks, alone and at the length limit.
	for r := rune(0); r < 0x3100; r++ {
		for _, s := range []string{string(r), strings.Repeat(string(r), 30), strings.Repeat(string(r), 31)} {
			if tag.MatchString(s) != pattern.MatchString(s) {
				t.Fatalf("tagName and the pattern differ on %q (U+%04X)", s, r)
			}
		}
	}
}
