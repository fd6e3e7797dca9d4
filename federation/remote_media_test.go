package federation

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/media"
	"github.com/hearth/hearth/models"
)

// mediaOrigin is a remote server's file host on 127.0.0.1 that counts the
// requests for each path.
type mediaOrigin struct {
	srv   *httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	files map[string]func(w http.ResponseWriter)
}

func newMediaOrigin(t *testing.T) *mediaOrigin {
	o := &mediaOrigin{hits: map[string]int{}, files: map[string]func(http.ResponseWriter){}}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.hits[r.URL.Path]++
		f := o.files[r.URL.Path]
		o.mu.Unlock()
		if f == nil {
			http.NotFound(w, r)
			return
		}
		f(w)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *mediaOrigin) serve(path string, body []byte) {
	o.mu.Lock()
	o.files[path] = func(w http.ResponseWriter) { _, _ = w.Write(body) }
	o.mu.Unlock()
}

func (o *mediaOrigin) hitsOf(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.hits[path]
}

func (o *mediaOrigin) url(path string) string { return o.srv.URL + path }

// testJPEG is a w×h photo.
func testJPEG(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{0, 90, 200, 255})
	}
	var buf bytes.Buffer
	must(t, jpeg.Encode(&buf, img, nil))
	return buf.Bytes()
}

// runMediaWorker runs the remote media worker until it finds nothing.
func runMediaWorker(t *testing.T, h *harness) {
	t.Helper()
	for range 10 {
		n, err := h.fed.fetchRemoteMedia(context.Background())
		must(t, err)
		if n == 0 {
			return
		}
	}
	t.Fatal("remote media queue did not settle")
}

// mediaReply delivers rin's reply to first carrying attachments and
// returns the stored post.
func mediaReply(t *testing.T, s *doubleScene, first *models.Post, attachments []any) *models.Post {
	t.Helper()
	note := s.d.newNote("rin", fmt.Sprintf("%s/p/%d", s.h.fed.base, first.ID), "<p>look at this</p>", s.hearthAlice)
	note["attachment"] = attachments
	s.deliver(t, "rin", s.hearthInbox, s.d.wrap("Create", note["id"].(string)+"/activity", "rin", note))
	p, err := s.h.env.Svc.RemotePost(context.Background(), note["id"].(string))
	must(t, err)
	return p
}

func pageAttachments(t *testing.T, h *harness, p *models.Post) []forum.RemoteAttachmentView {
	t.Helper()
	tp, err := h.env.Svc.ThreadPage(context.Background(), nil, p.ThreadID, 1)
	must(t, err)
	return tp.Attachments[p.ID]
}

