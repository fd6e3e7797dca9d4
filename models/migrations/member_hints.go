package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0570 creates; never edit it (see
// schema_v1.go).
type v570DismissedHint struct {
	UserID      int64     `gorm:"primaryKey;autoIncrement:false"`
	Hint        string    `gorm:"primaryKey;size:40"`
	DismissedAt time.Time `gorm:"not null"`
}

func (v570DismissedHint) TableName() string { return "dismissed_hints" }

// migrateMemberHints keeps which first-time hints each member dismissed (a
// row per member and hint, so it holds on every device and process), and
// adds the site setting naming the category where newcomers introduce
// themselves, by id so renaming it keeps the choice (0 lets the forum
// guess from the categories' names).
func migrateMemberHints(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v570DismissedHint{}); err != nil {
		return err
	}
	return tx.Exec(`ALTER TABLE site_settings ADD COLUMN introductions_category_id BIGINT NOT NULL DEFAULT 0`).Error
}
