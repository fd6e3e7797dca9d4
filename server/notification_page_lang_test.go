package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestNotificationsPageInTheMembersLanguage: the notifications page
// speaks the member's language, whatever the browser asks for: a German
// member reads German sentences in <html lang="de">, an English member
// English even with Accept-Language: de, and a member with no setting
// their browser's language, else the site's.
func TestNotificationsPageInTheMembersLanguage(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("general")
	b := ts.browser()
	b.signup("alice")
	alice, err := ts.Store.UserByUsername(ts.Ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	th, first := ts.Thread(alice, "general", "Starter loaf", "Look at it.")
	for _, name := range []string{"ana", "ben", "cy"} {
		if _, err := ts.Svc.SetLike(ts.Ctx, ts.User(name, models.RoleMember), first.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	ts.Reply(ts.User("fay", models.RoleMember), th.ID, "Lovely crumb.")

	page := func(accept string) string {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/notifications", nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		return b.do(req).Body
	}
	setLang := func(code string) {
		if err := ts.Store.UpdateUserFields(ts.Ctx, alice.ID, map[string]any{"language": code}); err != nil {
			t.Fatal(err)
		}
	}
	german := []string{`<html lang="de"`, "fay hat in Starter loaf geantwortet", "cy, ben und ana gefällt dein Beitrag in Starter loaf"}
	english := []string{`<html lang="en"`, "fay replied in Starter loaf", "cy, ben and ana liked your post in Starter loaf"}
	for _, c := range []struct {
		name, setting, accept, site string
		want                        []string
	}{
		{"german member", "de", "", "en", german},
		{"german member, english browser", "de", "en-US,en;q=0.9", "en", german},
		{"english member, german browser", "en", "de-DE,de;q=0.9", "de", english},
		{"no setting, german browser", "", "de", "en", german},
		{"no setting, no header, german site", "", "", "de", german},
		{"no setting, no header, english site", "", "", "en", english},
	} {
		t.Run(c.name, func(t *testing.T) {
			setLang(c.setting)
			if err := ts.Store.DB(ts.Ctx).Exec(`UPDATE site_settings SET language = ?, version = version + 1`, c.site).Error; err != nil {
				t.Fatal(err)
			}
			body := page(c.accept)
			plain := strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(body, "")), " ")
			for _, w := range c.want {
				if !strings.Contains(body, w) && !strings.Contains(plain, w) {
					t.Errorf("page lacks %q:\n%s", w, plain)
				}
			}
		})
	}
}
