package forum_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

type exportScene struct {
	*forumtest.Env
	now                  time.Time
	alice, bob           *models.User
	thread               *models.Thread
	first, reply, secret *models.Post
}

func newExportScene(t *testing.T) *exportScene {
	sc := &exportScene{Env: forumtest.New(t), now: time.Now().UTC().Truncate(time.Second)}
	sc.Svc.SetClock(func() time.Time { return sc.now })
	sc.alice = sc.User("alice", models.RoleMember)
	sc.bob = sc.User("bob", models.RoleMember)
	sc.Category("general")
	sc.Category("backroom")
	sc.thread, sc.first = sc.Thread(sc.alice, "general", "Hello world", "First **post** by alice")
	sc.reply = sc.Reply(sc.alice, sc.thread.ID, "A reply\nwith two lines")
	var st *models.Thread
	st, sc.secret = sc.Thread(sc.alice, "backroom", "Secret plans", "Only ambassadors see this")
	_ = st
	// The category turns private after alice wrote there: her post is
	// hers to export but never federated.
	if err := sc.Store.DB(sc.Ctx).Exec("UPDATE categories SET ambassadors_only = ? WHERE slug = ?", true, "backroom").Error; err != nil {
		t.Fatal(err)
	}
	if err := sc.Svc.SetBookmark(sc.Ctx, sc.alice, sc.thread.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Svc.SetCategoryLevel(sc.Ctx, sc.alice, "general", "muted"); err != nil {
		t.Fatal(err)
	}
	return sc
}

func (sc *exportScene) build(t *testing.T) *forum.ExportStatus {
	t.Helper()
	if _, err := sc.Svc.RequestExport(sc.Ctx, sc.alice); err != nil {
		t.Fatalf("request export: %v", err)
	}
	n, err := sc.Svc.RunExports(sc.Ctx, slog.New(slog.DiscardHandler))
	if err != nil || n != 1 {
		t.Fatalf("run exports: %d, %v; want 1 built", n, err)
	}
	st, err := sc.Svc.ExportStatusOf(sc.Ctx, sc.alice)
	if err != nil || st.Link == "" {
		t.Fatalf("status after build: %+v, %v", st, err)
	}
	return st
}

func unzip(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = string(b)
	}
	return files
}

