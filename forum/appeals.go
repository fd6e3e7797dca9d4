package forum

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Warnings, notices and appeals. Every action against a member (a warning,
// a silence or suspension, hiding or deleting their post) is an audit
// entry; the member sees those entries as notices with the reason, and may
// appeal each one once. An appeal is an `appeal` item in the review queue;
// deciding it (uphold or reverse) is audited, and reversing undoes the
// action.

// Appeal decisions, given as the resolve action of an appeal item.
const (
	AppealUphold  = "uphold"
	AppealReverse = "reverse"
)

// NotifyModeration is the notification kind telling a member there is a
// moderation notice for them (see Notices).
const NotifyModeration = "moderation"

const appealMaxRunes = 2000

// appealable lists the audited actions a member may appeal, with how the
// notice describes them.
var appealable = map[string]string{
	"user.warn":      "You were warned",
	"user.silence":   "You were silenced",
	"user.suspend":   "Your account was suspended",
	"queue.hide":     "Your post was hidden by a moderator",
	"post.hide":      "Your post was hidden by a moderator",
	"post.auto_hide": "Your post was hidden after members flagged it",
	"queue.delete":   "Your post was deleted by a moderator",
	"post.delete":    "Your post was deleted by a moderator",
}

func appealableActions() []string {
	out := make([]string, 0, len(appealable))
	for a := range appealable {
		out = append(out, a)
	}
	return out
}

// Notice is one action against a member, as they see it.
type Notice struct {
	Entry     models.AuditEntry
	Summary   string
	Appeal    *models.Appeal
	CanAppeal bool
}

// SuspendedError is what logging in with the right password gives a
// suspended member: why, until when, and which action to appeal.
type SuspendedError struct {
	Message string   // in English
	Msg     i18n.Msg // Message as a catalog message, for people
	Notice  *Notice  // nil if the suspension has no audit entry
}

func (e *SuspendedError) Error() string { return e.Message }

// UserMessage is the message in the reader's language (i18n.MsgOf).
func (e *SuspendedError) UserMessage() i18n.Msg { return e.Msg }

// Unwrap makes a SuspendedError a validation error on "login", so a form
// shows the message where the member typed their name.
func (e *SuspendedError) Unwrap() error {
	return invalidMsg("login", e.Msg)
}

func (s *Service) suspendedError(ctx context.Context, u *models.User, sn *models.Sanction) error {
	m := sanctionMessage(models.SanctionSuspend, sn)
	e := &SuspendedError{Message: m.String(), Msg: m}
	ns, err := s.notices(ctx, u, []string{"user.suspend"}, 1)
	if err != nil {
		return err
	}
	if len(ns) == 1 {
		e.Notice = &ns[0]
	}
	return e
}

// Warn records a warning to a member (about a post of theirs, or about
// nothing in particular when postID is 0) and tells them. The reason is
// required: a warning without one teaches nothing.
func (s *Service) Warn(ctx context.Context, actor *models.User, username string, postID int64, reason string) (*models.Warning, error) {
	if err := s.checkReason(ctx, actor, reason); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, invalid("reason", "errors.appeals.say_why_member_reads")
	}
	var w *models.Warning
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		target, err := s.store.UserByUsername(ctx, strings.TrimSpace(username))
		if err != nil {
			return mapNotFound(err)
		}
		var cat int64
		if postID != 0 {
			p, t, err := s.PostFor(ctx, actor, postID)
			if err != nil {
				return err
			}
			if p.UserID != target.ID {
				return invalid("post", "errors.appeals.post_not_member")
			}
			cat = t.CategoryID
		}
		if !CanWarn(actor, target, cat) {
			return forbidden("errors.appeals.cannot_warn")
		}
		now := s.now()
		w = &models.Warning{UserID: target.ID, PostID: postID, Reason: reason, CreatedBy: actor.ID, CreatedAt: now}
		if err := s.store.CreateWarning(ctx, w); err != nil {
			return err
		}
		if err := s.notifyModeration(ctx, target.ID, postID, now); err != nil {
			return err
		}
		return s.record(ctx, actor, "user.warn", TargetUser, target.ID, reason,
			map[string]any{"username": target.Username, "warning": w.ID, "post": postID}, now)
	})
	return w, err
}

// notifyModeration adds a notification pointing the member at their notices.
func (s *Service) notifyModeration(ctx context.Context, userID, postID int64, now time.Time) error {
	return s.store.CreateNotifications(ctx, []models.Notification{{UserID: userID, Kind: NotifyModeration, PostID: postID, CreatedAt: now}})
}

