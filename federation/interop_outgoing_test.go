package federation

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
)

// outgoingRule is one server's parsing requirement for an incoming Create,
// restated from its source; it returns what that server would reject or
// show wrongly.
type outgoingRule struct {
	server, source string
	check          func(kind string, act, obj map[string]any) []string
}

// The sample documents: what the outbox delivered for a thread start, a
// reply and a poll.
const (
	outThread = "thread"
	outReply  = "reply"
	outPoll   = "poll"
)

func contextDeclares(ctx any, term string) bool {
	list, ok := ctx.([]any)
	if !ok {
		list = []any{ctx}
	}
	for _, c := range list {
		if m, ok := c.(map[string]any); ok {
			if _, ok := m[term]; ok {
				return true
			}
		}
	}
	return false
}

func hostOfURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return u.Host
}

func asList(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func listHas(v any, s string) bool {
	for _, e := range asList(v) {
		if e == s {
			return true
		}
	}
	return false
}

// commonCreate is what every server here requires of a public Create:
// the ActivityStreams context, a Create whose actor is the object's
// attributedTo on the same host, Public addressed, published parseable,
// a non-empty content with no content warning.
func commonCreate(kind string, act, obj map[string]any) []string {
	var errs []string
	if ctx := act["@context"]; !listHas(ctx, "https://www.w3.org/ns/activitystreams") {
		errs = append(errs, fmt.Sprintf("@context %v lacks ActivityStreams", ctx))
	}
	if act["type"] != "Create" || act["actor"] != obj["attributedTo"] || hostOfURL(str(obj["id"])) != hostOfURL(str(act["actor"])) {
		errs = append(errs, fmt.Sprintf("actor %v / attributedTo %v / id %v disagree", act["actor"], obj["attributedTo"], obj["id"]))
	}
	if !listHas(obj["to"], publicAddress) || !listHas(act["to"], publicAddress) {
		errs = append(errs, "not addressed to Public")
	}
	if _, err := time.Parse(time.RFC3339, str(obj["published"])); err != nil {
		errs = append(errs, "published: "+err.Error())
	}
	if strings.TrimSpace(str(obj["content"])) == "" {
		errs = append(errs, "empty content")
	}
	if s, ok := obj["summary"]; ok && s != nil && s != "" {
		errs = append(errs, "summary (a content warning) set")
	}
	return errs
}

func wantType(obj map[string]any, kind string) []string {
	want := "Note"
	if kind == outPoll {
		want = "Question"
	}
	if obj["type"] != want {
		return []string{fmt.Sprintf("type %v, want %s", obj["type"], want)}
	}
	return nil
}

// titleShown checks a display server's rendering of a thread start.
func titleShown(server string, kind string, obj map[string]any, title string) []string {
	if kind == outReply {
		return nil
	}
	for _, r := range displayRenderers {
		if r.server != server {
			continue
		}
		got := r.render(obj)
		if !got.shown || got.warning != "" || !strings.Contains(got.text, r.bold(title)) {
			return []string{fmt.Sprintf("title not visible: %v", got)}
		}
	}
	return nil
}

func pollOptions(obj map[string]any) []string {
	var errs []string
	opts, _ := obj["oneOf"].([]any)
	if multi, _ := obj["anyOf"].([]any); len(multi) > 0 {
		opts = multi
	}
	if len(opts) < 2 {
		return []string{"a poll with fewer than two oneOf/anyOf options"}
	}
	for _, o := range opts {
		m, _ := o.(map[string]any)
		replies, _ := m["replies"].(map[string]any)
		if str(m["name"]) == "" || m["type"] != "Note" || replies == nil || replies["totalItems"] == nil {
			errs = append(errs, fmt.Sprintf("option %v lacks name/type/replies.totalItems", o))
		}
	}
	return errs
}

func outgoingRules(titles map[string]string, group string) []outgoingRule {
	return []outgoingRule{
		{"mastodon", "mastodon: app/lib/activitypub/activity/create.rb (rejects unsupported types and ids on another host), app/lib/activitypub/parser/status_parser.rb (visibility from to/cc, url via url_to_href), app/lib/activitypub/parser/poll_parser.rb (oneOf/anyOf names, replies.totalItems, endTime)",
			func(kind string, act, obj map[string]any) []string {
				errs := append(commonCreate(kind, act, obj), wantType(obj, kind)...)
				if u := str(obj["url"]); !strings.HasPrefix(u, "http") {
					errs = append(errs, "url not a link: "+u)
				}
				if kind == outPoll {
					errs = append(errs, pollOptions(obj)...)
					if !contextDeclares(act["@context"], "votersCount") {
						errs = append(errs, "votersCount not in @context")
					}
				}
				return append(errs, titleShown("mastodon", kind, obj, titles[kind])...)
			}},
		{"gotosocial", "gotosocial: internal/ap/normalize.go, internal/typeutils/astointernal.go ASStatusToStatus (attributedTo must resolve, updated must not predate published, CW = summary else name), internal/ap/extract.go ExtractPoll (oneOf/anyOf, endTime or closed)",
			func(kind string, act, obj map[string]any) []string {
				errs := append(commonCreate(kind, act, obj), wantType(obj, kind)...)
				if up := str(obj["updated"]); up != "" && up < str(obj["published"]) {
					errs = append(errs, "updated predates published")
				}
				if kind == outPoll {
					errs = append(errs, pollOptions(obj)...)
					if obj["endTime"] == nil && obj["closed"] == nil {
						errs = append(errs, "poll without endTime or closed")
					}
				}
				return append(errs, titleShown("gotosocial", kind, obj, titles[kind])...)
			}},
		{"misskey", "misskey: packages/backend/src/core/activitypub/models/ApNoteService.ts validateNote (type in validPost, id and attributedTo on the sender's host, published a safe time), ApQuestionService.ts extractPollFromQuestion (oneOf/anyOf names, replies.totalItems)",
			func(kind string, act, obj map[string]any) []string {
				errs := append(commonCreate(kind, act, obj), wantType(obj, kind)...)
				if hostOfURL(str(obj["attributedTo"])) != hostOfURL(str(obj["id"])) {
					errs = append(errs, "attributedTo on another host")
				}
				if src, _ := obj["source"].(map[string]any); src != nil && src["mediaType"] == "text/x.misskeymarkdown" {
					errs = append(errs, "source claims to be MFM")
				}
				if kind == outPoll {
					errs = append(errs, pollOptions(obj)...)
				}
				return append(errs, titleShown("misskey", kind, obj, titles[kind])...)
			}},
		{"lemmy", "lemmy: crates/apub/objects/src/protocol/page.rs Page::community (the community found in to/cc), crates/apub/objects/src/utils/functions.rs verify_visibility (Public for a public community), crates/apub/objects/src/objects/post.rs from_json (name, else the first line of content), crates/apub/objects/src/protocol/note.rs (a comment's mediaType: text/markdown would be read as Markdown)",
			func(kind string, act, obj map[string]any) []string {
				errs := commonCreate(kind, act, obj)
				if !listHas(obj["to"], group) && !listHas(obj["cc"], group) {
					errs = append(errs, "the community is in neither to nor cc")
				}
				if obj["audience"] != group {
					errs = append(errs, fmt.Sprintf("audience %v, want the Group", obj["audience"]))
				}
				if mt := str(obj["mediaType"]); mt != "" && mt != "text/html" {
					errs = append(errs, "mediaType "+mt+" for HTML content")
				}
				if kind != outReply {
					for _, ft := range forumTitlers {
						if ft.server == "lemmy" && ft.title(obj) != titles[kind] {
							errs = append(errs, fmt.Sprintf("titled %q", ft.title(obj)))
						}
					}
				}
				return errs
			}},
		{"nodebb", "NodeBB: src/activitypub/mocks.js post (attributedTo must be a URI; source text/markdown replaces content), src/activitypub/notes.js assert (audience names the category; title = name, else the first sentence)",
			func(kind string, act, obj map[string]any) []string {
				errs := commonCreate(kind, act, obj)
				if !strings.HasPrefix(str(obj["attributedTo"]), "http") {
					errs = append(errs, "attributedTo not a URI")
				}
				if obj["audience"] != group || str(obj["context"]) == "" {
					errs = append(errs, fmt.Sprintf("audience %v context %v", obj["audience"], obj["context"]))
				}
				if kind != outReply {
					for _, ft := range forumTitlers {
						if ft.server == "nodebb" && ft.title(obj) != titles[kind] {
							errs = append(errs, fmt.Sprintf("titled %q", ft.title(obj)))
						}
					}
				}
				return errs
			}},
		{"mbin", "mbin: src/MessageHandler/ActivityPub/Inbox/CreateHandler.php (Note and Question become microblog posts, Page/Article entries), src/Service/ActivityPub/Note.php (visibility from to/cc, content or source)",
			func(kind string, act, obj map[string]any) []string {
				errs := append(commonCreate(kind, act, obj), wantType(obj, kind)...)
				if kind != outReply && !strings.HasPrefix(str(obj["content"]), titleParagraph(titles[kind])) {
					errs = append(errs, "the post does not open with its title")
				}
				return errs
			}},
	}
}

// TestOutgoingJSONMeetsPeersRules takes the Creates the real outbox
// delivered to a follower's server for a thread start, a reply and a poll,
// and checks each against every server's parsing rules.
func TestOutgoingJSONMeetsPeersRules(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	ctx := context.Background()
	base := s.h.fed.base
	s.deliver(t, "mia", base+"/c/general/inbox", followActivity(s.d.nextID("users/mia/follow"), s.mia, base+"/c/general"))
	s.deliver(t, "mia", s.hearthAlice+"/inbox", followActivity(s.d.nextID("users/mia/follow"), s.mia, s.hearthAlice))

	thread, first := s.h.env.Thread(s.alice, "general", "Title & <stuff>", "Body with #tag and @bob.")
	reply := s.h.env.Reply(s.alice, thread.ID, "A reply.")
	closes := s.h.env.Svc.Now().Add(time.Hour)
	_, poll, err := s.h.env.Svc.CreateThread(ctx, s.alice, forum.NewThread{Category: "general", Title: "Vote now", Body: "Which?",
		Poll: &forum.PollInput{Options: []string{"A", "B"}, ClosesAt: &closes}})
	must(t, err)
	drain(t, s.h)

	ids := map[string]string{
		outThread: fmt.Sprintf("%s/p/%d", base, first.ID),
		outReply:  fmt.Sprintf("%s/p/%d", base, reply.ID),
		outPoll:   fmt.Sprintf("%s/p/%d", base, poll.ID),
	}
	titles := map[string]string{outThread: "Title & <stuff>", outPoll: "Vote now"}
	sent := map[string]map[string]any{}
	for _, c := range s.d.receivedOfType("Create") {
		obj, _ := c["object"].(map[string]any)
		for kind, id := range ids {
			if obj["id"] == id {
				sent[kind] = c
			}
		}
	}
	for _, rule := range outgoingRules(titles, base+"/c/general") {
		for _, kind := range []string{outThread, outReply, outPoll} {
			t.Run(rule.server+"/"+kind, func(t *testing.T) {
				act := sent[kind]
				if act == nil {
					t.Fatalf("no Create of the %s was delivered", kind)
				}
				obj, _ := act["object"].(map[string]any)
				for _, e := range rule.check(kind, act, obj) {
					t.Errorf("%s (%s)", e, rule.source)
				}
			})
		}
	}
}
