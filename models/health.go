package models

import (
	"context"
	"time"
)

// HealthCheck is one process's latest write probe (see WriteHealthCheck).
type HealthCheck struct {
	ID        int64 `gorm:"primaryKey"`
	Process   string
	CheckedAt time.Time
	Pad       []byte
}

// healthPad is the probe's payload: one SQLite page. A row of a few bytes
// fits in the room left on its table's page, so it would still be written
// to a database that cannot grow by a single page; a page-sized payload
// needs a fresh page, which is exactly what a full disk (or a database at
// its max_page_count) refuses.
var healthPad = make([]byte, 4096)

// staleHealthChecks is how long a process's probe row outlives it.
const staleHealthChecks = 24 * time.Hour

// WriteHealthCheck commits one small write for process: it inserts a new
// probe row, then deletes the process's earlier rows and any row older than
// a day (processes that went away). Insert before delete, so the insert
// needs space the delete has not just freed. Errors from a database that
// cannot take the write are marked ErrUnavailable.
func (s *Store) WriteHealthCheck(ctx context.Context, process string, now time.Time) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		row := HealthCheck{Process: process, CheckedAt: now, Pad: healthPad}
		if err := s.DB(ctx).Create(&row).Error; err != nil {
			return Unavailable(err)
		}
		return Unavailable(s.DB(ctx).Where("(process = ? AND id < ?) OR checked_at < ?", process, row.ID, now.Add(-staleHealthChecks)).
			Delete(&HealthCheck{}).Error)
	})
}
