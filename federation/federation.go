// Package federation is Hearth's ActivityPub side: discovery (WebFinger,
// NodeInfo, host-meta), the actor and object documents, signing keys and
// HTTP signatures.
//
// Actors and objects live on the same URLs as their HTML pages: a member
// is a Person at /u/{name} (lower-cased), a category a Group at /c/{slug},
// a post a Note at /p/{id}, a thread its FEP-7888 context collection at
// /t/{id}; the instance actor, an Application named after the host, is at
// /actor. Negotiate, a pre-routing middleware, sends requests for those
// URLs that prefer ActivityPub JSON to this package's handlers (by
// prefixing the path with /_ap, which is also how they show in request
// logs) and leaves everything else to the HTML pages.
//
// It is a peer of server/: both call forum/ for every rule and read, and
// they meet only in cmd/hearth, which registers these routes and the
// middleware on the server's Echo.
package federation

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Federation serves Hearth's ActivityPub documents. It holds no state that
// matters across processes (keys are in the database); build one per
// process with New.
type Federation struct {
	cfg   config.Config
	svc   *forum.Service
	store *models.Store
	log   *slog.Logger
	base  string // cfg.URL without a trailing slash
	host  string // cfg.Host(): the host of every acct: handle, with its port
	// instanceName is the instance actor's preferredUsername: the host name
	// without its port (a colon is not a username character anywhere).
	instanceName string
	now          func() time.Time

	// client carries every outbound fetch and delivery (see transport.go).
	client    *http.Client
	userAgent string
	// retryBase is the first delivery retry delay; later ones double.
	retryBase time.Duration
	// limiter bounds deliveries in flight overall and per host (hosts.go);
	// hostFailures consecutive failures mark a host down.
	limiter      *hostLimiter
	hostFailures int
	// pollUpdateDelay is how long votes gather before an Update{Question}.
	pollUpdateDelay time.Duration

	// NodeInfo is fetched by crawlers every few minutes and its counts scan
	// tables, so they are remembered for a while; being minutes stale is
	// what every implementation does.
	// inboxWriter groups concurrent inbox inserts into one commit.
	inboxWriter *inboxBatcher
	// keys caches remote actors by key id for signature checks (keys.go).
	keys *keyCache
	// keyFetches merges concurrent lookups of one key id (verify.go).
	keyFetches singleflight.Group
	// blockedFollows dedupes the Rejects of Follows from blocked peers
	// (follow_blocks.go).
	blockedFollows *blockedFollowRejects

	// observeDelivery, when set, hears every delivery attempt's outcome
	// (SetDeliveryObserver): the server's Prometheus metrics.
	observeDelivery DeliveryObserver

	// pending bounds the replies kept until their parent arrives
	// (pending_replies.go).
	pending pendingLimits
	// backfillLimits bound one thread's backfill (backfill.go).
	backfillLimits backfillLimits
	// groupFollowed knows which categories have group-aware followers
	// (group_cache.go).
	groupFollowed groupFollowedCache

	usageMu sync.Mutex
	usage   forum.InstanceUsage
	usageAt time.Time
}

// usageTTL is how long NodeInfo's counts are reused.
const usageTTL = 15 * time.Minute

// New builds the federation side for the configuration and service.
func New(cfg config.Config, svc *forum.Service, log *slog.Logger) *Federation {
	if log == nil {
		log = slog.Default()
	}
	base := strings.TrimRight(cfg.URL, "/")
	retryBase := defaultRetryBase
	if cfg.FederationRetryBase > 0 {
		retryBase = cfg.FederationRetryBase
	}
	var name string
	if u, err := url.Parse(base); err == nil { // cfg was validated; err is not expected
		name = strings.ToLower(u.Hostname())
	}
	return &Federation{
		cfg: cfg, svc: svc, store: svc.Store(), log: log,
		base: base, host: cfg.Host(), instanceName: name,
		pending:        pendingLimits{perHost: pendingPerHost, total: pendingTotal},
		backfillLimits: defaultBackfillLimits,
		now:            svc.Now, // one clock: tests that move the service move federation too
		client:         newHTTPClient(cfg.FederationAllowPrivate, nil),
		userAgent:      "hearth/" + cfg.Version + " (+" + base + ")",
		retryBase:      retryBase,
		limiter:        newHostLimiter(2*deliveryParallel, defaultPerHostLimit),
		hostFailures:   defaultHostFailures,

		pollUpdateDelay: defaultPollUpdateDelay,
		inboxWriter:     &inboxBatcher{store: svc.Store()},
		keys:            newKeyCache(),
		blockedFollows:  newBlockedFollowRejects(),
	}
}

// Register adds the discovery endpoints, the instance actor and the actors'
// collections to e. The actor and object documents on the pages' own URLs
// are reached through Negotiate, which must be installed with e.Pre.
func (f *Federation) Register(e *echo.Echo) {
	// Every ActivityPub GET registered with get is refused to unsigned
	// and blocked requests in secure mode (secure_mode.go); the discovery
	// endpoints and the instance actor use open instead.
	get := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, f.secured(h))
	}
	open := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, f.refuseBlockedSigner(h))
	}
	open("/.well-known/webfinger", f.webfinger)
	open("/.well-known/host-meta", f.hostMeta)
	open("/.well-known/nodeinfo", f.nodeInfoLinks)
	open("/nodeinfo/2.1", f.nodeInfo)

	// The instance actor has no HTML page, so it is JSON whatever the
	// Accept header says. It stays open in secure mode: peers need its key
	// to verify Hearth's signed fetches.
	open("/actor", f.instanceActor)
	get("/actor/outbox", f.collection(f.instanceOwner, collOutbox))
	get("/actor/followers", f.collection(f.instanceOwner, collFollowers))
	get("/actor/following", f.collection(f.instanceOwner, collFollowing))
	for _, kind := range []string{collOutbox, collFollowers, collFollowing} {
		get("/u/:username/"+kind, f.collection(f.userOwner, kind))
		get("/c/:slug/"+kind, f.collection(f.categoryOwner, kind))
	}
	get("/c/:slug/featured", f.featured)
	get("/p/:id/replies", f.replies)

	// Inboxes: every actor's, and the shared one. What arrives is verified,
	// stored and answered 202; workers (Run) process it.
	e.POST("/inbox", f.inbox(nil))
	e.POST("/actor/inbox", f.inbox(f.instanceOwner))
	e.POST("/u/:username/inbox", f.inbox(f.userOwner))
	e.POST("/c/:slug/inbox", f.inbox(f.categoryOwner))

	// Where Negotiate sends requests for ActivityPub documents.
	get(negotiatedPrefix+"/u/:username", f.userActor)
	get(negotiatedPrefix+"/u/:username/notes/:id", f.feedReply)
	get(negotiatedPrefix+"/c/:slug", f.categoryActor)
	get(negotiatedPrefix+"/p/:id", f.note)
	get(negotiatedPrefix+"/t/:id", f.threadContext)
	get(negotiatedPrefix+"/t/:id/:slug", f.threadContext)
}

// serverError logs an unexpected failure and answers 500 in JSON; the
// details stay in the log.
func (f *Federation) serverError(c echo.Context, err error) error {
	f.log.Error("federation", "path", c.Request().URL.Path, "error", err,
		"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	return writeError(c, http.StatusInternalServerError, "internal", "something went wrong on this server")
}
