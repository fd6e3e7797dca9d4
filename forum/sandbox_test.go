package forum_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// recordingHooks counts what federation would have been told.
type recordingHooks struct{ threads, posts int }

func (h *recordingHooks) ThreadCreated(context.Context, *models.Thread, *models.Post) error {
	h.threads++
	return nil
}
func (h *recordingHooks) PostCreated(context.Context, *models.Thread, *models.Post) error {
	h.posts++
	return nil
}
func (h *recordingHooks) PostEdited(context.Context, *models.Post) error  { return nil }
func (h *recordingHooks) PostDeleted(context.Context, *models.Post) error { return nil }

// approvalItem finds the open approval item for a held post, as an approver.
func approvalItem(t *testing.T, e *forumtest.Env, approver *models.User, heldID int64) forum.QueueItemView {
	t.Helper()
	q, err := e.Svc.Queue(e.Ctx, approver, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range q.Items {
		if it.Held != nil && it.Held.ID == heldID {
			return it
		}
	}
	t.Fatalf("held post %d not in %s's queue (%d items)", heldID, approver.Username, len(q.Items))
	return forum.QueueItemView{}
}

func mustHold(t *testing.T, err error) *models.HeldPost {
	t.Helper()
	h, ok := forum.AsHeld(err)
	if !ok || !errors.Is(err, forum.ErrHeld) {
		t.Fatalf("want the post held for approval, got %v", err)
	}
	return h
}

func TestSandboxedReplyIsHeldUntilApproved(t *testing.T) {
	e := forumtest.New(t)
	hooks := &recordingHooks{}
	e.Svc.SetHooks(hooks)
	e.Category("general")
	owner := e.User("owner", models.RoleMember)
	th, _ := e.Thread(owner, "general", "Welcome thread", "Say hello")
	newbie := e.SandboxedUser("newbie")
	amb := e.User("amb", models.RoleAmbassador)
	hooks.posts = 0

	_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "Greetings everyone, I am new"})
	held := mustHold(t, err)

	// Others see nothing: no post, no count, no search hit, no federation.
	anon, err := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if anon.Thread.PostCount != 1 || len(anon.Posts) != 1 || len(anon.Pending) != 0 {
		t.Fatalf("anonymous sees %d posts (count %d), pending %d", len(anon.Posts), anon.Thread.PostCount, len(anon.Pending))
	}
	if hooks.posts != 0 {
		t.Fatal("a held post was handed to federation")
	}
	if res, err := e.Svc.Search(e.Ctx, "greetings"); err != nil || len(res.Posts) != 0 {
		t.Fatalf("search finds a held post: %v %+v", err, res)
	}
	other, _ := e.Svc.ThreadPage(e.Ctx, owner, th.ID, 1)
	if len(other.Pending) != 0 {
		t.Fatal("another member sees the held reply")
	}
	// The author sees it, waiting.
	mine, _ := e.Svc.ThreadPage(e.Ctx, newbie, th.ID, 1)
	if len(mine.Pending) != 1 || mine.Pending[0].Body != "Greetings everyone, I am new" {
		t.Fatalf("author's pending: %+v", mine.Pending)
	}
	if _, err := e.Svc.HeldPost(e.Ctx, owner, held.ID); !errors.Is(err, forum.ErrNotFound) {
		t.Fatalf("another member loads the held post: %v", err)
	}

	// An ambassador approves: the post is published like any reply.
	it := approvalItem(t, e, amb, held.ID)
	if it.Kind != models.QueueKindApproval || it.Author.ID != newbie.ID || it.Held.Reason != forum.HoldSandbox {
		t.Fatalf("item: %+v", it)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, amb, it.ID, forum.ResolveApprove, "welcome!"); err != nil {
		t.Fatal(err)
	}
	anon, _ = e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1)
	if anon.Thread.PostCount != 2 || len(anon.Posts) != 2 {
		t.Fatalf("after approval: count %d", anon.Thread.PostCount)
	}
	if anon.Posts[1].UserID != newbie.ID || !strings.Contains(anon.Posts[1].HTML, "Greetings everyone, I am new") {
		t.Fatalf("approved post: %+v", anon.Posts[1].Post)
	}
	if hooks.posts != 1 {
		t.Fatalf("approval federated %d posts, want 1", hooks.posts)
	}
	n, err := e.Svc.UnreadCount(e.Ctx, owner)
	if err != nil || n != 1 {
		t.Fatalf("thread owner's notifications after approval: %d %v", n, err)
	}
	mine, _ = e.Svc.ThreadPage(e.Ctx, newbie, th.ID, 1)
	if len(mine.Pending) != 0 {
		t.Fatal("approved reply still pending")
	}
	audit, _ := e.Svc.Audit(e.Ctx, e.User("auditor", models.RoleModerator), forum.AuditFilter{Action: "queue.approve"}, 10)
	if len(audit.Entries) != 1 || audit.Entries[0].ActorID != amb.ID {
		t.Fatalf("approval audit: %+v", audit.Entries)
	}
	// A second approval of the same item is a conflict, not a second post.
	if err := e.Svc.ResolveQueueItem(e.Ctx, amb, it.ID, forum.ResolveApprove, ""); !errors.Is(err, forum.ErrConflict) {
		t.Fatalf("second approval: %v", err)
	}
}

