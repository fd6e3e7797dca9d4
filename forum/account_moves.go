package forum

import (
	"context"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/hearth/hearth/models"
)

// Members moving between servers, as Mastodon's account migration works
// (the new account first lists the old one in alsoKnownAs; the old one
// then sends Move to its followers, whose servers have them follow the new
// one):
//   - moving out: a member names their new account (@name@host); it must
//     already list this member as an alias. Then the member is marked
//     moved, their actor says movedTo, and federation sends Move to their
//     fediverse followers.
//   - moving in: a member lists their old account elsewhere as an alias
//     (their actor says alsoKnownAs), so the old account may move here.
// Both need the member's password again, like the other settings that
// hand the account over.

// AliasedAccount is a fediverse account as its server describes it, with
// the aliases a move checks.
type AliasedAccount struct {
	ID      string   // actor id
	Aliases []string // its alsoKnownAs
}

// AccountResolver finds a fediverse account by handle (@name@host) or
// actor URL. Federation implements it; cmd/hearth wires it.
type AccountResolver interface {
	ResolveAccount(ctx context.Context, handle string) (AliasedAccount, error)
}

// SetAccountResolver installs r; call it while wiring, as SetHooks.
func (s *Service) SetAccountResolver(r AccountResolver) { s.resolver = r }

// MoveHooks is optional: hooks that implement it hear of a member who
// moved to another server (federation sends Move to their followers).
type MoveHooks interface {
	// MemberMoved is called in the transaction that marks u moved to target.
	MemberMoved(ctx context.Context, u *models.User, target string) error
}

// MemberMoved passes through the private-category guard: a Move names no post.
func (g privateGuard) MemberMoved(ctx context.Context, u *models.User, target string) error {
	if h, ok := g.inner.(MoveHooks); ok {
		return h.MemberMoved(ctx, u, target)
	}
	return nil
}

// maxMemberAliases bounds a member's aliases (Mastodon allows a handful).
const maxMemberAliases = 5

// MemberActorID is a member's ActivityPub id, as federation names it.
func (s *Service) MemberActorID(u *models.User) string {
	return strings.TrimRight(s.cfg.URL, "/") + "/u/" + strings.ToLower(u.Username)
}

// movingMember checks who may move: a local member, with their password.
func (s *Service) movingMember(actor *models.User, password string, v validation) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if actor.IsRemote() || actor.PasswordHash == "" {
		return ErrForbidden
	}
	if password == "" || bcrypt.CompareHashAndPassword([]byte(actor.PasswordHash), []byte(password)) != nil {
		v.add("password", "errors.common.not_current_password")
	}
	return nil
}

// resolveAccount turns what a member typed into a fediverse account, or a
// validation error on field.
func (s *Service) resolveAccount(ctx context.Context, field, handle string) (AliasedAccount, error) {
	handle = strings.TrimSpace(handle)
	if handle == "" || len(handle) > 2048 {
		return AliasedAccount{}, invalid(field, "errors.account_moves.enter_account_name_server")
	}
	if s.resolver == nil {
		return AliasedAccount{}, invalid(field, "errors.account_moves.forum_does_not_federate")
	}
	acct, err := s.resolver.ResolveAccount(ctx, handle)
	if err != nil {
		return AliasedAccount{}, invalid(field, "errors.account_moves.account_could_not_found")
	}
	if strings.EqualFold(hostOfURL(acct.ID), s.ownHost()) {
		return AliasedAccount{}, invalid(field, "errors.account_moves.account_forum_enter_one_x")
	}
	return acct, nil
}

// AddAccountAlias lists the member's account elsewhere (handle) as an
// alias, so that account can move here.
func (s *Service) AddAccountAlias(ctx context.Context, actor *models.User, handle, password string) error {
	v := validation{}
	if err := s.movingMember(actor, password, v); err != nil {
		return err
	}
	if err := v.err(); err != nil {
		return err
	}
	acct, err := s.resolveAccount(ctx, "alias", handle)
	if err != nil {
		return err
	}
	aliases := actor.Aliases()
	if slices.Contains(aliases, acct.ID) {
		return nil
	}
	if len(aliases) >= maxMemberAliases {
		return invalid("alias", "errors.account_moves.already_have_five_aliases")
	}
	aliases = append(aliases, acct.ID)
	return s.setAliases(ctx, actor, aliases)
}

// RemoveAccountAlias drops one of the member's aliases (an actor id).
func (s *Service) RemoveAccountAlias(ctx context.Context, actor *models.User, alias string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	aliases := actor.Aliases()
	i := slices.Index(aliases, alias)
	if i < 0 {
		return ErrNotFound
	}
	return s.setAliases(ctx, actor, slices.Delete(aliases, i, i+1))
}

func (s *Service) setAliases(ctx context.Context, u *models.User, aliases []string) error {
	joined := strings.Join(aliases, "\n")
	if err := s.store.UpdateUserFields(ctx, u.ID, map[string]any{"also_known_as": joined, "updated_at": s.now()}); err != nil {
		return err
	}
	u.AlsoKnownAs = joined
	return nil
}

// MoveAccount moves the member to their new account (handle), which must
// list this member among its aliases: they are marked moved and their
// fediverse followers are sent a Move. It returns the new account's id.
func (s *Service) MoveAccount(ctx context.Context, actor *models.User, handle, password string) (string, error) {
	v := validation{}
	if err := s.movingMember(actor, password, v); err != nil {
		return "", err
	}
	if actor.MovedTo != "" {
		return "", invalid("target", "errors.account_moves.already_moved", "Account", actor.MovedTo)
	}
	if err := v.err(); err != nil {
		return "", err
	}
	acct, err := s.resolveAccount(ctx, "target", handle)
	if err != nil {
		return "", err
	}
	if !slices.Contains(acct.Aliases, s.MemberActorID(actor)) {
		return "", invalid("target", "errors.account_moves.not_an_alias_yet", "Account", s.MemberActorID(actor))
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateUserFields(ctx, actor.ID, map[string]any{"moved_to": acct.ID, "updated_at": s.now()}); err != nil {
			return err
		}
		actor.MovedTo = acct.ID
		if h, ok := s.hooks.(MoveHooks); ok {
			return h.MemberMoved(ctx, actor, acct.ID)
		}
		return nil
	})
	return acct.ID, err
}

// hostOfURL is the lower-cased host (with port) of an absolute URL.
func hostOfURL(s string) string {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToLower(rest)
}

// ownHost is this forum's host with its port, as in its URL.
func (s *Service) ownHost() string { return hostOfURL(s.cfg.URL) }
