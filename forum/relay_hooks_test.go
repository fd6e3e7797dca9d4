package forum_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// relayRecorder is hooks that record what the forum hands the relay.
type relayRecorder struct {
	forum.Hooks
	got []string // "category:activity"
}

func (r *relayRecorder) RemoteAccepted(_ context.Context, cat *models.Category, _ *models.Post, activity []byte) error {
	r.got = append(r.got, cat.Slug+":"+string(activity))
	return nil
}

type noHooks struct{}

func (noHooks) ThreadCreated(context.Context, *models.Thread, *models.Post) error { return nil }
func (noHooks) PostCreated(context.Context, *models.Thread, *models.Post) error   { return nil }
func (noHooks) PostEdited(context.Context, *models.Post) error                    { return nil }
func (noHooks) PostDeleted(context.Context, *models.Post) error                   { return nil }

// TestRelayHearsOnlyWhatWasAccepted: the relay is told of each remote
// reply, edit, deletion and like that changed a thread, with its activity,
// once; repeats, no-change edits, unlikes, refusals, held replies (until
// approved) and anything in the private category are never relayed.
func TestRelayHearsOnlyWhatWasAccepted(t *testing.T) {
	e := forumtest.New(t)
	rec := &relayRecorder{Hooks: noHooks{}}
	e.Svc.SetHooks(rec)
	e.Category("general")
	boss := e.User("boss", models.RoleAdmin)
	th, first := e.Thread(e.User("alice", models.RoleMember), "general", "Hello there", "hello")
	dan := e.RemoteUser("dan", "mastodon.example")
	note := forum.RemoteNote{APID: "https://mastodon.example/users/dan/statuses/1", HTML: "<p>hi</p>", Activity: []byte("create")}
	step := func(name string, want []string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Join(rec.got, ",") != strings.Join(want, ",") {
			t.Fatalf("after %s the relay heard %q, want %q", name, rec.got, want)
		}
	}
	_, err := e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note)
	step("a reply", []string{"general:create"}, err)
	_, err = e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, note)
	step("the reply again", []string{"general:create"}, err)
	note.Activity = []byte("same")
	_, err = e.Svc.EditFromRemote(e.Ctx, dan, note)
	step("an edit that changes nothing", []string{"general:create"}, err)
	note.HTML, note.Activity = "<p>hi again</p>", []byte("update")
	_, err = e.Svc.EditFromRemote(e.Ctx, dan, note)
	step("an edit", []string{"general:create", "general:update"}, err)
	_, err = e.Svc.LikeFromRemote(e.Ctx, dan, first.ID, true, []byte("like"))
	step("a like", []string{"general:create", "general:update", "general:like"}, err)
	_, err = e.Svc.LikeFromRemote(e.Ctx, dan, first.ID, true, []byte("like2"))
	step("the like again", []string{"general:create", "general:update", "general:like"}, err)
	_, err = e.Svc.LikeFromRemote(e.Ctx, dan, first.ID, false, []byte("unlike"))
	step("an unlike", []string{"general:create", "general:update", "general:like"}, err)
	err = e.Svc.DeleteFromRemote(e.Ctx, dan, note.APID, []byte("delete"))
	step("a deletion", []string{"general:create", "general:update", "general:like", "general:delete"}, err)
	err = e.Svc.DeleteFromRemote(e.Ctx, dan, note.APID, []byte("delete2"))
	step("the deletion again", []string{"general:create", "general:update", "general:like", "general:delete"}, err)
	rec.got = nil

	// Held, then approved: relayed on approval with the activity it came in.
	if _, err := e.Svc.BlockInstance(e.Ctx, boss, "mastodon.example", models.BlockSilence, ""); err != nil {
		t.Fatal(err)
	}
	held := forum.RemoteNote{APID: "https://mastodon.example/users/dan/statuses/2", HTML: "<p>quiet</p>", Activity: []byte("held")}
	_, err = e.Svc.ReplyFromRemote(e.Ctx, dan, th.ID, first.ID, held)
	step("a held reply", nil, err)
	q, err := e.Svc.Queue(e.Ctx, boss, "", "")
	if err != nil || len(q.Items) != 1 {
		t.Fatalf("queue: %v %+v", err, q)
	}
	err = e.Svc.ResolveQueueItem(e.Ctx, boss, q.Items[0].ID, forum.ResolveApprove, "")
	step("its approval", []string{"general:held"}, err)
	rec.got = nil

	// The private category: a like by a remote account cannot even reach
	// it (it is not visible to them), and the guard drops anything else.
	if _, err := e.Svc.CreateCategory(e.Ctx, boss, forum.CategoryInput{Name: "Ambassadors", Slug: "amb", AmbassadorsOnly: true}); err != nil {
		t.Fatal(err)
	}
	amb := e.User("amby", models.RoleAmbassador)
	_, pfirst := e.Thread(amb, "amb", "Private matters", "secret")
	if _, err := e.Svc.LikeFromRemote(e.Ctx, dan, pfirst.ID, true, []byte("private-like")); err == nil {
		t.Error("a remote account liked a post in the private category")
	}
	step("a like in the private category", nil, nil)
}
