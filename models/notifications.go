package models

import (
	"context"
	"time"
)

// Notification kinds.
const (
	NotifyReply   = "reply"
	NotifyMention = "mention"
	NotifyLike    = "like"
	NotifyBoost   = "boost" // a fediverse account boosted the member's post
	// NotifyHeldApproved and NotifyHeldRejected tell an author what became
	// of their post held for approval.
	NotifyHeldApproved = "held_approved"
	NotifyHeldRejected = "held_rejected"
)

// Notification tells a member that someone replied to, mentioned or liked
// them (migration 0070). Rows are never deleted when the cause is undone:
// an unlike does not take back the moment the like was seen.
type Notification struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null"`
	Kind      string `gorm:"size:16;not null"`
	ActorID   int64  `gorm:"not null"`
	ThreadID  int64  `gorm:"not null"`
	PostID    int64  `gorm:"not null;index"`
	CreatedAt time.Time
	ReadAt    *time.Time
	// HeldPostID names the held post a held_approved or held_rejected
	// notification is about (migration 0200); a rejected one has no post.
	HeldPostID *int64
}

// CreateNotifications inserts rows, if any.
func (s *Store) CreateNotifications(ctx context.Context, rows []Notification) error {
	if len(rows) == 0 {
		return nil
	}
	return s.DB(ctx).Create(&rows).Error
}

// NotifiableUserIDs returns which of ids are local members not suspended at
// now. Remote rows cannot log in to read a notification, and a suspended
// member should not come back to a pile of them.
func (s *Store) NotifiableUserIDs(ctx context.Context, ids []int64, now time.Time) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var got []int64
	err := s.DB(ctx).Model(&User{}).
		Where("users.id IN ? AND users.domain = '' AND users.erased_at IS NULL", uniqueIDs(ids)).
		Where(`NOT EXISTS (SELECT 1 FROM sanctions sn WHERE sn.user_id = users.id AND sn.kind = ? AND sn.lifted_at IS NULL
			AND sn.starts_at <= ? AND (sn.ends_at IS NULL OR sn.ends_at > ?))`, SanctionSuspend, now, now).
		Pluck("users.id", &got).Error
	if err != nil {
		return nil, err
	}
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// LocalUserIDsByName maps lower-cased usernames to the ids of the local
// members holding them; unknown names are absent.
func (s *Store) LocalUserIDsByName(ctx context.Context, lower []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(lower) == 0 {
		return out, nil
	}
	var users []User
	if err := s.DB(ctx).Select("id", "username_lower").Where("username_lower IN ? AND domain = ''", lower).Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		out[u.UsernameLower] = u.ID
	}
	return out, nil
}

// HasNotification reports whether userID was already told of kind by actorID
// about postID.
func (s *Store) HasNotification(ctx context.Context, userID int64, kind string, actorID, postID int64) (bool, error) {
	var n int64
	err := s.DB(ctx).Model(&Notification{}).
		Where("post_id = ? AND user_id = ? AND kind = ? AND actor_id = ?", postID, userID, kind, actorID).
		Limit(1).Count(&n).Error
	return n > 0, err
}

// Notifications lists a member's notifications newest first; beforeID > 0
// continues after the last row of the previous page.
func (s *Store) Notifications(ctx context.Context, userID, beforeID int64, limit int) ([]Notification, error) {
	db := s.DB(ctx).Where("user_id = ?", userID)
	if beforeID > 0 {
		db = db.Where("id < ?", beforeID)
	}
	var out []Notification
	err := db.Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// CountUnreadNotifications counts a member's unread notifications; it runs
// on every logged-in page view and is one probe of
// idx_notifications_user_read.
func (s *Store) CountUnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, err
}

// MarkNotificationsRead marks a member's unread notifications read: all of
// them when id is 0, else the one with that id. The user_id condition is what
// keeps a member from marking someone else's; the count says whether any
// row matched.
func (s *Store) MarkNotificationsRead(ctx context.Context, userID, id int64, now time.Time) (int64, error) {
	db := s.DB(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if id != 0 {
		db = db.Where("id = ?", id)
	}
	res := db.Update("read_at", now)
	return res.RowsAffected, res.Error
}

// NotificationByID loads one notification, or ErrNotFound.
func (s *Store) NotificationByID(ctx context.Context, id int64) (*Notification, error) {
	var n Notification
	if err := s.DB(ctx).Where("id = ?", id).Take(&n).Error; err != nil {
		return nil, notFound(err)
	}
	return &n, nil
}
