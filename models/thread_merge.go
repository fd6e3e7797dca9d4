package models

import (
	"context"
	"sort"
	"time"
)

// What members kept on a thread that a merge must carry to the thread it
// is merged into: read marks, notification levels, bookmarks, and the
// thread's solution and follow-up assignment.

// remapReadMarks rewrites the read marks on both merged threads from their
// old post numbers to the new ones. keys are both threads' posts in their
// new order (keys[i] is now number i+1), with their old thread and number.
// A mark moves to the new number of the last post it covered; marks on
// the source thread still name it (MergeThreadFollowing moves them).
func (s *Store) remapReadMarks(ctx context.Context, from, into int64, keys []postKey) error {
	type step struct{ old, new int }
	steps := map[int64][]step{}
	for i, k := range keys {
		steps[k.ThreadID] = append(steps[k.ThreadID], step{k.Number, i + 1})
	}
	for _, st := range steps {
		sort.Slice(st, func(a, b int) bool { return st[a].old < st[b].old })
	}
	var rows []NotificationLevel
	if err := s.DB(ctx).Select("id", "target_id", "last_read").
		Where("target_kind = ? AND target_id IN ? AND last_read > 0", TargetThread, []int64{from, into}).Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		st := steps[r.TargetID]
		// The last post of this thread the mark covered.
		i := sort.Search(len(st), func(i int) bool { return st[i].old > r.LastRead }) - 1
		mark := 0
		if i >= 0 {
			mark = st[i].new
		}
		if mark == r.LastRead {
			continue
		}
		if err := s.DB(ctx).Model(&NotificationLevel{}).Where("id = ?", r.ID).Update("last_read", mark).Error; err != nil {
			return err
		}
	}
	return nil
}

// MergeThreadFollowing moves what members and staff kept on thread from to
// thread into, after MergeThreadPosts:
//   - bookmarks (one per member and thread);
//   - notification levels and read marks: a member's row on from becomes
//     their row on into; where they have both, a level they chose on into
//     stays, otherwise from's level wins over an automatic or empty one,
//     and the read mark is the lower of the two, so the merge marks
//     nothing read that they had not reached in either thread;
//   - the solution and the assignment (with its overdue alerts), unless
//     into has its own, which is kept.
func (s *Store) MergeThreadFollowing(ctx context.Context, from, into int64, now time.Time) error {
	db := s.DB(ctx)
	if err := db.Exec(`INSERT INTO bookmarks (user_id, thread_id, created_at)
		SELECT b.user_id, ?, b.created_at FROM bookmarks b WHERE b.thread_id = ?
		AND NOT EXISTS (SELECT 1 FROM bookmarks d WHERE d.user_id = b.user_id AND d.thread_id = ?)`, into, from, into).Error; err != nil {
		return err
	}
	if err := db.Exec(`DELETE FROM bookmarks WHERE thread_id = ?`, from).Error; err != nil {
		return err
	}
	if err := s.mergeLevels(ctx, from, into, now); err != nil {
		return err
	}
	for _, table := range []string{"thread_solutions", "thread_assignments"} {
		if err := db.Exec(`UPDATE `+table+` SET thread_id = ? WHERE thread_id = ?
			AND NOT EXISTS (SELECT 1 FROM `+table+` d WHERE d.thread_id = ?)`, into, from, into).Error; err != nil {
			return err
		}
	}
	// An alert already sent for the moved assignment is not sent again;
	// those for one the target's replaced go with it.
	if err := db.Exec(`UPDATE overdue_alerts SET thread_id = ? WHERE thread_id = ?
		AND EXISTS (SELECT 1 FROM thread_assignments a WHERE a.thread_id = ? AND a.assignee_id = overdue_alerts.assignee_id)
		AND NOT EXISTS (SELECT 1 FROM overdue_alerts d WHERE d.thread_id = ? AND d.assignee_id = overdue_alerts.assignee_id AND d.due_unix = overdue_alerts.due_unix)`,
		into, from, into, into).Error; err != nil {
		return err
	}
	for _, table := range []string{"thread_solutions", "thread_assignments", "overdue_alerts"} {
		if err := db.Exec(`DELETE FROM `+table+` WHERE thread_id = ?`, from).Error; err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) mergeLevels(ctx context.Context, from, into int64, now time.Time) error {
	db := s.DB(ctx)
	var src []NotificationLevel
	if err := db.Where("target_kind = ? AND target_id = ?", TargetThread, from).Find(&src).Error; err != nil {
		return err
	}
	if len(src) == 0 {
		return nil
	}
	users := make([]int64, len(src))
	for i, r := range src {
		users[i] = r.UserID
	}
	var dst []NotificationLevel
	if err := db.Where("target_kind = ? AND target_id = ? AND user_id IN ?", TargetThread, into, uniqueIDs(users)).Find(&dst).Error; err != nil {
		return err
	}
	have := make(map[int64]NotificationLevel, len(dst))
	for _, r := range dst {
		have[r.UserID] = r
	}
	for _, r := range src {
		d, both := have[r.UserID]
		if !both {
			if err := db.Model(&NotificationLevel{}).Where("id = ?", r.ID).
				Updates(map[string]any{"target_id": into, "updated_at": now}).Error; err != nil {
				return err
			}
			continue
		}
		level, auto := d.Level, d.Auto
		if (d.Level == LevelNone || d.Auto) && r.Level != LevelNone {
			level, auto = r.Level, r.Auto
		}
		mark := d.LastRead
		if mark == 0 || (r.LastRead > 0 && r.LastRead < mark) {
			mark = r.LastRead
		}
		if err := db.Model(&NotificationLevel{}).Where("id = ?", d.ID).
			Updates(map[string]any{"level": level, "auto": auto, "last_read": mark, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := db.Delete(&NotificationLevel{}, r.ID).Error; err != nil {
			return err
		}
	}
	return nil
}
