package markup

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

const base = "http://localhost:8080"

var testRenderer = New(base)

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     []string // substrings of the HTML
		notWant  []string
		mentions []string
		hashtags []string
	}{
		{name: "paragraph and emphasis", src: "Hello *world* and **you**",
			want: []string{"<p>Hello <em>world</em> and <strong>you</strong></p>"}},
		{name: "heading still works", src: "# Title\n\ntext",
			want: []string{"<h1>Title</h1>"}, notWant: []string{"hashtag"}},
		{name: "no hard wraps", src: "one\ntwo", want: []string{"<p>one\ntwo</p>"}, notWant: []string{"<br"}},
		{name: "link gets rel", src: "[x](https://example.com)",
			want: []string{`<a href="https://example.com" rel="nofollow noopener noreferrer">x</a>`}},
		{name: "linkify", src: "see https://example.com/a?b=c ok",
			want: []string{`<a href="https://example.com/a?b=c" rel="nofollow noopener noreferrer">https://example.com/a?b=c</a>`}},
		{name: "strikethrough", src: "~~old~~", want: []string{"<del>old</del>"}},
		{name: "table", src: "| a | b |\n|:--|--:|\n| 1 | 2 |",
			want: []string{"<table>", `<th align="left">a</th>`, `<td align="right">2</td>`}},
		{name: "task list", src: "- [x] done\n- [ ] todo",
			want: []string{`<input checked="" disabled="" type="checkbox"`, `<input disabled="" type="checkbox"`}},
		{name: "fenced code keeps language", src: "```go\nfmt.Println(\"@bob #tag\")\n```",
			want: []string{`<code class="language-go">`, "@bob #tag"}, notWant: []string{"mention", "hashtag"}},
		{name: "image", src: "![a cat @home](https://example.com/cat.png)",
			want: []string{`<img src="https://example.com/cat.png" alt="a cat @home">`}},
		{name: "entity next to hash", src: "caf&#xE9;", want: []string{"<p>café</p>"}},
		{name: "entities are not tags", src: "&#35;x &#x23;y\n&#x41;", want: []string{"<p>#x #y\nA</p>"}, notWant: []string{"hashtag"}},

		{name: "local mention", src: "hi @Alice!",
			want:     []string{`<a href="` + base + `/u/alice" class="mention" rel="nofollow noreferrer">@Alice</a>!`},
			mentions: []string{"alice"}},
		{name: "mentions unique and ordered", src: "@bob @carol @BOB, (@dave) *@erin* _@frank_ @g_h_",
			mentions: []string{"bob", "carol", "dave", "erin", "frank", "g_h_"}},
		{name: "remote mention", src: "cc @bob@mastodon.social.",
			want:     []string{`<span class="mention">@bob@mastodon.social</span>.`},
			notWant:  []string{"/u/bob"},
			mentions: []string{"bob@mastodon.social"}},
		{name: "code span is not a mention", src: "use `@bob` here", notWant: []string{"mention"}},
		{name: "indented code is not a mention", src: "text\n\n    @bob #tag\n", notWant: []string{"mention", "hashtag"}},
		{name: "email is not a mention", src: "mail a@b.com or x.y@example.org",
			want: []string{`href="mailto:a@b.com"`}, notWant: []string{"mention"}},
		{name: "email glued to punctuation", src: "(mail:jo-@example.org)", notWant: []string{"mention"}},
		{name: "url path is not a mention", src: "example.com/@bob", notWant: []string{"mention"}},
		{name: "linkified url is not a mention", src: "https://social.example/@bob", notWant: []string{"mention"}},
		{name: "link text is not a mention", src: "[@bob and #go](https://x.com)",
			want: []string{">@bob and #go</a>"}, notWant: []string{"mention", "hashtag"}},
		{name: "brackets that are not a link", src: "[@bob] said [#go",
			mentions: []string{"bob"}, hashtags: []string{"go"}},
		{name: "image inside link", src: "[![@al #t](https://x.com/i.png)](https://x.com)",
			want: []string{`alt="@al #t"`}, notWant: []string{"mention", "hashtag"}},
		{name: "name too long", src: "@" + strings.Repeat("a", 31), notWant: []string{"mention"}},
		{name: "name max length", src: "@" + strings.Repeat("a", 30), mentions: []string{strings.Repeat("a", 30)}},
		{name: "name glued to letters", src: "@bobé", notWant: []string{"mention"}},
		{name: "bad remote host", src: "@bob@localhost", notWant: []string{"mention"}},
		{name: "escaped at", src: `\@bob`, notWant: []string{"mention"}},

		{name: "hashtags", src: "#Go is fun, #golang! #GO again (#Café)",
			want: []string{`<a href="` + base + `/tags/go" class="hashtag" rel="tag nofollow noreferrer">#Go</a> is`,
				`href="` + base + `/tags/caf%C3%A9"`},
			hashtags: []string{"go", "golang", "café"}},
		{name: "hashtag at line start", src: "#first line", hashtags: []string{"first"}},
		{name: "heading with hashtag", src: "## Release #v2", want: []string{"<h2>Release <a"}, hashtags: []string{"v2"}},
		{name: "numbers only is not a tag", src: "issue #12 and #1st", hashtags: []string{"1st"}},
		{name: "hash inside word", src: "C# and a#b", notWant: []string{"hashtag"}},
		{name: "url fragment", src: "see example.com/#top", notWant: []string{"hashtag"}},
		{name: "tag too long", src: "#" + strings.Repeat("x", 51), notWant: []string{"hashtag"}},
		{name: "non-latin tag", src: "#हिन्दी", hashtags: []string{"हिन्दी"}},
		{name: "code span is not a tag", src: "`#tag`", notWant: []string{"hashtag"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := testRenderer.Render(tt.src)
			for _, w := range tt.want {
				if !strings.Contains(res.HTML, w) {
					t.Errorf("HTML lacks %q\n got: %s", w, res.HTML)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(res.HTML, w) {
					t.Errorf("HTML contains %q\n got: %s", w, res.HTML)
				}
			}
			if !slices.Equal(res.Mentions, tt.mentions) {
				t.Errorf("Mentions = %q, want %q", res.Mentions, tt.mentions)
			}
			if !slices.Equal(res.Hashtags, tt.hashtags) {
				t.Errorf("Hashtags = %q, want %q", res.Hashtags, tt.hashtags)
			}
			assertSafe(t, tt.src, res.HTML)
		})
	}
}

