package migrations

import (
	"fmt"

	"gorm.io/gorm"
)

// migratePerf keeps, per thread, when someone other than its author first
// posted a live reply (threads.first_response_at; NULL while nobody has), so
// the needs-response queue reads only unanswered threads from a partial
// index instead of probing every thread's posts.
//
// The column is kept by triggers on posts and threads rather than by the Go
// write paths: replies arrive from the forum, from federation, from
// moderation (delete, hide, restore), from thread tools (merge and split
// move posts between threads) and from bulk tools, and a derived fact must
// not go stale when a new path forgets it. A live reply is one neither
// deleted nor hidden: a reply hidden pending review answered nobody yet.
//   - a live reply inserted into an unanswered thread by someone else sets it;
//   - any change to a post's deletion, hiding, thread or author, a post's
//     removal, or a thread changing author recomputes it for the threads
//     concerned (one index range over that thread's posts).
//
// The value is the earliest live reply by another member; the queue only
// uses whether it is NULL. Existing threads are backfilled here.
func migratePerf(tx *gorm.DB) error {
	pg := tx.Dialector.Name() == "postgres"
	ts := "datetime"
	if pg {
		ts = "timestamptz"
	}
	const recompute = `(SELECT MIN(p.created_at) FROM posts p WHERE p.thread_id = threads.id
		AND p.user_id <> threads.user_id AND p.deleted_at IS NULL AND p.hidden_at IS NULL)`
	stmts := []string{
		`ALTER TABLE threads ADD COLUMN first_response_at ` + ts,
		`UPDATE threads SET first_response_at = ` + recompute,
		// Oldest unanswered first, across the forum or in one category.
		`CREATE INDEX idx_threads_needs_response ON threads (created_at, id) WHERE deleted_at IS NULL AND first_response_at IS NULL`,
		`CREATE INDEX idx_threads_needs_response_cat ON threads (category_id, created_at, id) WHERE deleted_at IS NULL AND first_response_at IS NULL`,
		// The dashboard's first-response waits for a range of thread days,
		// read from the index alone instead of the wide rollup rows.
		`CREATE INDEX idx_thread_responses_cover ON thread_responses (thread_day, category_id, seconds)`,
	}
	if pg {
		stmts = append(stmts,
			`CREATE FUNCTION hearth_refresh_first_response(tid bigint) RETURNS void LANGUAGE sql AS $$
				UPDATE threads SET first_response_at = `+recompute+` WHERE threads.id = tid $$`,
			`CREATE FUNCTION hearth_posts_first_response() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP = 'INSERT' THEN
					IF NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL THEN
						UPDATE threads SET first_response_at = NEW.created_at
						WHERE id = NEW.thread_id AND first_response_at IS NULL AND user_id <> NEW.user_id;
					END IF;
					RETURN NULL;
				END IF;
				IF TG_OP = 'UPDATE' THEN
					IF NEW.thread_id = OLD.thread_id AND NEW.user_id = OLD.user_id
						AND NEW.deleted_at IS NOT DISTINCT FROM OLD.deleted_at
						AND NEW.hidden_at IS NOT DISTINCT FROM OLD.hidden_at THEN
						RETURN NULL;
					END IF;
					IF NEW.thread_id <> OLD.thread_id THEN
						PERFORM hearth_refresh_first_response(NEW.thread_id);
					END IF;
				END IF;
				PERFORM hearth_refresh_first_response(OLD.thread_id);
				RETURN NULL;
			END $$`,
			`CREATE TRIGGER posts_first_response AFTER INSERT OR UPDATE OR DELETE ON posts
				FOR EACH ROW EXECUTE FUNCTION hearth_posts_first_response()`,
			`CREATE FUNCTION hearth_threads_first_response() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				PERFORM hearth_refresh_first_response(NEW.id);
				RETURN NULL;
			END $$`,
			`CREATE TRIGGER threads_first_response AFTER UPDATE OF user_id ON threads
				FOR EACH ROW WHEN (OLD.user_id <> NEW.user_id) EXECUTE FUNCTION hearth_threads_first_response()`,
		)
	} else {
		refresh := func(id string) string {
			return `UPDATE threads SET first_response_at = ` + recompute + ` WHERE threads.id = ` + id + `;`
		}
		stmts = append(stmts,
			`CREATE TRIGGER posts_first_response_ai AFTER INSERT ON posts
				WHEN new.deleted_at IS NULL AND new.hidden_at IS NULL BEGIN
				UPDATE threads SET first_response_at = new.created_at
				WHERE id = new.thread_id AND first_response_at IS NULL AND user_id <> new.user_id; END`,
			`CREATE TRIGGER posts_first_response_au AFTER UPDATE OF deleted_at, hidden_at, thread_id, user_id ON posts
				WHEN old.deleted_at IS NOT new.deleted_at OR old.hidden_at IS NOT new.hidden_at
					OR old.thread_id <> new.thread_id OR old.user_id <> new.user_id BEGIN
				`+refresh("old.thread_id")+`
				`+refresh("new.thread_id")+` END`,
			`CREATE TRIGGER posts_first_response_ad AFTER DELETE ON posts BEGIN `+refresh("old.thread_id")+` END`,
			`CREATE TRIGGER threads_first_response_au AFTER UPDATE OF user_id ON threads
				WHEN old.user_id <> new.user_id BEGIN `+refresh("new.id")+` END`,
		)
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
