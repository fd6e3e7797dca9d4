package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Follower is a remote actor following a local member or category (the
// local actor is named like ActorKey's: type and row id).
type Follower struct {
	ID               int64  `gorm:"primaryKey"`
	LocalActorType   string `gorm:"size:16;not null"`
	LocalActorID     int64  `gorm:"not null"`
	RemoteActorID    int64  `gorm:"not null"`
	FollowActivityID string `gorm:"size:2048;not null;default:''"`
	CreatedAt        time.Time
}

// AddFollower records the follow, or refreshes the Follow activity id of an
// existing one (a peer re-sending Follow expects a new Accept), and returns
// the stored row.
func (s *Store) AddFollower(ctx context.Context, f *Follower) (*Follower, error) {
	err := s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "local_actor_type"}, {Name: "local_actor_id"}, {Name: "remote_actor_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"follow_activity_id"}),
	}).Create(f).Error
	if err != nil {
		return nil, err
	}
	var row Follower
	err = s.DB(ctx).Where("local_actor_type = ? AND local_actor_id = ? AND remote_actor_id = ?",
		f.LocalActorType, f.LocalActorID, f.RemoteActorID).First(&row).Error
	return &row, notFound(err)
}

// RemoveFollower deletes the follow of a local actor by a remote one; it
// reports whether there was one.
func (s *Store) RemoveFollower(ctx context.Context, localType string, localID, remoteID int64) (bool, error) {
	res := s.DB(ctx).Where("local_actor_type = ? AND local_actor_id = ? AND remote_actor_id = ?",
		localType, localID, remoteID).Delete(&Follower{})
	return res.RowsAffected > 0, res.Error
}

// CountFollowers is how many remote actors follow the local actor.
func (s *Store) CountFollowers(ctx context.Context, localType string, localID int64) (int, error) {
	var n int64
	err := s.DB(ctx).Model(&Follower{}).Where("local_actor_type = ? AND local_actor_id = ?", localType, localID).Count(&n).Error
	return int(n), err
}

// FollowerIDs lists one page of the ActivityPub ids of a local actor's
// followers, oldest follow first.
func (s *Store) FollowerIDs(ctx context.Context, localType string, localID int64, offset, limit int) ([]string, error) {
	var ids []string
	err := s.DB(ctx).Model(&Follower{}).Select("remote_actors.ap_id").
		Joins("JOIN remote_actors ON remote_actors.id = followers.remote_actor_id").
		Where("followers.local_actor_type = ? AND followers.local_actor_id = ?", localType, localID).
		Order("followers.id").Offset(offset).Limit(limit).Pluck("remote_actors.ap_id", &ids).Error
	return ids, err
}

// FollowerInboxes lists the distinct inboxes the local actor's followers
// receive activities at: each server's shared inbox once, or the actor's own
// inbox when its server has none. One delivery per entry.
func (s *Store) FollowerInboxes(ctx context.Context, localType string, localID int64) ([]string, error) {
	var inboxes []string
	err := s.DB(ctx).Model(&Follower{}).
		Joins("JOIN remote_actors ON remote_actors.id = followers.remote_actor_id").
		Where("followers.local_actor_type = ? AND followers.local_actor_id = ?", localType, localID).
		Distinct().Order("1").
		Pluck("CASE WHEN remote_actors.shared_inbox <> '' THEN remote_actors.shared_inbox ELSE remote_actors.inbox END", &inboxes).Error
	return inboxes, err
}

// Following is a local member following a remote actor. Accepted is set
// when the remote server answers the Follow with Accept.
type Following struct {
	ID               int64  `gorm:"primaryKey"`
	UserID           int64  `gorm:"not null"`
	RemoteActorID    int64  `gorm:"not null"`
	FollowActivityID string `gorm:"size:2048;not null"`
	Accepted         bool   `gorm:"not null;default:false"`
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// TableName keeps the table name singular, as the ActivityPub collection is.
func (Following) TableName() string { return "following" }

// CreateFollowing records a follow request being sent; the row's id makes
// the Follow activity's id, so it is set after the insert by the caller.
func (s *Store) CreateFollowing(ctx context.Context, f *Following) error {
	return s.DB(ctx).Create(f).Error
}

// SetFollowingActivityID stores the Follow activity id built from the row id.
func (s *Store) SetFollowingActivityID(ctx context.Context, id int64, activityID string) error {
	return s.DB(ctx).Model(&Following{}).Where("id = ?", id).Update("follow_activity_id", activityID).Error
}

// FollowingOf loads a member's follow of a remote actor, or ErrNotFound.
func (s *Store) FollowingOf(ctx context.Context, userID, remoteActorID int64) (*Following, error) {
	var f Following
	err := s.DB(ctx).Where("user_id = ? AND remote_actor_id = ?", userID, remoteActorID).First(&f).Error
	return &f, notFound(err)
}

// SetFollowingAccepted marks (or unmarks, on Reject) the follow with the
// given Follow activity id sent to remoteActorID; it reports whether one matched.
func (s *Store) SetFollowingAccepted(ctx context.Context, followActivityID string, remoteActorID int64, accepted bool) (bool, error) {
	res := s.DB(ctx).Model(&Following{}).Where("follow_activity_id = ? AND remote_actor_id = ?", followActivityID, remoteActorID).
		Update("accepted", accepted)
	return res.RowsAffected > 0, res.Error
}

// DeleteFollowing removes a member's follow of a remote actor.
func (s *Store) DeleteFollowing(ctx context.Context, id int64) error {
	return s.DB(ctx).Delete(&Following{}, id).Error
}
