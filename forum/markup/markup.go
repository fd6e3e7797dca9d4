// Package markup renders member-written Markdown to safe HTML for Hearth.
//
// Rendering is two layers deep on purpose: goldmark never passes raw HTML
// through and refuses dangerous link schemes, and its output is still run
// through a bluemonday allowlist, so a bug or new feature in either library
// cannot on its own let script into a page.
package markup

import (
	"bytes"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Renderer turns member-written Markdown into safe HTML. Build once, reuse
// concurrently: the goldmark instance and the bluemonday policy are both
// immutable after New and safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	bufs   sync.Pool // *bytes.Buffer, reused because Render is called in bulk
}

// Result of rendering.
type Result struct {
	HTML     string   // sanitised HTML
	Mentions []string // unique lower-cased usernames mentioned with @name, in order of first appearance
	Hashtags []string // unique lower-cased #tags found in text (not in code, not in links, not headings' '#'), in order
}

// New builds a renderer. baseURL is the public base URL like
// "http://localhost:8080" (no trailing slash); mention links point to
// baseURL+"/u/"+name and hashtag links to baseURL+"/tags/"+tag.
func New(baseURL string) *Renderer {
	baseURL = strings.TrimRight(baseURL, "/") // tolerate a trailing slash anyway
	md := goldmark.New(
		goldmark.WithExtensions(
			// GFM, spelled out so tables can use the align attribute: the
			// default style="text-align:…" would be stripped by the policy,
			// which allows no inline CSS.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			social{baseURL: baseURL},
		),
		// Hard wraps stay off (goldmark's default) and so does WithUnsafe:
		// raw HTML becomes an "omitted" comment that the sanitiser drops.
	)
	policy := newPolicy()
	// The instance's own images get sizes, lazy loading and a srcset of
	// their variants (RenderWith); other images can carry none of these
	// past the policy except harmless width/height/loading.
	policy.AllowAttrs("width", "height").Matching(regexp.MustCompile(`^[0-9]{1,5}$`)).OnElements("img")
	policy.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	policy.AllowAttrs("decoding").Matching(regexp.MustCompile(`^async$`)).OnElements("img")
	policy.AllowAttrs("sizes").Matching(regexp.MustCompile(`^` + regexp.QuoteMeta(imageSizes) + `$`)).OnElements("img")
	policy.AllowAttrs("srcset").Matching(ownSrcset(baseURL)).OnElements("img")
	return &Renderer{
		md:     md,
		policy: policy,
		bufs:   sync.Pool{New: func() any { return new(bytes.Buffer) }},
	}
}

// newPolicy extends bluemonday's UGC policy with exactly the attributes our
// own renderer emits and nothing a member could use to style or script.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// UGC allows "id" everywhere; goldmark emits none (no auto heading IDs)
	// and member-chosen ids could clobber the page's own (DOM clobbering),
	// so only attributes with a fixed meaning are added below.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(mention|hashtag)$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^mention$`)).OnElements("span")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)).OnElements("code")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^(tag|nofollow noopener noreferrer)$`)).OnElements("a")
	// Safety net: every link gets nofollow and noreferrer even if our own
	// rel above is missing (bluemonday appends to an existing rel).
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	// Task-list checkboxes: read-only, so no form can be built from them.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")
	// UGC restricts alt and title to a "paragraph" character class that
	// drops a whole alt text for one '@', '#' or '?'. Attribute values are
	// always re-escaped on output, so any text is safe here.
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("title").OnElements("a", "img")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	return p
}

// Render converts src to sanitised HTML and reports who and what it
// mentions. Invalid UTF-8 is replaced rather than rejected so that a bad
// byte in an imported post never fails a whole batch.
func (r *Renderer) Render(src string) Result { return r.render(src, nil) }

func (r *Renderer) render(src string, lookup MediaLookup) Result {
	src = strings.ToValidUTF8(src, "\uFFFD")
	source := []byte(src)

	pc := parser.NewContext()
	doc := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(pc))
	if lookup != nil {
		pc.Set(mediaKey, lookup)
		sizeImages(doc, pc)
	}

	buf := r.bufs.Get().(*bytes.Buffer)
	defer func() {
		// Don't let one huge post pin a huge buffer in the pool forever.
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			r.bufs.Put(buf)
		}
	}()
	buf.Reset()
	if err := r.md.Renderer().Render(buf, source, doc); err != nil {
		// goldmark's HTML renderer only fails if the writer does, and a
		// bytes.Buffer doesn't; render nothing rather than half a post.
		buf.Reset()
	}

	var res Result
	// Sanitise straight into the result string: SanitizeReader would build
	// an intermediate buffer and String() would copy it once more.
	var out strings.Builder
	out.Grow(buf.Len())
	if err := r.policy.SanitizeReaderToWriter(buf, &out); err != nil {
		out.Reset() // strings.Builder never fails; be safe, not partial
	}
	res.HTML = out.String()
	if c, ok := pc.Get(collectedKey).(*collected); ok {
		res.Mentions, res.Hashtags = c.mentions, c.hashtags
	}
	return res
}

