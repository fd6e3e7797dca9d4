package migrations

import (
	"fmt"

	"gorm.io/gorm"
)

// migrateRemoteActorMoves keeps what an actor document says about where its
// account lives: the followers collection (an Update may change it), the
// alsoKnownAs aliases (a Move is only believed when the target lists the
// old account there) and movedTo (set once a Move is accepted).
func migrateRemoteActorMoves(tx *gorm.DB) error {
	for _, s := range []string{
		`ALTER TABLE remote_actors ADD COLUMN followers_url VARCHAR(2048) NOT NULL DEFAULT ''`,
		`ALTER TABLE remote_actors ADD COLUMN also_known_as TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE remote_actors ADD COLUMN moved_to VARCHAR(2048) NOT NULL DEFAULT ''`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// migrateDeliveriesPastBlock marks the deliveries that may reach a
// suspended instance: the Reject and Undo of follows a suspension ends,
// which tell the peer the follows are over.
func migrateDeliveriesPastBlock(tx *gorm.DB) error {
	return tx.Exec(`ALTER TABLE deliveries ADD COLUMN past_block BOOLEAN NOT NULL DEFAULT FALSE`).Error
}

// migrateRemoteActorMoveAt records when an actor's last Move was handled,
// so a Move is not processed again and again (a fetch each time).
func migrateRemoteActorMoveAt(tx *gorm.DB) error {
	typ := "DATETIME"
	if tx.Dialector.Name() == "postgres" {
		typ = "TIMESTAMPTZ"
	}
	return tx.Exec(`ALTER TABLE remote_actors ADD COLUMN move_at ` + typ).Error
}

// migrateMemberMoves lets members move: the accounts elsewhere they are
// also known as (so one may move here) and where they moved to.
func migrateMemberMoves(tx *gorm.DB) error {
	for _, s := range []string{
		`ALTER TABLE users ADD COLUMN also_known_as TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN moved_to VARCHAR(2048) NOT NULL DEFAULT ''`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
