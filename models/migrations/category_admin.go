package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of what migration 0330 created; never edit them (see
// schema_v1.go).
type v330Category struct {
	APSlug           string `gorm:"column:ap_slug;size:50;not null;default:''"`
	StaffOnlyThreads bool   `gorm:"not null;default:false"`
}

func (v330Category) TableName() string { return "categories" }

type v330CategorySlugHistory struct {
	Slug       string `gorm:"primaryKey;size:50"`
	CategoryID int64  `gorm:"not null;index"`
	CreatedAt  time.Time
}

func (v330CategorySlugHistory) TableName() string { return "category_slug_history" }

// migrateCategoryAdmin lets admins rename categories without breaking links
// or the fediverse: ap_slug is the slug the category's ActivityPub actor id
// was built from (its first slug; ids are forever, followers hold it), and
// category_slug_history maps every old slug to the category that now
// answers it, for the redirects. staff_only_threads is the post permission:
// only the category's moderators and admins start threads there.
func migrateCategoryAdmin(tx *gorm.DB) error {
	for _, col := range []string{"APSlug", "StaffOnlyThreads"} {
		if err := tx.Migrator().AddColumn(&v330Category{}, col); err != nil {
			return err
		}
	}
	if err := tx.Exec("UPDATE categories SET ap_slug = slug").Error; err != nil {
		return err
	}
	return tx.Migrator().CreateTable(&v330CategorySlugHistory{})
}
