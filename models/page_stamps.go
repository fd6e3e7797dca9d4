package models

import (
	"context"
	"database/sql"
	"time"
)

// PageStamp is what a logged-out page's cache key is built from: the
// page's own version and the site banner shown on every page, read in one
// query. A cache hit costs this one round trip, so the banner must not add
// a second (it did: 4,000 instead of 5,600 anonymous thread pages a second).
type PageStamp struct {
	// ID is the thread's or category's id.
	ID int64
	// Updated is threads.updated_at or categories.updated_at.
	Updated time.Time
	// Posts and Threads are the row's counters (Threads only for categories).
	Posts, Threads int
	// Deleted is set for a soft-deleted thread.
	Deleted bool
	// Newest is the latest updated_at among a category's threads ("" for a
	// thread, or a category without threads).
	Newest string
	// Banner is the active site banner, nil for none.
	Banner *BannerThread
	// Site is site_settings.version: every page shows the site's name,
	// logo and colour, so their version comes with the page's.
	Site int64
}

// bannerJoin is ActiveBanner as a one-row derived table, LEFT JOINed to a
// page's own row so the banner comes with the version. Its one parameter
// is now.
const bannerJoin = ` LEFT JOIN (SELECT st.thread_id AS b_id, bt.title AS b_title, bt.slug AS b_slug, st.banner_until AS b_until
	FROM scheduled_threads st JOIN threads bt ON bt.id = st.thread_id
	WHERE st.state = 'done' AND st.banner_until > ? AND bt.deleted_at IS NULL
	ORDER BY st.publish_at DESC, st.id DESC LIMIT 1) b ON 1 = 1`

// siteVersionCol is the site settings' version, a scalar subquery by
// primary key (NULL if the row were missing).
const siteVersionCol = `(SELECT ss.version FROM site_settings ss WHERE ss.id = 1)`

// ThreadStamp reads a thread's cache version and the active banner. A
// missing thread is ErrNotFound; a deleted one comes back with Deleted set.
func (s *Store) ThreadStamp(ctx context.Context, id int64, now time.Time) (*PageStamp, error) {
	ps := PageStamp{ID: id}
	var deleted sql.NullTime
	var b bannerCols
	var site sql.NullInt64
	rows, err := s.DB(ctx).Raw(`SELECT t.updated_at, t.post_count, t.deleted_at, b.b_id, b.b_title, b.b_slug, b.b_until, `+siteVersionCol+`
		FROM threads t`+bannerJoin+` WHERE t.id = ?`, now, id).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if err := firstRow(rows); err != nil {
		return nil, err
	}
	if err := rows.Scan(&ps.Updated, &ps.Posts, &deleted, &b.id, &b.title, &b.slug, &b.until, &site); err != nil {
		return nil, err
	}
	ps.Deleted = deleted.Valid
	ps.Banner = b.banner()
	ps.Site = site.Int64
	return &ps, rows.Close()
}

// CategoryStamp reads what CategoryVersion does, plus the active banner.
func (s *Store) CategoryStamp(ctx context.Context, slug string, now time.Time) (*PageStamp, error) {
	var ps PageStamp
	var newest sql.NullString
	var b bannerCols
	var site sql.NullInt64
	rows, err := s.DB(ctx).Raw(`SELECT c.id, c.updated_at, c.post_count, c.thread_count,
		(SELECT MAX(t.updated_at) FROM threads t WHERE t.category_id = c.id), b.b_id, b.b_title, b.b_slug, b.b_until, `+siteVersionCol+`
		FROM categories c`+bannerJoin+` WHERE c.slug = ?`, now, slug).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if err := firstRow(rows); err != nil {
		return nil, err
	}
	if err := rows.Scan(&ps.ID, &ps.Updated, &ps.Posts, &ps.Threads, &newest, &b.id, &b.title, &b.slug, &b.until, &site); err != nil {
		return nil, err
	}
	ps.Newest = newest.String
	ps.Banner = b.banner()
	ps.Site = site.Int64
	return &ps, rows.Close()
}

// SiteStamp reads what every page shows besides its own content, for a
// page without a version read of its own (a member's page, the home page):
// the active banner and the site settings' version, in one query.
func (s *Store) SiteStamp(ctx context.Context, now time.Time) (*PageStamp, error) {
	var ps PageStamp
	var b bannerCols
	rows, err := s.DB(ctx).Raw(`SELECT ss.version, b.b_id, b.b_title, b.b_slug, b.b_until
		FROM site_settings ss`+bannerJoin+` WHERE ss.id = 1`, now).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if err := firstRow(rows); err != nil {
		return nil, err
	}
	if err := rows.Scan(&ps.Site, &b.id, &b.title, &b.slug, &b.until); err != nil {
		return nil, err
	}
	ps.Banner = b.banner()
	return &ps, rows.Close()
}

type bannerCols struct {
	id          sql.NullInt64
	title, slug sql.NullString
	until       sql.NullTime
}

func (b *bannerCols) banner() *BannerThread {
	if !b.id.Valid {
		return nil
	}
	return &BannerThread{ThreadID: b.id.Int64, Title: b.title.String, Slug: b.slug.String, Until: b.until.Time}
}

// firstRow advances rows to its first row: ErrNotFound when there is none.
func firstRow(rows *sql.Rows) error {
	if rows.Next() {
		return nil
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return ErrNotFound
}

// MemberStamp is SiteStamp plus what a signed-in member's page header
// counts: their unread notifications and their conversations with unread
// messages (as CountUnreadNotifications and CountUnreadConversations), in
// the same single query, so the header costs one round trip.
func (s *Store) MemberStamp(ctx context.Context, userID int64, now time.Time) (ps *PageStamp, notifications, conversations int64, err error) {
	ps = &PageStamp{}
	var b bannerCols
	rows, err := s.DB(ctx).Raw(`SELECT ss.version, b.b_id, b.b_title, b.b_slug, b.b_until,
		(SELECT count(*) FROM notifications n WHERE n.user_id = ? AND n.read_at IS NULL),
		(SELECT count(*) FROM conversation_participants cp WHERE cp.user_id = ? AND cp.unread > 0 AND cp.left_at IS NULL AND cp.muted = ?)
		FROM site_settings ss`+bannerJoin+` WHERE ss.id = 1`, userID, userID, false, now).Rows()
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	if err := firstRow(rows); err != nil {
		return nil, 0, 0, err
	}
	if err := rows.Scan(&ps.Site, &b.id, &b.title, &b.slug, &b.until, &notifications, &conversations); err != nil {
		return nil, 0, 0, err
	}
	ps.Banner = b.banner()
	return ps, notifications, conversations, rows.Close()
}
