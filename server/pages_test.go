package server_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func TestHealthz(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	if r := b.get("/healthz"); r.StatusCode != 200 || r.Body != "ok" {
		t.Fatalf("healthz: %d %q", r.StatusCode, r.Body)
	}
	if err := ts.Store.Close(); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/healthz"); r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("healthz with closed database: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
}

func TestCSRFRequiredOnEveryForm(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	b.get("/signup")
	for _, path := range []string{"/signup", "/login", "/logout", "/new", "/t/1/reply", "/p/1/like", "/p/1/delete", "/settings", "/admin/categories"} {
		if r := b.postRaw(path, url.Values{"username": {"x"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without token: %d", path, r.StatusCode)
		}
		if r := b.postRaw(path, url.Values{"_csrf": {"forged-token-forged-token-forged-token"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s with wrong token: %d", path, r.StatusCode)
		}
	}
}

func TestFirstSignupIsAdministratorAndSaysSo(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	if r := b.get("/"); !strings.Contains(r.Body, "first account becomes the administrator") {
		t.Fatalf("empty forum does not say the first account is admin:\n%s", r.Body)
	}
	if r := b.get("/signup"); !strings.Contains(r.Body, "administrator") {
		t.Fatal("signup page does not say the first account is admin")
	}
	b.signup("founder")
	r := b.get("/")
	if !strings.Contains(r.Body, "administrator") || !strings.Contains(r.Body, "founder") {
		t.Fatalf("welcome does not say administrator:\n%s", r.Body)
	}
	u, _ := ts.Svc.UserByUsername(ts.Ctx, "founder")
	if u.Role != models.RoleAdmin {
		t.Fatalf("role %s", u.Role)
	}
	for _, ck := range b.client.Jar.Cookies(mustURL(ts.URL)) {
		if ck.Name == "hearth_session" {
			return
		}
	}
	t.Fatal("no session cookie after signup")
}

func TestBrowserForumFlow(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("founder")
	if r := admin.post("/admin/categories", url.Values{"name": {"Help"}, "description": {"Ask here"}, "color": {"#22c55e"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create category: %d %s", r.StatusCode, r.Body)
	}
	if r := admin.post("/admin/categories", url.Values{"name": {"Billing"}, "parent": {"help"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create subcategory: %d", r.StatusCode)
	}

	member := ts.browser()
	member.signup("newbie")
	// A failed form keeps what was typed.
	r := member.post("/new", url.Values{"category": {"help"}, "title": {""}, "body": {"my precious words"}, "tags": {"setup"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "my precious words") || !strings.Contains(r.Body, "must not be empty") {
		t.Fatalf("failed thread form lost text: %d\n%s", r.StatusCode, r.Body)
	}
	r = member.post("/new", url.Values{"category": {"help"}, "title": {"How do I start?"}, "body": {"Hello **all** <script>alert(1)</script> <img src=x onerror=alert(2)>"}, "tags": {"setup, newbie"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create thread: %d %s", r.StatusCode, r.Body)
	}
	threadPath := r.Header.Get("Location")
	if !regexp.MustCompile(`^/t/\d+/how-do-i-start$`).MatchString(threadPath) {
		t.Fatalf("redirect to %q", threadPath)
	}
	page := member.get(threadPath)
	for _, want := range []string{"How do I start?", "<strong>all</strong>", `og:title`, `rel="canonical"`, "setup"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("thread page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "<script>alert") || strings.Contains(page.Body, "onerror") {
		t.Fatal("member HTML reached the page unsanitised")
	}
	threadID := strings.Split(threadPath, "/")[2]

	// The administrator replies quoting the question, then the member edits.
	r = admin.get("/t/" + threadID + "?reply_to=" + firstPostID(t, ts, threadID))
	if !strings.Contains(r.Body, "&gt; Hello") {
		t.Fatalf("reply box not pre-filled with a quote:\n%s", r.Body)
	}
	r = admin.post("/t/"+threadID+"/reply", url.Values{"body": {"Welcome! Try @newbie's guide."}, "reply_to": {firstPostID(t, ts, threadID)}})
	if r.StatusCode != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), "#post-2") {
		t.Fatalf("reply: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page = member.get(threadPath)
	if !strings.Contains(page.Body, "Welcome!") || !strings.Contains(page.Body, `href="http://forum.test/u/newbie"`) {
		t.Fatalf("reply or mention missing:\n%s", page.Body)
	}
	if r := member.post("/t/"+threadID+"/reply", url.Values{"body": {"   "}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty reply: %d", r.StatusCode)
	}
	pid := firstPostID(t, ts, threadID)
	if r := member.post("/p/"+pid+"/edit", url.Values{"body": {"Hello again, edited"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.StatusCode, r.Body)
	}
	if r := member.get("/p/" + pid + "/revisions"); !strings.Contains(r.Body, "Hello **all**") {
		t.Fatalf("revision history lacks the old text:\n%s", r.Body)
	}
	// Likes and bookmarks.
	replyID := postIDByNumber(t, ts, threadID, 2)
	if r := member.post("/p/"+replyID+"/like", url.Values{"on": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("like: %d", r.StatusCode)
	}
	if p, _, _ := ts.Svc.PostFor(ts.Ctx, nil, mustInt(replyID)); p.LikeCount != 1 {
		t.Fatalf("like count %d", p.LikeCount)
	}
	if r := member.post("/t/"+threadID+"/bookmark", url.Values{"on": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("bookmark: %d", r.StatusCode)
	}
	if r := member.get("/bookmarks"); !strings.Contains(r.Body, "How do I start?") {
		t.Fatal("bookmark not listed")
	}
	// Delete shows a placeholder; a stranger cannot delete.
	if r := member.post("/p/"+replyID+"/delete", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member deleted admin's post: %d", r.StatusCode)
	}
	if r := admin.post("/p/"+replyID+"/delete", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if page = member.get(threadPath); strings.Contains(page.Body, "Welcome!") || !strings.Contains(strings.ToLower(page.Body), "deleted") {
		t.Fatal("deleted post still shown or no placeholder")
	}
	// Category page, search, profile, tag, feeds.
	if r := member.get("/c/help"); !strings.Contains(r.Body, "How do I start?") || !strings.Contains(r.Body, "Billing") {
		t.Fatal("category page lacks thread or subcategory")
	}
	if r := member.get("/search?q=edited"); !strings.Contains(r.Body, "How do I start?") {
		t.Fatalf("search did not find the post:\n%s", r.Body)
	}
	if r := member.get("/u/newbie"); !strings.Contains(r.Body, "Hello again, edited") {
		t.Fatal("profile lacks recent post")
	}
	if r := member.get("/tags/setup"); !strings.Contains(r.Body, "How do I start?") {
		t.Fatal("tag page lacks thread")
	}
	if r := member.get("/c/help/feed.rss"); !strings.HasPrefix(r.Header.Get("Content-Type"), "application/rss+xml") || !strings.Contains(r.Body, "How do I start?") {
		t.Fatalf("rss: %s", r.Header.Get("Content-Type"))
	}
	if r := member.get("/t/" + threadID + "/feed.atom"); !strings.HasPrefix(r.Header.Get("Content-Type"), "application/atom+xml") || !strings.Contains(r.Body, "Hello again") {
		t.Fatalf("atom: %s\n%s", r.Header.Get("Content-Type"), r.Body)
	}
	// Logout ends the session.
	member.post("/logout", nil)
	if r := member.get("/bookmarks"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("still logged in after logout: %d", r.StatusCode)
	}
}

func TestLoginFormErrorsAndRateLimit(t *testing.T) {
	ts := newTestServer(t)
	ts.User("alice", models.RoleMember)
	b := ts.browser()
	r := b.post("/login", url.Values{"login": {"alice"}, "password": {"nope"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "wrong username") || !strings.Contains(r.Body, `value="alice"`) {
		t.Fatalf("bad login: %d\n%s", r.StatusCode, r.Body)
	}
	for i := 0; i < 5; i++ {
		b.post("/login", url.Values{"login": {"alice"}, "password": {"nope"}})
	}
	if r := b.post("/login", url.Values{"login": {"alice"}, "password": {"password123"}}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("rate limit: %d", r.StatusCode)
	}
	other := ts.browser()
	ts.User("bob", models.RoleMember)
	// Same loopback IP already has failures, but under the IP limit.
	if r := other.post("/login", url.Values{"login": {"bob"}, "password": {"password123"}, "next": {"//evil.example/"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("login with open redirect: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestAvatarUpload(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	b.signup("painter")
	if r := b.upload("/settings/avatar", "avatar", "me.png", pngBytes(64, 64)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("png upload: %d %s", r.StatusCode, r.Body)
	}
	u, _ := ts.Svc.UserByUsername(ts.Ctx, "painter")
	if u.AvatarFile == "" {
		t.Fatal("avatar not stored")
	}
	// Avatars live in the media store, served like uploads.
	hash := forum.AvatarMediaHash(u.AvatarFile)
	if hash == "" || !strings.HasSuffix(u.AvatarFile, ".png") {
		t.Fatalf("avatar_file %q is not in the media store", u.AvatarFile)
	}
	r := b.get("/media/" + hash)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("serve avatar: %d %s %s", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
	}
	if r := b.get("/u/painter"); !strings.Contains(r.Body, `src="/media/`+hash+`"`) {
		t.Fatal("profile does not show avatar")
	}
	if r := b.upload("/settings/avatar", "avatar", "evil.png", []byte("<svg onload=alert(1)>")); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "PNG, JPEG, GIF or WebP") {
		t.Fatalf("non-image accepted: %d", r.StatusCode)
	}
	big := append(pngBytes(8, 8), bytes.Repeat([]byte{0}, forum.MaxAvatarBytes)...)
	if r := b.upload("/settings/avatar", "avatar", "big.png", big); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "limit") {
		t.Fatalf("oversized avatar: %d", r.StatusCode)
	}
	if r := b.get("/avatars/..%2Fhearth.db"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("path traversal: %d", r.StatusCode)
	}
}

func TestThreadPagingAndPostRedirect(t *testing.T) {
	ts := newTestServer(t) // 5 posts per page
	ts.Category("general")
	u := ts.User("alice", models.RoleMember)
	th, _ := ts.Thread(u, "general", "Long thread", "post 1")
	var last *models.Post
	for i := 2; i <= 12; i++ {
		last = ts.Reply(u, th.ID, fmt.Sprintf("post number %d", i))
	}
	b := ts.browser()
	r := b.get(fmt.Sprintf("/t/%d?page=3", th.ID))
	if r.StatusCode != 200 || !strings.Contains(r.Body, "post number 12") || strings.Contains(r.Body, "post number 10<") {
		t.Fatalf("page 3: %d", r.StatusCode)
	}
	if r := b.get(fmt.Sprintf("/t/%d?page=4", th.ID)); r.StatusCode != http.StatusNotFound {
		t.Fatalf("page 4: %d", r.StatusCode)
	}
	if r := b.get(fmt.Sprintf("/t/%d?page=abc", th.ID)); r.StatusCode != http.StatusNotFound {
		t.Fatalf("page abc: %d", r.StatusCode)
	}
	r = b.get(fmt.Sprintf("/p/%d", last.ID))
	if want := fmt.Sprintf("/t/%d?page=3#post-12", th.ID); r.StatusCode != http.StatusFound || r.Header.Get("Location") != want {
		t.Fatalf("post redirect: %d %s want %s", r.StatusCode, r.Header.Get("Location"), want)
	}
	if r := b.get("/t/999999"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("missing thread: %d", r.StatusCode)
	}
}

func TestStaticAssetsAndHeaders(t *testing.T) {
	ts := newTestServer(t)
	b := ts.browser()
	r := b.get("/")
	m := regexp.MustCompile(`/static/app\.[0-9a-f]{8}\.css`).FindString(r.Body)
	if m == "" {
		t.Fatal("no content-hashed stylesheet link")
	}
	css := b.get(m)
	if css.StatusCode != 200 || !strings.Contains(css.Header.Get("Cache-Control"), "max-age=31536000") || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset: %d %v", css.StatusCode, css.Header)
	}
	if r.Header.Get("Content-Security-Policy") == "" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatal("security headers missing")
	}
	res := b.post("/signup", url.Values{"username": {"cookie"}, "email": {"c@example.com"}, "password": {"correct horse"}})
	found := false
	for _, ck := range res.Cookies() {
		if ck.Name == "hearth_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
				t.Fatalf("session cookie attributes: %+v", ck)
			}
		}
	}
	if !found {
		t.Fatal("signup set no session cookie")
	}
}

func (b *browser) upload(path, field, filename string, data []byte) *response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", b.csrf())
	fw, _ := w.CreateFormFile(field, filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func pngBytes(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{200, 80, 20, 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func firstPostID(t *testing.T, ts *testServer, threadID string) string {
	return postIDByNumber(t, ts, threadID, 1)
}

func postIDByNumber(t *testing.T, ts *testServer, threadID string, n int) string {
	t.Helper()
	ps, err := ts.Store.PostsInRange(ts.Ctx, mustInt(threadID), n, n)
	if err != nil || len(ps) != 1 {
		t.Fatalf("post %d of thread %s: %v", n, threadID, err)
	}
	return fmt.Sprint(ps[0].ID)
}

func mustInt(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

func TestProfileURLsAreLowerCase(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	u := ts.User("MixedCase", models.RoleMember)
	ts.Thread(u, "general", "Case test", "hello")
	b := ts.browser()
	r := b.get("/u/MixedCase")
	if r.StatusCode != 200 || !strings.Contains(r.Body, `rel="canonical" href="http://forum.test/u/mixedcase"`) {
		t.Fatalf("profile canonical not lower-case: %d", r.StatusCode)
	}
	if r := b.get("/c/general"); !strings.Contains(r.Body, `href="/u/mixedcase"`) {
		t.Fatal("thread list links the profile with the registered case")
	}
}
