package forum_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestSessionUserRefusesSuspendedInOneQuery: the session check reads the
// session, its member and whether a suspension is in force in one query;
// a session that outlived its member's suspension (made in a race with
// it, or restored from a backup) stops working while the suspension is in
// force, and only then. Other sanctions do not sign anyone out.
func TestSessionUserRefusesSuspendedInOneQuery(t *testing.T) {
	now := time.Date(2030, 3, 12, 9, 0, 0, 0, time.UTC)
	hour := func(h int) *time.Time { t := now.Add(time.Duration(h) * time.Hour); return &t }
	for _, tc := range []struct {
		name    string
		kind    string
		starts  time.Time
		ends    *time.Time
		lifted  *time.Time
		refused bool
	}{
		{"no sanction", "", now, nil, nil, false},
		{"suspended for good", models.SanctionSuspend, now.Add(-time.Hour), nil, nil, true},
		{"suspended until tomorrow", models.SanctionSuspend, now.Add(-time.Hour), hour(24), nil, true},
		{"suspension ended", models.SanctionSuspend, now.Add(-48 * time.Hour), hour(-1), nil, false},
		{"suspension lifted", models.SanctionSuspend, now.Add(-time.Hour), nil, hour(0), false},
		{"suspension not started", models.SanctionSuspend, now.Add(time.Hour), nil, nil, false},
		{"silenced", models.SanctionSilence, now.Add(-time.Hour), nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := forumtest.New(t)
			env.Svc.SetClock(func() time.Time { return now })
			u := env.User("reader", models.RoleMember)
			secret, err := env.Svc.StartSession(env.Ctx, u.ID, "127.0.0.1", "test")
			if err != nil {
				t.Fatal(err)
			}
			if tc.kind != "" {
				if err := env.Store.CreateSanction(env.Ctx, &models.Sanction{UserID: u.ID, Kind: tc.kind, StartsAt: tc.starts, EndsAt: tc.ends,
					LiftedAt: tc.lifted, CreatedBy: u.ID, CreatedAt: tc.starts}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := env.Svc.SessionUser(env.Ctx, secret)
			switch {
			case tc.refused && !errors.Is(err, forum.ErrUnauthorized):
				t.Fatalf("a suspended member's session: %v, %v", got, err)
			case !tc.refused && (err != nil || got.ID != u.ID || got.Username != "reader"):
				t.Fatalf("session user: %+v, %v", got, err)
			}
			if _, err := env.Svc.SessionUser(env.Ctx, "not-a-session"); !errors.Is(err, forum.ErrUnauthorized) {
				t.Fatalf("unknown session: %v", err)
			}
		})
	}
}
