package federation

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"reflect"
	"testing"

	"github.com/hearth/hearth/forum"
)

// TestNoteCarriesAttachments: a post with an uploaded image and a PDF
// federates them as the Note's attachment (Mastodon shows a Note's
// attachments, not the <img> in its content), the image's alt text as
// name, with its size; a post without uploads has no attachment at all.
func TestNoteCarriesAttachments(t *testing.T) {
	h := newHarness(t)
	s := h.scene()
	env := h.env
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for x := 0; x < 640; x++ {
		img.Set(x, x%480, color.RGBA{200, 100, 0, 255})
	}
	var buf bytes.Buffer
	must(t, png.Encode(&buf, img))
	pic, err := env.Svc.Upload(env.Ctx, s.alice, forum.UploadInput{Data: buf.Bytes(), Alt: "A loaf [flat] on a board"})
	must(t, err)
	doc, err := env.Svc.Upload(env.Ctx, s.alice, forum.UploadInput{Data: []byte("%PDF-1.4\n%%EOF\n"), Name: "agenda.pdf"})
	must(t, err)
	post := env.Reply(s.alice, s.thread.ID, "Sourdough day.\n\n"+pic.Markdown+"\n\nAgenda: "+doc.Markdown+"\n\nAgain: "+pic.Markdown)

	note := h.activity(postPath(post), http.StatusOK)
	want := []any{
		map[string]any{"type": "Image", "mediaType": "image/png", "url": pic.URL, "name": "A loaf [flat] on a board", "width": 640.0, "height": 480.0},
		map[string]any{"type": "Document", "mediaType": "application/pdf", "url": doc.URL, "name": "agenda.pdf"},
	}
	if !reflect.DeepEqual(note["attachment"], want) {
		t.Fatalf("attachment\n got %#v\nwant %#v", note["attachment"], want)
	}
	if note["content"] != post.HTML {
		t.Errorf("content changed: %v", note["content"])
	}
	if plain := h.activity(postPath(s.plain), http.StatusOK); plain["attachment"] != nil {
		t.Errorf("a post without uploads has attachment %v", plain["attachment"])
	}
}
