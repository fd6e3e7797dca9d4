package forum_test

import (
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// TestSeedKeepsFirstSignUpAdmin: seeded members are demo data, not people.
// After seeding an empty forum nobody counts as signed up, the first person
// to sign up becomes the administrator and the next one does not; the
// seeded usernames are reported and log in with SeedPassword.
func TestSeedKeepsFirstSignUpAdmin(t *testing.T) {
	env := forumtest.New(t)
	res, err := env.Svc.Seed(env.Ctx, forum.SeedOptions{Users: 3, Threads: 2, PostsPerThread: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Usernames) != 3 {
		t.Fatalf("usernames reported: %v", res.Usernames)
	}
	for _, name := range res.Usernames {
		u, err := env.Svc.Authenticate(env.Ctx, name, forum.SeedPassword, "192.0.2.1")
		if err != nil || !u.Seeded || u.Role != models.RoleMember {
			t.Fatalf("seeded %s with the demo password: %+v %v", name, u, err)
		}
	}
	if n, err := env.Svc.UserCount(env.Ctx); err != nil || n != 0 {
		t.Fatalf("sign-ups after seeding: %d %v, want 0", n, err)
	}

	first, admin, err := env.Svc.SignUp(env.Ctx, forum.SignUpInput{Username: "founder", Email: "founder@example.com", Password: "correct horse"})
	if err != nil || !admin || first.Role != models.RoleAdmin || first.Seeded {
		t.Fatalf("first sign-up after seeding: %+v admin=%v %v", first, admin, err)
	}
	second, admin, err := env.Svc.SignUp(env.Ctx, forum.SignUpInput{Username: "second", Email: "second@example.com", Password: "correct horse"})
	if err != nil || admin || second.Role != models.RoleMember {
		t.Fatalf("second sign-up: %+v admin=%v %v", second, admin, err)
	}

	// Seeding again later changes nothing about who signed up.
	if _, err := env.Svc.Seed(env.Ctx, forum.SeedOptions{Users: 2, Threads: 1, PostsPerThread: 1}); err != nil {
		t.Fatal(err)
	}
	if n, _ := env.Svc.UserCount(env.Ctx); n != 2 {
		t.Errorf("sign-ups after a second seed: %d, want 2", n)
	}
}

// TestSeedCategoryByName: --category takes a slug or a name; a name is
// seeded under its URL-safe slug and found there the next time.
func TestSeedCategoryByName(t *testing.T) {
	env := forumtest.New(t)
	for range 2 {
		if _, err := env.Svc.Seed(env.Ctx, forum.SeedOptions{Users: 1, Threads: 1, PostsPerThread: 1, Category: "Long reads"}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := env.Svc.CategoryBySlug(env.Ctx, "long-reads")
	if err != nil || c.Name != "Long reads" || c.ThreadCount != 2 {
		t.Fatalf("seeded category: %+v %v", c, err)
	}
	if _, err := env.Svc.Seed(env.Ctx, forum.SeedOptions{Users: 1, Threads: 1, PostsPerThread: 1, Category: "help"}); err != nil {
		t.Fatal(err)
	}
	if c, err := env.Svc.CategoryBySlug(env.Ctx, "help"); err != nil || c.Name != "Help" {
		t.Fatalf("slug category: %+v %v", c, err)
	}
	for _, bad := range []string{"🎉", "Admin"} {
		if _, err := env.Svc.Seed(env.Ctx, forum.SeedOptions{Users: 1, Threads: 1, PostsPerThread: 1, Category: bad}); err == nil {
			t.Errorf("--category %q was accepted", bad)
		}
	}
}
