package models_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
	"gorm.io/gorm/schema"
)

// TestUserColumnsCoverUser: SessionUser scans the member through an
// explicit column list; every column gorm knows for User must be on it, in
// the struct's order, or a field added later would silently stay zero for
// the signed-in viewer (a permission check reading it would see false).
func TestUserColumnsCoverUser(t *testing.T) {
	sch, err := schema.Parse(&models.User{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sch.DBNames, models.UserColumns) {
		t.Fatalf("User's columns:\n%v\nSessionUser reads:\n%v", sch.DBNames, models.UserColumns)
	}
}

// TestSessionUserReadsEveryField: the member SessionUser returns is the
// one UserByID (gorm's full read) returns, for a member with every field
// set, and the session's times and the suspension flag come along.
func TestSessionUserReadsEveryField(t *testing.T) {
	ctx := context.Background()
	s, err := models.Open(ctx, modelstest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	actor, err := s.UpsertRemoteActor(ctx, &models.RemoteActor{APID: "https://example.org/u/full", Domain: "example.org"})
	if err != nil {
		t.Fatal(err)
	}
	inviter := &models.User{Username: "ida", UsernameLower: "ida", Email: "ida@example.com", EmailLower: "ida@example.com", PasswordHash: "x", Role: models.RoleMember}
	if err := s.CreateUser(ctx, inviter); err != nil {
		t.Fatal(err)
	}
	u := &models.User{
		Username: "Full", UsernameLower: "full", Email: "Full@example.com", EmailLower: "full@example.com",
		PasswordHash: "$2a$hash", DisplayName: "Full Name", Bio: "A bio.", AvatarFile: "a.png",
		Role: models.RoleModerator, PostCount: 7, CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Minute),
		LastSeenAt: at(-30 * time.Minute), RemoteActorID: &actor.ID, Domain: "example.org", RemoteURL: "https://example.org/u/full",
		RemoteIconURL: "https://example.org/i.png", RemoteIconFetched: "https://example.org/i.png", Sandboxed: true,
		RoleScoped: true, Seeded: true, TwoFactor: true, DeleteAt: at(48 * time.Hour), DeletePosts: "keep",
		ErasedAt: at(-2 * time.Hour), EmailVerifiedAt: at(-3 * time.Hour), PendingEmail: "new@example.com",
		InvitedBy: &inviter.ID, AwaitingApproval: true, Application: "Please.", AlsoKnownAs: "https://old.example/u/full",
		MovedTo: "https://new.example/u/full", Language: "de",
	}
	fixture := reflect.ValueOf(u).Elem()
	for i := 0; i < fixture.NumField(); i++ {
		if name := fixture.Type().Field(i).Name; name != "ID" && name != "RoleCategoryIDs" && fixture.Field(i).IsZero() {
			t.Fatalf("the fixture leaves %s zero: set it, or the comparison below cannot see it read", name)
		}
	}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	sess := &models.Session{ID: "hash", PublicID: "pub", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now.Add(-time.Minute)}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	want, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	gotSess, got, suspended, err := s.SessionUser(ctx, "hash", now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SessionUser read\n%+v\nUserByID reads\n%+v", got, want)
	}
	if suspended || gotSess.UserID != u.ID || !gotSess.ExpiresAt.Equal(sess.ExpiresAt) || !gotSess.LastSeenAt.Equal(sess.LastSeenAt) {
		t.Errorf("session %+v, suspended %v", gotSess, suspended)
	}
	if err := s.CreateSanction(ctx, &models.Sanction{UserID: u.ID, Kind: models.SanctionSuspend, StartsAt: now.Add(-time.Minute), CreatedBy: inviter.ID, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, _, suspended, err := s.SessionUser(ctx, "hash", now); err != nil || !suspended {
		t.Errorf("suspended member: suspended %v, %v", suspended, err)
	}
	if _, _, _, err := s.SessionUser(ctx, "hash", now.Add(2*time.Hour)); err != models.ErrNotFound {
		t.Errorf("expired session: %v", err)
	}
}
