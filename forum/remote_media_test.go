package forum_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func colorPNG(t *testing.T, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < 256; i++ {
		img.Set(i%16, i/16, c)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// remoteImagePost stores a remote reply with one image attachment and
// caches data as its copy, at the service's current time.
func remoteImagePost(t *testing.T, e *forumtest.Env, author *models.User, thread, first int64, n int, data []byte) *models.RemoteAttachment {
	t.Helper()
	p, err := e.Svc.ReplyFromRemote(e.Ctx, author, thread, first, forum.RemoteNote{
		APID: fmt.Sprintf("https://remote.test/notes/%d", n), HTML: "<p>a picture</p>",
		Attachments: []forum.RemoteAttachmentIn{{Type: "Document", MediaType: "image/png", URL: fmt.Sprintf("https://remote.test/m/%d.png", n), Name: "pic"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.Svc.ClaimRemoteMedia(e.Ctx, time.Minute, 10)
	if err != nil || len(rows) != 1 || rows[0].PostID != p.ID {
		t.Fatalf("claimed %+v, %v", rows, err)
	}
	if ok, err := e.Svc.RemoteMediaFetched(e.Ctx, &rows[0], data); err != nil || !ok {
		t.Fatalf("cache: %v %v", ok, err)
	}
	r, err := e.Store.RemoteAttachmentByID(e.Ctx, rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRemoteMediaEviction: past --media-remote-cache-max the least
// recently used copies go (a copy served counts as used), the total stays
// under the bound, and an evicted image is shown as a link again. Times
// come from the injected clock.
func TestRemoteMediaEviction(t *testing.T) {
	e := forumtest.New(t)
	alice := e.User("alice", models.RoleMember)
	e.Category("general")
	rin := e.RemoteUser("rin", "remote.test")
	th, first := e.Thread(alice, "general", "Pictures", "Post yours.")
	t0 := e.Svc.Now()
	at := func(d time.Duration) { e.Svc.SetClock(func() time.Time { return t0.Add(d) }) }

	at(0)
	a := remoteImagePost(t, e, rin, th.ID, first.ID, 1, colorPNG(t, color.RGBA{255, 0, 0, 255}))
	e.Svc.SetRemoteMediaCache(true, 2*a.Size+a.Size/2) // room for two
	at(2 * time.Hour)
	b := remoteImagePost(t, e, rin, th.ID, first.ID, 2, colorPNG(t, color.RGBA{0, 255, 0, 255}))
	at(3 * time.Hour)
	if _, err := e.Svc.RemoteMediaFile(e.Ctx, nil, a.ID); err != nil { // a is viewed: now more recent than b
		t.Fatal(err)
	}
	if n, err := e.Svc.EvictRemoteMedia(e.Ctx); err != nil || n != 0 {
		t.Fatalf("under the bound, evicted %d (%v)", n, err)
	}
	at(4 * time.Hour)
	c := remoteImagePost(t, e, rin, th.ID, first.ID, 3, colorPNG(t, color.RGBA{0, 0, 255, 255}))
	n, err := e.Svc.EvictRemoteMedia(e.Ctx)
	if err != nil || n != 1 {
		t.Fatalf("evicted %d (%v), want 1", n, err)
	}
	state := func(r *models.RemoteAttachment) string {
		got, err := e.Store.RemoteAttachmentByID(e.Ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.State
	}
	if state(a) != models.RemoteMediaCached || state(b) != models.RemoteMediaEvicted || state(c) != models.RemoteMediaCached {
		t.Fatalf("a %s, b %s, c %s: want b (least recently used) evicted", state(a), state(b), state(c))
	}
	total, err := e.Store.CachedRemoteBytes(e.Ctx)
	if err != nil || total > 2*a.Size+a.Size/2 || total != a.Size+c.Size {
		t.Fatalf("cache holds %d bytes (%v), bound %d", total, err, 2*a.Size+a.Size/2)
	}
	if _, err := e.Svc.RemoteMediaFile(e.Ctx, nil, b.ID); err != forum.ErrNotFound {
		t.Fatalf("evicted copy served: %v", err)
	}
	tp, err := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v := tp.Attachments[b.PostID]; len(v) != 1 || v[0].Local != "" || v[0].Origin != "https://remote.test/m/2.png" {
		t.Fatalf("evicted image on the page: %+v", v)
	}
	if v := tp.Attachments[a.PostID]; len(v) != 1 || v[0].Local == "" {
		t.Fatalf("cached image on the page: %+v", v)
	}
	// Shown again, the evicted image is fetched again (a cache miss).
	if state(b) != models.RemoteMediaPending {
		t.Fatalf("evicted image shown: %s, want back in the queue", state(b))
	}
	rows, err := e.Svc.ClaimRemoteMedia(e.Ctx, time.Minute, 10)
	if err != nil || len(rows) != 1 || rows[0].ID != b.ID {
		t.Fatalf("claimed %+v (%v), want the evicted image", rows, err)
	}
}

// TestRemoteAttachmentBounds: a Note's attachments are bounded (count,
// URL length and scheme, alt text length) and classified by media type;
// a picture without words is a post.
func TestRemoteAttachmentBounds(t *testing.T) {
	e := forumtest.New(t)
	alice := e.User("alice", models.RoleMember)
	e.Category("general")
	rin := e.RemoteUser("rin", "remote.test")
	th, first := e.Thread(alice, "general", "Pictures", "Post yours.")
	long := make([]rune, 2000)
	for i := range long {
		long[i] = 'é'
	}
	in := []forum.RemoteAttachmentIn{
		{MediaType: "image/png", URL: "javascript:alert(1)", Name: "bad scheme"},
		{MediaType: "image/png", URL: "https://remote.test/" + string(bytes.Repeat([]byte("a"), forum.MaxRemoteURLBytes)), Name: "too long"},
		{MediaType: "image/jpeg", URL: "https://remote.test/0.jpg", Name: string(long)},
		{MediaType: "video/mp4", URL: "https://remote.test/v.mp4", Name: "video"},
		{MediaType: "image/svg+xml", URL: "https://remote.test/s.svg", Name: "svg"},
		{Type: "Audio", URL: "https://remote.test/a.ogg", Name: "audio"},
	}
	for i := range 10 {
		in = append(in, forum.RemoteAttachmentIn{Type: "Image", URL: fmt.Sprintf("https://remote.test/%d.png", i)})
	}
	p, err := e.Svc.ReplyFromRemote(e.Ctx, rin, th.ID, first.ID, forum.RemoteNote{APID: "https://remote.test/notes/1", HTML: "", Attachments: in})
	if err != nil || p == nil {
		t.Fatalf("a picture without words: %v", err)
	}
	rows, err := e.Store.RemoteAttachmentsOf(e.Ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != forum.MaxRemoteAttachments {
		t.Fatalf("%d attachments kept, want %d", len(rows), forum.MaxRemoteAttachments)
	}
	want := []struct{ kind, state string }{
		{"image", models.RemoteMediaPending}, {"video", models.RemoteMediaLink}, {"document", models.RemoteMediaLink},
		{"audio", models.RemoteMediaLink}, {"image", models.RemoteMediaPending},
	}
	for i, w := range want {
		if rows[i].Kind != w.kind || rows[i].State != w.state {
			t.Errorf("row %d (%s): %s %s, want %s %s", i, rows[i].URL, rows[i].Kind, rows[i].State, w.kind, w.state)
		}
	}
	if n := len([]rune(rows[0].Name)); n != forum.AltMaxRunes {
		t.Errorf("alt text kept %d characters, want %d", n, forum.AltMaxRunes)
	}
	// Without attachments an empty Note is still refused.
	if _, err := e.Svc.ReplyFromRemote(e.Ctx, rin, th.ID, first.ID, forum.RemoteNote{APID: "https://remote.test/notes/2", HTML: ""}); err == nil {
		t.Fatal("an empty Note without attachments was stored")
	}
	// An Update with other attachments replaces them; the same ones stay.
	before := rows[0].ID
	if _, err := e.Svc.EditFromRemote(e.Ctx, rin, forum.RemoteNote{APID: "https://remote.test/notes/1", HTML: "<p>now with words</p>", Attachments: in}); err != nil {
		t.Fatal(err)
	}
	if rows, _ = e.Store.RemoteAttachmentsOf(e.Ctx, p.ID); len(rows) == 0 || rows[0].ID != before {
		t.Fatalf("unchanged attachments were replaced: %+v", rows)
	}
	if _, err := e.Svc.EditFromRemote(e.Ctx, rin, forum.RemoteNote{APID: "https://remote.test/notes/1", HTML: "<p>only one now</p>", Attachments: in[3:4]}); err != nil {
		t.Fatal(err)
	}
	if rows, _ = e.Store.RemoteAttachmentsOf(e.Ctx, p.ID); len(rows) != 1 || rows[0].Kind != "video" {
		t.Fatalf("after an Update with one video: %+v", rows)
	}
}

// TestRemoteAccountDeletedDropsAttachments: an account deleted at its
// origin takes its posts' attachments with it.
func TestRemoteAccountDeletedDropsAttachments(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	rin := e.RemoteUser("rin", "remote.test")
	th, first := e.Thread(alice, "general", "Pictures", "Post yours.")
	r := remoteImagePost(t, e, rin, th.ID, first.ID, 1, colorPNG(t, color.White))
	a, err := e.Store.RemoteActorByAPID(e.Ctx, "https://remote.test/users/rin")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.RemoteAccountDeleted(e.Ctx, a); err != nil {
		t.Fatal(err)
	}
	if rows, err := e.Store.RemoteAttachmentsOf(e.Ctx, r.PostID); err != nil || len(rows) != 0 {
		t.Fatalf("after the account's deletion: %d attachments (%v)", len(rows), err)
	}
}
