package forum_test

import (
	"testing"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// On PostgreSQL a German forum stems German: "Katze" finds "Katzen" once
// the vectors are rebuilt for German, and not while they are English. On
// SQLite the rebuild does nothing and search keeps working.
func TestSearchStemsInTheForumsLanguage(t *testing.T) {
	e := forumtest.New(t)
	admin := e.User("boss", models.RoleAdmin)
	e.Category("general")
	e.Thread(admin, "general", "Unsere Katzen", "Die Katzen laufen schnell durch den Garten")
	found := func(q string) int {
		t.Helper()
		res, err := e.Svc.SearchWith(e.Ctx, forum.SearchQuery{Q: q, Kind: forum.SearchPosts})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Posts)
	}
	if found("Katzen") != 1 {
		t.Fatal("the exact word is not found")
	}
	de := "de"
	if _, err := e.Svc.SaveSite(e.Ctx, admin, forum.SiteInput{Language: &de}); err != nil {
		t.Fatal(err)
	}
	n, err := e.Svc.RestemSearch(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e.Store.Dialect() != "postgres" {
		if n != 0 {
			t.Errorf("SQLite rebuilt %d rows; it has nothing to rebuild", n)
		}
		if found("Katzen") != 1 {
			t.Error("search broke on SQLite")
		}
		return
	}
	if n != 2 { // the thread and its first post
		t.Errorf("rebuilt %d rows, want 2", n)
	}
	if found("Katze") != 1 {
		t.Error("German stemming: Katze does not find Katzen")
	}
	if n, _ := e.Svc.RestemSearch(e.Ctx); n != 0 {
		t.Errorf("a second run rebuilt %d rows, want 0", n)
	}
	en := "en"
	if _, err := e.Svc.SaveSite(e.Ctx, admin, forum.SiteInput{Language: &en}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.Svc.RestemSearch(e.Ctx); n != 2 {
		t.Errorf("back to English rebuilt %d rows, want 2", n)
	}
	if found("Katzen") != 1 {
		t.Error("after the rebuild for English, the exact word is not found")
	}
	if found("Katze") != 0 { // English stems "katzen" as itself, "katze" as "katz"
		t.Error("after the rebuild for English, German stems still meet")
	}
}
