package models

import (
	"context"
	"time"
)

// Queries behind moderation of the fediverse: dropping follows when an
// actor or a whole instance is cut off, tombstoning a deleted account's
// posts, and blocks of single remote actors.

// RemoveFollowsOfRemoteActors deletes every follow between local actors and
// the given remote actors, in both directions (they follow us, members
// follow them), and reports how many rows went.
func (s *Store) RemoveFollowsOfRemoteActors(ctx context.Context, remoteIDs []int64) (int64, error) {
	if len(remoteIDs) == 0 {
		return 0, nil
	}
	a := s.DB(ctx).Where("remote_actor_id IN ?", remoteIDs).Delete(&Follower{})
	if a.Error != nil {
		return 0, a.Error
	}
	b := s.DB(ctx).Where("remote_actor_id IN ?", remoteIDs).Delete(&Following{})
	return a.RowsAffected + b.RowsAffected, b.Error
}

// FollowsOfRemoteActors lists the follows between local actors and the
// given remote actors, both ways, before RemoveFollowsOfRemoteActors drops
// them (the peer is told).
func (s *Store) FollowsOfRemoteActors(ctx context.Context, remoteIDs []int64) ([]Follower, []Following, error) {
	var followers []Follower
	var following []Following
	if err := s.DB(ctx).Where("remote_actor_id IN ?", remoteIDs).Order("id").Find(&followers).Error; err != nil {
		return nil, nil, err
	}
	err := s.DB(ctx).Where("remote_actor_id IN ?", remoteIDs).Order("id").Find(&following).Error
	return followers, following, err
}

// RemoteActorIDsOnDomain lists the cached actors of a domain and its
// subdomains (a block of example.com covers social.example.com).
func (s *Store) RemoteActorIDsOnDomain(ctx context.Context, domain string) ([]int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&RemoteActor{}).
		Where("domain = ? OR domain LIKE ? OR domain LIKE ?", domain, "%."+domain, domain+":%").
		Pluck("id", &ids).Error
	return ids, err
}

// SoftDeletePostsBy marks every live post of userID deleted (by userID) and
// returns the threads that changed, for their versions to be bumped.
func (s *Store) SoftDeletePostsBy(ctx context.Context, userID int64, now time.Time) ([]int64, error) {
	var threads []int64
	err := s.DB(ctx).Model(&Post{}).Where("user_id = ? AND deleted_at IS NULL", userID).
		Distinct("thread_id").Pluck("thread_id", &threads).Error
	if err != nil || len(threads) == 0 {
		return nil, err
	}
	err = s.DB(ctx).Model(&Post{}).Where("user_id = ? AND deleted_at IS NULL", userID).
		Updates(map[string]any{"deleted_at": now, "deleted_by": userID, "updated_at": now}).Error
	return threads, err
}

// HidePostsBy hides every live, visible post of userID (as flags hide a
// post: moderators can restore it) and returns the threads that changed.
func (s *Store) HidePostsBy(ctx context.Context, userID int64, now time.Time) ([]int64, error) {
	var threads []int64
	q := "user_id = ? AND deleted_at IS NULL AND hidden_at IS NULL"
	err := s.DB(ctx).Model(&Post{}).Where(q, userID).Distinct("thread_id").Pluck("thread_id", &threads).Error
	if err != nil || len(threads) == 0 {
		return nil, err
	}
	err = s.DB(ctx).Model(&Post{}).Where(q, userID).Updates(map[string]any{"hidden_at": now, "updated_at": now}).Error
	return threads, err
}

// UpdateRemoteUserProfile copies a refreshed actor's name and icon to the
// users row standing for it, if there is one.
func (s *Store) UpdateRemoteUserProfile(ctx context.Context, a *RemoteActor, now time.Time) error {
	return s.DB(ctx).Model(&User{}).Where("remote_actor_id = ?", a.ID).
		Updates(map[string]any{"display_name": truncate(a.Name, 80), "remote_icon_url": a.IconURL, "updated_at": now}).Error
}

// RemoteUserBlock is a moderator's block of one remote actor: everything
// it sends is refused and no follow with it is kept. ActorAPID is the
// actor's id, so a block can precede any contact.
type RemoteUserBlock struct {
	ID        int64     `gorm:"primaryKey"`
	ActorAPID string    `gorm:"column:actor_ap_id;size:2048;not null;uniqueIndex"`
	Domain    string    `gorm:"size:300;not null;default:''"`
	Reason    string    `gorm:"size:1000;not null;default:''"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

// RemoteUserBlockByAPID loads the block of an actor, or ErrNotFound.
func (s *Store) RemoteUserBlockByAPID(ctx context.Context, apID string) (*RemoteUserBlock, error) {
	var b RemoteUserBlock
	if err := s.DB(ctx).Where("actor_ap_id = ?", apID).First(&b).Error; err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// RemoteUserBlockByID loads a block by its id, or ErrNotFound.
func (s *Store) RemoteUserBlockByID(ctx context.Context, id int64) (*RemoteUserBlock, error) {
	var b RemoteUserBlock
	if err := s.DB(ctx).First(&b, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// CreateRemoteUserBlock inserts b.
func (s *Store) CreateRemoteUserBlock(ctx context.Context, b *RemoteUserBlock) error {
	return s.DB(ctx).Create(b).Error
}

// DeleteRemoteUserBlock removes a block.
func (s *Store) DeleteRemoteUserBlock(ctx context.Context, id int64) error {
	return s.DB(ctx).Delete(&RemoteUserBlock{}, id).Error
}

// RemoteUserBlocks lists every block, newest first.
func (s *Store) RemoteUserBlocks(ctx context.Context) ([]RemoteUserBlock, error) {
	var out []RemoteUserBlock
	return out, s.DB(ctx).Order("id DESC").Find(&out).Error
}

// FinishInboxDone marks several processed activities done in one statement.
func (s *Store) FinishInboxDone(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return s.DB(ctx).Model(&InboxActivity{}).Where("id IN ?", ids).Updates(map[string]any{
		"state": QueueDone, "last_error": "", "locked_until": nil,
	}).Error
}

// SuspendedDomains lists every domain under a suspend block.
func (s *Store) SuspendedDomains(ctx context.Context) ([]string, error) {
	var out []string
	return out, s.DB(ctx).Model(&InstanceBlock{}).Where("severity = ?", BlockSuspend).Pluck("domain", &out).Error
}

// BlockedDomains lists the domains under a suspend block and those under
// a silence block, in one query (the per-process block cache loads both).
func (s *Store) BlockedDomains(ctx context.Context) (suspended, silenced []string, err error) {
	var rows []struct{ Domain, Severity string }
	if err := s.DB(ctx).Model(&InstanceBlock{}).Select("domain, severity").Find(&rows).Error; err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		switch r.Severity {
		case BlockSuspend:
			suspended = append(suspended, r.Domain)
		case BlockSilence:
			silenced = append(silenced, r.Domain)
		}
	}
	return suspended, silenced, nil
}

// BlockedActorIDs lists every blocked remote actor id.
func (s *Store) BlockedActorIDs(ctx context.Context) ([]string, error) {
	var out []string
	return out, s.DB(ctx).Model(&RemoteUserBlock{}).Pluck("actor_ap_id", &out).Error
}
