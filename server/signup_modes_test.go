package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func signupForm(name, invite string) url.Values {
	v := url.Values{"username": {name}, "email": {name + "@example.com"}, "password": {signupPassword}}
	if invite != "" {
		v.Set("invite", invite)
	}
	return v
}

func auditCount(t *testing.T, ts *testServer, action string) int {
	t.Helper()
	es, err := ts.Store.AuditEntries(ts.Ctx, models.AuditQuery{Action: action}, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// TestSignupClosedMode: the first account signs up although sign-ups are
// closed; after that the form says they are closed, a post is refused
// with the message and what was typed, the header hides "Sign up", and the
// change is audited.
func TestSignupClosedMode(t *testing.T) {
	ts := newTestServer(t)
	row, _ := ts.Store.SiteSettings(ts.Ctx)
	row.SignupMode = "closed"
	if err := ts.Store.SaveSiteSettings(ts.Ctx, row, row.Version); err != nil {
		t.Fatal(err)
	}
	admin := ts.browser()
	admin.signup("boss") // first account: always allowed
	u, _ := ts.Store.UserByUsername(ts.Ctx, "boss")
	if u.Role != models.RoleAdmin {
		t.Fatalf("first account role %s", u.Role)
	}
	if r := admin.postSite(siteForm("signup_mode", "open"), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: %d", r.StatusCode)
	}
	anon := ts.browser()
	if r := anon.get("/"); !strings.Contains(r.Body, `href="/signup"`) {
		t.Fatal("open: no sign-up link in the header")
	}
	if r := admin.postSite(siteForm("signup_mode", "closed"), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", r.StatusCode)
	}
	if r := admin.get("/admin/site"); !strings.Contains(r.Body, `<option value="closed" selected>`) {
		t.Fatal("form does not show the closed mode")
	}
	if r := anon.get("/"); strings.Contains(r.Body, `href="/signup"`) {
		t.Fatal("closed: header still links to sign-up")
	}
	if r := anon.get("/signup"); !strings.Contains(r.Body, "Sign-ups are closed") || strings.Contains(r.Body, `action="/signup"`) {
		t.Fatalf("closed sign-up page: %s", r.Body)
	}
	r := anon.post("/signup", signupForm("latecomer", ""))
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "Sign-ups are closed") || !strings.Contains(r.Body, `value="latecomer"`) {
		t.Fatalf("closed post: %d %s", r.StatusCode, r.Body)
	}
	if _, err := ts.Store.UserByUsername(ts.Ctx, "latecomer"); err == nil {
		t.Fatal("account made while closed")
	}
	if n := auditCount(t, ts, "site.update"); n != 2 {
		t.Fatalf("site.update entries: %d", n)
	}
	site, _ := ts.Svc.Site(ts.Ctx)
	if site.AmbassadorsInvite {
		t.Fatal("ambassadors may invite by default")
	}
	if r := admin.postSite(siteForm("signup_mode", "invite", "ambassadors_invite", "1"), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ambassadors invite: %d", r.StatusCode)
	}
	if r := admin.get("/admin/site"); !strings.Contains(r.Body, `name="ambassadors_invite" value="1" checked`) {
		t.Fatal("checkbox not shown checked")
	}
	if r := admin.postSite(siteForm("signup_mode", "invite"), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ambassadors invite off: %d", r.StatusCode)
	}
	if site, _ := ts.Svc.Site(ts.Ctx); site.AmbassadorsInvite {
		t.Fatal("unticked box left ambassadors inviting")
	}
	if r := admin.postSite(siteForm("signup_mode", "whoever"), nil); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "choose open, approval, invite or closed") {
		t.Fatalf("bad mode: %d", r.StatusCode)
	}
}

