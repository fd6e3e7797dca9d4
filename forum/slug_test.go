package forum_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// urlSafeSlug is what a slug made from a name looks like: lower-case ASCII
// letters and digits in dash-separated runs.
var urlSafeSlug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestSlugify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Long reads", "long-reads"},
		{"Café crème", "cafe-creme"},
		{"Ünïcödé Çafé", "unicode-cafe"},
		{"Straße & Æsir, Øresund, Łódź", "strasse-aesir-oresund-lodz"},
		{"  --Hello,  World!!--  ", "hello-world"},
		{"C++ / Go (and Rust)?", "c-go-and-rust"},
		{"🔥 Hot takes 🔥", "hot-takes"},
		{"snake_case name", "snake-case-name"},
		{"ｆｕｌｌｗｉｄｔｈ　２０２６", "fullwidth-2026"},
		{"日本語", ""},
		{"🎉🎉", ""},
		{"---", ""},
		{"Ελληνικά and English", "and-english"},
	} {
		if got := forum.Slugify(tc.in, 50); got != tc.want {
			t.Errorf("Slugify(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := forum.Slugify(strings.Repeat("word ", 30), 50)
	if len(long) > 50 || !urlSafeSlug.MatchString(long) {
		t.Errorf("long title: %q", long)
	}
	if got := forum.Slugify("aaaa ßßßß", 6); len(got) > 6 || !urlSafeSlug.MatchString(got) {
		t.Errorf("a transliteration at the limit: %q", got)
	}
}

// TestCategorySlugFromName: a category created with a name only gets a
// URL-safe slug; a taken one (another category, a member, a reserved name)
// gets a numeric suffix; a name with nothing to keep gets category-N. A slug
// the admin typed is kept as typed or refused with a suggestion.
func TestCategorySlugFromName(t *testing.T) {
	env := forumtest.New(t)
	admin := env.User("boss", models.RoleAdmin)
	env.User("alice", models.RoleMember)
	long := strings.Repeat("Very long category name ", 3) // 75 characters
	for _, tc := range []struct{ name, want string }{
		{"Long reads", "long-reads"},
		{"Café crème", "cafe-creme"},
		{"🔥 Hot takes 🔥", "hot-takes"},
		{"  Q & A!!  ", "q-a"},
		{"日本語", "category-1"},
		{"🎉🎉", "category-2"},
		{"General", "general"},
		{"general!", "general-2"},
		{"GENERAL", "general-3"},
		{"Admin", "admin-2"}, // "admin" is reserved
		{"Alice", "alice-2"}, // a member's name: categories share WebFinger's namespace
		{long, "very-long-category-name-very-long-category-name-ve"},
		{long + "!?", "very-long-category-name-very-long-category-name-2"},
	} {
		c, err := env.Svc.CreateCategory(env.Ctx, admin, forum.CategoryInput{Name: tc.name})
		if err != nil {
			t.Fatalf("create %q: %v", tc.name, err)
		}
		if c.Slug != tc.want || c.Name != strings.TrimSpace(tc.name) {
			t.Errorf("name %q: slug %q (name %q), want %q", tc.name, c.Slug, c.Name, tc.want)
		}
		if !urlSafeSlug.MatchString(c.Slug) || len(c.Slug) > 50 {
			t.Errorf("name %q: slug %q is not URL-safe", tc.name, c.Slug)
		}
		if got, err := env.Svc.CategoryBySlug(env.Ctx, c.Slug); err != nil || got.ID != c.ID {
			t.Errorf("slug %q does not find its category: %v", c.Slug, err)
		}
	}

	// A typed slug: kept as typed (lower-cased), or refused with a hint.
	c, err := env.Svc.CreateCategory(env.Ctx, admin, forum.CategoryInput{Name: "Old style", Slug: "Old_Style"})
	if err != nil || c.Slug != "old_style" {
		t.Fatalf("typed slug: %+v %v", c, err)
	}
	for _, tc := range []struct{ slug, hint string }{
		{"Long reads 2", "long-reads-2"},
		{"general", "exists"},
		{"alice", "member"},
		{"api", "reserved"},
		{"🎉", "lower-case letters"},
	} {
		_, err := env.Svc.CreateCategory(env.Ctx, admin, forum.CategoryInput{Name: "Typed", Slug: tc.slug})
		ve, ok := forum.AsValidation(err)
		if !ok || !strings.Contains(ve.Fields["slug"], tc.hint) {
			t.Errorf("typed slug %q: %v, want a slug error mentioning %q", tc.slug, err, tc.hint)
		}
	}
	// A name-only category without a name is a name error, not a slug one.
	_, err = env.Svc.CreateCategory(env.Ctx, admin, forum.CategoryInput{Name: "  "})
	if ve, ok := forum.AsValidation(err); !ok || ve.Fields["name"] == "" || ve.Fields["slug"] != "" {
		t.Errorf("empty name: %v", err)
	}
}
