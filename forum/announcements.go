package forum

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// Scheduled announcements: staff write a thread now and choose when it is
// published. Until then it lives in scheduled_threads only, so no page,
// list, search or feed shows it and nothing is federated; at its time a
// worker (any process; rows are claimed in the database) creates the real
// thread through CreateThread, whose hooks federate it like any new
// thread. It may also be shown as a banner on every page until a date.

// ScheduleInput is a thread to publish later.
type ScheduleInput struct {
	NewThread
	PublishAt   string // RFC 3339 or the datetime-local form; empty or past publishes now
	BannerUntil string // empty: no banner
}

const publishLease = 2 * time.Minute

// ScheduleThread stores a thread to be published at PublishAt (staff
// only). A publish time already reached publishes at once; the result then
// carries the thread id.
func (s *Service) ScheduleThread(ctx context.Context, actor *models.User, in ScheduleInput) (*models.ScheduledThread, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanScheduleThreads(actor) {
		return nil, ErrForbidden
	}
	v := validation{}
	in.Title = strings.TrimSpace(in.Title)
	checkText(v, "title", in.Title, titleMinRunes, titleMaxRunes)
	checkText(v, "body", in.Body, 1, bodyMaxRunes)
	tags, tagErr := normalizeTags(in.Tags)
	if !tagErr.IsZero() {
		v.addMsg("tags", tagErr)
	}
	now := s.now()
	publishAt := now
	if strings.TrimSpace(in.PublishAt) != "" {
		publishAt = parseWhen(v, "publish_at", in.PublishAt)
	}
	var banner *time.Time
	if strings.TrimSpace(in.BannerUntil) != "" {
		if t := parseWhen(v, "banner_until", in.BannerUntil); !t.IsZero() {
			if !t.After(publishAt) || !t.After(now) {
				v.add("banner_until", "errors.announcements.must_after_publish_time")
			}
			banner = &t
		}
	}
	cat, err := s.store.CategoryBySlug(ctx, strings.ToLower(strings.TrimSpace(in.Category)))
	if errors.Is(err, models.ErrNotFound) {
		v.add("category", "errors.common.choose_existing_category")
	} else if err != nil {
		return nil, err
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	st := &models.ScheduledThread{UserID: actor.ID, CategoryID: cat.ID, Title: in.Title, Body: in.Body, Tags: strings.Join(tags, ","),
		PublishAt: publishAt, BannerUntil: banner, State: models.QueuePending, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateScheduledThread(ctx, st); err != nil {
		return nil, err
	}
	if !publishAt.After(now) {
		if _, err := s.PublishDue(ctx); err != nil {
			return nil, err
		}
		if fresh, err := s.store.ScheduledThreadByID(ctx, st.ID); err == nil {
			st = fresh
		}
	}
	return st, nil
}

// ScheduledThreads lists scheduled and published announcements for staff.
func (s *Service) ScheduledThreads(ctx context.Context, actor *models.User) ([]models.ScheduledThread, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanScheduleThreads(actor) {
		return nil, ErrForbidden
	}
	return s.store.ScheduledThreads(ctx, 100)
}

// CancelScheduled drops a thread not published yet.
func (s *Service) CancelScheduled(ctx context.Context, actor *models.User, id int64) error {
	if !CanScheduleThreads(actor) {
		return ErrForbidden
	}
	ok, err := s.store.UpdateScheduledThread(ctx, id, models.QueuePending, map[string]any{"state": "cancelled", "updated_at": s.now()})
	if err == nil && !ok {
		return invalid("id", "errors.announcements.only_thread_not_published")
	}
	return err
}

// EndBanner takes a published announcement out of the banner now.
func (s *Service) EndBanner(ctx context.Context, actor *models.User, id int64) error {
	if !CanScheduleThreads(actor) {
		return ErrForbidden
	}
	_, err := s.store.UpdateScheduledThread(ctx, id, models.QueueDone, map[string]any{"banner_until": nil, "updated_at": s.now()})
	return err
}

// PublishDue publishes every scheduled thread whose time has come and
// returns how many it published. The thread and the row's "done" commit
// together, so a thread is published once even if a process dies half-way
// (its claim expires and the row is retried).
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	now := s.now()
	rows, err := s.store.ClaimDueScheduledThreads(ctx, now, publishLease, 20)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range rows {
		err := s.store.WithTx(ctx, func(ctx context.Context) error {
			author, err := s.store.UserByID(ctx, st.UserID)
			if err != nil {
				return err
			}
			cat, err := s.store.CategoryByID(ctx, st.CategoryID)
			if err != nil {
				return err
			}
			var tags []string
			if st.Tags != "" {
				tags = strings.Split(st.Tags, ",")
			}
			t, _, err := s.CreateThread(ctx, author, NewThread{Category: cat.Slug, Title: st.Title, Body: st.Body, Tags: tags})
			if err != nil {
				return err
			}
			return s.store.FinishScheduledThread(ctx, st.ID, st.ClaimedBy, models.QueueDone, &t.ID, "", s.now())
		})
		if err != nil {
			// The author may have lost the right to post, or the category
			// gone: say why on the staff page instead of retrying forever.
			if ferr := s.store.FinishScheduledThread(ctx, st.ID, st.ClaimedBy, models.QueueFailed, nil, truncate(err.Error(), 900), s.now()); ferr != nil {
				return n, ferr
			}
			continue
		}
		n++
	}
	return n, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// RunPublisher publishes due scheduled threads every interval until ctx ends.
func (s *Service) RunPublisher(ctx context.Context, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.PublishDue(ctx); err != nil && ctx.Err() == nil {
			log.Warn("publish scheduled threads", "error", err)
		} else if n > 0 {
			log.Info("published scheduled threads", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Banner is the announcement every page shows, if any.
type Banner = models.BannerThread

// ActiveBanner returns the current site banner, or nil.
func (s *Service) ActiveBanner(ctx context.Context) (*Banner, error) {
	return s.store.ActiveBanner(ctx, s.now())
}
