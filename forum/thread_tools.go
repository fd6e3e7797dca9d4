package forum

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Thread tools beyond lock, pin and move: merging two threads, slow mode,
// and pinning on the home page. Audited and cache-safe like the others.

// maxSlowMode bounds slow mode; longer than a day is a lock.
const maxSlowMode = 24 * time.Hour

// PinThreadGlobally pins a thread on the home page for everyone (site staff).
func (s *Service) PinThreadGlobally(ctx context.Context, actor *models.User, threadID int64, reason string) error {
	return s.setThreadFlag(ctx, actor, threadID, "pinned_global", true, "thread.pin_global", reason)
}

// UnpinThreadGlobally takes a thread off the home page's pins.
func (s *Service) UnpinThreadGlobally(ctx context.Context, actor *models.User, threadID int64, reason string) error {
	return s.setThreadFlag(ctx, actor, threadID, "pinned_global", false, "thread.unpin_global", reason)
}

// GlobalPins lists the threads pinned on the home page.
func (s *Service) GlobalPins(ctx context.Context) ([]models.Thread, error) {
	return s.store.GlobalPinnedThreads(ctx, 20)
}

// MergeThreads moves every post of thread `from` into thread `into`,
// interleaved in time order and renumbered 1..n, and leaves `from` as a
// redirect (MergedInto). Members' bookmarks, levels and read marks, and
// the solution and assignment, follow (Store.MergeThreadFollowing). The actor needs moderator rights in both
// categories. Merging a thread into itself, or one already merged, is a
// validation error.
func (s *Service) MergeThreads(ctx context.Context, actor *models.User, from, into int64, reason string) error {
	if err := s.checkReason(ctx, actor, reason); err != nil {
		return err
	}
	if from == into {
		return invalid("into", "errors.thread_tools.choose_different_thread_merge")
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		src, err := s.threadFor(ctx, actor, from)
		if err != nil {
			return err
		}
		dst, err := s.threadFor(ctx, actor, into)
		if err != nil {
			if err == ErrNotFound {
				return invalid("into", "errors.thread_tools.no_such_thread")
			}
			return err
		}
		if !CanMergeThreads(actor, src, dst) {
			return ErrForbidden
		}
		count, first, last, err := s.store.MergeThreadPosts(ctx, src.ID, dst.ID)
		if err != nil {
			return err
		}
		now := s.now()
		if err := s.store.MergeThreadFollowing(ctx, src.ID, dst.ID, now); err != nil {
			return err
		}
		// The fediverse conversations that continued in src continue in
		// dst: later replies naming them, and backfills, go there.
		if err := s.store.MoveRemoteContexts(ctx, src.ID, dst.ID); err != nil {
			return err
		}
		if err := s.store.UpdateThreadFields(ctx, dst.ID, map[string]any{
			"post_count": count, "first_post_id": first.ID, "last_post_at": last.CreatedAt,
			"last_post_user_id": last.UserID, "updated_at": now,
		}); err != nil {
			return err
		}
		if err := s.store.UpdateThreadFields(ctx, src.ID, map[string]any{
			"merged_into_id": dst.ID, "deleted_at": now, "post_count": 0, "updated_at": now,
		}); err != nil {
			return err
		}
		if err := s.store.AdjustCategoryCounts(ctx, src.CategoryID, -1, -src.PostCount, src.LastPostAt); err != nil {
			return err
		}
		if err := s.store.AdjustCategoryCounts(ctx, dst.CategoryID, 0, src.PostCount, last.CreatedAt); err != nil {
			return err
		}
		details := map[string]any{"into": dst.ID, "posts": src.PostCount}
		if err := s.record(ctx, actor, "thread.merge", TargetThread, src.ID, reason, details, now); err != nil {
			return err
		}
		for _, id := range []int64{src.ID, dst.ID} {
			if err := s.store.TouchThread(ctx, id, now); err != nil {
				return err
			}
		}
		if err := s.store.TouchCategory(ctx, src.CategoryID, now); err != nil {
			return err
		}
		if err := s.store.TouchCategory(ctx, dst.CategoryID, now); err != nil {
			return err
		}
		if h := s.threadHooks(); h != nil {
			src.MergedIntoID, src.DeletedAt = &dst.ID, &now
			dst.FirstPostID = first.ID
			return h.ThreadsMerged(ctx, actor, src, dst)
		}
		return nil
	})
}

// MergedInto returns the thread a merged thread now redirects to, or 0.
func (s *Service) MergedInto(ctx context.Context, threadID int64) int64 {
	t, err := s.store.ThreadByID(ctx, threadID)
	if err != nil || t.MergedIntoID == nil {
		return 0
	}
	return *t.MergedIntoID
}

