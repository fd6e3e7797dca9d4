package forum_test

import (
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// heldNotes returns the author's held_approved / held_rejected notifications.
func heldNotes(t *testing.T, e *forumtest.Env, u *models.User) []forum.NotificationView {
	t.Helper()
	l, err := e.Svc.Notifications(e.Ctx, u, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []forum.NotificationView
	for _, n := range l.Items {
		if n.Kind == models.NotifyHeldApproved || n.Kind == models.NotifyHeldRejected {
			out = append(out, n)
		}
	}
	return out
}

func TestHeldPostAuthorIsToldOfApproval(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	th, _ := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome", "Say hello")
	newbie := e.SandboxedUser("newbie")
	amb := e.User("amb", models.RoleAmbassador)

	_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "hello, I am new"})
	held := mustHold(t, err)
	if got := heldNotes(t, e, newbie); len(got) != 0 {
		t.Fatalf("told before any decision: %+v", got)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, amb, approvalItem(t, e, amb, held.ID).ID, forum.ResolveApprove, "private: fine"); err != nil {
		t.Fatal(err)
	}
	got := heldNotes(t, e, newbie)
	if len(got) != 1 || got[0].Kind != models.NotifyHeldApproved || got[0].Thread == nil || got[0].Thread.ID != th.ID {
		t.Fatalf("approval notification: %+v", got)
	}
	h, err := e.Store.HeldPostByID(e.Ctx, held.ID)
	if err != nil || h.PostID == nil || got[0].PostID != *h.PostID || got[0].HeldPostID == nil || *got[0].HeldPostID != held.ID {
		t.Fatalf("notification points at post %d (held %v), published as %v", got[0].PostID, got[0].HeldPostID, h.PostID)
	}
}

func TestHeldPostAuthorIsToldOfRejectionWithReasonAndText(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	newbie := e.SandboxedUser("newbie")
	mod := e.User("moddy", models.RoleModerator)

	_, _, err := e.Svc.CreateThread(e.Ctx, newbie, forum.NewThread{Category: "general", Title: "My first thread", Body: "long text I worked on"})
	held := mustHold(t, err)
	item := approvalItem(t, e, mod, held.ID).ID
	if err := e.Svc.ResolveQueueItemWithReason(e.Ctx, mod, item, forum.ResolveDelete, "private: spammy", "  Please ask in the FAQ thread  "); err != nil {
		t.Fatal(err)
	}
	got := heldNotes(t, e, newbie)
	if len(got) != 1 || got[0].Kind != models.NotifyHeldRejected || got[0].HeldPostID == nil || *got[0].HeldPostID != held.ID ||
		got[0].Held == nil || got[0].Held.Title != "My first thread" || got[0].PostID != 0 {
		t.Fatalf("rejection notification: %+v", got)
	}
	v, err := e.Svc.HeldPost(e.Ctx, newbie, held.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != models.HeldRejected || v.DecisionReason != "Please ask in the FAQ thread" || v.Body != "long text I worked on" {
		t.Fatalf("author's view of the rejected post: state %q reason %q body %q", v.State, v.DecisionReason, v.Body)
	}
	// The private note never becomes the reason.
	if v.DecisionReason == "private: spammy" {
		t.Fatal("private note shown to the author")
	}
	long := make([]byte, 1001)
	for i := range long {
		long[i] = 'x'
	}
	_, _, err = e.Svc.CreateThread(e.Ctx, newbie, forum.NewThread{Category: "general", Title: "Second", Body: "again"})
	held2 := mustHold(t, err)
	err = e.Svc.ResolveQueueItemWithReason(e.Ctx, mod, approvalItem(t, e, mod, held2.ID).ID, forum.ResolveDelete, "", string(long))
	if ve, ok := forum.AsValidation(err); !ok || ve.Fields["reason"] == "" {
		t.Fatalf("overlong reason: %v", err)
	}
}

// A muted thread mutes the approval notice; a rejection is told anyway,
// since it is the author's only way to learn their words were not posted.
func TestHeldDecisionRespectsMutes(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	th, _ := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome", "Say hello")
	newbie := e.SandboxedUser("newbie")
	amb := e.User("amb", models.RoleAmbassador)
	if _, err := e.Svc.SetThreadLevel(e.Ctx, newbie, th.ID, models.LevelMuted); err != nil {
		t.Fatal(err)
	}
	_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "first"})
	h1 := mustHold(t, err)
	_, err = e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "second"})
	h2 := mustHold(t, err)
	if err := e.Svc.ResolveQueueItem(e.Ctx, amb, approvalItem(t, e, amb, h1.ID).ID, forum.ResolveApprove, ""); err != nil {
		t.Fatal(err)
	}
	if got := heldNotes(t, e, newbie); len(got) != 0 {
		t.Fatalf("muted thread still told of the approval: %+v", got)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, amb, approvalItem(t, e, amb, h2.ID).ID, forum.ResolveDelete, ""); err != nil {
		t.Fatal(err)
	}
	if got := heldNotes(t, e, newbie); len(got) != 1 || got[0].Kind != models.NotifyHeldRejected {
		t.Fatalf("rejection in a muted thread: %+v", got)
	}
}
