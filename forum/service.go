// Package forum holds Hearth's domain rules: who may post where, what an edit
// does, what a page holds. The web handlers (server/) and the ActivityPub
// inbox (federation/) both call it, so no rule lives in two places. It knows
// nothing of HTTP.
package forum

import (
	"errors"
	"regexp"
	"sync"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/media"
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
	// resolver finds fediverse accounts for members moving (account_moves.go).
	resolver AccountResolver
	// site keeps the parsed site settings by version (site_settings.go).
	site *siteCache
	// pages shares thread pages' rows among viewers (thread_page_rows.go).
	pages *pageRowsCache
	// blobs holds uploaded files (uploads.go); blobsErr says why the
	// disk store could not be opened, reported on the first upload.
	blobs         media.Blobs
	blobsErr      error
	mediaRe       *regexp.Regexp
	mediaReOnce   sync.Once
	mediaLinkRe   *regexp.Regexp
	mediaLinkOnce sync.Once
	// fedi is federation's side of remote follows (remote_follows.go);
	// nil when none is installed.
	fedi Fediverse
	// lookups limits members' lookups of unknown remote accounts.
	lookups *lookupLimiter
	// msgHooks resolves and delivers fediverse recipients of private
	// messages (messages.go); nil when the forum does not federate.
	msgHooks MessageHooks
	// cat is the message catalogs mail and notifications are written
	// from, in each recipient's language (mail_lang.go).
	cat *i18n.Catalog
}

// New builds the service.
func New(store *models.Store, cfg config.Config) *Service {
	s := &Service{
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
		pages:      newPageRowsCache(),
		lookups:    &lookupLimiter{},
		cat:        catalog(),
	}
	if cfg.MediaS3URL == "" && cfg.MediaDir != "" {
		if d, err := media.NewDisk(cfg.MediaDir); err != nil {
			s.blobsErr = err
		} else {
			s.blobs = d
		}
	} else {
		s.blobsErr = errors.New("the media store is not configured")
	}
	return s
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
