package forum_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// The export holds the conversations the member took part in, with the
// messages they wrote, and nothing of a conversation they were never in.
func TestExportHoldsOwnMessages(t *testing.T) {
	sc := newExportScene(t)
	carol := sc.User("carol", models.RoleMember)
	c, _, err := sc.Svc.StartConversation(sc.Ctx, sc.alice, forum.NewConversation{To: []string{"bob"}, Subject: "Meetup", Body: "alice asks about **the meetup**"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Svc.SendMessage(sc.Ctx, sc.bob, c.ID, "bob's private answer"); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Svc.SendMessage(sc.Ctx, sc.alice, c.ID, "alice again"); err != nil {
		t.Fatal(err)
	}
	// One she left: her words there are still hers.
	left, _, err := sc.Svc.StartConversation(sc.Ctx, sc.alice, forum.NewConversation{To: []string{"carol"}, Body: "alice to carol"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Svc.LeaveConversation(sc.Ctx, sc.alice, left.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sc.Svc.StartConversation(sc.Ctx, sc.bob, forum.NewConversation{To: []string{"carol"}, Subject: "Not hers", Body: "bob to carol only"}); err != nil {
		t.Fatal(err)
	}
	_ = carol
	st := sc.build(t)
	e, err := sc.Svc.DownloadExport(sc.Ctx, sc.alice, strings.TrimPrefix(st.Link, "/settings/export/"))
	if err != nil {
		t.Fatal(err)
	}
	raw := unzip(t, e.Data)["messages.json"]
	var convs []struct {
		ID           int64    `json:"conversation_id"`
		Subject      string   `json:"subject"`
		URL          string   `json:"url"`
		Participants []string `json:"participants"`
		Messages     []struct {
			Body string `json:"body"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(raw), &convs); err != nil {
		t.Fatalf("messages.json: %v\n%s", err, raw)
	}
	if len(convs) != 2 {
		t.Fatalf("conversations exported = %d, want 2:\n%s", len(convs), raw)
	}
	first := convs[0]
	if first.ID != c.ID || first.Subject != "Meetup" || !strings.HasSuffix(first.URL, "/messages/"+jsonID(c.ID)) ||
		strings.Join(first.Participants, ",") != "alice,bob" || len(first.Messages) != 2 ||
		first.Messages[0].Body != "alice asks about **the meetup**" || first.Messages[1].Body != "alice again" {
		t.Errorf("first conversation = %+v", first)
	}
	if convs[1].ID != left.ID || len(convs[1].Messages) != 1 || convs[1].Messages[0].Body != "alice to carol" {
		t.Errorf("left conversation = %+v", convs[1])
	}
	for _, other := range []string{"bob's private answer", "bob to carol only", "Not hers"} {
		if strings.Contains(raw, other) {
			t.Errorf("export holds %q, which alice did not write", other)
		}
	}
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }

// Erasing an account erases the text of its messages, whatever was chosen
// for posts, leaving a placeholder in the others' conversations; the
// member leaves every conversation and their blocks go.
func TestAccountErasureErasesMessages(t *testing.T) {
	for _, posts := range []string{models.DeletePostsKeep, models.DeletePostsErase} {
		t.Run(posts, func(t *testing.T) {
			sc := newDeletionScene(t, "")
			bob, err := sc.Store.UserByUsername(sc.Ctx, "bob")
			if err != nil {
				t.Fatal(err)
			}
			c, _, err := sc.Svc.StartConversation(sc.Ctx, sc.alice, forum.NewConversation{To: []string{"bob"}, Body: "alice's secret words"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sc.Svc.SendMessage(sc.Ctx, bob, c.ID, "bob answers privately"); err != nil {
				t.Fatal(err)
			}
			if _, err := sc.Svc.BlockMessages(sc.Ctx, sc.alice, "molly"); err != nil {
				t.Fatal(err)
			}
			at := sc.schedule(t, posts)
			sc.now = at
			if n := sc.run(t); n != 1 {
				t.Fatalf("erased %d accounts, want 1", n)
			}
			page, err := sc.Svc.Conversation(sc.Ctx, bob, c.ID, "")
			if err != nil || len(page.Messages) != 2 {
				t.Fatalf("bob's conversation after the erasure: %+v %v", page, err)
			}
			gone := page.Messages[0]
			if !strings.Contains(gone.HTML, "deleted with its author's account") || strings.Contains(gone.Body, "secret") ||
				gone.Author == nil || gone.Author.DisplayName != forum.DeletedMemberName {
				t.Errorf("alice's message after erasure: %+v author %+v", gone.Message, gone.Author)
			}
			if page.Messages[1].Body != "bob answers privately" {
				t.Errorf("bob's own message changed: %q", page.Messages[1].Body)
			}
			var n int64
			if err := sc.Store.DB(sc.Ctx).Table("messages").Where("body LIKE ? OR html LIKE ?", "%secret words%", "%secret words%").Count(&n).Error; err != nil || n != 0 {
				t.Errorf("alice's words still stored in %d messages (%v)", n, err)
			}
			if err := sc.Store.DB(sc.Ctx).Table("conversation_participants").Where("user_id = ? AND left_at IS NULL", sc.alice.ID).Count(&n).Error; err != nil || n != 0 {
				t.Errorf("alice still in %d conversations (%v)", n, err)
			}
			if err := sc.Store.DB(sc.Ctx).Table("message_blocks").Where("blocker_id = ?", sc.alice.ID).Count(&n).Error; err != nil || n != 0 {
				t.Errorf("alice's %d message blocks survived (%v)", n, err)
			}
			// bob can still write there; the erased account gets nothing.
			if _, err := sc.Svc.SendMessage(sc.Ctx, bob, c.ID, "anyone?"); err != nil {
				t.Fatal(err)
			}
			if err := sc.Store.DB(sc.Ctx).Table("notifications").Where("user_id = ?", sc.alice.ID).Count(&n).Error; err != nil || n != 0 {
				t.Errorf("the erased account was notified %d times (%v)", n, err)
			}
		})
	}
}
