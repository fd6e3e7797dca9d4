package forum

import (
	"context"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// SessionView is one signed-in browser as its owner sees it. PublicID
// names it for signing it out; it is not the cookie nor its hash.
type SessionView struct {
	PublicID   string
	Browser    string // e.g. "Firefox on Linux"
	Addr       string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool // the session making this request
}

// Sessions lists the member's signed-in browsers, most recently used
// first; current is the cookie secret of this request ("" for an API
// token), which marks "this device".
func (s *Service) Sessions(ctx context.Context, u *models.User, current string) ([]SessionView, error) {
	if u == nil {
		return nil, ErrUnauthorized
	}
	l, err := s.store.UserSessions(ctx, u.ID, s.now())
	if err != nil {
		return nil, err
	}
	cur := ""
	if current != "" {
		cur = hashToken(current)
	}
	out := make([]SessionView, len(l))
	for i, x := range l {
		out[i] = SessionView{PublicID: x.PublicID, Browser: BrowserName(x.UserAgent), Addr: x.IP,
			CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, Current: cur != "" && x.ID == cur}
	}
	return out, nil
}

// EndOwnSession signs out one of the member's sessions. Another member's
// session id is ErrNotFound, as is an unknown one: only your own exist.
func (s *Service) EndOwnSession(ctx context.Context, u *models.User, publicID string) error {
	if u == nil {
		return ErrUnauthorized
	}
	publicID = strings.TrimSpace(publicID)
	if publicID == "" {
		return ErrNotFound
	}
	ok, err := s.store.DeleteUserSession(ctx, u.ID, publicID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	return nil
}

// EndOtherSessions signs out every session of the member but the one with
// this cookie secret ("" from an API token: all of them), and says how
// many ended.
func (s *Service) EndOtherSessions(ctx context.Context, u *models.User, current string) (int64, error) {
	if u == nil {
		return 0, ErrUnauthorized
	}
	keep := ""
	if current != "" {
		keep = hashToken(current)
	}
	return s.store.DeleteOtherSessions(ctx, u.ID, keep)
}

// BrowserName says which browser and system a User-Agent header names, in
// the short form people recognise ("Firefox on Linux"). It is a guess
// from well-known tokens, for display only; unknown parts are left out.
func BrowserName(ua string) string {
	browser, system := uaBrowser(ua), uaSystem(ua)
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	return "Unknown browser"
}

// uaBrowser checks tokens in order: Edge and Opera also say "Chrome",
// Chrome also says "Safari".
func uaBrowser(ua string) string {
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"}, {"OPR/", "Opera"}, {"Vivaldi/", "Vivaldi"},
		{"SamsungBrowser/", "Samsung Internet"}, {"FxiOS/", "Firefox"}, {"Firefox/", "Firefox"},
		{"CriOS/", "Chrome"}, {"HeadlessChrome/", "Headless Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client/", "Go program"},
	} {
		if strings.Contains(ua, b.token) {
			return b.name
		}
	}
	return ""
}

func uaSystem(ua string) string {
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Macintosh", "macOS"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"}, {"FreeBSD", "FreeBSD"},
	} {
		if strings.Contains(ua, o.token) {
			return o.name
		}
	}
	return ""
}
