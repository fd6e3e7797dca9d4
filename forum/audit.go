package forum

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// Audit targets.
const (
	TargetThread = "thread"
	TargetPost   = "post"
)

// AuditPerPage is the default and largest page of the audit log.
const AuditPerPage = 50

// AuditFilter narrows the audit log; empty fields match everything.
type AuditFilter struct {
	Action     string // e.g. "thread.lock", "queue.approve"
	Actor      string // username
	TargetType string // "thread", "post"
	TargetID   int64
	Before     string // cursor from AuditPage.Next
}

// AuditEntryView is an entry with the member who acted (nil for Hearth
// itself, e.g. an automatic hide).
type AuditEntryView struct {
	models.AuditEntry
	Actor *models.User
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Entries []AuditEntryView
	Next    string // cursor for the older page, empty on the last
}

// record writes an audit entry in the caller's transaction, so an action and
// its record commit or fail together. details is stored as JSON.
func (s *Service) record(ctx context.Context, actor *models.User, action, targetType string, targetID int64, reason string, details map[string]any, at time.Time) error {
	e := &models.AuditEntry{Action: action, TargetType: targetType, TargetID: targetID, Reason: reason, CreatedAt: at}
	if actor != nil {
		e.ActorID = actor.ID
	}
	if len(details) > 0 {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		e.Details = string(b)
	}
	return s.store.CreateAuditEntry(ctx, e)
}

// Audit lists the audit log for staff, newest first, with keyset paging on
// (created_at, id) so the 1,000th page costs what the first does.
func (s *Service) Audit(ctx context.Context, actor *models.User, f AuditFilter, limit int) (*AuditPage, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanModerate(actor) {
		return nil, ErrForbidden
	}
	if limit < 1 || limit > AuditPerPage {
		limit = AuditPerPage
	}
	q := models.AuditQuery{Action: strings.TrimSpace(f.Action), TargetType: strings.TrimSpace(f.TargetType), TargetID: f.TargetID}
	before, err := parseKeyset(f.Before)
	if err != nil {
		return nil, invalid("before", "errors.common.not_valid_page_cursor")
	}
	q.Before = before
	if name := strings.TrimSpace(f.Actor); name != "" {
		u, err := s.store.UserByUsername(ctx, name)
		if err != nil {
			// An unknown actor matches nothing rather than everything.
			return &AuditPage{}, nil
		}
		q.ActorID = u.ID
	}
	rows, err := s.store.AuditEntries(ctx, q, limit+1)
	if err != nil {
		return nil, err
	}
	page := &AuditPage{}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[len(rows)-1]
		page.Next = formatKeyset(last.CreatedAt, last.ID)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ActorID
	}
	users, err := s.store.UserCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	page.Entries = make([]AuditEntryView, len(rows))
	for i, r := range rows {
		page.Entries[i] = AuditEntryView{AuditEntry: r, Actor: users[r.ActorID]}
	}
	return page, nil
}

func formatKeyset(t time.Time, id int64) string {
	return strconv.FormatInt(t.UnixMicro(), 10) + "_" + strconv.FormatInt(id, 10)
}

// parseKeyset reads a cursor written by formatKeyset; "" is the first page.
func parseKeyset(c string) (*models.KeysetCursor, error) {
	tc, err := parseCursor(c)
	if err != nil || tc == nil {
		return nil, err
	}
	return &models.KeysetCursor{CreatedAt: tc.LastPostAt, ID: tc.ID}, nil
}