// TestRemoteImagesCachedOnce: a Mastodon-shaped reply with two images
// (Mastodon sends them as Document with an image mediaType, the alt text
// as name, and a blurhash; app/lib/activitypub/parser/
// media_attachment_parser.rb reads the same fields) is stored with its
// attachments; the worker copies each image once through the federation
// client, and the page then shows both from /media/remote/… with their
// alt text and sizes, however often it is read. Deleting the post at its
// origin drops the references, and the media collector takes the files
// after its grace period.
func TestRemoteImagesCachedOnce(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, ctx := s.h, context.Background()
	o := newMediaOrigin(t)
	o.serve("/media/a.png", testPNG(t, color.RGBA{255, 0, 0, 255}))
	o.serve("/media/b.jpg", testJPEG(t, 1000, 500))
	_, first := h.env.Thread(s.alice, "general", "Bread", "Show me your loaves.")
	post := mediaReply(t, s, first, []any{
		map[string]any{"type": "Document", "mediaType": "image/png", "url": o.url("/media/a.png"), "name": "A red square",
			"blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", "width": 8, "height": 8, "focalPoint": []any{0.0, 0.0}},
		map[string]any{"type": "Document", "mediaType": "image/jpeg", "url": o.url("/media/b.jpg"), "name": "A blue line", "width": 1000, "height": 500},
	})
	if got := pageAttachments(t, h, post); len(got) != 2 || got[0].Local != "" || got[0].Origin != o.url("/media/a.png") {
		t.Fatalf("before the worker: %+v (want two links to the origin)", got)
	}
	runMediaWorker(t, h)
	for range 3 {
		got := pageAttachments(t, h, post)
		if len(got) != 2 {
			t.Fatalf("attachments %+v", got)
		}
		for i, want := range []struct {
			name string
			w, h int
		}{{"A red square", 8, 8}, {"A blue line", 1000, 500}} {
			a := got[i]
			if a.Local != fmt.Sprintf("/media/remote/%d", a.ID) || a.Name != want.name || a.Width != want.w || a.Height != want.h {
				t.Fatalf("attachment %d: %+v", i, a)
			}
		}
		if len(got[1].Variants) == 0 {
			t.Errorf("a 1000-pixel image has no resized copies: %+v", got[1])
		}
		u, err := h.env.Svc.RemoteMediaFile(ctx, nil, got[1].ID)
		must(t, err)
		if u.Mime != "image/jpeg" || !forum.HasVariant(u, "w400") {
			t.Fatalf("served copy %+v", u)
		}
		runMediaWorker(t, h)
	}
	for _, p := range []string{"/media/a.png", "/media/b.jpg"} {
		if n := o.hitsOf(p); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	blobs, err := h.env.Svc.Media()
	must(t, err)
	got := pageAttachments(t, h, post)
	u, err := h.env.Svc.RemoteMediaFile(ctx, nil, got[0].ID)
	must(t, err)
	rc, _, err := blobs.Open(ctx, media.Key(u.Hash, ""))
	must(t, err)
	rc.Close()

	// Deleted at its origin: the references go at once, the files after
	// the collector's grace period.
	s.deliver(t, "rin", s.hearthInbox, s.d.wrap("Delete", (*post.APID)+"#delete", "rin",
		map[string]any{"id": (*post.APID), "type": "Tombstone"}))
	rows, err := h.env.Store.RemoteAttachmentsOf(ctx, post.ID)
	must(t, err)
	if len(rows) != 0 {
		t.Fatalf("after Delete: %d attachments left", len(rows))
	}
	if _, err := h.env.Svc.RemoteMediaFile(ctx, nil, got[0].ID); err != forum.ErrNotFound {
		t.Fatalf("copy still served after Delete: %v", err)
	}
	now := h.env.Svc.Now()
	h.env.Svc.SetClock(func() time.Time { return now.Add(h.env.Cfg.MediaGCGrace + time.Minute) })
	n, err := h.env.Svc.CollectMedia(ctx)
	must(t, err)
	if n != 2 {
		t.Fatalf("collected %d files, want the two copies", n)
	}
	if _, _, err := blobs.Open(ctx, media.Key(u.Hash, "")); err != media.ErrNotFound {
		t.Fatalf("file still stored after collection: %v", err)
	}
}

// TestRemoteMediaRefused: what is not a sound image within the limits is
// never cached and is shown as a link to its origin with its name; a
// non-image is not even fetched; a dead origin leaves the page whole; a
// url given as an array of Links (GoToSocial and Misskey send Link
// objects) is read.
func TestRemoteMediaRefused(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h := s.h
	o := newMediaOrigin(t)
	o.serve("/html.png", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"))
	o.serve("/svg.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	o.mu.Lock()
	o.files["/big.png"] = func(w http.ResponseWriter) {
		// No Content-Length: the reader's bound has to catch it.
		chunk := bytes.Repeat([]byte{0}, 1<<20)
		_, _ = w.Write(testPNG(t, color.Black))
		for range forum.RemoteMediaMaxBytes>>20 + 1 {
			_, _ = w.Write(chunk)
		}
	}
	o.files["/down.png"] = func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }
	o.mu.Unlock()
	o.serve("/ok.png", testPNG(t, color.White))
	o.serve("/agenda.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	_, first := h.env.Thread(s.alice, "general", "Bread", "Show me your loaves.")
	att := func(path, mt, name string) map[string]any {
		return map[string]any{"type": "Document", "mediaType": mt, "url": o.url(path), "name": name}
	}
	post := mediaReply(t, s, first, []any{
		att("/html.png", "image/png", "HTML in disguise"),
		att("/svg.png", "image/png", "an SVG"),
		att("/big.png", "image/png", "too big"),
		att("/gone.png", "image/png", "gone for good"),
		att("/down.png", "image/png", "origin down"),
		att("/agenda.pdf", "application/pdf", "the agenda"),
		map[string]any{"type": "Image", "name": "links",
			"url": []any{map[string]any{"type": "Link", "href": o.url("/ok.png"), "mediaType": "image/png"}}},
	})
	runMediaWorker(t, h)
	got := pageAttachments(t, h, post)
	if len(got) != 7 {
		t.Fatalf("attachments: %+v", got)
	}
	for i, name := range []string{"HTML in disguise", "an SVG", "too big", "gone for good", "origin down", "the agenda"} {
		a := got[i]
		if a.Local != "" || a.Name != name || !strings.HasPrefix(a.Origin, o.srv.URL+"/") {
			t.Errorf("%s: %+v, want a link to the origin", name, a)
		}
	}
	if got[5].Kind != "document" || o.hitsOf("/agenda.pdf") != 0 {
		t.Errorf("a PDF is a link, never fetched: %+v, %d fetches", got[5], o.hitsOf("/agenda.pdf"))
	}
	if got[6].Local == "" || got[6].Width != 8 {
		t.Errorf("url as an array of Links: %+v", got[6])
	}
	// The 502 is retried later (a transient failure), the 404 is not.
	rows, err := h.env.Store.RemoteAttachmentsOf(context.Background(), post.ID)
	must(t, err)
	for i, why := range []string{"text/html", "image/svg+xml", "larger than", "status 404", "status 502"} {
		if !strings.Contains(rows[i].LastError, why) {
			t.Errorf("%s: refused for %q, want %q", rows[i].Name, rows[i].LastError, why)
		}
	}
	if rows[3].State != models.RemoteMediaFailed || rows[4].State != models.RemoteMediaPending || rows[4].NextAt == nil {
		t.Errorf("404: %s; 502: %s next %v", rows[3].State, rows[4].State, rows[4].NextAt)
	}
}

// TestRemoteMediaCacheOff: with --media-remote-cache off nothing is
// fetched and the page links to the origin; turned on later, the waiting
// images are copied.
func TestRemoteMediaCacheOff(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h := s.h
	h.env.Svc.SetRemoteMediaCache(false, h.env.Cfg.MediaRemoteCacheMax)
	o := newMediaOrigin(t)
	o.serve("/a.png", testPNG(t, color.White))
	_, first := h.env.Thread(s.alice, "general", "Bread", "Show me your loaves.")
	post := mediaReply(t, s, first, []any{map[string]any{"type": "Document", "mediaType": "image/png", "url": o.url("/a.png"), "name": "white"}})
	runMediaWorker(t, h)
	if got := pageAttachments(t, h, post); len(got) != 1 || got[0].Local != "" || o.hitsOf("/a.png") != 0 {
		t.Fatalf("cache off: %+v, %d fetches", got, o.hitsOf("/a.png"))
	}
	h.env.Svc.SetRemoteMediaCache(true, h.env.Cfg.MediaRemoteCacheMax)
	runMediaWorker(t, h)
	if got := pageAttachments(t, h, post); len(got) != 1 || got[0].Local == "" || o.hitsOf("/a.png") != 1 {
		t.Fatalf("cache on: %+v, %d fetches", got, o.hitsOf("/a.png"))
	}
	// And off again: the copy is no longer served or shown.
	h.env.Svc.SetRemoteMediaCache(false, h.env.Cfg.MediaRemoteCacheMax)
	got := pageAttachments(t, h, post)
	if got[0].Local != "" {
		t.Fatalf("cache off, still shown from here: %+v", got[0])
	}
	if _, err := h.env.Svc.RemoteMediaFile(context.Background(), nil, got[0].ID); err != forum.ErrNotFound {
		t.Fatalf("cache off, still served: %v", err)
	}
}

// TestRemoteMediaPrivateAddressRefused: without --federation-allow-private
// an attachment on a loopback address is never fetched.
func TestRemoteMediaPrivateAddressRefused(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h := s.h
	o := newMediaOrigin(t)
	o.serve("/a.png", testPNG(t, color.White))
	_, first := h.env.Thread(s.alice, "general", "Bread", "Show me your loaves.")
	post := mediaReply(t, s, first, []any{map[string]any{"type": "Document", "mediaType": "image/png", "url": o.url("/a.png"), "name": "white"}})
	h.fed.client = newHTTPClient(false, nil)
	h.fed.cfg.FederationAllowPrivate = false
	runMediaWorker(t, h)
	if got := pageAttachments(t, h, post); len(got) != 1 || got[0].Local != "" || o.hitsOf("/a.png") != 0 {
		t.Fatalf("private address: %+v, %d fetches", got, o.hitsOf("/a.png"))
	}
}
