package migrations

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// v175DayPartial is today's figures up to a time, computed by the rollup
// worker so a stats request only computes what happened since (see
// forum/rollup_partial.go). One row per day; the worker keeps today's.
type v175DayPartial struct {
	Day         string `gorm:"primaryKey;size:10"`
	DayStart    *time.Time
	Upto        *time.Time // the figures count what was written before this
	ComputedAt  *time.Time
	Format      int    `gorm:"not null;default:0"`
	Data        []byte // encoded by forum; opaque here
	Changes     int64  `gorm:"not null;default:0"`  // bumped by the triggers below
	BaseChanges int64  `gorm:"not null;default:-1"` // Changes when the data was read; usable only while equal
	ClaimedBy   string `gorm:"size:32;not null;default:''"`
	LockedUntil *time.Time
}

func (v175DayPartial) TableName() string { return "rollup_partials" }

// migratePartialDay creates rollup_partials and the triggers that make a
// partial unusable once a write could change figures it already counted:
// a post inserted with a time before the partial's (held posts approved
// later, remote posts keep their own time), a post deleted, hidden,
// restored, moved or renumbered, a thread deleted, moved or given to
// another author, a member's role, domain or join time changed. Triggers,
// not Go code, because these writes come from many paths (moderation,
// thread tools, federation, bulk tools) and one forgotten path would make
// the dashboard report figures the live computation would not. The writes
// they catch are rare next to replies, and a stale partial only costs the
// full live computation until the worker's next refresh.
func migratePartialDay(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v175DayPartial{}); err != nil {
		return err
	}
	const bump = `UPDATE rollup_partials SET changes = changes + 1`
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		stmts = []string{
			`CREATE FUNCTION hearth_partial_touch() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN ` + bump + `; RETURN NULL; END $$`,
			`CREATE FUNCTION hearth_partial_post_insert() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN ` + bump + ` WHERE NEW.created_at < upto; RETURN NULL; END $$`,
			`CREATE TRIGGER partial_posts_ai AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION hearth_partial_post_insert()`,
			`CREATE TRIGGER partial_posts_au AFTER UPDATE ON posts FOR EACH ROW
				WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.hidden_at IS DISTINCT FROM NEW.hidden_at
					OR OLD.thread_id <> NEW.thread_id OR OLD.user_id <> NEW.user_id OR OLD.number <> NEW.number
					OR OLD.created_at IS DISTINCT FROM NEW.created_at)
				EXECUTE FUNCTION hearth_partial_touch()`,
			`CREATE TRIGGER partial_posts_ad AFTER DELETE ON posts FOR EACH ROW EXECUTE FUNCTION hearth_partial_touch()`,
			`CREATE TRIGGER partial_threads_au AFTER UPDATE ON threads FOR EACH ROW
				WHEN (OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.category_id <> NEW.category_id
					OR OLD.user_id <> NEW.user_id OR OLD.created_at IS DISTINCT FROM NEW.created_at)
				EXECUTE FUNCTION hearth_partial_touch()`,
			`CREATE TRIGGER partial_threads_ad AFTER DELETE ON threads FOR EACH ROW EXECUTE FUNCTION hearth_partial_touch()`,
			`CREATE TRIGGER partial_users_au AFTER UPDATE ON users FOR EACH ROW
				WHEN (OLD.role <> NEW.role OR OLD.domain <> NEW.domain OR OLD.created_at IS DISTINCT FROM NEW.created_at)
				EXECUTE FUNCTION hearth_partial_touch()`,
			`CREATE TRIGGER partial_users_ad AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION hearth_partial_touch()`,
		}
	} else {
		stmts = []string{
			`CREATE TRIGGER partial_posts_ai AFTER INSERT ON posts BEGIN ` + bump + ` WHERE new.created_at < upto; END`,
			`CREATE TRIGGER partial_posts_au AFTER UPDATE OF deleted_at, hidden_at, thread_id, user_id, number, created_at ON posts
				WHEN old.deleted_at IS NOT new.deleted_at OR old.hidden_at IS NOT new.hidden_at
					OR old.thread_id <> new.thread_id OR old.user_id <> new.user_id OR old.number <> new.number
					OR old.created_at IS NOT new.created_at
				BEGIN ` + bump + `; END`,
			`CREATE TRIGGER partial_posts_ad AFTER DELETE ON posts BEGIN ` + bump + `; END`,
			`CREATE TRIGGER partial_threads_au AFTER UPDATE OF deleted_at, category_id, user_id, created_at ON threads
				WHEN old.deleted_at IS NOT new.deleted_at OR old.category_id <> new.category_id
					OR old.user_id <> new.user_id OR old.created_at IS NOT new.created_at
				BEGIN ` + bump + `; END`,
			`CREATE TRIGGER partial_threads_ad AFTER DELETE ON threads BEGIN ` + bump + `; END`,
			`CREATE TRIGGER partial_users_au AFTER UPDATE OF role, domain, created_at ON users
				WHEN old.role <> new.role OR old.domain <> new.domain OR old.created_at IS NOT new.created_at
				BEGIN ` + bump + `; END`,
			`CREATE TRIGGER partial_users_ad AFTER DELETE ON users BEGIN ` + bump + `; END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
