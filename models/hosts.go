package models

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DeliveryHost is the delivery health of one remote host (with its port,
// as in URLs). A row exists once a delivery to the host has failed;
// DownUntil is set while the host counts as down, and then only one probe
// job per window is sent to it.
type DeliveryHost struct {
	ID                  int64  `gorm:"primaryKey"`
	Host                string `gorm:"size:300;not null;uniqueIndex"`
	ConsecutiveFailures int    `gorm:"not null;default:0"`
	DownUntil           *time.Time
	LastError           string `gorm:"size:2000;not null;default:''"`
	// Software is the host's NodeInfo software.name, lower case, once
	// looked up (migration 0430); "" when unknown.
	Software  string `gorm:"size:64;not null;default:''"`
	UpdatedAt time.Time
}

// DeliveryHostsDown returns the rows of those hosts that are marked down,
// by host. Hosts without a row, or up, are absent.
func (s *Store) DeliveryHostsDown(ctx context.Context, hosts []string) (map[string]DeliveryHost, error) {
	out := map[string]DeliveryHost{}
	if len(hosts) == 0 {
		return out, nil
	}
	var rows []DeliveryHost
	if err := s.DB(ctx).Where("host IN ? AND down_until IS NOT NULL", hosts).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.Host] = r
	}
	return out, nil
}

// DeliveryHostByName loads one host's row, or ErrNotFound.
func (s *Store) DeliveryHostByName(ctx context.Context, host string) (*DeliveryHost, error) {
	var h DeliveryHost
	if err := s.DB(ctx).Where("host = ?", host).First(&h).Error; err != nil {
		return nil, notFound(err)
	}
	return &h, nil
}

// DeliveryHostFailed counts one more consecutive failure for host and
// returns the new count. The increment is one upsert, so concurrent
// workers do not lose counts.
func (s *Store) DeliveryHostFailed(ctx context.Context, host, lastError string, now time.Time) (int, error) {
	row := DeliveryHost{Host: host, ConsecutiveFailures: 1, LastError: truncate(lastError, 2000), UpdatedAt: now}
	err := s.DB(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "host"}},
		DoUpdates: clause.Assignments(map[string]any{
			"consecutive_failures": gorm.Expr("delivery_hosts.consecutive_failures + 1"),
			"last_error":           row.LastError, "updated_at": now,
		}),
	}).Create(&row).Error
	if err != nil {
		return 0, err
	}
	h, err := s.DeliveryHostByName(ctx, host)
	if err != nil {
		return 0, err
	}
	return h.ConsecutiveFailures, nil
}

// MarkDeliveryHostDown sets the end of host's down window.
func (s *Store) MarkDeliveryHostDown(ctx context.Context, host string, until, now time.Time) error {
	return s.DB(ctx).Model(&DeliveryHost{}).Where("host = ?", host).
		Updates(map[string]any{"down_until": until, "updated_at": now}).Error
}

// DeliveryHostSucceeded marks host up with no failures. Hosts that never
// failed have no row and cost one UPDATE that matches nothing.
func (s *Store) DeliveryHostSucceeded(ctx context.Context, host string, now time.Time) error {
	return s.DB(ctx).Model(&DeliveryHost{}).
		Where("host = ? AND (consecutive_failures > 0 OR down_until IS NOT NULL)", host).
		Updates(map[string]any{"consecutive_failures": 0, "down_until": nil, "last_error": "", "updated_at": now}).Error
}

// ClaimDeliveryHostProbe reports whether the caller may send the probe of
// a down host whose window ended at or before now; it moves the window to
// until, so other workers (in any process) defer instead of also probing.
func (s *Store) ClaimDeliveryHostProbe(ctx context.Context, host string, now, until time.Time) (bool, error) {
	res := s.DB(ctx).Model(&DeliveryHost{}).Where("host = ? AND down_until <= ?", host, now).
		Updates(map[string]any{"down_until": until, "updated_at": now})
	return res.RowsAffected == 1, res.Error
}

// DeferDeliveries puts claimed jobs back as pending from next without
// counting the claim as an attempt: they were not sent (their host was
// busy or down), so their own backoff is unchanged.
func (s *Store) DeferDeliveries(ctx context.Context, ids []int64, next time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return s.DB(ctx).Model(&Delivery{}).Where("id IN ? AND state = ?", ids, QueueProcessing).Updates(map[string]any{
		"state": QueuePending, "next_attempt_at": next, "locked_until": nil, "claimed_by": "",
		"attempts": gorm.Expr("attempts - 1"),
	}).Error
}

// SetRemoteActorType records a cached remote actor's ActivityStreams type
// (Person, Group, Application…); fan-out reads it to find group-aware
// followers.
func (s *Store) SetRemoteActorType(ctx context.Context, apID, actorType string) error {
	return s.DB(ctx).Table("remote_actors").Where("ap_id = ?", apID).
		Update("actor_type", truncate(actorType, 32)).Error
}

// GroupAwareFollowerInboxes is FollowerInboxes restricted to the
// group-aware followers (see federation's groups.go): those whose actor
// type is one of types, or whose host's NodeInfo software is one of
// software.
func (s *Store) GroupAwareFollowerInboxes(ctx context.Context, localType string, localID int64, types, software []string) ([]string, error) {
	var inboxes []string
	err := s.DB(ctx).Model(&Follower{}).
		Joins("JOIN remote_actors ON remote_actors.id = followers.remote_actor_id").
		Where("followers.local_actor_type = ? AND followers.local_actor_id = ?", localType, localID).
		Where(groupAware(types, software)).
		Distinct().Order("1").
		Pluck("CASE WHEN remote_actors.shared_inbox <> '' THEN remote_actors.shared_inbox ELSE remote_actors.inbox END", &inboxes).Error
	return inboxes, err
}

// groupAware is the condition on a follower's remote_actors row that
// makes it group-aware.
func groupAware(types, software []string) clause.Expr {
	return gorm.Expr("(remote_actors.actor_type IN ? OR EXISTS (SELECT 1 FROM delivery_hosts dh WHERE dh.host = remote_actors.domain AND dh.software IN ?))", types, software)
}

// LocalActorsWithGroupAwareFollowers lists the ids of the local actors of
// localType that have at least one group-aware follower.
func (s *Store) LocalActorsWithGroupAwareFollowers(ctx context.Context, localType string, types, software []string) ([]int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&Follower{}).
		Joins("JOIN remote_actors ON remote_actors.id = followers.remote_actor_id").
		Where("followers.local_actor_type = ?", localType).
		Where(groupAware(types, software)).
		Distinct().Order("1").
		Pluck("followers.local_actor_id", &ids).Error
	return ids, err
}

// SetHostSoftware records host's NodeInfo software name, making its row
// when it has none.
func (s *Store) SetHostSoftware(ctx context.Context, host, software string, now time.Time) error {
	row := DeliveryHost{Host: host, Software: truncate(software, 64), UpdatedAt: now}
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "host"}},
		DoUpdates: clause.Assignments(map[string]any{"software": row.Software, "updated_at": now}),
	}).Create(&row).Error
}
