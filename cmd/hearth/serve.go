package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/urfave/cli/v2"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/federation"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/mailer"
	"github.com/hearth/hearth/media"
	"github.com/hearth/hearth/server"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run the forum server (applies pending migrations first)",
		Flags: serveFlags(),
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			return serve(c.Context, cfg)
		},
	}
}

// app is one Hearth process's parts, wired as serve runs them. Tests that
// need the whole route table (server and federation together) build it here
// too, so they see exactly what a real process serves.
type app struct {
	svc  *forum.Service
	srv  *server.Server
	fed  *federation.Federation
	mail *mailer.Worker
}

// buildApp opens the store and wires the server, federation and mail.
// The caller closes a.svc.Store().
func buildApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	svc, err := openService(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.MediaS3URL != "" {
		blobs, err := media.Open(ctx, cfg.MediaDir, cfg.MediaS3URL, media.Credentials{AccessKey: cfg.MediaS3Access, SecretKey: cfg.MediaS3Secret})
		if err != nil {
			svc.Store().Close()
			return nil, err
		}
		svc.SetMedia(blobs)
		log.Info("media store", "backend", blobs.Name())
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := server.New(cfg, svc, log, reg)
	if err != nil {
		svc.Store().Close()
		return nil, fmt.Errorf("cannot start: %w", err)
	}
	// Federation is a peer of the server: it adds the ActivityPub routes,
	// and, before routing, sends ActivityPub requests for page URLs (members,
	// categories, posts, threads) to its own handlers.
	fed := federation.New(cfg, svc, log)
	// Forum changes queue their deliveries in the same transaction.
	svc.SetHooks(fed.Hooks())
	svc.SetAccountResolver(fed) // members moving between servers
	// Members following fediverse accounts: lookups, outbox reads,
	// Follow/Undo and replies go out through federation's client.
	svc.SetFediverse(fed.Fediverse())
	// Private messages to fediverse accounts: resolved and delivered by
	// federation too.
	svc.SetMessageHooks(fed.MessageHooks())
	// Delivery latency and per-host failures go to /metrics.
	fed.SetDeliveryObserver(srv.DeliveryObserver())
	fed.Register(srv.Echo())
	srv.Echo().Pre(fed.Negotiate)
	// Mail: queued by forum in its transactions, sent by workers that claim
	// rows, so several processes may share the queue.
	mail, err := mailer.New(svc, log)
	if err != nil {
		svc.Store().Close()
		return nil, err
	}
	return &app{svc: svc, srv: srv, fed: fed, mail: mail}, nil
}

func serve(parent context.Context, cfg config.Config) error {
	log := newLogger()
	ctx, stop := signal.NotifyContext(parent, syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	a, err := buildApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.svc.Store().Close()
	srv := a.srv
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v (is another process using it? choose another with --addr / HEARTH_ADDR)", cfg.Addr, err)
	}
	metricsSrv, metricsLn, err := listenMetrics(cfg, srv, log)
	if err != nil {
		_ = ln.Close()
		return err
	}

	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	waitWorkers := a.startWorkers(ctx, log)

	errc := make(chan error, 2)
	go func() { errc <- httpSrv.Serve(ln) }()
	if metricsSrv != nil {
		go func() { errc <- metricsSrv.Serve(metricsLn) }()
	}
	log.Info("hearth serving", "addr", ln.Addr().String(), "url", cfg.URL, "db", config.RedactDSN(cfg.DB), "version", Version)
	go releaseStartupHeap(ctx, startupSettle)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// In-flight requests get up to 30 s to finish; new ones are refused.
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	servers := 1
	if metricsSrv != nil {
		servers++
		if err := metricsSrv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shutdown metrics listener: %w", err)
		}
	}
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	for range servers {
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	waitWorkers() // ctx is done, so the workers finish their current batch and stop
	log.Info("stopped")
	return nil
}

// startWorkers starts the background workers serve runs beside the web
// server, until ctx ends. The returned func waits for federation and mail,
// which finish their current batch once ctx is done.
func (a *app) startWorkers(ctx context.Context, log *slog.Logger) (wait func()) {
	go a.svc.RunMaintenance(ctx, log)
	go a.svc.RunAccountJobs(ctx, log)
	go a.svc.RunSearchLanguage(ctx, log)
	go a.svc.RunMediaGC(ctx, log)
	// Community analytics: fill and settle past days' rollups (claimed per
	// day, so several processes share the work), a week of days per pass so
	// a long catch-up is spread over minutes instead of done at start.
	rollups := forum.DefaultRollupSchedule()
	rollups.AfterPass = debug.FreeOSMemory // see startup_heap.go
	go a.svc.RunRollups(ctx, log, rollups)
	// Scheduled announcements: published (and federated) when due.
	go a.svc.RunPublisher(ctx, log, 30*time.Second)
	// Federation workers: inbox processing and deliveries, from tables, so
	// stopping here loses nothing. Waited for after the HTTP server stops.
	fedDone := make(chan struct{})
	go func() { defer close(fedDone); a.fed.Run(ctx, 2) }()
	mailDone := make(chan struct{})
	go func() { defer close(mailDone); a.mail.Run(ctx) }()
	return func() {
		<-fedDone
		<-mailDone
	}
}

// listenMetrics opens the separate /metrics listener on --metrics-addr (nil
// when it is empty). An address the operator chose must work, so failing to
// listen there stops serve; the default one only logs, so two processes on
// one host (or a port already taken) still serve the forum.
func listenMetrics(cfg config.Config, srv *server.Server, log *slog.Logger) (*http.Server, net.Listener, error) {
	if cfg.MetricsAddr == "" {
		return nil, nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		if cfg.MetricsAddr != config.Defaults().MetricsAddr {
			return nil, nil, fmt.Errorf("cannot listen on %s for metrics: %v (choose another with --metrics-addr / HEARTH_METRICS_ADDR, or set it empty to turn the metrics listener off)", cfg.MetricsAddr, err)
		}
		log.Error("metrics listener not started; /metrics is not served on its own address", "metrics_addr", cfg.MetricsAddr, "error", err.Error())
		return nil, nil, nil
	}
	log.Info("metrics serving", "metrics_addr", ln.Addr().String())
	return &http.Server{
		Handler:           srv.MetricsHandler(),
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}, ln, nil
}
