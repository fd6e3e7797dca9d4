package forum_test

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// memberListEnv makes members joining one hour apart on a pinned clock
// (every service in the test reads it), with the cases the filters pick.
func memberListEnv(t *testing.T) (*forumtest.Env, *models.User) {
	e := forumtest.New(t)
	now := time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)
	e.Svc.SetClock(func() time.Time { return now })
	step := func() { now = now.Add(time.Hour) }
	admin := e.User("boss", models.RoleAdmin)
	step()
	e.User("alice", models.RoleMember)
	step()
	e.User("bob_1", models.RoleMember)
	step()
	e.User("carol", models.RoleModerator)
	step()
	e.SandboxedUser("dave")
	step()
	e.RemoteUser("erin", "Remote.Example")
	step()
	if err := e.Store.DB(e.Ctx).Model(&models.User{}).Where("username_lower = ?", "alice").Update("display_name", "Alice Wonder").Error; err != nil {
		t.Fatal(err)
	}
	if err := e.Store.DB(e.Ctx).Model(&models.User{}).Where("username_lower = ?", "carol").Update("display_name", "Carol 100%").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Suspend(e.Ctx, admin, "bob_1", "", "spam"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Silence(e.Ctx, admin, "alice", "", "rude"); err != nil {
		t.Fatal(err)
	}
	return e, admin
}

func names(p *forum.MemberPage) []string {
	out := []string{}
	for _, m := range p.Members {
		out = append(out, m.User.Username)
	}
	return out
}

