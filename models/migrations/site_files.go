package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0380 created; never edit it (see
// schema_v1.go).
type v380SiteFile struct {
	Name        string `gorm:"primaryKey;size:100"`
	ContentType string `gorm:"size:50;not null"`
	Data        []byte `gorm:"not null"`
	CreatedAt   time.Time
}

func (v380SiteFile) TableName() string { return "site_files" }

// migrateSiteFiles keeps the logo and favicon in the database
// (site_files), so every process behind a load balancer serves the image
// another process stored; they were files under one process's data
// directory before (migration 0320, never released).
func migrateSiteFiles(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v380SiteFile{})
}
