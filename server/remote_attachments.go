package server

import (
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum"
)

// attachItem is one file of a remote post as the thread page shows it
// (templates/partials/remote_attachments.html).
type attachItem struct {
	Local         string // the local copy, "" for a link to Origin
	Srcset        string
	Width, Height int
	Name          string // alt text
	Origin        string
	Label         string // the link's words: "Image", "Video"…
	Host          string // the origin's host, said next to the link
}

var attachLabels = map[string]string{"image": "Image", "video": "Video", "audio": "Audio", "document": "Attachment"}

// attachItems flattens a thread page's remote attachments by post id; nil
// when the page has none (the usual page costs nothing here).
func attachItems(in map[int64][]forum.RemoteAttachmentView) map[int64][]attachItem {
	if len(in) == 0 {
		return nil
	}
	out := make(map[int64][]attachItem, len(in))
	for postID, views := range in {
		items := make([]attachItem, len(views))
		for i, v := range views {
			it := attachItem{Local: v.Local, Width: v.Width, Height: v.Height, Name: v.Name, Origin: v.Origin, Label: attachLabels[v.Kind]}
			if it.Label == "" {
				it.Label = "Attachment"
			}
			if u, err := url.Parse(v.Origin); err == nil {
				it.Host = u.Hostname()
			}
			if v.Local != "" && len(v.Variants) > 0 {
				parts := make([]string, 0, len(v.Variants)+1)
				for _, w := range v.Variants {
					parts = append(parts, v.Local+"/w"+strconv.Itoa(w)+" "+strconv.Itoa(w)+"w")
				}
				it.Srcset = strings.Join(append(parts, v.Local+" "+strconv.Itoa(v.Width)+"w"), ", ")
			}
			items[i] = it
		}
		out[postID] = items
	}
	return out
}

// writeAttachments writes a remote post's files under its body. Images
// copied here are shown from /media/remote/{id}, sized and lazy; anything
// else (not an image, not copied yet, refused, evicted, or the cache off)
// is a link to its origin with its description, never a remote <img>, so
// a reader's browser does not contact the remote server unasked. It is Go
// rather than a template for the reason postList is: on a 100-post page
// with 20 images, html/template's reflection cost a fifth more CPU than
// the page without them. Every value is escaped (TestAttachmentsEscaped);
// Origin was checked to be an http(s) URL when it was stored.
func writeAttachments(b io.StringWriter, items []attachItem) {
	esc := html.EscapeString
	b.WriteString(`<div class="post-attachments">`)
	for i := range items {
		a := &items[i]
		if a.Local != "" {
			b.WriteString("\n  <figure class=\"post-attachment\"><a href=\"" + esc(a.Local) + "\"><img src=\"" + esc(a.Local) + "\" alt=\"" + esc(a.Name) +
				"\" width=\"" + strconv.Itoa(a.Width) + "\" height=\"" + strconv.Itoa(a.Height) + "\" loading=\"lazy\" decoding=\"async\"")
			if a.Srcset != "" {
				b.WriteString(` srcset="` + esc(a.Srcset) + `" sizes="(max-width: 800px) 100vw, 800px"`)
			}
			b.WriteString("></a></figure>")
			continue
		}
		b.WriteString("\n  <p class=\"post-attachment-link\"><a href=\"" + esc(a.Origin) + "\" rel=\"nofollow noopener noreferrer ugc\">" + esc(a.Label) + "</a>")
		if a.Name != "" {
			b.WriteString(": " + esc(a.Name))
		}
		b.WriteString(` <span class="muted">(on ` + esc(a.Host) + `)</span></p>`)
	}
	b.WriteString("\n</div>")
}
