package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm/clause"
)

// Kinds of local actor that own a signing key. A key is identified by its
// kind and the id of the row it belongs to; the one instance actor uses id 0.
const (
	ActorTypeUser     = "user"
	ActorTypeCategory = "category"
	ActorTypeInstance = "instance"
)

// ActorKey is the RSA key pair a local ActivityPub actor signs with. The
// public half is published in the actor document, so it must never change
// behind remote servers' backs: exactly one row per actor, kept forever.
type ActorKey struct {
	ID            int64  `gorm:"primaryKey"`
	ActorType     string `gorm:"size:16;not null;uniqueIndex:idx_actor_keys_actor,priority:1"`
	ActorID       int64  `gorm:"not null;uniqueIndex:idx_actor_keys_actor,priority:2"`
	PrivateKeyPEM string `gorm:"column:private_key_pem;type:text;not null"`
	PublicKeyPEM  string `gorm:"column:public_key_pem;type:text;not null"`
	CreatedAt     time.Time
}

// ActorKey loads the key of one actor, or ErrNotFound.
func (s *Store) ActorKey(ctx context.Context, actorType string, actorID int64) (*ActorKey, error) {
	var k ActorKey
	if err := s.DB(ctx).Where("actor_type = ? AND actor_id = ?", actorType, actorID).First(&k).Error; err != nil {
		return nil, notFound(err)
	}
	return &k, nil
}

// ActorKeyOrCreate returns the actor's key, creating it with generate when
// there is none yet. Concurrent callers (in this process or another) may all
// generate a key, but the insert does nothing on conflict and everyone then
// reads the one row that won, so no caller ever uses a key that is not the
// stored one.
//
// generate runs before the transaction, not inside it: an RSA-2048 key takes
// tens to hundreds of milliseconds, and SQLite transactions here take the
// write lock up front, so generating inside one would stall every writer.
func (s *Store) ActorKeyOrCreate(ctx context.Context, actorType string, actorID int64,
	generate func() (privatePEM, publicPEM string, err error)) (*ActorKey, error) {
	k, err := s.ActorKey(ctx, actorType, actorID)
	if !errors.Is(err, ErrNotFound) {
		return k, err
	}
	priv, pub, err := generate()
	if err != nil {
		return nil, err
	}
	err = s.WithTx(ctx, func(ctx context.Context) error {
		row := &ActorKey{ActorType: actorType, ActorID: actorID, PrivateKeyPEM: priv, PublicKeyPEM: pub}
		if err := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error; err != nil {
			return err
		}
		k, err = s.ActorKey(ctx, actorType, actorID)
		return err
	})
	return k, err
}