// TestSignupInviteMode: through the API an admin switches to invite-only
// and makes links; a link signs a newcomer up (campaign carried along,
// invited_by recorded); no link, a bad, used-up, withdrawn or expired one
// is refused with a clear message and the typed values kept.
func TestSignupInviteMode(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)
	ts.Svc.SetClock(func() time.Time { return now })
	admin := ts.browser()
	admin.signup("boss")
	tok := ts.token(t, "root2", models.RoleAdmin)
	if st, body := ts.api(t, "PATCH", "/api/v1/admin/site", tok, `{"signup_mode":"invite"}`); st != http.StatusOK || body["signup_mode"] != "invite" {
		t.Fatalf("patch: %d %v", st, body)
	}
	st, created := ts.api(t, "POST", "/api/v1/invites", tok, `{"uses":1,"expires_in":86400}`)
	if st != http.StatusCreated || !strings.Contains(created["url"].(string), "/invite/") || created["token"] == "" {
		t.Fatalf("create: %d %v", st, created)
	}
	token := created["token"].(string)
	if st, body := ts.api(t, "POST", "/api/v1/invites", tok, `{"uses":0,"expires_in":86400}`); st != http.StatusUnprocessableEntity {
		t.Fatalf("zero uses: %d %v", st, body)
	}

	anon := ts.browser()
	if r := anon.get("/signup"); !strings.Contains(r.Body, "need an invite link") || strings.Contains(r.Body, `action="/signup"`) {
		t.Fatal("no-invite page")
	}
	if r := anon.post("/signup", signupForm("nolink", "")); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "need an invite link") {
		t.Fatalf("no invite: %d", r.StatusCode)
	}
	if r := anon.get("/signup?invite=bogus"); !strings.Contains(r.Body, "not valid") {
		t.Fatal("bogus invite page")
	}
	r := anon.get("/invite/" + token)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/signup?invite="+url.QueryEscape(token) {
		t.Fatalf("invite link: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if st, camp := ts.api(t, "POST", "/api/v1/campaigns", tok, `{"name":"Spring","hashtag":"spring","starts_at":"2030-03-01","ends_at":"2030-03-08","target":4}`); st != http.StatusCreated {
		t.Fatalf("campaign: %d %v", st, camp)
	}
	if r := anon.get("/signup?invite=" + url.QueryEscape(token)); !strings.Contains(r.Body, `name="invite" value="`+token+`"`) {
		t.Fatal("form does not carry the invite")
	}
	if r := anon.get("/signup?campaign=spring&invite=" + url.QueryEscape(token)); !strings.Contains(r.Body, `name="campaign" value="spring"`) {
		t.Fatal("form does not carry the campaign with the invite")
	}
	form := signupForm("guest", token)
	form.Set("campaign", "spring")
	if r := anon.post("/signup", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invited sign-up: %d %s", r.StatusCode, r.Body)
	}
	camp, _ := ts.Store.CampaignBySlug(ts.Ctx, "spring")
	if times, _ := ts.Store.CampaignSignupTimes(ts.Ctx, camp.ID); len(times) != 1 {
		t.Fatalf("campaign sign-ups: %d", len(times))
	}
	guest, _ := ts.Store.UserByUsername(ts.Ctx, "guest")
	root2, _ := ts.Store.UserByUsername(ts.Ctx, "root2")
	if guest.InvitedBy == nil || *guest.InvitedBy != root2.ID {
		t.Fatalf("invited_by %v", guest.InvitedBy)
	}
	// /community counts sign-ups by invite in the window.
	if st, stats := ts.api(t, "GET", "/api/v1/community/stats?from=2030-03-01&to=2030-03-01", tok, ""); st != http.StatusOK || stats["invited_members"] != float64(1) {
		t.Fatalf("stats: %d %v", st, stats["invited_members"])
	}
	if st, stats := ts.api(t, "GET", "/api/v1/community/stats?from=2030-02-01&to=2030-02-28", tok, ""); st != http.StatusOK || stats["invited_members"] != float64(0) {
		t.Fatalf("stats before: %d %v", st, stats["invited_members"])
	}
	if r := admin.get("/community?from=2030-03-01&to=2030-03-01"); !strings.Contains(r.Body, "came with an invite link</th><td>1</td>") {
		t.Fatalf("community page: %d", r.StatusCode)
	}
	other := ts.browser()
	r = other.post("/signup", signupForm("second", token))
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "used up") || !strings.Contains(r.Body, `value="second@example.com"`) {
		t.Fatalf("used up: %d %s", r.StatusCode, r.Body)
	}

	// Withdrawn.
	_, c2 := ts.api(t, "POST", "/api/v1/invites", tok, `{"uses":5,"expires_in":3600}`)
	id := int64(c2["id"].(float64))
	if st, _ := ts.api(t, "DELETE", "/api/v1/invites/"+strconv.FormatInt(id, 10), tok, ""); st != http.StatusNoContent {
		t.Fatalf("revoke: %d", st)
	}
	if r := other.post("/signup", signupForm("third", c2["token"].(string))); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "withdrawn") {
		t.Fatalf("revoked: %d", r.StatusCode)
	}
	// Expired, by the injected clock.
	_, c3 := ts.api(t, "POST", "/api/v1/invites", tok, `{"uses":5,"expires_in":3600}`)
	now = now.Add(2 * time.Hour)
	if r := other.post("/signup", signupForm("fourth", c3["token"].(string))); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, "expired") {
		t.Fatalf("expired: %d", r.StatusCode)
	}
	st, list := ts.api(t, "GET", "/api/v1/invites", tok, "")
	if st != http.StatusOK || len(list["invites"].([]any)) != 3 {
		t.Fatalf("list: %d %v", st, list)
	}
	if func() bool { b, _ := json.Marshal(list); return strings.Contains(string(b), token) }() {
		t.Fatal("list shows a token")
	}
	for action, want := range map[string]int{"invite.create": 3, "invite.revoke": 1} {
		if n := auditCount(t, ts, action); n != want {
			t.Fatalf("%s entries: %d", action, n)
		}
	}
}

