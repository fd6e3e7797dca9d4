package forum_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// A silenced member can neither start a conversation nor reply in one they
// are already in; an outsider who is silenced still learns nothing of the
// conversation (404), and the others keep writing.
func TestSilencedMemberCannotReply(t *testing.T) {
	e := forumtest.New(t)
	ann, bob, eve := e.User("ann", models.RoleMember), e.User("bob", models.RoleMember), e.User("eve", models.RoleMember)
	admin := e.User("boss", models.RoleAdmin)
	c, _, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob"}, Body: "before the silence"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ann", "eve"} {
		if _, err := e.Svc.Silence(e.Ctx, admin, name, "", "rude"); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.Svc.SendMessage(e.Ctx, ann, c.ID, "after the silence")
	var fe *forum.ForbiddenError
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "silenced") {
		t.Errorf("silenced participant replying: %v, want a ForbiddenError saying silenced", err)
	}
	if _, _, err := e.Svc.StartConversation(e.Ctx, ann, forum.NewConversation{To: []string{"bob"}, Body: "new one"}); !errors.Is(err, forum.ErrForbidden) {
		t.Errorf("silenced member starting: %v", err)
	}
	if _, err := e.Svc.SendMessage(e.Ctx, eve, c.ID, "let me in"); !errors.Is(err, forum.ErrNotFound) {
		t.Errorf("silenced outsider: %v, want not found", err)
	}
	if _, err := e.Svc.SendMessage(e.Ctx, bob, c.ID, "bob still writes"); err != nil {
		t.Errorf("bob, not silenced: %v", err)
	}
	page, err := e.Svc.Conversation(e.Ctx, bob, c.ID, "")
	if err != nil || len(page.Messages) != 2 {
		t.Fatalf("conversation: %+v %v", page, err)
	}
	for _, m := range page.Messages {
		if strings.Contains(m.Body, "after the silence") {
			t.Errorf("the silenced reply was stored")
		}
	}
}
