package server

import (
	"html/template"
	"strconv"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// notificationGroup is one line of the notifications page: notifications of
// the same kind about the same thing, all unread or all read, shown as one
// sentence ("Ana, Ben and 3 others liked your post in …"). Three people
// liking a post used to be three lines. The API still lists every
// notification on its own; this is only how the page reads.
type notificationGroup struct {
	// First is the newest notification of the group: its kind, thread and
	// time are the line's; kinds that never group are only First.
	First forum.NotificationView
	// Link is where the line leads: for replies and posts the oldest of the
	// group, so reading starts where the news starts.
	Link   string
	Actors []*models.User // distinct, newest first; nil for an unknown actor
	Count  int            // notifications in the group
	Unread bool
	// Text is the line's sentence in the viewer's language, linked
	// (notification_text.go).
	Text template.HTML
}

// grouping gives the thing a kind's notifications are grouped by, or
// false for kinds that each stand alone (account notices, messages,
// moderation, exports, new threads).
func grouping(n *forum.NotificationView) (string, bool) {
	switch n.Kind {
	case models.NotifyLike, models.NotifyBoost:
		return "p" + strconv.FormatInt(n.PostID, 10), true
	case models.NotifyReply, models.NotifyMention, models.NotifyPosted:
		return "t" + strconv.FormatInt(n.ThreadID, 10), true
	}
	return "", false
}

// groupNotifications folds a page of notifications (newest first) into
// lines; a line sits where its newest notification was.
func groupNotifications(items []forum.NotificationView) []notificationGroup {
	var out []notificationGroup
	at := map[string]int{}
	for i := range items {
		n := &items[i]
		unread := n.ReadAt == nil
		target, ok := grouping(n)
		key := n.Kind + "|" + target + "|" + strconv.FormatBool(unread)
		if j, seen := at[key]; ok && seen {
			g := &out[j]
			g.Count++
			g.Link = postPath(n.PostID)
			if !hasActor(g.Actors, n.Actor) {
				g.Actors = append(g.Actors, n.Actor)
			}
			continue
		}
		if ok {
			at[key] = len(out)
		}
		out = append(out, notificationGroup{First: *n, Link: postPath(n.PostID), Actors: []*models.User{n.Actor}, Count: 1, Unread: unread})
	}
	return out
}

func postPath(id int64) string { return "/p/" + strconv.FormatInt(id, 10) }

func hasActor(list []*models.User, u *models.User) bool {
	for _, a := range list {
		if a == nil && u == nil || a != nil && u != nil && a.ID == u.ID {
			return true
		}
	}
	return false
}

// Faces is up to three actors with a picture or generated avatar to show.
func (g notificationGroup) Faces() []*models.User {
	var out []*models.User
	for _, u := range g.Actors {
		if u != nil && len(out) < 3 {
			out = append(out, u)
		}
	}
	return out
}
