package forum_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func TestSignUpFirstUserIsAdmin(t *testing.T) {
	e := forumtest.New(t)
	u1, first, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "Alice", Email: "alice@example.com", Password: "correct horse"})
	if err != nil || !first || u1.Role != models.RoleAdmin {
		t.Fatalf("first signup: user=%+v first=%v err=%v", u1, first, err)
	}
	u2, first, err := e.Svc.SignUp(e.Ctx, forum.SignUpInput{Username: "bob", Email: "bob@example.com", Password: "correct horse"})
	if err != nil || first || u2.Role != models.RoleMember {
		t.Fatalf("second signup: user=%+v first=%v err=%v", u2, first, err)
	}
}

func TestSignUpValidation(t *testing.T) {
	e := forumtest.New(t)
	e.User("alice", models.RoleMember)
	e.Category("general")
	cases := []struct {
		name  string
		in    forum.SignUpInput
		field string
	}{
		{"duplicate username any case", forum.SignUpInput{Username: "ALICE", Email: "x@example.com", Password: "correct horse"}, "username"},
		{"duplicate email any case", forum.SignUpInput{Username: "alice2", Email: "Alice@Example.com", Password: "correct horse"}, "email"},
		{"bad characters", forum.SignUpInput{Username: "al ice", Email: "y@example.com", Password: "correct horse"}, "username"},
		{"invalid utf8", forum.SignUpInput{Username: "al\xffce", Email: "y@example.com", Password: "correct horse"}, "username"},
		{"reserved", forum.SignUpInput{Username: "admin", Email: "y@example.com", Password: "correct horse"}, "username"},
		{"category name", forum.SignUpInput{Username: "General", Email: "y@example.com", Password: "correct horse"}, "username"},
		{"bad email", forum.SignUpInput{Username: "carol", Email: "not-an-email", Password: "correct horse"}, "email"},
		{"short password", forum.SignUpInput{Username: "carol", Email: "c@example.com", Password: "short"}, "password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.Svc.SignUp(e.Ctx, tc.in)
			ve, ok := forum.AsValidation(err)
			if !ok || ve.Fields[tc.field] == "" {
				t.Fatalf("want validation error on %s, got %v", tc.field, err)
			}
		})
	}
}

func TestAuthenticateAndRateLimit(t *testing.T) {
	e := forumtest.New(t)
	e.User("alice", models.RoleMember)
	if u, err := e.Svc.Authenticate(e.Ctx, "ALICE@example.com", "password123", "10.0.0.1"); err != nil || u.Username != "alice" {
		t.Fatalf("login by email: %v", err)
	}
	for i := 0; i < 5; i++ {
		if _, err := e.Svc.Authenticate(e.Ctx, "alice", "wrong", "10.0.0.1"); err == nil {
			t.Fatal("wrong password accepted")
		}
	}
	// Limited where the failures came from, not everywhere
	// (login_limits_test.go has the rest).
	_, err := e.Svc.Authenticate(e.Ctx, "alice", "password123", "10.0.0.1")
	var rl *forum.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("address not rate limited after 5 failures on the account: %v", err)
	}
	if _, err := e.Svc.Authenticate(e.Ctx, "alice", "password123", "10.0.0.2"); err != nil {
		t.Fatalf("five failures from one address locked the owner out elsewhere: %v", err)
	}
	// Per IP: many accounts guessed from one address.
	for i := 0; i < 20; i++ {
		_, _ = e.Svc.Authenticate(e.Ctx, fmt.Sprintf("nobody%d", i), "x", "10.9.9.9")
	}
	e.User("bob", models.RoleMember)
	if _, err := e.Svc.Authenticate(e.Ctx, "bob", "password123", "10.9.9.9"); !errors.As(err, &rl) {
		t.Fatalf("IP not rate limited after 20 failures: %v", err)
	}
	if _, err := e.Svc.Authenticate(e.Ctx, "bob", "password123", "10.0.0.3"); err != nil {
		t.Fatalf("other IP should still log in: %v", err)
	}
}

func TestSessionsAndTokens(t *testing.T) {
	e := forumtest.New(t)
	u := e.User("alice", models.RoleMember)
	secret, err := e.Svc.StartSession(e.Ctx, u.ID, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.Svc.SessionUser(e.Ctx, secret); err != nil || got.ID != u.ID {
		t.Fatalf("session user: %v", err)
	}
	if err := e.Svc.EndSession(e.Ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.SessionUser(e.Ctx, secret); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("ended session still valid: %v", err)
	}
	tok, err := e.Svc.CreateToken(e.Ctx, u.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.Svc.TokenUser(e.Ctx, tok); err != nil || got.ID != u.ID {
		t.Fatalf("token user: %v", err)
	}
	if _, err := e.Svc.TokenUser(e.Ctx, tok+"x"); !errors.Is(err, forum.ErrUnauthorized) {
		t.Fatalf("wrong token accepted: %v", err)
	}
}

func TestCategoryRules(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("root1", models.RoleAdmin)
	mod := e.User("mod1", models.RoleModerator)
	member := e.User("member1", models.RoleMember)
	if _, err := e.Svc.CreateCategory(e.Ctx, member, forum.CategoryInput{Name: "X"}); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("member created a category: %v", err)
	}
	if _, err := e.Svc.CreateCategory(e.Ctx, mod, forum.CategoryInput{Name: "X"}); !errors.Is(err, forum.ErrForbidden) {
		t.Fatalf("moderator created a category: %v", err)
	}
	parent, err := e.Svc.CreateCategory(e.Ctx, admin, forum.CategoryInput{Name: "Help Desk", Color: "#112233"})
	if err != nil || parent.Slug != "help-desk" {
		t.Fatalf("create: %+v %v", parent, err)
	}
	child, err := e.Svc.CreateCategory(e.Ctx, admin, forum.CategoryInput{Name: "Billing", ParentSlug: "help-desk"})
	if err != nil || child.ParentID == nil || *child.ParentID != parent.ID {
		t.Fatalf("subcategory: %+v %v", child, err)
	}
	for name, in := range map[string]forum.CategoryInput{
		"sub-sub":     {Name: "Deep", ParentSlug: "billing"},
		"dup slug":    {Name: "Other", Slug: "help-desk"},
		"bad colour":  {Name: "Colour", Color: "red"},
		"member name": {Name: "Mine", Slug: "member1"},
		"empty name":  {Name: "  "},
	} {
		if _, err := e.Svc.CreateCategory(e.Ctx, admin, in); err == nil {
			t.Errorf("%s: accepted", name)
		} else if _, ok := forum.AsValidation(err); !ok {
			t.Errorf("%s: want validation error, got %v", name, err)
		}
	}
	tree, err := e.Svc.CategoryTree(e.Ctx)
	if err != nil || len(tree) != 1 || len(tree[0].Children) != 1 {
		t.Fatalf("tree: %+v %v", tree, err)
	}
}
