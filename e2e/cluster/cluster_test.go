//go:build cluster

package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

func api(client *http.Client, method, u, token string, body any) (int, map[string]any, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, u, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, nil
}

func get(t *testing.T, client *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// login posts the login form through the proxy; returns the status.
func login(t *testing.T, client *http.Client, base, name, password string) int {
	t.Helper()
	_, page := get(t, client, base+"/login")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no _csrf on /login:\n%.500s", page)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{
		"login": {name}, "password": {password}, "_csrf": {m[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestThreeProcessesOneDatabase: three `hearth serve` on one PostgreSQL
// behind a round-robin proxy are one forum (issue 16 item 1).
func TestThreeProcessesOneDatabase(t *testing.T) {
	if os.Getenv("HEARTH_TEST_POSTGRES") == "" {
		t.Fatal("HEARTH_TEST_POSTGRES is not set: this test needs PostgreSQL (several processes cannot share SQLite over the network)")
	}
	bin := buildHearth(t)
	dsn := modelstest.DSN(t)
	in := newInboxes(t)
	c := &cluster{t: t, bin: bin, dsn: dsn}
	var addrs []string
	for range 3 {
		p := &proc{addr: freeAddr(t), logs: &logBuf{}}
		c.procs = append(c.procs, p)
		addrs = append(addrs, p.addr)
	}
	proxy := httptest.NewServer(newProxy(addrs))
	defer proxy.Close()
	c.url = proxy.URL
	f := prepare(t, dsn, c.url, in)
	defer func() {
		for _, p := range c.procs {
			if p.cmd != nil && p.cmd.ProcessState == nil {
				c.stop(p)
			}
			if t.Failed() {
				t.Logf("process %s log (tail):\n%s", p.addr, tail(p.logs.String(), 3000))
			}
		}
	}()
	var wg sync.WaitGroup
	for _, p := range c.procs {
		wg.Add(1)
		go func() { defer wg.Done(); c.start(p) }()
	}
	wg.Wait()
	ctx := context.Background()
	store, err := models.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := store.DB(ctx).Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	waitFor := func(t *testing.T, within time.Duration, what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(within); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				type row struct {
					State, LastError string
					N                int
				}
				var rows []row
				store.DB(ctx).Raw(`SELECT state, last_error, COUNT(*) AS n FROM deliveries GROUP BY state, last_error`).Scan(&rows)
				t.Fatalf("%s did not happen within %s (scheduled %d, overdue %d, digest %d, rollups %d; deliveries %+v)", what, within,
					count(`SELECT COUNT(*) FROM threads WHERE title = 'Scheduled once'`), count(`SELECT COUNT(*) FROM overdue_alerts`),
					count(`SELECT COUNT(*) FROM mails WHERE dedupe_key LIKE 'd:%'`), count(`SELECT COUNT(*) FROM rollup_days`), rows)
			}
		}
	}

	t.Run("scheduled jobs run once across the processes", func(t *testing.T) {
		waitFor(t, 20*time.Second, "the jobs' work", func() bool {
			return count(`SELECT COUNT(*) FROM threads WHERE title = 'Scheduled once'`) > 0 &&
				count(`SELECT COUNT(*) FROM overdue_alerts`) > 0 &&
				count(`SELECT COUNT(*) FROM mails WHERE dedupe_key LIKE 'd:%'`) > 0 &&
				count(`SELECT COUNT(*) FROM rollup_days`) > 0
		})
		// Every process ran every job at start; give the slower ones time
		// to finish theirs before counting.
		time.Sleep(2 * time.Second)
		for _, tc := range []struct {
			what, query string
			logMsg      string
			logField    string
		}{
			{"scheduled announcement published", `SELECT COUNT(*) FROM threads WHERE title = 'Scheduled once'`, "published scheduled threads", "count"},
			{"overdue follow-up alert", `SELECT COUNT(*) FROM notifications WHERE kind = '` + models.NotifyOverdue + `'`, "overdue follow-ups notified", "count"},
			{"weekly digest mail", `SELECT COUNT(*) FROM mails WHERE dedupe_key LIKE 'd:%'`, "weekly digest queued", "mails"},
		} {
			if n := count(tc.query); n != 1 {
				t.Errorf("%s: %d in the database, want exactly 1", tc.what, n)
			}
			if n := c.logSum(tc.logMsg, tc.logField); n != 1 {
				t.Errorf("%s: the processes' logs report %d, want exactly 1", tc.what, n)
			}
		}
		if runs := count(`SELECT COUNT(*) FROM digest_runs`); runs != 1 {
			t.Errorf("digest runs: %d, want 1", runs)
		}
		// Rollups: days are claimed one process at a time; a day less than
		// 48 h old is recomputed by later passes on purpose (it is not
		// settled yet), so what must hold is one row per day, all three
		// past days there.
		if days := count(`SELECT COUNT(DISTINCT day) FROM rollup_days`); days != 3 || count(`SELECT COUNT(*) FROM rollup_days`) != days {
			t.Errorf("rollup days: %d distinct of %d rows, want 3 days once each", days, count(`SELECT COUNT(*) FROM rollup_days`))
		}
	})

	t.Run("signed in through one process, signed in on all", func(t *testing.T) {
		client := newClient(t)
		if st := login(t, client, c.url, "mem", "password123"); st != http.StatusSeeOther {
			t.Fatalf("login through the proxy: %d", st)
		}
		for i := range 6 { // round robin: every process twice
			if st, body := get(t, client, c.url+"/settings"); st != http.StatusOK || !strings.Contains(body, "mem") {
				t.Fatalf("GET /settings #%d through the proxy: %d", i, st)
			}
		}
	})

	t.Run("a post through one process is on the others' cached pages", func(t *testing.T) {
		page := fmt.Sprintf("/t/%d", f.threadID)
		anon := &http.Client{Timeout: 10 * time.Second}
		for _, p := range c.procs[1:] { // warm each process's page cache
			for range 2 {
				get(t, anon, "http://"+p.addr+page)
			}
		}
		st, out, err := api(anon, "POST", fmt.Sprintf("http://%s/api/v1/threads/%d/posts", c.procs[0].addr, f.threadID), f.adminToken,
			map[string]string{"body": "Seen everywhere at once."})
		if err != nil || st != http.StatusCreated {
			t.Fatalf("reply through process 0: %d %v %v", st, out, err)
		}
		for _, p := range c.procs[1:] {
			if _, body := get(t, anon, "http://"+p.addr+page); !strings.Contains(body, "Seen everywhere at once.") {
				t.Errorf("process %s serves the thread without the reply made through another", p.addr)
			}
		}
	})

	t.Run("a thread reaches each of the followers' inboxes exactly once", func(t *testing.T) {
		before := in.seen()
		st, out, err := api(&http.Client{Timeout: 20 * time.Second}, "POST", c.url+"/api/v1/threads", f.adminToken,
			map[string]string{"category": "town", "title": "Fan out", "body": "To every follower once."})
		if err != nil || st != http.StatusCreated {
			t.Fatalf("new thread: %d %v %v", st, out, err)
		}
		waitFor(t, 60*time.Second, "delivery to every follower", func() bool {
			n, _, _ := in.deliveries(before)
			return n == followers
		})
		// Every process presents the same actor and key (made once, by
		// whichever process signed first).
		var keys []string
		for _, p := range c.procs {
			req, _ := http.NewRequest(http.MethodGet, "http://"+p.addr+"/c/town", nil)
			req.Host = strings.TrimPrefix(c.url, "http://")
			req.Header.Set("Accept", "application/activity+json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var actor struct {
				ID        string `json:"id"`
				PublicKey struct {
					PublicKeyPem string `json:"publicKeyPem"`
				} `json:"publicKey"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&actor)
			resp.Body.Close()
			keys = append(keys, actor.ID+" "+actor.PublicKey.PublicKeyPem)
		}
		if keys[0] != keys[1] || keys[1] != keys[2] || !strings.Contains(keys[0], "PUBLIC KEY") {
			t.Errorf("the category actor differs between processes:\n%s", strings.Join(keys, "\n"))
		}
		time.Sleep(time.Second) // a duplicate would arrive now
		if n, acts, most := in.deliveries(before); n != followers || acts != 1 || most != 1 {
			t.Errorf("the thread reached %d of %d inboxes as %d activities, one of them %d times; want one activity, each inbox exactly once", n, followers, acts, most)
		}
	})

	t.Run("login limits hold across processes", func(t *testing.T) {
		client := newClient(t)
		for i := range 5 { // the per-account-and-address bound, spread over the three
			if st := login(t, client, c.url, "target", "wrong password"); st == http.StatusSeeOther {
				t.Fatalf("wrong password #%d accepted", i)
			}
		}
		if st := login(t, client, c.url, "target", "password123"); st != http.StatusTooManyRequests {
			t.Fatalf("the right password after 5 failures through three processes: %d, want 429 (each process counting alone would let it in)", st)
		}
	})

	t.Run("a rolling restart under load loses no write", func(t *testing.T) {
		rollingRestart(t, c, f)
	})
}

// rollingRestart restarts the processes one after another while a bounded
// loop posts replies through the proxy; every reply answered 2xx must be in
// the database, and a request may fail only as the proxy's 502.
func rollingRestart(t *testing.T, c *cluster, f fixture) {
	const maxPosts = 400
	stop := make(chan struct{})
	type outcome struct {
		marker string
		status int
	}
	results := make(chan outcome, maxPosts)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 40 * time.Second}
			for i := 0; i < maxPosts/2; i++ {
				select {
				case <-stop:
					return
				default:
				}
				marker := fmt.Sprintf("load-%d-%d", w, i)
				st, _, err := api(client, "POST", fmt.Sprintf("%s/api/v1/threads/%d/posts", c.url, f.threadID), f.memberToken,
					map[string]string{"body": "Under load " + marker})
				if err != nil {
					st = -1
				}
				results <- outcome{marker, st}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	for _, p := range c.procs {
		time.Sleep(300 * time.Millisecond)
		c.stop(p)
		c.start(p)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(results)
	ctx := context.Background()
	store, err := models.Open(ctx, c.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var bodies []string
	if err := store.DB(ctx).Raw(`SELECT body FROM posts WHERE body LIKE 'Under load %'`).Scan(&bodies).Error; err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, b := range bodies {
		stored[strings.TrimPrefix(b, "Under load ")] = true
	}
	ok, failed := 0, map[int]int{}
	for r := range results {
		switch {
		case r.status == http.StatusCreated:
			ok++
			if !stored[r.marker] {
				t.Errorf("reply %s was answered 201 but is not in the database", r.marker)
			}
		default:
			failed[r.status]++
		}
	}
	for st, n := range failed {
		if st != http.StatusBadGateway {
			t.Errorf("%d requests failed with %d during the restart; only the proxy's 502 for a request cut off in flight is allowed", n, st)
		}
	}
	if ok < 20 {
		t.Errorf("only %d writes succeeded during the restart: the load loop proved nothing", ok)
	}
	t.Logf("rolling restart: %d writes answered 201, failures by status %v", ok, failed)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