func TestExportContents(t *testing.T) {
	sc := newExportScene(t)
	st := sc.build(t)
	token := strings.TrimPrefix(st.Link, "/settings/export/")
	e, err := sc.Svc.DownloadExport(sc.Ctx, sc.alice, token)
	if err != nil {
		t.Fatalf("owner download: %v", err)
	}
	files := unzip(t, e.Data)

	var profile map[string]any
	if err := json.Unmarshal([]byte(files["profile.json"]), &profile); err != nil {
		t.Fatalf("profile.json: %v", err)
	}
	if profile["username"] != "alice" || profile["email"] != "alice@example.com" || profile["created"] == nil || profile["settings"] == nil {
		t.Errorf("profile.json = %v", profile)
	}

	md := files[fmt.Sprintf("posts/%d-1.md", sc.thread.ID)]
	for _, want := range []string{"---\n", `thread: "Hello world"`, "url: http://forum.test/p/" + fmt.Sprint(sc.first.ID), "created: ", "First **post** by alice"} {
		if !strings.Contains(md, want) {
			t.Errorf("post Markdown lacks %q:\n%s", want, md)
		}
	}
	if _, ok := files[fmt.Sprintf("posts/%d-2.md", sc.thread.ID)]; !ok {
		t.Errorf("reply file missing; files: %v", keys(files))
	}
	if !strings.Contains(files[fmt.Sprintf("posts/%d-1.md", sc.secret.ThreadID)], "Only ambassadors see this") {
		t.Errorf("private post missing from posts/: %v", keys(files))
	}

	var posts []map[string]any
	if err := json.Unmarshal([]byte(files["posts.json"]), &posts); err != nil || len(posts) != 3 {
		t.Fatalf("posts.json: %d posts, %v", len(posts), err)
	}
	var bookmarks []map[string]any
	if err := json.Unmarshal([]byte(files["bookmarks.json"]), &bookmarks); err != nil || len(bookmarks) != 1 || bookmarks[0]["title"] != "Hello world" {
		t.Fatalf("bookmarks.json = %v, %v", bookmarks, err)
	}

	// Only her own choice: the watching Hearth set on her threads is
	// not hers to carry away.
	var levels []map[string]any
	if err := json.Unmarshal([]byte(files["notification-levels.json"]), &levels); err != nil || len(levels) != 1 ||
		levels[0]["target_kind"] != "category" || levels[0]["level"] != "muted" {
		t.Fatalf("notification-levels.json = %v, %v", levels, err)
	}

	var outbox struct {
		Type         string `json:"type"`
		ID           string `json:"id"`
		TotalItems   int    `json:"totalItems"`
		OrderedItems []struct {
			Type   string         `json:"type"`
			Actor  string         `json:"actor"`
			Object map[string]any `json:"object"`
		} `json:"orderedItems"`
	}
	if err := json.Unmarshal([]byte(files["outbox.json"]), &outbox); err != nil {
		t.Fatalf("outbox.json: %v", err)
	}
	if outbox.Type != "OrderedCollection" || outbox.ID != "http://forum.test/u/alice/outbox" || outbox.TotalItems != 2 || len(outbox.OrderedItems) != 2 {
		t.Fatalf("outbox = %+v", outbox)
	}
	ids := map[string]bool{}
	for _, it := range outbox.OrderedItems {
		if it.Type != "Create" || it.Actor != "http://forum.test/u/alice" || it.Object["type"] != "Note" || it.Object["attributedTo"] != it.Actor {
			t.Errorf("outbox item = %+v", it)
		}
		ids[it.Object["id"].(string)] = true
	}
	if !ids[fmt.Sprintf("http://forum.test/p/%d", sc.first.ID)] || !ids[fmt.Sprintf("http://forum.test/p/%d", sc.reply.ID)] {
		t.Errorf("outbox ids = %v", ids)
	}
	if ids[fmt.Sprintf("http://forum.test/p/%d", sc.secret.ID)] || strings.Contains(files["outbox.json"], "Only ambassadors") {
		t.Error("a private category's post is in the outbox")
	}

	// The member is told, with a link only they can follow.
	list, err := sc.Svc.Notifications(sc.Ctx, sc.alice, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].Kind != forum.NotifyExportReady || list.Items[0].PostID != e.ID || list.Items[0].Link != st.Link {
		t.Fatalf("notifications = %+v", list.Items)
	}
	if link, err := sc.Svc.ExportLink(sc.Ctx, sc.alice, e.ID); err != nil || link != st.Link {
		t.Errorf("ExportLink = %q, %v; want %q", link, err, st.Link)
	}
	if link, err := sc.Svc.ExportLink(sc.Ctx, sc.bob, e.ID); err != nil || link != "" {
		t.Errorf("bob's ExportLink = %q, %v", link, err)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestExportDownloadPermission(t *testing.T) {
	sc := newExportScene(t)
	token := strings.TrimPrefix(sc.build(t).Link, "/settings/export/")
	cases := []struct {
		name   string
		viewer *models.User
		token  string
		want   error
	}{
		{"visitor", nil, token, forum.ErrUnauthorized},
		{"another member", sc.bob, token, forum.ErrNotFound},
		{"wrong token", sc.alice, strings.Repeat("0", 64), forum.ErrNotFound},
		{"short token", sc.alice, token[:10], forum.ErrNotFound},
		{"owner", sc.alice, token, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sc.Svc.DownloadExport(sc.Ctx, c.viewer, c.token)
			if !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	// Only the hash of the token is stored.
	var stored string
	if err := sc.Store.DB(sc.Ctx).Raw("SELECT token_hash FROM account_exports").Scan(&stored).Error; err != nil {
		t.Fatal(err)
	}
	if stored == "" || stored == token {
		t.Fatalf("stored token_hash %q: want a hash, not the token", stored)
	}
}

func TestExportExpiresAndIsRemoved(t *testing.T) {
	sc := newExportScene(t)
	token := strings.TrimPrefix(sc.build(t).Link, "/settings/export/")
	sc.now = sc.now.Add(forum.ExportKeep - time.Minute)
	if err := sc.Svc.PruneExports(sc.Ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Svc.DownloadExport(sc.Ctx, sc.alice, token); err != nil {
		t.Fatalf("a day before expiry: %v", err)
	}
	sc.now = sc.now.Add(2 * time.Minute)
	if _, err := sc.Svc.DownloadExport(sc.Ctx, sc.alice, token); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("after expiry: %v, want not found", err)
	}
	if err := sc.Svc.PruneExports(sc.Ctx); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := sc.Store.DB(sc.Ctx).Model(&models.AccountExport{}).Count(&n).Error; err != nil || n != 0 {
		t.Fatalf("exports after cleanup: %d, %v", n, err)
	}
}

func TestExportRateLimit(t *testing.T) {
	sc := newExportScene(t)
	sc.build(t)
	sc.now = sc.now.Add(23 * time.Hour)
	_, err := sc.Svc.RequestExport(sc.Ctx, sc.alice)
	var rl *forum.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Hour {
		t.Fatalf("second export within 24h: %v", err)
	}
	// Another member is not limited by alice's export.
	if _, err := sc.Svc.RequestExport(sc.Ctx, sc.bob); err != nil {
		t.Fatalf("bob: %v", err)
	}
	sc.now = sc.now.Add(time.Hour)
	if _, err := sc.Svc.RequestExport(sc.Ctx, sc.alice); err != nil {
		t.Fatalf("after 24h: %v", err)
	}
	if _, err := sc.Svc.RequestExport(sc.Ctx, nil); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("visitor: %v", err)
	}
}

// Two services on one database (two processes) build each export once.
func TestExportBuiltOnceAcrossProcesses(t *testing.T) {
	sc := newExportScene(t)
	other := forum.New(sc.Store, sc.Cfg)
	other.SetClock(func() time.Time { return sc.now })
	if _, err := sc.Svc.RequestExport(sc.Ctx, sc.alice); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	results := make(chan int, 2)
	for _, s := range []*forum.Service{sc.Svc, other} {
		go func() {
			n, err := s.RunExports(sc.Ctx, log)
			if err != nil {
				t.Error(err)
			}
			results <- n
		}()
	}
	if total := <-results + <-results; total != 1 {
		t.Fatalf("exports built %d times, want 1", total)
	}
	var n int64
	sc.Store.DB(sc.Ctx).Model(&models.Notification{}).Where("user_id = ? AND kind = ?", sc.alice.ID, forum.NotifyExportReady).Count(&n)
	if n != 1 {
		t.Fatalf("%d notifications, want 1", n)
	}
}
