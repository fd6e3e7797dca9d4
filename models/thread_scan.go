package models

import "strings"

// threadAllColumns are every column of Thread, in the order threadFields
// lists their destinations, and categoryAllColumns Category's. A thread's
// page reads its thread and category on every request; scanning them with
// database/sql into these pointers skips gorm's per-column reflection,
// which was about a third of that read's cost on a member's thread page
// (TestThreadAndCategoryColumnsCoverTheStructs keeps the lists in step with
// the structs, so a new column cannot be left unread).
var threadAllColumns = []string{
	"id", "category_id", "user_id", "title", "slug", "first_post_id", "post_count",
	"pinned", "locked", "last_post_at", "last_post_user_id", "created_at",
	"updated_at", "deleted_at", "merged_into_id", "slow_mode_seconds", "pinned_global",
}

func threadFields(t *Thread) []any {
	return []any{
		&t.ID, &t.CategoryID, &t.UserID, &t.Title, &t.Slug, &t.FirstPostID, &t.PostCount,
		&t.Pinned, &t.Locked, &t.LastPostAt, &t.LastPostUserID, &t.CreatedAt,
		&t.UpdatedAt, &t.DeletedAt, &t.MergedIntoID, &t.SlowModeSeconds, &t.PinnedGlobal,
	}
}

var categoryAllColumns = []string{
	"id", "parent_id", "slug", "name", "description", "color", "position",
	"thread_count", "post_count", "last_post_at", "created_at", "updated_at",
	"ambassadors_only", "ap_slug", "staff_only_threads",
}

func categoryFields(c *Category) []any {
	return []any{
		&c.ID, &c.ParentID, &c.Slug, &c.Name, &c.Description, &c.Color, &c.Position,
		&c.ThreadCount, &c.PostCount, &c.LastPostAt, &c.CreatedAt, &c.UpdatedAt,
		&c.AmbassadorsOnly, &c.APSlug, &c.StaffOnlyThreads,
	}
}

// qualified is cols each prefixed with alias and a dot, comma-separated.
func qualified(alias string, cols []string) string {
	return alias + "." + strings.Join(cols, ", "+alias+".")
}

// threadCategorySelect reads a thread t and its category c, in the order
// threadCategoryFields scans them.
var threadCategorySelect = qualified("t", threadAllColumns) + ", " + qualified("c", categoryAllColumns)

func threadCategoryFields(t *Thread, c *Category) []any {
	return append(threadFields(t), categoryFields(c)...)
}
