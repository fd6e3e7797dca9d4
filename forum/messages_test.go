package forum_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestConversationOnlyForParticipants(t *testing.T) {
	e := forumtest.New(t)
	ann, bob, cat := e.User("ann", models.RoleMember), e.User("bob", models.RoleMember), e.User("cat", models.RoleMember)
	admin := e.User("boss", models.RoleAdmin)
	c, m, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"@Bob"}, Subject: "Hello", Body: "a **secret** plan"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.HTML, "<strong>secret</strong>") {
		t.Errorf("message not rendered through markup: %q", m.HTML)
	}
	for _, who := range []*models.User{cat, admin} {
		if _, err := e.Svc.Conversation(e.Ctx, who, c.ID, ""); !errors.Is(err, forum.ErrNotFound) {
			t.Errorf("%s reading: %v, want not found", who.Username, err)
		}
		if _, err := e.Svc.SendMessage(e.Ctx, who, c.ID, "let me in"); !errors.Is(err, forum.ErrNotFound) {
			t.Errorf("%s writing: %v, want not found", who.Username, err)
		}
		if err := e.Svc.MuteConversation(e.Ctx, who, c.ID, true); !errors.Is(err, forum.ErrNotFound) {
			t.Errorf("%s muting: %v, want not found", who.Username, err)
		}
		l, err := e.Svc.Conversations(e.Ctx, who, "")
		if err != nil || len(l.Items) != 0 {
			t.Errorf("%s's list: %v %v", who.Username, l, err)
		}
		if hits, _ := e.Svc.SearchMessages(e.Ctx, who, "secret"); len(hits) != 0 {
			t.Errorf("%s found another's message by search", who.Username)
		}
	}
	if _, err := e.Svc.Conversation(e.Ctx, nil, c.ID, ""); !errors.Is(err, forum.ErrUnauthorized) {
		t.Errorf("visitor: %v", err)
	}
	// bob has one unread conversation and a notification; reading clears both.
	if n, _ := e.Svc.UnreadConversations(e.Ctx, bob); n != 1 {
		t.Errorf("bob unread = %d, want 1", n)
	}
	if got := kinds(t, e, bob); len(got) != 1 || got[0] != "message:ann" {
		t.Errorf("bob's notifications = %v", got)
	}
	page, err := e.Svc.Conversation(e.Ctx, bob, c.ID, "")
	if err != nil || len(page.Messages) != 1 || page.Messages[0].Author.Username != "ann" || len(page.Participants) != 2 {
		t.Fatalf("bob's page: %+v %v", page, err)
	}
	if n, _ := e.Svc.UnreadConversations(e.Ctx, bob); n != 0 {
		t.Errorf("bob unread after reading = %d", n)
	}
	if n, _ := e.Svc.UnreadCount(e.Ctx, bob); n != 0 {
		t.Errorf("bob's message notification stayed unread")
	}
	if _, err := e.Svc.SendMessage(e.Ctx, bob, c.ID, "count me in"); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.Svc.UnreadConversations(e.Ctx, ann); n != 1 {
		t.Errorf("ann unread = %d, want 1", n)
	}
	if hits, err := e.Svc.SearchMessages(e.Ctx, ann, "COUNT me"); err != nil || len(hits) != 1 || hits[0].Author.Username != "bob" {
		t.Errorf("ann's search: %v %v", hits, err)
	}
	if hits, _ := e.Svc.SearchMessages(e.Ctx, ann, "100%"); len(hits) != 0 {
		t.Errorf("a LIKE wildcard matched: %v", hits)
	}
}

func TestConversationMuteAndLeave(t *testing.T) {
	e := forumtest.New(t)
	ann, bob, cat := e.User("ann", models.RoleMember), e.User("bob", models.RoleMember), e.User("cat", models.RoleMember)
	c, _, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob", "cat"}, Body: "hi both"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.MuteConversation(e.Ctx, bob, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.LeaveConversation(e.Ctx, cat, c.ID); err != nil {
		t.Fatal(err)
	}
	_ = e.Svc.MarkAllRead(e.Ctx, bob)
	if _, err := e.Svc.SendMessage(e.Ctx, ann, c.ID, "still there?"); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.Svc.UnreadConversations(e.Ctx, bob); n != 0 {
		t.Errorf("muted conversation counted: %d", n)
	}
	if got := kinds(t, e, bob); len(got) != 1 {
		t.Errorf("muted bob was notified again: %v", got)
	}
	if _, err := e.Svc.Conversation(e.Ctx, cat, c.ID, ""); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("cat left but still reads: %v", err)
	}
	if _, err := e.Svc.SendMessage(e.Ctx, cat, c.ID, "back"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("cat left but still writes: %v", err)
	}
}

func TestStartConversationRefusals(t *testing.T) {
	e := forumtest.New(t)
	ann, bob := e.User("ann", models.RoleMember), e.User("bob", models.RoleMember)
	e.RemoteUser("zed", "remote.example")
	if _, err := e.Svc.BlockMessages(e.Ctx, bob, "ann"); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 70000)
	for _, tc := range []struct {
		name  string
		in    forum.NewConversation
		field string
	}{
		{"nobody", forum.NewConversation{Body: "hi"}, "to"},
		{"unknown", forum.NewConversation{To: []string{"ghost"}, Body: "hi"}, "to"},
		{"remote row by name", forum.NewConversation{To: []string{"zed@remote.example"}, Body: "hi"}, "to"},
		{"self", forum.NewConversation{To: []string{"ann"}, Body: "hi"}, "to"},
		{"empty body", forum.NewConversation{To: []string{"bob"}, Body: "  "}, "body"},
		{"long body", forum.NewConversation{To: []string{"bob"}, Body: long}, "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.Svc.StartConversation(e.Ctx, ann, tc.in)
			ve, ok := forum.AsValidation(err)
			if !ok || ve.Fields[tc.field] == "" {
				t.Errorf("err = %v, want a %s validation error", err, tc.field)
			}
		})
	}
	_, _, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob"}, Body: "hi"})
	if !errors.Is(err, forum.ErrForbidden) || !strings.Contains(err.Error(), "bob") {
		t.Errorf("blocked: %v", err)
	}
	if err := e.Svc.UnblockMessages(e.Ctx, bob, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob"}, Body: "hi"}); err != nil {
		t.Errorf("after unblock: %v", err)
	}
}

func TestMessageRateLimit(t *testing.T) {
	e := forumtest.New(t)
	e.User("first", models.RoleAdmin)
	ann := e.SandboxedUser("ann")
	e.User("bob", models.RoleMember)
	var err error
	for i := 0; i <= forum.SandboxRateMax && err == nil; i++ {
		_, _, err = e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob"}, Body: "buy now"})
	}
	var rl *forum.RateLimitError
	if !errors.As(err, &rl) {
		t.Errorf("sandboxed sender was not limited: %v", err)
	}
}
