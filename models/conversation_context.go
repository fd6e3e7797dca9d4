package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// RemoteContext ties a fediverse conversation's context id (FEP-7888, the
// `context` of its Notes) to the Hearth thread its replies joined
// (migration 0450). The first thread to record a context keeps it.
type RemoteContext struct {
	ID        int64  `gorm:"primaryKey"`
	ContextID string `gorm:"size:2048;not null;uniqueIndex"`
	ThreadID  int64  `gorm:"not null;index"`
	CreatedAt time.Time
}

// RecordRemoteContext stores that contextID's replies belong to threadID;
// a context already recorded keeps its thread.
// inserted is true the first time.
func (s *Store) RecordRemoteContext(ctx context.Context, contextID string, threadID int64, now time.Time) (inserted bool, err error) {
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&RemoteContext{ContextID: contextID, ThreadID: threadID, CreatedAt: now})
	return res.RowsAffected > 0, res.Error
}

// ThreadForRemoteContext is the thread recorded for contextID, or ErrNotFound.
func (s *Store) ThreadForRemoteContext(ctx context.Context, contextID string) (int64, error) {
	var rows []RemoteContext
	if err := s.DB(ctx).Where("context_id = ?", contextID).Limit(1).Find(&rows).Error; err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, ErrNotFound
	}
	return rows[0].ThreadID, nil
}

// RemoteContextsOfThread lists up to limit context ids recorded for a
// thread, oldest first: where its remote replies' conversations live.
func (s *Store) RemoteContextsOfThread(ctx context.Context, threadID int64, limit int) ([]string, error) {
	var ids []string
	err := s.DB(ctx).Model(&RemoteContext{}).Where("thread_id = ?", threadID).Order("id").Limit(limit).Pluck("context_id", &ids).Error
	return ids, err
}

// MoveRemoteContexts points the contexts recorded for thread from at
// thread into (a merge).
func (s *Store) MoveRemoteContexts(ctx context.Context, from, into int64) error {
	return s.DB(ctx).Model(&RemoteContext{}).Where("thread_id = ?", from).Update("thread_id", into).Error
}
