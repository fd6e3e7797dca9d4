package models

import (
	"context"
	"time"
)

// Delivery is one activity on its way to one remote inbox, signed by one
// local actor (ActorType/ActorID, as in ActorKey). Rows live until done or
// dead, so deliveries survive restarts and crashes.
type Delivery struct {
	ID            int64  `gorm:"primaryKey"`
	ActivityJSON  string `gorm:"column:activity_json;type:text;not null"`
	ActorType     string `gorm:"size:16;not null"`
	ActorID       int64  `gorm:"not null"`
	InboxURL      string `gorm:"size:2048;not null"`
	Attempts      int    `gorm:"not null;default:0"`
	NextAttemptAt time.Time
	State         string `gorm:"size:16;not null;default:pending"`
	LockedUntil   *time.Time
	ClaimedBy     string `gorm:"size:64;not null;default:''"`
	LastError     string `gorm:"size:2000;not null;default:''"`
	// PastBlock lets the job reach a suspended instance: only the Reject
	// and Undo that end its follows (migration 0461).
	PastBlock bool `gorm:"not null;default:false"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// EnqueueDeliveries stores one pending job per inbox for the activity,
// due at once.
func (s *Store) EnqueueDeliveries(ctx context.Context, activityJSON, actorType string, actorID int64, inboxes []string, now time.Time) error {
	return s.enqueueDeliveries(ctx, activityJSON, actorType, actorID, inboxes, now, false)
}

// EnqueueDeliveriesPastBlock is EnqueueDeliveries for jobs a suspension
// must not stop (Delivery.PastBlock).
func (s *Store) EnqueueDeliveriesPastBlock(ctx context.Context, activityJSON, actorType string, actorID int64, inboxes []string, now time.Time) error {
	return s.enqueueDeliveries(ctx, activityJSON, actorType, actorID, inboxes, now, true)
}

func (s *Store) enqueueDeliveries(ctx context.Context, activityJSON, actorType string, actorID int64, inboxes []string, now time.Time, pastBlock bool) error {
	if len(inboxes) == 0 {
		return nil
	}
	rows := make([]Delivery, len(inboxes))
	for i, inbox := range inboxes {
		rows[i] = Delivery{ActivityJSON: activityJSON, ActorType: actorType, ActorID: actorID,
			InboxURL: inbox, NextAttemptAt: now, State: QueuePending, PastBlock: pastBlock, CreatedAt: now, UpdatedAt: now}
	}
	return s.DB(ctx).CreateInBatches(rows, 200).Error
}

// ClaimDeliveries claims up to limit jobs that are due at now.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	token, err := s.claimRows(ctx, "deliveries", "state = 'pending' AND next_attempt_at <= ?", []any{now}, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var rows []Delivery
	err = s.DB(ctx).Where("claimed_by = ? AND state = ?", token, QueueProcessing).Order("id").Find(&rows).Error
	return rows, err
}

// FinishDelivery records an attempt's outcome: done, failed (dead), or
// pending again from next. claimedBy is the claim the attempt ran under
// (Delivery.ClaimedBy as claimed): an attempt that outlived its lease, the
// job since claimed again by another worker, records nothing, so a stale
// "retry later" cannot undo the newer claim's "done" (or the reverse).
func (s *Store) FinishDelivery(ctx context.Context, id int64, claimedBy, state string, next time.Time, lastError string) error {
	return s.DB(ctx).Model(&Delivery{}).Where("id = ? AND claimed_by = ?", id, claimedBy).Updates(map[string]any{
		"state": state, "next_attempt_at": next, "last_error": truncate(lastError, 2000), "locked_until": nil,
	}).Error
}

// DeliveriesTo lists the jobs for one inbox, oldest first (tests and the
// admin's view of a peer).
func (s *Store) DeliveriesTo(ctx context.Context, inbox string) ([]Delivery, error) {
	var rows []Delivery
	err := s.DB(ctx).Where("inbox_url = ?", inbox).Order("id").Find(&rows).Error
	return rows, err
}

// DeliveryInboxesOf lists the distinct inboxes the local actor has had
// activities queued to: the servers that know it.
func (s *Store) DeliveryInboxesOf(ctx context.Context, actorType string, actorID int64) ([]string, error) {
	var inboxes []string
	err := s.DB(ctx).Model(&Delivery{}).Where("actor_type = ? AND actor_id = ?", actorType, actorID).
		Distinct("inbox_url").Order("inbox_url").Pluck("inbox_url", &inboxes).Error
	return inboxes, err
}
