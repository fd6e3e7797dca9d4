package server

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

func TestGroupNotifications(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := cat.Get("en")
	users := map[string]*models.User{}
	for i, n := range []string{"ana", "ben", "cy", "dee", "eve"} {
		users[n] = &models.User{ID: int64(i + 1), Username: n}
	}
	read := time.Now()
	n := func(id int64, kind, actor string, thread, post int64, isRead bool) forum.NotificationView {
		v := forum.NotificationView{Notification: models.Notification{ID: id, Kind: kind, ThreadID: thread, PostID: post}, Actor: users[actor]}
		if isRead {
			v.ReadAt = &read
		}
		return v
	}
	type line struct {
		who   string
		kind  string
		count int
		link  string
	}
	for _, tc := range []struct {
		name  string
		items []forum.NotificationView
		want  []line
	}{
		{"one", []forum.NotificationView{n(1, "like", "ana", 1, 10, false)}, []line{{"ana", "like", 1, "/p/10"}}},
		{"two likes", []forum.NotificationView{n(2, "like", "ben", 1, 10, false), n(1, "like", "ana", 1, 10, false)},
			[]line{{"ben and ana", "like", 2, "/p/10"}}},
		{"three", []forum.NotificationView{n(3, "like", "cy", 1, 10, false), n(2, "like", "ben", 1, 10, false), n(1, "like", "ana", 1, 10, false)},
			[]line{{"cy, ben and ana", "like", 3, "/p/10"}}},
		{"five likes", []forum.NotificationView{n(5, "like", "eve", 1, 10, false), n(4, "like", "dee", 1, 10, false), n(3, "like", "cy", 1, 10, false), n(2, "like", "ben", 1, 10, false), n(1, "like", "ana", 1, 10, false)},
			[]line{{"eve, dee and 3 others", "like", 5, "/p/10"}}},
		{"four: one other", []forum.NotificationView{n(4, "like", "dee", 1, 10, false), n(3, "like", "cy", 1, 10, false), n(2, "like", "ben", 1, 10, false), n(1, "like", "ana", 1, 10, false)},
			[]line{{"dee, cy and 2 others", "like", 4, "/p/10"}}},
		{"different posts stay apart", []forum.NotificationView{n(2, "like", "ben", 1, 11, false), n(1, "like", "ana", 1, 10, false)},
			[]line{{"ben", "like", 1, "/p/11"}, {"ana", "like", 1, "/p/10"}}},
		{"kinds stay apart", []forum.NotificationView{n(2, "reply", "ben", 1, 11, false), n(1, "like", "ana", 1, 10, false)},
			[]line{{"ben", "reply", 1, "/p/11"}, {"ana", "like", 1, "/p/10"}}},
		{"read and unread stay apart", []forum.NotificationView{n(2, "like", "ben", 1, 10, false), n(1, "like", "ana", 1, 10, true)},
			[]line{{"ben", "like", 1, "/p/10"}, {"ana", "like", 1, "/p/10"}}},
		{"replies by thread, link to the oldest, one name per person", []forum.NotificationView{n(3, "reply", "ben", 1, 13, false), n(2, "reply", "ben", 1, 12, false), n(1, "reply", "ana", 1, 11, false)},
			[]line{{"ben and ana", "reply", 3, "/p/11"}}},
		{"messages never group", []forum.NotificationView{n(2, "message", "ben", 0, 5, false), n(1, "message", "ben", 0, 5, false)},
			[]line{{"ben", "message", 1, "/p/5"}, {"ben", "message", 1, "/p/5"}}},
		{"unknown actor", []forum.NotificationView{n(1, "like", "nobody", 1, 10, false)}, []line{{"Someone", "like", 1, "/p/10"}}},
		{"group keeps the newest's place", []forum.NotificationView{n(3, "like", "cy", 1, 10, false), n(2, "reply", "ben", 1, 11, false), n(1, "like", "ana", 1, 10, false)},
			[]line{{"cy and ana", "like", 2, "/p/10"}, {"ben", "reply", 1, "/p/11"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := groupNotifications(tc.items)
			if len(got) != len(tc.want) {
				t.Fatalf("%d lines, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.WhoText(en) != w.who || g.First.Kind != w.kind || g.Count != w.count || g.Link != w.link {
					t.Errorf("line %d = %q %s ×%d → %s; want %q %s ×%d → %s", i, g.WhoText(en), g.First.Kind, g.Count, g.Link, w.who, w.kind, w.count, w.link)
				}
			}
		})
	}
}

func TestBadgeCount(t *testing.T) {
	for n, want := range map[int]string{1: "1", 99: "99", 100: "99+", 5000: "99+"} {
		if got := badgeCount(n); got != want {
			t.Errorf("badgeCount(%d) = %q, want %q", n, got, want)
		}
	}
}
