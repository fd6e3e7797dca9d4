package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Moderation queue states and the kinds of item the queue holds.
const (
	QueueItemOpen     = "open"
	QueueItemClaimed  = "claimed"
	QueueItemResolved = "resolved"
	QueueKindFlag     = "flag"
	// QueueKindApproval: a post waiting for approval before anyone but its
	// author sees it (a sandboxed member's, a watched word's, a silenced
	// instance's). Such an item points at a held post (HeldPostID) and has
	// PostID = -HeldPostID until approval publishes it, so the unresolved
	// per-post unique index never sees two of them collide; or, for an
	// edit caught by a watched word, at the hidden post itself.
	QueueKindApproval = "approval"
	QueueKindAppeal   = "appeal"
	// QueueKindMessage: a participant reported a private message
	// (forum/message_reports.go).
	QueueKindMessage = "message"
)

// AuditEntry records one moderation or administration action: who did what
// to which target, and why. Rows are only ever inserted.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey;index:idx_audit_created,priority:2"`
	ActorID    int64     `gorm:"not null;index"` // 0 is Hearth itself (a flag threshold, say)
	Action     string    `gorm:"size:40;not null;index"`
	TargetType string    `gorm:"size:16;not null;index:idx_audit_target,priority:1"`
	TargetID   int64     `gorm:"not null;index:idx_audit_target,priority:2"`
	Reason     string    `gorm:"size:1000;not null;default:''"`
	Details    string    `gorm:"type:text;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null;index:idx_audit_created,priority:1"`
}

// Flag is one member reporting one post. Weight is what the flag counts
// towards hiding the post (ambassadors' flags weigh more).
type Flag struct {
	ID        int64  `gorm:"primaryKey"`
	PostID    int64  `gorm:"not null;uniqueIndex:idx_flags_post_user,priority:1"`
	UserID    int64  `gorm:"not null;uniqueIndex:idx_flags_post_user,priority:2;index"`
	Reason    string `gorm:"size:20;not null"`
	Message   string `gorm:"size:1000;not null;default:''"`
	Weight    int    `gorm:"not null;default:1"`
	CreatedAt time.Time
}

// ModQueueItem is one thing waiting for a moderator. A partial unique index
// (see the migration) keeps at most one unresolved item per post.
type ModQueueItem struct {
	ID         int64  `gorm:"primaryKey"`
	Kind       string `gorm:"size:16;not null"`
	PostID     int64  `gorm:"not null;index"`
	State      string `gorm:"size:16;not null"`
	AssigneeID *int64
	Resolution string    `gorm:"size:16;not null;default:''"`
	Note       string    `gorm:"type:text;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null"`
	ResolvedAt *time.Time
	ResolvedBy *int64
	HeldPostID *int64 // migration 0090; see QueueKindApproval
	AppealID   *int64 // set on appeal items (migration 0120); PostID is then 0
	// MessageReportID is set on message items (migration 0401); PostID
	// is then 0.
	MessageReportID *int64
}

// KeysetCursor is a position in a list ordered by (created_at, id).
type KeysetCursor struct {
	CreatedAt time.Time
	ID        int64
}

// AuditQuery filters the audit log; zero fields match everything.
type AuditQuery struct {
	Action     string
	ActorID    int64
	TargetType string
	TargetID   int64
	Before     *KeysetCursor
}

// CreateAuditEntry inserts e.
func (s *Store) CreateAuditEntry(ctx context.Context, e *AuditEntry) error {
	return s.DB(ctx).Create(e).Error
}

