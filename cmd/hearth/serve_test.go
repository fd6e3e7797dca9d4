package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the child writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// callAPI sends one JSON request and decodes the JSON object it answers.
func callAPI(t *testing.T, client *http.Client, method, url, token string, body any) (*http.Response, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: status %d, body is not a JSON object: %v\n%s", method, url, resp.StatusCode, err, raw)
	}
	return resp, out
}

// TestServeEndToEnd starts `hearth serve` on a free loopback port, uses the
// JSON API with a token from `hearth admin create-token`, and stops it with
// SIGTERM.
func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, nil, "admin", "create-user", "--data-dir", dir, "--username", "alice",
		"--email", "a@example.com", "--password", "password123", "--role", "admin")
	token := strings.TrimSpace(mustRun(t, nil, "admin", "create-token", "--data-dir", dir, "--username", "alice").stdout)

	// The environment names a bad URL and a busy port; the flags must win.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := freeAddr(t)
	base := "http://" + addr

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := hearthCmd(t, ctx, []string{"HEARTH_URL=bad-url", "HEARTH_ADDR=" + busy.Addr().String()},
		"serve", "--data-dir", dir, "--addr", addr, "--url", base+"/")
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, stderr
	proc := startProcess(t, cmd)
	exited := proc.done

	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("hearth serve exited before answering /healthz: %v\nstderr:\n%s", proc.err, stderr.String())
		default:
		}
		if resp, err := client.Get(base + "/healthz"); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "ok" {
				break
			}
			t.Fatalf("/healthz answered %d %q", resp.StatusCode, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz did not answer within 30s\nstderr:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	resp, cat := callAPI(t, client, "POST", base+"/api/v1/categories", token,
		map[string]string{"name": "CLI Test", "slug": "cli-test", "description": "made by the CLI test"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/categories: %d %v", resp.StatusCode, cat)
	}
	resp, thread := callAPI(t, client, "POST", base+"/api/v1/threads", token,
		map[string]string{"category": "cli-test", "title": "Hello from the CLI test", "body": "Some **Markdown** here."})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/threads: %d %v", resp.StatusCode, thread)
	}
	threadRequestID := resp.Header.Get("X-Request-Id")
	id, ok := thread["id"].(float64)
	if !ok || id <= 0 || thread["first_post_id"] == nil {
		t.Fatalf("thread answer lacks id/first_post_id: %v", thread)
	}
	if u, _ := thread["url"].(string); !strings.HasPrefix(u, base+"/t/") {
		t.Errorf("thread url %q does not derive from --url %s", u, base)
	}
	resp, got := callAPI(t, client, "GET", fmt.Sprintf("%s/api/v1/threads/%d", base, int64(id)), "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET the new thread: %d %v", resp.StatusCode, got)
	}
	resp, _ = callAPI(t, client, "POST", base+"/api/v1/categories", "", map[string]string{"name": "X", "slug": "x-anon"})
	if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
		t.Errorf("creating a category without a token: %d, want 401 or 403", resp.StatusCode)
	}

	// Graceful shutdown: SIGTERM → exit 0 within 10 s, logging "stopped".
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Fatalf("hearth serve did not exit within 10s of SIGTERM\nstderr:\n%s", stderr.String())
	}
	if proc.err != nil {
		t.Fatalf("hearth serve exited with %v after SIGTERM, want 0\nstderr:\n%s", proc.err, stderr.String())
	}
	checkServeLogs(t, stderr.String(), addr, token, threadRequestID)
}

// checkServeLogs: every stderr line is a JSON object; the server says where
// it serves and that it stopped; each request is logged with a request_id.
func checkServeLogs(t *testing.T, logs, addr, token, threadRequestID string) {
	t.Helper()
	if strings.Contains(logs, token) {
		t.Errorf("the API token appears in the logs")
	}
	var serving, stopped bool
	requestIDs := map[string][]string{} // path → request ids
	for _, line := range nonEmptyLines(logs) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		switch rec["msg"] {
		case "hearth serving":
			serving = rec["addr"] == addr
		case "stopped":
			stopped = true
		}
		if path, ok := rec["path"].(string); ok {
			rid, _ := rec["request_id"].(string)
			if rid == "" {
				t.Errorf("request log line without request_id: %s", line)
			}
			requestIDs[path] = append(requestIDs[path], rid)
		}
	}
	if !serving {
		t.Errorf("no \"hearth serving\" line with addr %s:\n%s", addr, logs)
	}
	if !stopped {
		t.Errorf("no \"stopped\" line after SIGTERM:\n%s", logs)
	}
	for _, p := range []string{"/healthz", "/api/v1/categories", "/api/v1/threads"} {
		if len(requestIDs[p]) == 0 {
			t.Errorf("no request log line for %s:\n%s", p, logs)
		}
	}
	if threadRequestID != "" {
		ids := requestIDs["/api/v1/threads"]
		if len(ids) == 0 || ids[len(ids)-1] != threadRequestID {
			t.Errorf("X-Request-Id %q of POST /api/v1/threads is not the logged request_id %v", threadRequestID, ids)
		}
	}
}

// runningProcess is a started hearth child process: done closes when it has
// exited, and err then holds what Wait returned.
type runningProcess struct {
	done chan struct{}
	err  error
}

// startProcess starts cmd and, when the test ends, kills it if it is still
// running and waits for it, so no child outlives its test.
func startProcess(t *testing.T, cmd *exec.Cmd) *runningProcess {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &runningProcess{done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}
