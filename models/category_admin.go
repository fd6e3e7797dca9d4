package models

import (
	"context"
	"time"
)

// CategorySlugHistory maps a slug a category no longer has (renamed, or
// deleted into another category) to the category that answers it now
// (migration 0330).
type CategorySlugHistory struct {
	Slug       string `gorm:"primaryKey;size:50"`
	CategoryID int64  `gorm:"not null;index"`
	CreatedAt  time.Time
}

// TableName keeps the singular name the migration gave the table.
func (CategorySlugHistory) TableName() string { return "category_slug_history" }

// CategoryByOldSlug loads the category an old slug now leads to.
func (s *Store) CategoryByOldSlug(ctx context.Context, slug string) (*Category, error) {
	var h CategorySlugHistory
	if err := s.DB(ctx).Where("slug = ?", slug).First(&h).Error; err != nil {
		return nil, notFound(err)
	}
	return s.CategoryByID(ctx, h.CategoryID)
}

// SaveCategory writes the editable columns of c and bumps updated_at, which
// the page caches key on.
func (s *Store) SaveCategory(ctx context.Context, c *Category, now time.Time) error {
	c.UpdatedAt = now
	return s.DB(ctx).Model(&Category{}).Where("id = ?", c.ID).Updates(map[string]any{
		"name": c.Name, "slug": c.Slug, "description": c.Description, "color": c.Color,
		"parent_id": c.ParentID, "position": c.Position, "ambassadors_only": c.AmbassadorsOnly,
		"staff_only_threads": c.StaffOnlyThreads,
		"ap_slug":            c.APSlug, "updated_at": now,
	}).Error
}

// RecordOldSlug points an old slug at a category (replacing where it led
// before), and forgets the category's new slug as an old one: a category
// renamed back to an earlier slug answers it directly again.
func (s *Store) RecordOldSlug(ctx context.Context, old, current string, categoryID int64, now time.Time) error {
	if err := s.DB(ctx).Where("slug IN ?", []string{old, current}).Delete(&CategorySlugHistory{}).Error; err != nil {
		return err
	}
	return s.DB(ctx).Create(&CategorySlugHistory{Slug: old, CategoryID: categoryID, CreatedAt: now}).Error
}

// OldSlugOwner is the category an old slug belongs to, or 0.
func (s *Store) OldSlugOwner(ctx context.Context, slug string) (int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&CategorySlugHistory{}).Where("slug = ?", slug).Limit(1).Pluck("category_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// CountSubcategories is how many categories have id as their parent.
func (s *Store) CountSubcategories(ctx context.Context, id int64) (int, error) {
	var n int64
	err := s.DB(ctx).Model(&Category{}).Where("parent_id = ?", id).Count(&n).Error
	return int(n), err
}

// MergeCategoryInto moves everything that lives in category `from` into
// `to` and deletes `from`: its threads (deleted ones too), held new threads
// and scheduled announcements go to `to`, which takes over its denormalised counts; its old
// slugs and its own slug lead to `to`; its followers, moderator scopes and
// members' notification levels go with it (they were about that
// category, and carrying them over would grant or subscribe to what
// nobody chose). It returns how many threads moved.
func (s *Store) MergeCategoryInto(ctx context.Context, from *Category, to int64, now time.Time) (int, error) {
	db := s.DB(ctx)
	res := db.Model(&Thread{}).Where("category_id = ?", from.ID).
		Updates(map[string]any{"category_id": to, "updated_at": now})
	if res.Error != nil {
		return 0, res.Error
	}
	moved := int(res.RowsAffected)
	for _, m := range []any{&HeldPost{}, &ScheduledThread{}} {
		if err := db.Model(m).Where("category_id = ?", from.ID).UpdateColumn("category_id", to).Error; err != nil {
			return 0, err
		}
	}
	last := now
	if from.LastPostAt != nil {
		last = *from.LastPostAt
	}
	if from.ThreadCount != 0 || from.PostCount != 0 {
		if err := s.AdjustCategoryCounts(ctx, to, from.ThreadCount, from.PostCount, last); err != nil {
			return 0, err
		}
	}
	if err := db.Model(&CategorySlugHistory{}).Where("category_id = ?", from.ID).UpdateColumn("category_id", to).Error; err != nil {
		return 0, err
	}
	if err := s.RecordOldSlug(ctx, from.Slug, "", to, now); err != nil {
		return 0, err
	}
	for _, q := range []struct {
		model any
		where string
		kind  string
	}{
		{&Follower{}, "local_actor_type = ? AND local_actor_id = ?", ActorTypeCategory},
		{&NotificationLevel{}, "target_kind = ? AND target_id = ?", TargetCategory},
	} {
		if err := db.Where(q.where, q.kind, from.ID).Delete(q.model).Error; err != nil {
			return 0, err
		}
	}
	if err := db.Where("category_id = ?", from.ID).Delete(&RoleCategory{}).Error; err != nil {
		return 0, err
	}
	if err := db.Delete(&Category{}, from.ID).Error; err != nil {
		return 0, err
	}
	return moved, s.TouchCategory(ctx, to, now)
}
