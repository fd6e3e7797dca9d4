package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// FollowedNote is a post of a fediverse account that members follow (or a
// member's reply to one, written from the Following feed). It is kept apart
// from posts: nothing that lists, counts, searches or federates the forum's
// threads reads this table, so such a post never lands in a category.
type FollowedNote struct {
	ID        int64  `gorm:"primaryKey"`
	APID      string `gorm:"column:ap_id;size:2048;not null;uniqueIndex"`
	AuthorID  int64  `gorm:"not null"`
	InReplyTo string `gorm:"size:2048;not null;default:''"`
	// ReplyToID is the followed note answered, when it is stored here.
	ReplyToID *int64
	HTML      string `gorm:"column:html;type:text;not null"` // sanitised
	Summary   string `gorm:"type:text;not null;default:''"`  // content warning, plain text
	URL       string `gorm:"size:2048;not null;default:''"`  // its page on its server
	// Public is false for a followers-only post: shown only to members
	// whose follow of the author was accepted.
	Public      bool `gorm:"column:is_public;not null"` // no default: gorm would skip a false
	PublishedAt time.Time
	DeletedAt   *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Author *User `gorm:"-"`
}

// UpsertFollowedNote stores a note, or replaces the text of the stored one
// with the same ap_id (redelivery, or an outbox read after a delivery).
// A deleted note stays deleted.
func (s *Store) UpsertFollowedNote(ctx context.Context, n *FollowedNote) error {
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "ap_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"html", "summary", "updated_at"}),
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "followed_notes.deleted_at IS NULL"}}},
	}).Create(n).Error
}

// FollowedNoteByAPID loads a note by its ActivityPub id, or ErrNotFound.
func (s *Store) FollowedNoteByAPID(ctx context.Context, apID string) (*FollowedNote, error) {
	var n FollowedNote
	if err := s.DB(ctx).Where("ap_id = ?", apID).First(&n).Error; err != nil {
		return nil, notFound(err)
	}
	return &n, nil
}

// FollowedNoteByID loads a note by row id, or ErrNotFound.
func (s *Store) FollowedNoteByID(ctx context.Context, id int64) (*FollowedNote, error) {
	var n FollowedNote
	if err := s.DB(ctx).First(&n, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &n, nil
}

// CreateFollowedNote inserts a member's reply; its ap_id is set by the
// caller after the insert (it is made of the row id).
func (s *Store) CreateFollowedNote(ctx context.Context, n *FollowedNote) error {
	return s.DB(ctx).Create(n).Error
}

// SetFollowedNoteAPID stores the ActivityPub id made from the row id.
func (s *Store) SetFollowedNoteAPID(ctx context.Context, id int64, apID string) error {
	return s.DB(ctx).Model(&FollowedNote{}).Where("id = ?", id).Update("ap_id", apID).Error
}

// UpdateFollowedNote replaces a live note's text by its author; it reports
// whether one matched.
func (s *Store) UpdateFollowedNote(ctx context.Context, authorID int64, apID, html, summary string, now time.Time) (bool, error) {
	res := s.DB(ctx).Model(&FollowedNote{}).Where("ap_id = ? AND author_id = ? AND deleted_at IS NULL", apID, authorID).
		Updates(map[string]any{"html": html, "summary": summary, "updated_at": now})
	return res.RowsAffected > 0, res.Error
}

// DeleteFollowedNote marks an author's note deleted and blanks its text; it
// reports whether one matched.
func (s *Store) DeleteFollowedNote(ctx context.Context, authorID int64, apID string, now time.Time) (bool, error) {
	res := s.DB(ctx).Model(&FollowedNote{}).Where("ap_id = ? AND author_id = ? AND deleted_at IS NULL", apID, authorID).
		Updates(map[string]any{"html": "", "summary": "", "deleted_at": now, "updated_at": now})
	return res.RowsAffected > 0, res.Error
}

// FeedCursor is a keyset position in a feed: the last note shown.
type FeedCursor struct {
	At time.Time
	ID int64
}

// FollowingFeed lists one page of the live notes memberID sees: those of
// the accounts they follow (public ones once the follow is sent,
// followers-only ones once it is accepted) and their own replies, newest
// first, after the cursor (nil: from the top).
func (s *Store) FollowingFeed(ctx context.Context, memberID int64, after *FeedCursor, limit int) ([]FollowedNote, error) {
	q := s.DB(ctx).Model(&FollowedNote{}).
		Where("followed_notes.deleted_at IS NULL").
		Where(`followed_notes.author_id = ? OR EXISTS (SELECT 1 FROM following
			JOIN users ON users.remote_actor_id = following.remote_actor_id
			WHERE following.user_id = ? AND users.id = followed_notes.author_id
			AND (followed_notes.is_public OR following.accepted))`, memberID, memberID)
	if after != nil {
		q = q.Where("followed_notes.published_at < ? OR (followed_notes.published_at = ? AND followed_notes.id < ?)",
			after.At, after.At, after.ID)
	}
	var out []FollowedNote
	err := q.Order("followed_notes.published_at DESC, followed_notes.id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// PublicNotesBy lists an author's newest live public notes, for their
// profile page.
func (s *Store) PublicNotesBy(ctx context.Context, authorID int64, limit int) ([]FollowedNote, error) {
	var out []FollowedNote
	err := s.DB(ctx).Where("author_id = ? AND is_public AND deleted_at IS NULL", authorID).
		Order("published_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// FollowedAccounts lists the remote actors memberID follows, with whether
// each follow was accepted, newest follow first.
func (s *Store) FollowedAccounts(ctx context.Context, memberID int64, limit int) ([]Following, error) {
	var out []Following
	err := s.DB(ctx).Where("user_id = ?", memberID).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// DeleteRejectedFollowing removes the follow a Reject answered; it reports
// whether one matched.
func (s *Store) DeleteRejectedFollowing(ctx context.Context, followActivityID string, remoteActorID int64) (bool, error) {
	res := s.DB(ctx).Where("follow_activity_id = ? AND remote_actor_id = ?", followActivityID, remoteActorID).Delete(&Following{})
	return res.RowsAffected > 0, res.Error
}
