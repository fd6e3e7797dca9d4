package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// States of a remote attachment (migration 0520).
const (
	// RemoteMediaPending waits for a fetch worker (or for the cache to
	// be turned on).
	RemoteMediaPending = "pending"
	// RemoteMediaCached has a local copy: Hash names it in uploads.
	RemoteMediaCached = "cached"
	// RemoteMediaFailed could not be copied (refused, gone, or too many
	// transient failures); the page links to the origin.
	RemoteMediaFailed = "failed"
	// RemoteMediaLink is not an image: shown as a link, never fetched.
	RemoteMediaLink = "link"
	// RemoteMediaEvicted lost its copy to the cache bound.
	RemoteMediaEvicted = "evicted"
)

// RemoteAttachment is one attachment of a post from the fediverse, and the
// cache entry of its local copy.
type RemoteAttachment struct {
	ID          int64 `gorm:"primaryKey"`
	PostID      int64
	Position    int
	Kind        string // image, video, audio, document
	MediaType   string // as the origin claimed it; never trusted for serving
	URL         string // the origin's address of the file
	Name        string // the alt text
	Width       int
	Height      int
	Blurhash    string
	State       string
	ClaimedBy   string
	LockedUntil *time.Time
	NextAt      *time.Time
	Attempts    int
	Hash        string // the local copy in uploads, when cached
	Size        int64  // bytes of the local copy (original and variants), when cached
	LastUsedAt  *time.Time
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AddRemoteAttachments inserts a post's attachments in one statement.
func (s *Store) AddRemoteAttachments(ctx context.Context, rows []RemoteAttachment) error {
	if len(rows) == 0 {
		return nil
	}
	return s.DB(ctx).Create(&rows).Error
}

// DeleteRemoteAttachments drops a post's attachments; the files they
// cached are then unreferenced and the media collector takes them after
// its grace period.
func (s *Store) DeleteRemoteAttachments(ctx context.Context, postID int64) error {
	return s.DB(ctx).Where("post_id = ?", postID).Delete(&RemoteAttachment{}).Error
}

// DeleteRemoteAttachmentsBy drops the attachments of every post of userID
// (a remote account deleted at its origin).
func (s *Store) DeleteRemoteAttachmentsBy(ctx context.Context, userID int64) error {
	return s.DB(ctx).Where("post_id IN (SELECT id FROM posts WHERE user_id = ?)", userID).Delete(&RemoteAttachment{}).Error
}

// RemoteAttachmentsOf lists a post's attachments in their order.
func (s *Store) RemoteAttachmentsOf(ctx context.Context, postID int64) ([]RemoteAttachment, error) {
	var rows []RemoteAttachment
	err := s.DB(ctx).Where("post_id = ?", postID).Order("position").Find(&rows).Error
	return rows, err
}

// RemoteAttachmentCard is what a thread page shows of an attachment, with
// the variant widths of its cached copy ("400,800"; empty when not cached).
type RemoteAttachmentCard struct {
	ID       int64
	PostID   int64
	Kind     string
	URL      string
	Name     string
	Width    int
	Height   int
	State    string
	Variants string
}

// RemoteAttachmentsByPosts lists the attachments of several posts (one
// thread page) in one query, by post and position; only the columns a
// page shows, as it is read on every view.
func (s *Store) RemoteAttachmentsByPosts(ctx context.Context, postIDs []int64) ([]RemoteAttachmentCard, error) {
	if len(postIDs) == 0 {
		return nil, nil
	}
	var rows []RemoteAttachmentCard
	err := s.DB(ctx).Table("remote_attachments ra").
		Select("ra.id, ra.post_id, ra.kind, ra.url, ra.name, ra.width, ra.height, ra.state, COALESCE(u.variants, '') AS variants").
		Joins("LEFT JOIN uploads u ON u.hash = ra.hash AND ra.hash <> ''").
		Where("ra.post_id IN ?", postIDs).Order("ra.post_id, ra.position").
		Scan(&rows).Error
	return rows, err
}

// RemoteAttachmentByID loads one attachment, or ErrNotFound.
func (s *Store) RemoteAttachmentByID(ctx context.Context, id int64) (*RemoteAttachment, error) {
	var r RemoteAttachment
	err := s.DB(ctx).Where("id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &r, err
}

// ClaimRemoteAttachments claims up to limit attachments due for a fetch,
// for lease, as the delivery queue claims jobs (one UPDATE; SKIP LOCKED on
// PostgreSQL), so several processes never fetch the same file at once.
func (s *Store) ClaimRemoteAttachments(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]RemoteAttachment, error) {
	token, err := s.claimRows(ctx, "remote_attachments", "state = 'pending' AND (next_at IS NULL OR next_at <= ?)", []any{now}, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var rows []RemoteAttachment
	err = s.DB(ctx).Where("claimed_by = ? AND state = ?", token, QueueProcessing).Order("id").Find(&rows).Error
	return rows, err
}

// FinishRemoteAttachment records a fetch's outcome if the claim is still
// the caller's (a worker whose lease ran out changes nothing), reporting
// whether it did.
func (s *Store) FinishRemoteAttachment(ctx context.Context, id int64, claim string, fields map[string]any) (bool, error) {
	fields["claimed_by"], fields["locked_until"] = "", nil
	if e, ok := fields["last_error"].(string); ok {
		fields["last_error"] = truncate(e, 300)
	}
	res := s.DB(ctx).Model(&RemoteAttachment{}).Where("id = ? AND claimed_by = ? AND state = ?", id, claim, QueueProcessing).Updates(fields)
	return res.RowsAffected == 1, res.Error
}

// TouchRemoteAttachment moves a cached attachment's last use to at unless
// it was used after stale already: one write per attachment per interval
// however often it is served.
func (s *Store) TouchRemoteAttachment(ctx context.Context, id int64, at, stale time.Time) error {
	return s.DB(ctx).Model(&RemoteAttachment{}).Where("id = ? AND state = ? AND last_used_at < ?", id, RemoteMediaCached, stale).
		UpdateColumn("last_used_at", at).Error
}

// CachedRemoteBytes is the size of the remote media cache.
func (s *Store) CachedRemoteBytes(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&RemoteAttachment{}).Where("state = ?", RemoteMediaCached).
		Select("COALESCE(SUM(size), 0)").Scan(&n).Error
	return n, err
}

// LeastUsedRemoteAttachments lists up to limit cached attachments, least
// recently used first: what eviction takes.
func (s *Store) LeastUsedRemoteAttachments(ctx context.Context, limit int) ([]RemoteAttachment, error) {
	var rows []RemoteAttachment
	err := s.DB(ctx).Where("state = ?", RemoteMediaCached).Order("last_used_at, id").Limit(limit).Find(&rows).Error
	return rows, err
}

// EvictRemoteAttachment drops the local copy of r if it is still cached
// and unused since it was listed, reporting whether it did: of several
// processes evicting at once, one wins each row, and an attachment served
// meanwhile stays.
func (s *Store) EvictRemoteAttachment(ctx context.Context, r *RemoteAttachment, now time.Time) (bool, error) {
	q := s.DB(ctx).Model(&RemoteAttachment{}).Where("id = ? AND state = ?", r.ID, RemoteMediaCached)
	if r.LastUsedAt != nil {
		q = q.Where("last_used_at = ?", *r.LastUsedAt)
	}
	res := q.Updates(map[string]any{"state": RemoteMediaEvicted, "hash": "", "size": 0, "updated_at": now})
	return res.RowsAffected == 1, res.Error
}

// RequeueEvicted puts evicted attachments among ids back in the fetch
// queue (a page shows them again: the cache's miss path).
func (s *Store) RequeueEvicted(ctx context.Context, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return s.DB(ctx).Model(&RemoteAttachment{}).Where("id IN ? AND state = ?", ids, RemoteMediaEvicted).
		Updates(map[string]any{"state": RemoteMediaPending, "attempts": 0, "next_at": nil, "updated_at": now}).Error
}

// SaveRemoteUpload records the local copy of a remote file in uploads (no
// member's daily allowance is charged), its last use moved to at when the
// same content is stored already.
func (s *Store) SaveRemoteUpload(ctx context.Context, u *Upload, at time.Time) error {
	u.CreatedAt, u.LastUsedAt = at, at
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "hash"}},
		DoUpdates: clause.Assignments(map[string]any{"last_used_at": at}),
	}).Create(u).Error
}
