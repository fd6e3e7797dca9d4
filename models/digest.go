package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// DigestThread is a thread ranked for the weekly digest.
type DigestThread struct {
	ID         int64
	CategoryID int64
	Title      string
	Slug       string
	Replies    int
	Likes      int
}

// TopThreads ranks live threads active in [from, to] by the replies and
// likes they got in that window, best first, outside the hidden categories.
func (s *Store) TopThreads(ctx context.Context, from, to time.Time, hidden []int64, limit int) ([]DigestThread, error) {
	var out []DigestThread
	// hidden is spliced as an id list ("NOT IN (0)" when empty, which
	// matches nothing), so the query text stays one.
	if len(hidden) == 0 {
		hidden = []int64{0}
	}
	err := s.DB(ctx).Raw(`SELECT id, category_id, title, slug, replies, likes FROM (
		SELECT t.id, t.category_id, t.title, t.slug,
			(SELECT COUNT(*) FROM posts p WHERE p.thread_id = t.id AND p.number > 1 AND p.deleted_at IS NULL
				AND p.created_at >= ? AND p.created_at <= ?) AS replies,
			(SELECT COUNT(*) FROM likes l JOIN posts lp ON lp.id = l.post_id WHERE lp.thread_id = t.id
				AND l.created_at >= ? AND l.created_at <= ?) AS likes
		FROM threads t WHERE t.deleted_at IS NULL AND t.last_post_at >= ? AND t.category_id NOT IN ?) ranked
		WHERE replies + likes > 0 ORDER BY replies + likes DESC, id DESC LIMIT ?`,
		from, to, from, to, from, hidden, limit).Scan(&out).Error
	return out, err
}

// DigestRecipient is a member who opted in to the digest.
type DigestRecipient struct {
	ID       int64
	Username string
	Email    string
	Language string // the member's chosen language, "" for the site's
}

// DigestRecipients pages through local members opted in to the digest, by
// id after afterID.
func (s *Store) DigestRecipients(ctx context.Context, afterID int64, limit int) ([]DigestRecipient, error) {
	var out []DigestRecipient
	err := s.DB(ctx).Table("users").Select("users.id, users.username, users.email, users.language").
		Joins("JOIN mail_settings ms ON ms.user_id = users.id AND ms.email_digest = ?", true).
		Where("users.id > ? AND users.domain = '' AND users.email <> ''", afterID).
		Order("users.id").Limit(limit).Scan(&out).Error
	return out, err
}

// MutedThreadIDs returns which of threadIDs a member muted.
func (s *Store) MutedThreadIDs(ctx context.Context, userID int64, threadIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(threadIDs) == 0 {
		return out, nil
	}
	var ids []int64
	err := s.DB(ctx).Model(&NotificationLevel{}).Where("user_id = ? AND target_kind = ? AND level = ? AND target_id IN ?",
		userID, TargetThread, LevelMuted, threadIDs).Pluck("target_id", &ids).Error
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// DigestRun records one week's digest (migration 0100): started once by
// whichever process gets there first, finished when every member's mail is
// queued.
type DigestRun struct {
	Week       string `gorm:"primaryKey"`
	StartedAt  time.Time
	FinishedAt *time.Time
	Queued     int
}

// DigestRunOf returns a week's run, or nil when none started.
func (s *Store) DigestRunOf(ctx context.Context, week string) (*DigestRun, error) {
	var rows []DigestRun
	if err := s.DB(ctx).Where("week = ?", week).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return &rows[0], nil
}

// StartDigestRun records that a week's run began, if none did.
func (s *Store) StartDigestRun(ctx context.Context, week string, now time.Time) error {
	return s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&DigestRun{Week: week, StartedAt: now}).Error
}

// FinishDigestRun marks a week's run done with how many mails it queued.
func (s *Store) FinishDigestRun(ctx context.Context, week string, queued int, now time.Time) error {
	return s.DB(ctx).Model(&DigestRun{}).Where("week = ? AND finished_at IS NULL", week).
		Updates(map[string]any{"finished_at": now, "queued": queued}).Error
}

// OverdueAssignment is an assignment whose due time passed while its
// thread still waits for an answer.
type OverdueAssignment struct {
	ThreadID    int64
	AssigneeID  int64
	AssignedBy  int64
	DueAt       time.Time
	FirstPostID int64
	Title       string
}

// OverdueAssignments lists assignments due at or before now on live
// threads that are still unanswered and unsolved (the same rule as the
// needs-response queue).
func (s *Store) OverdueAssignments(ctx context.Context, now time.Time, limit int) ([]OverdueAssignment, error) {
	var out []OverdueAssignment
	err := s.DB(ctx).Table("thread_assignments a").
		Select("a.thread_id, a.assignee_id, a.assigned_by, a.due_at, threads.first_post_id, threads.title").
		Joins("JOIN threads ON threads.id = a.thread_id").
		Where("a.due_at IS NOT NULL AND a.due_at <= ? AND threads.deleted_at IS NULL", now).
		Where(noReplyFromOthers).
		Where("NOT EXISTS (SELECT 1 FROM thread_solutions s WHERE s.thread_id = threads.id)").
		Order("a.due_at, a.thread_id").Limit(limit).Scan(&out).Error
	return out, err
}

// OverdueAlert marks that an assignee was told a follow-up is overdue, once
// per (thread, assignee, due time); a new due time is a new alert.
type OverdueAlert struct {
	ThreadID   int64 `gorm:"primaryKey;autoIncrement:false"`
	AssigneeID int64 `gorm:"primaryKey;autoIncrement:false"`
	DueUnix    int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time
}

// ClaimOverdueAlert records the alert and reports whether this call was the
// first to do so; only the first goes on to notify.
func (s *Store) ClaimOverdueAlert(ctx context.Context, a OverdueAlert) (bool, error) {
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&a)
	return res.RowsAffected == 1, res.Error
}

// OverdueAlertsFor returns the alert keys already recorded for threads.
func (s *Store) OverdueAlertsFor(ctx context.Context, threadIDs []int64) (map[OverdueAlert]bool, error) {
	out := map[OverdueAlert]bool{}
	if len(threadIDs) == 0 {
		return out, nil
	}
	var rows []OverdueAlert
	err := s.DB(ctx).Select("thread_id", "assignee_id", "due_unix").Where("thread_id IN ?", threadIDs).Find(&rows).Error
	for _, r := range rows {
		out[OverdueAlert{ThreadID: r.ThreadID, AssigneeID: r.AssigneeID, DueUnix: r.DueUnix}] = true
	}
	return out, err
}