func TestSandboxedThreadIsHeldWhole(t *testing.T) {
	e := forumtest.New(t)
	cat := e.Category("general")
	newbie := e.SandboxedUser("newbie")
	mod := e.User("moddy", models.RoleModerator)
	_, _, err := e.Svc.CreateThread(e.Ctx, newbie, forum.NewThread{Category: "general", Title: "My first question", Body: "How do I start?", Tags: []string{"help"}})
	held := mustHold(t, err)
	list, err := e.Svc.ListThreads(e.Ctx, "general", "")
	if err != nil || len(list.Threads) != 0 || list.Category.ThreadCount != 0 {
		t.Fatalf("held thread listed: %v %+v", err, list)
	}
	it := approvalItem(t, e, mod, held.ID)
	if it.Held.Category == nil || it.Held.Category.ID != cat.ID || it.Held.Title != "My first question" {
		t.Fatalf("held thread item: %+v", it.Held)
	}
	if err := e.Svc.ResolveQueueItem(e.Ctx, mod, it.ID, forum.ResolveApprove, ""); err != nil {
		t.Fatal(err)
	}
	list, _ = e.Svc.ListThreads(e.Ctx, "general", "")
	if len(list.Threads) != 1 || list.Threads[0].Title != "My first question" || list.Threads[0].UserID != newbie.ID ||
		len(list.Threads[0].Tags) != 1 || list.Category.ThreadCount != 1 {
		t.Fatalf("approved thread: %+v", list)
	}
}

func TestRejectedHeldPostNeverAppears(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	th, _ := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome thread", "Say hello")
	newbie := e.SandboxedUser("newbie")
	amb := e.User("amb", models.RoleAmbassador)
	_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "buy my stuff"})
	held := mustHold(t, err)
	it := approvalItem(t, e, amb, held.ID)
	if err := e.Svc.ResolveQueueItem(e.Ctx, amb, it.ID, forum.ResolveDelete, "spam"); err != nil {
		t.Fatal(err)
	}
	tp, _ := e.Svc.ThreadPage(e.Ctx, nil, th.ID, 1)
	if tp.Thread.PostCount != 1 {
		t.Fatal("rejected post published")
	}
	h, _ := e.Store.HeldPostByID(e.Ctx, held.ID)
	if h.State != models.HeldRejected {
		t.Fatalf("held state %q", h.State)
	}
	if mine, _ := e.Svc.ThreadPage(e.Ctx, newbie, th.ID, 1); len(mine.Pending) != 0 {
		t.Fatal("rejected post still shown as pending")
	}
}

