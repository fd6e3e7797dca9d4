package forum

import (
	"context"
	"errors"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Sign-up modes (site settings, forum/site_settings.go). The first account
// on a fresh forum may always sign up, whatever the mode, or the forum
// could never get its administrator.
const (
	SignupOpen     = "open"
	SignupClosed   = "closed"
	SignupInvite   = "invite"
	SignupApproval = "approval" // forum/applications.go
)

var signupModes = map[string]bool{SignupOpen: true, SignupClosed: true, SignupInvite: true, SignupApproval: true}

// TargetInvite is the audit target of an invite.
const TargetInvite = "invite"

// Invite limits.
const (
	inviteMaxUses    = 1000
	inviteMaxExpires = 90 * 24 * time.Hour
	inviteTokenBytes = 24 // 192 bits
	invitesListed    = 200
)

// Messages a refused sign-up shows on the form (field "signup" or
// "invite"), keeping what was typed.
const (
	msgSignupsClosed = "errors.invites.signups_closed"
	msgInviteNeeded  = "errors.invites.invite_needed"
	msgInviteInvalid = "errors.invites.invite_invalid"
	msgInviteRevoked = "errors.invites.invite_revoked"
	msgInviteExpired = "errors.invites.invite_expired"
	msgInviteUsedUp  = "errors.invites.invite_used_up"
)

// CanInvite reports whether actor may make and manage invite links:
// administrators, and ambassadors when the site settings allow it (they
// see and withdraw only their own).
func (s *Service) CanInvite(ctx context.Context, actor *models.User) (bool, error) {
	if CanAdminister(actor) {
		return true, nil
	}
	if actor == nil || actor.Role != models.RoleAmbassador {
		return false, nil
	}
	site, err := s.Site(ctx)
	if err != nil {
		return false, err
	}
	return site.AmbassadorsInvite, nil
}

func (s *Service) checkInviter(ctx context.Context, actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	ok, err := s.CanInvite(ctx, actor)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	return nil
}

// NewInvite is a created invite: the token is shown once and never again
// (only its hash is stored).
type NewInvite struct {
	Invite *models.Invite
	Token  string
}

// CreateInvite makes an invite link good for uses sign-ups until
// expiresIn from now. Audited.
func (s *Service) CreateInvite(ctx context.Context, actor *models.User, uses int, expiresIn time.Duration) (*NewInvite, error) {
	if err := s.checkInviter(ctx, actor); err != nil {
		return nil, err
	}
	v := validation{}
	if uses < 1 || uses > inviteMaxUses {
		v.add("uses", "errors.invites.use_number_from_1")
	}
	if expiresIn < time.Hour || expiresIn > inviteMaxExpires {
		v.add("expires_in", "errors.invites.choose_between_1_hour")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	token := randomToken(inviteTokenBytes)
	now := s.now()
	inv := &models.Invite{TokenHash: hashToken(token), CreatedBy: actor.ID, UsesLeft: uses, ExpiresAt: now.Add(expiresIn), CreatedAt: now}
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateInvite(ctx, inv); err != nil {
			return err
		}
		return s.record(ctx, actor, "invite.create", TargetInvite, inv.ID, "", map[string]any{"uses": uses, "expires_at": inv.ExpiresAt}, now)
	})
	if err != nil {
		return nil, err
	}
	return &NewInvite{Invite: inv, Token: token}, nil
}

// Invites lists the invites, newest first.
func (s *Service) Invites(ctx context.Context, actor *models.User) ([]models.Invite, error) {
	if err := s.checkInviter(ctx, actor); err != nil {
		return nil, err
	}
	by := int64(0)
	if !CanAdminister(actor) {
		by = actor.ID
	}
	return s.store.Invites(ctx, by, invitesListed)
}

// RevokeInvite withdraws an invite: its link admits nobody from now on.
// Audited.
func (s *Service) RevokeInvite(ctx context.Context, actor *models.User, id int64) error {
	if err := s.checkInviter(ctx, actor); err != nil {
		return err
	}
	now := s.now()
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		inv, err := s.store.InviteByID(ctx, id)
		if err != nil {
			return mapNotFound(err)
		}
		if inv.CreatedBy != actor.ID && !CanAdminister(actor) {
			return ErrNotFound // another ambassador's invite
		}
		ok, err := s.store.RevokeInvite(ctx, id, now)
		if err != nil || !ok {
			return err // already revoked: nothing to do
		}
		return s.record(ctx, actor, "invite.revoke", TargetInvite, id, "", nil, now)
	})
}

// InviteState is what an invite token is worth now: a zero Msg when it admits a
// sign-up, else the message to show.
func (s *Service) InviteState(ctx context.Context, token string) i18n.Msg {
	_, msg, _ := s.inviteFor(ctx, token)
	return msg
}

// inviteFor is the invite token's invite and, when it does not admit a
// sign-up, the message saying why (zero when it does).
func (s *Service) inviteFor(ctx context.Context, token string) (*models.Invite, i18n.Msg, error) {
	if token == "" {
		return nil, i18n.M(msgInviteNeeded), nil
	}
	inv, err := s.store.InviteByHash(ctx, hashToken(token))
	if errors.Is(err, models.ErrNotFound) {
		return nil, i18n.M(msgInviteInvalid), nil
	} else if err != nil {
		return nil, i18n.Msg{}, err
	}
	switch {
	case inv.RevokedAt != nil:
		return inv, i18n.M(msgInviteRevoked), nil
	case !s.now().Before(inv.ExpiresAt):
		return inv, i18n.M(msgInviteExpired), nil
	case inv.UsesLeft <= 0:
		return inv, i18n.M(msgInviteUsedUp), nil
	}
	return inv, i18n.Msg{}, nil
}

// admitSignup applies the sign-up mode inside SignUp's transaction, for
// every account but the first (n is the count before it). It takes the
// invite's use with one conditional UPDATE, so two sign-ups racing for an
// invite's last use cannot both have it. It returns the invite used (its
// maker is recorded as inviter) and, in approval mode, the checked
// application text (the account then waits for approval).
func (s *Service) admitSignup(ctx context.Context, n int64, in *SignUpInput) (invitedBy *models.Invite, application string, err error) {
	if n == 0 {
		return nil, "", nil
	}
	site, err := s.Site(ctx)
	if err != nil {
		return nil, "", err
	}
	switch site.SignupMode {
	case SignupClosed:
		return nil, "", invalid("signup", msgSignupsClosed)
	case SignupApproval:
		text, msg := checkApplication(in.Application)
		if !msg.IsZero() {
			return nil, "", invalidMsg("application", msg)
		}
		return nil, text, nil
	case SignupInvite:
		inv, msg, err := s.inviteFor(ctx, in.Invite)
		if err != nil {
			return nil, "", err
		}
		if msg.IsZero() {
			ok, err := s.store.UseInvite(ctx, inv.ID, s.now())
			if err != nil {
				return nil, "", err
			}
			if !ok {
				msg = i18n.M(msgInviteUsedUp)
			}
		}
		if !msg.IsZero() {
			return nil, "", invalidMsg("invite", msg)
		}
		return inv, "", nil
	}
	return nil, "", nil
}
