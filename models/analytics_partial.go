package models

import (
	"context"
	"time"
)

// DayPartial is today's figures up to Upto, as the rollup worker last
// computed them (migration 0175). Data is encoded by forum. The row is
// usable only while Changes == BaseChanges: triggers bump Changes on every
// write that could alter figures already counted.
type DayPartial struct {
	Day         string
	DayStart    time.Time
	Upto        time.Time
	Format      int
	Data        []byte
	Changes     int64
	BaseChanges int64
}

// Usable reports whether no counted fact changed since the data was read.
func (p *DayPartial) Usable() bool { return p.Changes == p.BaseChanges }

// ClaimDayPartial takes the right to (re)compute day's partial for lease,
// unless another process holds it or it was computed at or after
// freshAfter and is still usable. It returns the change count to store
// with the data: read before the data is, so a write that lands while the
// data is read leaves the new partial unusable rather than wrong.
func (s *Store) ClaimDayPartial(ctx context.Context, day, token string, now, freshAfter time.Time, lease time.Duration) (bool, int64, error) {
	if err := s.DB(ctx).Exec(
		"INSERT INTO rollup_partials (day, claimed_by, changes, base_changes) VALUES (?, '', 0, -1) ON CONFLICT DO NOTHING", day).Error; err != nil {
		return false, 0, err
	}
	res := s.DB(ctx).Exec(`UPDATE rollup_partials SET claimed_by = ?, locked_until = ?
		WHERE day = ? AND (locked_until IS NULL OR locked_until < ?)
		AND (computed_at IS NULL OR computed_at < ? OR changes <> base_changes)`, token, now.Add(lease), day, now, freshAfter)
	if res.Error != nil || res.RowsAffected != 1 {
		return false, 0, res.Error
	}
	var changes []int64
	err := s.DB(ctx).Raw("SELECT changes FROM rollup_partials WHERE day = ?", day).Scan(&changes).Error
	if err == nil && len(changes) != 1 {
		return false, 0, ErrNotFound
	}
	if err != nil {
		return false, 0, err
	}
	return true, changes[0], nil
}

// SaveDayPartial stores the claimer's data (read when the change count was
// base) and drops other days' partials, which no request can use.
func (s *Store) SaveDayPartial(ctx context.Context, p *DayPartial, token string, now time.Time) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		db := s.DB(ctx)
		if err := db.Exec(`UPDATE rollup_partials SET day_start = ?, upto = ?, computed_at = ?, format = ?, data = ?,
			base_changes = ?, locked_until = NULL WHERE day = ? AND claimed_by = ?`,
			p.DayStart, p.Upto, now, p.Format, p.Data, p.BaseChanges, p.Day, token).Error; err != nil {
			return err
		}
		return db.Exec("DELETE FROM rollup_partials WHERE day <> ?", p.Day).Error
	})
}

// ReleaseDayPartial gives a claim up after a failed computation.
func (s *Store) ReleaseDayPartial(ctx context.Context, day, token string) error {
	return s.DB(ctx).Exec("UPDATE rollup_partials SET locked_until = NULL WHERE day = ? AND claimed_by = ?", day, token).Error
}

// DayPartialFor returns day's computed partial, nil when there is none.
func (s *Store) DayPartialFor(ctx context.Context, day string) (*DayPartial, error) {
	rows, err := s.DB(ctx).Raw(`SELECT day, day_start, upto, format, data, changes, base_changes FROM rollup_partials
		WHERE day = ? AND computed_at IS NOT NULL`, day).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	p := &DayPartial{}
	if err := rows.Scan(&p.Day, &p.DayStart, &p.Upto, &p.Format, &p.Data, &p.Changes, &p.BaseChanges); err != nil {
		return nil, err
	}
	return p, rows.Err()
}

// DeleteDayPartials removes every partial (an admin reset, and the
// benchmark of the path without one).
func (s *Store) DeleteDayPartials(ctx context.Context) error {
	return s.DB(ctx).Exec("DELETE FROM rollup_partials").Error
}

// PostWrite is a live post's thread, author and time.
type PostWrite struct {
	ThreadID, UserID int64
	CreatedAt        time.Time
}

// PostWritesBetween lists the live posts written in [from, to), in any
// thread, oldest first: what may answer a newcomer's first post since.
func (s *Store) PostWritesBetween(ctx context.Context, from, to time.Time) ([]PostWrite, error) {
	var out []PostWrite
	err := s.DB(ctx).Raw(`SELECT thread_id, user_id, created_at FROM posts
		WHERE created_at >= ? AND created_at < ? AND deleted_at IS NULL ORDER BY created_at`, from, to).Scan(&out).Error
	return out, err
}
