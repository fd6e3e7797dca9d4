package forum

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strings"

	"github.com/hearth/hearth/models"
)

// Instance blocks: an administrator's decision about a whole remote
// server. A block on a domain covers its subdomains, as on Mastodon, so
// blocking example.com also blocks social.example.com.
//
// Effects: suspend refuses every inbound activity from the domain
// (federation's inbox, before storing), drops deliveries to it and drops
// every follow with its actors; silence holds their replies for approval
// (ReplyFromRemote).

// TargetInstance is the audit target type for instance blocks.
const TargetInstance = "instance"

var hostLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// NormalizeDomain returns the lower-case hostname, or false when s is not a
// bare hostname (no scheme, port, path or user).
func NormalizeDomain(s string) (string, bool) {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if d == "" || len(d) > 253 {
		return "", false
	}
	if net.ParseIP(d) != nil {
		return d, true
	}
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if !hostLabel.MatchString(l) {
			return "", false
		}
	}
	return d, true
}

// BlockInstance blocks a domain or, if it is already blocked, changes the
// block's severity and reason. Repeating a block changes and records nothing.
func (s *Service) BlockInstance(ctx context.Context, actor *models.User, domain, severity, reason string) (*models.InstanceBlock, error) {
	if err := s.checkAdmin(actor, reason); err != nil {
		return nil, err
	}
	v := validation{}
	d, ok := NormalizeDomain(domain)
	if !ok {
		v.add("domain", "errors.instance_blocks.enter_bare_host_name")
	} else if d == s.ownDomain() {
		v.add("domain", "errors.instance_blocks.forum_own_domain")
	}
	severity = strings.ToLower(strings.TrimSpace(severity))
	if severity != models.BlockSuspend && severity != models.BlockSilence {
		v.add("severity", "errors.instance_blocks.severity_must_suspend_silence")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var b *models.InstanceBlock
	defer s.blocks.invalidate() // after the commit: the inbox sees the block at once
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		var err error
		b, err = s.store.InstanceBlockByDomain(ctx, d)
		switch {
		case errors.Is(err, models.ErrNotFound):
			b = &models.InstanceBlock{Domain: d, Severity: severity, Reason: reason, CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now}
			if err := s.store.CreateInstanceBlock(ctx, b); err != nil {
				return err
			}
			if err := s.record(ctx, actor, "instance.block", TargetInstance, b.ID, reason,
				map[string]any{"domain": d, "severity": severity}, now); err != nil {
				return err
			}
			return s.dropSuspendedFollows(ctx, d, severity)
		case err != nil:
			return err
		case b.Severity == severity && b.Reason == reason:
			return nil
		}
		from := b.Severity
		if err := s.store.UpdateInstanceBlock(ctx, b.ID, severity, reason, now); err != nil {
			return err
		}
		b.Severity, b.Reason, b.UpdatedAt = severity, reason, now
		if err := s.record(ctx, actor, "instance.block", TargetInstance, b.ID, reason,
			map[string]any{"domain": d, "severity": severity, "from": from}, now); err != nil {
			return err
		}
		return s.dropSuspendedFollows(ctx, d, severity)
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// dropSuspendedFollows removes every follow between this forum and the
// actors of a suspended domain (and its subdomains): a suspension ends the
// relationship, and lifting it later does not bring the follows back. The
// hooks hear of them first, so the peer is told (Reject and Undo).
func (s *Service) dropSuspendedFollows(ctx context.Context, domain, severity string) error {
	if severity != models.BlockSuspend {
		return nil
	}
	ids, err := s.store.RemoteActorIDsOnDomain(ctx, domain)
	if err != nil {
		return err
	}
	_, err = s.severFollows(ctx, ids)
	return err
}

// UnblockInstance removes the block on exactly this domain (ErrNotFound if
// there is none).
func (s *Service) UnblockInstance(ctx context.Context, actor *models.User, domain, reason string) error {
	if err := s.checkAdmin(actor, reason); err != nil {
		return err
	}
	d, ok := NormalizeDomain(domain)
	if !ok {
		return ErrNotFound
	}
	defer s.blocks.invalidate()
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		b, err := s.store.InstanceBlockByDomain(ctx, d)
		if err != nil {
			return mapNotFound(err)
		}
		// Audit first: nothing is removed before the log records it.
		if err := s.record(ctx, actor, "instance.unblock", TargetInstance, b.ID, strings.TrimSpace(reason),
			map[string]any{"domain": d, "severity": b.Severity}, s.now()); err != nil {
			return err
		}
		return s.store.DeleteInstanceBlock(ctx, b.ID)
	})
}

// InstanceBlocks lists every block for administrators.
func (s *Service) InstanceBlocks(ctx context.Context, actor *models.User) ([]models.InstanceBlock, error) {
	if err := s.checkAdmin(actor, ""); err != nil {
		return nil, err
	}
	return s.store.InstanceBlocks(ctx)
}

// InstanceSuspended reports whether a remote host (as in a URL: a port is
// ignored) is under a suspend block, directly or through a parent domain.
// Federation calls it before storing an inbound activity and before each
// delivery.
func (s *Service) InstanceSuspended(ctx context.Context, host string) (bool, error) {
	domains := blockDomains(host)
	if len(domains) == 0 {
		return false, nil
	}
	return s.store.AnyInstanceBlock(ctx, domains, models.BlockSuspend)
}

// InstanceSilenced reports whether a remote host is under a silence block
// (directly or through a parent domain): its posts wait for approval.
func (s *Service) InstanceSilenced(ctx context.Context, host string) (bool, error) {
	// From the per-process block lists, like the inbox's refusal check:
	// this process's own block changes apply at once, another process's
	// within the cache's second; a query per inbound reply was a round
	// trip on PostgreSQL (docs/BENCHMARKS.md, inbox-pg).
	snap, err := s.blocks.snapshot(ctx, s.store)
	if err != nil {
		return false, err
	}
	for _, d := range blockDomains(host) {
		if snap.silenced[d] {
			return true, nil
		}
	}
	return false, nil
}

// blockDomains is a host (a port is ignored) and its parent domains, short
// of a bare TLD: every domain whose block covers the host.
func blockDomains(host string) []string {
	h := strings.ToLower(host)
	if hn, _, err := net.SplitHostPort(h); err == nil {
		h = hn
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return nil
	}
	domains := []string{h}
	if net.ParseIP(h) == nil {
		for i := strings.IndexByte(h, '.'); i >= 0; i = strings.IndexByte(h, '.') {
			h = h[i+1:]
			if strings.Contains(h, ".") { // never a bare TLD
				domains = append(domains, h)
			}
		}
	}
	return domains
}

func (s *Service) ownDomain() string {
	if i := strings.Index(s.cfg.URL, "://"); i >= 0 {
		h := s.cfg.URL[i+3:]
		if j := strings.IndexAny(h, "/:"); j >= 0 {
			h = h[:j]
		}
		return strings.ToLower(h)
	}
	return ""
}

// checkAdmin refuses non-administrators and over-long reasons.
func (s *Service) checkAdmin(actor *models.User, reason string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanAdminister(actor) {
		return ErrForbidden
	}
	return s.checkModerator(actor, reason)
}
