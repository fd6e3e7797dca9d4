package migrations

import (
	"fmt"

	"gorm.io/gorm"
)

// migrateMergeTrigger makes moving a post between threads cost O(1) in the
// first-response triggers of 0150 instead of a MIN over both threads' posts.
// A thread merge moves every post of the source, so the old per-row
// recompute made a merge quadratic (two 1,000-post threads: ~6 s of CPU).
//
// When only a post's thread changes (its author, deletion and hiding stay):
//   - the target thread takes the moved post's time if it is a live reply by
//     someone other than the thread's author and earlier than its answer;
//   - the source thread is recomputed only if the moved post could have been
//     its answer (live, by another member, at or before first_response_at).
//
// Every other change recomputes both threads as before.
func migrateMergeTrigger(tx *gorm.DB) error {
	const recompute = `(SELECT MIN(p.created_at) FROM posts p WHERE p.thread_id = threads.id
		AND p.user_id <> threads.user_id AND p.deleted_at IS NULL AND p.hidden_at IS NULL)`
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION hearth_posts_first_response() RETURNS trigger LANGUAGE plpgsql AS $$
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
					IF NEW.user_id = OLD.user_id
						AND NEW.deleted_at IS NOT DISTINCT FROM OLD.deleted_at
						AND NEW.hidden_at IS NOT DISTINCT FROM OLD.hidden_at THEN
						-- Only the thread changed: a move.
						IF NEW.deleted_at IS NULL AND NEW.hidden_at IS NULL THEN
							UPDATE threads SET first_response_at = NEW.created_at
							WHERE id = NEW.thread_id AND user_id <> NEW.user_id
								AND (first_response_at IS NULL OR first_response_at > NEW.created_at);
							UPDATE threads SET first_response_at = ` + recompute + `
							WHERE id = OLD.thread_id AND user_id <> OLD.user_id
								AND first_response_at IS NOT NULL AND first_response_at >= OLD.created_at;
						END IF;
						RETURN NULL;
					END IF;
					IF NEW.thread_id <> OLD.thread_id THEN
						PERFORM hearth_refresh_first_response(NEW.thread_id);
					END IF;
				END IF;
				PERFORM hearth_refresh_first_response(OLD.thread_id);
				RETURN NULL;
			END $$`,
		}
	} else {
		refresh := func(id string) string {
			return `UPDATE threads SET first_response_at = ` + recompute + ` WHERE threads.id = ` + id + `;`
		}
		// SQLite cannot alter a trigger: 0150's update trigger is replaced by
		// one for moves and one for every other change.
		stmts = []string{
			`DROP TRIGGER posts_first_response_au`,
			`CREATE TRIGGER posts_first_response_au AFTER UPDATE OF deleted_at, hidden_at, thread_id, user_id ON posts
				WHEN old.deleted_at IS NOT new.deleted_at OR old.hidden_at IS NOT new.hidden_at
					OR old.user_id <> new.user_id BEGIN
				` + refresh("old.thread_id") + `
				` + refresh("new.thread_id") + ` END`,
			`CREATE TRIGGER posts_first_response_move AFTER UPDATE OF thread_id ON posts
				WHEN old.thread_id <> new.thread_id AND old.deleted_at IS new.deleted_at
					AND old.hidden_at IS new.hidden_at AND old.user_id = new.user_id
					AND new.deleted_at IS NULL AND new.hidden_at IS NULL BEGIN
				UPDATE threads SET first_response_at = new.created_at
				WHERE id = new.thread_id AND user_id <> new.user_id
					AND (first_response_at IS NULL OR first_response_at > new.created_at);
				UPDATE threads SET first_response_at = ` + recompute + `
				WHERE id = old.thread_id AND user_id <> old.user_id
					AND first_response_at IS NOT NULL AND first_response_at >= old.created_at; END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