func TestAmbassadorQueueHasOnlyApprovals(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	th, p := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome thread", "Say hello")
	if _, err := e.Svc.FlagPost(e.Ctx, e.User("flagger", models.RoleMember), p.ID, "spam", ""); err != nil {
		t.Fatal(err)
	}
	_, err := e.Svc.Reply(e.Ctx, e.SandboxedUser("newbie"), th.ID, forum.NewReply{Body: "hi"})
	mustHold(t, err)
	amb := e.User("amb", models.RoleAmbassador)
	q, err := e.Svc.Queue(e.Ctx, amb, "", "")
	if err != nil || len(q.Items) != 1 || q.Items[0].Kind != models.QueueKindApproval {
		t.Fatalf("ambassador's queue: %v %+v", err, q)
	}
	mq, _ := e.Svc.Queue(e.Ctx, e.User("moddy", models.RoleModerator), "", "")
	if len(mq.Items) != 2 {
		t.Fatalf("moderator's queue has %d items, want 2", len(mq.Items))
	}
	for _, it := range mq.Items {
		if it.Kind == models.QueueKindFlag {
			if err := e.Svc.ResolveQueueItem(e.Ctx, amb, it.ID, forum.ResolveDismiss, ""); !errors.Is(err, forum.ErrForbidden) {
				t.Fatalf("ambassador resolving a flag: %v", err)
			}
		}
	}
	if _, err := e.Svc.Queue(e.Ctx, e.User("plain", models.RoleMember), "", ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member's queue: %v", err)
	}
}

func TestSandboxGraduation(t *testing.T) {
	e := forumtest.New(t)
	e.Cfg.SandboxDays = 3
	e.Svc = forum.New(e.Store, e.Cfg)
	e.Svc.BcryptCost = 4
	now := e.Svc.Now()
	e.Svc.SetClock(func() time.Time { return now })
	e.Category("general")
	th, _ := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome thread", "Say hello")
	newbie := e.SandboxedUser("newbie")
	amb := e.User("amb", models.RoleAmbassador)
	approve := func(body string) {
		t.Helper()
		now = now.Add(5 * time.Minute)
		_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: body})
		h := mustHold(t, err)
		if err := e.Svc.ResolveQueueItem(e.Ctx, amb, approvalItem(t, e, amb, h.ID).ID, forum.ResolveApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	approve("one")
	approve("two")
	// Two approved posts: no longer held, but still sandboxed until the
	// third day (links still limited).
	now = now.Add(5 * time.Minute)
	if _, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "three"}); err != nil {
		t.Fatalf("third post after two approvals: %v", err)
	}
	u, _ := e.Store.UserByID(e.Ctx, newbie.ID)
	if !u.Sandboxed {
		t.Fatal("left the sandbox before SandboxDays")
	}
	now = now.Add(4 * 24 * time.Hour)
	if _, err := e.Svc.Reply(e.Ctx, u, th.ID, forum.NewReply{Body: "four [a](https://a.example) [b](https://b.example) [c](https://c.example)"}); err != nil {
		t.Fatalf("post after graduating: %v", err)
	}
	u, _ = e.Store.UserByID(e.Ctx, newbie.ID)
	if u.Sandboxed {
		t.Fatal("still sandboxed after meeting every criterion")
	}
	audit, _ := e.Svc.Audit(e.Ctx, e.User("auditor", models.RoleModerator), forum.AuditFilter{Action: "user.graduate"}, 10)
	if len(audit.Entries) != 1 || audit.Entries[0].TargetID != newbie.ID {
		t.Fatalf("graduation audit: %+v", audit.Entries)
	}
}

func TestVouch(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	th, _ := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome thread", "Say hello")
	newbie := e.SandboxedUser("newbie")
	member := e.User("member", models.RoleMember)
	if _, err := e.Svc.Vouch(e.Ctx, member, "newbie", ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member vouching: %v", err)
	}
	amb := e.User("amb", models.RoleAmbassador)
	if _, err := e.Svc.Vouch(e.Ctx, amb, "amb", ""); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("self vouch: %v", err)
	}
	for i := 0; i < 2; i++ { // idempotent: one record
		if _, err := e.Svc.Vouch(e.Ctx, amb, "newbie", "I know her"); err != nil {
			t.Fatal(err)
		}
	}
	u, _ := e.Store.UserByID(e.Ctx, newbie.ID)
	if u.Sandboxed {
		t.Fatal("still sandboxed after a vouch")
	}
	if _, err := e.Svc.Reply(e.Ctx, u, th.ID, forum.NewReply{Body: "straight in"}); err != nil {
		t.Fatalf("post after vouch: %v", err)
	}
	audit, _ := e.Svc.Audit(e.Ctx, e.User("auditor", models.RoleModerator), forum.AuditFilter{Action: "user.vouch"}, 10)
	if len(audit.Entries) != 1 || audit.Entries[0].ActorID != amb.ID || audit.Entries[0].Reason != "I know her" {
		t.Fatalf("vouch audit: %+v", audit.Entries)
	}
}

