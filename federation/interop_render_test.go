package federation

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// How real servers show an incoming post, restated from their source (read
// with `git show`, not copied) so a test can say what a member there sees.
// Each rule names the file it restates. They answer: is the object shown at
// all, what becomes the content warning (a collapsed post), and what text
// is shown.

// rendering is what one server shows for an incoming object.
type rendering struct {
	shown   bool   // the server makes a status/note/post of it
	warning string // its content warning: the post is collapsed behind it
	text    string // what is shown as the post's text (HTML or MFM)
}

// renderer is one server's display rule.
type renderer struct {
	server string
	source string // where the rule was read
	// bold is how the server's text marks a bold title.
	bold   func(title string) string
	render func(obj map[string]any) rendering
}

// displayRenderers are the microblog servers issue 13 item 2 names.
var displayRenderers = []renderer{
	{
		server: "mastodon",
		source: "mastodon: app/lib/activitypub/activity.rb (SUPPORTED_TYPES Note Question; CONVERTED_TYPES Image Audio Video Article Page Event), " +
			"app/lib/activitypub/parser/status_parser.rb (processed_text, processed_spoiler_text), " +
			"lib/sanitize_ext/sanitize_config.rb (UNSUPPORTED_ELEMENTS_TRANSFORMER: h1-h6 become <p><strong>)",
		bold:   func(title string) string { return "<strong>" + html.EscapeString(title) + "</strong>" },
		render: renderMastodon,
	},
	{
		server: "gotosocial",
		source: "gotosocial: internal/typeutils/astointernal.go ASStatusToStatus (ContentWarning = summary, else name; Content = content), internal/ap/extract.go",
		bold:   func(title string) string { return "<strong>" + html.EscapeString(title) + "</strong>" },
		render: renderGoToSocial,
	},
	{
		server: "misskey",
		source: "misskey: packages/backend/src/core/activitypub/models/ApNoteService.ts createNote (cw = summary; text = source.content only for text/x.misskeymarkdown, else _misskey_content, else htmlToMfm(content)), " +
			"packages/backend/src/core/MfmService.ts fromHtml (strong/b become **, h2-h6 plain paragraphs)",
		bold:   func(title string) string { return "**" + title + "**" },
		render: renderMisskey,
	},
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func typeIs(obj map[string]any, types ...string) bool {
	t := str(obj["type"])
	for _, want := range types {
		if t == want {
			return true
		}
	}
	return false
}

func renderMastodon(obj map[string]any) rendering {
	switch {
	case typeIs(obj, "Note", "Question"):
		return rendering{shown: true, warning: str(obj["summary"]), text: mastodonSanitize(str(obj["content"]))}
	case typeIs(obj, "Image", "Audio", "Video", "Article", "Page", "Event"):
		// Converted: the title as a heading, the summary, a link; never
		// the content, and never a warning.
		var parts []string
		if name := str(obj["name"]); name != "" {
			parts = append(parts, mastodonSanitize("<h2>"+name+"</h2>"))
		}
		if s := str(obj["summary"]); s != "" {
			parts = append(parts, s)
		}
		url := str(obj["url"])
		if url == "" {
			url = str(obj["id"])
		}
		parts = append(parts, url)
		return rendering{shown: true, text: strings.Join(parts, "\n\n")}
	}
	return rendering{}
}

// mastodonSanitize applies the one transformation of Mastodon's sanitizer
// that matters for a title: headings become bold paragraphs.
func mastodonSanitize(s string) string {
	for _, h := range []string{"h1", "h2", "h3", "h4", "h5", "h6"} {
		s = strings.ReplaceAll(s, "<"+h+">", "<p><strong>")
		s = strings.ReplaceAll(s, "</"+h+">", "</strong></p>")
	}
	return s
}

func renderGoToSocial(obj map[string]any) rendering {
	// ap.ToStatusable: Article, Document, Image, Video, Note, Page, Event,
	// Place, Profile, Question.
	if !typeIs(obj, "Article", "Document", "Image", "Video", "Note", "Page", "Event", "Place", "Profile", "Question") {
		return rendering{}
	}
	warning := str(obj["summary"])
	if warning == "" {
		warning = str(obj["name"])
	}
	return rendering{shown: true, warning: warning, text: str(obj["content"])}
}

func renderMisskey(obj map[string]any) rendering {
	// validPost in packages/backend/src/core/activitypub/type.ts.
	if !typeIs(obj, "Note", "Question", "Article", "Audio", "Document", "Image", "Page", "Video", "Event") {
		return rendering{}
	}
	r := rendering{shown: true, warning: str(obj["summary"])}
	src, _ := obj["source"].(map[string]any)
	switch {
	case src != nil && src["mediaType"] == "text/x.misskeymarkdown":
		r.text = str(src["content"])
	case obj["_misskey_content"] != nil:
		r.text = str(obj["_misskey_content"])
	default:
		r.text = htmlToMFM(str(obj["content"]))
	}
	return r
}

// htmlToMFM restates MfmService.fromHtml for the elements Hearth emits:
// bold for strong/b, paragraph breaks for p and h2-h6, 【】 for h1.
func htmlToMFM(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	children := func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type != html.ElementNode:
		case n.Data == "br":
			b.WriteString("\n")
		case n.Data == "h1":
			b.WriteString("【")
			children(n)
			b.WriteString("】\n")
		case n.Data == "strong" || n.Data == "b":
			b.WriteString("**")
			children(n)
			b.WriteString("**")
		case n.Data == "p" || (len(n.Data) == 2 && n.Data[0] == 'h'):
			b.WriteString("\n\n")
			children(n)
		default:
			children(n)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return strings.TrimSpace(b.String())
}

// htmlText is the text of an HTML fragment, one line per block.
func htmlText(s string) string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && (n.Data == "p" || n.Data == "br" || n.Data == "li" || (len(n.Data) == 2 && n.Data[0] == 'h')) {
			b.WriteString("\n")
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return strings.TrimSpace(b.String())
}

// forumTitle is how a forum-style server titles a thread started by a
// Note: from name, else from the text (source's Markdown where the server
// prefers it), restated from each server's source.
type titler struct {
	server, source string
	title          func(obj map[string]any) string
}

var forumTitlers = []titler{
	{"lemmy", "lemmy: crates/apub/objects/src/objects/post.rs from_json (name, else the first line of content as plain text)", func(obj map[string]any) string {
		if n := str(obj["name"]); n != "" {
			return n
		}
		first, _, _ := strings.Cut(htmlText(str(obj["content"])), "\n")
		return strings.TrimSpace(first)
	}},
	{"nodebb", "NodeBB: src/activitypub/mocks.js post (source.content replaces content when text/markdown), src/activitypub/notes.js assert (title = name, else the first sentence of content || sourceContent)", func(obj map[string]any) string {
		if n := str(obj["name"]); n != "" {
			return n
		}
		text := htmlText(str(obj["content"]))
		if src, _ := obj["source"].(map[string]any); src != nil && src["mediaType"] == "text/markdown" {
			text = str(src["content"])
		}
		first, _, _ := strings.Cut(text, "\n")
		// sbd splits sentences at ". ", "! ", "? " too.
		for _, end := range []string{". ", "! ", "? "} {
			if i := strings.Index(first, end); i >= 0 {
				first = first[:i+1]
			}
		}
		return strings.TrimSpace(first)
	}},
}

func (r rendering) String() string {
	return fmt.Sprintf("shown=%v warning=%q text=%q", r.shown, r.warning, r.text)
}
