package markup

import (
	"html"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Mentions and hashtags are parsed as real goldmark inline nodes rather than
// found by a regexp over the HTML: goldmark only offers inline parsers text
// that is not already inside a code span, code block, autolink or raw HTML,
// so "never inside code" falls out of the parser instead of being
// re-implemented (badly) on top of HTML.

const (
	maxNameLen = 30 // matches the username rule in forum/accounts.go
	maxTagLen  = 50 // in runes
	maxHostLen = 253
)

var (
	kindMention = ast.NewNodeKind("Mention")
	kindHashtag = ast.NewNodeKind("Hashtag")
)

// mentionNode is "@name" or the remote handle "@name@host".
type mentionNode struct {
	ast.BaseInline
	name string // as written; case is kept for display
	host string // empty for local members
	seg  text.Segment
}

func (n *mentionNode) Kind() ast.NodeKind { return kindMention }

func (n *mentionNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Name": n.name, "Host": n.host}, nil)
}

// key is what goes into Result.Mentions.
func (n *mentionNode) key() string {
	if n.host == "" {
		return strings.ToLower(n.name)
	}
	return strings.ToLower(n.name + "@" + n.host)
}

// hashtagNode is "#tag".
type hashtagNode struct {
	ast.BaseInline
	tag string // as written, without '#'
	seg text.Segment
}

func (n *hashtagNode) Kind() ast.NodeKind { return kindHashtag }

func (n *hashtagNode) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Tag": n.tag}, nil)
}

// opensToken reports whether a mention or hashtag may start right after r.
// Word characters are refused so that "a@b.com" and "issue#12" stay text;
// '.', '-', '+', '/', '=', '&', '%' are refused too because they precede '@'
// and '#' in email local parts, URL paths and entities ("&#x41;"). The ASCII
// punctuation that is accepted is what naturally wraps a name in prose,
// emphasis and tables.
func opensToken(r rune) bool {
	switch {
	case r == '\n' || unicode.IsSpace(r):
		return true
	case r < utf8.RuneSelf:
		return strings.ContainsRune(`([{"'*_~,;:!?<>|`, r)
	default:
		// Non-ASCII punctuation such as “ « — ( is fine; letters are not.
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isTagRune allows marks after the first rune: without them tags in scripts
// such as Devanagari or decomposed Latin ("cafe\u0301") would be cut mid-word.
func isTagRune(r rune, first bool) bool {
	if r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) {
		return true
	}
	return !first && unicode.Is(unicode.M, r)
}

type mentionParser struct{}

func (mentionParser) Trigger() []byte { return []byte{'@'} }

func (mentionParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	if !opensToken(block.PrecendingCharacter()) {
		return nil
	}
	line, seg := block.PeekLine()
	i := 1
	for i < len(line) && isNameByte(line[i]) {
		i++
	}
	if i == 1 || i-1 > maxNameLen || continuesWord(line[i:]) {
		// Too long or glued to more letters: not a name, leave it as text
		// rather than mentioning a truncated (different) member.
		return nil
	}
	if i = trimEmphasis(block, line, i); i == 1 {
		return nil
	}
	name := string(line[1:i])
	host := ""
	if i < len(line) && line[i] == '@' {
		h, n := scanHost(line[i+1:])
		if n == 0 {
			return nil
		}
		host = h
		i += 1 + n
	}
	block.Advance(i)
	return &mentionNode{name: name, host: host, seg: seg.WithStop(seg.Start + i)}
}

// trimEmphasis handles "_@bob_" and "_#tag_": '_' is a name character, so
// the closing emphasis delimiter would otherwise be swallowed into the name.
// When the token opened right after '_', trailing underscores are left to the
// emphasis parser. It returns the new end of the token in line.
func trimEmphasis(block text.Reader, line []byte, end int) int {
	if block.PrecendingCharacter() != '_' {
		return end
	}
	for end > 1 && line[end-1] == '_' {
		end--
	}
	return end
}

// continuesWord reports whether b starts with a letter or digit, which would
// make the preceding name part of a longer word ("@bobé").
func continuesWord(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	r, _ := utf8.DecodeRune(b)
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// scanHost reads a DNS name such as "mastodon.social" from the start of b and
// returns it with its length, or 0 if b does not start with a plausible host.
// A trailing dot or hyphen is sentence punctuation, not part of the host.
func scanHost(b []byte) (string, int) {
	n := 0
	for n < len(b) && (isNameByte(b[n]) && b[n] != '_' || b[n] == '.' || b[n] == '-') {
		n++
	}
	for n > 0 && (b[n-1] == '.' || b[n-1] == '-') {
		n--
	}
	if n == 0 || n > maxHostLen || continuesWord(b[n:]) || n < len(b) && b[n] == '@' {
		return "", 0
	}
	host := string(b[:n])
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return "", 0
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", 0
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return "", 0 // an IP address or version number, not a server name
	}
	return host, n
}

type hashtagParser struct{}

func (hashtagParser) Trigger() []byte { return []byte{'#'} }

func (hashtagParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	if !opensToken(block.PrecendingCharacter()) {
		return nil
	}
	line, seg := block.PeekLine()
	i, runes, letter := 1, 0, false
	for i < len(line) {
		r, size := utf8.DecodeRune(line[i:])
		if !isTagRune(r, runes == 0) {
			break
		}
		letter = letter || unicode.IsLetter(r)
		runes++
		i += size
	}
	// "#1" is an issue number or a ranking, not a topic; an over-long run is
	// more likely noise than a tag, and truncating it would invent a new tag.
	if !letter || runes > maxTagLen {
		return nil
	}
	if i = trimEmphasis(block, line, i); i == 1 {
		return nil
	}
	block.Advance(i)
	return &hashtagNode{tag: string(line[1:i]), seg: seg.WithStop(seg.Start + i)}
}

// socialHTML renders the two node kinds. Names are [A-Za-z0-9_] and hosts
// are DNS names, so only baseURL and tags need escaping.
type socialHTML struct {
	base string // HTML-escaped baseURL
}

func (r *socialHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMention, r.renderMention)
	reg.Register(kindHashtag, r.renderHashtag)
}

func (r *socialHTML) renderMention(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*mentionNode)
	if n.host != "" {
		// Remote profiles are not resolved yet (no federation), so no link.
		_, _ = w.WriteString(`<span class="mention">@` + n.name + "@" + n.host + `</span>`)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="` + r.base + "/u/" + strings.ToLower(n.name) +
		`" class="mention">@` + n.name + `</a>`)
	return ast.WalkContinue, nil
}

func (r *socialHTML) renderHashtag(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*hashtagNode)
	_, _ = w.WriteString(`<a href="` + r.base + "/tags/" + html.EscapeString(url.PathEscape(strings.ToLower(n.tag))) +
		`" class="hashtag" rel="tag">#` + html.EscapeString(n.tag) + `</a>`)
	return ast.WalkContinue, nil
}

// social is the goldmark extension bundling the parsers, transformer and
// renderer; priorities just need to be distinct from goldmark's own.
type social struct {
	baseURL string
}

func (e social) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithInlineParsers(
			util.Prioritized(mentionParser{}, 500),
			util.Prioritized(hashtagParser{}, 500),
		),
		parser.WithASTTransformers(util.Prioritized(socialTransformer{}, 500)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(&socialHTML{base: html.EscapeString(e.baseURL)}, 500),
	))
}
