package forum

import (
	"html"
	"strings"

	"github.com/hearth/hearth/models"
)

// HighlightHTML turns a search snippet (plain text from the database with
// models.MarkStart/MarkEnd around matched words) into safe HTML: the text is
// escaped first, so nothing the author wrote is ever markup, and only then
// do the sentinels become <mark>. Sentinels are paired strictly (a stray
// one an author typed is dropped), so the result is always balanced.
func HighlightHTML(snippet string) string {
	var b strings.Builder
	open := false
	for {
		i := strings.IndexAny(snippet, models.MarkStart+models.MarkEnd)
		if i < 0 {
			b.WriteString(html.EscapeString(snippet))
			break
		}
		b.WriteString(html.EscapeString(snippet[:i]))
		start := strings.HasPrefix(snippet[i:], models.MarkStart)
		switch {
		case start && !open:
			b.WriteString("<mark>")
			open = true
		case !start && open:
			b.WriteString("</mark>")
			open = false
		}
		snippet = snippet[i+len(models.MarkStart):] // both sentinels are 3 bytes
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
