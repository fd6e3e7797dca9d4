package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// MemberSeenDay records that a local member used the site on a UTC day
// (migration 0230): written at sign-in and on a session's first use of a
// day, so it survives logout and session expiry, which delete the session
// row the activity figures otherwise read. FirstAt is the first use that
// day, so a partial day [day start, t) counts exactly who was seen before t.
type MemberSeenDay struct {
	UserID  int64     `gorm:"primaryKey;autoIncrement:false"`
	Day     string    `gorm:"primaryKey;size:10"`
	FirstAt time.Time `gorm:"not null"`
}

// MarkSeen records the member as seen on day at at, unless already seen
// that day (a concurrent write from another process is harmless: the
// first row stays).
//
// A new day also moves users.last_seen_at (migration 0361) to at, so the
// staff member list filters and sorts on an indexed column: written once
// a member and day, like the row.
func (s *Store) MarkSeen(ctx context.Context, userID int64, day string, at time.Time) error {
	r := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&MemberSeenDay{UserID: userID, Day: day, FirstAt: at})
	if r.Error != nil || r.RowsAffected == 0 {
		return r.Error
	}
	return s.DB(ctx).Model(&User{}).Where("id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)", userID, at).
		UpdateColumn("last_seen_at", at).Error
}

// seenBetweenSQL is the activity predicate for users.id: a session used or
// started in [from, to), or a seen-day row (kept after logout) first used
// in it. Its arguments are from, to three times.
const seenBetweenSQL = `(EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = users.id AND ((s.last_seen_at >= ? AND s.last_seen_at < ?) OR (s.created_at >= ? AND s.created_at < ?)))
			OR EXISTS (SELECT 1 FROM member_seen_days sd WHERE sd.user_id = users.id AND sd.first_at >= ? AND sd.first_at < ?))`

// seenArgs repeats from, to as seenBetweenSQL wants them.
func seenArgs(from, to time.Time) []any { return []any{from, to, from, to, from, to} }