// Notices lists the actions taken against the member, newest first, with
// their appeals.
func (s *Service) Notices(ctx context.Context, member *models.User) ([]Notice, error) {
	if member == nil {
		return nil, ErrUnauthorized
	}
	return s.notices(ctx, member, appealableActions(), 100)
}

func (s *Service) notices(ctx context.Context, member *models.User, actions []string, limit int) ([]Notice, error) {
	entries, err := s.store.AuditAbout(ctx, member.ID, actions, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	appeals, err := s.store.AppealsByAuditIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]Notice, len(entries))
	for i, e := range entries {
		out[i] = Notice{Entry: e, Summary: appealable[e.Action], Appeal: appeals[e.ID], CanAppeal: appeals[e.ID] == nil}
	}
	return out, nil
}

// Appeal sends the member's one appeal against an action to the review
// queue. A second appeal on the same action is ErrConflict.
func (s *Service) Appeal(ctx context.Context, member *models.User, auditID int64, message string) (*models.Appeal, error) {
	if member == nil {
		return nil, ErrUnauthorized
	}
	message = strings.TrimSpace(message)
	if message == "" || !utf8.ValidString(message) || utf8.RuneCountInString(message) > appealMaxRunes {
		return nil, invalid("message", "errors.appeals.explain_up_2000_characters")
	}
	var a *models.Appeal
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		e, err := s.store.AuditEntryByID(ctx, auditID)
		if err != nil {
			return mapNotFound(err)
		}
		if _, ok := appealable[e.Action]; !ok {
			return ErrNotFound
		}
		if about, err := s.entryAbout(ctx, e); err != nil {
			return err
		} else if about != member.ID {
			// Someone else's record is none of this member's business.
			return ErrNotFound
		}
		now := s.now()
		a = &models.Appeal{UserID: member.ID, AuditID: e.ID, Message: message, State: models.AppealOpen, CreatedAt: now}
		if err := s.store.CreateAppeal(ctx, a); err != nil {
			if models.IsUniqueViolation(err) {
				return errAlreadyAppealed
			}
			return err
		}
		item := &models.ModQueueItem{Kind: models.QueueKindAppeal, State: models.QueueItemOpen, AppealID: &a.ID, CreatedAt: now}
		return s.store.CreateQueueItem(ctx, item)
	})
	if err != nil && errors.Is(err, ErrConflict) {
		return nil, errAlreadyAppealed
	}
	return a, err
}

var errAlreadyAppealed = &conflictError{"errors.conflicts.already_appealed"}

// AppealSuspended lets a suspended member appeal from the login page: they
// prove who they are with their password again, since they cannot log in.
func (s *Service) AppealSuspended(ctx context.Context, login, password, ip string, auditID int64, message string) (*models.Appeal, error) {
	u, _, _, err := s.checkPassword(ctx, LoginInput{Login: login, Password: password, Addr: ip})
	if err != nil {
		return nil, err
	}
	return s.Appeal(ctx, u, auditID, message)
}

// entryAbout returns the member an audit entry acted on.
func (s *Service) entryAbout(ctx context.Context, e *models.AuditEntry) (int64, error) {
	switch e.TargetType {
	case TargetUser:
		return e.TargetID, nil
	case TargetPost:
		p, err := s.store.PostByID(ctx, e.TargetID)
		if err != nil {
			return 0, mapNotFound(err)
		}
		return p.UserID, nil
	}
	return 0, nil
}

// decideAppealItem resolves an appeal item: uphold keeps the action,
// reverse undoes it. Site staff decide, and never above their role: a
// moderator cannot reverse what an administrator did.
func (s *Service) decideAppealItem(ctx context.Context, actor *models.User, item *models.ModQueueItem, decision, note string) error {
	if !CanResolveQueueItem(actor, 0) {
		return ErrForbidden
	}
	if decision != AppealUphold && decision != AppealReverse {
		return invalid("action", "errors.appeals.decide_appeal_uphold_reverse")
	}
	if item.AppealID == nil {
		return ErrNotFound
	}
	a, err := s.store.AppealByID(ctx, *item.AppealID)
	if err != nil {
		return mapNotFound(err)
	}
	e, err := s.store.AuditEntryByID(ctx, a.AuditID)
	if err != nil {
		return mapNotFound(err)
	}
	appellant, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return mapNotFound(err)
	}
	if !outranks(actor, appellant) {
		return forbidden("errors.appeals.role_too_high")
	}
	if e.ActorID != 0 && e.ActorID != actor.ID {
		if by, err := s.store.UserByID(ctx, e.ActorID); err == nil && roleRank(by) > roleRank(actor) {
			return forbidden("errors.appeals.admin_decides")
		}
	}
	if e.ActorID != 0 && e.ActorID == actor.ID {
		// Members are promised a reviewer who did not take part; the one
		// who acted decides only when nobody else on site staff could.
		others, err := s.otherAppealDeciders(ctx, actor, appellant)
		if err != nil {
			return err
		}
		if others > 0 {
			return forbidden("errors.appeals.own_action")
		}
		note = strings.TrimSpace(note + " " + selfReviewNote)
	}
	now := s.now()
	ok, err := s.store.ResolveQueueItem(ctx, item.ID, actor.ID, decision, note, now)
	if err != nil {
		return err
	}
	if !ok {
		return errAlreadyResolved
	}
	if _, err := s.store.DecideAppeal(ctx, a.ID, map[string]string{AppealUphold: models.AppealUpheld, AppealReverse: models.AppealReversed}[decision], actor.ID, now); err != nil {
		return err
	}
	details := map[string]any{"appeal": a.ID, "audit": e.ID, "action": e.Action, "username": appellant.Username}
	if err := s.record(ctx, actor, "appeal."+decision, TargetUser, appellant.ID, note, details, now); err != nil {
		return err
	}
	if err := s.notifyModeration(ctx, appellant.ID, 0, now); err != nil {
		return err
	}
	if decision == AppealReverse {
		return s.reverseAction(ctx, actor, e)
	}
	return nil
}

