package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copy of the model migration 0230 created; never edit it (see
// schema_v1.go).
type v230MemberSeenDay struct {
	UserID  int64     `gorm:"primaryKey;autoIncrement:false"`
	Day     string    `gorm:"primaryKey;size:10"`
	FirstAt time.Time `gorm:"not null;index:idx_member_seen_days_first"`
}

func (v230MemberSeenDay) TableName() string { return "member_seen_days" }

// migrateSeenDays records the days a member used the site: one row per
// member and UTC day, written when they sign in and on a session's first
// use of a day. A session row keeps only its last use and is deleted on
// logout, so without these rows a member who logged out was not counted
// active (DAU/WAU/MAU, retention).
func migrateSeenDays(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v230MemberSeenDay{})
}
