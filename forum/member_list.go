package forum

import (
	"context"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// MembersPerPage is the staff member list's page size.
const MembersPerPage = 50

// MemberFilter is the staff member list's search and filters as typed;
// empty fields match everything. Dates are YYYY-MM-DD (UTC days): "after"
// includes that day, "before" ends before it starts.
type MemberFilter struct {
	Query        string // part of a username, display name or email
	Role         string // member, ambassador, moderator, admin
	Sandboxed    bool
	Sanction     string // "suspended" or "silenced"
	Origin       string // "local" or "remote"
	Domain       string // a remote member's server
	JoinedAfter  string
	JoinedBefore string
	SeenAfter    string
	SeenBefore   string
	Sort         string // "joined" (default, newest first) or "seen" (last seen first; never-seen members left out)
	Before       string // cursor from MemberPage.Next, for the same Sort
}

// MemberRow is one member on the list. LastSeen is their first use of the
// site on the last UTC day they used it (users.last_seen_at, moved with
// member_seen_days at sign-in and a session's first use each day, so
// logging out does not lose it); nil if never.
type MemberRow struct {
	User      *models.User
	LastSeen  *time.Time
	Suspended bool
	Silenced  bool
}

// MemberPage is one page of the member list, newest first.
type MemberPage struct {
	Members []MemberRow
	Next    string // cursor for the older page, empty on the last
}

// CanListMembers: site staff. A category moderator's rights stop at their
// categories, and members belong to the site, so they are refused.
func CanListMembers(actor *models.User) bool { return CanModerate(actor) }

// Members lists members for staff, newest first (or last seen first),
// keyset-paged on (joined or last seen, id).
func (s *Service) Members(ctx context.Context, actor *models.User, f MemberFilter) (*MemberPage, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return nil, err
	}
	if !CanListMembers(actor) {
		return nil, ErrForbidden
	}
	q, err := s.memberQuery(f)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.MemberList(ctx, q, MembersPerPage+1)
	if err != nil {
		return nil, err
	}
	page := &MemberPage{}
	if len(rows) > MembersPerPage {
		rows = rows[:MembersPerPage]
		last := rows[len(rows)-1]
		at := last.CreatedAt
		if q.BySeen && last.LastSeenAt != nil {
			at = *last.LastSeenAt
		}
		page.Next = formatKeyset(at, last.ID)
	}
	page.Members = make([]MemberRow, len(rows))
	for i := range rows {
		r := &rows[i]
		page.Members[i] = MemberRow{User: &r.User, LastSeen: r.LastSeenAt, Suspended: r.Suspended, Silenced: r.Silenced}
	}
	return page, nil
}

func (s *Service) memberQuery(f MemberFilter) (models.MemberListQuery, error) {
	bad := validation{}
	q := models.MemberListQuery{Search: strings.ToLower(strings.TrimSpace(f.Query)), Sandboxed: f.Sandboxed,
		Domain: strings.ToLower(strings.TrimSpace(f.Domain)), Now: s.now()}
	if len(q.Search) > 254 {
		bad.add("q", "errors.member_list.q_too_long")
	}
	switch r := strings.TrimSpace(f.Role); r {
	case "", models.RoleMember, models.RoleAmbassador, models.RoleModerator, models.RoleAdmin:
		q.Role = r
	default:
		bad.add("role", "errors.member_list.not_a_role")
	}
	switch strings.TrimSpace(f.Sanction) {
	case "":
	case "suspended":
		q.Sanction = models.SanctionSuspend
	case "silenced":
		q.Sanction = models.SanctionSilence
	default:
		bad.add("sanction", "errors.member_list.sanction")
	}
	switch strings.TrimSpace(f.Sort) {
	case "", "joined":
	case "seen":
		q.BySeen = true
	default:
		bad.add("sort", "errors.member_list.sort")
	}
	switch o := strings.TrimSpace(f.Origin); o {
	case "", "local", "remote":
		q.Origin = o
	default:
		bad.add("origin", "errors.member_list.origin")
	}
	day := func(field, v string) *time.Time {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			bad.add(field, "errors.member_list.date")
			return nil
		}
		return &t
	}
	q.JoinedAfter = day("joined_after", f.JoinedAfter)
	q.JoinedBefore = day("joined_before", f.JoinedBefore)
	q.SeenAfter = day("seen_after", f.SeenAfter)
	q.SeenBefore = day("seen_before", f.SeenBefore)
	before, err := parseKeyset(f.Before)
	if err != nil {
		bad.add("before", "errors.common.not_valid_page_cursor")
	}
	q.Before = before
	if err := bad.err(); err != nil {
		return q, err
	}
	return q, nil
}
