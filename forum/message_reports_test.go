package forum_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// A report puts the reported message and the two before it, and nothing
// else of the conversation, in the moderators' queue.
func TestReportMessage(t *testing.T) {
	e := forumtest.New(t)
	ann, bob, eve := e.User("ann", models.RoleMember), e.User("bob", models.RoleMember), e.User("eve", models.RoleMember)
	mod := e.User("moddy", models.RoleModerator)
	c, _, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob"}, Body: "zqxone"})
	if err != nil {
		t.Fatal(err)
	}
	var last *models.Message
	for _, body := range []string{"zqxtwo", "zqxthree", "zqxfour"} {
		if last, err = e.Svc.SendMessage(e.Ctx, ann, c.ID, body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Svc.ReportMessage(e.Ctx, eve, c.ID, last.ID, "spam"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("a non-participant reported: %v", err)
	}
	if _, err := e.Svc.ReportMessage(e.Ctx, ann, c.ID, last.ID, "spam"); err == nil {
		t.Errorf("ann reported her own message")
	}
	if _, err := e.Svc.ReportMessage(e.Ctx, bob, c.ID+1, last.ID, "spam"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("a message reported through another conversation id: %v", err)
	}
	if _, err := e.Svc.ReportMessage(e.Ctx, bob, c.ID, last.ID, "harassment"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.ReportMessage(e.Ctx, bob, c.ID, last.ID, "again"); !errors.Is(err, forum.ErrConflict) {
		t.Errorf("second report: %v", err)
	}
	q, err := e.Svc.Queue(e.Ctx, mod, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Items) != 1 || q.Items[0].Kind != models.QueueKindMessage || q.Items[0].Author == nil || q.Items[0].Author.Username != "ann" {
		t.Fatalf("queue: %+v", q.Items)
	}
	var seen []string
	for _, r := range q.Items[0].Reported {
		seen = append(seen, r.HTML)
	}
	got := strings.Join(seen, "")
	if strings.Contains(got, "zqxone") || !strings.Contains(got, "zqxtwo") || !strings.Contains(got, "zqxthree") || !strings.Contains(got, "zqxfour") ||
		!q.Items[0].Reported[2].Reported {
		t.Errorf("reported copy: %v", seen)
	}
	// Staff still cannot open the conversation.
	if _, err := e.Svc.Conversation(e.Ctx, mod, c.ID, ""); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("moderator reads the conversation: %v", err)
	}
	// Deleting removes the message's text for the participants.
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, q.Items[0].ID, forum.ResolveDelete, "gone"); err != nil {
		t.Fatal(err)
	}
	page, err := e.Svc.Conversation(e.Ctx, bob, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if h := page.Messages[len(page.Messages)-1].HTML; strings.Contains(h, "zqxfour") || !strings.Contains(h, "removed by a moderator") {
		t.Errorf("after delete: %q", h)
	}
}

// Members who opted in to notification mail get one for a new message.
func TestMessageMail(t *testing.T) {
	e := forumtest.New(t)
	ann, bob, cat := e.User("ann", models.RoleMember), e.User("bob", models.RoleMember), e.User("cat", models.RoleMember)
	if err := e.Svc.SaveMailSettings(e.Ctx, bob, true, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob", "cat"}, Body: "mail me zqxmail"}); err != nil {
		t.Fatal(err)
	}
	mails, err := e.Store.MailsTo(e.Ctx, bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 || !strings.Contains(mails[0].Text, "zqxmail") || !strings.Contains(mails[0].Text, "/messages/") {
		t.Errorf("bob's mail: %+v", mails)
	}
	if mails, _ := e.Store.MailsTo(e.Ctx, cat.ID); len(mails) != 0 {
		t.Errorf("cat did not opt in but got %d mails", len(mails))
	}
}
