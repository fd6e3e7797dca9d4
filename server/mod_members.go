package server

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The staff member list (/mod/members and its JSON twin): search and
// filters from the query string, keyset-paged; every rule is in forum/.

func (s *Server) memberListRoutes(g *echo.Group) {
	g.GET("/mod/members", s.modMembers, requireLogin)
	g.POST("/mod/users/:username/sessions", s.modEndMemberSession, requireLogin)
}

func (s *Server) apiMemberListRoutes(g *echo.Group) {
	g.GET("/mod/members", s.apiModMembers)
	g.POST("/mod/users/:username/sessions/end", s.apiEndMemberSession)
}

// memberFilter reads the list's filters from the query string.
func memberFilter(c echo.Context) forum.MemberFilter {
	q := c.QueryParam
	return forum.MemberFilter{
		Query: q("q"), Role: q("role"), Sandboxed: q("sandboxed") == "1" || q("sandboxed") == "true",
		Sanction: q("sanction"), Origin: q("origin"), Domain: q("domain"),
		JoinedAfter: q("joined_after"), JoinedBefore: q("joined_before"),
		SeenAfter: q("seen_after"), SeenBefore: q("seen_before"), Sort: q("sort"), Before: q("before"),
	}
}

// ModMembersData is the member list page. Filter holds what was typed, so
// the form shows it again (also after a refused value, with Form's errors).
type ModMembersData struct {
	Filter  forum.MemberFilter
	Page    *forum.MemberPage
	NextURL string
}

func (s *Server) modMembers(c echo.Context) error {
	f := memberFilter(c)
	d := ModMembersData{Filter: f, Page: &forum.MemberPage{}}
	p := s.page(c, s.t(c, "staff.members.title"))
	p.NoIndex = true
	status := http.StatusOK
	page, err := s.forum.Members(c.Request().Context(), viewer(c), f)
	if v, ok := forum.AsValidation(err); ok {
		status = http.StatusUnprocessableEntity
		p.Form = Form{Errors: fieldErrors(c, v)}
	} else if err != nil {
		return err
	} else {
		d.Page = page
		if page.Next != "" {
			qs := c.QueryParams()
			qs.Set("before", page.Next)
			d.NextURL = "/mod/members?" + qs.Encode()
		}
	}
	p.Data = d
	return s.tmpl.render(c, status, "mod_members", p)
}

// MemberRowJSON is one member on the staff list.
type MemberRowJSON struct {
	User          *UserJSON  `json:"user"`
	StaffURL      string     `json:"staff_url"`
	Domain        string     `json:"domain,omitempty"`
	JoinedAt      time.Time  `json:"joined_at"`
	LastSeen      *time.Time `json:"last_seen,omitempty"` // first use on the last UTC day seen
	PostCount     int        `json:"post_count"`
	Sandboxed     bool       `json:"sandboxed"`
	Suspended     bool       `json:"suspended"`
	Silenced      bool       `json:"silenced"`
	TwoFactor     bool       `json:"two_factor"`
	EmailVerified bool       `json:"email_verified"`
}

func (s *Server) apiModMembers(c echo.Context) error {
	page, err := s.forum.Members(c.Request().Context(), viewer(c), memberFilter(c))
	if err != nil {
		return err
	}
	rows := make([]MemberRowJSON, len(page.Members))
	for i, m := range page.Members {
		u := m.User
		rows[i] = MemberRowJSON{User: s.userJSON(u), StaffURL: s.cfg.URL + memberRecordPath(u.Username), Domain: u.Domain,
			JoinedAt: u.CreatedAt, LastSeen: m.LastSeen, PostCount: u.PostCount, Sandboxed: u.Sandboxed,
			Suspended: m.Suspended, Silenced: m.Silenced, TwoFactor: u.TwoFactor, EmailVerified: u.EmailVerifiedAt != nil}
	}
	out := map[string]any{"members": rows}
	if page.Next != "" {
		out["next"] = page.Next
	}
	return c.JSON(http.StatusOK, out)
}

// memberRecordPath is a member's staff page.
func memberRecordPath(username string) string { return "/mod/users/" + url.PathEscape(username) }

// modEndMemberSession signs out one of a member's browsers from their
// staff page (form field session: its public id).
func (s *Server) modEndMemberSession(c echo.Context) error {
	name := c.Param("username")
	if err := s.forum.EndMemberSession(c.Request().Context(), viewer(c), name, c.FormValue("session")); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.members.session_ended"))
	return redirectLocal(c, memberRecordPath(name))
}

func (s *Server) apiEndMemberSession(c echo.Context) error {
	var in struct {
		Session string `json:"session"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if err := s.forum.EndMemberSession(c.Request().Context(), viewer(c), c.Param("username"), in.Session); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// sessionsJSON is a member's sessions for staff (Current is always false:
// the request is not theirs).
func sessionsJSON(l []forum.SessionView) []SessionJSON {
	out := make([]SessionJSON, len(l))
	for i, x := range l {
		out[i] = SessionJSON{ID: x.PublicID, Browser: x.Browser, Address: x.Addr, CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt}
	}
	return out
}
