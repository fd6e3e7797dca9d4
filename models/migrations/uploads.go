package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0500 created; never edit them (see
// schema_v1.go).
type v500Upload struct {
	Hash       string `gorm:"primaryKey;size:64"`
	Size       int64  `gorm:"not null"`
	Mime       string `gorm:"size:100;not null"`
	Width      int    `gorm:"not null;default:0"`
	Height     int    `gorm:"not null;default:0"`
	Variants   string `gorm:"size:100;not null;default:''"`
	UploaderID int64  `gorm:"not null;index"`
	CreatedAt  time.Time
	LastUsedAt time.Time `gorm:"not null;index"`
}

func (v500Upload) TableName() string { return "uploads" }

type v500UploadRef struct {
	PostID int64  `gorm:"primaryKey;autoIncrement:false"`
	Hash   string `gorm:"primaryKey;size:64;index"`
}

func (v500UploadRef) TableName() string { return "upload_refs" }

type v500MemberUpload struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_member_uploads_user_time,priority:1"`
	Hash      string    `gorm:"size:64;not null;index"`
	Size      int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null;index:idx_member_uploads_user_time,priority:2"`
}

func (v500MemberUpload) TableName() string { return "member_uploads" }

// migrateUploads adds the media store's index (issue 14): uploads is one
// row per stored file (by content hash), upload_refs says which post uses
// which file (the garbage collector deletes files nothing references),
// member_uploads records each upload act for the per-member daily limit.
// The files themselves live on disk or in S3 (media/), never in the
// database, and no process keeps an index of its own.
func migrateUploads(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v500Upload{}, &v500UploadRef{}, &v500MemberUpload{})
}
