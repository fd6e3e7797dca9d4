// Package forum holds Hearth's domain rules: who may post where, what an edit
// does, what a page holds. The web handlers (server/) and the ActivityPub
// inbox (federation/) both call it, so no rule lives in two places. It knows
// nothing of HTTP.
package forum

import (
	"errors"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Service is the forum's domain API. It is safe for concurrent use and holds
// no mutable state of its own: everything lives in the database, so several
// Hearth processes can share one.
type Service struct {
	store *models.Store
	cfg   config.Config
	md    *markup.Renderer
	now   func() time.Time
	hooks Hooks // never nil; see SetHooks
	words *wordCache
	// BcryptCost is the password hashing cost; tests lower it.
	BcryptCost int
	// FlagHideThreshold is the total flag weight at which a post is hidden
	// until reviewed; zero means the default, 3.
	FlagHideThreshold int
	// blocks caches the federation block lists for the inbox (block_cache.go).
	blocks *blockCache
	// keys caches instance secrets (login_limits.go).
	keys *keyCache
	// reauth checks a second factor before a sensitive action
	// (account_deletion.go); nil when none is installed.
	reauth ReauthFunc
	// site keeps the parsed site settings by version (site_settings.go).
	site *siteCache
	// msgHooks resolves and delivers fediverse recipients of private
	// messages (messages.go); nil when the forum does not federate.
	msgHooks MessageHooks
}

// New builds the service.
func New(store *models.Store, cfg config.Config) *Service {
	return &Service{
		store:      store,
		cfg:        cfg,
		md:         markup.New(cfg.URL),
		now:        func() time.Time { return clock.Now().UTC().Truncate(time.Microsecond) },
		BcryptCost: 11,
		hooks:      noHooks{},
		words:      &wordCache{},
		blocks:     &blockCache{},
		keys:       &keyCache{},
		site:       &siteCache{},
	}
}

// SetClock replaces the service's clock, so tests can move time (sanction
// expiry, rate-limit windows) without sleeping. It is the one clock: the
// store's timestamps and federation follow it too.
func (s *Service) SetClock(now func() time.Time) {
	s.now = now
	s.store.SetClock(now)
}

// Store exposes the store for wiring (CLI, tests).
func (s *Service) Store() *models.Store { return s.store }

// Config returns the configuration the service runs with.
func (s *Service) Config() config.Config { return s.cfg }

// mapNotFound turns the store's not-found into the domain's.
func mapNotFound(err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return ErrNotFound
	}
	return err
}
