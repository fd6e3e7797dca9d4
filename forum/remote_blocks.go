package forum

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/hearth/hearth/models"
)

// Remote-user blocks: a moderator cuts off one fediverse account without
// blocking its whole server. Federation refuses everything the actor sends
// (InboundRefused, before storing), and the block drops every follow
// between it and this forum, so nothing is delivered to it either.

// TargetRemoteActor is the audit target type for remote-user blocks (the
// target id is the block's).
const TargetRemoteActor = "remote_actor"

// BlockRemoteUser blocks a remote actor, given as its actor id (URL) or as
// the handle its posts show here (name@domain). Blocking again returns the
// existing block and records nothing.
func (s *Service) BlockRemoteUser(ctx context.Context, actor *models.User, target, reason string) (*models.RemoteUserBlock, error) {
	if err := s.checkModerator(actor, reason); err != nil {
		return nil, err
	}
	if !CanBlockRemoteUser(actor) {
		return nil, ErrForbidden
	}
	apID, err := s.remoteActorID(ctx, strings.TrimSpace(target))
	if err != nil {
		return nil, err
	}
	var b *models.RemoteUserBlock
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if b, err = s.store.RemoteUserBlockByAPID(ctx, apID); err == nil {
			return nil
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		now := s.now()
		u, _ := url.Parse(apID)
		b = &models.RemoteUserBlock{ActorAPID: apID, Domain: strings.ToLower(u.Host), Reason: strings.TrimSpace(reason), CreatedBy: actor.ID, CreatedAt: now}
		if err := s.store.CreateRemoteUserBlock(ctx, b); err != nil {
			return err
		}
		dropped := int64(0)
		if a, err := s.store.RemoteActorByAPID(ctx, apID); err == nil {
			if dropped, err = s.severFollows(ctx, []int64{a.ID}); err != nil {
				return err
			}
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		return s.record(ctx, actor, "remote_user.block", TargetRemoteActor, b.ID, b.Reason,
			map[string]any{"actor": apID, "follows_dropped": dropped}, now)
	})
	s.blocks.invalidate()
	if err != nil {
		return nil, err
	}
	return b, nil
}

// remoteActorID turns what a moderator typed into an actor id.
func (s *Service) remoteActorID(ctx context.Context, target string) (string, error) {
	malformed := invalid("actor", "errors.remote_blocks.enter_account_actor_url")
	if target == "" || len(target) > 2048 {
		return "", malformed
	}
	if strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "http://") {
		u, err := url.Parse(target)
		if err != nil || u.Host == "" || u.User != nil {
			return "", malformed
		}
		if strings.EqualFold(u.Hostname(), s.ownDomain()) {
			return "", invalid("actor", "errors.remote_blocks.account_forum_use_silence")
		}
		u.Fragment = ""
		return u.String(), nil
	}
	u, err := s.store.UserByUsername(ctx, strings.TrimPrefix(target, "@"))
	if errors.Is(err, models.ErrNotFound) || (err == nil && (!u.IsRemote() || u.RemoteURL == "")) {
		return "", malformed
	} else if err != nil {
		return "", err
	}
	return u.RemoteURL, nil
}

// UnblockRemoteUser lifts a block, recording it first.
func (s *Service) UnblockRemoteUser(ctx context.Context, actor *models.User, id int64, reason string) error {
	if err := s.checkModerator(actor, reason); err != nil {
		return err
	}
	if !CanBlockRemoteUser(actor) {
		return ErrForbidden
	}
	defer s.blocks.invalidate()
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		b, err := s.store.RemoteUserBlockByID(ctx, id)
		if err != nil {
			return mapNotFound(err)
		}
		if err := s.record(ctx, actor, "remote_user.unblock", TargetRemoteActor, b.ID, strings.TrimSpace(reason),
			map[string]any{"actor": b.ActorAPID}, s.now()); err != nil {
			return err
		}
		return s.store.DeleteRemoteUserBlock(ctx, b.ID)
	})
}

// RemoteUserBlocks lists the blocks for moderators.
func (s *Service) RemoteUserBlocks(ctx context.Context, actor *models.User) ([]models.RemoteUserBlock, error) {
	if err := s.checkModerator(actor, ""); err != nil {
		return nil, err
	}
	return s.store.RemoteUserBlocks(ctx)
}

// InboundRefused reports whether an activity signed by a server at host
// (a suspended instance, directly or through a parent domain) or naming
// one of actors (blocked remote users) must be refused. It is the one
// check, one query, the inbox runs per request.
func (s *Service) InboundRefused(ctx context.Context, host string, actors ...string) (bool, error) {
	snap, err := s.blocks.snapshot(ctx, s.store)
	if err != nil {
		return false, err
	}
	for _, d := range blockDomains(host) {
		if snap.suspended[d] {
			return true, nil
		}
	}
	for _, a := range actors {
		if snap.actors[a] {
			return true, nil
		}
	}
	return false, nil
}

// PublicInstanceBlocks lists blocked instances for the public page: which
// servers this forum does not talk to, and why. Anyone may read it, as on
// Mastodon's /about page; the admins' names are not shown.
func (s *Service) PublicInstanceBlocks(ctx context.Context) ([]models.InstanceBlock, error) {
	return s.store.InstanceBlocks(ctx)
}