// Quote returns Markdown that quotes body as a blockquote attributed to
// author, e.g. "> **@alice** wrote:\n>\n> line1\n> line2\n\n", for
// pre-filling a reply box. An empty author gives an unattributed quote.
// Quoting with @author means the quoted member is mentioned (and so
// notified) when the reply is posted, as on most forums.
func Quote(author, body string) string {
	body = strings.ToValidUTF8(body, "\uFFFD")
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	body = strings.Trim(body, "\n")
	author = strings.TrimPrefix(strings.TrimSpace(author), "@")

	var b strings.Builder
	b.Grow(len(body) + len(author) + 32)
	if author != "" {
		b.WriteString("> **@" + author + "** wrote:\n>\n")
	}
	for line := range strings.SplitSeq(body, "\n") {
		// Lines are kept byte for byte (trailing "  " is a hard break);
		// only blank ones lose their spaces.
		if strings.TrimSpace(line) == "" {
			b.WriteString(">\n") // no trailing space: editors strip it anyway
			continue
		}
		b.WriteString("> " + line + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

// collected is stored in the parser context by socialTransformer so that
// Render gets mentions and hashtags without a second walk over the tree.
type collected struct {
	mentions, hashtags []string
}

var collectedKey = parser.NewContextKey()

// linkRel is put on every member-written link. bluemonday only adds
// "noopener" when target="_blank", and we never set a target, so it is
// supplied here; the sanitiser still enforces nofollow/noreferrer.
var linkRel = []byte("nofollow noopener noreferrer")

// socialTransformer runs after inline parsing. It turns mentions and hashtags
// that ended up inside link text or image alt text back into plain text
// (goldmark only learns that "[...]" was a link after parsing its contents),
// marks links with rel, and records what was mentioned.
type socialTransformer struct{}

func (socialTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var (
		c       collected
		seen    = map[string]bool{}
		inLink  int
		demoted []ast.Node
		split   []*ast.Text
		source  = reader.Source()
	)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Link, *ast.Image:
			if entering {
				inLink++
				if l, ok := n.(*ast.Link); ok {
					l.SetAttributeString("rel", linkRel)
				}
			} else {
				inLink--
			}
		case *ast.Text:
			if entering && splitsEntity(n, source) {
				split = append(split, n)
			}
		case *ast.AutoLink:
			if entering {
				n.SetAttributeString("rel", linkRel)
			}
		case *mentionNode:
			if entering && inLink > 0 {
				demoted = append(demoted, n)
			} else if key := n.key(); entering && !seen["@"+key] {
				seen["@"+key] = true
				c.mentions = append(c.mentions, key)
			}
		case *hashtagNode:
			if entering && inLink > 0 {
				demoted = append(demoted, n)
			} else if tag := strings.ToLower(n.tag); entering && !seen["#"+tag] {
				seen["#"+tag] = true
				c.hashtags = append(c.hashtags, tag)
			}
		}
		return ast.WalkContinue, nil
	})
	// Changing the tree during the walk would confuse its sibling iteration.
	// Backwards, so a run of pieces collapses into its first one.
	for i := len(split) - 1; i >= 0; i-- {
		t := split[i]
		next, ok := t.NextSibling().(*ast.Text)
		if !ok || t.Parent() == nil {
			continue
		}
		t.Segment = t.Segment.WithStop(next.Segment.Stop)
		t.SetSoftLineBreak(next.SoftLineBreak())
		t.SetHardLineBreak(next.HardLineBreak())
		t.Parent().RemoveChild(t.Parent(), next)
	}
	for _, n := range demoted {
		seg := n.(interface{ segment() text.Segment }).segment()
		ast.MergeOrReplaceTextSegment(n.Parent(), n, seg)
	}
	pc.Set(collectedKey, &c)
}

// splitsEntity reports whether t ends in '&' and its next sibling is the
// rest of a numeric character reference ("&" + "#x41;"). The '#' trigger
// makes goldmark cut the text there, and at the end of a line it does not
// glue the pieces back, so the reference would render as "&amp;#x41;".
func splitsEntity(t *ast.Text, source []byte) bool {
	next, ok := t.NextSibling().(*ast.Text)
	if !ok || t.SoftLineBreak() || t.HardLineBreak() || t.IsRaw() || next.IsRaw() ||
		t.Segment.Padding != 0 || next.Segment.Padding != 0 ||
		t.Segment.Stop != next.Segment.Start || t.Segment.Len() == 0 || next.Segment.Len() == 0 {
		return false
	}
	return source[t.Segment.Stop-1] == '&' && source[next.Segment.Start] == '#'
}

func (n *mentionNode) segment() text.Segment { return n.seg }
func (n *hashtagNode) segment() text.Segment { return n.seg }