// selfReviewNote is added to the reason of an appeal decided by the
// moderator who took the contested action, so the audit log says why.
const selfReviewNote = "(Decided by the moderator who took the action: no other site staff member could review it.)"

// otherAppealDeciders counts the site staff other than actor who could
// decide this appeal instead: not suspended, above the appellant, and not
// below actor's role (actor took the action; a lower role cannot overrule it).
func (s *Service) otherAppealDeciders(ctx context.Context, actor, appellant *models.User) (int, error) {
	n := 0
	for _, role := range []string{models.RoleAdmin, models.RoleModerator} {
		us, err := s.store.LocalUsersByRole(ctx, role)
		if err != nil {
			return 0, err
		}
		for i := range us {
			u := &us[i]
			if u.ID == actor.ID || u.ID == appellant.ID || !CanResolveQueueItem(u, 0) ||
				!outranks(u, appellant) || roleRank(u) < roleRank(actor) {
				continue
			}
			if _, err := s.store.ActiveSanction(ctx, u.ID, models.SanctionSuspend, s.now()); err == nil {
				continue
			} else if !errors.Is(err, models.ErrNotFound) {
				return 0, err
			}
			n++
		}
	}
	return n, nil
}

// reverseAction undoes an audited action after a successful appeal.
func (s *Service) reverseAction(ctx context.Context, actor *models.User, e *models.AuditEntry) error {
	var d struct {
		Warning  int64 `json:"warning"`
		Sanction int64 `json:"sanction"`
	}
	if e.Details != "" {
		_ = json.Unmarshal([]byte(e.Details), &d)
	}
	now := s.now()
	switch e.Action {
	case "user.warn":
		return s.store.RevokeWarning(ctx, d.Warning, now)
	case "user.silence", "user.suspend":
		if d.Sanction != 0 {
			_, err := s.store.LiftSanction(ctx, d.Sanction, actor.ID, now)
			return err
		}
		_, err := s.store.LiftSanctions(ctx, e.TargetID, strings.TrimPrefix(e.Action, "user."), actor.ID, now)
		return err
	case "queue.hide", "post.auto_hide", "post.hide":
		p, err := s.store.PostByID(ctx, e.TargetID)
		if err != nil {
			return mapNotFound(err)
		}
		if p.HiddenAt == nil {
			return nil
		}
		return s.setHidden(ctx, p, false)
	case "queue.delete", "post.delete":
		p, err := s.store.PostByID(ctx, e.TargetID)
		if err != nil {
			return mapNotFound(err)
		}
		if p.DeletedAt == nil {
			return nil
		}
		if err := s.store.UpdatePostFields(ctx, p.ID, map[string]any{"deleted_at": nil, "deleted_by": nil, "updated_at": now}); err != nil {
			return err
		}
		if p.HiddenAt != nil {
			if err := s.store.SetPostHidden(ctx, p.ID, nil, now); err != nil {
				return err
			}
		}
		if err := s.store.TouchThread(ctx, p.ThreadID, now); err != nil {
			return err
		}
		// The delete federated a Delete; the post is public again, so
		// peers get its Create again, as when a hidden post is shown.
		p.DeletedAt, p.DeletedBy, p.HiddenAt, p.UpdatedAt = nil, nil, nil, now
		if h := s.moderationHooks(); h != nil {
			return h.PostHidden(ctx, p, false)
		}
		return nil
	}
	return nil
}
