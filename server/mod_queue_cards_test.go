package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

var (
	inputIDRe  = regexp.MustCompile(`<input id="([^"]+)" type="text"`)
	plainTagRe = regexp.MustCompile(`<input [^>]*type="text"[^>]*>`)
)

// TestQueueCardsLeadWithContext: /mod's tabs carry counts; a flag card
// names the thread, quotes the post, sums up the author's record and the
// flags' reasons and weights; every text field has a real <label> (not a
// placeholder alone); Delete and Suspend are red and only submit from
// inside a <details> confirmation. A category moderator's counts cover only
// their categories.
func TestQueueCardsLeadWithContext(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	ts.Category("garden")
	admin := ts.User("boss", models.RoleAdmin)
	ts.User("moddy", models.RoleModerator)
	carol := ts.User("carol", models.RoleMember)
	flagger := ts.User("flagger", models.RoleMember)
	th, p1 := ts.Thread(carol, "general", "Starter loaf", "buy cheap watches here")
	_, p2 := ts.Thread(carol, "general", "Rye loaf", "more watches")
	_, p3 := ts.Thread(carol, "general", "Spelt loaf", "even more watches")
	_, p4 := ts.Thread(carol, "garden", "Tomatoes", "watches for tomatoes")
	for _, p := range []*models.Post{p1, p2, p3, p4} {
		if _, err := ts.Svc.FlagPost(ts.Ctx, flagger, p.ID, "spam", "selling watches"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ts.Svc.Warn(ts.Ctx, admin, "carol", 0, "no selling"); err != nil {
		t.Fatal(err)
	}
	q, err := ts.Svc.Queue(ts.Ctx, admin, "", "")
	if err != nil || len(q.Items) != 4 {
		t.Fatalf("queue: %v", err)
	}
	byPost := map[int64]int64{}
	for _, it := range q.Items {
		byPost[it.PostID] = it.ID
	}
	if err := ts.Svc.ClaimQueueItem(ts.Ctx, admin, byPost[p2.ID]); err != nil {
		t.Fatal(err)
	}
	if err := ts.Svc.ResolveQueueItem(ts.Ctx, admin, byPost[p3.ID], forum.ResolveDismiss, ""); err != nil {
		t.Fatal(err)
	}

	mod := ts.browser()
	mod.login("moddy")
	r := mod.get("/mod")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("/mod: %d", r.StatusCode)
	}
	for _, want := range []string{
		`aria-current="page">Open <span class="count">2</span></a>`,
		`Claimed <span class="count">1</span></a>`,
		`Resolved <span class="count">1</span></a>`,
		fmt.Sprintf(`<a class="queue-thread" href="/t/%d`, th.ID),
		">Starter loaf</a>",
		"buy cheap watches here",
		"Author's record: 1 warning · 0 sanctions · 4 flags on their posts",
		"<strong>spam</strong> by flagger (weight 1): selling watches",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("/mod lacks %q", want)
		}
	}
	if r := mod.get("/mod?state=claimed"); !strings.Contains(r.Body, `aria-current="page">Claimed <span class="count">1</span>`) {
		t.Error("the Claimed tab is not marked current with its count")
	}
	for _, in := range plainTagRe.FindAllString(r.Body, -1) {
		m := inputIDRe.FindStringSubmatch(in)
		if m == nil {
			t.Errorf("a text field without an id cannot be labelled: %s", in)
			continue
		}
		lbl := regexp.MustCompile(`<label for="` + regexp.QuoteMeta(m[1]) + `">([^<]+)</label>`).FindStringSubmatch(r.Body)
		if lbl == nil || strings.Contains(lbl[0], "visually-hidden") {
			t.Errorf("field %s has no visible label", m[1])
		}
		if strings.Contains(in, "placeholder=") {
			t.Errorf("field %s still leans on a placeholder: %s", m[1], in)
		}
	}
	for _, op := range []string{`name="action" value="delete"`, `name="op" value="suspend"`} {
		re := regexp.MustCompile(`(?s)<details class="confirm">\s*<summary class="btn btn-small btn-destructive">[^<]+…</summary>\s*<button type="submit" ` + regexp.QuoteMeta(op) + ` class="btn btn-small btn-destructive">`)
		if !re.MatchString(r.Body) {
			t.Errorf("%s is not red behind a confirmation", op)
		}
		if n, m := strings.Count(r.Body, op), len(re.FindAllString(r.Body, -1)); n != m {
			t.Errorf("%s: %d buttons, %d behind a confirmation", op, n, m)
		}
	}

	// A moderator of garden only counts garden's item.
	catmod := ts.User("gardener", models.RoleModerator)
	if _, err := ts.Svc.SetRole(ts.Ctx, admin, "gardener", models.RoleModerator, []string{"garden"}); err != nil {
		t.Fatal(err)
	}
	_ = catmod
	cm := ts.browser()
	cm.login("gardener")
	if r := cm.get("/mod"); !strings.Contains(r.Body, `Open <span class="count">1</span>`) || !strings.Contains(r.Body, `Claimed <span class="count">0</span>`) || strings.Contains(r.Body, "Starter loaf") {
		t.Errorf("a category moderator's counts are not scoped: %d", r.StatusCode)
	}
}