// SetSlowMode sets the least time between one member's posts in a thread
// ("" or "0" turns it off). Staff of the category are exempt.
func (s *Service) SetSlowMode(ctx context.Context, actor *models.User, threadID int64, interval, reason string) error {
	if err := s.checkReason(ctx, actor, reason); err != nil {
		return err
	}
	var d time.Duration
	if interval != "" && interval != "0" {
		var err error
		if d, err = parseSanctionDuration(interval); err != nil || d > maxSlowMode || d < time.Second {
			return invalid("interval", "errors.thread_tools.use_interval_like_30s")
		}
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.threadFor(ctx, actor, threadID)
		if err != nil {
			return err
		}
		if !CanSetSlowMode(actor, t) {
			return ErrForbidden
		}
		secs := int(d / time.Second)
		if secs == t.SlowModeSeconds {
			return nil
		}
		now := s.now()
		if err := s.store.UpdateThreadFields(ctx, t.ID, map[string]any{"slow_mode_seconds": secs}); err != nil {
			return err
		}
		if err := s.record(ctx, actor, "thread.slow_mode", TargetThread, t.ID, reason, map[string]any{"seconds": secs}, now); err != nil {
			return err
		}
		return s.store.TouchThread(ctx, t.ID, now)
	})
}

// checkSlowMode refuses a member posting again in a slow-mode thread too
// soon, saying when they may. Counted from their last post in the
// database, so it holds across processes and restarts.
func (s *Service) checkSlowMode(ctx context.Context, actor *models.User, t *models.Thread) error {
	if t.SlowModeSeconds <= 0 || CanModerateCategory(actor, t.CategoryID) {
		return nil
	}
	last, err := s.store.LastPostAtBy(ctx, t.ID, actor.ID)
	if err != nil || last == nil {
		return err
	}
	next := last.Add(time.Duration(t.SlowModeSeconds) * time.Second)
	now := s.now()
	if !now.Before(next) {
		return nil
	}
	wait := next.Sub(now).Round(time.Second)
	return rateLimited(0, "errors.thread_tools.slow_mode", "Every", slowModeEveryMsg(t.SlowModeSeconds),
		"At", next.UTC().Format("15:04:05"), "Wait", wait.String())
}

// slowModeEveryMsg is SlowModeEvery as a message, for the refusal in the
// reader's language: "1 hour 30 minutes", "1 Stunde 30 Minuten".
func slowModeEveryMsg(secs int) i18n.Msg {
	d := time.Duration(secs) * time.Second
	var parts []i18n.Msg
	for _, u := range []struct {
		d  time.Duration
		id string
	}{{time.Hour, "errors.duration.hours"}, {time.Minute, "errors.duration.minutes"}, {time.Second, "errors.duration.seconds"}} {
		if n := int(d / u.d); n > 0 {
			parts = append(parts, i18n.N(u.id, n))
			d -= time.Duration(n) * u.d
		}
	}
	if len(parts) == 0 {
		return i18n.N("errors.duration.seconds", 0)
	}
	m := parts[len(parts)-1]
	for i := len(parts) - 2; i >= 0; i-- {
		m = i18n.M("errors.duration.and", "First", parts[i], "Rest", m)
	}
	return m
}

// SlowModeEvery says a slow-mode interval in words, as the thread page
// and the refused reply show it: "10 minutes", "1 hour 30 minutes".
func SlowModeEvery(secs int) string {
	d := time.Duration(secs) * time.Second
	var parts []string
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if n := int(d / u.d); n > 0 {
			if n == 1 {
				parts = append(parts, "1 "+u.name)
			} else {
				parts = append(parts, fmt.Sprintf("%d %ss", n, u.name))
			}
			d -= time.Duration(n) * u.d
		}
	}
	if len(parts) == 0 {
		return "0 seconds"
	}
	return strings.Join(parts, " ")
}

// SlowModeSeconds reads an interval as SetSlowMode takes it; 0 for off
// or for what SetSlowMode would refuse.
func SlowModeSeconds(interval string) int {
	interval = strings.TrimSpace(interval)
	if interval == "" || interval == "0" {
		return 0
	}
	d, err := parseSanctionDuration(interval)
	if err != nil || d > maxSlowMode || d < time.Second {
		return 0
	}
	return int(d / time.Second)
}

// SlowModeInput writes an interval the way the slow-mode field takes it:
// "10m", "1h30m", "45s" ("" when slow mode is off).
func SlowModeInput(secs int) string {
	if secs <= 0 {
		return ""
	}
	var b strings.Builder
	for _, u := range []struct {
		n    int
		unit string
	}{{secs / 3600, "h"}, {secs % 3600 / 60, "m"}, {secs % 60, "s"}} {
		if u.n > 0 {
			fmt.Fprintf(&b, "%d%s", u.n, u.unit)
		}
	}
	return b.String()
}
