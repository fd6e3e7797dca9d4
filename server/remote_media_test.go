package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func squarePNG(t testing.TB, c color.Color) []byte {
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

// cacheRemoteImages does what the fetch worker does (federation's tests
// run the worker itself against an origin): every image waiting is
// claimed and cached from data.
func cacheRemoteImages(t testing.TB, env *forumtest.Env, data func(i int) []byte) {
	t.Helper()
	rows, err := env.Svc.ClaimRemoteMedia(env.Ctx, time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if ok, err := env.Svc.RemoteMediaFetched(env.Ctx, &rows[i], data(i)); err != nil || !ok {
			t.Fatalf("cache %s: %v %v", rows[i].URL, ok, err)
		}
	}
}

func remoteReply(t testing.TB, env *forumtest.Env, author *models.User, threadID, parentID int64, n int, atts []forum.RemoteAttachmentIn) *models.Post {
	t.Helper()
	p, err := env.Svc.ReplyFromRemote(env.Ctx, author, threadID, parentID, forum.RemoteNote{
		APID: fmt.Sprintf("https://remote.example/notes/%d", n), HTML: fmt.Sprintf("<p>reply %d from afar</p>", n), Attachments: atts,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestThreadShowsRemoteImages: a remote reply's images are shown under its
// body from /media/remote/… with alt text, width, height and lazy
// loading; one not copied (origin dead, or not yet) shows its alt text
// and a link; a PDF is a link with its name. No page view or image view
// contacts the origin, and the copy is served only to those who may see
// the post.
func TestThreadShowsRemoteImages(t *testing.T) {
	var originHits atomic.Int64
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { originHits.Add(1) }))
	defer origin.Close()
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	rin := ts.RemoteUser("rin", "remote.example")
	thread, first := ts.Thread(alice, "general", "Bread", "Show me your loaves.")
	p := remoteReply(t, ts.Env, rin, thread.ID, first.ID, 1, []forum.RemoteAttachmentIn{
		{Type: "Document", MediaType: "image/png", URL: origin.URL + "/a.png", Name: `A "red" <square>`},
		{Type: "Document", MediaType: "image/png", URL: origin.URL + "/b.png", Name: "A green square"},
	})
	cacheRemoteImages(t, ts.Env, func(i int) []byte {
		return squarePNG(t, []color.Color{color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}}[i])
	})
	remoteReply(t, ts.Env, rin, thread.ID, first.ID, 2, []forum.RemoteAttachmentIn{
		{Type: "Document", MediaType: "image/jpeg", URL: origin.URL + "/dead.jpg", Name: "A loaf, never fetched"},
		{Type: "Document", MediaType: "application/pdf", URL: origin.URL + "/agenda.pdf", Name: "The agenda"},
	})
	rows, err := ts.Store.RemoteAttachmentsOf(ts.Ctx, p.ID)
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v %v", rows, err)
	}
	b := ts.browser()
	for range 3 {
		res := b.get(fmt.Sprintf("/t/%d", thread.ID))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("thread page: %d", res.StatusCode)
		}
		for _, want := range []string{
			fmt.Sprintf(`<img src="/media/remote/%d" alt="A &#34;red&#34; &lt;square&gt;" width="16" height="16" loading="lazy" decoding="async">`, rows[0].ID),
			fmt.Sprintf(`<img src="/media/remote/%d" alt="A green square" width="16" height="16" loading="lazy"`, rows[1].ID),
			`<a href="` + origin.URL + `/dead.jpg" rel="nofollow noopener noreferrer ugc">Image</a>: A loaf, never fetched`,
			`<a href="` + origin.URL + `/agenda.pdf" rel="nofollow noopener noreferrer ugc">Attachment</a>: The agenda`,
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("thread page lacks %s", want)
			}
		}
		if strings.Contains(res.Body, `src="`+origin.URL) {
			t.Error("the thread page hot-links a remote image")
		}
	}
	img := b.get(fmt.Sprintf("/media/remote/%d", rows[0].ID))
	if img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/png" || img.Header.Get("ETag") == "" ||
		!strings.HasPrefix(img.Header.Get("Cache-Control"), "private") || img.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("copy: %d %v", img.StatusCode, img.Header)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+fmt.Sprintf("/media/remote/%d", rows[0].ID), nil)
	req.Header.Set("If-None-Match", img.Header.Get("ETag"))
	if res := b.do(req); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}
	for _, path := range []string{"/media/remote/999999", fmt.Sprintf("/media/remote/%d/w400", rows[0].ID), fmt.Sprintf("/media/remote/%d/x", rows[0].ID), "/media/remote/abc"} {
		if res := b.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
	if n := originHits.Load(); n != 0 {
		t.Fatalf("the origin saw %d requests from page and image views", n)
	}

	// Moved into a private category, the copy is not served to a guest.
	admin := ts.User("ada", models.RoleAdmin)
	if _, err := ts.Svc.CreateCategory(ts.Ctx, admin, forum.CategoryInput{Name: "Inner", Slug: "inner", AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	if err := ts.Svc.MoveThread(ts.Ctx, admin, thread.ID, "inner", ""); err != nil {
		t.Fatal(err)
	}
	if res := b.get(fmt.Sprintf("/media/remote/%d", rows[0].ID)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a private category's copy served to a guest: %d", res.StatusCode)
	}
}

// TestRemoteImagesCacheOffLinks: with --media-remote-cache off the page
// shows no remote image at all, only links, and serves no copy.
func TestRemoteImagesCacheOffLinks(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	rin := ts.RemoteUser("rin", "remote.example")
	thread, first := ts.Thread(alice, "general", "Bread", "Show me your loaves.")
	p := remoteReply(t, ts.Env, rin, thread.ID, first.ID, 1, []forum.RemoteAttachmentIn{
		{Type: "Document", MediaType: "image/png", URL: "https://files.remote.example/a.png", Name: "A red square"},
	})
	cacheRemoteImages(t, ts.Env, func(int) []byte { return squarePNG(t, color.Black) })
	ts.Svc.SetRemoteMediaCache(false, ts.Cfg.MediaRemoteCacheMax)
	rows, _ := ts.Store.RemoteAttachmentsOf(ts.Ctx, p.ID)
	b := ts.browser()
	body := b.get(fmt.Sprintf("/t/%d", thread.ID)).Body
	if strings.Contains(body, "/media/remote/") || strings.Contains(body, `<img src="https://files.remote.example`) ||
		!strings.Contains(body, `<a href="https://files.remote.example/a.png" rel="nofollow noopener noreferrer ugc">Image</a>: A red square`) {
		t.Fatal("cache off: the page should link to the original and show no image")
	}
	if res := b.get(fmt.Sprintf("/media/remote/%d", rows[0].ID)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("cache off, copy served: %d", res.StatusCode)
	}
}

// pageQueries counts the statements one member's view of path costs.
func pageQueries(t *testing.T, ts *testServer, session, path string) int64 {
	t.Helper()
	var n atomic.Int64
	db := ts.Store.DB(context.Background())
	name := "hearth_test:page_queries"
	if err := db.Callback().Query().After("*").Register(name, func(*gorm.DB) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Callback().Raw().After("*").Register(name, func(*gorm.DB) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = db.Callback().Query().Remove(name)
		_ = db.Callback().Raw().Remove(name)
	}()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "hearth_session", Value: session})
	res := ts.browser().do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", path, res.StatusCode)
	}
	return n.Load()
}

