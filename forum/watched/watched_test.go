package watched

import (
	"fmt"
	"strings"
	"testing"
)

func TestMatcher(t *testing.T) {
	m, err := Compile([]Entry{
		{ID: 1, Pattern: "casino", Action: Block},
		{ID: 2, Pattern: "crypto*", Action: Hold},
		{ID: 3, Pattern: "darn", Action: Replace, Replacement: "d***"},
		{ID: 4, Pattern: "buy now", Action: Hold},
		{ID: 5, Pattern: "*coin", Action: Block},
		{ID: 6, Pattern: `\bfree\s+\$\d+`, Regex: true, Action: Block},
		{ID: 7, Pattern: "sp*m*r", Action: Hold},
		{ID: 8, Pattern: `(?:cheap|discount)\s+pills`, Regex: true, Action: Block},
		{ID: 9, Pattern: `sale!`, Regex: true, Action: Hold},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text   string
		worst  int64 // entry id of Worst, 0 for none
		result string
	}{
		{"Visit my CASINO tonight", 1, ""},
		{"occasional casinos are fine", 0, ""}, // whole words only
		{"Cryptocurrency tips", 2, ""},
		{"a crypt is not it", 0, ""},
		{"oh darn, Darn it", 0, "oh d***, d*** it"},
		{"you should BUY\n now", 4, ""},
		{"buy things now", 0, ""},
		{"get bitcoin", 5, ""},
		{"coins for collecting", 0, ""}, // * may be empty, but the suffix must end the word
		{"win FREE $100", 6, ""},
		{"free shipping", 0, ""},
		{"a spammer here", 7, ""},
		{"darn casino", 1, "d*** casino"},
		{"Ünïcode café darn", 0, "Ünïcode café d***"},
		{"Discount   PILLS", 8, ""}, // the literal prefilter lower-cases too
		{"pills, cheaply", 0, ""},
		{"big ſALE!", 9, ""}, // ſ folds to s under (?i): the prefilter must not skip it
	}
	for _, c := range cases {
		hits := m.Hits(c.text)
		var got int64
		if w := Worst(hits); w != nil {
			got = w.Entry.ID
		}
		if got != c.worst {
			t.Errorf("%q: worst = %d, want %d (hits %v)", c.text, got, c.worst, hits)
		}
		want := c.result
		if want == "" {
			want = c.text
		}
		if r := Apply(c.text, hits); r != want {
			t.Errorf("%q: Apply = %q, want %q", c.text, r, want)
		}
	}
}

func TestRequiredLiteral(t *testing.T) {
	for expr, want := range map[string]string{
		`\bfree\s+\$\d+`: "free", `(?:cheap|discount)\s+pills`: "pills", `a|b`: "", `x*`: "", `(Hello){2}`: "hello",
	} {
		if got := requiredLiteral(expr); got != want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", expr, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		p    string
		rx   bool
		okay bool
	}{
		{"spam", false, true}, {"*", false, false}, {"  ", false, false}, {"foo *", false, false},
		{"(unclosed", true, false}, {`\bok\b`, true, true}, {"!!!", false, false},
	} {
		if got := Validate(c.p, c.rx) == ""; got != c.okay {
			t.Errorf("Validate(%q, %v) ok = %v, want %v", c.p, c.rx, got, c.okay)
		}
	}
	if _, err := Compile([]Entry{{Pattern: "*", Action: Block}, {Pattern: "ok", Action: Block}}); err == nil {
		t.Error("Compile accepted a bare wildcard")
	}
}

// benchList is 1,000 patterns in the shapes staff use: mostly plain words,
// a fifth prefix wildcards, some suffix wildcards and phrases, and ten
// regular expressions.
func benchList() []Entry { return benchListRx(10) }

func benchListRx(regexes int) []Entry {
	var es []Entry
	for i := 0; i < 1000; i++ {
		e := Entry{ID: int64(i), Action: []string{Block, Hold, Replace}[i%3], Replacement: "***"}
		switch {
		case i < regexes:
			e.Pattern, e.Regex = fmt.Sprintf(`\bzq%dx\d+`, i), true
		case i%5 == 0:
			e.Pattern = fmt.Sprintf("pref%dw*", i)
		case i%7 == 0:
			e.Pattern = fmt.Sprintf("*suf%dq", i)
		case i%11 == 0:
			e.Pattern = fmt.Sprintf("two%d words%d", i, i)
		default:
			e.Pattern = fmt.Sprintf("word%dz", i)
		}
		es = append(es, e)
	}
	return es
}

// benchPost is a 2,000-character post of ordinary words with one match.
func benchPost() string {
	words := strings.Fields("the quick brown fox jumps over lazy dogs while community members answer questions about configuration and deployment")
	var b strings.Builder
	for i := 0; b.Len() < 2000; i++ {
		b.WriteString(words[i%len(words)])
		b.WriteByte(' ')
		if i == 150 {
			b.WriteString("Word501z ")
		}
	}
	return b.String()
}

func BenchmarkCheck1000Patterns(b *testing.B) {
	m, err := Compile(benchList())
	if err != nil {
		b.Fatal(err)
	}
	post := benchPost()
	if len(m.Hits(post)) != 1 {
		b.Fatalf("bench post should match once, got %v", m.Hits(post))
	}
	b.SetBytes(int64(len(post)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hits := m.Hits(post)
		_ = Apply(post, hits)
		_ = Worst(hits)
	}
}

// BenchmarkCheck1000NoRegex is the same list with words in place of the
// regular expressions: the cost of everything but regexes.
func BenchmarkCheck1000NoRegex(b *testing.B) {
	m, err := Compile(benchListRx(0))
	if err != nil {
		b.Fatal(err)
	}
	post := benchPost()
	b.SetBytes(int64(len(post)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = Apply(post, m.Hits(post))
	}
}

func BenchmarkCompile1000Patterns(b *testing.B) {
	list := benchList()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(list); err != nil {
			b.Fatal(err)
		}
	}
}
