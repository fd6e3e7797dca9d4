// Package forumtest builds a forum.Service on a fresh test database, with
// helpers to create members, categories and threads in one line.
package forumtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// Env is a service on its own database.
type Env struct {
	T     testing.TB
	Svc   *forum.Service
	Store *models.Store
	Cfg   config.Config
	Ctx   context.Context
	n     atomic.Int64
}

// New builds an Env; posts per page is small so paging is easy to test.
func New(t testing.TB) *Env {
	t.Helper()
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = t.TempDir()
	cfg.PostsPerPage = 5
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	store := modelstest.Open(t)
	svc := forum.New(store, cfg)
	svc.BcryptCost = 4 // bcrypt.MinCost: tests need correctness, not slowness
	return &Env{T: t, Svc: svc, Store: store, Cfg: cfg, Ctx: context.Background()}
}

// User creates a member with the given role and password "password123".
func (e *Env) User(name, role string) *models.User {
	e.T.Helper()
	u, err := e.Svc.CreateUser(e.Ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: "password123"}, role)
	if err != nil {
		e.T.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// Category creates a category as an administrator.
func (e *Env) Category(slug string) *models.Category {
	e.T.Helper()
	admin := e.User(fmt.Sprintf("catadmin%d", e.n.Add(1)), models.RoleAdmin)
	c, err := e.Svc.CreateCategory(e.Ctx, admin, forum.CategoryInput{Name: slug, Slug: slug})
	if err != nil {
		e.T.Fatalf("create category %s: %v", slug, err)
	}
	return c
}

// Thread starts a thread and returns it with its first post.
func (e *Env) Thread(author *models.User, category, title, body string) (*models.Thread, *models.Post) {
	e.T.Helper()
	t, p, err := e.Svc.CreateThread(e.Ctx, author, forum.NewThread{Category: category, Title: title, Body: body})
	if err != nil {
		e.T.Fatalf("create thread: %v", err)
	}
	return t, p
}

// Reply posts in a thread.
func (e *Env) Reply(author *models.User, threadID int64, body string) *models.Post {
	e.T.Helper()
	p, err := e.Svc.Reply(e.Ctx, author, threadID, forum.NewReply{Body: body})
	if err != nil {
		e.T.Fatalf("reply: %v", err)
	}
	return p
}

// SandboxedUser creates a member in the sandbox, as SignUp leaves a
// newcomer (User's members, like `hearth admin create-user`'s, are not).
func (e *Env) SandboxedUser(name string) *models.User {
	e.T.Helper()
	u := e.User(name, models.RoleMember)
	if err := e.Svc.SetSandboxed(e.Ctx, u.ID, true); err != nil {
		e.T.Fatalf("sandbox %s: %v", name, err)
	}
	u.Sandboxed = true
	return u
}

// RemoteUser creates the users row for a fediverse account name@domain.
func (e *Env) RemoteUser(name, domain string) *models.User {
	e.T.Helper()
	a, err := e.Store.UpsertRemoteActor(e.Ctx, &models.RemoteActor{
		APID: "https://" + domain + "/users/" + name, Inbox: "https://" + domain + "/users/" + name + "/inbox",
		PreferredUsername: name, Domain: domain,
	})
	if err != nil {
		e.T.Fatalf("remote actor %s@%s: %v", name, domain, err)
	}
	u, err := e.Svc.RemoteUser(e.Ctx, a)
	if err != nil {
		e.T.Fatalf("remote user %s@%s: %v", name, domain, err)
	}
	return u
}
