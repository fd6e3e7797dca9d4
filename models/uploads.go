package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Upload is one stored file, by content hash (migration 0500). Variants
// lists the widths of its resized copies ("400,800").
type Upload struct {
	Hash       string `gorm:"primaryKey;size:64"`
	Size       int64
	Mime       string
	Width      int
	Height     int
	Variants   string
	UploaderID int64
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// UploadRef says a post shows an upload.
type UploadRef struct {
	PostID int64  `gorm:"primaryKey;autoIncrement:false"`
	Hash   string `gorm:"primaryKey"`
}

// MemberUpload is one upload act, counted for the daily limit.
type MemberUpload struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	Hash      string
	Size      int64
	CreatedAt time.Time
}

// SaveUpload records an upload: the file row (kept if the same content
// was stored before, its last use moved to at) and the member's act.
func (s *Store) SaveUpload(ctx context.Context, u *Upload, at time.Time) error {
	db := s.DB(ctx)
	u.CreatedAt, u.LastUsedAt = at, at
	if err := db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "hash"}},
		DoUpdates: clause.Assignments(map[string]any{"last_used_at": at}),
	}).Create(u).Error; err != nil {
		return err
	}
	return db.Create(&MemberUpload{UserID: u.UploaderID, Hash: u.Hash, Size: u.Size, CreatedAt: at}).Error
}

// UploadedBytesSince is what a member uploaded since since.
func (s *Store) UploadedBytesSince(ctx context.Context, userID int64, since time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&MemberUpload{}).Where("user_id = ? AND created_at > ?", userID, since).
		Select("COALESCE(SUM(size), 0)").Scan(&n).Error
	return n, err
}

// UploadByHash reads one upload.
func (s *Store) UploadByHash(ctx context.Context, hash string) (*Upload, error) {
	var u Upload
	err := s.DB(ctx).Where("hash = ?", hash).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &u, err
}

// UploadsByHash reads the uploads among hashes that exist.
func (s *Store) UploadsByHash(ctx context.Context, hashes []string) ([]Upload, error) {
	if len(hashes) == 0 {
		return nil, nil
	}
	var us []Upload
	err := s.DB(ctx).Where("hash IN ?", hashes).Find(&us).Error
	return us, err
}

// SetPostUploads replaces the uploads a post references.
func (s *Store) SetPostUploads(ctx context.Context, postID int64, hashes []string) error {
	db := s.DB(ctx)
	if err := db.Where("post_id = ?", postID).Delete(&UploadRef{}).Error; err != nil {
		return err
	}
	if len(hashes) == 0 {
		return nil
	}
	refs := make([]UploadRef, len(hashes))
	for i, h := range hashes {
		refs[i] = UploadRef{PostID: postID, Hash: h}
	}
	return db.Clauses(clause.OnConflict{DoNothing: true}).Create(&refs).Error
}

// PostUploads lists the uploads a post references, in hash order.
func (s *Store) PostUploads(ctx context.Context, postID int64) ([]Upload, error) {
	var us []Upload
	err := s.DB(ctx).Joins("JOIN upload_refs r ON r.hash = uploads.hash").
		Where("r.post_id = ?", postID).Order("uploads.hash").Find(&us).Error
	return us, err
}

// UnreferencedUploads lists up to limit uploads no post references (nor
// a post waiting for approval, which has no id to reference yet), no
// member uses as avatar (avatar_file "media:<hash><ext>"), no remote post's attachment
// holds as its cached copy (remote_attachments), last uploaded before cutoff: what the garbage
// collector may delete.
func (s *Store) UnreferencedUploads(ctx context.Context, cutoff time.Time, limit int) ([]Upload, error) {
	var us []Upload
	err := s.DB(ctx).Where("last_used_at < ?", cutoff).
		Where("NOT EXISTS (SELECT 1 FROM upload_refs r WHERE r.hash = uploads.hash)").
		Where("NOT EXISTS (SELECT 1 FROM users u WHERE u.avatar_file LIKE 'media:' || uploads.hash || '%')").
		Where("NOT EXISTS (SELECT 1 FROM held_posts h WHERE h.state = 'pending' AND h.body LIKE '%' || uploads.hash || '%')").
		Where("NOT EXISTS (SELECT 1 FROM remote_attachments ra WHERE ra.hash = uploads.hash)").
		Order("last_used_at").Limit(limit).Find(&us).Error
	return us, err
}

// DeleteUploadIfUnreferenced removes the row of an upload if it is still
// collectable (nothing referenced or re-uploaded it since it was listed),
// reporting whether it did; the caller deletes the files only then, so two
// collectors never both act, and a file re-uploaded meanwhile stays.
func (s *Store) DeleteUploadIfUnreferenced(ctx context.Context, hash string, cutoff time.Time) (bool, error) {
	res := s.DB(ctx).Where("hash = ? AND last_used_at < ?", hash, cutoff).
		Where("NOT EXISTS (SELECT 1 FROM upload_refs r WHERE r.hash = uploads.hash)").
		Where("NOT EXISTS (SELECT 1 FROM users u WHERE u.avatar_file LIKE 'media:' || uploads.hash || '%')").
		Where("NOT EXISTS (SELECT 1 FROM held_posts h WHERE h.state = 'pending' AND h.body LIKE '%' || uploads.hash || '%')").
		Where("NOT EXISTS (SELECT 1 FROM remote_attachments ra WHERE ra.hash = uploads.hash)").
		Delete(&Upload{})
	return res.RowsAffected == 1, res.Error
}
