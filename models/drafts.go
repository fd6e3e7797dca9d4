package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Draft is what a member has written and not yet posted (migration 0550):
// a reply to ThreadID, or a new thread when ThreadID is 0. One per member
// and thread; the newest save wins.
type Draft struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;uniqueIndex:idx_drafts_user_thread,priority:1"`
	ThreadID  int64     `gorm:"not null;default:0;uniqueIndex:idx_drafts_user_thread,priority:2"`
	Title     string    `gorm:"size:200;not null;default:''"`
	Category  string    `gorm:"size:100;not null;default:''"`
	Tags      string    `gorm:"size:200;not null;default:''"`
	Body      string    `gorm:"type:text;not null;default:''"`
	UpdatedAt time.Time `gorm:"not null"`
}

// SaveDraft inserts or replaces the member's draft for d.ThreadID.
func (s *Store) SaveDraft(ctx context.Context, d *Draft) error {
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}, {Name: "thread_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"title", "category", "tags", "body", "updated_at"}),
	}).Create(d).Error
}

// DraftFor returns the member's draft for a thread (0: a new thread), or
// ErrNotFound.
func (s *Store) DraftFor(ctx context.Context, userID, threadID int64) (*Draft, error) {
	var d Draft
	if err := s.DB(ctx).Where("user_id = ? AND thread_id = ?", userID, threadID).Take(&d).Error; err != nil {
		return nil, notFound(err)
	}
	return &d, nil
}

// DeleteDraft removes the member's draft for a thread (0: a new thread).
func (s *Store) DeleteDraft(ctx context.Context, userID, threadID int64) error {
	return s.DB(ctx).Where("user_id = ? AND thread_id = ?", userID, threadID).Delete(&Draft{}).Error
}

// SuggestMembers lists up to limit accounts whose username or display name
// starts with prefix (lowercase), for @mention suggestions: local members
// first, then known fediverse accounts (their username is name@host).
// Accounts erased, being deleted, awaiting approval or suspended at now
// are left out.
func (s *Store) SuggestMembers(ctx context.Context, prefix string, limit int, now time.Time) ([]User, error) {
	pat := likeEscape(prefix) + "%"
	var out []User
	err := s.DB(ctx).Model(&User{}).
		Where(`(users.username_lower LIKE ? ESCAPE '\' OR LOWER(users.display_name) LIKE ? ESCAPE '\')`, pat, pat).
		Where("users.erased_at IS NULL AND users.delete_at IS NULL AND users.awaiting_approval = ?", false).
		Where("NOT "+activeSanctionSQL, SanctionSuspend, now, now).
		Order("CASE WHEN users.domain = '' THEN 0 ELSE 1 END, users.post_count DESC, users.username_lower").
		Limit(limit).Find(&out).Error
	return out, err
}

// SuggestRemoteActors lists up to limit fediverse actors this server knows
// (seen, followed, following) that have no users row yet, whose username,
// name or name@host starts with prefix (lowercase), for @ suggestions.
func (s *Store) SuggestRemoteActors(ctx context.Context, prefix string, limit int) ([]RemoteActor, error) {
	pat := likeEscape(prefix) + "%"
	var out []RemoteActor
	err := s.DB(ctx).Model(&RemoteActor{}).
		Where("remote_actors.preferred_username <> '' AND remote_actors.domain <> ''").
		Where(`(LOWER(remote_actors.preferred_username) LIKE ? ESCAPE '\' OR LOWER(remote_actors.name) LIKE ? ESCAPE '\'
			OR LOWER(remote_actors.preferred_username || '@' || remote_actors.domain) LIKE ? ESCAPE '\')`, pat, pat, pat).
		Where("NOT EXISTS (SELECT 1 FROM users WHERE users.remote_actor_id = remote_actors.id)").
		Order("LOWER(remote_actors.preferred_username), remote_actors.domain").
		Limit(limit).Find(&out).Error
	return out, err
}
