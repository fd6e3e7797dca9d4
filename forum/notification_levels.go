package forum

import (
	"context"
	"strings"

	"github.com/hearth/hearth/models"
)

// NotificationLevels are the levels a member may choose, quietest last.
var NotificationLevels = []string{models.LevelWatching, models.LevelTracking, models.LevelMuted}

// LevelState is what a member sees of their level on a thread or category.
// Level is the one in effect; Explicit is false when it comes from a
// default (tracking, or a muted or watched category for a thread).
type LevelState struct {
	Level    string
	Explicit bool
	Auto     bool // Hearth chose it when the member posted
}

func checkLevel(level string) (string, error) {
	level = strings.ToLower(strings.TrimSpace(level))
	for _, l := range NotificationLevels {
		if l == level {
			return l, nil
		}
	}
	return "", invalid("level", "errors.notification_levels.choose_watching_tracking_muted")
}

// SetThreadLevel records the actor's level on a thread.
func (s *Service) SetThreadLevel(ctx context.Context, actor *models.User, threadID int64, level string) (*LevelState, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanChooseNotifications(actor) {
		return nil, ErrForbidden
	}
	l, err := checkLevel(level)
	if err != nil {
		return nil, err
	}
	if _, err := s.threadFor(ctx, actor, threadID); err != nil {
		return nil, err
	}
	if err := s.store.SetNotificationLevel(ctx, actor.ID, models.TargetThread, threadID, l, s.now()); err != nil {
		return nil, err
	}
	return &LevelState{Level: l, Explicit: true}, nil
}

// SetCategoryLevel records the actor's level on a category (by slug).
func (s *Service) SetCategoryLevel(ctx context.Context, actor *models.User, slug, level string) (*LevelState, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanChooseNotifications(actor) {
		return nil, ErrForbidden
	}
	l, err := checkLevel(level)
	if err != nil {
		return nil, err
	}
	cat, err := s.CategoryBySlugFor(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetNotificationLevel(ctx, actor.ID, models.TargetCategory, cat.ID, l, s.now()); err != nil {
		return nil, err
	}
	return &LevelState{Level: l, Explicit: true}, nil
}

// ThreadLevel is the actor's level in effect on a thread: their own choice,
// else a muted or watched category's, else tracking. Nil for nobody.
func (s *Service) ThreadLevel(ctx context.Context, actor *models.User, t *models.Thread) (*LevelState, error) {
	if !CanChooseNotifications(actor) || t == nil {
		return nil, nil
	}
	threadLv, catLv, err := s.store.LevelsFor(ctx, []int64{actor.ID}, t.ID, t.CategoryID)
	if err != nil {
		return nil, err
	}
	if l := threadLv[actor.ID]; l != "" {
		row, err := s.store.NotificationLevelOf(ctx, actor.ID, models.TargetThread, t.ID)
		if err != nil {
			return nil, err
		}
		return &LevelState{Level: l, Explicit: true, Auto: row != nil && row.Auto}, nil
	}
	if l := catLv[actor.ID]; l != "" {
		return &LevelState{Level: l}, nil
	}
	return &LevelState{Level: models.LevelTracking}, nil
}

// levelState is ThreadLevel's answer from the viewer's rows as
// ViewerThreadState read them.
func levelState(st *models.ViewerThread) *LevelState {
	switch {
	case st.ThreadLevel != "":
		return &LevelState{Level: st.ThreadLevel, Explicit: true, Auto: st.ThreadAuto}
	case st.CategoryLevel != "":
		return &LevelState{Level: st.CategoryLevel}
	}
	return &LevelState{Level: models.LevelTracking}
}

// CategoryLevel is the actor's level on a category; nil for nobody.
func (s *Service) CategoryLevel(ctx context.Context, actor *models.User, cat *models.Category) (*LevelState, error) {
	if !CanChooseNotifications(actor) || cat == nil {
		return nil, nil
	}
	row, err := s.store.NotificationLevelOf(ctx, actor.ID, models.TargetCategory, cat.ID)
	if err != nil {
		return nil, err
	}
	if row == nil {
		return &LevelState{Level: models.LevelTracking}, nil
	}
	return &LevelState{Level: row.Level, Explicit: true}, nil
}

// LatestThreadsFor is LatestThreads as the viewer sees it: a member's
// muted categories stay out of their latest list.
func (s *Service) LatestThreadsFor(ctx context.Context, viewer *models.User, limit int) ([]ThreadSummary, error) {
	if !CanChooseNotifications(viewer) {
		return s.LatestThreads(ctx, limit)
	}
	muted, err := s.store.MutedCategoryIDs(ctx, viewer.ID)
	if err != nil {
		return nil, err
	}
	ts, err := s.store.LatestThreadsExcluding(ctx, muted, limit)
	if err != nil {
		return nil, err
	}
	return s.summarize(ctx, ts)
}

// effectiveLevels gives each member's level in effect on a thread.
func (s *Service) effectiveLevels(ctx context.Context, ids []int64, t *models.Thread) (map[int64]string, error) {
	threadLv, catLv, err := s.store.LevelsFor(ctx, ids, t.ID, t.CategoryID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ids))
	for _, id := range ids {
		switch {
		case threadLv[id] != "":
			out[id] = threadLv[id]
		case catLv[id] != "":
			out[id] = catLv[id]
		default:
			out[id] = models.LevelTracking
		}
	}
	return out, nil
}

