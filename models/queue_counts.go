package models

import "context"

// QueueCounts counts review items per state (open, claimed, resolved) for
// the tabs of /mod. kinds limits the kinds (nil: all); categoryIDs, when not
// nil, limits to items whose post is in those categories, as
// QueueItemsInCategories lists them. One grouped read on
// idx_mod_queue_state_created.
func (s *Store) QueueCounts(ctx context.Context, kinds []string, categoryIDs []int64) (map[string]int64, error) {
	out := map[string]int64{}
	if categoryIDs != nil && len(categoryIDs) == 0 {
		return out, nil
	}
	db := s.DB(ctx).Model(&ModQueueItem{})
	if kinds != nil {
		db = db.Where("kind IN ?", kinds)
	}
	if categoryIDs != nil {
		db = db.Where(`EXISTS (SELECT 1 FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE p.id = mod_queue_items.post_id AND t.category_id IN ?)`, uniqueIDs(categoryIDs))
	}
	var rows []struct {
		State string
		N     int64
	}
	if err := db.Select("state, COUNT(*) AS n").Group("state").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// RecordSummary is the short form of a member's moderation record shown on
// a review card: how many warnings (not revoked), sanctions (silences and
// suspensions, ever) and flags against their posts.
type RecordSummary struct {
	Warnings  int64
	Sanctions int64
	Flags     int64
}

// RecordSummaries counts the record of several members in three grouped
// reads, whatever their number.
func (s *Store) RecordSummaries(ctx context.Context, userIDs []int64) (map[int64]RecordSummary, error) {
	out := map[int64]RecordSummary{}
	ids := uniqueIDs(userIDs)
	if len(ids) == 0 {
		return out, nil
	}
	type row struct {
		UserID int64
		N      int64
	}
	var w, sn, fl []row
	if err := s.DB(ctx).Model(&Warning{}).Where("user_id IN ? AND revoked_at IS NULL", ids).
		Select("user_id, COUNT(*) AS n").Group("user_id").Scan(&w).Error; err != nil {
		return nil, err
	}
	if err := s.DB(ctx).Model(&Sanction{}).Where("user_id IN ?", ids).
		Select("user_id, COUNT(*) AS n").Group("user_id").Scan(&sn).Error; err != nil {
		return nil, err
	}
	if err := s.DB(ctx).Table("flags").Joins("JOIN posts ON posts.id = flags.post_id").Where("posts.user_id IN ?", ids).
		Select("posts.user_id AS user_id, COUNT(*) AS n").Group("posts.user_id").Scan(&fl).Error; err != nil {
		return nil, err
	}
	for _, r := range w {
		x := out[r.UserID]
		x.Warnings = r.N
		out[r.UserID] = x
	}
	for _, r := range sn {
		x := out[r.UserID]
		x.Sanctions = r.N
		out[r.UserID] = x
	}
	for _, r := range fl {
		x := out[r.UserID]
		x.Flags = r.N
		out[r.UserID] = x
	}
	return out, nil
}