func TestSandboxLinkAndImageLimits(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	th, _ := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome thread", "Say hello")
	newbie := e.SandboxedUser("newbie")
	for body, field := range map[string]string{
		"see [a](https://a.example), [b](https://b.example) and [c](https://c.example)": "at most 2 links",
		"look ![cat](https://img.example/cat.png)":                                      "images",
	} {
		_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: body})
		ve, ok := forum.AsValidation(err)
		if !ok || !strings.Contains(ve.Fields["body"], field) {
			t.Fatalf("%q: got %v, want a body error about %s", body, err, field)
		}
	}
	// Two links and mentions are fine (held, not refused).
	_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "@owner see [a](https://a.example) and [b](https://b.example)"})
	h := mustHold(t, err)
	// Nor can an approved post be edited into what the limits refuse.
	if err := e.Svc.ResolveQueueItem(e.Ctx, e.User("amb", models.RoleAmbassador), approvalItem(t, e, e.User("moddy", models.RoleModerator), h.ID).ID, forum.ResolveApprove, ""); err != nil {
		t.Fatal(err)
	}
	approved, _ := e.Store.HeldPostByID(e.Ctx, h.ID)
	if _, err := e.Svc.EditPost(e.Ctx, newbie, *approved.PostID, "now ![cat](https://img.example/cat.png)"); err == nil {
		t.Fatal("sandboxed member edited an image in")
	}
	// Members out of the sandbox are not limited.
	if _, err := e.Svc.Reply(e.Ctx, e.User("old", models.RoleMember), th.ID, forum.NewReply{Body: "![cat](https://img.example/cat.png) [a](https://a.example) [b](https://b.example) [c](https://c.example)"}); err != nil {
		t.Fatal(err)
	}
}

func TestSandboxRateLimit(t *testing.T) {
	e := forumtest.New(t)
	now := e.Svc.Now()
	e.Svc.SetClock(func() time.Time { return now })
	e.Category("general")
	th, _ := e.Thread(e.User("owner", models.RoleMember), "general", "Welcome thread", "Say hello")
	newbie := e.SandboxedUser("newbie")
	for i := 0; i < forum.SandboxRateMax; i++ {
		_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "post"})
		mustHold(t, err)
	}
	var rl *forum.RateLimitError
	if _, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "one too many"}); !errors.As(err, &rl) {
		t.Fatalf("past the limit: %v", err)
	}
	now = now.Add(forum.SandboxRateWindow + time.Minute)
	_, err := e.Svc.Reply(e.Ctx, newbie, th.ID, forum.NewReply{Body: "later"})
	mustHold(t, err)
}

func TestSignUpSandboxesNewcomersOnly(t *testing.T) {
	e := forumtest.New(t)
	first, admin, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "founder", Email: "f@example.com", Password: "correct horse"})
	if err != nil || !admin || first.Sandboxed {
		t.Fatalf("first account: admin=%v sandboxed=%v %v", admin, first.Sandboxed, err)
	}
	second, _, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "second", Email: "s@example.com", Password: "correct horse"})
	if err != nil || !second.Sandboxed {
		t.Fatalf("second account sandboxed=%v %v", second != nil && second.Sandboxed, err)
	}
	if u, _ := e.Store.UserByID(e.Ctx, second.ID); !u.Sandboxed {
		t.Fatal("sandbox not stored")
	}
	if u := e.User("created", models.RoleMember); u.Sandboxed {
		t.Fatal("admin-created member sandboxed")
	}
	e.Cfg.SandboxPosts = 0
	off := forum.New(e.Store, e.Cfg)
	off.BcryptCost = 4
	third, _, err := off.SignUp(e.Ctx, forum.SignUpInput{Username: "third", Email: "t@example.com", Password: "correct horse"})
	if err != nil || third.Sandboxed {
		t.Fatalf("sandbox off: sandboxed=%v %v", third != nil && third.Sandboxed, err)
	}
}
