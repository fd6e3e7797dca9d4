package forum

import (
	"context"
	"strconv"
	"strings"

	"github.com/hearth/hearth/models"
)

// Notification page sizes.
const (
	notificationsPerPage    = 30
	notificationsMaxPerPage = 100
)

// NotificationView is a notification with what a list shows beside it.
// Thread is nil when the thread is gone or deleted.
type NotificationView struct {
	models.Notification
	Actor  *models.User
	Thread *models.Thread
	// Held is the held post a held_approved/held_rejected notification is
	// about (its title names a held thread, which has no Thread).
	Held *models.HeldPost
	// Link is the download path of an export_ready notification's
	// export; "" once it expired.
	Link string
}

// NotificationList is one page of a member's notifications, newest first.
type NotificationList struct {
	Items []NotificationView
	Next  string // cursor for the following (older) page, empty on the last
}

// notifyPost records who a new post should tell, inside the caller's
// transaction so a post and its notifications commit or roll back together.
// A reply tells the thread's author and the author of the post answered; a
// mention tells the member named; members watching the thread or its
// category hear of every post. Each recipient hears about a post once (a
// reply before a mention before a watched post), never about their own, and
// not at all where their level is muted. Members who opted in get the same
// as mail, queued in the same transaction.
func (s *Service) notifyPost(ctx context.Context, actor *models.User, t *models.Thread, post *models.Post, mentions []string) error {
	return s.notifyReply(ctx, actor, t, nil, post, nil, mentions)
}

// notifyReply is notifyPost for a post whose category and parent (the post
// it answers) the caller may already have loaded; nil reads them.
func (s *Service) notifyReply(ctx context.Context, actor *models.User, t *models.Thread, cat *models.Category, post, parent *models.Post, mentions []string) error {
	type pending struct {
		userID int64
		kind   string
	}
	var want []pending
	if post.Number > 1 {
		want = append(want, pending{t.UserID, models.NotifyReply})
		if post.ReplyToID != nil {
			if parent == nil || parent.ID != *post.ReplyToID {
				var err error
				if parent, err = s.store.PostByID(ctx, *post.ReplyToID); err != nil {
					return mapNotFound(err)
				}
			}
			want = append(want, pending{parent.UserID, models.NotifyReply})
		}
	}
	// Remote mentions ("name@host") are the remote server's business, and
	// are left out before the lookup, which only knows local names anyway.
	var local []string
	for _, m := range mentions {
		if !strings.Contains(m, "@") {
			local = append(local, m)
		}
	}
	named, err := s.store.LocalUserIDsByName(ctx, local)
	if err != nil {
		return err
	}
	for _, m := range local {
		if id, ok := named[m]; ok {
			want = append(want, pending{id, models.NotifyMention})
		}
	}
	watchers, err := s.store.Watchers(ctx, t.ID, t.CategoryID)
	if err != nil {
		return err
	}
	watchKind := models.NotifyPosted
	if post.Number == 1 {
		watchKind = models.NotifyNewThread
	}
	for _, id := range watchers {
		want = append(want, pending{id, watchKind})
	}
	ids := make([]int64, len(want))
	for i, w := range want {
		ids[i] = w.userID
	}
	now := s.now()
	ok, err := s.store.NotifiableUserIDs(ctx, ids, now)
	if err != nil {
		return err
	}
	levels, err := s.effectiveLevels(ctx, ids, t)
	if err != nil {
		return err
	}
	// Nobody hears of a thread they may not see (a member mentioned, or
	// watching, in a private category): not its title, not its text.
	sees, err := s.audience(ctx, t, cat, ids)
	if err != nil {
		return err
	}
	seen := map[int64]bool{actor.ID: true}
	var rows []models.Notification
	for _, w := range want {
		if seen[w.userID] || !ok[w.userID] || !sees[w.userID] || levels[w.userID] == models.LevelMuted {
			continue
		}
		seen[w.userID] = true
		rows = append(rows, models.Notification{UserID: w.userID, Kind: w.kind, ActorID: actor.ID,
			ThreadID: t.ID, PostID: post.ID, CreatedAt: now})
	}
	if err := s.store.CreateNotifications(ctx, rows); err != nil {
		return err
	}
	// Posting in a thread follows it, unless the member chose otherwise.
	if !actor.IsRemote() {
		if err := s.store.WatchIfUnset(ctx, actor.ID, t.ID, post.Number, now); err != nil {
			return err
		}
	}
	return s.queueNotificationMails(ctx, actor, t, post, rows)
}

// notifyLike tells a post's author of a new like, once per liker and post:
// liking, unliking and liking again must not ring twice.
func (s *Service) notifyLike(ctx context.Context, actor *models.User, p *models.Post) error {
	return s.notifyOnce(ctx, actor, p, models.NotifyLike)
}

