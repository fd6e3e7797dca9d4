package server_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/server"
)

// photo is a w×h JPEG.
func photo(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80})
	return buf.Bytes()
}

// multipartBody builds a multipart form with fields and one "file".
func multipartBody(fields map[string]string, filename string, data []byte) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := w.CreateFormFile("file", filename)
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	return &buf, w.FormDataContentType()
}

// apiUpload posts a file to /api/v1/uploads with a bearer token.
func (ts *testServer) apiUpload(t *testing.T, token, filename string, data []byte, alt string) (int, map[string]any) {
	t.Helper()
	body, ctype := multipartBody(map[string]string{"alt": alt}, filename, data)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/uploads", body)
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("not JSON (%d): %s", res.StatusCode, raw)
	}
	return res.StatusCode, out
}

func TestAPIUploadAnswersAndRefuses(t *testing.T) {
	ts := newTestServerWith(t, func(c *config.Config) { c.UploadMaxBytes, c.UploadDayBytes = 200_000, 300_000 })
	ts.Svc.SetUploadLimits(200_000, 300_000)
	tok := ts.token(t, "ann", models.RoleMember)

	status, out := ts.apiUpload(t, tok, "bread.jpg", photo(900, 600), "A flat [sourdough] loaf")
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, out)
	}
	url, _ := out["url"].(string)
	if !regexp.MustCompile(`^http://forum.test/media/[0-9a-f]{64}$`).MatchString(url) || out["width"] != 900.0 || out["height"] != 600.0 || out["mime"] != "image/jpeg" {
		t.Fatalf("answer %v", out)
	}
	if md := out["markdown"]; md != `![A flat \[sourdough\] loaf](`+url+`)` {
		t.Fatalf("markdown %q", md)
	}
	// The same content again is the same file.
	if _, again := ts.apiUpload(t, tok, "copy.jpg", photo(900, 600), ""); again["url"] != url {
		t.Fatalf("re-upload got %v, want %s", again["url"], url)
	}

	cases := []struct {
		name     string
		token    string
		filename string
		data     []byte
		alt      string
		status   int
		code     string
	}{
		{"no token", "", "a.jpg", photo(10, 10), "", http.StatusUnauthorized, "unauthorized"},
		{"html named jpg", tok, "cat.jpg", []byte("<!DOCTYPE html><html><body><script>alert(1)</script>"), "", http.StatusUnprocessableEntity, "validation_failed"},
		{"svg", tok, "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), "", http.StatusUnprocessableEntity, "validation_failed"},
		{"zero bytes", tok, "empty.png", nil, "", http.StatusUnprocessableEntity, "validation_failed"},
		{"alt too long", tok, "a.jpg", photo(10, 10), strings.Repeat("x", 1501), http.StatusUnprocessableEntity, "validation_failed"},
		{"over the file limit", tok, "big.bin", bytes.Repeat([]byte{1}, 200_001), "", http.StatusRequestEntityTooLarge, "too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, out := ts.apiUpload(t, c.token, c.filename, c.data, c.alt)
			if status != c.status || errCode(out) != c.code {
				t.Fatalf("got %d %v, want %d %s", status, out, c.status, c.code)
			}
		})
	}
	// The day's limit: two uploads so far (~2×photo); one more large
	// file passes the per-file limit but not the daily one.
	st, out := ts.apiUpload(t, tok, "c.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("a"), 190_000)...), "")
	if st != http.StatusCreated {
		t.Fatalf("pdf: %d %v", st, out)
	}
	st, out = ts.apiUpload(t, tok, "d.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("b"), 190_000)...), "")
	if st != http.StatusRequestEntityTooLarge || !strings.Contains(out["error"].(map[string]any)["message"].(string), "24 hours") {
		t.Fatalf("daily limit: %d %v", st, out)
	}
}

func TestMediaServing(t *testing.T) {
	ts := newTestServer(t)
	tok := ts.token(t, "ann", models.RoleMember)
	_, img := ts.apiUpload(t, tok, "p.jpg", photo(1000, 500), "")
	_, pdf := ts.apiUpload(t, tok, "agenda.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"), "")
	path := func(u any) string { return strings.TrimPrefix(u.(string), "http://forum.test") }

	get := func(p string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+p, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	res := get(path(img["url"]), nil)
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || etag == "" ||
		!strings.Contains(res.Header.Get("Cache-Control"), "immutable") || res.Header.Get("Last-Modified") == "" ||
		res.Header.Get("Content-Disposition") != "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("image: %d %v", res.StatusCode, res.Header)
	}
	if res := get(path(img["url"]), map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", res.StatusCode)
	}
	if res := get(path(img["url"])+"/w400", nil); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("variant: %d %v", res.StatusCode, res.Header)
	}
	for _, p := range []string{path(img["url"]) + "/w1600", path(img["url"]) + "/x", "/media/" + strings.Repeat("0", 64), "/media/nothex"} {
		if res := get(p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, res.StatusCode)
		}
	}
	res = get(path(pdf["url"]), nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}
}

