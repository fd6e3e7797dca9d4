// Package config holds Hearth's one Config struct. It is filled once, from
// flags and HEARTH_* environment variables in cmd/hearth, validated, and then
// passed down read-only; nothing else in Hearth reads the environment.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Config is everything an operator can set. Field names follow the flags
// (docs/CONFIG.md).
type Config struct {
	Addr                   string // listen address, e.g. localhost:8080
	URL                    string // public base URL without trailing slash
	DataDir                string // uploads and the embedded database file
	DB                     string // sqlite://path or postgres://… DSN
	FederationAllowPrivate bool   // allow fetches/deliveries to private addresses (labs only)
	SMTPURL                string // smtp://user:pass@host:port; empty logs mail instead
	PostsPerPage           int    // posts on one thread page
	TrustedProxies         string // comma-separated CIDRs whose X-Forwarded-For is believed (load balancers)
	Version                string // set by the binary, shown in /healthz-adjacent places
	// The sandbox for new members (forum/sandbox.go): their first
	// SandboxPosts posts wait for approval (0 turns the sandbox off), and
	// they leave it once they have that many approved posts, SandboxDays
	// days since joining and SandboxLikes likes received.
	SandboxPosts int
	SandboxDays  int
	SandboxLikes int
	// FederationRetryBase is the first delivery retry delay (later ones
	// double); zero means federation's default. Tests and labs shorten it
	// to watch retries happen; production keeps the default.
	FederationRetryBase time.Duration
	// NeedsResponseAfter is how long a thread may go unanswered before it
	// joins the community's needs-response queue. nil means
	// forum.DefaultNeedsResponseWait; a pointer so that 0 ("list a thread
	// as soon as it is posted") is a setting of its own.
	NeedsResponseAfter *time.Duration
	// MetricsAddr is where a separate listener serves /metrics (default
	// loopback, so only the host and its scraper reach it; empty turns it
	// off). MetricsToken, when set, also serves /metrics on the public
	// address to requests carrying "Authorization: Bearer <token>"; without
	// it the public /metrics is 404.
	MetricsAddr  string
	MetricsToken string
	// DBMaxConns caps the database connections one process keeps open;
	// 0 keeps the built-in pool (20 on PostgreSQL; on SQLite twice the
	// CPUs, at least 4). Several processes on one PostgreSQL need their
	// sum under max_connections.
	DBMaxConns int
	// RequireTwoFactorForStaff sends a moderator or admin without a second
	// factor to enrolment, and lets them do nothing else, until they
	// turn one on (forum.MustEnrolSecondFactor).
	RequireTwoFactorForStaff bool
	// AccountDeletionPosts is what a member deleting their account may do
	// with their posts: "choice" (they pick), "keep" (always kept under
	// "deleted member") or "erase" (always erased). Empty means choice.
	// AccountDeletionGrace is how long a deletion waits, so the member can
	// change their mind; zero means the default, 168h.
	AccountDeletionPosts string
	AccountDeletionGrace time.Duration
	// RequireEmailVerification keeps members who have not verified their
	// email address from posting (forum/email_verification.go). Its
	// default depends on SMTP: `hearth serve` turns it on when --smtp-url
	// is set and off otherwise (RequireEmailVerificationDefault), unless
	// the flag or HEARTH_REQUIRE_EMAIL_VERIFICATION says.
	RequireEmailVerification bool
	// FederationRemoteDeletePosts is what happens to the posts of a remote
	// account that deleted itself (Delete of the actor, or its server
	// answering 410 Gone): "delete" (marked deleted, the default), "hide"
	// (hidden, as flags hide them: moderators can still see and restore
	// them) or "keep". Its follows of Hearth actors go in every case.
	FederationRemoteDeletePosts string
	// FederationSecureMode makes every ActivityPub GET need an HTTP
	// signature by an actor of a server that is not suspended: unsigned
	// requests get 401, suspended servers 403. The instance actor,
	// WebFinger and NodeInfo stay open so peers can fetch the keys their
	// signatures need (federation/secure_mode.go).
	FederationSecureMode bool
	// Media (uploads, media/): files live under MediaDir (default
	// <data-dir>/media) unless MediaS3URL names an S3-compatible bucket;
	// the S3 keys come from HEARTH_MEDIA_S3_ACCESS_KEY/SECRET_KEY only.
	MediaDir        string
	MediaS3URL      string
	MediaS3Access   string
	MediaS3Secret   string
	UploadMaxBytes  int64         // one file
	UploadDayBytes  int64         // one member's uploads in 24 hours
	UploadTypes     string        // comma-separated non-image types accepted (served as downloads)
	UploadMaxPixels int           // images with more pixels are refused before decoding
	MediaGCGrace    time.Duration // an unreferenced file is collected this long after its last upload
	// MediaRemoteCache copies images attached to posts from the fediverse
	// into the media store and serves them from here (readers' browsers
	// never contact the remote server); off, the page links to the
	// origin instead and never shows a remote <img>. MediaRemoteCacheMax
	// bounds the copies' total bytes; the least recently used go first.
	MediaRemoteCache    bool
	MediaRemoteCacheMax int64
}

