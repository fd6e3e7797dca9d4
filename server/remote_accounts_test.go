package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// fakeFediverse stands in for federation (tested on the wire in
// federation/remote_follows_test.go): it resolves nothing, records
// follows as the real one does (a following row, not yet accepted) and
// counts replies sent.
type fakeFediverse struct {
	store   *models.Store
	replies []string
}

func (f *fakeFediverse) ResolveAccount(context.Context, string, string) (*models.RemoteActor, error) {
	return nil, forum.ErrNotFound
}
func (f *fakeFediverse) ResolveProfileURL(_ context.Context, u string) (*models.RemoteActor, error) {
	if u == "https://social.example/@mia" {
		return f.store.RemoteActorByAPID(context.Background(), "https://social.example/users/mia")
	}
	return nil, forum.ErrNotFound
}
func (f *fakeFediverse) FetchOutbox(context.Context, *models.RemoteActor) error { return nil }
func (f *fakeFediverse) Follow(ctx context.Context, u *models.User, a *models.RemoteActor) error {
	if _, err := f.store.FollowingOf(ctx, u.ID, a.ID); err == nil {
		return nil
	}
	row := &models.Following{UserID: u.ID, RemoteActorID: a.ID}
	if err := f.store.CreateFollowing(ctx, row); err != nil {
		return err
	}
	return f.store.SetFollowingActivityID(ctx, row.ID, "follow-"+strconv.FormatInt(row.ID, 10))
}
func (f *fakeFediverse) Unfollow(ctx context.Context, u *models.User, a *models.RemoteActor) error {
	row, err := f.store.FollowingOf(ctx, u.ID, a.ID)
	if err != nil {
		return nil
	}
	return f.store.DeleteFollowing(ctx, row.ID)
}
func (f *fakeFediverse) ReplySent(_ context.Context, _ *models.User, reply, _ *models.FollowedNote, _ *models.User) error {
	f.replies = append(f.replies, reply.APID)
	return nil
}

