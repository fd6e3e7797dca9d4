package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0320 created; never edit it (see
// schema_v1.go).
type v320SiteSettings struct {
	ID           int64     `gorm:"primaryKey;autoIncrement:false"`
	Version      int64     `gorm:"not null;default:0"`
	Name         string    `gorm:"size:80;not null;default:''"`
	Description  string    `gorm:"size:300;not null;default:''"`
	LogoFile     string    `gorm:"size:120;not null;default:''"`
	FaviconFile  string    `gorm:"size:120;not null;default:''"`
	Accent       string    `gorm:"size:7;not null;default:''"`
	ContactEmail string    `gorm:"size:254;not null;default:''"`
	Rules        string    `gorm:"type:text;not null;default:''"`
	Terms        string    `gorm:"type:text;not null;default:''"`
	Privacy      string    `gorm:"type:text;not null;default:''"`
	UpdatedBy    int64     `gorm:"not null;default:0"`
	UpdatedAt    time.Time `gorm:"not null"`
}

func (v320SiteSettings) TableName() string { return "site_settings" }

// migrateSiteSettings adds the operator's site settings: one row (id 1),
// made here so the page version read can join it by primary key and every
// save is an UPDATE that bumps version. Empty fields mean the defaults.
func migrateSiteSettings(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v320SiteSettings{}); err != nil {
		return err
	}
	return tx.Create(&v320SiteSettings{ID: 1, UpdatedAt: time.Unix(0, 0).UTC()}).Error
}
