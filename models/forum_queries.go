package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Categories lists every category in display order.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	var cs []Category
	err := s.DB(ctx).Order("position, name").Find(&cs).Error
	return cs, err
}

// CategoryBySlug loads one category.
func (s *Store) CategoryBySlug(ctx context.Context, slug string) (*Category, error) {
	var c Category
	if err := s.DB(ctx).Where("slug = ?", slug).First(&c).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// CategoryByID loads one category.
func (s *Store) CategoryByID(ctx context.Context, id int64) (*Category, error) {
	var c Category
	if err := s.DB(ctx).First(&c, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// CreateCategory inserts c.
func (s *Store) CreateCategory(ctx context.Context, c *Category) error {
	return s.DB(ctx).Create(c).Error
}

const threadColumns = "id, category_id, user_id, title, slug, first_post_id, post_count, pinned, locked, " +
	"last_post_at, last_post_user_id, created_at, updated_at, deleted_at"

// scanThreads runs a query selecting threadColumns and scans it by hand:
// thread lists are on every category page, and gorm's reflective scan cost
// more than the query.
func scanThreads(q *gorm.DB) ([]Thread, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []Thread
	for rows.Next() {
		var t Thread
		if err := rows.Scan(&t.ID, &t.CategoryID, &t.UserID, &t.Title, &t.Slug, &t.FirstPostID, &t.PostCount, &t.Pinned, &t.Locked,
			&t.LastPostAt, &t.LastPostUserID, &t.CreatedAt, &t.UpdatedAt, &t.DeletedAt); err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// ThreadCursor is a keyset position in a category's thread list.
type ThreadCursor struct {
	LastPostAt time.Time
	ID         int64
}

// PinnedThreads lists a category's pinned threads, newest activity first.
func (s *Store) PinnedThreads(ctx context.Context, categoryID int64) ([]Thread, error) {
	return scanThreads(s.DB(ctx).Table("threads").Select(threadColumns).
		Where("category_id = ? AND pinned = ? AND deleted_at IS NULL", categoryID, true).
		Order("last_post_at DESC, id DESC").Limit(50))
}

// ThreadsByActivity lists unpinned threads of a category by last activity,
// after the cursor (nil for the first page). Keyset, never OFFSET, so page
// 1,000 costs what page 1 costs.
func (s *Store) ThreadsByActivity(ctx context.Context, categoryID int64, after *ThreadCursor, limit int) ([]Thread, error) {
	q := s.DB(ctx).Table("threads").Select(threadColumns).
		Where("category_id = ? AND pinned = ? AND deleted_at IS NULL", categoryID, false)
	if after != nil {
		q = q.Where("(last_post_at < ? OR (last_post_at = ? AND id < ?))", after.LastPostAt, after.LastPostAt, after.ID)
	}
	return scanThreads(q.Order("last_post_at DESC, id DESC").Limit(limit))
}

// LatestThreads lists the most recently active threads across categories.
func (s *Store) LatestThreads(ctx context.Context, categoryIDs []int64, limit int) ([]Thread, error) {
	q := s.DB(ctx).Table("threads").Select(threadColumns).Where("deleted_at IS NULL")
	if categoryIDs != nil {
		q = q.Where("category_id IN ?", categoryIDs)
	}
	return scanThreads(q.Order("last_post_at DESC, id DESC").Limit(limit))
}

// ThreadByID loads one thread, deleted or not.
func (s *Store) ThreadByID(ctx context.Context, id int64) (*Thread, error) {
	var t Thread
	if err := s.DB(ctx).First(&t, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

// ThreadsByIDs loads threads keyed by id.
func (s *Store) ThreadsByIDs(ctx context.Context, ids []int64) (map[int64]*Thread, error) {
	out := make(map[int64]*Thread, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var ts []Thread
	if err := s.DB(ctx).Where("id IN ?", uniqueIDs(ids)).Find(&ts).Error; err != nil {
		return nil, err
	}
	for i := range ts {
		out[ts[i].ID] = &ts[i]
	}
	return out, nil
}

// CreateThread inserts t.
func (s *Store) CreateThread(ctx context.Context, t *Thread) error {
	return s.DB(ctx).Create(t).Error
}

// UpdateThreadFields sets columns on one thread.
func (s *Store) UpdateThreadFields(ctx context.Context, id int64, fields map[string]any) error {
	return s.DB(ctx).Model(&Thread{}).Where("id = ?", id).Updates(fields).Error
}

// NextPostNumber reserves the next post number in a thread and records the
// new activity. The UPDATE takes the thread's row lock first, so concurrent
// replies to one thread get distinct, dense numbers on both databases.
func (s *Store) NextPostNumber(ctx context.Context, threadID, userID int64, at time.Time) (int, error) {
	// One statement: the new count comes back with the update (both
	// databases have RETURNING), not from a second read, a round trip
	// per reply that inbound federation paid on PostgreSQL.
	var n []int
	err := s.DB(ctx).Raw(`UPDATE threads SET post_count = post_count + 1, last_post_at = ?, last_post_user_id = ?, updated_at = ?
		WHERE id = ? RETURNING post_count`, at, userID, at, threadID).Scan(&n).Error
	if err != nil {
		return 0, err
	}
	if len(n) == 0 {
		return 0, ErrNotFound
	}
	return n[0], nil
}

// CreatePost inserts p.
func (s *Store) CreatePost(ctx context.Context, p *Post) error {
	return s.DB(ctx).Create(p).Error
}

// PostByID loads one post, deleted or not.
func (s *Store) PostByID(ctx context.Context, id int64) (*Post, error) {
	var p Post
	if err := s.DB(ctx).First(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// PostsByIDs loads posts keyed by id.
func (s *Store) PostsByIDs(ctx context.Context, ids []int64) (map[int64]*Post, error) {
	out := make(map[int64]*Post, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var ps []Post
	if err := s.DB(ctx).Where("id IN ?", uniqueIDs(ids)).Find(&ps).Error; err != nil {
		return nil, err
	}
	for i := range ps {
		out[ps[i].ID] = &ps[i]
	}
	return out, nil
}

// PostsInRange loads a thread's posts numbered from..to inclusive: a page is
// an index range scan on (thread_id, number), whatever the page number.
func (s *Store) PostsInRange(ctx context.Context, threadID int64, from, to int) ([]Post, error) {
	// Scanned by hand: this is the hottest query in Hearth, and gorm's
	// reflective scan cost more than SQLite's work. Body (the Markdown) is
	// not needed to show a page.
	rows, err := s.DB(ctx).Raw(`SELECT id, thread_id, number, user_id, reply_to_id, html, like_count, edit_count,
		created_at, updated_at, edited_at, deleted_at, deleted_by, hidden_at, ap_id, boost_count
		FROM posts WHERE thread_id = ? AND number BETWEEN ? AND ? ORDER BY number`, threadID, from, to).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ps := make([]Post, 0, max(0, min(to-from+1, 500)))
	for rows.Next() {
		var p Post
		if err := rows.Scan(&p.ID, &p.ThreadID, &p.Number, &p.UserID, &p.ReplyToID, &p.HTML, &p.LikeCount, &p.EditCount,
			&p.CreatedAt, &p.UpdatedAt, &p.EditedAt, &p.DeletedAt, &p.DeletedBy, &p.HiddenAt, &p.APID, &p.BoostCount); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// PostsByUser lists a member's visible posts, newest first, outside the
// hidden categories (see OutsideCategories).
func (s *Store) PostsByUser(ctx context.Context, userID int64, hidden []int64, limit int) ([]Post, error) {
	var ps []Post
	q := s.DB(ctx).Model(&Post{}).Where("posts.user_id = ? AND posts.deleted_at IS NULL AND posts.hidden_at IS NULL", userID)
	if len(hidden) > 0 {
		q = q.Joins("JOIN threads ON threads.id = posts.thread_id").Scopes(OutsideCategories("threads.category_id", hidden))
	}
	err := q.Select("posts.*").Order("posts.created_at DESC, posts.id DESC").Limit(limit).Find(&ps).Error
	return ps, err
}

// UpdatePostFields sets columns on one post.
func (s *Store) UpdatePostFields(ctx context.Context, id int64, fields map[string]any) error {
	return s.DB(ctx).Model(&Post{}).Where("id = ?", id).Updates(fields).Error
}

// CreateRevision stores an earlier body of a post.
func (s *Store) CreateRevision(ctx context.Context, r *PostRevision) error {
	return s.DB(ctx).Create(r).Error
}

// Revisions lists a post's earlier bodies, oldest first.
func (s *Store) Revisions(ctx context.Context, postID int64) ([]PostRevision, error) {
	var rs []PostRevision
	err := s.DB(ctx).Where("post_id = ?", postID).Order("id").Find(&rs).Error
	return rs, err
}

// AddLike records a like; it reports false when the like already existed.
func (s *Store) AddLike(ctx context.Context, postID, userID int64) (bool, error) {
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&Like{PostID: postID, UserID: userID})
	return res.RowsAffected == 1, res.Error
}

// RemoveLike deletes a like; it reports whether one was there.
func (s *Store) RemoveLike(ctx context.Context, postID, userID int64) (bool, error) {
	res := s.DB(ctx).Where("post_id = ? AND user_id = ?", postID, userID).Delete(&Like{})
	return res.RowsAffected == 1, res.Error
}

// LikedPostIDs returns which of the posts the user has liked.
func (s *Store) LikedPostIDs(ctx context.Context, userID int64, postIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(postIDs) == 0 {
		return out, nil
	}
	var ids []int64
	q := s.DB(ctx).Model(&Like{})
	if s.Dialect() == "postgres" {
		q = q.Where("user_id = ? AND post_id = ANY(CAST(CAST(? AS text) AS bigint[]))", userID, idArray(postIDs))
	} else {
		q = q.Where("user_id = ? AND post_id IN ?", userID, postIDs)
	}
	err := q.Pluck("post_id", &ids).Error
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// SetBookmark adds or removes a bookmark.
func (s *Store) SetBookmark(ctx context.Context, userID, threadID int64, on bool) error {
	if on {
		return s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&Bookmark{UserID: userID, ThreadID: threadID}).Error
	}
	return s.DB(ctx).Where("user_id = ? AND thread_id = ?", userID, threadID).Delete(&Bookmark{}).Error
}

// IsBookmarked reports whether the user bookmarked the thread.
func (s *Store) IsBookmarked(ctx context.Context, userID, threadID int64) (bool, error) {
	var n int64
	err := s.DB(ctx).Model(&Bookmark{}).Where("user_id = ? AND thread_id = ?", userID, threadID).Count(&n).Error
	return n > 0, err
}

// BookmarkedThreads lists a user's bookmarked threads, newest bookmark first.
func (s *Store) BookmarkedThreads(ctx context.Context, userID int64, limit int) ([]Thread, error) {
	var ts []Thread
	err := s.DB(ctx).Joins("JOIN bookmarks ON bookmarks.thread_id = threads.id").
		Where("bookmarks.user_id = ? AND threads.deleted_at IS NULL", userID).
		Order("bookmarks.created_at DESC").Limit(limit).Find(&ts).Error
	return ts, err
}

// TagsByName finds or creates tags by lower-case name.
func (s *Store) EnsureTags(ctx context.Context, names []string) ([]Tag, error) {
	if len(names) == 0 {
		return nil, nil
	}
	db := s.DB(ctx)
	rows := make([]Tag, len(names))
	for i, n := range names {
		rows[i] = Tag{Name: n}
	}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return nil, err
	}
	var tags []Tag
	err := db.Where("name IN ?", names).Find(&tags).Error
	return tags, err
}

// TagThread attaches tags to a thread.
func (s *Store) TagThread(ctx context.Context, threadID int64, tags []Tag) error {
	if len(tags) == 0 {
		return nil
	}
	links := make([]ThreadTag, len(tags))
	ids := make([]int64, len(tags))
	for i, t := range tags {
		links[i] = ThreadTag{ThreadID: threadID, TagID: t.ID}
		ids[i] = t.ID
	}
	db := s.DB(ctx)
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&links).Error; err != nil {
		return err
	}
	return db.Model(&Tag{}).Where("id IN ?", ids).UpdateColumn("thread_count", gorm.Expr("thread_count + 1")).Error
}

// ThreadTags returns the tag names of each thread.
func (s *Store) ThreadTags(ctx context.Context, threadIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(threadIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ThreadID int64
		Name     string
	}
	err := s.DB(ctx).Table("thread_tags").Select("thread_tags.thread_id, tags.name").
		Joins("JOIN tags ON tags.id = thread_tags.tag_id").
		Where("thread_tags.thread_id IN ?", threadIDs).Order("tags.name").Scan(&rows).Error
	for _, r := range rows {
		out[r.ThreadID] = append(out[r.ThreadID], r.Name)
	}
	return out, err
}

// TagByName loads a tag.
func (s *Store) TagByName(ctx context.Context, name string) (*Tag, error) {
	var t Tag
	if err := s.DB(ctx).Where("name = ?", name).First(&t).Error; err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

// ThreadsByTag lists a tag's threads by last activity.
func (s *Store) ThreadsByTag(ctx context.Context, tagID int64, limit int) ([]Thread, error) {
	var ts []Thread
	err := s.DB(ctx).Joins("JOIN thread_tags ON thread_tags.thread_id = threads.id").
		Where("thread_tags.tag_id = ? AND threads.deleted_at IS NULL", tagID).
		Order("threads.last_post_at DESC, threads.id DESC").Limit(limit).Find(&ts).Error
	return ts, err
}

// BumpCategory counts a new post (and thread) in a category's totals.
func (s *Store) BumpCategory(ctx context.Context, id int64, at time.Time, newThread bool) error {
	fields := map[string]any{"post_count": gorm.Expr("post_count + 1"), "last_post_at": at, "updated_at": at}
	if newThread {
		fields["thread_count"] = gorm.Expr("thread_count + 1")
	}
	return s.DB(ctx).Model(&Category{}).Where("id = ?", id).Updates(fields).Error
}

// TouchThread marks a thread changed (an edit, deletion or like in it), so
// caches keyed on its updated_at see a new version.
func (s *Store) TouchThread(ctx context.Context, id int64, at time.Time) error {
	return s.DB(ctx).Model(&Thread{}).Where("id = ?", id).UpdateColumn("updated_at", at).Error
}

// CategoryVersion returns the id of a category and a string that changes
// whenever its thread list does: its own row (counts, updated_at) and the
// newest change to any of its threads, read in one indexed query.
func (s *Store) CategoryVersion(ctx context.Context, slug string) (int64, string, error) {
	var id int64
	var updated time.Time
	var posts, threads int
	var newest sql.NullString
	// Rows, not Row: gorm's Row hands back an unusable *sql.Row when the
	// query fails (e.g. the client went away and ctx is cancelled), and
	// scanning it panics.
	rows, err := s.DB(ctx).Raw(`SELECT c.id, c.updated_at, c.post_count, c.thread_count,
		(SELECT MAX(t.updated_at) FROM threads t WHERE t.category_id = c.id)
		FROM categories c WHERE c.slug = ?`, slug).Rows()
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, "", err
		}
		return 0, "", ErrNotFound
	}
	if err := rows.Scan(&id, &updated, &posts, &threads, &newest); err != nil {
		return 0, "", err
	}
	return id, CategoryVersionString(updated, posts, threads, newest.String), nil
}

// CategoryVersionString formats a category's cache version from its row and
// the newest change among its threads.
func CategoryVersionString(updated time.Time, posts, threads int, newest string) string {
	return fmt.Sprintf("%d.%d.%d.%s", updated.UnixMicro(), posts, threads, newest)
}

// TouchCategory marks a category's page changed (a subcategory added, a
// thread moved out).
func (s *Store) TouchCategory(ctx context.Context, id int64, at time.Time) error {
	return s.DB(ctx).Model(&Category{}).Where("id = ?", id).UpdateColumn("updated_at", at).Error
}

// CategoryBySlugVersioned is CategoryBySlug with the category's cache
// version (as CategoryVersion's) read in the same query, for a page that
// both checks who may see the category and keys a cache on its threads.
func (s *Store) CategoryBySlugVersioned(ctx context.Context, slug string) (*Category, string, error) {
	var row struct {
		Category `gorm:"embedded"`
		Newest   sql.NullString
	}
	res := s.DB(ctx).Raw(`SELECT c.*, (SELECT MAX(t.updated_at) FROM threads t WHERE t.category_id = c.id) AS newest
		FROM categories c WHERE c.slug = ? LIMIT 1`, slug).Scan(&row)
	if res.Error != nil {
		return nil, "", res.Error
	}
	if res.RowsAffected == 0 {
		return nil, "", ErrNotFound
	}
	c := row.Category
	return &c, CategoryVersionString(c.UpdatedAt, c.PostCount, c.ThreadCount, row.Newest.String), nil
}
