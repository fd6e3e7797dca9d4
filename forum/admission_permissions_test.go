package forum_test

import (
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// TestAdmissionPermissions is the role × action matrix for post admission.
func TestAdmissionPermissions(t *testing.T) {
	sandboxed := &models.User{ID: 99, Role: models.RoleMember, Sandboxed: true}
	remote := &models.User{ID: 98, Role: models.RoleMember, Domain: "mastodon.example"}
	held := &models.HeldPost{UserID: sandboxed.ID}
	type row struct{ approve, approveItem, flagItem, vouch, vouchRemote, seeHeld, words bool }
	want := map[string]row{
		models.RoleMember:     {},
		models.RoleAmbassador: {approve: true, approveItem: true, vouch: true, seeHeld: true},
		models.RoleModerator:  {approve: true, approveItem: true, flagItem: true, vouch: true, seeHeld: true, words: true},
		models.RoleAdmin:      {approve: true, approveItem: true, flagItem: true, vouch: true, seeHeld: true, words: true},
	}
	for role, w := range want {
		a := &models.User{ID: 1, Role: role}
		got := row{
			approve:     forum.CanApprove(a),
			approveItem: forum.CanApprove(a),
			flagItem:    forum.CanResolveQueueItem(a, 0),
			vouch:       forum.CanVouch(a, sandboxed),
			vouchRemote: forum.CanVouch(a, remote),
			seeHeld:     forum.CanSeeHeld(a, held),
			words:       forum.CanManageWatchedWords(a),
		}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", role, got, w)
		}
		if forum.CanVouch(a, a) {
			t.Errorf("%s may vouch for themself", role)
		}
	}
	if forum.CanApprove(nil) || forum.CanSeeHeld(nil, held) {
		t.Error("logged out may approve or see held posts")
	}
	if !forum.CanSeeHeld(sandboxed, held) {
		t.Error("author cannot see their held post")
	}
	for _, u := range []*models.User{sandboxed, {Role: models.RoleAmbassador, Sandboxed: true}, {Role: models.RoleMember}} {
		if got, want := forum.InSandbox(u), u == sandboxed; got != want {
			t.Errorf("InSandbox(%+v) = %v", u, got)
		}
	}
}
