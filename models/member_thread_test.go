package models_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm/schema"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestThreadAndCategoryColumnsCoverTheStructs: ThreadCategory and
// MemberThreadRead scan through explicit column lists; every column gorm
// knows for Thread and Category must be on them, in the structs' order, or
// a field added later would silently read as zero (a private category
// read as public).
func TestThreadAndCategoryColumnsCoverTheStructs(t *testing.T) {
	for _, tc := range []struct {
		model any
		cols  []string
	}{{&models.Thread{}, models.ThreadColumns}, {&models.Category{}, models.CategoryColumns}} {
		sch, err := schema.Parse(tc.model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sch.DBNames, tc.cols) {
			t.Fatalf("%T's columns:\n%v\nthe scan reads:\n%v", tc.model, sch.DBNames, tc.cols)
		}
	}
}

// TestMemberThreadReadReadsEveryField: the thread and category that
// MemberThreadRead and ThreadCategory return are what gorm's full reads
// return, for rows with every field set; the header part is MemberStamp's.
func TestMemberThreadReadReadsEveryField(t *testing.T) {
	ctx := context.Background()
	s := modelstest.Open(t)
	now := time.Now().UTC().Truncate(time.Second)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	u := &models.User{Username: "ida", UsernameLower: "ida", Email: "ida@example.com", EmailLower: "ida@example.com", PasswordHash: "x", Role: models.RoleMember}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	parent := &models.Category{Slug: "parent", Name: "Parent", APSlug: "parent"}
	if err := s.CreateCategory(ctx, parent); err != nil {
		t.Fatal(err)
	}
	c := &models.Category{ParentID: &parent.ID, Slug: "inner", Name: "Inner", Description: "About.", Color: "#123456",
		Position: 3, ThreadCount: 4, PostCount: 9, LastPostAt: at(-time.Minute), CreatedAt: now.Add(-time.Hour),
		UpdatedAt: now.Add(-2 * time.Minute), AmbassadorsOnly: true, APSlug: "inner-old", StaffOnlyThreads: true}
	if err := s.CreateCategory(ctx, c); err != nil {
		t.Fatal(err)
	}
	other := &models.Thread{CategoryID: c.ID, UserID: u.ID, Title: "Other", LastPostAt: now}
	if err := s.CreateThread(ctx, other); err != nil {
		t.Fatal(err)
	}
	th := &models.Thread{CategoryID: c.ID, UserID: u.ID, Title: "Every field", Slug: "every-field", FirstPostID: 77,
		PostCount: 12, Pinned: true, Locked: true, LastPostAt: now.Add(-3 * time.Minute), LastPostUserID: u.ID,
		CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-4 * time.Minute), DeletedAt: at(-5 * time.Minute),
		MergedIntoID: &other.ID, SlowModeSeconds: 60, PinnedGlobal: true}
	if err := s.CreateThread(ctx, th); err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{c, th} {
		rv := reflect.ValueOf(v).Elem()
		for i := 0; i < rv.NumField(); i++ {
			if rv.Field(i).IsZero() {
				t.Fatalf("the %T fixture leaves %s zero: set it, or the comparison cannot see it read", v, rv.Type().Field(i).Name)
			}
		}
	}
	if err := s.CreateNotifications(ctx, []models.Notification{{UserID: u.ID, Kind: "reply", ActorID: u.ID, ThreadID: th.ID, PostID: 1, CreatedAt: now}}); err != nil {
		t.Fatal(err)
	}
	wantT, err := s.ThreadByID(ctx, th.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantC, err := s.CategoryByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	gotT, gotC, err := s.ThreadCategory(ctx, th.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotT, wantT) || !reflect.DeepEqual(gotC, wantC) {
		t.Fatalf("ThreadCategory:\n%+v\n%+v\nwant\n%+v\n%+v", gotT, gotC, wantT, wantC)
	}
	m, err := s.MemberThreadRead(ctx, th.ID, u.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&m.Thread, wantT) || !reflect.DeepEqual(&m.Category, wantC) {
		t.Fatalf("MemberThreadRead:\n%+v\n%+v\nwant\n%+v\n%+v", m.Thread, m.Category, wantT, wantC)
	}
	stamp, notes, convs, err := s.MemberStamp(ctx, u.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if m.Stamp.Site != stamp.Site || !reflect.DeepEqual(m.Stamp.Banner, stamp.Banner) || m.Notifications != notes || m.Conversations != convs || notes != 1 {
		t.Fatalf("header part: site %d banner %+v counts %d/%d; MemberStamp: %d %+v %d/%d", m.Stamp.Site, m.Stamp.Banner, m.Notifications, m.Conversations, stamp.Site, stamp.Banner, notes, convs)
	}
	if !m.Stamp.Deleted || m.Stamp.Posts != 12 || !m.Stamp.Updated.Equal(wantT.UpdatedAt) {
		t.Fatalf("stamp %+v", m.Stamp)
	}
	if _, err := s.MemberThreadRead(ctx, th.ID+100, u.ID, now); err != models.ErrNotFound {
		t.Fatalf("missing thread: %v", err)
	}
}

// TestViewerThreadStateLikes: the likes ViewerThreadState returns are the
// member's own, of posts in the id range asked for, and the lookup is one
// seek on idx_likes_user_post (migration 0620), not a probe per post.
func TestViewerThreadStateLikes(t *testing.T) {
	ctx := context.Background()
	s := modelstest.Open(t)
	now := time.Now().UTC().Truncate(time.Second)
	var users [2]*models.User
	for i, name := range []string{"ann", "ben"} {
		users[i] = &models.User{Username: name, UsernameLower: name, Email: name + "@example.com", EmailLower: name + "@example.com", PasswordHash: "x", Role: models.RoleMember}
		if err := s.CreateUser(ctx, users[i]); err != nil {
			t.Fatal(err)
		}
	}
	c := &models.Category{Slug: "general", Name: "General", APSlug: "general"}
	if err := s.CreateCategory(ctx, c); err != nil {
		t.Fatal(err)
	}
	th := &models.Thread{CategoryID: c.ID, UserID: users[0].ID, Title: "Likes", LastPostAt: now}
	if err := s.CreateThread(ctx, th); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for n := 1; n <= 6; n++ {
		p := &models.Post{ThreadID: th.ID, Number: n, UserID: users[0].ID, Body: "b", HTML: "<p>b</p>", CreatedAt: now, UpdatedAt: now}
		if err := s.CreatePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	like := func(u *models.User, post int64) {
		if err := s.DB(ctx).Create(&models.Like{PostID: post, UserID: u.ID, CreatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
	}
	like(users[0], ids[1])
	like(users[0], ids[4])
	like(users[0], ids[5]) // outside the range asked for below
	like(users[1], ids[2]) // someone else's
	st, err := s.ViewerThreadState(ctx, users[0].ID, th.ID, c.ID, ids[0], ids[4])
	if err != nil {
		t.Fatal(err)
	}
	if want := map[int64]bool{ids[1]: true, ids[4]: true}; !reflect.DeepEqual(st.Liked, want) {
		t.Fatalf("liked %v, want %v", st.Liked, want)
	}
	// The plan: one search of idx_likes_user_post on both columns.
	plan := queryPlan(t, s, "SELECT l.post_id FROM "+models.ViewerLikes, []any{users[0].ID, ids[0], ids[4]}, "enable_seqscan")
	joined := strings.Join(plan, "\n")
	if !strings.Contains(joined, "idx_likes_user_post") {
		t.Fatalf("the likes lookup does not use idx_likes_user_post:\n%s", joined)
	}
}
