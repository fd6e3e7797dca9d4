package forum_test

import (
	"reflect"
	"testing"

	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// PostFor reads the post, its thread and its category in one joined
// statement: what it returns must be exactly the rows read one by one.
func TestPostForMatchesSeparateReads(t *testing.T) {
	e := forumtest.New(t)
	e.Category("general")
	alice := e.User("alice", models.RoleMember)
	th, first := e.Thread(alice, "general", "A thread to read back", "First post.")
	p, gotThread, err := e.Svc.PostFor(e.Ctx, alice, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantPost, err := e.Store.PostByID(e.Ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantThread, err := e.Store.ThreadByID(e.Ctx, th.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, wantPost) {
		t.Errorf("post:\n got %+v\nwant %+v", p, wantPost)
	}
	if !reflect.DeepEqual(gotThread, wantThread) {
		t.Errorf("thread:\n got %+v\nwant %+v", gotThread, wantThread)
	}
	_, _, c, err := e.Store.PostThreadCategory(e.Ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantCat, err := e.Store.CategoryByID(e.Ctx, th.CategoryID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, wantCat) {
		t.Errorf("category:\n got %+v\nwant %+v", c, wantCat)
	}
	if _, _, err := e.Svc.PostFor(e.Ctx, alice, first.ID+1000); err == nil {
		t.Error("a missing post was found")
	}
}
