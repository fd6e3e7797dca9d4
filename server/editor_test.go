package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// The editor (issue 15 item 1): preview and drafts, with and without
// JavaScript.

// TestReplyPreviewWithoutJavaScript: the Preview button posts the form,
// which comes back with the rendered text above the box still holding it,
// and no post is made.
func TestReplyPreviewWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	author := ts.User("bea", models.RoleMember)
	ts.Category("bread")
	th, _ := ts.Thread(author, "bread", "Sourdough troubles", "It came out flat.")
	b := ts.browser()
	b.signup("cal")
	path := "/t/" + strconv.FormatInt(th.ID, 10)
	text := "Try **more water** <script>alert(1)</script>"
	res := b.post(path+"/reply", url.Values{"body": {text}, "action": {"preview"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d %s", res.StatusCode, res.Body)
	}
	preview := between(res.Body, `id="reply-preview"`, `</section>`)
	if !strings.Contains(preview, "<strong>more water</strong>") || strings.Contains(preview, "<script") || strings.Contains(preview, " hidden") {
		t.Errorf("preview section = %q", preview)
	}
	// The text is kept, escaped, in the box.
	if !strings.Contains(res.Body, "Try **more water** &lt;script&gt;alert(1)&lt;/script&gt;</textarea>") {
		t.Errorf("the text is not kept in the reply box")
	}
	posts, err := ts.Store.PostsInRange(ts.Ctx, th.ID, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) != 1 {
		t.Errorf("a preview made a post: %d posts", len(posts))
	}
	// The thread page without a preview keeps the preview box hidden.
	if sec := between(b.get(path).Body, `id="reply-preview"`, `>`); !strings.Contains(sec, "hidden") {
		t.Errorf("empty preview shown: %q", sec)
	}
	// A body over the limit is refused with the text kept.
	long := strings.Repeat("a", 32001)
	res = b.post(path+"/reply", url.Values{"body": {long}, "action": {"preview"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, long) {
		t.Errorf("too long preview: %d", res.StatusCode)
	}
}

// TestNewThreadPreviewWithoutJavaScript is the same for a new thread: the
// title, tags and category stay, nothing is created.
func TestNewThreadPreviewWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("bread")
	b := ts.browser()
	b.signup("cal")
	res := b.post("/new", url.Values{"category": {"bread"}, "title": {"Rye starter"}, "tags": {"rye, starter"},
		"body": {"# Feeding\n\n- flour\n- water"}, "action": {"preview"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d %s", res.StatusCode, res.Body)
	}
	preview := between(res.Body, `id="nt-preview"`, `</section>`)
	if !strings.Contains(preview, "<li>flour</li>") {
		t.Errorf("preview = %q", preview)
	}
	for _, want := range []string{`value="Rye starter"`, `value="rye, starter"`, `<option value="bread" selected>`, "- flour\n- water</textarea>"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("the form lost %q", want)
		}
	}
	list, err := ts.Svc.ListThreads(ts.Ctx, "bread", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Threads) != 0 {
		t.Errorf("a preview created a thread")
	}
}

// TestAPIPreviewSanitises: the JSON preview is the post pipeline's HTML,
// sanitised; it needs a member (token or session with CSRF).
func TestAPIPreviewSanitises(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.token(t, "ana", models.RoleMember)
	st, out := ts.api(t, "POST", "/api/v1/preview", tok, `{"body":"Hello **there** <script>alert(1)</script><img src=x onerror=alert(2)> @ana"}`)
	if st != http.StatusOK {
		t.Fatalf("preview: %d %v", st, out)
	}
	html, _ := out["html"].(string)
	if !strings.Contains(html, "<strong>there</strong>") || strings.Contains(html, "<script") || strings.Contains(html, "onerror") || !strings.Contains(html, "/u/ana") {
		t.Errorf("html = %q", html)
	}
	if st, _ := ts.api(t, "POST", "/api/v1/preview", "", `{"body":"x"}`); st != http.StatusUnauthorized {
		t.Errorf("anonymous preview: %d", st)
	}
	if st, _ := ts.api(t, "POST", "/api/v1/preview", tok, `{"body":"`+strings.Repeat("a", 32001)+`"}`); st != http.StatusUnprocessableEntity {
		t.Errorf("too long: %d", st)
	}
	// A session without the CSRF header is refused.
	b := ts.browser()
	b.signup("cal")
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/preview", strings.NewReader(`{"body":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	if res := b.do(req); res.StatusCode != http.StatusForbidden {
		t.Errorf("session without CSRF: %d", res.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/api/v1/preview", strings.NewReader(`{"body":"*x*"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf())
	if res := b.do(req); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "\\u003cem\\u003ex") && !strings.Contains(res.Body, "<em>x") {
		t.Errorf("session with CSRF: %d %s", res.StatusCode, res.Body)
	}
}

// between returns s from the first from up to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// TestReplyDraftWithoutJavaScript: Save draft keeps the reply on the
// server; it fills the box on return, only for its author, and is gone
// once the reply is posted.
func TestReplyDraftWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	author := ts.User("bea", models.RoleMember)
	ts.Category("bread")
	th, first := ts.Thread(author, "bread", "Sourdough troubles", "It came out flat.")
	path := "/t/" + strconv.FormatInt(th.ID, 10)
	b := ts.browser()
	b.signup("cal")
	res := b.post(path+"/reply", url.Values{"body": {"Half-written <answer>"}, "action": {"draft"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "#reply") {
		t.Fatalf("save draft: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := b.get(path)
	if !strings.Contains(page.Body, ">Half-written &lt;answer&gt;</textarea>") || !strings.Contains(page.Body, "Draft saved") {
		t.Fatalf("the draft is not restored in the reply box")
	}
	// The draft belongs to its thread: another thread's box, and the
	// new-thread form's draft, stay apart.
	th2, _ := ts.Thread(author, "bread", "Rye", "Dense.")
	path2 := "/t/" + strconv.FormatInt(th2.ID, 10)
	if box := between(b.get(path2).Body, `id="reply-body"`, `</textarea>`); strings.Contains(box, "Half-written") {
		t.Errorf("the draft shows in another thread: %q", box)
	}
	if res := b.post(path2+"/reply", url.Values{"body": {"Rye thoughts"}, "action": {"draft"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save second draft: %d", res.StatusCode)
	}
	if box := between(b.get(path).Body, `id="reply-body"`, `</textarea>`); !strings.Contains(box, "Half-written") || strings.Contains(box, "Rye") {
		t.Errorf("each thread's box does not hold its own draft: %q", box)
	}
	// Another member sees an empty box.
	other := ts.browser()
	other.signup("dee")
	if strings.Contains(other.get(path).Body, "Half-written") {
		t.Fatal("another member sees the draft")
	}
	// Replying to a post keeps the draft and adds the quote after it.
	if q := b.get(path + "?reply_to=" + strconv.FormatInt(first.ID, 10)).Body; !strings.Contains(q, "Half-written &lt;answer&gt;\n\n&gt; **@bea** wrote:") {
		t.Errorf("quoting replaced the draft: %s", between(q, `id="reply-body"`, `</textarea>`))
	}
	// Posting clears it.
	if res := b.post(path+"/reply", url.Values{"body": {"Half-written answer, finished"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.StatusCode, res.Body)
	}
	if box := between(b.get(path).Body, `id="reply-body"`, `</textarea>`); strings.Contains(box, "Half-written") {
		t.Errorf("the draft outlived the post: %q", box)
	}
}

// TestNewThreadDraftWithoutJavaScript: the new-thread draft keeps title,
// category, tags and text; creating the thread clears it.
func TestNewThreadDraftWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("bread")
	b := ts.browser()
	b.signup("cal")
	res := b.post("/new", url.Values{"category": {"bread"}, "title": {"Rye starter"}, "tags": {"rye starter"}, "body": {"Day one"}, "action": {"draft"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/new" {
		t.Fatalf("save draft: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	page := b.get("/new").Body
	for _, want := range []string{`value="Rye starter"`, `value="rye starter"`, `<option value="bread" selected>`, ">Day one</textarea>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the draft lost %q", want)
		}
	}
	if res := b.post("/new", url.Values{"category": {"bread"}, "title": {"Rye starter"}, "tags": {"rye"}, "body": {"Day one, done"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	if strings.Contains(b.get("/new").Body, "Rye starter") {
		t.Error("the draft outlived the thread")
	}
}

// TestAPIDrafts: save, read, replace, empty and delete through the API;
// one member cannot read another's draft, nor keep one for a thread they
// cannot see; a reply through the API clears the draft.
func TestAPIDrafts(t *testing.T) {
	ts := newTestServer(t)
	author := ts.User("bea", models.RoleMember)
	ts.Category("bread")
	secret := ts.Category("backroom")
	if err := ts.Store.DB(ts.Ctx).Model(secret).Update("ambassadors_only", true).Error; err != nil {
		t.Fatal(err)
	}
	th, _ := ts.Thread(author, "bread", "Sourdough troubles", "It came out flat.")
	amb := ts.User("amb", models.RoleAmbassador)
	hidden, _ := ts.Thread(amb, "backroom", "Roadmap", "plans")
	ana, other := ts.token(t, "ana", models.RoleMember), ts.token(t, "ben", models.RoleMember)
	tid := strconv.FormatInt(th.ID, 10)

	if st, out := ts.api(t, "PUT", "/api/v1/drafts", ana, `{"thread_id":`+tid+`,"body":"first words"}`); st != http.StatusOK || out["body"] != "first words" {
		t.Fatalf("save: %d %v", st, out)
	}
	if st, out := ts.api(t, "PUT", "/api/v1/drafts", ana, `{"thread_id":`+tid+`,"body":"second words"}`); st != http.StatusOK || out["body"] != "second words" {
		t.Fatalf("replace: %d %v", st, out)
	}
	if st, out := ts.api(t, "GET", "/api/v1/drafts?thread_id="+tid, ana, ""); st != http.StatusOK || out["body"] != "second words" {
		t.Errorf("read: %d %v", st, out)
	}
	cases := []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"another member reads nothing", "GET", "/api/v1/drafts?thread_id=" + tid, other, "", http.StatusNotFound},
		{"anonymous", "GET", "/api/v1/drafts?thread_id=" + tid, "", "", http.StatusUnauthorized},
		{"anonymous save", "PUT", "/api/v1/drafts", "", `{"body":"x"}`, http.StatusUnauthorized},
		{"thread not visible", "PUT", "/api/v1/drafts", ana, `{"thread_id":` + strconv.FormatInt(hidden.ID, 10) + `,"body":"x"}`, http.StatusNotFound},
		{"no such thread", "PUT", "/api/v1/drafts", ana, `{"thread_id":999999,"body":"x"}`, http.StatusNotFound},
		{"body too long", "PUT", "/api/v1/drafts", ana, `{"body":"` + strings.Repeat("a", 32001) + `"}`, http.StatusUnprocessableEntity},
		{"title too long", "PUT", "/api/v1/drafts", ana, `{"title":"` + strings.Repeat("a", 201) + `","body":"x"}`, http.StatusUnprocessableEntity},
		{"bad thread id", "GET", "/api/v1/drafts?thread_id=x", ana, "", http.StatusBadRequest},
	}
	for _, c := range cases {
		if st, out := ts.api(t, c.method, c.path, c.token, c.body); st != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, st, out, c.want)
		}
	}
	// Another member's draft for the same thread is theirs alone.
	if st, _ := ts.api(t, "PUT", "/api/v1/drafts", other, `{"thread_id":`+tid+`,"body":"ben's words"}`); st != http.StatusOK {
		t.Fatalf("ben saves: %d", st)
	}
	if _, out := ts.api(t, "GET", "/api/v1/drafts?thread_id="+tid, ana, ""); out["body"] != "second words" {
		t.Errorf("ana's draft became %v", out["body"])
	}
	// Posting through the API clears only the poster's draft.
	if st, out := ts.api(t, "POST", "/api/v1/threads/"+tid+"/posts", ana, `{"body":"second words, posted"}`); st != http.StatusCreated {
		t.Fatalf("reply: %d %v", st, out)
	}
	if st, _ := ts.api(t, "GET", "/api/v1/drafts?thread_id="+tid, ana, ""); st != http.StatusNotFound {
		t.Errorf("ana's draft after posting: %d", st)
	}
	if st, _ := ts.api(t, "GET", "/api/v1/drafts?thread_id="+tid, other, ""); st != http.StatusOK {
		t.Errorf("ben's draft after ana posted: %d", st)
	}
	// An emptied draft is removed; DELETE removes too.
	if st, _ := ts.api(t, "PUT", "/api/v1/drafts", other, `{"thread_id":`+tid+`,"body":"  "}`); st != http.StatusNoContent {
		t.Errorf("empty save: %d", st)
	}
	if st, _ := ts.api(t, "GET", "/api/v1/drafts?thread_id="+tid, other, ""); st != http.StatusNotFound {
		t.Errorf("emptied draft still there: %d", st)
	}
	ts.api(t, "PUT", "/api/v1/drafts", other, `{"title":"New idea","body":"x"}`)
	if st, _ := ts.api(t, "DELETE", "/api/v1/drafts", other, ""); st != http.StatusNoContent {
		t.Errorf("delete: %d", st)
	}
	if st, _ := ts.api(t, "GET", "/api/v1/drafts", other, ""); st != http.StatusNotFound {
		t.Errorf("deleted draft still there: %d", st)
	}
}

// TestAPISuggestMembers: @ suggestions list local members by username or
// display-name prefix before known fediverse accounts (name@host), at most
// eight, to signed-in members only, never suspended or deleted accounts.
func TestAPISuggestMembers(t *testing.T) {
	ts := newTestServer(t)
	mod := ts.User("modo", models.RoleModerator)
	for _, n := range []string{"anna", "annabel", "andy", "bob", "sus_ann", "gone_ann"} {
		ts.User(n, models.RoleMember)
	}
	for i := 0; i < 8; i++ {
		ts.User("anx"+strconv.Itoa(i), models.RoleMember)
	}
	bob, _ := ts.Store.UserByUsername(ts.Ctx, "bob")
	if err := ts.Store.DB(ts.Ctx).Model(bob).Update("display_name", "Annie Bobson").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Suspend(ts.Ctx, mod, "sus_ann", "", "spam"); err != nil {
		t.Fatal(err)
	}
	gone, _ := ts.Store.UserByUsername(ts.Ctx, "gone_ann")
	if err := ts.Store.DB(ts.Ctx).Model(gone).Update("display_name", "Ann Gone").Update("erased_at", ts.Svc.Now()).Error; err != nil {
		t.Fatal(err)
	}
	ra, err := ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{APID: "https://social.example/users/annika", PreferredUsername: "annika", Name: "Annika", Domain: "social.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Store.UpsertRemoteUser(ts.Ctx, ra, ts.Svc.Now()); err != nil {
		t.Fatal(err)
	}
	// Known only as actors (followed, seen): suggested after authors.
	for _, a := range []models.RemoteActor{
		{APID: "https://other.example/users/annette", PreferredUsername: "annette", Name: "Annette", Domain: "other.example"},
		{APID: "https://bad.example/users/annoy", PreferredUsername: "annoy", Domain: "bad.example"},
		{APID: "https://sub.bad.example/users/anneliese", PreferredUsername: "anneliese", Domain: "sub.bad.example"},
	} {
		if _, err := ts.Store.UpsertRemoteActor(ts.Ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	bad, err := ts.Store.UpsertRemoteActor(ts.Ctx, &models.RemoteActor{APID: "https://bad.example/users/annotator", PreferredUsername: "annotator", Domain: "bad.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Store.UpsertRemoteUser(ts.Ctx, bad, ts.Svc.Now()); err != nil {
		t.Fatal(err)
	}
	admin := ts.User("boss", models.RoleAdmin)
	if _, err := ts.Svc.BlockInstance(ts.Ctx, admin, "bad.example", models.BlockSuspend, "spam"); err != nil {
		t.Fatal(err)
	}
	tok := ts.token(t, "viewer", models.RoleMember)
	handles := func(q string) []string {
		t.Helper()
		st, out := ts.api(t, "GET", "/api/v1/members/suggest?q="+url.QueryEscape(q), tok, "")
		if st != http.StatusOK {
			t.Fatalf("suggest %q: %d %v", q, st, out)
		}
		var hs []string
		for _, m := range out["members"].([]any) {
			hs = append(hs, m.(map[string]any)["handle"].(string))
		}
		return hs
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"@annab", []string{"annabel"}},
		{"ANNI", []string{"bob", "annika@social.example"}}, // display name; local first
		{"annika@soc", []string{"annika@social.example"}},
		{"anne", []string{"annette@other.example"}},          // an actor without a users row; not anneliese (suspended subdomain)
		{"annette@other", []string{"annette@other.example"}}, // name@host
		{"anno", nil}, // suspended instance: neither its author nor its actor
		{"sus", nil},
		{"gone", nil},
		{"Ann Gone", nil},
		{"", nil},
		{"%", nil},
		{"an_", nil}, // _ is a letter here, not a wildcard
	}
	for _, c := range cases {
		if got := handles(c.q); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("q=%q: %v, want %v", c.q, got, c.want)
		}
	}
	if got := handles("an"); len(got) != 8 {
		t.Errorf("q=an lists %d accounts, want at most 8: %v", len(got), got)
	}
	if st, _ := ts.api(t, "GET", "/api/v1/members/suggest?q=ann", "", ""); st != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", st)
	}
}

// TestTagsHelpSaysWhatTheParserTakes: every tag field says "commas or
// spaces", and the parser takes both, mixed.
func TestTagsHelpSaysWhatTheParserTakes(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("bread")
	b := ts.browser()
	b.signup("cal")
	const help = "Separate with commas or spaces, up to 5"
	if page := b.get("/new").Body; !strings.Contains(page, help) || strings.Contains(page, "Separate with commas,") {
		t.Error("the new-thread form's tag help differs")
	}
	res := b.post("/new", url.Values{"category": {"bread"}, "title": {"Rye starter"}, "tags": {"rye starter,crumb, #Flour"}, "body": {"Day one"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	page := b.get(res.Header.Get("Location")).Body
	if !strings.Contains(page, help) || strings.Contains(page, "space separated") {
		t.Error("the edit-tags form's help differs")
	}
	for _, tag := range []string{"/tags/rye", "/tags/starter", "/tags/crumb", "/tags/flour"} {
		if !strings.Contains(page, `href="`+tag+`"`) {
			t.Errorf("tag %s missing", tag)
		}
	}
}
