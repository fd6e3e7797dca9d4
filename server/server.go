// Package server is Hearth's HTTP layer: Echo routes, handlers, middleware
// and template rendering. It holds no rules of its own: every decision is a
// call into forum/.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
)

// Server is the web application.
type Server struct {
	cfg     config.Config
	forum   *forum.Service
	log     *slog.Logger
	tmpl    *renderer
	assets  *assets
	echo    *echo.Echo
	metrics *metrics
	// delivery holds the federation delivery metrics (DeliveryObserver).
	delivery *deliveryMetrics
	cache    *anonCache
	frags    *fragments
	excerpts *lru.Cache[excerptKey, string] // first posts' excerpts (excerpt_cache.go)
	stats    *statsCache
	media    mediaInfo
	// healthID names this process's /healthz probe row (see healthz).
	healthID string
}

// New builds the server and parses every template; a broken template or
// asset reference is an error here, not in a request.
func New(cfg config.Config, svc *forum.Service, log *slog.Logger, reg prometheus.Registerer) (*Server, error) {
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	// One copy of the catalogs: the forum writes mail from the same.
	tmpl, err := newRenderer(a, cfg.URL, cfg.PostsPerPage, svc.Now, svc.Catalog())
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	d := newDeliveryMetrics()
	if err := registerQueueMetrics(reg, newQueueCollector(svc.Store(), svc.Now, log), d); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, forum: svc, log: log, tmpl: tmpl, assets: a, metrics: m, delivery: d, cache: newAnonCache(), frags: newFragments(), excerpts: newExcerptCache(),
		stats: newStatsCache(), healthID: processID()}
	s.echo = s.routes()
	return s, nil
}

// Handler is the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.echo }

// MetricsHandler serves the Prometheus metrics, for the separate listener
// on --metrics-addr (cmd/hearth serve). It has no authentication: keep that
// address private (the default is loopback).
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", s.metrics.exposition())
	return mux
}

// Echo exposes the router, for tests and for mounting other peers (federation).
func (s *Server) Echo() *echo.Echo { return s.echo }

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Pre(headAsGet)
	// The peer address is the client unless it is a configured proxy, so
	// login limits cannot be dodged with a forged X-Forwarded-For.
	nets, _ := s.cfg.TrustedProxyNets() // checked by Config.Normalize
	e.IPExtractor = clientIPExtractor(nets)

	e.Use(middleware.RequestID())
	e.Use(s.metrics.middleware)
	e.Use(s.requestLogger())
	e.Use(middleware.Recover())
	e.Use(securityHeaders)
	e.Use(s.bodyLimit)
	e.Use(s.withServer)

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metrics.publicHandler(s.cfg.MetricsToken))
	e.GET("/static/*", s.assets.serve)
	e.GET("/avatars/:file", s.avatar)
	e.GET("/media/:hash", s.serveMedia)
	e.GET("/media/:hash/:variant", s.serveMedia)
	e.GET("/media/remote/:id", s.serveRemoteMedia)
	e.GET("/media/remote/:id/:variant", s.serveRemoteMedia)

	e.POST("/language", s.switchLanguage, s.authenticate, s.languageCSRF)

	g := e.Group("", s.authenticate, s.csrf, s.requireSecondFactor)
	g.GET("/", s.home)
	g.GET("/signup", s.signupForm)
	g.POST("/signup", s.signup)
	g.GET("/login", s.loginForm)
	g.POST("/login", s.login)
	g.POST("/logout", s.logout)

	g.GET("/c/:slug", s.category, s.oldCategorySlug)
	g.GET("/c/:slug/feed.rss", s.categoryFeed, s.oldCategorySlug)
	g.GET("/c/:slug/feed.atom", s.categoryFeed, s.oldCategorySlug)
	g.GET("/c/:slug/new", s.newThreadForm, requireLogin, s.oldCategorySlug)
	g.POST("/c/:slug/new", s.createThread, requireLogin)
	g.GET("/new", s.newThreadForm, requireLogin)
	g.POST("/new", s.createThread, requireLogin)

	g.GET("/t/:id", s.thread)
	g.GET("/t/:id/:slug", s.thread)
	g.GET("/t/:id/feed.rss", s.threadFeed)
	g.GET("/t/:id/feed.atom", s.threadFeed)
	g.POST("/t/:id/reply", s.reply, requireLogin)
	g.POST("/t/:id/bookmark", s.bookmark, requireLogin)

	g.GET("/p/:id", s.post)
	g.GET("/p/:id/edit", s.editPostForm, requireLogin)
	g.POST("/p/:id/edit", s.editPost, requireLogin)
	g.POST("/p/:id/delete", s.deletePost, requireLogin)
	g.POST("/p/:id/hide", s.hidePost, requireLogin)
	g.POST("/p/:id/like", s.likePost, requireLogin)
	g.POST("/p/:id/solution", s.markSolution, requireLogin)
	g.GET("/p/:id/revisions", s.revisions)

	g.GET("/u/:username", s.profile)
	g.GET("/settings", s.settingsForm, requireLogin)
	g.POST("/settings", s.saveSettings, requireLogin)
	g.POST("/settings/avatar", s.uploadAvatar, requireLogin)
	g.POST("/settings/tokens", s.createTokenForm, requireLogin)
	s.leaveRoutes(g)
	s.moveRoutes(g)
	g.GET("/bookmarks", s.bookmarks, requireLogin)
	g.GET("/search", s.search)
	g.GET("/tags/:tag", s.tag)
	g.GET("/admin", s.adminPage, requireLogin)
	g.POST("/admin/categories", s.adminCreateCategory, requireLogin)
	s.categoryAdminRoutes(g)
	s.modRoutes(g)
	s.remoteModRoutes(g)
	s.modToolRoutes(g)
	s.communityRoutes(g)
	s.adminFormRoutes(g)
	s.admissionRoutes(g)
	s.siteRoutes(e, g)
	s.inviteRoutes(g)
	s.applicationRoutes(g)

	s.notificationRoutes(g)
	s.memberHintRoutes(g)
	s.messageRoutes(g)
	s.pollRoutes(g)
	s.notificationLevelRoutes(g)
	s.mailRoutes(e, g)
	s.passwordRoutes(g)
	s.emailVerificationRoutes(g)
	s.twoFactorRoutes(g)
	api := g.Group("/api/v1")
	s.sessionRoutes(g, api)
	s.remoteAccountRoutes(g, api)
	s.editorAPIRoutes(api)
	s.apiRoutes(api)
	api.POST("/uploads", s.apiUpload)
	return e
}

// healthz answers 200 "ok" when the database takes a write, 503 otherwise:
// a ping alone passes on a full disk, where every post would fail. The
// write is one small committed probe row per process (forum.CheckWritable).
func (s *Server) healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.forum.CheckWritable(ctx, s.healthID); err != nil {
		s.log.WarnContext(ctx, "health check failed", "error", err.Error())
		c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		return c.String(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ok")
}

// processID names this process in the health probe table: host, pid and a
// random suffix (pids repeat across restarts and containers).
func processID() string {
	host, _ := os.Hostname()
	id := fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomString(6))
	if len(id) > 64 {
		id = id[len(id)-64:]
	}
	return id
}
