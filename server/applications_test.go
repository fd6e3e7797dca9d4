package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestSignupApprovalFlow: with sign-ups by approval the form asks for an
// application; the account is made but cannot log in until an ambassador
// approves it from /mod/applications; a rejected one is erased and its
// name freed; both are mailed and audited.
func TestSignupApprovalFlow(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.browser()
	admin.signup("boss")
	if r := admin.postSite(siteForm("signup_mode", "approval"), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval mode: %d", r.StatusCode)
	}
	anon := ts.browser()
	if r := anon.get("/signup"); !strings.Contains(r.Body, `name="application"`) {
		t.Fatal("no application field")
	}
	// No application: refused, what was typed kept.
	r := anon.post("/signup", signupForm("hopeful", ""))
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "why you would like to join") || !strings.Contains(r.Body, `value="hopeful"`) {
		t.Fatalf("no application: %d", r.StatusCode)
	}
	form := signupForm("hopeful", "")
	form.Set("application", "I grow <b>tomatoes</b>.")
	if r := anon.post("/signup", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", r.StatusCode, r.Body)
	}
	if r := anon.get("/settings"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("applicant got a session: %d", r.StatusCode)
	}
	login := func() url.Values { return url.Values{"login": {"hopeful"}, "password": {signupPassword}} }
	if r := anon.post("/login", login()); r.StatusCode == http.StatusSeeOther || !strings.Contains(r.Body, "waiting for a moderator") {
		t.Fatalf("waiting login: %d", r.StatusCode)
	}
	form = signupForm("spammer", "")
	form.Set("application", "buy pills")
	if r := ts.browser().post("/signup", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply 2: %d", r.StatusCode)
	}

	// Permissions: members 403, visitors 401 (API) or to the login page.
	mem := ts.browser()
	ts.User("mem", models.RoleMember)
	mem.login("mem")
	memTok := ts.token(t, "mem2", models.RoleMember)
	if r := mem.get("/mod/applications"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member page: %d", r.StatusCode)
	}
	hopeful, _ := ts.Store.UserByUsername(ts.Ctx, "hopeful")
	spammer, _ := ts.Store.UserByUsername(ts.Ctx, "spammer")
	if r := mem.post("/mod/applications/"+strconv.FormatInt(hopeful.ID, 10)+"/approve", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("member approve: %d", r.StatusCode)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/mod/applications"},
		{"POST", "/api/v1/mod/applications/" + strconv.FormatInt(hopeful.ID, 10) + "/approve"},
		{"POST", "/api/v1/mod/applications/" + strconv.FormatInt(hopeful.ID, 10) + "/reject"},
	} {
		if st, _ := ts.api(t, c.method, c.path, memTok, ""); st != http.StatusForbidden {
			t.Errorf("member %s %s: %d", c.method, c.path, st)
		}
		if st, _ := ts.api(t, c.method, c.path, "", ""); st != http.StatusUnauthorized {
			t.Errorf("visitor %s %s: %d", c.method, c.path, st)
		}
	}

	// An ambassador approves from the page; a moderator rejects by API.
	amb := ts.browser()
	ts.User("amby", models.RoleAmbassador)
	amb.login("amby")
	page := amb.get("/mod/applications")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "I grow &lt;b&gt;tomatoes&lt;/b&gt;.") || !strings.Contains(page.Body, "spammer") {
		t.Fatalf("applications page: %d %s", page.StatusCode, page.Body)
	}
	if r := amb.postRaw("/mod/applications/"+strconv.FormatInt(hopeful.ID, 10)+"/approve", url.Values{"_csrf": {"forged"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("forged approve: %d", r.StatusCode)
	}
	if r := amb.post("/mod/applications/"+strconv.FormatInt(hopeful.ID, 10)+"/approve", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	if r := amb.post("/mod/applications/"+strconv.FormatInt(hopeful.ID, 10)+"/approve", nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("approve twice: %d", r.StatusCode)
	}
	if r := ts.browser().post("/login", login()); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approved login: %d %s", r.StatusCode, r.Body)
	}
	modTok := ts.token(t, "moddy", models.RoleModerator)
	st, list := ts.api(t, "GET", "/api/v1/mod/applications", modTok, "")
	if apps := list["applications"].([]any); st != http.StatusOK || len(apps) != 1 || apps[0].(map[string]any)["username"] != "spammer" {
		t.Fatalf("api list: %d %v", st, list)
	}
	if st, _ := ts.api(t, "POST", "/api/v1/mod/applications/"+strconv.FormatInt(spammer.ID, 10)+"/reject", modTok, ""); st != http.StatusNoContent {
		t.Fatalf("reject: %d", st)
	}
	if _, err := ts.Store.UserByUsername(ts.Ctx, "spammer"); err == nil {
		t.Fatal("rejected account still has its name")
	}
	gone, _ := ts.Store.UserByID(ts.Ctx, spammer.ID)
	if gone.ErasedAt == nil || gone.Email != "" || gone.PasswordHash != "" || gone.Application != "" {
		t.Fatalf("rejected account not erased: %+v", gone)
	}
	for _, c := range []struct {
		id   int64
		want string
	}{{hopeful.ID, "approved"}, {spammer.ID, "declined"}} {
		mails, _ := ts.Store.MailsTo(ts.Ctx, c.id)
		found := false
		for _, m := range mails {
			found = found || strings.Contains(m.Subject, c.want)
		}
		if !found {
			t.Errorf("user %d: no %q mail in %d", c.id, c.want, len(mails))
		}
	}
	for action, want := range map[string]int{"application.approve": 1, "application.reject": 1} {
		if n := auditCount(t, ts, action); n != want {
			t.Errorf("%s entries: %d", action, n)
		}
	}
}