// notifyOnce tells a post's author that actor did kind (a like, a boost)
// to it, once per actor, post and kind, unless the author muted the
// thread or its category, or may not be notified (suspended, remote).
func (s *Service) notifyOnce(ctx context.Context, actor *models.User, p *models.Post, kind string) error {
	if actor.ID == p.UserID {
		return nil
	}
	done, err := s.store.HasNotification(ctx, p.UserID, kind, actor.ID, p.ID)
	if err != nil || done {
		return err
	}
	now := s.now()
	ok, err := s.store.NotifiableUserIDs(ctx, []int64{p.UserID}, now)
	if err != nil || !ok[p.UserID] {
		return err
	}
	t, err := s.store.ThreadByID(ctx, p.ThreadID)
	if err != nil {
		return mapNotFound(err)
	}
	levels, err := s.effectiveLevels(ctx, []int64{p.UserID}, t)
	if err != nil || levels[p.UserID] == models.LevelMuted {
		return err
	}
	if sees, err := s.audience(ctx, t, nil, []int64{p.UserID}); err != nil || !sees[p.UserID] {
		return err
	}
	return s.store.CreateNotifications(ctx, []models.Notification{{UserID: p.UserID, Kind: kind,
		ActorID: actor.ID, ThreadID: p.ThreadID, PostID: p.ID, CreatedAt: now}})
}

// Notifications lists the actor's notifications newest first. before is the
// Next cursor of the previous page ("" for the first); limit <= 0 means the
// default page size.
func (s *Service) Notifications(ctx context.Context, actor *models.User, before string, limit int) (*NotificationList, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	var beforeID int64
	if before != "" {
		id, err := strconv.ParseInt(before, 10, 64)
		if err != nil || id <= 0 {
			return nil, invalid("before", "errors.common.not_valid_cursor")
		}
		beforeID = id
	}
	if limit <= 0 {
		limit = notificationsPerPage
	}
	limit = min(limit, notificationsMaxPerPage)
	rows, err := s.store.Notifications(ctx, actor.ID, beforeID, limit)
	if err != nil {
		return nil, err
	}
	userIDs := make([]int64, len(rows))
	threadIDs := make([]int64, len(rows))
	var heldIDs []int64
	for i, n := range rows {
		userIDs[i], threadIDs[i] = n.ActorID, n.ThreadID
		if n.HeldPostID != nil {
			heldIDs = append(heldIDs, *n.HeldPostID)
		}
	}
	held, err := s.store.HeldPostsByIDs(ctx, heldIDs)
	if err != nil {
		return nil, err
	}
	users, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	threads, err := s.store.ThreadsByIDs(ctx, threadIDs)
	if err != nil {
		return nil, err
	}
	// Notifications from before the member lost sight of a category (an
	// ambassador no more, a category made private) are left out.
	hidden, err := s.hiddenCategorySet(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := &NotificationList{Items: make([]NotificationView, 0, len(rows))}
	for _, n := range rows {
		v := NotificationView{Notification: n, Actor: users[n.ActorID]}
		if n.HeldPostID != nil {
			v.Held = held[*n.HeldPostID]
		}
		t := threads[n.ThreadID]
		if t != nil && hidden[t.CategoryID] {
			continue
		}
		if t != nil && t.DeletedAt == nil {
			v.Thread = t
		}
		if n.Kind == NotifyExportReady {
			if v.Link, err = s.ExportLink(ctx, actor, n.PostID); err != nil {
				return nil, err
			}
		}
		out.Items = append(out.Items, v)
	}
	if len(rows) == limit {
		out.Next = strconv.FormatInt(rows[len(rows)-1].ID, 10)
	}
	return out, nil
}

// UnreadCount is how many of the actor's notifications are unread; 0 for
// nobody, so callers need not check.
func (s *Service) UnreadCount(ctx context.Context, actor *models.User) (int, error) {
	if actor == nil {
		return 0, nil
	}
	n, err := s.store.CountUnreadNotifications(ctx, actor.ID)
	return int(n), err
}

// MarkAllRead marks every notification of the actor read.
func (s *Service) MarkAllRead(ctx context.Context, actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	_, err := s.store.MarkNotificationsRead(ctx, actor.ID, 0, s.now())
	return err
}

// MarkRead marks one of the actor's notifications read. Someone else's is
// ErrNotFound, not ErrForbidden, so ids do not reveal whose they are;
// marking an already-read one again is harmless.
func (s *Service) MarkRead(ctx context.Context, actor *models.User, id int64) error {
	if actor == nil {
		return ErrUnauthorized
	}
	n, err := s.store.NotificationByID(ctx, id)
	if err != nil {
		return mapNotFound(err)
	}
	if n.UserID != actor.ID {
		return ErrNotFound
	}
	_, err = s.store.MarkNotificationsRead(ctx, actor.ID, id, s.now())
	return err
}
