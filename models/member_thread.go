package models

import (
	"context"
	"time"
)

// MemberThread is what a signed-in member's thread page reads before its
// posts: the thread and its category (as ThreadCategory), and the page
// header's part (as MemberStamp: the site settings' version, the banner,
// the member's unread notifications and conversations).
type MemberThread struct {
	Thread        Thread
	Category      Category
	Stamp         PageStamp
	Notifications int64
	Conversations int64
}

// MemberThreadRead reads MemberThread in one statement; ErrNotFound when
// the thread or its category is missing. A member's thread page read it in
// two (ThreadCategory, then MemberStamp for the header), and on SQLite
// every statement is parsed again on each run: one statement instead of
// two saves a parse, a round trip on PostgreSQL, and gorm's
// per-statement work.
func (s *Store) MemberThreadRead(ctx context.Context, threadID, userID int64, now time.Time) (*MemberThread, error) {
	rows, err := s.DB(ctx).Raw(`SELECT `+threadCategorySelect+`, `+siteVersionCol+`, b.b_id, b.b_title, b.b_slug, b.b_until,
		(SELECT count(*) FROM notifications n WHERE n.user_id = ? AND n.read_at IS NULL),
		(SELECT count(*) FROM conversation_participants cp WHERE cp.user_id = ? AND cp.unread > 0 AND cp.left_at IS NULL AND cp.muted = ?)
		FROM threads t JOIN categories c ON c.id = t.category_id`+bannerJoin+` WHERE t.id = ?`,
		userID, userID, false, now, threadID).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if err := firstRow(rows); err != nil {
		return nil, err
	}
	m := &MemberThread{}
	var b bannerCols
	var site *int64
	dest := append(threadCategoryFields(&m.Thread, &m.Category), &site, &b.id, &b.title, &b.slug, &b.until, &m.Notifications, &m.Conversations)
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	m.Stamp = PageStamp{ID: threadID, Updated: m.Thread.UpdatedAt, Posts: m.Thread.PostCount, Deleted: m.Thread.DeletedAt != nil, Banner: b.banner()}
	if site != nil {
		m.Stamp.Site = *site
	}
	return m, rows.Close()
}
