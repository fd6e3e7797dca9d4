package forum

import (
	"context"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// Boosts: a fediverse account's Announce of a post written here (what
// Mastodon shows as a boost). Each booster counts once per post; the post's
// author hears of it as of a like (unless the booster's instance is
// silenced), and the community figures count it as a remote interaction.

// maxActivityID bounds the Announce id kept per boost (the column's size).
const maxActivityID = 2048

// BoostFromRemote records booster's boost of post postID, carried by the
// Announce activityID. Boosting again (a redelivery, or a second Announce
// by the same account) changes nothing. A post that may not be boosted
// (deleted, hidden, private, a remote copy) is ErrForbidden; a missing one
// ErrNotFound. changed reports whether the boost was new. A boost from a
// silenced instance still counts but does not notify the author, as
// Mastodon filters notifications from limited accounts.
func (s *Service) BoostFromRemote(ctx context.Context, booster *models.User, postID int64, activityID string) (changed bool, err error) {
	if booster == nil || !booster.IsRemote() || activityID == "" || len(activityID) > maxActivityID ||
		!strings.Contains(activityID, "://") {
		return false, ErrForbidden
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		p, t, err := s.PostFor(ctx, booster, postID)
		if err != nil {
			return err
		}
		c, err := s.store.CategoryByID(ctx, t.CategoryID)
		if err != nil {
			return mapNotFound(err)
		}
		if !CanBeBoosted(booster, p, c) {
			return ErrForbidden
		}
		now := s.now()
		if changed, err = s.store.AddBoost(ctx, &models.PostBoost{PostID: p.ID, UserID: booster.ID, ActivityID: activityID, CreatedAt: now}); err != nil || !changed {
			return err
		}
		if err := s.store.Increment(ctx, &models.Post{}, p.ID, "boost_count", 1); err != nil {
			return err
		}
		silenced, err := s.InstanceSilenced(ctx, booster.Domain)
		if err != nil {
			return err
		}
		if !silenced {
			if err := s.notifyOnce(ctx, booster, p, models.NotifyBoost); err != nil {
				return err
			}
		}
		return s.store.TouchThread(ctx, p.ThreadID, now) // the count is on the thread page
	})
	return changed, err
}

// UnboostFromRemote takes back booster's boost recorded by the Announce
// activityID (or, failing that, their boost of postID, 0 when the Undo
// names no post here). Undoing what was never recorded changes nothing.
// The notification stays: an undone boost does not unring the bell.
func (s *Service) UnboostFromRemote(ctx context.Context, booster *models.User, activityID string, postID int64) (changed bool, err error) {
	if booster == nil || !booster.IsRemote() {
		return false, ErrForbidden
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		pid, err := s.store.RemoveBoost(ctx, booster.ID, activityID, postID)
		if err != nil || pid == 0 {
			return err
		}
		changed = true
		if err := s.store.Increment(ctx, &models.Post{}, pid, "boost_count", -1); err != nil {
			return err
		}
		p, err := s.store.PostByID(ctx, pid)
		if err != nil {
			return mapNotFound(err)
		}
		return s.store.TouchThread(ctx, p.ThreadID, s.now())
	})
	return changed, err
}

// dayBoosts adds the boosts made in [from, to) to a day's rollup rows:
// the forum's and those of the boosted posts' categories. Like the rest of
// a day's rollup it counts what the live tables hold, so an undone boost
// drops out when the day is computed again.
func (s *Service) dayBoosts(ctx context.Context, from, to time.Time, forumRow *models.DailyStat, perCat map[int64]*models.DailyStat) error {
	per, total, err := s.store.BoostsBetween(ctx, from, to)
	if err != nil {
		return err
	}
	forumRow.RemoteBoosts = total
	for id, n := range per {
		if perCat[id] == nil {
			perCat[id] = &models.DailyStat{Day: forumRow.Day, CategoryID: id}
		}
		perCat[id].RemoteBoosts = n
	}
	return nil
}
