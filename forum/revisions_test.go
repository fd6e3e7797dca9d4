package forum_test

import (
	"errors"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestRevisionsOfHiddenPost: a post that flags hid pending review shows a
// placeholder everywhere; its edit history, which ends with the current
// text, must not hand that text to visitors and members. Staff still read
// it.
func TestRevisionsOfHiddenPost(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	author := e.User("author", models.RoleMember)
	member := e.User("reader", models.RoleMember)
	mod := e.User("moddy", models.RoleModerator)
	th, _ := e.Thread(author, "general", "A thread", "fine text")
	p := e.Reply(author, th.ID, "rude text")
	if _, err := e.Svc.EditPost(e.Ctx, author, p.ID, "still rude text"); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.UpdatePostFields(e.Ctx, p.ID, map[string]any{"hidden_at": p.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	for name, viewer := range map[string]*models.User{"visitor": nil, "member": member, "author": author} {
		if _, _, err := e.Svc.Revisions(e.Ctx, viewer, p.ID); !errors.Is(err, forum.ErrForbidden) {
			t.Errorf("%s reads a hidden post's history: %v", name, err)
		}
	}
	if _, revs, err := e.Svc.Revisions(e.Ctx, mod, p.ID); err != nil || len(revs) != 1 {
		t.Errorf("moderator: %d revisions, %v", len(revs), err)
	}
}