// Remote account deletion: what happens to the posts.
const (
	RemoteDeletePostsDelete = "delete"
	RemoteDeletePostsHide   = "hide"
	RemoteDeletePostsKeep   = "keep"
)

// RequireEmailVerificationDefault is --require-email-verification when it
// is not given: on exactly when mail can be delivered (--smtp-url set),
// since a member cannot verify an address that gets no mail.
func RequireEmailVerificationDefault(smtpURL string) bool { return smtpURL != "" }

// Defaults returns the configuration a fresh `hearth serve` runs with.
func Defaults() Config {
	return Config{
		Addr:         "localhost:8080",
		URL:          "http://localhost:8080",
		DataDir:      "./data",
		PostsPerPage: 30,
		SandboxPosts: 2,
		MetricsAddr:  "localhost:9464",

		AccountDeletionPosts: "choice",
		AccountDeletionGrace: 168 * time.Hour,

		FederationRemoteDeletePosts: RemoteDeletePostsDelete,
		UploadMaxBytes:              10 << 20,
		UploadDayBytes:              100 << 20,
		UploadTypes:                 "application/pdf,text/plain",
		UploadMaxPixels:             40_000_000,
		MediaGCGrace:                24 * time.Hour,

		MediaRemoteCache:    true,
		MediaRemoteCacheMax: 2 << 30,
	}
}

// Normalize fills derived defaults (the database DSN from the data dir) and
// checks every value, returning one error that says what is wrong and how to
// fix it.
func (c *Config) Normalize() error {
	c.URL = strings.TrimRight(strings.TrimSpace(c.URL), "/")
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || strings.ContainsAny(c.URL, "?#") {
		return fmt.Errorf("--url / HEARTH_URL %q is not an absolute http(s) base URL like https://forum.example", RedactDSN(c.URL))
	}
	if u.Path != "" && u.Path != "/" {
		return fmt.Errorf("--url / HEARTH_URL %q has a path; Hearth must be served at the root of its host", c.URL)
	}
	if c.DataDir == "" {
		return errors.New("--data-dir / HEARTH_DATA_DIR must not be empty")
	}
	if c.DB == "" {
		c.DB = "sqlite://" + filepath.Join(c.DataDir, "hearth.db")
	}
	if c.MediaDir == "" {
		c.MediaDir = filepath.Join(c.DataDir, "media")
	}
	if c.MediaS3URL != "" {
		if u, err := url.Parse(c.MediaS3URL); err != nil || u.Scheme != "s3" || u.Host == "" || u.User != nil {
			return errors.New("--media-s3-url / HEARTH_MEDIA_S3_URL must look like s3://bucket?region=REGION&endpoint=HOST (keys go in HEARTH_MEDIA_S3_ACCESS_KEY and HEARTH_MEDIA_S3_SECRET_KEY, never in the URL)")
		}
	}
	if c.UploadMaxBytes < 1 || c.UploadMaxBytes > 1<<30 {
		return fmt.Errorf("--upload-max-bytes / HEARTH_UPLOAD_MAX_BYTES must be between 1 and 1073741824, got %d", c.UploadMaxBytes)
	}
	if c.UploadDayBytes < c.UploadMaxBytes {
		return fmt.Errorf("--upload-day-bytes / HEARTH_UPLOAD_DAY_BYTES (%d) must be at least --upload-max-bytes (%d)", c.UploadDayBytes, c.UploadMaxBytes)
	}
	if c.UploadMaxPixels < 1 {
		return fmt.Errorf("--upload-max-pixels / HEARTH_UPLOAD_MAX_PIXELS must be positive, got %d", c.UploadMaxPixels)
	}
	if c.MediaGCGrace < time.Minute {
		return fmt.Errorf("--media-gc-grace / HEARTH_MEDIA_GC_GRACE must be at least 1m (default 24h), got %s", c.MediaGCGrace)
	}
	if c.MediaRemoteCacheMax < 1<<20 {
		return fmt.Errorf("--media-remote-cache-max / HEARTH_MEDIA_REMOTE_CACHE_MAX must be at least 1048576 bytes (default 2 GB), got %d", c.MediaRemoteCacheMax)
	}
	if !strings.HasPrefix(c.DB, "sqlite://") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("--db / HEARTH_DB must start with sqlite:// or postgres://, got %q", RedactDSN(c.DB))
	}
	if c.PostsPerPage < 1 || c.PostsPerPage > 500 {
		return fmt.Errorf("--posts-per-page / HEARTH_POSTS_PER_PAGE must be between 1 and 500, got %d", c.PostsPerPage)
	}
	if c.SandboxPosts < 0 || c.SandboxPosts > 100 {
		return fmt.Errorf("--sandbox-posts / HEARTH_SANDBOX_POSTS must be between 0 (no sandbox) and 100, got %d", c.SandboxPosts)
	}
	if c.SandboxDays < 0 || c.SandboxDays > 365 {
		return fmt.Errorf("--sandbox-days / HEARTH_SANDBOX_DAYS must be between 0 and 365, got %d", c.SandboxDays)
	}
	if c.SandboxLikes < 0 || c.SandboxLikes > 10000 {
		return fmt.Errorf("--sandbox-likes / HEARTH_SANDBOX_LIKES must be between 0 and 10000, got %d", c.SandboxLikes)
	}
	if c.NeedsResponseAfter != nil && *c.NeedsResponseAfter < 0 {
		return fmt.Errorf("--needs-response-after / HEARTH_NEEDS_RESPONSE_AFTER must not be negative, got %s (0s lists a thread as soon as it is posted)", *c.NeedsResponseAfter)
	}
	switch c.AccountDeletionPosts {
	case "", "choice", "keep", "erase":
	default:
		return fmt.Errorf("--account-deletion-posts / HEARTH_ACCOUNT_DELETION_POSTS must be choice, keep or erase, got %q", c.AccountDeletionPosts)
	}
	switch c.FederationRemoteDeletePosts {
	case "", RemoteDeletePostsDelete, RemoteDeletePostsHide, RemoteDeletePostsKeep:
	default:
		return fmt.Errorf("--federation-remote-delete-posts / HEARTH_FEDERATION_REMOTE_DELETE_POSTS must be delete, hide or keep, got %q", c.FederationRemoteDeletePosts)
	}
	if c.AccountDeletionGrace < 0 || (c.AccountDeletionGrace > 0 && c.AccountDeletionGrace < time.Minute) {
		return fmt.Errorf("--account-deletion-grace / HEARTH_ACCOUNT_DELETION_GRACE must be at least 1m (default 168h), got %s", c.AccountDeletionGrace)
	}
	if _, err := c.TrustedProxyNets(); err != nil {
		return err
	}
	if c.DBMaxConns < 0 || c.DBMaxConns > 1000 {
		return fmt.Errorf("--db-max-conns / HEARTH_DB_MAX_CONNS must be between 1 and 1000 (0: the built-in pool), got %d", c.DBMaxConns)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr / HEARTH_METRICS_ADDR %q is not a host:port like localhost:9464 (empty turns the metrics listener off)", c.MetricsAddr)
		}
	}
	if c.SMTPURL != "" {
		if su, err := url.Parse(c.SMTPURL); err != nil || (su.Scheme != "smtp" && su.Scheme != "smtps") || su.Host == "" {
			return fmt.Errorf("--smtp-url / HEARTH_SMTP_URL must look like smtp://user:pass@host:port")
		}
	}
	return nil
}

