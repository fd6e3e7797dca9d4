package server_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/hearth/hearth/models"
)

// inlineStyle finds style attributes, which the Content-Security-Policy
// (style-src 'self') makes the browser ignore: whatever they paint is lost.
var inlineStyle = regexp.MustCompile(`<[a-zA-Z][^>]*\sstyle=`)

// TestStaffPagesHaveNoInlineStyles: the community dashboard's SVG charts
// took their accent colour from style attributes; under the CSP browsers
// dropped them, so bars and dots were drawn black (invisible in dark mode)
// and the line chart had no line at all.
func TestStaffPagesHaveNoInlineStyles(t *testing.T) {
	ts := newTestServer(t)
	ts.Category("help")
	admin := ts.User("boss", models.RoleAdmin)
	th, _ := ts.Thread(admin, "help", "A question", "body")
	ts.Reply(admin, th.ID, "an answer")
	b := ts.browser()
	b.login("boss")
	for _, p := range []string{"/", "/c/help", "/t/1", "/community", "/mod", "/mod/audit", "/settings", "/u/boss"} {
		r := b.get(p)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p, r.StatusCode)
		}
		if m := inlineStyle.FindString(r.Body); m != "" {
			t.Errorf("%s has an inline style the CSP blocks: %s", p, m)
		}
	}
}