// AuditEntries lists entries newest first, before the cursor: a keyset scan
// of idx_audit_created, so any page costs what the first does.
func (s *Store) AuditEntries(ctx context.Context, q AuditQuery, limit int) ([]AuditEntry, error) {
	db := s.DB(ctx).Model(&AuditEntry{})
	if q.Action != "" {
		db = db.Where("action = ?", q.Action)
	}
	if q.ActorID != 0 {
		db = db.Where("actor_id = ?", q.ActorID)
	}
	if q.TargetType != "" {
		db = db.Where("target_type = ?", q.TargetType)
	}
	if q.TargetID != 0 {
		db = db.Where("target_id = ?", q.TargetID)
	}
	if b := q.Before; b != nil {
		// A row-value comparison, which SQLite and PostgreSQL both turn
		// into one index range; the equivalent OR form made SQLite walk
		// the index from the top (80 ms at page 1,500).
		db = db.Where("(created_at, id) < (?, ?)", b.CreatedAt, b.ID)
	}
	var out []AuditEntry
	err := db.Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// SetThreadFlag sets the boolean column ("locked" or "pinned") of a thread
// and reports whether it changed. The WHERE on the old value makes repeats
// and concurrent calls change (and so audit) it once.
func (s *Store) SetThreadFlag(ctx context.Context, id int64, column string, on bool) (bool, error) {
	if column != "locked" && column != "pinned" && column != "pinned_global" {
		panic("SetThreadFlag: unknown column " + column)
	}
	res := s.DB(ctx).Model(&Thread{}).Where("id = ? AND "+column+" <> ?", id, on).UpdateColumn(column, on)
	return res.RowsAffected == 1, res.Error
}

// MoveThreadCategory moves a thread from one category to another, reporting
// false when it was no longer in `from` (a concurrent move won).
func (s *Store) MoveThreadCategory(ctx context.Context, id, from, to int64) (bool, error) {
	res := s.DB(ctx).Model(&Thread{}).Where("id = ? AND category_id = ?", id, from).UpdateColumn("category_id", to)
	return res.RowsAffected == 1, res.Error
}

// AdjustCategoryCounts adds to a category's denormalised thread and post
// counts, and moves its last activity forward to `last` if that is newer.
func (s *Store) AdjustCategoryCounts(ctx context.Context, id int64, threads, posts int, last time.Time) error {
	return s.DB(ctx).Model(&Category{}).Where("id = ?", id).Updates(map[string]any{
		"thread_count": gorm.Expr("thread_count + ?", threads),
		"post_count":   gorm.Expr("post_count + ?", posts),
		"last_post_at": gorm.Expr("CASE WHEN last_post_at IS NULL OR last_post_at < ? THEN ? ELSE last_post_at END", last, last),
	}).Error
}

// SetPostHidden hides (at != nil) or unhides a post and bumps its
// updated_at, which post fragment caches key on.
func (s *Store) SetPostHidden(ctx context.Context, id int64, at *time.Time, now time.Time) error {
	return s.DB(ctx).Model(&Post{}).Where("id = ?", id).Updates(map[string]any{"hidden_at": at, "updated_at": now}).Error
}

// HiddenPostIDs returns which of the posts are hidden pending review.
func (s *Store) HiddenPostIDs(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var hidden []int64
	err := s.DB(ctx).Model(&Post{}).Where("id IN ? AND hidden_at IS NOT NULL", uniqueIDs(ids)).Pluck("id", &hidden).Error
	for _, id := range hidden {
		out[id] = true
	}
	return out, err
}

// HasFlagged reports whether the user already flagged the post.
func (s *Store) HasFlagged(ctx context.Context, postID, userID int64) (bool, error) {
	var n int64
	err := s.DB(ctx).Model(&Flag{}).Where("post_id = ? AND user_id = ?", postID, userID).Count(&n).Error
	return n > 0, err
}

// CreateFlag inserts f; a second flag by one member on one post is a unique
// violation.
func (s *Store) CreateFlag(ctx context.Context, f *Flag) error {
	return s.DB(ctx).Create(f).Error
}

// FlagsOnPosts lists the flags on posts made at or after since, oldest first.
func (s *Store) FlagsOnPosts(ctx context.Context, postIDs []int64, since time.Time) ([]Flag, error) {
	var fs []Flag
	if len(postIDs) == 0 {
		return fs, nil
	}
	err := s.DB(ctx).Where("post_id IN ? AND created_at >= ?", uniqueIDs(postIDs), since).Order("created_at, id").Find(&fs).Error
	return fs, err
}

// FlagWeightSince sums the weight of a post's flags made at or after since.
func (s *Store) FlagWeightSince(ctx context.Context, postID int64, since time.Time) (int, error) {
	var n int
	err := s.DB(ctx).Model(&Flag{}).Where("post_id = ? AND created_at >= ?", postID, since).
		Select("COALESCE(SUM(weight), 0)").Scan(&n).Error
	return n, err
}

// UnresolvedQueueItem loads the post's open or claimed item.
func (s *Store) UnresolvedQueueItem(ctx context.Context, postID int64) (*ModQueueItem, error) {
	var it ModQueueItem
	if err := s.DB(ctx).Where("post_id = ? AND state <> ?", postID, QueueItemResolved).First(&it).Error; err != nil {
		return nil, notFound(err)
	}
	return &it, nil
}

// CreateQueueItem inserts it.
func (s *Store) CreateQueueItem(ctx context.Context, it *ModQueueItem) error {
	return s.DB(ctx).Create(it).Error
}

// QueueItemByID loads one item.
func (s *Store) QueueItemByID(ctx context.Context, id int64) (*ModQueueItem, error) {
	var it ModQueueItem
	if err := s.DB(ctx).First(&it, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &it, nil
}

// ResolveQueueItem marks an unresolved item resolved and reports whether it
// was unresolved, so two moderators acting at once resolve it once.
func (s *Store) ResolveQueueItem(ctx context.Context, id, by int64, resolution, note string, at time.Time) (bool, error) {
	res := s.DB(ctx).Model(&ModQueueItem{}).Where("id = ? AND state <> ?", id, QueueItemResolved).Updates(map[string]any{
		"state": QueueItemResolved, "resolution": resolution, "note": note, "resolved_at": at, "resolved_by": by,
	})
	return res.RowsAffected == 1, res.Error
}

// QueueItems lists items in a state, oldest first, after the cursor; kinds,
// when not nil, keeps only those kinds.
func (s *Store) QueueItems(ctx context.Context, state string, kinds []string, after *KeysetCursor, limit int) ([]ModQueueItem, error) {
	db := s.DB(ctx).Where("state = ?", state)
	if kinds != nil {
		db = db.Where("kind IN ?", kinds)
	}
	if after != nil {
		db = db.Where("(created_at, id) > (?, ?)", after.CreatedAt, after.ID)
	}
	var out []ModQueueItem
	err := db.Order("created_at, id").Limit(limit).Find(&out).Error
	return out, err
}

// LastAuditActor is the actor of the newest audit entry about a target
// (0 when Hearth itself acted, or when there is none): federation names
// the moderator who hid a post in what it tells peers.
func (s *Store) LastAuditActor(ctx context.Context, targetType string, targetID int64) (int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&AuditEntry{}).Where("target_type = ? AND target_id = ?", targetType, targetID).
		Order("id DESC").Limit(1).Pluck("actor_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}
