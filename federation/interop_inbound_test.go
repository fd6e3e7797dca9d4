package federation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// interopFixture is one file of testdata/interop/<server>: what that server
// sends for one interaction (activity, with {{placeholders}} for the ids of
// this test's actors and posts), where it is sent, and what Hearth must do.
type interopFixture struct {
	Source   string          `json:"_source"` // the serializer it was read from
	Expect   string          `json:"expect"`
	Inbox    string          `json:"inbox"`  // shared, alice or category
	Signer   string          `json:"signer"` // "instance" for the instance actor
	Text     string          `json:"text"`   // text the effect must show
	Option   string          `json:"option"` // a vote's option
	Reply    string          `json:"reply"`  // the reply a Delete removes
	Activity json.RawMessage `json:"activity"`
}

var interopServers = []string{"mastodon", "gotosocial", "misskey", "lemmy", "nodebb", "mbin"}

func interopFlavorOf(server string) doubleFlavor {
	switch server {
	case "mastodon":
		return mastodonFlavor{}
	case "gotosocial":
		return gotosocialFlavor{}
	}
	return interopFlavors[server]
}

// interopScene is one Hearth with a thread and a poll by alice, and one
// double of the server under test with the account mia.
type interopScene struct {
	h               *harness
	d               *fediDouble
	cat             *models.Category
	alice, mod      *models.User
	thread          *models.Thread
	first, poll     *models.Post
	placeholders    *strings.Replacer
	postURL, poller string
}

func newInteropScene(t *testing.T, server string) *interopScene {
	n := newNetwork()
	h := newPeer(t, n, "hearth.test")
	d := newFediDouble(t, n, "remote.test", interopFlavorOf(server), h.fed.client, "mia")
	s := &interopScene{h: h, d: d}
	ctx := context.Background()
	s.cat = h.env.Category("general")
	s.alice = h.env.User("alice", models.RoleMember)
	s.mod = h.env.User("martha", models.RoleModerator)
	s.thread, s.first = h.env.Thread(s.alice, "general", "Interop", "Hello, servers.")
	closes := h.env.Svc.Now().Add(24 * time.Hour)
	var err error
	_, s.poll, err = h.env.Svc.CreateThread(ctx, s.alice, forum.NewThread{Category: "general", Title: "Pick", Body: "Which?",
		Poll: &forum.PollInput{Options: []string{"Red", "Green", "Blue"}, ClosesAt: &closes}})
	must(t, err)
	base := h.fed.base
	s.postURL = fmt.Sprintf("%s/p/%d", base, s.first.ID)
	alice := base + "/u/alice"
	s.placeholders = strings.NewReplacer(
		"{{actor}}", d.actorURL("mia"),
		"{{instance}}", d.actorURL(instanceKey),
		"{{remote}}", d.base,
		"{{host}}", d.host,
		"{{hearth_host}}", h.fed.host,
		"{{alice}}", alice,
		"{{alice_id}}", fmt.Sprint(s.alice.ID),
		"{{alice_enc}}", url.QueryEscape(alice),
		"{{category}}", base+"/c/general",
		"{{thread}}", fmt.Sprintf("%s/t/%d", base, s.thread.ID),
		"{{post}}", s.postURL,
		"{{post_enc}}", url.QueryEscape(s.postURL),
		"{{poll}}", fmt.Sprintf("%s/p/%d", base, s.poll.ID),
		"{{now}}", h.env.Svc.Now().UTC().Format(time.RFC3339),
	)
	return s
}

func (s *interopScene) inbox(which string) string {
	switch which {
	case "alice":
		return s.h.fed.base + "/u/alice/inbox"
	case "category":
		return s.h.fed.base + "/c/general/inbox"
	}
	return s.h.fed.base + "/inbox"
}

// TestInteropFixturesInbound replays every fixture, in file order, through
// Hearth's real inbox, signed by an actor of the sending server's shape
// served on the test network (127.0.0.1), and checks its effect.
func TestInteropFixturesInbound(t *testing.T) {
	for _, server := range interopServers {
		t.Run(server, func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join("testdata", "interop", server, "*.json"))
			must(t, err)
			sort.Strings(files)
			if len(files) == 0 {
				t.Fatal("no fixtures")
			}
			s := newInteropScene(t, server)
			for _, file := range files {
				t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
					s.replay(t, file)
				})
			}
		})
	}
}

