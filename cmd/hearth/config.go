package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Each command declares only the flags it reads, so `hearth CMD --help`
// lists exactly what changes that command; a setting whose flag a command
// does not declare keeps its default (loadConfig).

// storeFlags say where the database is; every command that opens it
// declares them.
func storeFlags() []cli.Flag {
	d := config.Defaults()
	return []cli.Flag{
		&cli.StringFlag{Name: "data-dir", EnvVars: []string{"HEARTH_DATA_DIR"}, Value: d.DataDir, Usage: "directory for uploads and the embedded database file"},
		&cli.StringFlag{Name: "db", EnvVars: []string{"HEARTH_DB"}, DefaultText: "sqlite://<data-dir>/hearth.db", Usage: "database DSN: sqlite://PATH or postgres://USER:PASS@HOST/DB"},
	}
}

// urlFlag is the public base URL, for the commands whose output embeds
// links: serve, and dev seed (mentions in the seeded posts' HTML).
func urlFlag() cli.Flag {
	return &cli.StringFlag{Name: "url", EnvVars: []string{"HEARTH_URL"}, Value: config.Defaults().URL, Usage: "public base URL; every link and ActivityPub id derives from it"}
}

// serveFlags are everything `hearth serve` reads: storeFlags, the URL, and
// the settings only a running server uses. Add a new server setting here.
func serveFlags() []cli.Flag {
	d := config.Defaults()
	return append(append(storeFlags(), urlFlag()),
		&cli.IntFlag{Name: "posts-per-page", EnvVars: []string{"HEARTH_POSTS_PER_PAGE"}, Value: d.PostsPerPage, Usage: "posts on one thread page (1–500)"},
		&cli.IntFlag{Name: "sandbox-posts", EnvVars: []string{"HEARTH_SANDBOX_POSTS"}, Value: d.SandboxPosts, Usage: "a new member's first N posts wait for approval; they leave the sandbox after N approved posts (0: no sandbox; at most 100)"},
		&cli.IntFlag{Name: "sandbox-days", EnvVars: []string{"HEARTH_SANDBOX_DAYS"}, Value: d.SandboxDays, Usage: "days since joining a member also needs to leave the sandbox (0–365)"},
		&cli.IntFlag{Name: "sandbox-likes", EnvVars: []string{"HEARTH_SANDBOX_LIKES"}, Value: d.SandboxLikes, Usage: "likes received a member also needs to leave the sandbox (0–10000)"},
		&cli.StringFlag{Name: "addr", EnvVars: []string{"HEARTH_ADDR"}, Value: d.Addr, Usage: "listen address"},
		&cli.BoolFlag{Name: "federation-allow-private", EnvVars: []string{"HEARTH_FEDERATION_ALLOW_PRIVATE"}, Usage: "allow fetches/deliveries to loopback and private addresses and to http:// peers (tests and labs only)"},
		&cli.DurationFlag{Name: "federation-retry-base", EnvVars: []string{"HEARTH_FEDERATION_RETRY_BASE"}, Value: 30 * time.Second, Usage: "first delivery retry delay; each later one doubles (tests and labs only: the default suits production)"},
		&cli.StringFlag{Name: "federation-remote-delete-posts", EnvVars: []string{"HEARTH_FEDERATION_REMOTE_DELETE_POSTS"}, Value: d.FederationRemoteDeletePosts, Usage: "what happens to the posts of a fediverse account that deletes itself: delete (shown as deleted), hide (hidden; moderators can restore them) or keep; its follows go in every case"},
		&cli.BoolFlag{Name: "federation-secure-mode", EnvVars: []string{"HEARTH_FEDERATION_SECURE_MODE"}, Usage: "serve ActivityPub documents (actors, posts, collections) only to requests signed by a server that is not suspended: unsigned 401, suspended 403; the instance actor, WebFinger and NodeInfo stay open (HTML pages are not affected)"},
		&cli.DurationFlag{Name: "needs-response-after", EnvVars: []string{"HEARTH_NEEDS_RESPONSE_AFTER"}, Value: forum.DefaultNeedsResponseWait, Usage: "how long a thread goes unanswered before it joins the community's needs-response queue (0s: as soon as it is posted)"},
		&cli.BoolFlag{Name: "require-email-verification", EnvVars: []string{"HEARTH_REQUIRE_EMAIL_VERIFICATION"}, DefaultText: "on with --smtp-url, off without", Usage: "members must verify their email address before they post (the default depends on --smtp-url: without it the mail only goes to the log)"},
		&cli.StringFlag{Name: "smtp-url", EnvVars: []string{"HEARTH_SMTP_URL"}, Usage: "smtp://user:pass@host:port?from=ADDR (smtps:// for TLS from the start); without from, mail comes from noreply@<host of --url>; empty logs mail instead of sending"},
		&cli.StringFlag{Name: "trusted-proxies", EnvVars: []string{"HEARTH_TRUSTED_PROXIES"}, Usage: "comma-separated addresses or networks of the reverse proxies in front (e.g. 127.0.0.1 or 10.0.0.0/8): only a request from one of them may name the client in X-Forwarded-For (rightmost hop not in this list) or X-Real-IP; login limits and the log use that address (empty: the socket address, headers ignored)"},
		&cli.IntFlag{Name: "db-max-conns", EnvVars: []string{"HEARTH_DB_MAX_CONNS"}, DefaultText: "20 on PostgreSQL; on SQLite twice the CPUs, at least 4", Usage: "database connections this process keeps open at most (all kept idle between bursts); with several processes on one PostgreSQL keep their sum under its max_connections"},
		&cli.StringFlag{Name: "metrics-addr", EnvVars: []string{"HEARTH_METRICS_ADDR"}, Value: d.MetricsAddr, Usage: "separate listen address for /metrics (keep it private; empty: no separate listener)"},
		&cli.StringFlag{Name: "account-deletion-posts", EnvVars: []string{"HEARTH_ACCOUNT_DELETION_POSTS"}, Value: d.AccountDeletionPosts, Usage: "what a member deleting their account may do with their posts: choice (they pick), keep (kept under \"deleted member\") or erase"},
		&cli.DurationFlag{Name: "account-deletion-grace", EnvVars: []string{"HEARTH_ACCOUNT_DELETION_GRACE"}, Value: d.AccountDeletionGrace, Usage: "how long an account deletion waits, so the member can cancel it, before the account is erased (at least 1m)"},
		&cli.StringFlag{Name: "metrics-token", EnvVars: []string{"HEARTH_METRICS_TOKEN"}, Usage: "also serve /metrics on --addr to requests with Authorization: Bearer <token> (empty: the public /metrics is 404)"},
		&cli.StringFlag{Name: "media-dir", EnvVars: []string{"HEARTH_MEDIA_DIR"}, DefaultText: "<data-dir>/media", Usage: "directory for uploaded files (unless --media-s3-url is set)"},
		&cli.StringFlag{Name: "media-s3-url", EnvVars: []string{"HEARTH_MEDIA_S3_URL"}, Usage: "keep uploaded files in an S3-compatible bucket: s3://bucket[/prefix]?region=R&endpoint=HOST[:PORT] (&path_style=1 for most self-hosted stores); keys from HEARTH_MEDIA_S3_ACCESS_KEY and HEARTH_MEDIA_S3_SECRET_KEY"},
		&cli.Int64Flag{Name: "upload-max-bytes", EnvVars: []string{"HEARTH_UPLOAD_MAX_BYTES"}, Value: d.UploadMaxBytes, Usage: "largest file a member may upload, in bytes"},
		&cli.Int64Flag{Name: "upload-day-bytes", EnvVars: []string{"HEARTH_UPLOAD_DAY_BYTES"}, Value: d.UploadDayBytes, Usage: "bytes one member may upload in 24 hours"},
		&cli.IntFlag{Name: "upload-max-pixels", EnvVars: []string{"HEARTH_UPLOAD_MAX_PIXELS"}, Value: d.UploadMaxPixels, Usage: "images with more pixels are refused (checked from the header, before decoding)"},
		&cli.StringFlag{Name: "upload-types", EnvVars: []string{"HEARTH_UPLOAD_TYPES"}, Value: d.UploadTypes, Usage: "comma-separated types besides JPEG, PNG, GIF and WebP images that members may attach; they are served as downloads"},
		&cli.DurationFlag{Name: "media-gc-grace", EnvVars: []string{"HEARTH_MEDIA_GC_GRACE"}, Value: d.MediaGCGrace, Usage: "an uploaded file no post uses is deleted this long after its last upload"},
		&cli.BoolFlag{Name: "media-remote-cache", EnvVars: []string{"HEARTH_MEDIA_REMOTE_CACHE"}, Value: d.MediaRemoteCache, Usage: "copy images attached to posts from the fediverse into the media store and serve them from here, so readers' browsers never contact the remote server (off: the thread links to the original instead)"},
		&cli.Int64Flag{Name: "media-remote-cache-max", EnvVars: []string{"HEARTH_MEDIA_REMOTE_CACHE_MAX"}, Value: d.MediaRemoteCacheMax, Usage: "bytes the copies of remote images may take in all; the least recently viewed are dropped beyond it"},
		&cli.BoolFlag{Name: "require-2fa-for-staff", EnvVars: []string{"HEARTH_REQUIRE_2FA_FOR_STAFF"}, Usage: "moderators and admins must turn on two-factor login: until they do, they can only enrol or log out"},
	)
}

