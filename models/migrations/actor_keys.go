package migrations

import (
	"time"

	"gorm.io/gorm"
)

// v4ActorKey is a frozen copy of models.ActorKey as migration 0004 created
// it; never edit it (see schema_v1.go).
type v4ActorKey struct {
	ID            int64  `gorm:"primaryKey"`
	ActorType     string `gorm:"size:16;not null;uniqueIndex:idx_actor_keys_actor,priority:1"`
	ActorID       int64  `gorm:"not null;uniqueIndex:idx_actor_keys_actor,priority:2"`
	PrivateKeyPEM string `gorm:"column:private_key_pem;type:text;not null"`
	PublicKeyPEM  string `gorm:"column:public_key_pem;type:text;not null"`
	CreatedAt     time.Time
}

func (v4ActorKey) TableName() string { return "actor_keys" }

// migrateActorKeys adds the table of local actors' ActivityPub signing keys:
// one RSA key pair per (actor_type, actor_id), unique so that concurrent
// first uses settle on one key.
func migrateActorKeys(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&v4ActorKey{})
}
