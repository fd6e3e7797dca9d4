package federation

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from what the code emits")

// Accept headers real clients send.
const (
	acceptAP       = "application/activity+json"
	acceptLD       = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	acceptMastodon = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1`
	acceptBrowser  = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)

// harness is a forum on a test database with the federation routes on an
// Echo that, like the real server, also serves HTML pages on the actor and
// object URLs (stubs here: server/ is not importable from federation/).
type harness struct {
	t   *testing.T
	env *forumtest.Env
	fed *Federation
	e   *echo.Echo
}

func newHarness(t *testing.T) *harness { return newHarnessWith(t, nil) }

func newHarnessWith(t *testing.T, change func(*config.Config)) *harness {
	t.Helper()
	env := forumtest.New(t)
	cfg := env.Cfg
	cfg.Version = "1.2.3-test"
	if change != nil {
		change(&cfg)
	}
	fed := New(cfg, env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	env.Svc.SetHooks(fed.Hooks()) // as cmd/hearth wires it
	env.Svc.SetFediverse(fed.Fediverse())
	return &harness{t: t, env: env, fed: fed, e: newEcho(fed)}
}

// newEcho wires fed the way cmd/hearth does, beside stand-ins for the
// server's HTML pages.
func newEcho(fed *Federation) *echo.Echo {
	e := echo.New()
	fed.Register(e)
	e.Pre(fed.Negotiate)
	page := func(c echo.Context) error {
		return c.HTML(http.StatusOK, "<!doctype html><p>page "+c.Request().URL.Path)
	}
	for _, p := range []string{"/u/:username", "/c/:slug", "/p/:id", "/t/:id", "/t/:id/:slug"} {
		e.GET(p, page)
	}
	return e
}

func (h *harness) get(path, accept string) *httptest.ResponseRecorder {
	return serve(h.e, path, accept)
}

func serve(e *echo.Echo, path, accept string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// activity fetches path as a remote server would and decodes the document,
// failing unless the status is want and the type is ActivityPub's.
func (h *harness) activity(path string, want int) map[string]any {
	h.t.Helper()
	rec := h.get(path, acceptAP)
	if rec.Code != want {
		h.t.Fatalf("GET %s: status %d, want %d: %s", path, rec.Code, want, rec.Body)
	}
	return decode(h.t, rec)
}

// decode reads an ActivityPub answer.
func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != activityJSON {
		t.Fatalf("Content-Type %q: %s", ct, rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return m
}

// scene is the small forum the document tests describe.
type scene struct {
	alice, bob   *models.User
	cat          *models.Category
	thread       *models.Thread
	first, reply *models.Post // reply answers first explicitly and was edited
	plain        *models.Post // a reply without reply_to
}

func (h *harness) scene() scene {
	h.t.Helper()
	env, ctx := h.env, h.env.Ctx
	boss := env.User("boss", models.RoleAdmin)
	cat, err := env.Svc.CreateCategory(ctx, boss, forum.CategoryInput{
		Name: "General chat", Slug: "general", Description: "Talk about <anything>.\nReally & truly.",
	})
	must(h.t, err)
	alice := env.User("alice", models.RoleMember)
	bob := env.User("Bob", models.RoleMember)
	must(h.t, env.Svc.UpdateProfile(ctx, alice, forum.ProfileInput{
		DisplayName: "Alice Liddell", Bio: "Curious about <everything> & more.\nLine two.\n\nSecond paragraph.",
	}))
	must(h.t, env.Store.UpdateUserFields(ctx, alice.ID, map[string]any{"avatar_file": "2-0123456789abcdef.png"}))
	thread, first := env.Thread(alice, "general", "Hello, fediverse", "Welcome **all**: ping @Bob about #golang and #Go.\n\n<script>x</script>")
	reply, err := env.Svc.Reply(ctx, bob, thread.ID, forum.NewReply{Body: "Thanks @alice!", ReplyTo: first.ID})
	must(h.t, err)
	reply, err = env.Svc.EditPost(ctx, bob, reply.ID, "Thanks @alice, and @nobody@remote.example!")
	must(h.t, err)
	plain := env.Reply(alice, thread.ID, "No reply_to here.")
	return scene{alice: alice, bob: bob, cat: cat, thread: thread, first: first, reply: reply, plain: plain}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// golden compares doc with testdata/NAME.json, after replacing what changes
// from run to run (keys, timestamps) with placeholders. With -update it
// writes the file instead.
func golden(t *testing.T, name string, doc map[string]any) {
	t.Helper()
	normalize(t, doc)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep the HTML in content readable in the files
	enc.SetIndent("", "  ")
	must(t, enc.Encode(doc))
	got := buf.Bytes()
	path := filepath.Join("testdata", name+".json")
	if *update {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./federation -run %s -update to create it)", err, t.Name())
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s (rerun with -update if the change is intended):\n%s", name, path, got)
	}
}

func normalize(t *testing.T, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "publicKeyPem":
				if _, err := ParsePublicKeyPEM(x.(string)); err != nil {
					t.Errorf("publicKeyPem: %v", err)
				}
				v[k] = "<PEM>"
			case "published", "updated", "deleted", "endTime":
				if _, err := time.Parse(time.RFC3339, x.(string)); err != nil {
					t.Errorf("%s: %v", k, err)
				}
				v[k] = "<TIME>"
			default:
				normalize(t, x)
			}
		}
	case []any:
		for _, x := range v {
			normalize(t, x)
		}
	}
}
