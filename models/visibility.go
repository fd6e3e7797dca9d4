package models

import (
	"context"
	"sync"

	"gorm.io/gorm"
)

// OutsideCategories is the visibility scope every list of threads, posts or
// what hangs off them composes: it keeps only rows whose category column
// (e.g. "threads.category_id") is not one of hidden. forum decides hidden
// for each viewer (the private categories they may not see); nil hides
// nothing and adds nothing to the query.
func OutsideCategories(column string, hidden []int64) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		if len(hidden) == 0 {
			return db
		}
		return db.Where(column+" NOT IN ?", hidden)
	}
}

// PrivateCategoryIDs lists the ids of the ambassadors-only categories: a
// handful at most, read on the request (never cached in the process, so a
// category made private is private at once everywhere).
func (s *Store) PrivateCategoryIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&Category{}).Where("ambassadors_only = ?", true).Order("id").Pluck("id", &ids).Error
	return ids, err
}

// threadCategory is one joined row of a thread and its category.
type threadCategory struct {
	Thread   Thread   `gorm:"embedded;embeddedPrefix:t__"`
	Category Category `gorm:"embedded;embeddedPrefix:c__"`
}

var (
	threadCategoryOnce sync.Once
	threadCategorySQL  string
	threadCategoryErr  error
)

// ThreadCategory loads a thread (deleted or not) with its category in one
// statement, for the visibility check every id-taking entry point makes;
// ErrNotFound when either is missing.
func (s *Store) ThreadCategory(ctx context.Context, threadID int64) (*Thread, *Category, error) {
	threadCategoryOnce.Do(func() {
		var t, c string
		if t, threadCategoryErr = s.selectColumns(&Thread{}, "t", "t__"); threadCategoryErr != nil {
			return
		}
		if c, threadCategoryErr = s.selectColumns(&Category{}, "c", "c__"); threadCategoryErr != nil {
			return
		}
		threadCategorySQL = "SELECT " + t + ", " + c + " FROM threads t JOIN categories c ON c.id = t.category_id WHERE t.id = ?"
	})
	if threadCategoryErr != nil {
		return nil, nil, threadCategoryErr
	}
	var rows []threadCategory
	if err := s.DB(ctx).Raw(threadCategorySQL, threadID).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, ErrNotFound
	}
	return &rows[0].Thread, &rows[0].Category, nil
}
