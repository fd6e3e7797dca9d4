package forum_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// seedMembers bulk-inserts n members joined a minute apart, a tenth of
// them seen on some day, one in fifty suspended, and returns an admin.
func seedMembers(b *testing.B, n int) (*forumtest.Env, *models.User) {
	e := forumtest.New(b)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e.Svc.SetClock(func() time.Time { return base.Add(time.Duration(n+10) * time.Minute) })
	admin := e.User("boss", models.RoleAdmin)
	users := make([]models.User, n)
	for i := range users {
		name := fmt.Sprintf("member%05d", i)
		users[i] = models.User{Username: name, UsernameLower: name, Email: name + "@example.com", EmailLower: name + "@example.com",
			DisplayName: fmt.Sprintf("Member %d", i), Role: models.RoleMember, CreatedAt: base.Add(time.Duration(i) * time.Minute),
			UpdatedAt: base, Sandboxed: i%7 == 0, PostCount: i % 40}
		if i%10 == 0 {
			at := base.Add(time.Duration(i) * time.Minute)
			users[i].LastSeenAt = &at
		}
	}
	if err := e.Store.InsertBatch(e.Ctx, &users); err != nil {
		b.Fatal(err)
	}
	var seen []models.MemberSeenDay
	var sanctions []models.Sanction
	for i, u := range users {
		if i%10 == 0 {
			at := base.Add(time.Duration(i) * time.Minute)
			seen = append(seen, models.MemberSeenDay{UserID: u.ID, Day: at.Format(time.DateOnly), FirstAt: at})
		}
		if i%50 == 0 {
			sanctions = append(sanctions, models.Sanction{UserID: u.ID, Kind: models.SanctionSuspend, StartsAt: base, CreatedBy: admin.ID, CreatedAt: base})
		}
	}
	if err := e.Store.InsertBatch(e.Ctx, &seen); err != nil {
		b.Fatal(err)
	}
	if err := e.Store.InsertBatch(e.Ctx, &sanctions); err != nil {
		b.Fatal(err)
	}
	return e, admin
}

// BenchmarkMemberList: a page of the staff member list among 10,000
// members, unfiltered (first and a deep page), searched and filtered.
func BenchmarkMemberList(b *testing.B) {
	e, admin := seedMembers(b, 10000)
	deep := ""
	for i := 0; i < 150; i++ {
		p, err := e.Svc.Members(e.Ctx, admin, forum.MemberFilter{Before: deep})
		if err != nil {
			b.Fatal(err)
		}
		deep = p.Next
	}
	cases := []struct {
		name string
		f    forum.MemberFilter
		want int
	}{
		{"first", forum.MemberFilter{}, forum.MembersPerPage},
		{"page_151", forum.MemberFilter{Before: deep}, forum.MembersPerPage},
		{"search", forum.MemberFilter{Query: "member0012"}, 10},
		{"suspended", forum.MemberFilter{Sanction: "suspended"}, forum.MembersPerPage},
		{"seen_after", forum.MemberFilter{SeenAfter: "2026-01-07"}, forum.MembersPerPage},
		{"last_seen_first", forum.MemberFilter{Sort: "seen"}, forum.MembersPerPage},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p, err := e.Svc.Members(e.Ctx, admin, c.f)
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Members) != c.want {
					b.Fatalf("%d members, want %d", len(p.Members), c.want)
				}
			}
		})
	}
}
