package migrations

import (
	"fmt"

	"gorm.io/gorm"
)

// migrateRemoteAuthors lets fediverse replies live in threads like local
// posts: a remote author is a users row tied to its cached remote actor
// (remote_actor_id, unique, so one row per actor however often it posts),
// with the display fields copied from the actor so thread pages need no
// extra join; posts.ap_id is the remote Note's id, unique so that a
// redelivered Create stores one post and Update/Delete can find it.
func migrateRemoteAuthors(tx *gorm.DB) error {
	pg := tx.Dialector.Name() == "postgres"
	idType := "integer"
	if pg {
		idType = "bigint"
	}
	stmts := []string{
		`ALTER TABLE users ADD COLUMN remote_actor_id ` + idType + ` REFERENCES remote_actors(id)`,
		`ALTER TABLE users ADD COLUMN domain varchar(300) NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN remote_url varchar(2048) NOT NULL DEFAULT ''`,
		`ALTER TABLE users ADD COLUMN remote_icon_url varchar(2048) NOT NULL DEFAULT ''`,
		`CREATE UNIQUE INDEX idx_users_remote_actor ON users (remote_actor_id)`,
		`ALTER TABLE posts ADD COLUMN ap_id varchar(2048)`,
		`CREATE UNIQUE INDEX idx_posts_ap_id ON posts (ap_id)`,
	}
	if pg {
		// "name@domain" outgrows the 30 characters local usernames get;
		// SQLite does not enforce varchar lengths.
		stmts = append(stmts,
			`ALTER TABLE users ALTER COLUMN username TYPE varchar(330)`,
			`ALTER TABLE users ALTER COLUMN username_lower TYPE varchar(330)`)
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