// postForm sends a multipart form as a logged-in browser.
func (b *browser) postMultipart(path string, fields map[string]string, filename string, data []byte) *response {
	fields["_csrf"] = b.csrf()
	body, ctype := multipartBody(fields, filename, data)
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	return b.do(req)
}

func TestReplyFormAttachesImage(t *testing.T) {
	ts := newTestServerWith(t, func(c *config.Config) { c.UploadMaxBytes = 100_000 })
	ts.Svc.SetUploadLimits(100_000, 1_000_000)
	author := ts.User("bea", models.RoleMember)
	ts.Category("bread")
	th, _ := ts.Thread(author, "bread", "Sourdough troubles", "It came out flat.")
	b := ts.browser()
	b.signup("cal")
	reply := "/t/" + strconv.FormatInt(th.ID, 10) + "/reply"

	// Without a CSRF token the upload is refused like any form.
	body, ctype := multipartBody(map[string]string{"body": "x"}, "a.jpg", photo(20, 20))
	req, _ := http.NewRequest(http.MethodPost, ts.URL+reply, body)
	req.Header.Set("Content-Type", ctype)
	if res := b.do(req); res.StatusCode != http.StatusForbidden {
		t.Fatalf("no CSRF: %d", res.StatusCode)
	}
	// Too large: 413, the text kept in the form.
	res := b.postMultipart(reply, map[string]string{"body": "My crumb shot, keep this text"}, "big.jpg", bytes.Repeat([]byte{7}, 100_001))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "My crumb shot, keep this text") || !strings.Contains(res.Body, "the limit is") {
		t.Fatalf("too large: %d %s", res.StatusCode, res.Body)
	}
	// A PNG that is really HTML: 422, the text kept.
	res = b.postMultipart(reply, map[string]string{"body": "Second try, keep me"}, "x.png", []byte("<html><script>alert(1)</script></html>"))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Second try, keep me") || !strings.Contains(res.Body, "text/html") {
		t.Fatalf("html as png: %d", res.StatusCode)
	}
	// A real photo: posted, shown with its alt text, sized and lazy.
	res = b.postMultipart(reply, map[string]string{"body": "Here is the crumb", "alt": "Dense crumb with few holes"}, "crumb.jpg", photo(1000, 700))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("post with image: %d %s", res.StatusCode, res.Body)
	}
	page := b.get("/t/" + strconv.FormatInt(th.ID, 10))
	img := regexp.MustCompile(`<img [^>]*alt="Dense crumb with few holes"[^>]*>`).FindString(page.Body)
	for _, want := range []string{`width="1000"`, `height="700"`, `loading="lazy"`, `/w400 400w`, `/w800 800w`, ` 1000w"`} {
		if !strings.Contains(img, want) {
			t.Errorf("image tag %q lacks %s", img, want)
		}
	}
	src := regexp.MustCompile(`src="http://forum.test(/media/[0-9a-f]{64})"`).FindStringSubmatch(img)
	if src == nil {
		t.Fatalf("no media src in %q", img)
	}
	if r := b.get(src[1]); r.StatusCode != 200 {
		t.Fatalf("serving the attached image: %d", r.StatusCode)
	}
}

func TestSrcsetOnlyForOwnMedia(t *testing.T) {
	ts := newTestServer(t)
	author := ts.User("bea", models.RoleMember)
	ts.Category("bread")
	body := "![x](https://evil.example/media/" + strings.Repeat("a", 64) + ")\n\n![y](http://forum.test/media/" + strings.Repeat("b", 64) + ")"
	_, p := ts.Thread(author, "bread", "Foreign images", body)
	if strings.Contains(p.HTML, "srcset") || strings.Contains(p.HTML, "width=") {
		t.Fatalf("an image that is not an upload got sizes: %s", p.HTML)
	}
}

// BenchmarkServeCachedImage is the serving benchmark: a stored
// 800-pixel variant served from the disk store through the whole router
// and middleware (upload info cached in the process, file opened and
// sent per request), in parallel like concurrent browsers, without a
// network in between. Target: 5,000 requests/s (1/ns-per-op).
func BenchmarkServeCachedImage(b *testing.B) {
	env := forumtest.New(b)
	srv, err := server.New(env.Cfg, env.Svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	u := env.User("ann", models.RoleMember)
	up, err := env.Svc.Upload(env.Ctx, u, forum.UploadInput{Data: photo(1200, 900)})
	if err != nil {
		b.Fatal(err)
	}
	path := "/media/" + up.Upload.Hash + "/w800"
	h := srv.Handler()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			w := &countingWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
			if w.code != http.StatusOK || w.n == 0 {
				b.Fatalf("status %d, %d bytes", w.code, w.n)
			}
		}
	})
}

// countingWriter is a ResponseWriter that keeps no body, so the benchmark
// measures the server, not a recorder's growing buffer.
type countingWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *countingWriter) Header() http.Header { return w.h }
func (w *countingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *countingWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}
