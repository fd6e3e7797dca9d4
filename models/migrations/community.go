package migrations

import (
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the models migration 0050 created; never edit them (see
// schema_v1.go).

type v50ThreadSolution struct {
	ThreadID  int64     `gorm:"primaryKey;autoIncrement:false"`
	PostID    int64     `gorm:"not null;index"`
	MarkedBy  int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (v50ThreadSolution) TableName() string { return "thread_solutions" }

type v50ThreadAssignment struct {
	ID         int64 `gorm:"primaryKey"`
	ThreadID   int64 `gorm:"not null;uniqueIndex"`
	AssigneeID int64 `gorm:"not null;index"`
	DueAt      *time.Time
	AssignedBy int64     `gorm:"not null"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (v50ThreadAssignment) TableName() string { return "thread_assignments" }

// migrateCommunity adds the community manager's follow-up state. Solutions
// and assignments live in their own tables rather than as thread columns so
// the thread hot paths (reply, page render) never read or write them; one
// row per thread is enforced by the key. The needs-response queue filters
// threads by (created_at, id), which idx_threads_created serves.
func migrateCommunity(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v50ThreadSolution{}, &v50ThreadAssignment{}); err != nil {
		return err
	}
	return tx.Exec(`CREATE INDEX idx_threads_created ON threads (created_at, id)`).Error
}