func TestRenderXSS(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		notWant []string
	}{
		{"script tag", "<script>alert(1)</script>", []string{"alert"}},
		{"inline script", "hi <script>alert(1)</script> there", []string{"<script", "</script"}},
		{"img onerror", `<img src=x onerror="alert(1)">`, []string{"onerror", "<img"}},
		{"markdown javascript link", "[x](javascript:alert(1))", []string{"javascript"}},
		{"entity-encoded javascript link", "[x](javascript&#58;alert(1))", []string{"javascript"}},
		{"reference javascript link", "[x][r]\n\n[r]: JAVASCRIPT:alert(1)", []string{"javascript", "JAVASCRIPT"}},
		{"javascript image", "![x](javascript:alert(1))", []string{"javascript"}},
		{"raw html", `<div onclick="alert(1)">x</div>`, []string{"onclick", "<div"}},
		{"inline raw html", `a <b onmouseover="alert(1)">b</b>`, []string{"onmouseover"}},
		{"data link", `<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>`, []string{"data:"}},
		{"data markdown link", "[x](data:text/html;base64,PHNjcmlwdD4=)", []string{"data:"}},
		{"data image", "![x](data:image/svg+xml;base64,PHN2Zz4=)", []string{"data:"}},
		{"svg", `<svg onload="alert(1)"><script>alert(1)</script></svg>`, []string{"<svg", "onload", "<script"}},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, []string{"<iframe"}},
		{"style", "<style>*{display:none}</style>", []string{"<style", "display"}},
		{"code language injection", "```\" onclick=\"alert(1)\nx\n```", []string{"onclick", "class="}},
		{"link title injection", `[x](https://a.com "a\" onclick=\"b")`, []string{`" onclick="`}},
		{"hashtag injection", `#tag"><script>`, []string{"<script"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := testRenderer.Render(tt.src)
			assertSafe(t, tt.src, res.HTML)
			for _, w := range tt.notWant {
				if strings.Contains(res.HTML, w) {
					t.Errorf("HTML contains %q\n got: %s", w, res.HTML)
				}
			}
		})
	}
}

func TestRenderInvalidUTF8(t *testing.T) {
	res := testRenderer.Render("\xff@bob \xc3#tag \xe2\x82")
	if !utf8.ValidString(res.HTML) {
		t.Fatalf("invalid UTF-8 in %q", res.HTML)
	}
	if !slices.Equal(res.Mentions, []string{"bob"}) || !slices.Equal(res.Hashtags, []string{"tag"}) {
		t.Errorf("got mentions %q hashtags %q", res.Mentions, res.Hashtags)
	}
}

