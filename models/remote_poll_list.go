package models

import (
	"context"
	"time"
)

// FollowedRemotePolls lists open remote polls shown in no thread here
// (Questions that arrived as new posts) whose authors the member userID
// follows, newest first, ids below beforeID when it is not 0.
func (s *Store) FollowedRemotePolls(ctx context.Context, userID int64, now time.Time, beforeID int64, limit int) ([]Poll, error) {
	followed := s.DB(ctx).Model(&Following{}).Select("remote_actor_id").Where("user_id = ?", userID)
	q := s.DB(ctx).Where("post_id IS NULL AND ap_id IS NOT NULL AND closed_at IS NULL AND (closes_at IS NULL OR closes_at > ?)", now).
		Where("remote_actor_id IN (?)", followed)
	if beforeID > 0 {
		q = q.Where("id < ?", beforeID)
	}
	var ps []Poll
	err := q.Order("id DESC").Limit(limit).Find(&ps).Error
	return ps, err
}
