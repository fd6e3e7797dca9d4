package markup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ellipsis marks an excerpt that was cut.
const ellipsis = "…"

// Excerpt returns plain text of at most n runes from rendered HTML (tags
// stripped, entities decoded, whitespace collapsed, ends with "…" when cut,
// cut at a word boundary when possible). The "…" counts towards n, so the
// result always fits the space the caller reserved. n <= 0 gives "".
func Excerpt(htmlSrc string, n int) string {
	if n <= 0 {
		return ""
	}
	// A real tokenizer rather than a "<[^>]*>" regexp: attribute values may
	// contain '>', and entities must be decoded exactly once.
	z := html.NewTokenizer(strings.NewReader(htmlSrc))
	var (
		b         strings.Builder
		runes     int
		pendSpace bool // a space is owed before the next visible text
		skip      int  // depth inside elements whose text is not prose
	)
	// Collect at most n+1 runes: one more than fits tells us a cut is needed
	// without walking the rest of a long post.
	for runes <= n {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if skip > 0 {
				continue
			}
			for _, r := range string(z.Text()) {
				if unicode.IsSpace(r) {
					pendSpace = true
					continue
				}
				if pendSpace && runes > 0 {
					b.WriteByte(' ')
					runes++
				}
				pendSpace = false
				b.WriteRune(r)
				runes++
				if runes > n {
					break
				}
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Script || a == atom.Style || a == atom.Template {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			}
			// Block boundaries separate words ("<p>a</p><p>b</p>" is "a b"),
			// inline ones must not ("<em>un</em>fair" is "unfair").
			if !inline[a] {
				pendSpace = true
			}
		}
	}
	return cut(b.String(), runes, n)
}

// inline lists elements that do not break a word when a tag is stripped.
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Code: true, atom.Del: true,
	atom.Em: true, atom.I: true, atom.Ins: true, atom.Kbd: true, atom.Mark: true,
	atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true, atom.Span: true,
	atom.Strike: true, atom.Strong: true, atom.Sub: true, atom.Sup: true,
	atom.U: true, atom.Var: true,
}

// cut shortens s (which has count runes) to at most n runes including the
// ellipsis, at the last space that fits; only a single word longer than
// the room is cut mid-word.
func cut(s string, count, n int) string {
	if count <= n {
		return s
	}
	room := n - utf8.RuneCountInString(ellipsis)
	if room <= 0 {
		return ellipsis
	}
	// Byte offset of rune number room: everything before it fits.
	end := 0
	for i := 0; i < room; i++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	head := s[:end]
	if s[end] != ' ' { // the cut falls inside a word
		if sp := strings.LastIndexByte(head, ' '); sp > 0 {
			head = head[:sp]
		}
	}
	// Don't leave "word, …" or "word (…" behind.
	head = strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—([{\"'", r)
	})
	if head == "" {
		// Only punctuation fitted; a hard cut beats returning just "…".
		head = strings.TrimRightFunc(s[:end], unicode.IsSpace)
	}
	return head + ellipsis
}