// ThreadLevelByID is ThreadLevel for a thread id; a missing or deleted
// thread is ErrNotFound.
func (s *Service) ThreadLevelByID(ctx context.Context, actor *models.User, threadID int64) (*LevelState, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanChooseNotifications(actor) {
		return nil, ErrForbidden
	}
	t, err := s.threadFor(ctx, actor, threadID)
	if err != nil {
		return nil, err
	}
	return s.ThreadLevel(ctx, actor, t)
}

// SeenThread records that the viewer read a thread up to post number
// upTo, for the unread counts of tracked and watched threads. Nobody
// logged in, nothing to record.
func (s *Service) SeenThread(ctx context.Context, viewer *models.User, threadID int64, upTo int) error {
	if !CanChooseNotifications(viewer) || upTo < 1 {
		return nil
	}
	return s.store.MarkThreadRead(ctx, viewer.ID, threadID, upTo, s.now())
}

// SeenThreadAfter is SeenThread for a page that read the viewer's read
// mark already (ThreadPage.LastRead): most views re-read what the member
// has seen, and then nothing is sent to the database at all.
func (s *Service) SeenThreadAfter(ctx context.Context, viewer *models.User, threadID int64, upTo, lastRead int) error {
	if upTo <= lastRead {
		return nil
	}
	return s.SeenThread(ctx, viewer, threadID, upTo)
}

// FillUnread sets Unread on the summaries of threads the viewer has read
// before and still follows (tracking or watching, not muted, directly or
// through the category): how many posts came since their last visit.
func (s *Service) FillUnread(ctx context.Context, viewer *models.User, ts []ThreadSummary) error {
	if !CanChooseNotifications(viewer) || len(ts) == 0 {
		return nil
	}
	ids := make([]int64, len(ts))
	for i := range ts {
		ids[i] = ts[i].ID
	}
	marks, err := s.store.ThreadReadMarks(ctx, viewer.ID, ids)
	if err != nil || len(marks) == 0 {
		return err
	}
	mutedCats, err := s.store.MutedCategoryIDs(ctx, viewer.ID)
	if err != nil {
		return err
	}
	muted := map[int64]bool{}
	for _, id := range mutedCats {
		muted[id] = true
	}
	setUnread(ts, marks, muted)
	return nil
}

// setUnread is FillUnread's rule, given the viewer's rows on the threads
// and the categories they muted.
func setUnread(ts []ThreadSummary, marks map[int64]models.NotificationLevel, muted map[int64]bool) {
	for i := range ts {
		m, ok := marks[ts[i].ID]
		if !ok || m.LastRead < 1 || m.Level == models.LevelMuted || (m.Level == models.LevelNone && muted[ts[i].CategoryID]) {
			continue
		}
		ts[i].Unread = max(ts[i].PostCount-m.LastRead, 0)
	}
}

// CategoryPageState is what a category page reads on every request besides
// its thread list: the category's remote followers and, for a member who
// chooses notifications, their level on the category (as CategoryLevel)
// with Unread set on the listed threads (as FillUnread). For a member it
// is one statement (models.CategoryViewerState) where it was up to four
// round trips; level is nil for anyone else.
func (s *Service) CategoryPageState(ctx context.Context, viewer *models.User, cat *models.Category, ts []ThreadSummary) (followers int, level *LevelState, err error) {
	if !CanChooseNotifications(viewer) {
		followers, err = s.CategoryFollowers(ctx, cat)
		return followers, nil, err
	}
	ids := make([]int64, len(ts))
	for i := range ts {
		ids[i] = ts[i].ID
	}
	v, err := s.store.CategoryViewerState(ctx, viewer.ID, cat.ID, ids)
	if err != nil {
		return 0, nil, err
	}
	level = &LevelState{Level: models.LevelTracking}
	if v.Level != nil {
		level = &LevelState{Level: v.Level.Level, Explicit: true}
	}
	setUnread(ts, v.Marks, v.Muted)
	return v.Followers, level, nil
}
