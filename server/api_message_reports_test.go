package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// POST /api/v1/conversations/{id}/messages/{message}/reports: only a
// participant reports, only a message of that conversation, only someone
// else's, once; the report is a review queue item.
func TestReportMessageAPI(t *testing.T) {
	ts := newTestServer(t)
	ann := ts.token(t, "ann", models.RoleMember)
	bob := ts.token(t, "bob", models.RoleMember)
	eve := ts.token(t, "eve", models.RoleMember)
	mod := ts.token(t, "mody", models.RoleAdmin)
	code, out := ts.api(t, "POST", "/api/v1/conversations", ann, `{"participants":["bob"],"body":"zqxrude words"}`)
	if code != http.StatusCreated {
		t.Fatalf("start: %d %v", code, out)
	}
	conv := strconv.FormatInt(int64(out["id"].(float64)), 10)
	msg := strconv.FormatInt(int64(out["message_id"].(float64)), 10)
	// eve's own conversation, to name a message that is not in conv.
	_, out = ts.api(t, "POST", "/api/v1/conversations", eve, `{"participants":["bob"],"body":"elsewhere"}`)
	otherConv := strconv.FormatInt(int64(out["id"].(float64)), 10)
	otherMsg := strconv.FormatInt(int64(out["message_id"].(float64)), 10)
	path := func(c, m string) string { return "/api/v1/conversations/" + c + "/messages/" + m + "/reports" }

	cases := []struct {
		name, token, path, body string
		want                    int
	}{
		{"visitor", "", path(conv, msg), `{"reason":"x"}`, http.StatusUnauthorized},
		{"non-participant", eve, path(conv, msg), `{"reason":"x"}`, http.StatusNotFound},
		{"staff, not in it", mod, path(conv, msg), `{"reason":"x"}`, http.StatusNotFound},
		{"message of another conversation", bob, path(conv, otherMsg), `{"reason":"x"}`, http.StatusNotFound},
		{"through a conversation the message is not in", bob, path(otherConv, msg), `{"reason":"x"}`, http.StatusNotFound},
		{"missing message", bob, path(conv, "999999"), `{}`, http.StatusNotFound},
		{"not a number", bob, path(conv, "x"), `{}`, http.StatusNotFound},
		{"own message", ann, path(conv, msg), `{}`, http.StatusUnprocessableEntity},
		{"malformed JSON", bob, path(conv, msg), `{"reason":`, http.StatusBadRequest},
		{"reason too long", bob, path(conv, msg), `{"reason":"` + strings.Repeat("a", 1001) + `"}`, http.StatusUnprocessableEntity},
		{"participant", bob, path(conv, msg), `{"reason":"rude"}`, http.StatusCreated},
		{"again", bob, path(conv, msg), `{"reason":"rude"}`, http.StatusConflict},
	}
	for _, c := range cases {
		if code, out := ts.api(t, "POST", c.path, c.token, c.body); code != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, code, out, c.want)
		}
	}
	var items []models.ModQueueItem
	if err := ts.Store.DB(ts.Ctx).Where("kind = ?", models.QueueKindMessage).Find(&items).Error; err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("review queue holds %d message reports, want 1", len(items))
	}
	var r models.MessageReport
	if err := ts.Store.DB(ts.Ctx).First(&r, *items[0].MessageReportID).Error; err != nil || strconv.FormatInt(r.MessageID, 10) != msg || r.Reason != "rude" {
		t.Errorf("report row: %+v %v", r, err)
	}
}
