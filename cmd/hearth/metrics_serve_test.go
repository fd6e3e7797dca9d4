package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeMetricsListener: `hearth serve` serves /metrics on
// --metrics-addr, and on the public address only with the token
// (HEARTH_METRICS_TOKEN); it stops the metrics listener on SIGTERM and
// never logs the token.
func TestServeMetricsListener(t *testing.T) {
	const token = "serve-test-metrics-token-0123456789"
	dir := t.TempDir()
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := hearthCmd(t, ctx, []string{"HEARTH_METRICS_TOKEN=" + token},
		"serve", "--data-dir", dir, "--addr", addr, "--url", "http://"+addr, "--metrics-addr", metricsAddr)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = io.Discard, logs
	proc := startProcess(t, cmd)
	exited := proc.done
	client := &http.Client{Timeout: 5 * time.Second}
	waitFor(t, 30*time.Second, "/healthz answering", logs, func() bool {
		res, err := client.Get("http://" + addr + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})

	get := func(url, auth string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	const counter = `hearth_http_requests_total{method="GET",route="/healthz",status="200"}`
	tests := []struct {
		name, url, auth string
		want            int
	}{
		{"metrics listener", "http://" + metricsAddr + "/metrics", "", http.StatusOK},
		{"public, no token", "http://" + addr + "/metrics", "", http.StatusNotFound},
		{"public, wrong token", "http://" + addr + "/metrics", "Bearer wrong-token", http.StatusNotFound},
		{"public, right token", "http://" + addr + "/metrics", "Bearer " + token, http.StatusOK},
	}
	for _, tt := range tests {
		status, body := get(tt.url, tt.auth)
		if status != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, status, tt.want)
		}
		if shows := strings.Contains(body, counter); shows != (tt.want == http.StatusOK) {
			t.Errorf("%s: shows the request counter: %v\n%s", tt.name, shows, body)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		t.Fatalf("hearth serve did not exit within 15s of SIGTERM\n%s", logs.String())
	}
	if proc.err != nil {
		t.Fatalf("hearth serve exited with %v after SIGTERM\n%s", proc.err, logs.String())
	}
	if c, err := net.DialTimeout("tcp", metricsAddr, time.Second); err == nil {
		c.Close()
		t.Errorf("the metrics listener %s still accepts after serve stopped", metricsAddr)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the metrics token is in the log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), metricsAddr) {
		t.Errorf("the log does not say where metrics are served:\n%s", logs.String())
	}
}