// remoteAccount is a known Mastodon account with a bio and public posts.
func remoteAccount(t *testing.T, ts *testServer, name string, posts ...string) *models.User {
	t.Helper()
	a, err := ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{
		APID: "https://social.example/users/" + name, Inbox: "https://social.example/users/" + name + "/inbox",
		PreferredUsername: name, Name: strings.ToUpper(name), Domain: "social.example",
		Summary: `<p>Bio of ` + name + `<script>alert(1)</script></p>`, ProfileURL: "https://social.example/@" + name,
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := ts.Svc.RemoteUser(ts.Ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range posts {
		if err := ts.Svc.StoreFollowedNote(ts.Ctx, u, forum.FollowedNoteInput{
			APID: fmt.Sprintf("https://social.example/users/%s/statuses/%d", name, i+1), HTML: "<p>" + p + "</p>",
			Public: true, Published: ts.Svc.Now().Add(time.Duration(i-len(posts)) * time.Minute),
		}); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func TestRemoteProfilePage(t *testing.T) {
	ts := newTestServer(t)
	fake := &fakeFediverse{store: ts.Store}
	ts.Svc.SetFediverse(fake)
	remoteAccount(t, ts, "mia", "Mia's first toot")

	visitor := ts.browser()
	r := visitor.get("/u/mia@social.example")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("visitor, known account: %d", r.StatusCode)
	}
	for _, want := range []string{"MIA", "@mia@social.example", "Bio of mia", `href="https://social.example/@mia"`, "Mia&#39;s first toot", "Log in</a> to follow"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("remote profile lacks %q", want)
		}
	}
	if strings.Contains(r.Body, "alert(1)") {
		t.Error("the remote bio's script reached the page")
	}
	// Unknown accounts: a visitor never makes the forum look them up; a
	// member's lookup that finds nothing is a 404 too.
	if r := visitor.get("/u/nobody@social.example"); r.StatusCode != http.StatusNotFound {
		t.Errorf("visitor, unknown account: %d", r.StatusCode)
	}
	member := ts.browser()
	member.signup("alice")
	if r := member.get("/u/nobody@social.example"); r.StatusCode != http.StatusNotFound {
		t.Errorf("member, account not found: %d", r.StatusCode)
	}

	// Follow and unfollow from the page, with CSRF.
	if r := member.postRaw("/u/mia@social.example/follow", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("follow without a CSRF token: %d", r.StatusCode)
	}
	if r := visitor.post("/u/mia@social.example/follow", nil); r.StatusCode == http.StatusSeeOther && r.Header.Get("Location") != "/login" && !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("visitor follow: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r = member.post("/u/mia@social.example/follow", nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/u/mia@social.example" {
		t.Fatalf("follow: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := member.get("/u/mia@social.example"); !strings.Contains(r.Body, "Requested: waiting for social.example") || !strings.Contains(r.Body, `action="/u/mia@social.example/unfollow"`) {
		t.Errorf("page after following lacks the Requested state:\n%s", r.Body)
	}
	if r := member.post("/u/mia@social.example/unfollow", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unfollow: %d", r.StatusCode)
	}
	if r := member.get("/u/mia@social.example"); !strings.Contains(r.Body, `action="/u/mia@social.example/follow"`) {
		t.Error("page after unfollowing offers no Follow")
	}
}

// TestRemoteAuthorLinksNeverNotFound walks every link to a member or
// remote author on a thread with remote replies, and every author.url of
// the thread's API answer: each answers 200 here or leads off-site.
func TestRemoteAuthorLinksNeverNotFound(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	alice := ts.User("alice", models.RoleMember)
	thread, first := ts.Thread(alice, "general", "Hello", "First post.")
	named := remoteAccount(t, ts, "bob")
	// An actor with no preferredUsername gets a made-up handle.
	a, err := ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{APID: "https://other.example:8443/ap/x1",
		Inbox: "https://other.example:8443/ap/x1/inbox", Domain: "other.example:8443"})
	if err != nil {
		t.Fatal(err)
	}
	nameless, err := ts.Svc.RemoteUser(ts.Ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []*models.User{named, nameless} {
		if _, err := ts.Svc.ReplyFromRemote(ts.Ctx, u, thread.ID, first.ID, forum.RemoteNote{
			APID: fmt.Sprintf("https://%s/notes/%d", u.Domain, i), HTML: "<p>Hi from afar</p>",
		}); err != nil {
			t.Fatal(err)
		}
	}
	b := ts.browser()
	check := func(where, link string) {
		t.Helper()
		path := link
		if rest, ok := strings.CutPrefix(link, ts.Cfg.URL); ok {
			path = rest
		} else if strings.HasPrefix(link, "http") {
			return // off-site: the author's own server
		}
		if r := b.get(path); r.StatusCode != http.StatusOK {
			t.Errorf("%s links to %s: %d", where, link, r.StatusCode)
		}
	}
	page := b.get(fmt.Sprintf("/t/%d", thread.ID)).Body
	links := regexp.MustCompile(`href="(/u/[^"]+|https?://[^"]+)"`).FindAllStringSubmatch(page, -1)
	seen := 0
	for _, m := range links {
		check("thread page", m[1])
		if strings.HasPrefix(m[1], "/u/") {
			seen++
		}
	}
	if seen == 0 {
		t.Fatal("no member links on the thread page")
	}
	_, body := ts.api(t, http.MethodGet, fmt.Sprintf("/api/v1/threads/%d", thread.ID), "", "")
	posts, _ := body["posts"].([]any)
	if len(posts) != 3 {
		t.Fatalf("API posts: %v", body)
	}
	for _, p := range posts {
		author := p.(map[string]any)["author"].(map[string]any)
		check("API author.url", author["url"].(string))
	}
	// The remote authors' own pages answer too, by their handles.
	for _, u := range []*models.User{named, nameless} {
		check("handle", "/u/"+u.Username)
	}
}

func TestRemoteFollowAPI(t *testing.T) {
	ts := newTestServer(t)
	fake := &fakeFediverse{store: ts.Store}
	ts.Svc.SetFediverse(fake)
	remoteAccount(t, ts, "mia", "Hello API")
	tok := ts.token(t, "alice", models.RoleMember)

	// Visitors: the known account is public, everything else is 401.
	if code, body := ts.api(t, http.MethodGet, "/api/v1/remote/mia@social.example", "", ""); code != http.StatusOK || body["follow"] != "" || len(body["posts"].([]any)) != 1 {
		t.Errorf("visitor GET account: %d %v", code, body)
	}
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/remote/mia@social.example/follow", ""},
		{http.MethodDelete, "/api/v1/remote/mia@social.example/follow", ""},
		{http.MethodGet, "/api/v1/following", ""},
		{http.MethodPost, "/api/v1/following/1/replies", `{"body":"hi"}`},
	} {
		if code, _ := ts.api(t, c.method, c.path, "", c.body); code != http.StatusUnauthorized {
			t.Errorf("visitor %s %s: %d, want 401", c.method, c.path, code)
		}
	}
	if code, _ := ts.api(t, http.MethodGet, "/api/v1/remote/nobody@social.example", "", ""); code != http.StatusNotFound {
		t.Errorf("visitor, unknown account: %d", code)
	}

	code, body := ts.api(t, http.MethodPost, "/api/v1/remote/mia@social.example/follow", tok, "")
	if code != http.StatusOK || body["follow"] != forum.FollowRequested {
		t.Fatalf("follow: %d %v", code, body)
	}
	if _, body := ts.api(t, http.MethodGet, "/api/v1/remote/mia@social.example", tok, ""); body["follow"] != forum.FollowRequested ||
		body["origin_url"] != "https://social.example/@mia" || body["url"] != ts.Cfg.URL+"/u/mia@social.example" {
		t.Errorf("account after follow: %v", body)
	}
	code, body = ts.api(t, http.MethodGet, "/api/v1/following", tok, "")
	items, _ := body["items"].([]any)
	if code != http.StatusOK || len(items) != 1 {
		t.Fatalf("feed: %d %v", code, body)
	}
	id := int64(items[0].(map[string]any)["id"].(float64))
	code, body = ts.api(t, http.MethodPost, fmt.Sprintf("/api/v1/following/%d/replies", id), tok, `{"body":"Welcome"}`)
	if code != http.StatusCreated || len(fake.replies) != 1 || body["ap_id"] != fake.replies[0] || body["in_reply_to"] != "https://social.example/users/mia/statuses/1" {
		t.Fatalf("reply: %d %v %v", code, body, fake.replies)
	}
	// The reply's id is a page anyone can open.
	page := ts.browser().get(strings.TrimPrefix(body["ap_id"].(string), ts.Cfg.URL))
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "Welcome") || !strings.Contains(page.Body, "Hello API") {
		t.Errorf("reply page: %d", page.StatusCode)
	}
	if code, _ := ts.api(t, http.MethodPost, fmt.Sprintf("/api/v1/following/%d/replies", id), tok, `{"body":" "}`); code != http.StatusUnprocessableEntity {
		t.Errorf("empty reply: %d", code)
	}
	if code, _ := ts.api(t, http.MethodDelete, "/api/v1/remote/mia@social.example/follow", tok, ""); code != http.StatusNoContent {
		t.Errorf("unfollow: %d", code)
	}
	if _, body := ts.api(t, http.MethodGet, "/api/v1/remote/mia@social.example", tok, ""); body["follow"] != "" {
		t.Errorf("account after unfollow: %v", body)
	}
}

// TestFollowingFeedPage: the feed shows followed accounts' posts only (a
// followers-only one once the follow is accepted), pages by keyset, and
// keeps a reply's text when it is refused.
func TestFollowingFeedPage(t *testing.T) {
	ts := newTestServer(t)
	fake := &fakeFediverse{store: ts.Store}
	ts.Svc.SetFediverse(fake)
	var posts []string
	for i := range 35 {
		posts = append(posts, fmt.Sprintf("Toot number %02d.", i))
	}
	mia := remoteAccount(t, ts, "mia", posts...)
	remoteAccount(t, ts, "rin", "Rin is not followed")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ts.Svc.StoreFollowedNote(ts.Ctx, mia, forum.FollowedNoteInput{APID: "https://social.example/users/mia/statuses/fo",
		HTML: "<p>For followers only</p>", Public: false, Published: ts.Svc.Now()}))
	b := ts.browser()
	if r := b.get("/following"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("visitor /following: %d", r.StatusCode)
	}
	b.signup("alice")
	if r := b.get("/following"); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "Toot number") {
		t.Fatalf("feed before following: %d", r.StatusCode)
	}
	if r := b.post("/u/mia@social.example/follow", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow: %d", r.StatusCode)
	}
	r := b.get("/following")
	for _, want := range []string{"Toot number 34.", "Toot number 05.", `rel="next"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("first page lacks %q", want)
		}
	}
	for _, not := range []string{"Toot number 04.", "Rin is not followed", "For followers only"} {
		if strings.Contains(r.Body, not) {
			t.Errorf("first page shows %q", not)
		}
	}
	next := regexp.MustCompile(`href="(/following\?after=[^"]+)" rel="next"`).FindStringSubmatch(r.Body)
	if next == nil {
		t.Fatal("no next link")
	}
	r2 := b.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if !strings.Contains(r2.Body, "Toot number 00.") || strings.Contains(r2.Body, "Toot number 05.") || strings.Contains(r2.Body, `rel="next"`) {
		t.Errorf("second page:\n%s", r2.Body)
	}
	if r := b.get("/following?after=garbage"); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
		t.Errorf("bad cursor: %d", r.StatusCode)
	}

	// The "follow an account" box finds a page by handle or profile link.
	for _, c := range []struct{ in, where string }{
		{"@mia@social.example", "/u/mia@social.example"},
		{"https://social.example/@mia", "/u/mia@social.example"},
	} {
		if r := b.get("/following/find?account=" + url.QueryEscape(c.in)); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != c.where {
			t.Errorf("find %q: %d %s", c.in, r.StatusCode, r.Header.Get("Location"))
		}
	}
	for _, bad := range []string{"not a handle", "https://social.example/@nobody"} {
		if r := b.get("/following/find?account=" + url.QueryEscape(bad)); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="`+bad+`"`) {
			t.Errorf("find %q: %d, entry kept: %v", bad, r.StatusCode, strings.Contains(r.Body, bad))
		}
	}
	if r := ts.browser().get("/following/find?account=x@y.example"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("visitor find: %d %s", r.StatusCode, r.Header.Get("Location"))
	}

	// Accepted: the followers-only post shows.
	alice, err := ts.Store.UserByUsername(ts.Ctx, "alice")
	must(err)
	row, err := ts.Store.FollowingOf(ts.Ctx, alice.ID, *mia.RemoteActorID)
	must(err)
	_, err = ts.Store.SetFollowingAccepted(ts.Ctx, row.FollowActivityID, *mia.RemoteActorID, true)
	must(err)
	if r := b.get("/following"); !strings.Contains(r.Body, "For followers only") {
		t.Error("accepted follow: followers-only post missing")
	}

	// A refused reply keeps its text; an accepted one is sent.
	note, err := ts.Store.FollowedNoteByAPID(ts.Ctx, "https://social.example/users/mia/statuses/fo")
	must(err)
	path := fmt.Sprintf("/following/%d/reply", note.ID)
	long := strings.Repeat("x", 40000)
	if r := b.post(path, url.Values{"body": {long}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, long) {
		t.Errorf("too long a reply: %d, text kept: %v", r.StatusCode, strings.Contains(r.Body, long))
	}
	if r := b.post(path, url.Values{"body": {"Lovely"}}); r.StatusCode != http.StatusSeeOther || len(fake.replies) != 1 {
		t.Fatalf("reply: %d %v", r.StatusCode, fake.replies)
	}
	// A reply to a followers-only post went to its author alone: no page.
	if r := ts.browser().get(strings.TrimPrefix(fake.replies[0], ts.Cfg.URL)); r.StatusCode != http.StatusNotFound {
		t.Errorf("page of a reply to a followers-only post: %d", r.StatusCode)
	}
	// Nothing of this is a forum thread.
	if r := b.get("/"); strings.Contains(r.Body, "Toot number") || strings.Contains(r.Body, "Lovely") {
		t.Error("feed posts reached the home page")
	}
}
