package markup

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// fuzzRenderer is shared because building one per input would make the
// fuzzer spend its time in New instead of in Render.
var fuzzRenderer = New("http://localhost:8080")

var nastySeeds = []string{
	"",
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil/x.js></SCRIPT>",
	"<img src=x onerror=alert(1)>",
	"<svg/onload=alert(1)>",
	"<svg><script>alert(1)</script></svg>",
	"<iframe src=javascript:alert(1)></iframe>",
	"<style>body{display:none}</style>",
	"<object data=x></object><embed src=x>",
	"<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x](java\tscript:alert(1))",
	"[x](&#106;avascript:alert(1))",
	"[x](javascript&#58;alert(1))",
	"[x](<javascript:alert(1)>)",
	"![x](javascript:alert(1))",
	"![x](data:text/html,<script>alert(1)</script>)",
	"<javascript:alert(1)>",
	"[x][r]\n\n[r]: javascript:alert(1)",
	"[x](http://a.com \"title\" onclick=\"alert(1)\")",
	"```\"><script>alert(1)</script>\ncode\n```",
	"``` onclick=alert(1)\nx\n```",
	"<div onmouseover=\"alert(1)\">hover</div>",
	"<a href=\"x\" onclick=\"y\">@bob</a> #tag",
	"@bob@evil.com\"onmouseover=alert(1)// #\"><script>",
	"#\"><img src=x onerror=alert(1)>",
	"@a_ _@b_ *#c* [#d](http://x) `@e` &#35;f &#x23;g",
	"| a | b |\n|---|---|\n| <script> | @x |",
	"- [x] <input onfocus=alert(1) autofocus>",
	"<!-- <script>alert(1)</script> -->",
	"<![CDATA[<script>alert(1)</script>]]>",
	"> quote @bob\n> > nested #tag\n>\n> <script>",
	"\xff\xfe@bob\x00#tag\x80",
	"www.example.com/@bob#x javascript:alert(1)",
	"http://x.com/?q=<script>alert(1)</script>",
	strings.Repeat("[", 1000) + strings.Repeat("]", 1000),
	strings.Repeat("*a", 500),
	strings.Repeat("@", 200) + strings.Repeat("#", 200),
}

// onAttr matches event-handler attribute names.
var onAttr = regexp.MustCompile(`^on[a-z]+$`)

// forbiddenTags must never appear as elements, whatever their attributes.
var forbiddenTags = []string{"<script", "<iframe", "<style", "<object", "<embed"}

// assertSafe fails t if out could run script or pull in active content.
//
// Tag checks are raw substring checks: the renderer escapes '<' in text, so
// "<script" can only appear as a real tag. Event handlers and javascript:
// URLs are checked on the tokenized attributes instead: as plain text
// ("write onclick=… in your template") they are harmless and legitimate, and
// a substring check would flag them; tokenizing also decodes entities, so
// "javascript&#58;" is caught.
func assertSafe(t *testing.T, src, out string) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, tag := range forbiddenTags {
		if strings.Contains(lower, tag) {
			t.Fatalf("output contains %s\ninput:  %q\noutput: %s", tag, src, out)
		}
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			if onAttr.MatchString(strings.ToLower(a.Key)) || a.Key == "style" || a.Key == "srcdoc" {
				t.Fatalf("output has %s attribute\ninput:  %q\noutput: %s", a.Key, src, out)
			}
			if v := squash(a.Val); strings.Contains(v, "javascript:") ||
				strings.Contains(v, "vbscript:") || strings.HasPrefix(v, "data:") {
				t.Fatalf("output has dangerous URL in %s=%q\ninput:  %q\noutput: %s", a.Key, a.Val, src, out)
			}
		}
	}
}

// squash lower-cases v and drops the whitespace and control characters that
// browsers ignore inside a URL scheme ("java\tscript:").
func squash(v string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, v)
}

func FuzzRender(f *testing.F) {
	for _, s := range nastySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		res := fuzzRenderer.Render(src)
		assertSafe(t, src, res.HTML)
		if !utf8.ValidString(res.HTML) {
			t.Fatalf("invalid UTF-8 output for %q", src)
		}
		for _, m := range res.Mentions {
			if m == "" || m != strings.ToLower(m) {
				t.Fatalf("bad mention %q for %q", m, src)
			}
		}
		for _, h := range res.Hashtags {
			if h == "" || h != strings.ToLower(h) {
				t.Fatalf("bad hashtag %q for %q", h, src)
			}
		}
		// Excerpt runs on every rendered post, so it shares the fuzzing.
		if e := Excerpt(res.HTML, 40); utf8.RuneCountInString(e) > 40 || !utf8.ValidString(e) {
			t.Fatalf("Excerpt(%q, 40) = %q", res.HTML, e)
		}
	})
}
