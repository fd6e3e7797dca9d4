package forum

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Silences and suspensions. Staff act on members below their role (see
// CanSanction); every action is idempotent and audited in the same
// transaction as the change. Expiry is by time alone: a sanction whose
// ends_at has passed is simply no longer found by the active-sanction
// lookup, so no job has to run for it to end.

// TargetUser is the audit target type for actions on a member.
const TargetUser = "user"

// maxSanction bounds a duration so ends_at stays a sane timestamp; longer
// than this, use an indefinite sanction.
const maxSanction = 100 * 365 * 24 * time.Hour

// ForbiddenError is ErrForbidden with an explanation the member can act on
// (errors.Is(err, ErrForbidden) holds, so it maps to 403 like it).
type ForbiddenError struct {
	Message string   // in English
	Msg     i18n.Msg // Message as a catalog message, for people
}

func (e *ForbiddenError) Error() string { return e.Message }

// UserMessage is the message in the reader's language (i18n.MsgOf).
func (e *ForbiddenError) UserMessage() i18n.Msg { return e.Msg }

// forbidden is a ForbiddenError saying message id.
func forbidden(id string, kv ...any) *ForbiddenError { return forbiddenMsg(i18n.M(id, kv...)) }

func forbiddenMsg(m i18n.Msg) *ForbiddenError { return &ForbiddenError{Message: m.String(), Msg: m} }

// Is makes a ForbiddenError count as ErrForbidden.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// Silence stops a member posting for duration ("72h", "7d"; "" is
// indefinite). They can still read and log in.
func (s *Service) Silence(ctx context.Context, actor *models.User, username, duration, reason string) (*models.Sanction, error) {
	return s.sanction(ctx, actor, username, models.SanctionSilence, duration, reason)
}

// Suspend stops a member logging in for duration ("" is indefinite); their
// sessions end at once and their tokens stop working.
func (s *Service) Suspend(ctx context.Context, actor *models.User, username, duration, reason string) (*models.Sanction, error) {
	return s.sanction(ctx, actor, username, models.SanctionSuspend, duration, reason)
}

// Unsilence lifts a member's silence; lifting none is not an error.
func (s *Service) Unsilence(ctx context.Context, actor *models.User, username, reason string) error {
	return s.lift(ctx, actor, username, models.SanctionSilence, reason)
}

// Unsuspend lifts a member's suspension; lifting none is not an error.
func (s *Service) Unsuspend(ctx context.Context, actor *models.User, username, reason string) error {
	return s.lift(ctx, actor, username, models.SanctionSuspend, reason)
}

// ActiveSanction returns the member's silence or suspension in force now,
// or nil.
func (s *Service) ActiveSanction(ctx context.Context, userID int64, kind string) (*models.Sanction, error) {
	sn, err := s.store.ActiveSanction(ctx, userID, kind, s.now())
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return sn, err
}

func (s *Service) sanction(ctx context.Context, actor *models.User, username, kind, duration, reason string) (*models.Sanction, error) {
	if err := s.checkModerator(actor, reason); err != nil {
		return nil, err
	}
	d, err := parseSanctionDuration(duration)
	if err != nil {
		return nil, err
	}
	var out *models.Sanction
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		target, err := s.sanctionTarget(ctx, actor, username)
		if err != nil {
			return err
		}
		now := s.now()
		// Repeating an action is one sanction, not two: the one in force
		// stands (its end is not moved; lift it first to change it).
		if out, err = s.ActiveSanction(ctx, target.ID, kind); err != nil || out != nil {
			return err
		}
		out = &models.Sanction{UserID: target.ID, Kind: kind, Reason: strings.TrimSpace(reason), StartsAt: now, CreatedBy: actor.ID, CreatedAt: now}
		details := map[string]any{"username": target.Username, "until": "indefinite"}
		if d > 0 {
			end := now.Add(d)
			out.EndsAt = &end
			details["until"] = end.Format(time.RFC3339)
		}
		if err := s.store.CreateSanction(ctx, out); err != nil {
			return err
		}
		details["sanction"] = out.ID
		if kind == models.SanctionSuspend {
			if err := s.store.DeleteUserSessions(ctx, target.ID); err != nil {
				return err
			}
		}
		// A suspended member reads the notice at login instead.
		if kind == models.SanctionSilence {
			if err := s.notifyModeration(ctx, target.ID, 0, now); err != nil {
				return err
			}
		}
		return s.record(ctx, actor, "user."+kind, TargetUser, target.ID, out.Reason, details, now)
	})
	return out, err
}

func (s *Service) lift(ctx context.Context, actor *models.User, username, kind, reason string) error {
	if err := s.checkModerator(actor, reason); err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		target, err := s.sanctionTarget(ctx, actor, username)
		if err != nil {
			return err
		}
		now := s.now()
		n, err := s.store.LiftSanctions(ctx, target.ID, kind, actor.ID, now)
		if err != nil || n == 0 {
			return err
		}
		return s.record(ctx, actor, "user.un"+kind, TargetUser, target.ID, strings.TrimSpace(reason),
			map[string]any{"username": target.Username}, now)
	})
}

// sanctionTarget loads the member and checks the actor ranks above them.
func (s *Service) sanctionTarget(ctx context.Context, actor *models.User, username string) (*models.User, error) {
	target, err := s.store.UserByUsername(ctx, strings.TrimSpace(username))
	if err != nil {
		return nil, mapNotFound(err)
	}
	if !CanSanction(actor, target) {
		return nil, forbidden("errors.sanctions.role_too_high")
	}
	return target, nil
}

// parseSanctionDuration reads "72h", "90m", "7d"; "" is indefinite (0).
func parseSanctionDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 || d > maxSanction {
		return 0, invalid("duration", "errors.sanctions.use_duration_like_72h")
	}
	return d, nil
}

// sanctionMessage explains a sanction (suspend or silence) to the member
// it affects, as one whole sentence: until when, and why when a reason was
// given.
func sanctionMessage(kind string, sn *models.Sanction) i18n.Msg {
	id := "errors.sanctions." + kind
	var kv []any
	if sn.EndsAt != nil {
		id += "_until"
		kv = append(kv, "Until", longTime(*sn.EndsAt))
	} else {
		id += "_indefinitely"
	}
	if sn.Reason != "" {
		id += "_because"
		kv = append(kv, "Reason", sn.Reason)
	}
	return i18n.M(id, kv...)
}

// suspension returns the member's suspension in force now, or nil.
func (s *Service) suspension(ctx context.Context, u *models.User) (*models.Sanction, error) {
	return s.ActiveSanction(ctx, u.ID, models.SanctionSuspend)
}

// checkNotSilenced refuses a silenced member with a message saying until when.
func (s *Service) checkNotSilenced(ctx context.Context, actor *models.User) error {
	sn, err := s.ActiveSanction(ctx, actor.ID, models.SanctionSilence)
	if err != nil || sn == nil {
		return err
	}
	return forbiddenMsg(sanctionMessage(models.SanctionSilence, sn))
}
