package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// The community manager's page, /community: who is waiting for an answer,
// and (for staff) the analytics with charts, tables and a CSV export.
// Never cached: it is for the team.

func (s *Server) communityRoutes(g *echo.Group) {
	g.GET("/community", s.communityPage, requireLogin)
	g.POST("/community/threads/:id/assign", s.assignForm, requireLogin)
	g.GET("/community/stats.csv", s.communityStatsCSV, requireLogin)
	g.GET("/community/campaigns", s.campaignsPage, requireLogin)
	g.POST("/community/campaigns", s.createCampaignForm, requireLogin)
	g.GET("/community/campaigns/:slug", s.campaignPage, requireLogin)
	g.GET("/community/announcements", s.announcementsPage, requireLogin)
	g.POST("/community/announcements", s.scheduleForm, requireLogin)
	g.POST("/community/announcements/:id/cancel", s.cancelScheduled, requireLogin)
	g.POST("/community/announcements/:id/end-banner", s.endBanner, requireLogin)
}

// CommunityData is the /community page.
type CommunityData struct {
	Queue *forum.NeedsResponsePage
	// NextURL keeps the category filter on the link to the next page.
	NextURL string
	// The analytics: nil for ambassadors, who see the queue only.
	Stats     *StatsJSON
	Charts    []Chart
	TTFR      Chart
	Retention []CohortJSON
	RetWeeks  []int // "+1".."+N" column headings
	Range     Form  // from/to as typed, with errors
	CSVURL    string
	Presets   []RangePreset
	// Tiles sum the window up against the previous one of equal length
	// (PrevFrom..PrevTo, both days included).
	Tiles            []StatTile
	Days             int
	PrevFrom, PrevTo string
}

// RangePreset is a quick link to a common window.
type RangePreset struct {
	Label, URL string
}

func (s *Server) communityPage(c echo.Context) error {
	ctx, v := c.Request().Context(), viewer(c)
	q, err := s.forum.NeedsResponse(ctx, v, c.QueryParam("category"), c.QueryParam("after"))
	if err != nil {
		return err
	}
	d := CommunityData{Queue: q}
	if q.Next != "" {
		p := c.QueryParams()
		p.Set("after", q.Next)
		d.NextURL = "/community?" + p.Encode()
	}
	if forum.CanReadCommunityStats(v) {
		if err := s.communityAnalytics(c, &d); err != nil {
			return err
		}
	}
	p := s.page(c, s.t(c, "staff.community.title"))
	p.NoIndex = true
	p.Data = d
	return s.tmpl.render(c, http.StatusOK, "community", p)
}

