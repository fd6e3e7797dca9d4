package models

import (
	"strings"
	"testing"
)

// FuzzFTSQuery checks that any search text becomes a query FTS5 accepts:
// only quoted words, each at most once-starred, so user input can never
// inject FTS5 operators or column filters.
func FuzzFTSQuery(f *testing.F) {
	for _, s := range []string{"", "hello world", `"unbalanced`, "AND OR NOT", "title:x", "a*b", "NEAR(a b)", "ünïcödé 東京", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := ftsQuery(q)
		if out == "" {
			return
		}
		for _, part := range strings.Split(out, " ") {
			part = strings.TrimSuffix(part, "*")
			if len(part) < 3 || part[0] != '"' || part[len(part)-1] != '"' || strings.Contains(part[1:len(part)-1], `"`) {
				t.Fatalf("unsafe FTS5 term %q from %q", part, q)
			}
		}
	})
}

func TestFTSQueryQuotesEveryWord(t *testing.T) {
	cases := map[string]string{
		"hello world":     `"hello" "world"*`,
		`"x" OR title:y*`: `"x" "OR" "title" "y"*`,
		"   ":             "",
	}
	for in, want := range cases {
		if got := ftsQuery(in); got != want {
			t.Errorf("ftsQuery(%q) = %q, want %q", in, got, want)
		}
	}
}