func (s *interopScene) replay(t *testing.T, file string) {
	raw, err := os.ReadFile(file)
	must(t, err)
	var fx interopFixture
	must(t, json.Unmarshal(raw, &fx))
	if fx.Source == "" || fx.Expect == "" {
		t.Fatalf("%s: a fixture names its _source and its expected effect", file)
	}
	var act map[string]any
	must(t, json.Unmarshal([]byte(s.placeholders.Replace(string(fx.Activity))), &act))
	if strings.Contains(fmt.Sprint(act), "{{") {
		t.Fatalf("unfilled placeholder in %v", act)
	}
	signer := "mia"
	if fx.Signer == "instance" {
		signer = instanceKey
	}
	ctx := context.Background()
	h, d := s.h, s.d
	if code := d.send(signer, s.inbox(fx.Inbox), act); code != http.StatusAccepted {
		t.Fatalf("%s answered %d (%s)", fx.Expect, code, fx.Source)
	}
	drain(t, h)
	posts := func() []forum.PostView {
		page, err := h.env.Svc.ThreadPage(ctx, nil, s.thread.ID, 1)
		must(t, err)
		return page.Posts
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: %s (%s)", fx.Expect, fmt.Sprintf(format, args...), fx.Source)
	}
	switch fx.Expect {
	case "follow_accepted":
		kind, id := models.ActorTypeUser, s.alice.ID
		if fx.Inbox == "category" {
			kind, id = models.ActorTypeCategory, s.cat.ID
		}
		if n, _ := h.env.Store.CountFollowers(ctx, kind, id); n != 1 {
			fail("%d followers", n)
		}
		accepted := false
		for _, a := range d.receivedOfType("Accept") {
			if obj, _ := a["object"].(map[string]any); obj["id"] == act["id"] {
				accepted = true
			}
		}
		if !accepted {
			fail("no Accept of %v came back", act["id"])
		}
	case "reply_in_thread":
		ps := posts()
		if len(ps) != 2 || ps[1].Author.Username != "mia@remote.test" || !strings.Contains(ps[1].HTML, fx.Text) {
			fail("thread posts %+v", ps)
		}
	case "like_counted", "like_undone":
		want := 1
		if fx.Expect == "like_undone" {
			want = 0
		}
		if got := posts()[0].LikeCount; got != want {
			fail("like count %d, want %d", got, want)
		}
	case "boost_counted":
		if got := posts()[0].BoostCount; got != 1 {
			fail("boost count %d", got)
		}
	case "vote_counted":
		poll, opts, err := h.env.Svc.PollForPost(ctx, s.poll.ID)
		must(t, err)
		for _, o := range opts {
			if want := map[bool]int{true: 1, false: 0}[o.Name == fx.Option]; o.VotesCount != want {
				fail("option %s has %d votes (poll %d)", o.Name, o.VotesCount, poll.ID)
			}
		}
	case "report_queued", "report_account_only":
		page, err := h.env.Svc.Queue(ctx, s.mod, "", "")
		must(t, err)
		if fx.Expect == "report_account_only" {
			// Hearth's queue holds posts; a report naming only an account
			// has nothing to show there.
			if len(page.Items) != 0 {
				fail("queue %+v", page.Items)
			}
			return
		}
		if len(page.Items) != 1 || page.Items[0].PostID != s.first.ID || len(page.Items[0].Flags) != 1 ||
			page.Items[0].Flags[0].Message != fx.Text {
			fail("queue %+v", page.Items)
		}
	case "reply_deleted":
		ps := posts()
		if len(ps) != 2 || !ps[1].Deleted() {
			fail("the reply %s still shows: %+v", fx.Reply, ps)
		}
	default:
		t.Fatalf("unknown expectation %q", fx.Expect)
	}
}
