package models

import (
	"context"
	"time"
)

// Reads of the live tables that a day's rollup (and today's live figures)
// are computed from. Each reads one day's rows by range on an index.

// DayPost is a live post in a live thread, with what the rollup needs of
// its thread and author.
type DayPost struct {
	ID, ThreadID, UserID int64
	Number               int
	CreatedAt            time.Time
	CategoryID           int64
	ThreadAuthorID       int64
	Domain, Role         string
	JoinedAt             time.Time
	ThreadCreatedAt      time.Time
}

// PostsBetween lists the live posts written in [from, to).
func (s *Store) PostsBetween(ctx context.Context, from, to time.Time) ([]DayPost, error) {
	rows, err := s.DB(ctx).Raw(`SELECT p.id, p.thread_id, p.user_id, p.number, p.created_at, t.category_id, t.user_id, u.domain, u.role, u.created_at, t.created_at
		FROM posts p JOIN threads t ON t.id = p.thread_id JOIN users u ON u.id = p.user_id
		WHERE p.created_at >= ? AND p.created_at < ? AND p.deleted_at IS NULL AND t.deleted_at IS NULL`, from, to).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DayPost
	for rows.Next() {
		var p DayPost
		if err := rows.Scan(&p.ID, &p.ThreadID, &p.UserID, &p.Number, &p.CreatedAt, &p.CategoryID, &p.ThreadAuthorID, &p.Domain, &p.Role, &p.JoinedAt, &p.ThreadCreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AnsweredBefore reports whether someone other than author wrote a live
// post numbered below number in the thread. It stops at the first such
// post, which is usually the thread's second.
func (s *Store) AnsweredBefore(ctx context.Context, threadID int64, number int, authorID int64) (bool, error) {
	var ids []int64
	err := s.DB(ctx).Raw(`SELECT id FROM posts WHERE thread_id = ? AND number < ? AND user_id <> ? AND deleted_at IS NULL LIMIT 1`,
		threadID, number, authorID).Scan(&ids).Error
	return len(ids) > 0, err
}

// NewLocalMembersBetween counts local members who joined in [from, to),
// from the idx_users_created range (the rollup needs only how many).
func (s *Store) NewLocalMembersBetween(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&User{}).Where("created_at >= ? AND created_at < ? AND domain = ''", from, to).Count(&n).Error
	return n, err
}

// SessionMembersBetween lists local members who signed in or used a
// session in [from, to) (a session since ended counts through its
// member_seen_days row), with when they joined.
func (s *Store) SessionMembersBetween(ctx context.Context, from, to time.Time) ([]MemberJoin, error) {
	var out []MemberJoin
	err := s.DB(ctx).Model(&User{}).Select("id, created_at").
		Where(`domain = '' AND (id IN (SELECT user_id FROM sessions WHERE (last_seen_at >= ? AND last_seen_at < ?) OR (created_at >= ? AND created_at < ?))
			OR id IN (SELECT user_id FROM member_seen_days WHERE first_at >= ? AND first_at < ?))`,
			seenArgs(from, to)...).Scan(&out).Error
	return out, err
}

// FirstPostsBetween lists members' first-ever posts written in [from, to)
// (local authors only), with the first later post by someone else in the
// same thread.
func (s *Store) FirstPostsBetween(ctx context.Context, from, to time.Time) ([]MemberFirstPost, error) {
	var firsts []struct {
		ID, UserID, ThreadID int64
		CreatedAt            time.Time
	}
	err := s.DB(ctx).Raw(`SELECT p.id, p.user_id, p.thread_id, p.created_at FROM posts p JOIN users u ON u.id = p.user_id
		WHERE p.created_at >= ? AND p.created_at < ? AND u.domain = ''
		AND NOT EXISTS (SELECT 1 FROM posts p2 WHERE p2.user_id = p.user_id AND (p2.created_at < p.created_at OR (p2.created_at = p.created_at AND p2.id < p.id)))`,
		from, to).Scan(&firsts).Error
	if err != nil {
		return nil, err
	}
	out := make([]MemberFirstPost, len(firsts))
	for i, f := range firsts {
		out[i] = MemberFirstPost{UserID: f.UserID, PostID: f.ID, ThreadID: f.ThreadID, PostedAt: f.CreatedAt}
		var at []time.Time
		if err := s.DB(ctx).Raw(`SELECT created_at FROM posts WHERE thread_id = ? AND user_id <> ? AND created_at > ? AND deleted_at IS NULL
			ORDER BY created_at LIMIT 1`, f.ThreadID, f.UserID, f.CreatedAt).Scan(&at).Error; err != nil {
			return nil, err
		}
		if len(at) == 1 {
			out[i].AnsweredAt = &at[0]
		}
	}
	return out, nil
}

// FollowerCounts counts remote follows made before t: per followed
// category, and of any local actor in total.
func (s *Store) FollowerCounts(ctx context.Context, before time.Time) (map[int64]int64, int64, error) {
	var rows []struct {
		LocalActorType string
		LocalActorID   int64
		N              int64
	}
	if err := s.DB(ctx).Raw(`SELECT local_actor_type, local_actor_id, COUNT(*) AS n FROM followers WHERE created_at < ?
		GROUP BY local_actor_type, local_actor_id`, before).Scan(&rows).Error; err != nil {
		return nil, 0, err
	}
	per, total := map[int64]int64{}, int64(0)
	for _, r := range rows {
		total += r.N
		if r.LocalActorType == ActorTypeCategory {
			per[r.LocalActorID] += r.N
		}
	}
	return per, total, nil
}

// FirstPostAt is when the oldest post was written, nil on an empty forum.
func (s *Store) FirstPostAt(ctx context.Context) (*time.Time, error) {
	var at []time.Time
	if err := s.DB(ctx).Raw("SELECT created_at FROM posts ORDER BY created_at LIMIT 1").Scan(&at).Error; err != nil {
		return nil, err
	}
	if len(at) == 0 {
		return nil, nil
	}
	return &at[0], nil
}

// ActiveMembersBetween lists local members who joined at or after joined
// and posted (a post deleted since still was activity) or used a session
// in [from, to). The day's posters are read once from the covering
// idx_posts_created range (a few thousand entries), not probed per member.
func (s *Store) ActiveMembersBetween(ctx context.Context, from, to, joined time.Time) ([]MemberJoin, error) {
	var out []MemberJoin
	err := s.DB(ctx).Model(&User{}).Select("id, created_at").
		Where(`domain = '' AND created_at >= ? AND (users.id IN (SELECT p.user_id FROM posts p WHERE p.created_at >= ? AND p.created_at < ?)
			OR `+seenBetweenSQL+`)`,
			append([]any{joined, from, to}, seenArgs(from, to)...)...).Scan(&out).Error
	return out, err
}
