package models

import (
	"context"
	"time"
)

// DayPartial is today's figures up to Upto, as the rollup worker last
// computed them (migration 0175). Data is encoded by forum. The row is
// usable only while Changes == BaseChanges: triggers add a
// rollup_partial_changes row for every write that could alter figures
// already counted, and BaseChanges is how many there were when the data
// was read.
type DayPartial struct {
	Day         string
	DayStart    time.Time
	Upto        time.Time
	Format      int
	Data        []byte
	Changes     int64 // rollup_partial_changes rows now (read with the partial)
	BaseChanges int64
}

// Usable reports whether no counted fact changed since the data was read.
func (p *DayPartial) Usable() bool { return p.Changes == p.BaseChanges }

const partialChanges = "(SELECT COUNT(*) FROM rollup_partial_changes)"

// ClaimDayPartial takes the right to (re)compute day's partial up to upto
// for lease, unless another process holds it or it was computed at or
// after freshAfter and is still usable. It returns the change count to
// store with the data: read before the data is, so a write that lands
// while the data is read leaves the new partial unusable rather than
// wrong. The claim records upto as pending first, so a post inserted from
// then on with an earlier time is logged as a change (on PostgreSQL a
// back-dated insert whose trigger ran before the claim and that commits
// only after the data was read is still missed, until the next refresh
// recomputes the day a minute later). Starting a new day
// drops the other days' partials and the change log.
func (s *Store) ClaimDayPartial(ctx context.Context, day, token string, upto, now, freshAfter time.Time, lease time.Duration) (bool, int64, error) {
	db := s.DB(ctx)
	if err := db.Exec("INSERT INTO rollup_partials (day, claimed_by, base_changes) VALUES (?, '', -1) ON CONFLICT DO NOTHING", day).Error; err != nil {
		return false, 0, err
	}
	res := db.Exec(`UPDATE rollup_partials SET claimed_by = ?, locked_until = ?, pending_upto = ?
		WHERE day = ? AND (locked_until IS NULL OR locked_until < ?)
		AND (computed_at IS NULL OR computed_at < ? OR base_changes <> `+partialChanges+`)`, token, now.Add(lease), upto, day, now, freshAfter)
	if res.Error != nil || res.RowsAffected != 1 {
		return false, 0, res.Error
	}
	var first []int64
	if err := db.Raw("SELECT 1 FROM rollup_partials WHERE day = ? AND computed_at IS NULL", day).Scan(&first).Error; err != nil {
		return false, 0, err
	}
	if len(first) > 0 { // today's first partial: whatever else is there is another day's
		if err := db.Exec("DELETE FROM rollup_partials WHERE day <> ?", day).Error; err != nil {
			return false, 0, err
		}
		if err := db.Exec("DELETE FROM rollup_partial_changes").Error; err != nil {
			return false, 0, err
		}
	}
	var changes int64
	if err := db.Raw("SELECT " + partialChanges).Scan(&changes).Error; err != nil {
		return false, 0, err
	}
	return true, changes, nil
}

// SaveDayPartial stores the claimer's data, read when the change count
// was p.BaseChanges.
func (s *Store) SaveDayPartial(ctx context.Context, p *DayPartial, token string, now time.Time) error {
	return s.DB(ctx).Exec(`UPDATE rollup_partials SET day_start = ?, upto = ?, pending_upto = NULL, computed_at = ?, format = ?, data = ?,
		base_changes = ?, locked_until = NULL WHERE day = ? AND claimed_by = ?`,
		p.DayStart, p.Upto, now, p.Format, p.Data, p.BaseChanges, p.Day, token).Error
}

// ReleaseDayPartial gives a claim up after a failed computation.
func (s *Store) ReleaseDayPartial(ctx context.Context, day, token string) error {
	return s.DB(ctx).Exec("UPDATE rollup_partials SET locked_until = NULL WHERE day = ? AND claimed_by = ?", day, token).Error
}

// DayPartialFor returns day's computed partial, nil when there is none.
func (s *Store) DayPartialFor(ctx context.Context, day string) (*DayPartial, error) {
	rows, err := s.DB(ctx).Raw(`SELECT day, day_start, upto, format, data, `+partialChanges+`, base_changes FROM rollup_partials
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

// DeleteDayPartials removes every partial and the change log (tests, and
// the benchmark of the path without a partial).
func (s *Store) DeleteDayPartials(ctx context.Context) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		if err := s.DB(ctx).Exec("DELETE FROM rollup_partials").Error; err != nil {
			return err
		}
		return s.DB(ctx).Exec("DELETE FROM rollup_partial_changes").Error
	})
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