func TestMemberListFilters(t *testing.T) {
	e, admin := memberListEnv(t)
	alice, _ := e.Store.UserByUsername(e.Ctx, "alice")
	dave, _ := e.Store.UserByUsername(e.Ctx, "dave")
	// alice was last seen on 2030-03-05, dave on 2030-03-04; nobody else.
	for _, s := range []struct {
		id int64
		at time.Time
	}{{alice.ID, time.Date(2030, 3, 2, 9, 0, 0, 0, time.UTC)}, {alice.ID, time.Date(2030, 3, 5, 9, 0, 0, 0, time.UTC)}, {dave.ID, time.Date(2030, 3, 4, 10, 0, 0, 0, time.UTC)}} {
		if err := e.Store.MarkSeen(e.Ctx, s.id, s.at.Format(time.DateOnly), s.at); err != nil {
			t.Fatal(err)
		}
	}
	var remote []string // a remote row's username carries its domain
	if err := e.Store.DB(e.Ctx).Model(&models.User{}).Where("domain <> ''").Pluck("username", &remote).Error; err != nil || len(remote) != 1 {
		t.Fatal(remote, err)
	}
	erin := remote[0]
	cases := []struct {
		name string
		f    forum.MemberFilter
		want []string
	}{
		{"all newest first", forum.MemberFilter{}, []string{erin, "dave", "carol", "bob_1", "alice", "boss"}},
		{"username contains", forum.MemberFilter{Query: "LIC"}, []string{"alice"}},
		{"display name", forum.MemberFilter{Query: "wonder"}, []string{"alice"}},
		{"email", forum.MemberFilter{Query: "dave@example"}, []string{"dave"}},
		{"percent is literal", forum.MemberFilter{Query: "%"}, []string{"carol"}},
		{"underscore is literal", forum.MemberFilter{Query: "b_"}, []string{"bob_1"}},
		{"role", forum.MemberFilter{Role: "moderator"}, []string{"carol"}},
		{"sandboxed", forum.MemberFilter{Sandboxed: true}, []string{"dave"}},
		{"suspended", forum.MemberFilter{Sanction: "suspended"}, []string{"bob_1"}},
		{"silenced", forum.MemberFilter{Sanction: "silenced"}, []string{"alice"}},
		{"remote", forum.MemberFilter{Origin: "remote"}, []string{erin}},
		{"local", forum.MemberFilter{Origin: "local"}, []string{"dave", "carol", "bob_1", "alice", "boss"}},
		{"domain any case", forum.MemberFilter{Domain: "remote.EXAMPLE"}, []string{erin}},
		{"joined after", forum.MemberFilter{JoinedAfter: "2030-03-02"}, []string{}},
		{"joined before", forum.MemberFilter{JoinedBefore: "2030-03-02"}, []string{erin, "dave", "carol", "bob_1", "alice", "boss"}},
		{"joined before nobody", forum.MemberFilter{JoinedBefore: "2030-03-01"}, []string{}},
		{"seen after", forum.MemberFilter{SeenAfter: "2030-03-05"}, []string{"alice"}},
		{"seen after includes the day", forum.MemberFilter{SeenAfter: "2030-03-04"}, []string{"dave", "alice"}},
		{"seen before", forum.MemberFilter{SeenBefore: "2030-03-05", Origin: "local"}, []string{"dave", "carol", "bob_1", "boss"}},
		{"not seen since", forum.MemberFilter{SeenBefore: "2030-03-04", Origin: "local"}, []string{"carol", "bob_1", "boss"}},
		{"last seen first", forum.MemberFilter{Sort: "seen"}, []string{"alice", "dave"}},
		{"by joining", forum.MemberFilter{Sort: "joined", Sandboxed: true}, []string{"dave"}},
		{"combined", forum.MemberFilter{Query: "d", Role: "member", Origin: "local"}, []string{"dave", "alice"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := e.Svc.Members(e.Ctx, admin, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(p); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
	p, _ := e.Svc.Members(e.Ctx, admin, forum.MemberFilter{Query: "alice"})
	if m := p.Members[0]; m.LastSeen == nil || !m.LastSeen.Equal(time.Date(2030, 3, 5, 9, 0, 0, 0, time.UTC)) || !m.Silenced || m.Suspended {
		t.Fatalf("alice's row: %+v", m)
	}
	p, _ = e.Svc.Members(e.Ctx, admin, forum.MemberFilter{Query: "bob"})
	if m := p.Members[0]; m.LastSeen != nil || !m.Suspended || m.Silenced {
		t.Fatalf("bob's row: %+v", m)
	}
}

func TestMemberListRejectsBadFilters(t *testing.T) {
	e, admin := memberListEnv(t)
	for field, f := range map[string]forum.MemberFilter{
		"role": {Role: "king"}, "sanction": {Sanction: "banned"}, "origin": {Origin: "mars"},
		"joined_after": {JoinedAfter: "yesterday"}, "seen_before": {SeenBefore: "2030-13-01"}, "before": {Before: "junk"}, "sort": {Sort: "name"},
	} {
		_, err := e.Svc.Members(e.Ctx, admin, f)
		v, ok := forum.AsValidation(err)
		if !ok || v.Fields[field] == "" {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestMemberListPermissions(t *testing.T) {
	e, admin := memberListEnv(t)
	member := e.User("plain", models.RoleMember)
	e.Category("general")
	e.User("scoped", models.RoleMember)
	catmod, err := e.Svc.SetRole(e.Ctx, admin, "scoped", models.RoleModerator, []string{"general"})
	if err != nil {
		t.Fatal(err)
	}
	mod := e.User("sitemod", models.RoleModerator)
	if _, err := e.Svc.Members(e.Ctx, nil, forum.MemberFilter{}); !errors.Is(err, forum.ErrUnauthorized) {
		t.Errorf("visitor: %v", err)
	}
	for _, u := range []*models.User{member, catmod} {
		if _, err := e.Svc.Members(e.Ctx, u, forum.MemberFilter{}); !errors.Is(err, forum.ErrForbidden) {
			t.Errorf("%s: %v", u.Username, err)
		}
	}
	if _, err := e.Svc.Members(e.Ctx, mod, forum.MemberFilter{}); err != nil {
		t.Errorf("site moderator: %v", err)
	}
}

// TestMemberListPaging walks 120 members joined in the same instant in
// part (ties broken by id) across pages: every member once, in order.
func TestMemberListPaging(t *testing.T) {
	e := forumtest.New(t)
	now := time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)
	e.Svc.SetClock(func() time.Time { return now })
	admin := e.User("boss", models.RoleAdmin)
	for i := 0; i < 120; i++ {
		if i%3 == 0 {
			now = now.Add(time.Minute)
		}
		e.User(fmt.Sprintf("m%03d", i), models.RoleMember)
	}
	seen := map[string]bool{}
	var order []string
	f := forum.MemberFilter{}
	pages := 0
	for {
		p, err := e.Svc.Members(e.Ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, n := range names(p) {
			if seen[n] {
				t.Fatalf("%s twice", n)
			}
			seen[n] = true
			order = append(order, n)
		}
		if p.Next == "" {
			break
		}
		f.Before = p.Next
	}
	if pages != 3 || len(order) != 121 {
		t.Fatalf("%d pages, %d members", pages, len(order))
	}
	want := append([]string{}, order[:120]...)
	sort.Sort(sort.Reverse(sort.StringSlice(want)))
	if fmt.Sprint(order[:120]) != fmt.Sprint(want) || order[120] != "boss" {
		t.Fatalf("order %v", order)
	}

	// Last seen first: seen in the reverse order of joining, some at the
	// same instant; the never-seen admin is left out.
	seenAt := now.Add(24 * time.Hour)
	for i := 119; i >= 0; i-- {
		if i%4 == 3 {
			seenAt = seenAt.Add(time.Minute)
		}
		u, _ := e.Store.UserByUsername(e.Ctx, fmt.Sprintf("m%03d", i))
		if err := e.Store.MarkSeen(e.Ctx, u.ID, seenAt.Format(time.DateOnly), seenAt); err != nil {
			t.Fatal(err)
		}
	}
	order = order[:0]
	f = forum.MemberFilter{Sort: "seen"}
	for {
		p, err := e.Svc.Members(e.Ctx, admin, f)
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, names(p)...)
		if p.Next == "" {
			break
		}
		f.Before = p.Next
	}
	want = want[:0]
	for i := 0; i < 120; i++ {
		want = append(want, fmt.Sprintf("m%03d", i))
	}
	// Within one instant the higher id (the later joiner) comes first.
	for i := 0; i < 120; i += 4 {
		sort.Sort(sort.Reverse(sort.StringSlice(want[i : i+4])))
	}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("by last seen: %v", order)
	}
}
