package models

import "context"

// CategoryViewer is what a category page shows that is a member's own or
// changes without changing the page's thread list, read in one statement:
// the category's remote followers, the member's level row on the category,
// their rows on the listed threads (level and read mark, for the unread
// counts) and the categories they muted (a thread at level none in a
// muted category shows no unread count).
type CategoryViewer struct {
	Followers int
	// Level is the member's row on the category, nil for none.
	Level *NotificationLevel
	// Marks are the member's rows on the listed threads, by thread id.
	Marks map[int64]NotificationLevel
	// Muted are the categories the member muted.
	Muted map[int64]bool
}

// categoryViewerSQL's arms each read one index: followers by
// idx_followers_pair, the member's category rows (a handful) and their
// rows on the listed threads by idx_notification_levels_target. The
// thread arm's list is filled in by CategoryViewerState per dialect.
const categoryViewerSQL = `SELECT 'f', 0, '', count(*) FROM followers WHERE local_actor_type = ? AND local_actor_id = ?
	UNION ALL SELECT target_kind, target_id, level, last_read FROM notification_levels
	WHERE user_id = ? AND target_kind = ? AND (target_id = ? OR level = ?)
	UNION ALL SELECT target_kind, target_id, level, last_read FROM notification_levels
	WHERE user_id = ? AND target_kind = ? AND target_id `

// CategoryViewerState reads a category page's CategoryViewer for member
// userID and the threads listed on the page: one round trip where the
// follower count, the category level, the read marks and the muted
// categories were four.
func (s *Store) CategoryViewerState(ctx context.Context, userID, categoryID int64, threadIDs []int64) (*CategoryViewer, error) {
	args := []any{ActorTypeCategory, categoryID, userID, TargetCategory, categoryID, LevelMuted, userID, TargetThread}
	q := categoryViewerSQL
	switch {
	case len(threadIDs) == 0:
		q += `IN (NULL)`
	case s.Dialect() == "postgres":
		q += `= ANY(CAST(CAST(? AS text) AS bigint[]))` // one statement whatever the list's length (id_array.go)
		args = append(args, idArray(threadIDs))
	default:
		q += `IN ?`
		args = append(args, threadIDs)
	}
	rows, err := s.DB(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	v := &CategoryViewer{Marks: map[int64]NotificationLevel{}, Muted: map[int64]bool{}}
	for rows.Next() {
		var r NotificationLevel
		if err := rows.Scan(&r.TargetKind, &r.TargetID, &r.Level, &r.LastRead); err != nil {
			return nil, err
		}
		switch {
		case r.TargetKind == "f":
			v.Followers = r.LastRead
		case r.TargetKind == TargetThread:
			v.Marks[r.TargetID] = r
		default:
			if r.Level == LevelMuted {
				v.Muted[r.TargetID] = true
			}
			if r.TargetID == categoryID {
				v.Level = &r
			}
		}
	}
	return v, rows.Err()
}
