package server

import (
	"bytes"
	"html/template"
	"strconv"

	"github.com/hearth/hearth/i18n"
)

// postList writes a thread page's posts: for each, an <article> around its
// cached head and foot fragments (see fillFragments), its poll and its
// remote attachments, if any.
// It is Go rather than a {{range}} in thread.html because the range was
// the largest single cost of a member's 100-post page: html/template
// calls its escapers and the index builtin through reflection for every
// value of every post (about a fifth of the page's CPU), only to copy
// fragments that are already HTML. What it writes is exactly what that
// range wrote (TestPostListMatchesTheTemplate).
func (r *renderer) postList(l *i18n.Lang, items []postItem, polls map[int64]*pollItem, atts map[int64][]attachItem) (template.HTML, error) {
	var b bytes.Buffer
	if err := r.writePostList(l, &b, items, polls, atts); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // #nosec G203 -- fragments from html/template, ints, fixed markup
}

// writePostList is postList writing into b, which the thread page splices
// into its output (page_splice.go) rather than copy through the template.
func (r *renderer) writePostList(l *i18n.Lang, b *bytes.Buffer, items []postItem, polls map[int64]*pollItem, atts map[int64][]attachItem) error {
	size := 0
	for i := range items {
		size += len(items[i].Head) + len(items[i].Foot) + 200
	}
	b.Grow(size)
	for i := range items {
		it := &items[i]
		// Number is an int and URL is "/p/" + an int: nothing to escape.
		n := strconv.Itoa(it.Number)
		b.WriteString("\n  <article class=\"post")
		if it.Deleted {
			b.WriteString(" post-deleted")
		}
		b.WriteString(`" id="post-` + n + `" aria-labelledby="post-` + n + `-label">`)
		if it.Deleted {
			b.WriteString("\n    <div class=\"post-gutter\"><span class=\"avatar avatar-initial\" aria-hidden=\"true\">–</span></div>" +
				"\n    <div class=\"post-main\">\n      <header class=\"post-header\">" +
				"\n        <span id=\"post-" + n + "-label\" class=\"visually-hidden\">" + template.HTMLEscapeString(l.T("post.deleted_label", "Number", n)) + "</span>" +
				"\n        <span class=\"post-when\"><a class=\"post-number\" href=\"" + it.URL + "\">#" + n + "</a></span>" +
				"\n      </header>\n      <p class=\"post-placeholder\">" + template.HTMLEscapeString(l.T("post.deleted")) + "</p>\n    </div>")
		} else {
			b.WriteString("\n    ")
			b.WriteString(string(it.Head))
			if p := polls[it.ID]; p != nil {
				if err := r.set(l).parts.ExecuteTemplate(b, "poll", p); err != nil {
					return err
				}
			}
			// A remote post's files, under its body; outside the cached
			// head, since a copy being made or evicted changes them.
			if a := atts[it.ID]; len(a) > 0 {
				b.WriteString("\n    ")
				writeAttachments(b, a)
			}
			b.WriteString("\n    ")
			b.WriteString(string(it.Foot))
			b.WriteString("\n    </div>")
		}
		b.WriteString("\n  </article>")
	}
	return nil
}