// TestRemoteImagesQueriesPerPage: a thread page's attachments are one
// query, whether the page shows one remote post with an image or four
// with two each.
func TestRemoteImagesQueriesPerPage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	rin := ts.RemoteUser("rin", "remote.example")
	session, err := ts.Svc.StartSession(ts.Ctx, alice.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	one, first1 := ts.Thread(alice, "general", "One image", "Post yours.")
	many, first2 := ts.Thread(alice, "general", "Many images", "Post yours.")
	n := 0
	for i := range 4 { // PostsPerPage is 5 in tests: a full first page
		n++
		if i == 0 {
			remoteReply(t, ts.Env, rin, one.ID, first1.ID, n, []forum.RemoteAttachmentIn{{MediaType: "image/png", URL: fmt.Sprintf("https://remote.example/%d.png", n)}})
		} else {
			ts.Reply(alice, one.ID, fmt.Sprintf("local reply %d", i))
		}
		n++
		remoteReply(t, ts.Env, rin, many.ID, first2.ID, n, []forum.RemoteAttachmentIn{
			{MediaType: "image/png", URL: fmt.Sprintf("https://remote.example/%d-a.png", n)},
			{MediaType: "image/png", URL: fmt.Sprintf("https://remote.example/%d-b.png", n)},
		})
	}
	cacheRemoteImages(t, ts.Env, func(i int) []byte { return squarePNG(t, color.RGBA{uint8(i * 20), 0, 0, 255}) })
	// Each page once first: a first view writes what later ones do not
	// (the session's last use, the thread's read marker).
	pageQueries(t, ts, session, fmt.Sprintf("/t/%d", one.ID))
	pageQueries(t, ts, session, fmt.Sprintf("/t/%d", many.ID))
	a := pageQueries(t, ts, session, fmt.Sprintf("/t/%d", one.ID))
	b := pageQueries(t, ts, session, fmt.Sprintf("/t/%d", many.ID))
	if a != b {
		t.Fatalf("a page with 1 image costs %d queries, with 8 images %d", a, b)
	}
}

// BenchmarkThreadPageRemoteImages: a member's view of a 100-post page
// whose 99 replies come from the fediverse, 20 of them with an image
// cached here, against the same page without images (issue 14: at most
// 1.2 times). Run: go test ./server -run '^$' -bench ThreadPageRemoteImages.
func BenchmarkThreadPageRemoteImages(b *testing.B) {
	h, session, plain, pics := remoteImagesBench(b)
	b.Run("without", func(b *testing.B) { benchGet(b, h, plain, session) })
	b.Run("with20images", func(b *testing.B) { benchGet(b, h, pics, session) })
}
