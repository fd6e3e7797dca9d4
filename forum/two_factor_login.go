package forum

import (
	"context"
	"errors"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// PendingLoginLifetime is how long the second step of a login waits for
// its code after the password.
const PendingLoginLifetime = 5 * time.Minute

// Errors of the second login step.
var (
	// ErrLoginExpired: the pending login is unknown, used or past its five
	// minutes; the member starts again with their password.
	ErrLoginExpired = i18n.Error("errors.two_factor.login_expired")
	// ErrSecondFactorRequired: the password was right but the account has
	// a second factor (Authenticate, which has no second step).
	ErrSecondFactorRequired = i18n.Error("errors.two_factor.second_factor_required")
)

// pendLogin records a login whose password was right and returns its
// token. It is no session: it only lets the browser holding it send a
// code, for five minutes, once.
func (s *Service) pendLogin(ctx context.Context, u *models.User) (*LoginResult, error) {
	token := randomToken(32)
	now := s.now()
	err := s.store.CreatePendingLogin(ctx, &models.PendingLogin{
		ID: hashToken(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(PendingLoginLifetime),
	})
	if err != nil {
		return nil, err
	}
	return &LoginResult{Pending: token}, nil
}

// CompleteLogin is the second step: the pending token from the browser's
// cookie and a TOTP or recovery code. Wrong codes count against the login
// limits like wrong passwords; a right one consumes the pending login and
// trusts the device as a password login does.
func (s *Service) CompleteLogin(ctx context.Context, pending, code string, in LoginInput) (*LoginResult, error) {
	return s.completeLogin(ctx, pending, in, func(u *models.User, k loginKeys, _ string) error {
		return s.checkSecondFactor(ctx, u, k, code)
	})
}

// pendingLogin loads a live pending login and its member (ErrLoginExpired
// when there is none or the member is suspended).
func (s *Service) pendingLogin(ctx context.Context, pending string) (*models.PendingLogin, *models.User, error) {
	if pending == "" {
		return nil, nil, ErrLoginExpired
	}
	p, err := s.store.PendingLoginByID(ctx, hashToken(pending), s.now())
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil, ErrLoginExpired
	} else if err != nil {
		return nil, nil, err
	}
	u, err := s.store.UserByID(ctx, p.UserID)
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	if sn, err := s.suspension(ctx, u); err != nil {
		return nil, nil, err
	} else if sn != nil {
		return nil, nil, ErrLoginExpired
	}
	return p, u, nil
}

// completeLogin is the second step with any factor: check verifies it
// (and counts a failure against the limits), then the pending login is
// consumed and the device trusted as a password login does.
func (s *Service) completeLogin(ctx context.Context, pending string, in LoginInput, check func(u *models.User, k loginKeys, pendingID string) error) (*LoginResult, error) {
	p, u, err := s.pendingLogin(ctx, pending)
	if err != nil {
		return nil, err
	}
	k, t, err := s.secondFactorLimits(ctx, u, in)
	if err != nil {
		return nil, err
	}
	if err := check(u, k, p.ID); err != nil {
		return nil, err
	}
	if ok, err := s.store.DeletePendingLogin(ctx, p.ID); err != nil {
		return nil, err
	} else if !ok {
		return nil, ErrLoginExpired
	}
	device, err := s.rememberLogin(ctx, u, k, t, in)
	if err != nil {
		return nil, err
	}
	return &LoginResult{User: u, Device: device}, nil
}
