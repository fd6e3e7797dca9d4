package forum

import (
	"context"
	"strings"

	"github.com/hearth/hearth/models"
)

// memberRecordLimit bounds each list on a member record; a member with more
// history than this has a pattern the first page already shows.
const memberRecordLimit = 100

// MemberRecord is everything moderation knows about one member.
type MemberRecord struct {
	Member    *models.User
	Flags     []FlagView // flags raised against their posts
	Warnings  []models.Warning
	Sanctions []models.Sanction
	Notes     []NoteView
	Appeals   []models.Appeal
	Audit     []AuditEntryView // entries about them or their posts
	Users     map[int64]*models.User
	// Sessions are the member's signed-in browsers (staff may sign one
	// out: EndMemberSession). The account fields staff see beside them
	// (email, when it was verified, two-factor) are on Member.
	Sessions []SessionView
}

// MemberRecord gathers a member's moderation history for site staff.
func (s *Service) MemberRecord(ctx context.Context, actor *models.User, username string) (*MemberRecord, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return nil, err
	}
	if !CanReadMemberRecord(actor) {
		return nil, ErrForbidden
	}
	u, err := s.store.UserByUsername(ctx, strings.TrimSpace(username))
	if err != nil {
		return nil, mapNotFound(err)
	}
	r := &MemberRecord{Member: u}
	flags, err := s.store.FlagsAgainst(ctx, u.ID, memberRecordLimit)
	if err != nil {
		return nil, err
	}
	if r.Warnings, err = s.store.WarningsFor(ctx, u.ID, memberRecordLimit); err != nil {
		return nil, err
	}
	if r.Sanctions, err = s.store.SanctionsFor(ctx, u.ID, memberRecordLimit); err != nil {
		return nil, err
	}
	notes, err := s.store.ModNotesAbout(ctx, u.ID, memberRecordLimit)
	if err != nil {
		return nil, err
	}
	if r.Appeals, err = s.store.AppealsFor(ctx, u.ID, memberRecordLimit); err != nil {
		return nil, err
	}
	audit, err := s.store.AuditAbout(ctx, u.ID, nil, memberRecordLimit)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, f := range flags {
		ids = append(ids, f.UserID)
	}
	for _, n := range notes {
		ids = append(ids, n.AuthorID)
	}
	for _, e := range audit {
		ids = append(ids, e.ActorID)
	}
	for _, w := range r.Warnings {
		ids = append(ids, w.CreatedBy)
	}
	for _, sn := range r.Sanctions {
		ids = append(ids, sn.CreatedBy)
	}
	if u.InvitedBy != nil {
		ids = append(ids, *u.InvitedBy) // "invited by" (forum/invites.go)
	}
	if r.Users, err = s.store.UserCards(ctx, ids); err != nil {
		return nil, err
	}
	if r.Sessions, err = s.Sessions(ctx, u, ""); err != nil {
		return nil, err
	}
	for _, f := range flags {
		r.Flags = append(r.Flags, FlagView{Flag: f, User: r.Users[f.UserID]})
	}
	for _, n := range notes {
		r.Notes = append(r.Notes, NoteView{ModNote: n, Author: r.Users[n.AuthorID]})
	}
	for _, e := range audit {
		r.Audit = append(r.Audit, AuditEntryView{AuditEntry: e, Actor: r.Users[e.ActorID]})
	}
	return r, nil
}
