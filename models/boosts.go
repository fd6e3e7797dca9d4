package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// PostBoost is a fediverse account's boost (an inbound Announce) of a post
// written here (migration 0180): one row per booster and post, found again
// by the Announce's id when its Undo comes.
type PostBoost struct {
	PostID     int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID     int64 `gorm:"primaryKey;autoIncrement:false"` // the booster's users row
	ActivityID string
	CreatedAt  time.Time
}

// AddBoost records a boost; false means the booster had already boosted
// the post, or the Announce was already recorded (either key refused it).
func (s *Store) AddBoost(ctx context.Context, b *PostBoost) (bool, error) {
	res := s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(b)
	return res.RowsAffected == 1, res.Error
}

// RemoveBoost deletes userID's boost recorded by the Announce activityID,
// or, when the Undo names an Announce not recorded (a second Announce of a
// post already boosted), userID's boost of postID. It returns the post
// whose boost was removed, or 0 when there was none.
func (s *Store) RemoveBoost(ctx context.Context, userID int64, activityID string, postID int64) (int64, error) {
	var b PostBoost
	err := s.DB(ctx).Where("user_id = ? AND activity_id = ?", userID, activityID).Limit(1).Find(&b).Error
	if err != nil {
		return 0, err
	}
	if b.PostID == 0 {
		b.PostID = postID
	}
	res := s.DB(ctx).Where("post_id = ? AND user_id = ?", b.PostID, userID).Delete(&PostBoost{})
	if res.Error != nil || res.RowsAffected == 0 {
		return 0, res.Error
	}
	return b.PostID, nil
}

// RemoveBoostsBy deletes every boost by userID and takes each off its
// post's boost_count; it returns the boosted posts' threads.
func (s *Store) RemoveBoostsBy(ctx context.Context, userID int64) ([]int64, error) {
	var posts []int64
	if err := s.DB(ctx).Model(&PostBoost{}).Where("user_id = ?", userID).Pluck("post_id", &posts).Error; err != nil || len(posts) == 0 {
		return nil, err
	}
	if err := s.DB(ctx).Where("user_id = ?", userID).Delete(&PostBoost{}).Error; err != nil {
		return nil, err
	}
	var threads []int64
	for i := 0; i < len(posts); i += 400 {
		chunk := posts[i:min(i+400, len(posts))]
		if err := s.DB(ctx).Exec("UPDATE posts SET boost_count = boost_count - 1 WHERE id IN ? AND boost_count > 0", chunk).Error; err != nil {
			return nil, err
		}
		var ids []int64
		if err := s.DB(ctx).Model(&Post{}).Distinct("thread_id").Where("id IN ?", chunk).Pluck("thread_id", &ids).Error; err != nil {
			return nil, err
		}
		threads = append(threads, ids...)
	}
	return threads, nil
}

// BoostTimes lists when the given posts were boosted in [from, to).
func (s *Store) BoostTimes(ctx context.Context, postIDs []int64, from, to time.Time) ([]time.Time, error) {
	var out []time.Time
	for i := 0; i < len(postIDs); i += 400 {
		var at []time.Time
		if err := s.DB(ctx).Model(&PostBoost{}).Where("created_at >= ? AND created_at < ? AND post_id IN ?", from, to,
			postIDs[i:min(i+400, len(postIDs))]).Pluck("created_at", &at).Error; err != nil {
			return nil, err
		}
		out = append(out, at...)
	}
	return out, nil
}

// BoostsBetween counts the boosts made in [from, to), per category of the
// boosted post's thread, and in all.
func (s *Store) BoostsBetween(ctx context.Context, from, to time.Time) (map[int64]int64, int64, error) {
	var rows []struct {
		CategoryID int64
		N          int64
	}
	err := s.DB(ctx).Raw(`SELECT t.category_id, COUNT(*) AS n FROM post_boosts b
		JOIN posts p ON p.id = b.post_id JOIN threads t ON t.id = p.thread_id
		WHERE b.created_at >= ? AND b.created_at < ? GROUP BY t.category_id`, from, to).Scan(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	per, total := make(map[int64]int64, len(rows)), int64(0)
	for _, r := range rows {
		per[r.CategoryID] = r.N
		total += r.N
	}
	return per, total, nil
}
