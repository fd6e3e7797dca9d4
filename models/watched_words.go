package models

import (
	"context"
	"time"
)

// Watched-word actions.
const (
	WordBlock   = "block"   // refuse the post, naming the word
	WordHold    = "hold"    // send it to the approval queue
	WordReplace = "replace" // substitute Replacement for the match
)

// WatchedWordsVersion names the content_versions row bumped on every change
// to watched_words.
const WatchedWordsVersion = "watched_words"

// WatchedWord is one pattern staff watch for (migration 0090): a plain word
// or phrase with optional * wildcards, matched on word boundaries ignoring
// case, or a regular expression when Regex is set.
type WatchedWord struct {
	ID          int64  `gorm:"primaryKey"`
	Pattern     string `gorm:"size:200;not null"`
	Regex       bool   `gorm:"not null;default:false"`
	Action      string `gorm:"size:16;not null"`
	Replacement string `gorm:"size:200;not null;default:''"`
	CreatedBy   int64  `gorm:"not null"`
	CreatedAt   time.Time
}

// WatchedWords lists every watched word, oldest first.
func (s *Store) WatchedWords(ctx context.Context) ([]WatchedWord, error) {
	var out []WatchedWord
	err := s.DB(ctx).Order("id").Find(&out).Error
	return out, err
}

// WatchedWordByID loads one watched word.
func (s *Store) WatchedWordByID(ctx context.Context, id int64) (*WatchedWord, error) {
	var w WatchedWord
	if err := s.DB(ctx).First(&w, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &w, nil
}

// CreateWatchedWord inserts w and bumps the list's version in the caller's
// transaction.
func (s *Store) CreateWatchedWord(ctx context.Context, w *WatchedWord) error {
	if err := s.DB(ctx).Create(w).Error; err != nil {
		return err
	}
	return s.BumpContentVersion(ctx, WatchedWordsVersion)
}

// DeleteWatchedWord removes one watched word and bumps the list's version.
func (s *Store) DeleteWatchedWord(ctx context.Context, id int64) error {
	if err := s.DB(ctx).Where("id = ?", id).Delete(&WatchedWord{}).Error; err != nil {
		return err
	}
	return s.BumpContentVersion(ctx, WatchedWordsVersion)
}