func (s *Server) communityAnalytics(c echo.Context, d *CommunityData) error {
	from, to := c.QueryParam("from"), c.QueryParam("to")
	d.Range = Form{Values: map[string]string{"from": from, "to": to}, Errors: map[string]string{}}
	st, err := s.communityStats(c, from, to)
	if ve, ok := forum.AsValidation(err); ok {
		// Keep what was typed, say what is wrong, and show the default window.
		d.Range.Errors = fieldErrors(c, ve)
		from, to = "", ""
		st, err = s.communityStats(c, "", "")
	}
	if err != nil {
		return err
	}
	j := s.statsJSON(st)
	d.Stats = &j
	d.Days = st.WindowDays()
	d.PrevFrom, d.PrevTo = forum.PreviousWindow(st)
	prev, err := s.communityStats(c, d.PrevFrom, d.PrevTo)
	if err != nil {
		return err
	}
	l := s.lang(c)
	d.Tiles = statTiles(l, forum.StatsTiles(st, prev))
	if d.Range.Values["from"] == "" && d.Range.Values["to"] == "" {
		d.Range.Values["from"], d.Range.Values["to"] = j.From, j.To
	}
	qs := url.Values{"from": {j.From}, "to": {j.To}}
	d.CSVURL = "/community/stats.csv?" + qs.Encode()
	last, _ := time.Parse("2006-01-02", j.To)
	for _, n := range []int{7, 30, 90} {
		u := url.Values{"from": {last.AddDate(0, 0, -(n - 1)).Format("2006-01-02")}, "to": {j.To}}
		d.Presets = append(d.Presets, RangePreset{Label: l.N("staff.community.preset_days", n), URL: "/community?" + u.Encode()})
	}
	series := func(id, title, unit string, val func(DayStatsJSON) int64) Chart {
		title, unit = l.T(title), l.T(unit)
		ch := Chart{ID: id, Title: title, Unit: unit, Desc: l.T("staff.community.chart_desc", "Title", title, "From", j.From, "To", j.To)}
		for _, day := range j.Days {
			ch.Points = append(ch.Points, Point{Label: day.Day[5:], Value: float64(val(day))})
		}
		return ch
	}
	d.Charts = []Chart{
		LineChart(series("chart-dau", "staff.community.chart_dau", "staff.community.unit_members", func(x DayStatsJSON) int64 { return x.DAU })),
		BarChart(series("chart-posts", "staff.community.chart_posts", "staff.community.unit_posts", func(x DayStatsJSON) int64 { return x.Posts })),
		BarChart(series("chart-threads", "staff.community.chart_threads", "staff.community.unit_threads", func(x DayStatsJSON) int64 { return x.Threads })),
		BarChart(series("chart-members", "staff.community.chart_members", "staff.community.unit_members", func(x DayStatsJSON) int64 { return x.NewMembers })),
	}
	ttfr := Chart{ID: "chart-ttfr", Title: l.T("staff.community.chart_ttfr"), Unit: l.T("staff.community.unit_minutes"),
		Desc: l.T("staff.community.chart_ttfr_desc", "From", j.From, "To", j.To)}
	for _, cat := range j.Categories {
		ttfr.Points = append(ttfr.Points, Point{Label: cat.Name, Value: float64(cat.TTFRMedianSeconds/6) / 10})
	}
	d.TTFR = BarChart(ttfr)
	cohorts, err := s.communityRetention(c, 0)
	if err != nil {
		return err
	}
	for i, co := range cohorts {
		d.Retention = append(d.Retention, CohortJSON{WeekStart: co.WeekStart.Format("2006-01-02"), Members: co.Members, Retention: co.Retention})
		if i == 0 {
			for k := range co.Retention {
				d.RetWeeks = append(d.RetWeeks, k+1)
			}
		}
	}
	return nil
}

// assignForm is the queue's assignment form: the same domain call as
// POST /api/v1/threads/{id}/assign (forum.Assign checks who may), from a
// page with CSRF. A bad username or date comes back as a flash with the
// row to retry; nothing else was typed.
func (s *Server) assignForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	back := "/community"
	if cat := c.FormValue("category"); cat != "" {
		back += "?" + url.Values{"category": {cat}}.Encode()
	}
	back += "#thread-" + strconv.FormatInt(id, 10)
	var due *time.Time
	if d := strings.TrimSpace(c.FormValue("due")); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			s.setFlash(c, s.t(c, "staff.community.bad_due"))
			return c.Redirect(http.StatusSeeOther, back)
		}
		t = t.Add(24*time.Hour - time.Second) // due by the end of that day (UTC)
		due = &t
	}
	_, assignee, err := s.forum.Assign(c.Request().Context(), viewer(c), id, c.FormValue("username"), due)
	if ve, ok := forum.AsValidation(err); ok {
		msg := fieldErrors(c, ve)["username"]
		if msg == "" {
			msg = errorText(c, ve)
		}
		s.setFlash(c, s.t(c, "staff.community.not_assigned", "Error", msg))
		return c.Redirect(http.StatusSeeOther, back)
	}
	if err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.community.assigned", "Name", assignee.Username))
	return c.Redirect(http.StatusSeeOther, back)
}
