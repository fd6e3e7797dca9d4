package forum

import (
	"context"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// DefaultNeedsResponseWait is how long a thread may go unanswered before it
// joins the needs-response queue: long enough for members to answer each
// other, short enough that nobody waits a day. --needs-response-after
// (config.Config.NeedsResponseAfter) changes it.
const DefaultNeedsResponseWait = time.Hour

// NeedsResponsePerPage is the size of a needs-response page.
const NeedsResponsePerPage = 50

// canBeAssigned: follow-ups go to the team, staff or ambassadors, who can
// actually answer on the community's behalf.
func canBeAssigned(u *models.User) bool {
	return u != nil && !u.IsRemote() && (u.IsStaff() || u.Role == models.RoleAmbassador)
}

// needsResponseWait is the configured grace time (--needs-response-after);
// zero is a setting (list at once), only an unset one takes the default.
func (s *Service) needsResponseWait() time.Duration {
	if d := s.cfg.NeedsResponseAfter; d != nil {
		return *d
	}
	return DefaultNeedsResponseWait
}

// Assign hands a thread to a staff member or ambassador, with an optional
// due time; assigning again replaces the earlier assignment.
func (s *Service) Assign(ctx context.Context, actor *models.User, threadID int64, username string, due *time.Time) (*models.ThreadAssignment, *models.User, error) {
	if actor == nil {
		return nil, nil, ErrUnauthorized
	}
	if !CanAssign(actor) {
		return nil, nil, ErrForbidden
	}
	var a *models.ThreadAssignment
	var assignee *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.store.ThreadByID(ctx, threadID)
		if err != nil || t.DeletedAt != nil {
			return ErrNotFound
		}
		assignee, err = s.store.UserByUsername(ctx, strings.TrimSpace(username))
		if err != nil || !canBeAssigned(assignee) {
			return invalid("username", "errors.assignments.assign_moderator_administrator_ambassador")
		}
		now := s.now()
		a = &models.ThreadAssignment{ThreadID: t.ID, AssigneeID: assignee.ID, DueAt: due, AssignedBy: actor.ID, CreatedAt: now}
		if err := s.store.SetAssignment(ctx, a); err != nil {
			return err
		}
		details := map[string]any{"assignee": assignee.Username}
		if due != nil {
			details["due"] = due.UTC().Format(time.RFC3339)
		}
		return s.record(ctx, actor, "thread.assign", TargetThread, t.ID, "", details, now)
	})
	if err != nil {
		return nil, nil, err
	}
	return a, assignee, nil
}

// NeedsResponseItem is one thread waiting for an answer.
type NeedsResponseItem struct {
	Thread   *models.Thread
	Category *models.Category
	Author   *models.User
	Assignee *models.User // nil when nobody is following it up
	Due      *time.Time
	Overdue  bool // due has passed and the thread is still unanswered
	Waiting  time.Duration
}

// NeedsResponsePage is one page of the queue, oldest first.
type NeedsResponsePage struct {
	Items    []NeedsResponseItem
	Category string
	Next     string // cursor for the next page, empty on the last
}

// NeedsResponse lists threads whose author has had no reply from anyone else
// for at least the configured wait and that are not solved, oldest first.
// category is a slug, "" for all; after is a cursor from a previous page.
// Staff and ambassadors may read it.
func (s *Service) NeedsResponse(ctx context.Context, actor *models.User, category, after string) (*NeedsResponsePage, error) {
	if err := checkCommunityReader(actor); err != nil {
		return nil, err
	}
	cur, err := parseKeyset(after)
	if err != nil {
		return nil, invalid("after", "errors.common.not_valid_page_cursor")
	}
	now := s.now()
	q := models.NeedsResponseQuery{CreatedBefore: now.Add(-s.needsResponseWait()), After: cur}
	page := &NeedsResponsePage{Category: strings.TrimSpace(category)}
	if page.Category != "" {
		c, err := s.store.CategoryBySlug(ctx, page.Category)
		if err != nil {
			return nil, mapNotFound(err)
		}
		q.CategoryID = c.ID
	}
	rows, err := s.store.NeedsResponse(ctx, q, NeedsResponsePerPage+1)
	if err != nil {
		return nil, err
	}
	if len(rows) > NeedsResponsePerPage {
		rows = rows[:NeedsResponsePerPage]
		last := rows[len(rows)-1]
		page.Next = formatKeyset(last.CreatedAt, last.ID)
	}
	ids := make([]int64, len(rows))
	userIDs := make([]int64, 0, len(rows))
	for i, t := range rows {
		ids[i] = t.ID
		userIDs = append(userIDs, t.UserID)
	}
	assigned, err := s.store.AssignmentsFor(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range assigned {
		userIDs = append(userIDs, a.AssigneeID)
	}
	users, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*models.Category, len(cats))
	for i := range cats {
		byID[cats[i].ID] = &cats[i]
	}
	page.Items = make([]NeedsResponseItem, len(rows))
	for i := range rows {
		t := &rows[i]
		it := NeedsResponseItem{Thread: t, Category: byID[t.CategoryID], Author: users[t.UserID], Waiting: now.Sub(t.CreatedAt)}
		if a := assigned[t.ID]; a != nil {
			it.Assignee, it.Due = users[a.AssigneeID], a.DueAt
			// Every thread here is unanswered, so a passed due time is overdue.
			it.Overdue = a.DueAt != nil && a.DueAt.Before(now)
		}
		page.Items[i] = it
	}
	return page, nil
}
