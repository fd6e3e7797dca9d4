package models

import (
	"context"

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

// ThreadCategory loads a thread (deleted or not) with its category in one
// statement, for the visibility check every id-taking entry point makes;
// ErrNotFound when either is missing.
func (s *Store) ThreadCategory(ctx context.Context, threadID int64) (*Thread, *Category, error) {
	rows, err := s.DB(ctx).Raw("SELECT "+threadCategorySelect+" FROM threads t JOIN categories c ON c.id = t.category_id WHERE t.id = ?", threadID).Rows()
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	if err := firstRow(rows); err != nil {
		return nil, nil, err
	}
	t, c := &Thread{}, &Category{}
	if err := rows.Scan(threadCategoryFields(t, c)...); err != nil {
		return nil, nil, err
	}
	return t, c, rows.Close()
}
