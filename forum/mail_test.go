package forum_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func mailsTo(t *testing.T, e *forumtest.Env, u *models.User) []models.Mail {
	t.Helper()
	ms, err := e.Store.MailsTo(e.Ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func optIn(t *testing.T, e *forumtest.Env, u *models.User, notifications, digest bool) {
	t.Helper()
	if err := e.Svc.SaveMailSettings(e.Ctx, u, notifications, digest); err != nil {
		t.Fatal(err)
	}
}

func TestNotificationMailIsOptIn(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	carol := e.User("carol", models.RoleMember)
	th, _ := e.Thread(alice, "general", "Mail me", "First post.")
	optIn(t, e, bob, true, false)
	bobs := e.Reply(bob, th.ID, "Bob answers.")
	if _, err := e.Svc.Reply(e.Ctx, carol, th.ID, forum.NewReply{Body: "Carol to bob", ReplyTo: bobs.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.SetLike(e.Ctx, carol, bobs.ID, true); err != nil {
		t.Fatal(err)
	}
	if ms := mailsTo(t, e, alice); len(ms) != 0 {
		t.Errorf("alice never opted in, got %d mails", len(ms))
	}
	ms := mailsTo(t, e, bob)
	if len(ms) != 1 {
		t.Fatalf("bob: %d mails, want 1 (the reply; likes stay in the site)", len(ms))
	}
	m := ms[0]
	if m.ToAddr != "bob@example.com" || m.State != models.QueuePending || m.ListScope != models.ScopeNotifications ||
		!strings.Contains(m.Subject, `carol replied in "Mail me"`) || !strings.Contains(m.Text, "Carol to bob") ||
		!strings.Contains(m.Text, "http://forum.test/p/") {
		t.Errorf("mail = %+v", m)
	}
	// Opting out stops further mail but keeps the in-site notification.
	optIn(t, e, bob, false, false)
	e.Reply(carol, th.ID, "@bob again")
	if ms := mailsTo(t, e, bob); len(ms) != 1 {
		t.Errorf("bob opted out, has %d mails", len(ms))
	}
	wantKinds(t, e, bob, "mention:carol", "like:carol", "reply:carol")
}

func TestUnsubscribeTokens(t *testing.T) {
	e := forumtest.New(t)
	bob := e.User("bob", models.RoleMember)
	optIn(t, e, bob, true, true)
	tok, err := e.Svc.UnsubscribeToken(e.Ctx, bob.ID, models.ScopeDigest)
	if err != nil {
		t.Fatal(err)
	}
	settings := func() *models.MailSetting {
		m, err := e.Svc.MailSettings(e.Ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// Forged and tampered tokens change nothing.
	enc, sig, _ := strings.Cut(tok, ".")
	other, _ := e.Svc.UnsubscribeToken(e.Ctx, bob.ID+1, models.ScopeDigest)
	otherEnc, _, _ := strings.Cut(other, ".")
	for _, bad := range []string{"", "garbage", enc, enc + ".", "." + sig, otherEnc + "." + sig, enc + "." + sig[:len(sig)-2] + "AA",
		strings.Replace(tok, "Z", "Y", 1) + "x"} {
		if _, err := e.Svc.Unsubscribe(e.Ctx, bad); !errors.Is(err, forum.ErrBadUnsubscribe) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	if m := settings(); !m.EmailDigest || !m.EmailNotifications {
		t.Fatalf("a bad token changed settings: %+v", m)
	}
	// The real one turns off the digest only, and again is harmless.
	for range 2 {
		u, err := e.Svc.Unsubscribe(e.Ctx, tok)
		if err != nil || u.User.ID != bob.ID || u.Scope != models.ScopeDigest {
			t.Fatalf("unsubscribe: %+v %v", u, err)
		}
		if m := settings(); m.EmailDigest || !m.EmailNotifications {
			t.Fatalf("after unsubscribe: %+v", m)
		}
	}
	// The key is one per database: a second service (another process)
	// accepts the first one's token.
	again, err := forum.New(e.Store, e.Cfg).CheckUnsubscribe(e.Ctx, tok)
	if err != nil || again.User.ID != bob.ID {
		t.Errorf("second process: %+v %v", again, err)
	}
}

func TestWeeklyDigest(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	clk.set(time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)) // a Monday
	e.Category("general")
	e.Category("noise")
	alice := e.User("alice", models.RoleMember)
	bob := e.User("bob", models.RoleMember)
	carol := e.User("carol", models.RoleMember)
	dave := e.User("dave", models.RoleMember)
	old, _ := e.Thread(alice, "general", "Last month", "Old.")
	clk.add(7 * 24 * time.Hour)
	e.Reply(bob, old.ID, "Still old? no, this reply is new") // old thread, new activity: counts
	hot, _ := e.Thread(alice, "general", "Hot topic", "Body.")
	for _, u := range []*models.User{bob, carol, dave} {
		e.Reply(u, hot.ID, "Me too")
	}
	loud, _ := e.Thread(bob, "noise", "Noisy", "Body.")
	e.Reply(carol, loud.ID, "Reply 1")
	e.Reply(dave, loud.ID, "Reply 2")
	e.Thread(carol, "general", "Quiet", "Nobody answered.")

	optIn(t, e, alice, false, true)
	optIn(t, e, carol, false, true)
	optIn(t, e, dave, true, false) // notifications only: no digest
	if _, err := e.Svc.SetCategoryLevel(e.Ctx, carol, "noise", "muted"); err != nil {
		t.Fatal(err)
	}

	clk.add(time.Hour)
	n, err := e.Svc.QueueWeeklyDigest(e.Ctx)
	if err != nil || n != 2 {
		t.Fatalf("digest queued %d, %v; want 2", n, err)
	}
	digest := func(u *models.User) *models.Mail {
		for _, m := range mailsTo(t, e, u) {
			if m.Kind == models.MailDigest {
				return &m
			}
		}
		return nil
	}
	a := digest(alice)
	if a == nil || a.ListScope != models.ScopeDigest {
		t.Fatalf("alice's digest: %+v", a)
	}
	if i, j, k := strings.Index(a.Text, "Hot topic"), strings.Index(a.Text, "Noisy"), strings.Index(a.Text, "Last month"); i < 0 || j < i || k < j {
		t.Errorf("alice's digest order (hot, noisy, last month):\n%s", a.Text)
	}
	if strings.Contains(a.Text, "Quiet") || !strings.Contains(a.Text, "3 replies") {
		t.Errorf("alice's digest:\n%s", a.Text)
	}
	if c := digest(carol); c == nil || strings.Contains(c.Text, "Noisy") || !strings.Contains(c.Text, "Hot topic") {
		t.Errorf("carol muted noise: %+v", c)
	}
	if digest(dave) != nil || digest(bob) != nil {
		t.Error("digest sent to members who did not opt in")
	}

	// Once a week, whichever process asks and however often.
	other := forum.New(e.Store, e.Cfg)
	other.SetClock(clk.Now)
	for _, s := range []*forum.Service{e.Svc, other} {
		if n, err := s.QueueWeeklyDigest(e.Ctx); err != nil || n != 0 {
			t.Errorf("second run queued %d, %v", n, err)
		}
	}
	clk.add(2 * 24 * time.Hour)
	if n, _ := e.Svc.QueueWeeklyDigest(e.Ctx); n != 0 {
		t.Errorf("same week, later day: %d", n)
	}
	// Next week, with fresh activity, a new digest.
	clk.add(5 * 24 * time.Hour)
	e.Reply(bob, hot.ID, "A week later")
	if n, err := e.Svc.QueueWeeklyDigest(e.Ctx); err != nil || n != 2 {
		t.Errorf("next week queued %d, %v; want 2", n, err)
	}
	if len(mailsTo(t, e, alice)) != 2 {
		t.Errorf("alice has %d mails after two weeks", len(mailsTo(t, e, alice)))
	}
}

func TestOverdueFollowUps(t *testing.T) {
	e := forumtest.New(t)
	clk := newClock(e)
	clk.set(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	e.Category("help")
	boss := e.User("boss", models.RoleAdmin)
	amb := e.User("amb", models.RoleAmbassador)
	mia := e.User("mia", models.RoleModerator)
	asker := e.User("asker", models.RoleMember)
	optIn(t, e, amb, true, false)
	q, _ := e.Thread(asker, "help", "Help me", "Please.")
	answered, _ := e.Thread(asker, "help", "Answered soon", "Please.")
	due := clk.Now().Add(2 * time.Hour)
	if _, _, err := e.Svc.Assign(e.Ctx, boss, q.ID, "amb", &due); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Svc.Assign(e.Ctx, boss, answered.ID, "mia", &due); err != nil {
		t.Fatal(err)
	}
	e.Reply(mia, answered.ID, "Here is your answer.")

	clk.add(time.Hour)
	if n, err := e.Svc.NotifyOverdue(e.Ctx); err != nil || n != 0 {
		t.Fatalf("before due: %d %v", n, err)
	}
	clk.add(90 * time.Minute)
	if n, err := e.Svc.NotifyOverdue(e.Ctx); err != nil || n != 1 {
		t.Fatalf("after due: %d %v", n, err)
	}
	wantKinds(t, e, amb, "overdue:boss")
	ms := mailsTo(t, e, amb)
	if len(ms) != 1 || !strings.Contains(ms[0].Subject, "Follow-up overdue") || !strings.Contains(ms[0].Text, "Help me") {
		t.Fatalf("amb's mail: %+v", ms)
	}
	// Once: later passes, and another process, tell nobody again.
	other := forum.New(e.Store, e.Cfg)
	other.SetClock(clk.Now)
	for _, s := range []*forum.Service{e.Svc, other, e.Svc} {
		clk.add(time.Hour)
		if n, err := s.NotifyOverdue(e.Ctx); err != nil || n != 0 {
			t.Errorf("repeat pass: %d %v", n, err)
		}
	}
	wantKinds(t, e, amb, "overdue:boss")
	wantKinds(t, e, mia) // answered in time
	// A new due time is a new follow-up, overdue once more when it passes.
	due2 := clk.Now().Add(time.Hour)
	if _, _, err := e.Svc.Assign(e.Ctx, boss, q.ID, "amb", &due2); err != nil {
		t.Fatal(err)
	}
	clk.add(2 * time.Hour)
	if n, _ := e.Svc.NotifyOverdue(e.Ctx); n != 1 {
		t.Errorf("new due time: %d alerts", n)
	}
	wantKinds(t, e, amb, "overdue:boss", "overdue:boss")
}