func TestRenderConcurrent(t *testing.T) {
	want := testRenderer.Render(samplePost).HTML
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := testRenderer.Render(samplePost).HTML; got != want {
					t.Error("concurrent render differs")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name, html string
		n          int
		want       string
	}{
		{"short stays", "<p>Hello world</p>", 20, "Hello world"},
		{"exact fit", "<p>Hello world</p>", 11, "Hello world"},
		{"word boundary", "<p>Hello wonderful world</p>", 14, "Hello…"},
		{"cut at space", "<p>Hello wonderful world</p>", 16, "Hello wonderful…"},
		{"long word hard cut", "<p>Supercalifragilistic</p>", 6, "Super…"},
		{"entities decoded", "<p>Fish &amp; chips &lt;3 caf&eacute;</p>", 50, "Fish & chips <3 café"},
		{"blocks separate words", "<h1>Title</h1>\n<p>one</p><p>two</p><ul><li>a</li><li>b</li></ul>", 50, "Title one two a b"},
		{"inline tags do not", "<p>un<em>fair</em> <a href=\"x\">@bob</a></p>", 50, "unfair @bob"},
		{"whitespace collapsed", "<p>  a \n\n\t b  </p>", 50, "a b"},
		{"trailing comma dropped", "<p>one, two three</p>", 8, "one…"},
		{"runes not bytes", "<p>日本語のテキスト</p>", 4, "日本語…"},
		{"tiny n", "<p>Hello</p>", 1, "…"},
		{"zero n", "<p>Hello</p>", 0, ""},
		{"empty", "", 10, ""},
		{"script text skipped", "<p>a</p><script>evil()</script><p>b</p>", 10, "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Excerpt(tt.html, tt.n)
			if got != tt.want {
				t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.html, tt.n, got, tt.want)
			}
			if tt.n > 0 && utf8.RuneCountInString(got) > tt.n {
				t.Errorf("Excerpt too long: %d runes", utf8.RuneCountInString(got))
			}
		})
	}
}

func TestExcerptOfRender(t *testing.T) {
	got := Excerpt(testRenderer.Render("# Hi @bob\n\nThis is **great** #news, see [here](https://x.com).").HTML, 200)
	if want := "Hi @bob This is great #news, see here."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ name, author, body, want string }{
		{"basic", "alice", "line1\nline2", "> **@alice** wrote:\n>\n> line1\n> line2\n\n"},
		{"crlf and trailing newlines", "bob", "a\r\n\r\nb\r\n\r\n", "> **@bob** wrote:\n>\n> a\n>\n> b\n\n"},
		{"nested quote", "carol", "> earlier\nreply", "> **@carol** wrote:\n>\n> > earlier\n> reply\n\n"},
		{"at prefix tolerated", "@dave", "x", "> **@dave** wrote:\n>\n> x\n\n"},
		{"no author", "", "x", "> x\n\n"},
		{"hard break kept", "erin", "a  \nb", "> **@erin** wrote:\n>\n> a  \n> b\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Quote(tt.author, tt.body); got != tt.want {
				t.Errorf("Quote(%q, %q) = %q, want %q", tt.author, tt.body, got, tt.want)
			}
		})
	}
	// The quote must render as one blockquote that mentions the author.
	res := testRenderer.Render(Quote("alice", "hello\n\n```\ncode\n```"))
	if !strings.HasPrefix(res.HTML, "<blockquote>") || strings.Count(res.HTML, "<blockquote>") != 1 ||
		!slices.Equal(res.Mentions, []string{"alice"}) {
		t.Errorf("rendered quote: %s (mentions %q)", res.HTML, res.Mentions)
	}
}

// samplePost is a realistic ~1 KB post for the benchmark.
const samplePost = `## Upgrading to v2 went fine #release

Thanks @alice and @bob_smith for the help! I followed the [migration guide](https://example.com/docs/migrate)
and it mostly *just worked*. A few notes for anyone else (cc @carol@mastodon.social):

1. Back up the database first: ` + "`pg_dump hearth > backup.sql`" + `
2. Run the migrations; they took ~3 minutes on 40k posts.
3. Clear the cache, otherwise avatars 404 for a while.

` + "```sh\n./hearth migrate --to=2 # @notamention\n./hearth serve\n```" + `

| Step | Time |
|:-----|-----:|
| dump | 40s |
| migrate | 3m |

- [x] staging
- [ ] production

> Always test on staging. — the wiki

One gotcha: if you run behind a reverse proxy, set the **public base URL** in
the config, otherwise links in notification emails point at localhost. @dave
hit this last week and it took us an hour to spot it.

Questions? Ask in #help or read https://example.com/faq. ~~Old instructions~~ are gone. #golang #Release
`

func BenchmarkRender(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(samplePost)))
	for b.Loop() {
		_ = testRenderer.Render(samplePost)
	}
}

func BenchmarkExcerpt(b *testing.B) {
	h := testRenderer.Render(samplePost).HTML
	b.ReportAllocs()
	for b.Loop() {
		_ = Excerpt(h, 200)
	}
}
