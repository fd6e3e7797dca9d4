package models

import (
	"context"
	"time"
)

// UserSessions lists a member's live sessions, most recently used first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]Session, error) {
	var l []Session
	err := s.DB(ctx).Where("user_id = ? AND expires_at > ?", userID, now).
		Order("last_seen_at DESC, created_at DESC").Limit(200).Find(&l).Error
	return l, err
}

// DeleteUserSession ends the member's session with this public id; false
// when the member has no such session (someone else's id included).
func (s *Store) DeleteUserSession(ctx context.Context, userID int64, publicID string) (bool, error) {
	r := s.DB(ctx).Where("user_id = ? AND public_id = ?", userID, publicID).Delete(&Session{})
	return r.RowsAffected > 0, r.Error
}

// DeleteOtherSessions ends every session of the member but the one with
// this hash, and says how many.
func (s *Store) DeleteOtherSessions(ctx context.Context, userID int64, keepHash string) (int64, error) {
	r := s.DB(ctx).Where("user_id = ? AND id <> ?", userID, keepHash).Delete(&Session{})
	return r.RowsAffected, r.Error
}