// loadConfig builds the one Config from flags and environment and checks it.
func loadConfig(c *cli.Context) (config.Config, error) {
	cfg := config.Defaults()
	cfg.DataDir = c.String("data-dir")
	cfg.DB = c.String("db")
	// Settings a command does not declare keep their defaults.
	if declares(c, "url") {
		cfg.URL = c.String("url")
	}
	if declares(c, "posts-per-page") {
		cfg.PostsPerPage = c.Int("posts-per-page")
	}
	if declares(c, "sandbox-posts") {
		cfg.SandboxPosts = c.Int("sandbox-posts")
		cfg.SandboxDays = c.Int("sandbox-days")
		cfg.SandboxLikes = c.Int("sandbox-likes")
	}
	if c.IsSet("addr") || c.Command.Name == "serve" {
		cfg.Addr = c.String("addr")
	}
	cfg.FederationAllowPrivate = c.Bool("federation-allow-private")
	if c.Command.Name == "serve" {
		cfg.FederationRetryBase = c.Duration("federation-retry-base")
		if cfg.FederationRetryBase < 100*time.Millisecond {
			return cfg, fmt.Errorf("--federation-retry-base / HEARTH_FEDERATION_RETRY_BASE %s is too short; use at least 100ms (default 30s)", cfg.FederationRetryBase)
		}
		wait := c.Duration("needs-response-after")
		cfg.NeedsResponseAfter = &wait
	}
	cfg.SMTPURL = c.String("smtp-url")
	// The default depends on SMTP, so "not given" must differ from "false".
	if c.IsSet("require-email-verification") {
		cfg.RequireEmailVerification = c.Bool("require-email-verification")
	} else {
		cfg.RequireEmailVerification = config.RequireEmailVerificationDefault(cfg.SMTPURL)
	}
	cfg.TrustedProxies = c.String("trusted-proxies")
	if c.Command.Name == "serve" {
		cfg.MetricsAddr = c.String("metrics-addr")
		cfg.DBMaxConns = c.Int("db-max-conns")
		cfg.MetricsToken = c.String("metrics-token")
		cfg.RequireTwoFactorForStaff = c.Bool("require-2fa-for-staff")
		cfg.AccountDeletionPosts = c.String("account-deletion-posts")
		cfg.AccountDeletionGrace = c.Duration("account-deletion-grace")
		cfg.FederationRemoteDeletePosts = c.String("federation-remote-delete-posts")
		cfg.FederationSecureMode = c.Bool("federation-secure-mode")
		cfg.MediaDir = c.String("media-dir")
		cfg.MediaS3URL = c.String("media-s3-url")
		cfg.MediaS3Access = os.Getenv("HEARTH_MEDIA_S3_ACCESS_KEY")
		cfg.MediaS3Secret = os.Getenv("HEARTH_MEDIA_S3_SECRET_KEY")
		cfg.UploadMaxBytes = c.Int64("upload-max-bytes")
		cfg.UploadDayBytes = c.Int64("upload-day-bytes")
		cfg.UploadMaxPixels = c.Int("upload-max-pixels")
		cfg.UploadTypes = c.String("upload-types")
		cfg.MediaGCGrace = c.Duration("media-gc-grace")
		cfg.MediaRemoteCache = c.Bool("media-remote-cache")
		cfg.MediaRemoteCacheMax = c.Int64("media-remote-cache-max")
	}
	cfg.Version = Version
	if err := cfg.Normalize(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// declares reports whether the running command has the flag name.
func declares(c *cli.Context, name string) bool {
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

// openService opens and migrates the database and builds the domain service.
func openService(ctx context.Context, cfg config.Config) (*forum.Service, error) {
	store, err := models.Open(ctx, cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("cannot open database %s: %s (check --db / HEARTH_DB, and that the server is running)", config.RedactDSN(cfg.DB), oneLine(err.Error()))
	}
	if cfg.DBMaxConns > 0 {
		if err := store.SetMaxConns(cfg.DBMaxConns); err != nil {
			_ = store.Close()
			return nil, err
		}
	}
	if err := store.Migrate(); err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("cannot migrate database %s: %s", config.RedactDSN(cfg.DB), oneLine(err.Error()))
	}
	return forum.New(store, cfg), nil
}

// serviceFromFlags loads the configuration and opens the migrated service,
// for the commands that work on the database directly. The caller closes it
// with svc.Store().Close().
func serviceFromFlags(c *cli.Context) (*forum.Service, config.Config, error) {
	cfg, err := loadConfig(c)
	if err != nil {
		return nil, cfg, err
	}
	svc, err := openService(c.Context, cfg)
	return svc, cfg, err
}

func newLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "migrate",
		Usage: "apply pending database migrations and exit",
		Flags: storeFlags(),
		Action: func(c *cli.Context) error {
			svc, cfg, err := serviceFromFlags(c)
			if err != nil {
				return err
			}
			defer svc.Store().Close()
			fmt.Println("migrations applied to " + config.RedactDSN(cfg.DB))
			return nil
		},
	}
}