// TestInvitePermissions: members get 403 on the invite API and pages,
// visitors 401 on the API and a login redirect on the page.
func TestInvitePermissions(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	member := ts.token(t, "mem", models.RoleMember)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/invites", ""},
		{"POST", "/api/v1/invites", `{"uses":1,"expires_in":3600}`},
		{"DELETE", "/api/v1/invites/1", ""},
	} {
		if st, _ := ts.api(t, c.method, c.path, member, c.body); st != http.StatusForbidden {
			t.Errorf("member %s %s: %d", c.method, c.path, st)
		}
		if st, _ := ts.api(t, c.method, c.path, "", c.body); st != http.StatusUnauthorized {
			t.Errorf("visitor %s %s: %d", c.method, c.path, st)
		}
	}
	mb := ts.browser()
	mb.signup("memb")
	if r := mb.get("/admin/invites"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member page: %d", r.StatusCode)
	}
	if r := mb.post("/admin/invites", url.Values{"uses": {"1"}, "days": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member create: %d", r.StatusCode)
	}
	if r := ts.browser().get("/admin/invites"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("visitor page: %d", r.StatusCode)
	}
	// The admin page: a bad count keeps what was typed; a good one shows
	// the link once; withdrawing needs CSRF.
	r := admin.post("/admin/invites", url.Values{"uses": {"0"}, "days": {"3"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `value="3"`) {
		t.Fatalf("bad uses: %d", r.StatusCode)
	}
	r = admin.post("/admin/invites", url.Values{"uses": {"2"}, "days": {"3"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "/invite/") {
		t.Fatalf("create page: %d", r.StatusCode)
	}
	invs, _ := ts.Store.Invites(ts.Ctx, 0, 10)
	if len(invs) != 1 || invs[0].UsesLeft != 2 {
		t.Fatalf("invites: %+v", invs)
	}
	path := "/admin/invites/" + strconv.FormatInt(invs[0].ID, 10) + "/revoke"
	if r := admin.postRaw(path, url.Values{"_csrf": {"forged"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("forged revoke: %d", r.StatusCode)
	}
	if r := admin.post(path, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if inv, _ := ts.Store.InviteByID(ts.Ctx, invs[0].ID); inv.RevokedAt == nil {
		t.Fatal("not revoked")
	}
}

// TestMemberRecordShowsInviter: staff see who invited a member on the
// member record page; a member who was not invited shows no such line.
func TestMemberRecordShowsInviter(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	boss, _ := ts.Store.UserByUsername(ts.Ctx, "boss")
	mode := "invite"
	if _, err := ts.Svc.SaveSite(ts.Ctx, boss, forumSiteInput(&mode)); err != nil {
		t.Fatal(err)
	}
	inv, err := ts.Svc.CreateInvite(ts.Ctx, boss, 1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if r := ts.browser().post("/signup", signupForm("guest", inv.Token)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up: %d", r.StatusCode)
	}
	if r := admin.get("/mod/users/guest"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `<dt>Invited by</dt><dd><a href="/mod/users/boss">boss</a></dd>`) {
		t.Fatalf("record: %d %s", r.StatusCode, r.Body)
	}
	if r := admin.get("/mod/users/boss"); strings.Contains(r.Body, "Invited by") {
		t.Fatal("uninvited member shows an inviter")
	}
}

func forumSiteInput(mode *string) forum.SiteInput { return forum.SiteInput{SignupMode: mode} }
