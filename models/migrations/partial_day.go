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
	PendingUpto *time.Time // Upto of the refresh under way, so back-dated posts are logged meanwhile
	ComputedAt  *time.Time
	Format      int    `gorm:"not null;default:0"`
	Data        []byte // encoded by forum; opaque here
	BaseChanges int64  `gorm:"not null;default:-1"` // rows in rollup_partial_changes when the data was read
	ClaimedBy   string `gorm:"size:32;not null;default:''"`
	LockedUntil *time.Time
}

func (v175DayPartial) TableName() string { return "rollup_partials" }

// v175PartialChange is one write that may change figures a partial
// already counted. Rows are only inserted (by the triggers below), never
// updated, so writers never wait on each other for them; the worker
// empties the table when it starts a new day.
type v175PartialChange struct {
	ID int64 `gorm:"primaryKey"`
}

func (v175PartialChange) TableName() string { return "rollup_partial_changes" }

// migratePartialDay creates rollup_partials and the triggers that make a
// partial unusable once a write could change figures it already counted
// (each such write adds a rollup_partial_changes row, and a partial is used
// only while the row count is the one it was computed at; a log rather
// than a counter row, because a counter would make every such write queue
// behind the others on PostgreSQL and could deadlock with their other row
// locks):
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
	if err := tx.Migrator().CreateTable(&v175DayPartial{}, &v175PartialChange{}); err != nil {
		return err
	}
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		const logChange = `INSERT INTO rollup_partial_changes (id) VALUES (DEFAULT)`
		stmts = []string{
			`CREATE FUNCTION hearth_partial_touch() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN ` + logChange + `; RETURN NULL; END $$`,
			`CREATE FUNCTION hearth_partial_post_insert() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.created_at < (SELECT MAX(GREATEST(upto, pending_upto)) FROM rollup_partials) THEN ` + logChange + `; END IF;
				RETURN NULL;
			END $$`,
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
		const logChange = `INSERT INTO rollup_partial_changes (id) VALUES (NULL)` // a trigger takes no DEFAULT VALUES
		stmts = []string{
			`CREATE TRIGGER partial_posts_ai AFTER INSERT ON posts
				WHEN new.created_at < (SELECT MAX(t) FROM (SELECT upto AS t FROM rollup_partials UNION ALL SELECT pending_upto FROM rollup_partials))
				BEGIN ` + logChange + `; END`,
			`CREATE TRIGGER partial_posts_au AFTER UPDATE OF deleted_at, hidden_at, thread_id, user_id, number, created_at ON posts
				WHEN old.deleted_at IS NOT new.deleted_at OR old.hidden_at IS NOT new.hidden_at
					OR old.thread_id <> new.thread_id OR old.user_id <> new.user_id OR old.number <> new.number
					OR old.created_at IS NOT new.created_at
				BEGIN ` + logChange + `; END`,
			`CREATE TRIGGER partial_posts_ad AFTER DELETE ON posts BEGIN ` + logChange + `; END`,
			`CREATE TRIGGER partial_threads_au AFTER UPDATE OF deleted_at, category_id, user_id, created_at ON threads
				WHEN old.deleted_at IS NOT new.deleted_at OR old.category_id <> new.category_id
					OR old.user_id <> new.user_id OR old.created_at IS NOT new.created_at
				BEGIN ` + logChange + `; END`,
			`CREATE TRIGGER partial_threads_ad AFTER DELETE ON threads BEGIN ` + logChange + `; END`,
			`CREATE TRIGGER partial_users_au AFTER UPDATE OF role, domain, created_at ON users
				WHEN old.role <> new.role OR old.domain <> new.domain OR old.created_at IS NOT new.created_at
				BEGIN ` + logChange + `; END`,
			`CREATE TRIGGER partial_users_ad AFTER DELETE ON users BEGIN ` + logChange + `; END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
