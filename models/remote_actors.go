package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// RemoteActor is Hearth's cached copy of another server's actor: enough to
// verify its signatures and deliver to it. Refetched when a signature fails
// to verify (the key may have rotated).
type RemoteActor struct {
	ID                int64  `gorm:"primaryKey"`
	APID              string `gorm:"column:ap_id;size:2048;not null;uniqueIndex"`
	Inbox             string `gorm:"size:2048;not null;default:''"`
	SharedInbox       string `gorm:"size:2048;not null;default:''"`
	PublicKeyPEM      string `gorm:"column:public_key_pem;type:text;not null;default:''"`
	KeyID             string `gorm:"size:2048;not null;default:'';index"`
	PreferredUsername string `gorm:"size:300;not null;default:''"`
	Name              string `gorm:"size:300;not null;default:''"`
	Domain            string `gorm:"size:300;not null;default:'';index"`
	IconURL           string `gorm:"size:2048;not null;default:''"`
	// FollowersURL is the actor's followers collection; AlsoKnownAs its
	// aliases, one actor id per line; MovedTo where a verified Move sent
	// it (migration 0460).
	FollowersURL string `gorm:"column:followers_url;size:2048;not null;default:''"`
	AlsoKnownAs  string `gorm:"type:text;not null;default:''"`
	MovedTo      string `gorm:"size:2048;not null;default:''"`
	// MoveAt is when the actor's last Move was handled (migration 0462).
	MoveAt *time.Time
	// Summary is the actor's bio as it sent it (HTML, sanitised when
	// shown); ProfileURL its page on its own server (the actor's url).
	Summary    string `gorm:"type:text;not null;default:''"`
	ProfileURL string `gorm:"size:2048;not null;default:''"`
	Outbox     string `gorm:"size:2048;not null;default:''"`
	// OutboxFetchedAt is when its outbox was last read for its profile
	// page; nil when never.
	OutboxFetchedAt *time.Time
	FetchedAt       time.Time
	CreatedAt       time.Time
}

// DeliveryInbox is where activities for this actor go: the shared inbox
// when its server has one (one request per server, not per follower).
func (a *RemoteActor) DeliveryInbox() string {
	if a.SharedInbox != "" {
		return a.SharedInbox
	}
	return a.Inbox
}

// RemoteActorByAPID loads a cached actor by its ActivityPub id, or ErrNotFound.
func (s *Store) RemoteActorByAPID(ctx context.Context, apID string) (*RemoteActor, error) {
	var a RemoteActor
	if err := s.DB(ctx).Where("ap_id = ?", apID).First(&a).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// RemoteActorByKeyID loads the cached actor owning a key id, or ErrNotFound.
func (s *Store) RemoteActorByKeyID(ctx context.Context, keyID string) (*RemoteActor, error) {
	var a RemoteActor
	if err := s.DB(ctx).Where("key_id = ?", keyID).Order("id").First(&a).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// UpsertRemoteActor stores a freshly fetched actor, replacing the cached
// copy with the same ap_id, and returns the stored row (with its id).
func (s *Store) UpsertRemoteActor(ctx context.Context, a *RemoteActor) (*RemoteActor, error) {
	err := s.DB(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "ap_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"inbox", "shared_inbox", "public_key_pem", "key_id",
			"preferred_username", "name", "domain", "icon_url", "followers_url", "also_known_as", "fetched_at",
			"summary", "profile_url", "outbox"}),
	}).Create(a).Error
	if err != nil {
		return nil, err
	}
	return s.RemoteActorByAPID(ctx, a.APID)
}

// Aliases lists the actor ids in AlsoKnownAs.
func (a *RemoteActor) Aliases() []string {
	if a.AlsoKnownAs == "" {
		return nil
	}
	return strings.Split(a.AlsoKnownAs, "\n")
}

// SetRemoteActorMove records a Move of the actor handled at, and where a
// verified one sent it (target; "" when it was not believed).
func (s *Store) SetRemoteActorMove(ctx context.Context, id int64, target string, at time.Time) error {
	return s.DB(ctx).Model(&RemoteActor{}).Where("id = ?", id).
		Updates(map[string]any{"moved_to": target, "move_at": at}).Error
}

// MoveFollowers makes the remote actor newID follow every local actor
// oldID followed (keeping a follow newID already has) and drops oldID's
// follows; it returns how many follows newID gained. The moved follows
// carry no Follow activity id: newID's server never sent one.
func (s *Store) MoveFollowers(ctx context.Context, oldID, newID int64, now time.Time) (int64, error) {
	res := s.DB(ctx).Exec(`INSERT INTO followers (local_actor_type, local_actor_id, remote_actor_id, follow_activity_id, created_at)
		SELECT f.local_actor_type, f.local_actor_id, ?, '', ? FROM followers f
		WHERE f.remote_actor_id = ? AND NOT EXISTS (SELECT 1 FROM followers g
			WHERE g.local_actor_type = f.local_actor_type AND g.local_actor_id = f.local_actor_id AND g.remote_actor_id = ?)`,
		newID, now, oldID, newID)
	if res.Error != nil {
		return 0, res.Error
	}
	return res.RowsAffected, s.DB(ctx).Where("remote_actor_id = ?", oldID).Delete(&Follower{}).Error
}

// FollowingsOfRemoteActor lists the members' follows of a remote actor.
func (s *Store) FollowingsOfRemoteActor(ctx context.Context, remoteID int64) ([]Following, error) {
	var rows []Following
	err := s.DB(ctx).Where("remote_actor_id = ?", remoteID).Order("id").Find(&rows).Error
	return rows, err
}

// RemoteActorByHandle loads a cached actor by its preferred username and
// domain (case-insensitive), or ErrNotFound: how a remote profile page
// finds an account already known here.
func (s *Store) RemoteActorByHandle(ctx context.Context, name, domain string) (*RemoteActor, error) {
	var a RemoteActor
	err := s.DB(ctx).Where("LOWER(preferred_username) = ? AND domain = ?", strings.ToLower(name), strings.ToLower(domain)).
		Order("id").First(&a).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// SetOutboxFetched records when an actor's outbox was last read.
func (s *Store) SetOutboxFetched(ctx context.Context, id int64, at time.Time) error {
	return s.DB(ctx).Model(&RemoteActor{}).Where("id = ?", id).Update("outbox_fetched_at", at).Error
}
