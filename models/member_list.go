package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// MemberListQuery narrows the staff member list; zero fields match
// everything. Times are compared as instants; SeenAfter/SeenBefore read
// users.last_seen_at (the first use on the member's last day seen).
type MemberListQuery struct {
	Search       string // lower-case; matched anywhere in username, display name or email
	Role         string
	Sandboxed    bool
	Sanction     string // SanctionSuspend or SanctionSilence: only members under one now
	Origin       string // "local" or "remote"
	Domain       string // lower-case remote domain
	JoinedAfter  *time.Time
	JoinedBefore *time.Time
	SeenAfter    *time.Time    // seen at or after
	SeenBefore   *time.Time    // not seen at or after (never seen included)
	Now          time.Time     // what "in force" means for sanctions
	BySeen       bool          // order by last seen (members never seen left out), not by joining
	Before       *KeysetCursor // (created_at, id), or (last_seen_at, id) when BySeen
}

// MemberListRow is a user with whether a suspension or silence is in
// force.
type MemberListRow struct {
	User      `gorm:"embedded"`
	Suspended bool
	Silenced  bool
}

const activeSanctionSQL = `EXISTS (SELECT 1 FROM sanctions sn WHERE sn.user_id = users.id AND sn.kind = ? AND sn.lifted_at IS NULL
	AND sn.starts_at <= ? AND (sn.ends_at IS NULL OR sn.ends_at > ?))`

// MemberList lists users newest first, keyset-paged on (created_at, id)
// through idx_users_created_id (migration 0360), or on (last_seen_at, id)
// through idx_users_last_seen (0361). The sanctions are correlated
// subqueries on the page's rows (probes of idx_sanctions_user_kind), so a
// page is one query.
func (s *Store) MemberList(ctx context.Context, q MemberListQuery, limit int) ([]MemberListRow, error) {
	var out []MemberListRow
	err := s.memberListDB(ctx, q, limit).Scan(&out).Error
	return out, err
}

func (s *Store) memberListDB(ctx context.Context, q MemberListQuery, limit int) *gorm.DB {
	db := s.DB(ctx).Model(&User{}).Select(`users.*, `+activeSanctionSQL+` AS suspended, `+activeSanctionSQL+` AS silenced`,
		SanctionSuspend, q.Now, q.Now, SanctionSilence, q.Now, q.Now)
	if q.Search != "" {
		pat := "%" + likeEscape(q.Search) + "%"
		db = db.Where(`(users.username_lower LIKE ? ESCAPE '\' OR LOWER(users.display_name) LIKE ? ESCAPE '\' OR users.email_lower LIKE ? ESCAPE '\')`, pat, pat, pat)
	}
	if q.Role != "" {
		db = db.Where("users.role = ?", q.Role)
	}
	if q.Sandboxed {
		db = db.Where("users.sandboxed = ?", true)
	}
	if q.Sanction != "" {
		db = db.Where(activeSanctionSQL, q.Sanction, q.Now, q.Now)
	}
	switch q.Origin {
	case "local":
		db = db.Where("users.domain = ''")
	case "remote":
		db = db.Where("users.domain <> ''")
	}
	if d := strings.TrimSpace(q.Domain); d != "" {
		db = db.Where("LOWER(users.domain) = ?", d)
	}
	if q.JoinedAfter != nil {
		db = db.Where("users.created_at >= ?", *q.JoinedAfter)
	}
	if q.JoinedBefore != nil {
		db = db.Where("users.created_at < ?", *q.JoinedBefore)
	}
	if q.SeenAfter != nil {
		db = db.Where("users.last_seen_at >= ?", *q.SeenAfter)
	}
	if q.SeenBefore != nil {
		db = db.Where("(users.last_seen_at IS NULL OR users.last_seen_at < ?)", *q.SeenBefore)
	}
	col := "users.created_at"
	if q.BySeen {
		col = "users.last_seen_at"
		db = db.Where("users.last_seen_at IS NOT NULL")
	}
	if b := q.Before; b != nil {
		// A row-value comparison: one index range on both databases (the
		// OR form made SQLite walk the index from the top).
		db = db.Where("("+col+", users.id) < (?, ?)", b.CreatedAt, b.ID)
	}
	return db.Order(col + " DESC, users.id DESC").Limit(limit)
}
