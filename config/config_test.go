package config

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultsNormalize(t *testing.T) {
	c := Defaults()
	if err := c.Normalize(); err != nil {
		t.Fatalf("defaults do not normalize: %v", err)
	}
	if c.Addr != "localhost:8080" || c.URL != "http://localhost:8080" || c.DataDir != "./data" || c.PostsPerPage != 30 {
		t.Errorf("defaults differ from docs/CONFIG.md: %+v", c)
	}
	if want := "sqlite://" + filepath.Join("./data", "hearth.db"); c.DB != want {
		t.Errorf("DB = %q, want %q", c.DB, want)
	}
	if c.FederationAllowPrivate || c.SMTPURL != "" {
		t.Errorf("federation-allow-private and smtp-url must default off/empty: %+v", c)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // substring naming the flag; empty means valid
		check   func(*testing.T, Config)
	}{
		{name: "db derived from data dir", edit: func(c *Config) { c.DataDir = "/srv/hearth" },
			check: func(t *testing.T, c Config) {
				if c.DB != "sqlite:///srv/hearth/hearth.db" {
					t.Errorf("DB = %q", c.DB)
				}
			}},
		{name: "explicit db kept", edit: func(c *Config) { c.DB = "postgres://u:p@127.0.0.1/h" },
			check: func(t *testing.T, c Config) {
				if c.DB != "postgres://u:p@127.0.0.1/h" {
					t.Errorf("DB = %q", c.DB)
				}
			}},
		{name: "postgresql scheme", edit: func(c *Config) { c.DB = "postgresql://127.0.0.1/h" }},
		{name: "trailing slash trimmed", edit: func(c *Config) { c.URL = " https://forum.example:8443/ " },
			check: func(t *testing.T, c Config) {
				if c.URL != "https://forum.example:8443" {
					t.Errorf("URL = %q", c.URL)
				}
			}},
		{name: "several trailing slashes", edit: func(c *Config) { c.URL = "http://127.0.0.1:9000//" },
			check: func(t *testing.T, c Config) {
				if c.URL != "http://127.0.0.1:9000" {
					t.Errorf("URL = %q", c.URL)
				}
			}},
		{name: "url without scheme", edit: func(c *Config) { c.URL = "forum.example" }, wantErr: "--url / HEARTH_URL"},
		{name: "url ftp scheme", edit: func(c *Config) { c.URL = "ftp://forum.example" }, wantErr: "--url / HEARTH_URL"},
		{name: "url empty", edit: func(c *Config) { c.URL = "" }, wantErr: "--url / HEARTH_URL"},
		{name: "url no host", edit: func(c *Config) { c.URL = "http://" }, wantErr: "--url / HEARTH_URL"},
		{name: "url unparsable", edit: func(c *Config) { c.URL = "http://[::1" }, wantErr: "--url / HEARTH_URL"},
		{name: "url with path", edit: func(c *Config) { c.URL = "https://example.com/forum" }, wantErr: "has a path"},
		{name: "url with query", edit: func(c *Config) { c.URL = "https://example.com?x=1" }, wantErr: "--url / HEARTH_URL"},
		{name: "url with empty query", edit: func(c *Config) { c.URL = "https://example.com?" }, wantErr: "--url / HEARTH_URL"},
		{name: "url with userinfo", edit: func(c *Config) { c.URL = "https://u:hunter2@example.com" }, wantErr: "--url / HEARTH_URL"},
		{name: "url with fragment", edit: func(c *Config) { c.URL = "https://example.com#top" }, wantErr: "--url / HEARTH_URL"},
		{name: "empty data dir", edit: func(c *Config) { c.DataDir = "" }, wantErr: "--data-dir / HEARTH_DATA_DIR"},
		{name: "bad db scheme", edit: func(c *Config) { c.DB = "mysql://u:hunter2@127.0.0.1/h" }, wantErr: "--db / HEARTH_DB"},
		{name: "db plain path", edit: func(c *Config) { c.DB = "./hearth.db" }, wantErr: "--db / HEARTH_DB"},
		{name: "posts per page 0", edit: func(c *Config) { c.PostsPerPage = 0 }, wantErr: "--posts-per-page / HEARTH_POSTS_PER_PAGE"},
		{name: "posts per page negative", edit: func(c *Config) { c.PostsPerPage = -5 }, wantErr: "--posts-per-page"},
		{name: "posts per page 501", edit: func(c *Config) { c.PostsPerPage = 501 }, wantErr: "--posts-per-page"},
		{name: "sandbox posts negative", edit: func(c *Config) { c.SandboxPosts = -1 }, wantErr: "--sandbox-posts / HEARTH_SANDBOX_POSTS"},
		{name: "sandbox days negative", edit: func(c *Config) { c.SandboxDays = -1 }, wantErr: "--sandbox-days"},
		{name: "sandbox likes negative", edit: func(c *Config) { c.SandboxLikes = -1 }, wantErr: "--sandbox-likes"},
		{name: "posts per page 1", edit: func(c *Config) { c.PostsPerPage = 1 }},
		{name: "posts per page 500", edit: func(c *Config) { c.PostsPerPage = 500 }},
		{name: "smtp ok", edit: func(c *Config) { c.SMTPURL = "smtp://u:p@127.0.0.1:25" }},
		{name: "smtps ok", edit: func(c *Config) { c.SMTPURL = "smtps://127.0.0.1:465" }},
		{name: "smtp wrong scheme", edit: func(c *Config) { c.SMTPURL = "http://127.0.0.1:25" }, wantErr: "--smtp-url / HEARTH_SMTP_URL"},
		{name: "smtp no host", edit: func(c *Config) { c.SMTPURL = "smtp://" }, wantErr: "--smtp-url"},
		{name: "smtp garbage", edit: func(c *Config) { c.SMTPURL = "::nonsense" }, wantErr: "--smtp-url"},
		{name: "remote delete posts hide", edit: func(c *Config) { c.FederationRemoteDeletePosts = RemoteDeletePostsHide }},
		{name: "remote delete posts keep", edit: func(c *Config) { c.FederationRemoteDeletePosts = RemoteDeletePostsKeep }},
		{name: "remote delete posts shred", edit: func(c *Config) { c.FederationRemoteDeletePosts = "shred" },
			wantErr: "--federation-remote-delete-posts / HEARTH_FEDERATION_REMOTE_DELETE_POSTS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			tt.edit(&c)
			err := c.Normalize()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tt.check != nil {
					tt.check(t, c)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error containing %q, got none (config %+v)", tt.wantErr, c)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a password: %q", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func TestNormalizeErrorHidesDBPassword(t *testing.T) {
	c := Defaults()
	c.DB = "mysql://root:hunter2@127.0.0.1/h"
	err := c.Normalize()
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error must exist and hide the password: %v", err)
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://hearth:secret@127.0.0.1:5432/hearth?sslmode=disable", "postgres://hearth:xxxxx@127.0.0.1:5432/hearth?sslmode=disable"},
		{"postgres://hearth@127.0.0.1/hearth", "postgres://hearth@127.0.0.1/hearth"},
		{"postgres://127.0.0.1/hearth", "postgres://127.0.0.1/hearth"},
		{"sqlite://./data/hearth.db", "sqlite://./data/hearth.db"},
		{"sqlite:///srv/hearth/hearth.db", "sqlite:///srv/hearth/hearth.db"},
		{"", ""},
		// Not a valid URL (bad escape), but the password must still go.
		{"postgres://u:sec%zzret@127.0.0.1/h", "postgres://u:xxxxx@127.0.0.1/h"},
		// No scheme: parsed as opaque, no userinfo.
		{"u:secret@127.0.0.1", "u:xxxxx@127.0.0.1"},
		// Password as a parameter.
		{"postgres://u@127.0.0.1/h?password=secret&sslmode=disable", "postgres://u@127.0.0.1/h?password=xxxxx&sslmode=disable"},
		{"host=127.0.0.1 password=secret user=u", "host=127.0.0.1 password=xxxxx user=u"},
	}
	for _, tt := range tests {
		got := RedactDSN(tt.in)
		if got != tt.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "secret") || strings.Contains(got, "sec%zzret") {
			t.Errorf("RedactDSN(%q) leaks the password: %q", tt.in, got)
		}
	}
}

func TestSecure(t *testing.T) {
	for url, want := range map[string]bool{
		"https://forum.example":      true,
		"https://forum.example:8443": true,
		"http://forum.example":       false,
		"http://127.0.0.1:8080":      false,
	} {
		c := Config{URL: url}
		if got := c.Secure(); got != want {
			t.Errorf("Config{URL: %q}.Secure() = %v, want %v", url, got, want)
		}
	}
}

func TestHost(t *testing.T) {
	for url, want := range map[string]string{
		"https://forum.example":      "forum.example",
		"http://127.0.0.1:8080":      "127.0.0.1:8080",
		"https://forum.example:8443": "forum.example:8443",
		"http://[::1]:9000":          "[::1]:9000",
		"http://[::1":                "",
	} {
		c := Config{URL: url}
		if got := c.Host(); got != want {
			t.Errorf("Config{URL: %q}.Host() = %q, want %q", url, got, want)
		}
	}
}

func TestHostAfterNormalize(t *testing.T) {
	c := Defaults()
	c.URL = "http://127.0.0.1:18080/"
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	if c.Host() != "127.0.0.1:18080" {
		t.Errorf("Host() = %q", c.Host())
	}
}

func TestTrustedProxies(t *testing.T) {
	c := Defaults()
	c.TrustedProxies = "10.0.0.0/8, 192.168.1.0/24"
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	nets, _ := c.TrustedProxyNets()
	if len(nets) != 2 {
		t.Fatalf("nets: %v", nets)
	}
	// Bare addresses are one-host networks, IPv4 and IPv6 alike.
	c.TrustedProxies = "10.0.0.1, ::1"
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	nets, _ = c.TrustedProxyNets()
	if len(nets) != 2 || nets[0].String() != "10.0.0.1/32" || nets[1].String() != "::1/128" {
		t.Fatalf("single addresses: %v", nets)
	}
	if nets[0].Contains(net.ParseIP("10.0.0.2")) {
		t.Fatal("10.0.0.1 trusted its neighbour")
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1/8/2"} {
		c.TrustedProxies = bad
		if err := c.Normalize(); err == nil || !strings.Contains(err.Error(), "HEARTH_TRUSTED_PROXIES") {
			t.Fatalf("%q accepted: %v", bad, err)
		}
	}
}
