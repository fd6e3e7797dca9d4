package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Campaigns: staff start one (name, hashtag, window, target), share its
// signup link, and follow it day by day, as pages and as JSON.

// CampaignJSON is a campaign as the API shows it.
type CampaignJSON struct {
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Hashtag   string    `json:"hashtag"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Target    int64     `json:"target"`
	URL       string    `json:"url"`
	SignupURL string    `json:"signup_url"`
}

// CampaignDayJSON is one day of a campaign.
type CampaignDayJSON struct {
	Day                string `json:"day"`
	Posts              int64  `json:"posts"`
	Participants       int64  `json:"participants"`
	NewMembers         int64  `json:"new_members"`
	RemoteInteractions int64  `json:"remote_interactions"`
}

func (s *Server) campaignJSON(c *models.Campaign) CampaignJSON {
	return CampaignJSON{Slug: c.Slug, Name: c.Name, Hashtag: c.Hashtag, StartsAt: c.StartsAt, EndsAt: c.EndsAt, Target: c.Target,
		URL: s.cfg.URL + "/community/campaigns/" + url.PathEscape(c.Slug), SignupURL: s.cfg.URL + "/signup?campaign=" + url.QueryEscape(c.Slug)}
}

func (s *Server) apiCampaigns(c echo.Context) error {
	list, err := s.forum.Campaigns(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	out := make([]CampaignJSON, len(list))
	for i := range list {
		out[i] = s.campaignJSON(&list[i])
	}
	return c.JSON(http.StatusOK, map[string]any{"campaigns": out})
}

func (s *Server) apiCreateCampaign(c echo.Context) error {
	var in struct {
		Name     string `json:"name"`
		Slug     string `json:"slug"`
		Hashtag  string `json:"hashtag"`
		StartsAt string `json:"starts_at"`
		EndsAt   string `json:"ends_at"`
		Target   int64  `json:"target"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	camp, err := s.forum.CreateCampaign(c.Request().Context(), viewer(c), forum.CampaignInput{Name: in.Name, Slug: in.Slug,
		Hashtag: in.Hashtag, StartsAt: in.StartsAt, EndsAt: in.EndsAt, Target: in.Target})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.campaignJSON(camp))
}

func (s *Server) apiCampaign(c echo.Context) error {
	r, err := s.forum.CampaignReport(c.Request().Context(), viewer(c), c.Param("slug"))
	if err != nil {
		return err
	}
	days := make([]CampaignDayJSON, len(r.Days))
	for i, d := range r.Days {
		days[i] = CampaignDayJSON{Day: d.Day.Format("2006-01-02"), Posts: d.Posts, Participants: d.Participants, NewMembers: d.NewMembers, RemoteInteractions: d.RemoteInteractions}
	}
	return c.JSON(http.StatusOK, map[string]any{"campaign": s.campaignJSON(r.Campaign), "posts": r.Posts, "participants": r.Participants,
		"new_members": r.NewMembers, "remote_interactions": r.RemoteInteractions, "progress": r.Progress, "days": days})
}

// CampaignsData is the campaigns page: the list and the form to start one.
type CampaignsData struct {
	Campaigns []CampaignJSON
}

func (s *Server) renderCampaigns(c echo.Context, status int, form Form) error {
	list, err := s.forum.Campaigns(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	d := CampaignsData{}
	for i := range list {
		d.Campaigns = append(d.Campaigns, s.campaignJSON(&list[i]))
	}
	p := s.page(c, s.t(c, "staff.campaigns.title"))
	p.NoIndex = true
	p.Form = form
	p.Data = d
	return s.tmpl.render(c, status, "campaigns", p)
}

func (s *Server) campaignsPage(c echo.Context) error {
	return s.renderCampaigns(c, http.StatusOK, Form{Values: map[string]string{}, Errors: map[string]string{}})
}

func (s *Server) createCampaignForm(c echo.Context) error {
	target, _ := strconv.ParseInt(c.FormValue("target"), 10, 64)
	in := forum.CampaignInput{Name: c.FormValue("name"), Slug: c.FormValue("slug"), Hashtag: c.FormValue("hashtag"),
		StartsAt: c.FormValue("starts_at"), EndsAt: c.FormValue("ends_at"), Target: target}
	if t := c.FormValue("target"); t != "" && strconv.Itoa(int(target)) != t {
		in.Target = -1 // not a number: let the domain say so
	}
	camp, err := s.forum.CreateCampaign(c.Request().Context(), viewer(c), in)
	if err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderCampaigns(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		return err
	}
	s.setFlash(c, s.t(c, "staff.campaigns.created", "Name", camp.Name, "URL", s.campaignJSON(camp).SignupURL))
	return c.Redirect(http.StatusSeeOther, "/community/campaigns/"+url.PathEscape(camp.Slug))
}

// CampaignData is one campaign's page.
type CampaignData struct {
	Campaign CampaignJSON
	Report   *forum.CampaignReport
	Chart    Chart
	Percent  string
	Value    int // progress in whole percent, for <progress>
}

func (s *Server) campaignPage(c echo.Context) error {
	r, err := s.forum.CampaignReport(c.Request().Context(), viewer(c), c.Param("slug"))
	if err != nil {
		return err
	}
	l := s.lang(c)
	ch := Chart{ID: "chart-campaign", Title: l.T("staff.campaign.chart_title", "Hashtag", r.Campaign.Hashtag), Unit: l.T("staff.campaign.chart_unit"),
		Desc: l.T("staff.campaign.chart_desc")}
	for _, d := range r.Days {
		ch.Points = append(ch.Points, Point{Label: d.Day.Format("01-02"), Value: float64(d.Posts)})
	}
	p := s.page(c, r.Campaign.Name)
	p.NoIndex = true
	p.Data = CampaignData{Campaign: s.campaignJSON(r.Campaign), Report: r, Chart: BarChart(ch), Percent: percentIn(l, r.Progress),
		Value: int(r.Progress * 100)}
	return s.tmpl.render(c, http.StatusOK, "campaign", p)
}
