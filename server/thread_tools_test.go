package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

func TestMergeAndSlowModeThroughPagesAndAPI(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	modTok := ts.token(t, "moddy", models.RoleModerator)
	member := ts.token(t, "member1", models.RoleMember)
	author := ts.User("author", models.RoleMember)
	into, _ := ts.Thread(author, "general", "Original", "first question")
	from, _ := ts.Thread(author, "general", "Duplicate", "same question")

	if code, _ := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/merge", from.ID), member, fmt.Sprintf(`{"into":%d}`, into.ID)); code != http.StatusForbidden {
		t.Fatalf("member merge: %d", code)
	}
	if code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/merge", from.ID), modTok, `{}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("merge without into: %d %v", code, body)
	}
	code, body := ts.api(t, "POST", fmt.Sprintf("/api/v1/mod/threads/%d/merge", from.ID), modTok, fmt.Sprintf(`{"into":%d,"reason":"dup"}`, into.ID))
	if code != 200 || body["id"] != float64(into.ID) {
		t.Fatalf("merge: %d %v", code, body)
	}
	b := ts.browser()
	r := b.get(fmt.Sprintf("/t/%d", from.ID))
	if r.StatusCode != http.StatusMovedPermanently || r.Header.Get("Location") != fmt.Sprintf("/t/%d", into.ID) {
		t.Fatalf("merged thread: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := b.get(fmt.Sprintf("/t/%d", into.ID)); !strings.Contains(r.Body, "same question") {
		t.Fatal("merged posts not on the target thread")
	}

	mod := ts.browser()
	mod.login("moddy")
	if r := mod.postRaw(fmt.Sprintf("/mod/threads/%d/slow_mode", into.ID), url.Values{"interval": {"10m"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("slow mode without CSRF: %d", r.StatusCode)
	}
	if r := mod.post(fmt.Sprintf("/mod/threads/%d/slow_mode", into.ID), url.Values{"interval": {"10m"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("slow mode: %d %s", r.StatusCode, r.Body)
	}
	// The same words everywhere: the flash, the thread, the field.
	if r := mod.get(fmt.Sprintf("/t/%d", into.ID)); !strings.Contains(r.Body, "Slow mode on: one post every 10 minutes per member.") ||
		!strings.Contains(r.Body, "Slow mode: one post every 10 minutes per member.") || !strings.Contains(r.Body, `name="interval" size="6" value="10m"`) ||
		strings.Contains(r.Body, "Thread updated") {
		t.Fatalf("slow mode not shown in words:\n%s", r.Body)
	}
	writer := ts.browser()
	writer.signup("writer")
	path := fmt.Sprintf("/t/%d/reply", into.ID)
	if r := writer.post(path, url.Values{"body": {"my first reply"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first reply: %d", r.StatusCode)
	}
	r = writer.post(path, url.Values{"body": {"my hasty second reply"}})
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "slow mode: one post every 10 minutes.") || !strings.Contains(r.Body, "my hasty second reply") {
		t.Fatalf("second reply: %d %s", r.StatusCode, r.Body)
	}
	// Global pin from the thread page, shown on the home page.
	if r := mod.post(fmt.Sprintf("/mod/threads/%d/pin_global", into.ID), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pin global: %d", r.StatusCode)
	}
	if r := mod.get(fmt.Sprintf("/t/%d", into.ID)); !strings.Contains(r.Body, "Thread pinned on the home page.") || strings.Contains(r.Body, "pin_global.") {
		t.Fatalf("pin global flash:\n%s", r.Body)
	}
	if r := mod.post(fmt.Sprintf("/mod/threads/%d/slow_mode", into.ID), url.Values{"interval": {"0"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("slow mode off: %d", r.StatusCode)
	}
	if r := mod.get(fmt.Sprintf("/t/%d", into.ID)); !strings.Contains(r.Body, "Slow mode turned off.") || strings.Contains(r.Body, "Slow mode: one post") {
		t.Fatalf("slow mode off:\n%s", r.Body)
	}
	if r := b.get("/"); !strings.Contains(r.Body, `id="pinned-title"`) || !strings.Contains(r.Body, "Original") {
		t.Fatal("home page lacks the pinned thread")
	}
}