// Secure reports whether the public URL is https, which makes cookies Secure.
func (c Config) Secure() bool { return strings.HasPrefix(c.URL, "https://") }

// Host is the public host (with port when the URL has one), as used in
// WebFinger handles.
func (c Config) Host() string {
	u, err := url.Parse(c.URL)
	if err != nil {
		return ""
	}
	return u.Host
}

// RedactDSN hides the password in a database DSN so it can be logged: the
// userinfo password, also when the DSN does not parse as a URL, and any
// password=… parameter.
func RedactDSN(dsn string) string {
	out := dsn
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		out = u.String()
	} else if at := strings.LastIndex(dsn, "@"); at >= 0 {
		start := strings.Index(dsn, "://") + 3
		if start < 3 || start > at {
			start = 0
		}
		if c := strings.Index(dsn[start:at], ":"); c >= 0 {
			out = dsn[:start+c+1] + "xxxxx" + dsn[at:]
		}
	}
	return passwordParam.ReplaceAllString(out, "${1}xxxxx")
}

var passwordParam = regexp.MustCompile(`(?i)(password\s*=\s*)('[^']*'|[^&\s]*)`)

// TrustedProxyNets parses TrustedProxies. Only requests arriving from these
// networks may name the client address in X-Forwarded-For; login limits
// count per client address, so trusting anyone else would let a guesser
// pick a fresh address per try.
func (c Config) TrustedProxyNets() ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, part := range strings.Split(c.TrustedProxies, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		// A bare address is the one-host network (a single proxy).
		if ip := net.ParseIP(part); ip != nil {
			bits := 128
			if ip4 := ip.To4(); ip4 != nil {
				ip, bits = ip4, 32
			}
			nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxies / HEARTH_TRUSTED_PROXIES: %q is neither an address like 10.0.0.2 nor a network like 10.0.0.0/8", part)
		}
		nets = append(nets, n)
	}
	return nets, nil
}
