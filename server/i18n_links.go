package server

import (
	"html/template"
	"strings"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// userLink is a member's name linking to their page, as HTML to pass into
// a catalog message that places the name in its sentence
// ({{th "forum.thread_list.by" "Name" (userLink .URL .Name)}}): the
// sentence's word order is the translator's, the link is built here. The
// name is escaped; an address that is neither a path on this site nor
// http(s) (a remote server's javascript: URL) is dropped, as html/template
// would, leaving the plain name.
func userLink(href, name string) template.HTML {
	n := template.HTMLEscapeString(name)
	if !safeHref(href) {
		return template.HTML(n) // #nosec G203 -- escaped above
	}
	return template.HTML(`<a class="user-link" href="` + template.HTMLEscapeString(href) + `">` + n + `</a>`) // #nosec G203 -- both parts escaped, href checked
}

// safeHref reports whether href is a path on this site or an http(s) URL.
func safeHref(href string) bool {
	if strings.HasPrefix(href, "/") {
		return !strings.HasPrefix(href, "//") && !strings.HasPrefix(href, `/\`)
	}
	l := strings.ToLower(href)
	return strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")
}

// checkedURL is href when safeHref allows it, else "#": for an address
// from elsewhere that a catalog message places in a link with th (which
// escapes it but, unlike html/template, does not check its scheme).
func checkedURL(href string) string {
	if safeHref(href) {
		return href
	}
	return "#"
}

// slowEvery says a slow-mode interval in words in l ("1 hour 30 minutes",
// "1 Stunde 30 Minuten"), as forum.SlowModeEvery does in English.
func slowEvery(l *i18n.Lang, secs int) string { return l.Duration(secs) }

// memberLink is userLink for a member (the "user_link" partial as HTML for a
// catalog message), or "someone" in l for a member who is gone.
func memberLink(l *i18n.Lang, u *models.User) template.HTML {
	if u == nil {
		return template.HTML(template.HTMLEscapeString(l.T("forum.user.someone"))) // #nosec G203 -- escaped
	}
	return userLink(profilePath(u), u.Name())
}
