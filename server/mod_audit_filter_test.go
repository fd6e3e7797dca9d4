package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestAuditFilterKeepsUserTarget: the member record links to the audit log
// filtered on one member (target_type=user&target_id=N). The filter form
// must offer that target type and carry the id, or pressing Filter again
// (say, to add an action) silently widens the search to every target.
func TestAuditFilterKeepsUserTarget(t *testing.T) {
	ts := newTestServer(t)
	ts.User("moddy", models.RoleModerator)
	target := ts.User("rowdy", models.RoleMember)
	if _, err := ts.Svc.Warn(ts.Ctx, ts.User("boss", models.RoleAdmin), "rowdy", 0, "calm down"); err != nil {
		t.Fatal(err)
	}
	b := ts.browser()
	b.login("moddy")
	r := b.get("/mod/audit?target_type=user&target_id=" + strconv.FormatInt(target.ID, 10))
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `warned <a href="/u/rowdy">rowdy</a> <span class="audit-reason">— calm down</span>`) {
		t.Fatalf("filtered audit: %d", r.StatusCode)
	}
	for _, want := range []string{`<option value="user" selected>`, `<option value="instance"`, `name="target_id" value="` + strconv.FormatInt(target.ID, 10) + `"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the filter form lacks %q", want)
		}
	}
}
