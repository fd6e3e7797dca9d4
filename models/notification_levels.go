package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Notification levels, as on Discourse.
const (
	LevelWatching = "watching" // told of every new post
	LevelTracking = "tracking" // unread counts; told of replies and mentions (the default)
	LevelMuted    = "muted"    // told of nothing; a muted category leaves the latest list
	// LevelNone is a thread row that only holds a read mark: the member
	// chose nothing, so the category's level (or tracking) applies.
	LevelNone = ""
)

// Notification kinds a level brings (beside reply, mention and like).
const (
	NotifyPosted    = "posted"     // a new post in a watched thread or category
	NotifyNewThread = "new_thread" // a new thread in a watched category
	NotifyOverdue   = "overdue"    // a follow-up assigned to the member is past due
)

// Targets of a notification level.
const (
	TargetThread   = "thread"
	TargetCategory = "category"
)

// NotificationLevel is one member's choice for one thread or category
// (migration 0100). No row means tracking. Auto marks a row Hearth set
// itself (watching a thread one posted in), so it never overrides a choice
// the member made. LastRead is the highest post number of a thread the
// member has seen, for unread counts.
type NotificationLevel struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     int64  `gorm:"not null"`
	TargetKind string `gorm:"size:8;not null"`
	TargetID   int64  `gorm:"not null"`
	Level      string `gorm:"size:12;not null"`
	Auto       bool   `gorm:"not null;default:false"`
	LastRead   int    `gorm:"not null;default:0"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// SetNotificationLevel records a member's explicit choice, replacing any.
func (s *Store) SetNotificationLevel(ctx context.Context, userID int64, kind string, targetID int64, level string, now time.Time) error {
	row := NotificationLevel{UserID: userID, TargetKind: kind, TargetID: targetID, Level: level, CreatedAt: now, UpdatedAt: now}
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "target_kind"}, {Name: "target_id"}},
		DoUpdates: clause.Assignments(map[string]any{"level": level, "auto": false, "updated_at": now}),
	}).Create(&row).Error
}

// WatchIfUnset makes a member watch a thread unless they already chose a
// level for it: posting in a thread follows it, but never undoes a mute.
// The post they wrote counts as read.
func (s *Store) WatchIfUnset(ctx context.Context, userID, threadID int64, lastRead int, now time.Time) error {
	if err := s.MarkThreadRead(ctx, userID, threadID, lastRead, now); err != nil {
		return err
	}
	return s.DB(ctx).Model(&NotificationLevel{}).
		Where("user_id = ? AND target_kind = ? AND target_id = ? AND level = ?", userID, TargetThread, threadID, LevelNone).
		Updates(map[string]any{"level": LevelWatching, "auto": true, "updated_at": now}).Error
}

// NotificationLevelOf returns a member's row for a target, or nil.
func (s *Store) NotificationLevelOf(ctx context.Context, userID int64, kind string, targetID int64) (*NotificationLevel, error) {
	var rows []NotificationLevel
	err := s.DB(ctx).Where("user_id = ? AND target_kind = ? AND target_id = ?", userID, kind, targetID).Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// LevelsFor returns, for the given members, their levels on one thread and
// on its category, keyed by user id.
func (s *Store) LevelsFor(ctx context.Context, userIDs []int64, threadID, categoryID int64) (thread, category map[int64]string, err error) {
	thread, category = map[int64]string{}, map[int64]string{}
	if len(userIDs) == 0 {
		return thread, category, nil
	}
	var rows []NotificationLevel
	err = s.DB(ctx).Select("user_id", "target_kind", "level").Where("level <> ?", LevelNone).
		Where("user_id IN ? AND ((target_kind = ? AND target_id = ?) OR (target_kind = ? AND target_id = ?))",
			uniqueIDs(userIDs), TargetThread, threadID, TargetCategory, categoryID).Find(&rows).Error
	for _, r := range rows {
		if r.TargetKind == TargetThread {
			thread[r.UserID] = r.Level
		} else {
			category[r.UserID] = r.Level
		}
	}
	return thread, category, err
}

// Watchers returns the members watching a thread, and those watching its
// category who have not set a level of their own on the thread.
func (s *Store) Watchers(ctx context.Context, threadID, categoryID int64) ([]int64, error) {
	var ids []int64
	err := s.DB(ctx).Raw(`SELECT user_id FROM notification_levels WHERE target_kind = ? AND target_id = ? AND level = ?
		UNION
		SELECT c.user_id FROM notification_levels c WHERE c.target_kind = ? AND c.target_id = ? AND c.level = ?
		AND NOT EXISTS (SELECT 1 FROM notification_levels t WHERE t.user_id = c.user_id AND t.target_kind = ? AND t.target_id = ? AND t.level <> ?)`,
		TargetThread, threadID, LevelWatching, TargetCategory, categoryID, LevelWatching, TargetThread, threadID, LevelNone).Scan(&ids).Error
	return ids, err
}

// MutedCategoryIDs lists the categories a member muted.
func (s *Store) MutedCategoryIDs(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&NotificationLevel{}).Where("user_id = ? AND target_kind = ? AND level = ?", userID, TargetCategory, LevelMuted).
		Pluck("target_id", &ids).Error
	return ids, err
}

// MarkThreadRead raises a member's read mark on a thread to number,
// creating a mark-only row (LevelNone) on the first visit. A repeat visit
// that moves nothing is one UPDATE matching no row.
func (s *Store) MarkThreadRead(ctx context.Context, userID, threadID int64, number int, now time.Time) error {
	// Most views re-read what the member has seen: check with a read first,
	// so they never take the database's write lock (on SQLite one writer at
	// a time would serialise every logged-in page view).
	var seen []int
	if err := s.DB(ctx).Model(&NotificationLevel{}).
		Where("user_id = ? AND target_kind = ? AND target_id = ?", userID, TargetThread, threadID).
		Limit(1).Pluck("last_read", &seen).Error; err != nil {
		return err
	}
	if len(seen) == 1 && seen[0] >= number {
		return nil
	}
	res := s.DB(ctx).Model(&NotificationLevel{}).
		Where("user_id = ? AND target_kind = ? AND target_id = ? AND last_read < ?", userID, TargetThread, threadID, number).
		Update("last_read", number)
	if res.Error != nil || res.RowsAffected > 0 {
		return res.Error
	}
	row := NotificationLevel{UserID: userID, TargetKind: TargetThread, TargetID: threadID, Level: LevelNone,
		LastRead: number, CreatedAt: now, UpdatedAt: now}
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "target_kind"}, {Name: "target_id"}},
		DoNothing: true,
	}).Create(&row).Error
}

// ThreadReadMarks returns a member's rows (read marks and levels) on the
// given threads, keyed by thread id.
func (s *Store) ThreadReadMarks(ctx context.Context, userID int64, threadIDs []int64) (map[int64]NotificationLevel, error) {
	out := map[int64]NotificationLevel{}
	if len(threadIDs) == 0 {
		return out, nil
	}
	var rows []NotificationLevel
	err := s.DB(ctx).Select("target_id", "level", "last_read").
		Where("user_id = ? AND target_kind = ? AND target_id IN ?", userID, TargetThread, threadIDs).Find(&rows).Error
	for _, r := range rows {
		out[r.TargetID] = r
	}
	return out, err
}

// LatestThreadsExcluding is LatestThreads without the given categories.
func (s *Store) LatestThreadsExcluding(ctx context.Context, muted []int64, limit int) ([]Thread, error) {
	q := s.DB(ctx).Table("threads").Select(threadColumns).Where("deleted_at IS NULL")
	if len(muted) > 0 {
		q = q.Where("category_id NOT IN ?", muted)
	}
	return scanThreads(q.Order("last_post_at DESC, id DESC").Limit(limit))
}

// ViewerThread is what a thread page shows of one member's own relation
// to the thread: whether they bookmarked it, their level rows on the
// thread and its category (Level "" when they have none other than none),
// whether Hearth set the thread's level, and how far they have read.
type ViewerThread struct {
	Bookmarked    bool
	ThreadLevel   string
	ThreadAuto    bool
	LastRead      int
	CategoryLevel string
	// Draft is the body of the member's unsent reply to the thread (what
	// DraftFor reads), "" when there is none.
	Draft string
	// Liked holds the ids of the posts the member liked, among those with
	// ids in the range asked for.
	Liked map[int64]bool
}

// ViewerThreadState reads ViewerThread in one query (what IsBookmarked,
// LevelsFor, NotificationLevelOf, MarkThreadRead's check and DraftFor read
// apart), with the member's likes of posts with ids from..to (the page's
// lowest and highest): every signed-in thread page asks, and on SQLite
// each statement is parsed again, so one round trip instead of three is
// worth a UNION. The likes are one range seek on idx_likes_user_post
// (migration 0620), not a probe per post of a list of a hundred ids;
// Liked may hold posts of other threads within the range, which the page
// never looks up.
// viewerLikes is where ViewerThreadState finds a member's likes of the
// posts with ids in a range: user, from, to.
const viewerLikes = `likes l WHERE l.user_id = ? AND l.post_id BETWEEN ? AND ?`

func (s *Store) ViewerThreadState(ctx context.Context, userID, threadID, categoryID, from, to int64) (*ViewerThread, error) {
	v := ViewerThread{Liked: map[int64]bool{}}
	rows, err := s.DB(ctx).Raw(`SELECT nl.target_kind, nl.level, nl.auto, nl.last_read, 0, '' FROM notification_levels nl
		WHERE nl.user_id = ? AND ((nl.target_kind = ? AND nl.target_id = ?) OR (nl.target_kind = ? AND nl.target_id = ?))
		UNION ALL SELECT 'bookmark', '', ?, 0, COUNT(*), '' FROM bookmarks b WHERE b.user_id = ? AND b.thread_id = ?
		UNION ALL SELECT 'draft', '', ?, 0, 0, d.body FROM drafts d WHERE d.user_id = ? AND d.thread_id = ?
		UNION ALL SELECT 'like', '', ?, 0, l.post_id, '' FROM `+viewerLikes,
		userID, TargetThread, threadID, TargetCategory, categoryID, false, userID, threadID, false, userID, threadID,
		false, userID, from, to).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, level string
		var auto bool
		var lastRead int
		var bookmarks int64 // the bookmark count, or a liked post's id
		var draft string
		if err := rows.Scan(&kind, &level, &auto, &lastRead, &bookmarks, &draft); err != nil {
			return nil, err
		}
		switch kind {
		case TargetThread:
			v.LastRead = lastRead
			if level != LevelNone {
				v.ThreadLevel, v.ThreadAuto = level, auto
			}
		case TargetCategory:
			if level != LevelNone {
				v.CategoryLevel = level
			}
		case "bookmark":
			v.Bookmarked = bookmarks > 0
		case "draft":
			v.Draft = draft
		case "like":
			v.Liked[int64(bookmarks)] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return &v, rows.Close()
}
