package forum_test

import (
	"errors"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// privateScene is a private category with an ambassador's thread in it,
// and members who opted in to mail.
type privateScene struct {
	e      *forumtest.Env
	admin  *models.User
	amb    *models.User
	member *models.User
	thread *models.Thread
}

func newPrivateScene(t *testing.T) *privateScene {
	t.Helper()
	e := forumtest.New(t)
	s := &privateScene{e: e, admin: e.User("chief", models.RoleAdmin), amb: e.User("amb", models.RoleAmbassador), member: e.User("plain", models.RoleMember)}
	if _, err := e.Svc.CreateCategory(e.Ctx, s.admin, forum.CategoryInput{Name: "Inner", Slug: "inner", AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*models.User{s.amb, s.member} {
		if err := e.Svc.SaveMailSettings(e.Ctx, u, true, false); err != nil {
			t.Fatal(err)
		}
	}
	s.thread, _ = e.Thread(s.admin, "inner", "Roadmap", "plans")
	return s
}

// told counts a member's notification rows and queued mails about t.
func (s *privateScene) told(t *testing.T, u *models.User) (notes, mails int64) {
	t.Helper()
	db := s.e.Store.DB(s.e.Ctx)
	if err := db.Model(&models.Notification{}).Where("user_id = ? AND thread_id = ?", u.ID, s.thread.ID).Count(&notes).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.Mail{}).Where("user_id = ?", u.ID).Count(&mails).Error; err != nil {
		t.Fatal(err)
	}
	return notes, mails
}

// A member named in a private thread is not told: the notification and its
// mail would carry the thread's title and text. The ambassador named in the
// same post is.
func TestMentionInPrivateThreadTellsOnlyThoseWhoSeeIt(t *testing.T) {
	s := newPrivateScene(t)
	s.e.Reply(s.admin, s.thread.ID, "@plain and @amb, look")
	if n, m := s.told(t, s.member); n != 0 || m != 0 {
		t.Errorf("member mentioned in a private thread: %d notifications, %d mails; want none", n, m)
	}
	if n, m := s.told(t, s.amb); n != 1 || m != 1 {
		t.Errorf("ambassador mentioned: %d notifications, %d mails; want 1 and 1", n, m)
	}
}

// Delivery checks sight at send time: an ambassador watching the private
// category and thread who is then made a plain member hears nothing more,
// and no longer finds the old notifications in their list.
func TestWatcherWhoLostSightIsToldNothing(t *testing.T) {
	s := newPrivateScene(t)
	e := s.e
	if _, err := e.Svc.SetCategoryLevel(e.Ctx, s.amb, "inner", models.LevelWatching); err != nil {
		t.Fatalf("ambassador watches the private category: %v", err)
	}
	if _, err := e.Svc.SetThreadLevel(e.Ctx, s.amb, s.thread.ID, models.LevelWatching); err != nil {
		t.Fatalf("ambassador watches the private thread: %v", err)
	}
	e.Reply(s.admin, s.thread.ID, "first news")
	if n, _ := s.told(t, s.amb); n != 1 {
		t.Fatalf("watching ambassador: %d notifications, want 1", n)
	}
	if l, err := e.Svc.Notifications(e.Ctx, s.amb, "", 0); err != nil || len(l.Items) != 1 {
		t.Fatalf("ambassador's list: %v %v", l, err)
	}
	demoted, err := e.Svc.SetRole(e.Ctx, s.admin, "amb", models.RoleMember, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, mailsBefore := s.told(t, demoted)
	e.Reply(s.admin, s.thread.ID, "second news")
	_, _, err = e.Svc.CreateThread(e.Ctx, s.admin, forum.NewThread{Category: "inner", Title: "Another", Body: "more"})
	if err != nil {
		t.Fatal(err)
	}
	if n, m := s.told(t, demoted); n != 1 || m != mailsBefore {
		t.Errorf("after losing sight: %d notifications (want the 1 from before), %d mails (want %d)", n, m, mailsBefore)
	}
	l, err := e.Svc.Notifications(e.Ctx, demoted, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 0 {
		t.Errorf("the former ambassador's list still shows %d notifications about the private category", len(l.Items))
	}
}

// Every entry point that takes a thread, post or poll id answers a member
// as if the private one did not exist, writes included.
func TestPrivateIDsAreNotFoundForMembers(t *testing.T) {
	s := newPrivateScene(t)
	e := s.e
	reply := e.Reply(s.admin, s.thread.ID, "inside")
	_, pollPost, err := e.Svc.CreateThread(e.Ctx, s.amb, forum.NewThread{Category: "inner", Title: "Vote", Body: "choose",
		Poll: &forum.PollInput{Options: []string{"yes", "no"}}})
	if err != nil {
		t.Fatal(err)
	}
	poll, err := e.Store.PollByPostID(e.Ctx, pollPost.ID)
	if err != nil {
		t.Fatal(err)
	}
	tid, pid := s.thread.ID, reply.ID
	calls := map[string]func(u *models.User) error{
		"ThreadPage": func(u *models.User) error { _, err := e.Svc.ThreadPage(e.Ctx, u, tid, 1); return err },
		"PostFor":    func(u *models.User) error { _, _, err := e.Svc.PostFor(e.Ctx, u, pid); return err },
		"Revisions":  func(u *models.User) error { _, _, err := e.Svc.Revisions(e.Ctx, u, pid); return err },
		"QuoteFor":   func(u *models.User) error { _, err := e.Svc.QuoteFor(e.Ctx, u, pid); return err },
		"Poll":       func(u *models.User) error { _, err := e.Svc.Poll(e.Ctx, u, poll.ID); return err },
		"Vote":       func(u *models.User) error { _, err := e.Svc.Vote(e.Ctx, u, poll.ID, []int{0}); return err },
		"SetBookmark": func(u *models.User) error {
			return e.Svc.SetBookmark(e.Ctx, u, tid, true)
		},
		"SetThreadLevel": func(u *models.User) error {
			_, err := e.Svc.SetThreadLevel(e.Ctx, u, tid, models.LevelWatching)
			return err
		},
		"SetCategoryLevel": func(u *models.User) error {
			_, err := e.Svc.SetCategoryLevel(e.Ctx, u, "inner", models.LevelWatching)
			return err
		},
		"ThreadLevelByID": func(u *models.User) error { _, err := e.Svc.ThreadLevelByID(e.Ctx, u, tid); return err },
		"SetLike":         func(u *models.User) error { _, err := e.Svc.SetLike(e.Ctx, u, pid, true); return err },
		"Reply": func(u *models.User) error {
			_, err := e.Svc.Reply(e.Ctx, u, tid, forum.NewReply{Body: "hi"})
			return err
		},
	}
	for name, call := range calls {
		if err := call(s.member); !errors.Is(err, forum.ErrNotFound) {
			t.Errorf("%s as a member: %v, want ErrNotFound", name, err)
		}
		if err := call(s.amb); err != nil {
			t.Errorf("%s as an ambassador: %v", name, err)
		}
	}
	// chief wrote the thread's first post and the reply, both private.
	pr, err := e.Svc.Profile(e.Ctx, s.member, "chief")
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.Posts) != 0 {
		t.Errorf("a member sees %d private posts on chief's profile", len(pr.Posts))
	}
	if pr, err = e.Svc.Profile(e.Ctx, s.amb, "chief"); err != nil || len(pr.Posts) != 2 {
		t.Errorf("an ambassador sees %v posts on chief's profile (err %v), want 2", len(pr.Posts), err)
	}
}
