package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hearth/hearth/config"
)

const apiDocPath = "../../docs/API.md"

// apDocPrefix is where federation's content negotiation sends
// ActivityPub requests for page URLs (federation.negotiatedPrefix); such a
// route is documented under the page URL a client asks for.
const apDocPrefix = "/_ap"

// notRoutes are entries of Echo's table that are not routes a client uses:
// the router's own not-found handlers, and the API's catch-all that answers
// any unknown /api/v1 path with a JSON 404 (docs/API.md, Conventions).
func docSkipsRoute(method, path string) bool {
	return method == "echo_route_not_found" || path == "/api/v1/*"
}

// TestAPIDocListsEveryRoute walks the route table of a whole process, as
// `hearth serve` builds it (server and federation), and fails naming every
// route docs/API.md does not list, and every route it lists that no longer
// exists. Rules: a route is listed as a code span "`METHOD /path`" (several
// as "`GET /a`, `PUT /a`"); path parameters are written {name} for Echo's
// :name; a query string in the span is ignored; HEAD is documented by its
// GET (HEAD is answered wherever GET is).
func TestAPIDocListsEveryRoute(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	if err := cfg.Normalize(); err != nil {
		t.Fatal(err)
	}
	a, err := buildApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.svc.Store().Close()

	served := map[string]bool{}
	for _, r := range a.srv.Echo().Routes() {
		if docSkipsRoute(r.Method, r.Path) {
			continue
		}
		served[docRouteKey(r.Method, r.Path)] = true
	}
	if len(served) < 100 || !served["POST /inbox"] || !served["GET /api/v1/threads/{id}"] {
		t.Fatalf("the route table has %d routes and lacks the server's or federation's; buildApp changed?", len(served))
	}
	doc, err := os.ReadFile(apiDocPath)
	if err != nil {
		t.Fatal(err)
	}
	documented := documentedRoutes(string(doc))

	var missing, stale []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("docs/API.md does not list these routes; add each as `METHOD /path` with who may use it and what it does:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("docs/API.md lists routes that no process serves; remove or correct them:\n  %s", strings.Join(stale, "\n  "))
	}
}

var (
	echoParam = regexp.MustCompile(`:([A-Za-z_]+)`)
	docRoute  = regexp.MustCompile("`(GET|HEAD|POST|PUT|PATCH|DELETE) (/[^`\\s?]*)(\\?[^`]*)?`")
)

// docRouteKey normalises one route of Echo's table to "METHOD /path/{param}".
func docRouteKey(method, path string) string {
	if method == "HEAD" {
		method = "GET"
	}
	if strings.HasPrefix(path, apDocPrefix+"/") {
		path = strings.TrimPrefix(path, apDocPrefix)
	}
	return method + " " + echoParam.ReplaceAllString(path, "{$1}")
}

// documentedRoutes collects the "`METHOD /path`" spans of the doc.
func documentedRoutes(doc string) map[string]bool {
	out := map[string]bool{}
	for _, m := range docRoute.FindAllStringSubmatch(doc, -1) {
		method := m[1]
		if method == "HEAD" {
			method = "GET"
		}
		out[method+" "+m[2]] = true
	}
	return out
}

// TestAPIDocRouteRules: the normalisation the route check relies on.
func TestAPIDocRouteRules(t *testing.T) {
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/t/:id/:slug", "GET /t/{id}/{slug}"},
		{"HEAD", "/u/:username/outbox", "GET /u/{username}/outbox"},
		{"GET", "/_ap/c/:slug", "GET /c/{slug}"},
		{"GET", "/static/*", "GET /static/*"},
		{"DELETE", "/api/v1/posts/:id/like", "DELETE /api/v1/posts/{id}/like"},
	} {
		if got := docRouteKey(tt.method, tt.path); got != tt.want {
			t.Errorf("docRouteKey(%s %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
	doc := "| `GET /search?q=` | `GET /a/{id}`, `PUT /a/{id}` | GET /not-code | `POST /inbox` |"
	got := documentedRoutes(doc)
	want := []string{"GET /search", "GET /a/{id}", "PUT /a/{id}", "POST /inbox"}
	if len(got) != len(want) {
		t.Errorf("documentedRoutes = %v, want %v", got, want)
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("documentedRoutes misses %q in %v", w, got)
		}
	}
}
