package federation

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/models"
)

// TestMastodonQuestionText: a followed Mastodon account posts a poll on
// its own (no thread here). Hearth keeps the question's text, sanitised
// (no script; the mention stays a plain link), with its content warning,
// for the poll's page, and the author's Update{Question} replaces it.
func TestMastodonQuestionText(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	mia, err := h.fed.remoteActor(ctx, s.mia, false)
	must(t, err)
	must(t, h.env.Store.CreateFollowing(ctx, &models.Following{UserID: s.alice.ID, RemoteActorID: mia.ID,
		FollowActivityID: h.fed.base + "/u/alice#follows/1", Accepted: true}))

	id := d.nextID("users/mia/statuses")
	question := map[string]any{
		"id": id, "type": "Question", "attributedTo": s.mia,
		"summary": "Food <b>talk</b>",
		"content": `<p>Which one, <span class="h-card"><a href="` + s.hearthAlice + `" class="u-url mention">@<span>alice</span></a></span>?` +
			`<script>alert(1)</script> <a href="javascript:alert(2)">click</a></p>`,
		"contentMap": map[string]any{"en": "<p>ignored: content wins</p>"},
		"published":  clock.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		"endTime":    clock.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
		"to":         []any{publicAddress}, "cc": []any{s.mia + "/followers"},
		"votersCount": 0,
		"oneOf": []any{
			map[string]any{"type": "Note", "name": "Soup", "replies": map[string]any{"type": "Collection", "totalItems": 0}},
			map[string]any{"type": "Note", "name": "Salad", "replies": map[string]any{"type": "Collection", "totalItems": 0}},
		},
	}
	d.status(question)
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Create", id+"/activity", "mia", question))

	poll, err := h.env.Svc.RemotePollByAPID(ctx, id)
	must(t, err)
	page, err := h.env.Svc.StandalonePoll(ctx, s.alice, poll.ID)
	must(t, err)
	if !strings.Contains(page.HTML, "Which one,") || !strings.Contains(page.HTML, `href="`+s.hearthAlice+`"`) ||
		!strings.Contains(page.HTML, ">alice</span></a>") {
		t.Errorf("question text: %q", page.HTML)
	}
	for _, bad := range []string{"<script", "alert(1)", "javascript:", "ignored"} {
		if strings.Contains(page.HTML, bad) {
			t.Errorf("question text keeps %q: %q", bad, page.HTML)
		}
	}
	if page.Summary != "Food talk" {
		t.Errorf("content warning %q", page.Summary)
	}

	// The author edits the question: Update{Question} with new text and
	// tallies, and no content warning any more.
	question["content"] = "<p>Soup or salad, finally?</p>"
	delete(question, "summary")
	question["votersCount"] = 1
	question["oneOf"].([]any)[1].(map[string]any)["replies"] = map[string]any{"type": "Collection", "totalItems": 1}
	s.deliver(t, "mia", s.hearthInbox, d.wrap("Update", id+"#updates/1", "mia", question))
	page, err = h.env.Svc.StandalonePoll(ctx, s.alice, poll.ID)
	must(t, err)
	if page.HTML != "<p>Soup or salad, finally?</p>" || page.Summary != "" {
		t.Errorf("after Update: %q, summary %q", page.HTML, page.Summary)
	}

	// Only the author may change it: rin's Update of mia's Question is ignored.
	question["content"] = "<p>hijacked</p>"
	question["attributedTo"] = s.rin
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Update", d.nextID("users/rin/updates"), "rin", question))
	page, err = h.env.Svc.StandalonePoll(ctx, s.alice, poll.ID)
	must(t, err)
	if strings.Contains(page.HTML, "hijacked") {
		t.Errorf("another account changed the question: %q", page.HTML)
	}
}

// TestParseQuestionText: where servers put a question's text.
func TestParseQuestionText(t *testing.T) {
	opts := `"oneOf":[{"type":"Note","name":"A"},{"type":"Note","name":"B"}]`
	for _, c := range []struct{ doc, want string }{
		{`{"content":"<p>c</p>","name":"n",` + opts + `}`, "<p>c</p>"},
		{`{"contentMap":{"fr":"<p>fr</p>","de":"<p>de</p>"},` + opts + `}`, "<p>de</p>"},
		{`{"name":"Tea & <cake>?",` + opts + `}`, "<p>Tea &amp; &lt;cake&gt;?</p>"},
		{`{` + opts + `}`, ""},
	} {
		q, err := parseQuestion("https://x.test/q/1", []byte(c.doc))
		must(t, err)
		if q.HTML != c.want {
			t.Errorf("%s: %q, want %q", c.doc, q.HTML, c.want)
		}
	}
}
