package server

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// StatsJSON is the community analytics for a window of days. The first
// fields are the stable ones docs/API.md lists; the rest extend them.
type StatsJSON struct {
	From              string              `json:"from"`
	To                string              `json:"to"`
	DAU               int64               `json:"dau"`
	WAU               int64               `json:"wau"`
	MAU               int64               `json:"mau"`
	NewMembers        int64               `json:"new_members"`
	Posts             int64               `json:"posts"`
	Threads           int64               `json:"threads"`
	TTFRMedianSeconds int64               `json:"ttfr_median_seconds"`
	TTFRP90Seconds    int64               `json:"ttfr_p90_seconds"`
	AnsweredThreads   int64               `json:"answered_threads"` // 0: the TTFR figures have no value
	NoResponseShare   float64             `json:"no_response_share"`
	RemoteFollowers   int64               `json:"remote_followers"`
	RemoteReplies     int64               `json:"remote_replies"`
	RemoteBoosts      int64               `json:"remote_boosts"`
	Stickiness        float64             `json:"stickiness"`
	Contributors      int64               `json:"contributors"`
	Instances         []string            `json:"instances"`
	AmbassadorReplies int64               `json:"ambassador_replies"`
	Newcomers         int64               `json:"newcomers"`
	InvitedMembers    int64               `json:"invited_members"`
	WelcomeRate       float64             `json:"welcome_rate"`
	Days              []DayStatsJSON      `json:"days"`
	Categories        []CategoryStatsJSON `json:"categories"`
	TopContributors   []ContributorJSON   `json:"top_contributors"`
}

// DayStatsJSON is one day of the window.
type DayStatsJSON struct {
	Day           string `json:"day"`
	DAU           int64  `json:"dau"`
	NewMembers    int64  `json:"new_members"`
	Posts         int64  `json:"posts"`
	Threads       int64  `json:"threads"`
	Contributors  int64  `json:"contributors"`
	RemoteReplies int64  `json:"remote_replies"`
	RemoteBoosts  int64  `json:"remote_boosts"`
}

// CategoryStatsJSON is one category over the window.
type CategoryStatsJSON struct {
	Category          string  `json:"category"`
	Name              string  `json:"name"`
	Posts             int64   `json:"posts"`
	Threads           int64   `json:"threads"`
	TTFRMedianSeconds int64   `json:"ttfr_median_seconds"`
	TTFRP90Seconds    int64   `json:"ttfr_p90_seconds"`
	AnsweredThreads   int64   `json:"answered_threads"` // 0: the TTFR figures have no value
	NoResponseShare   float64 `json:"no_response_share"`
	RemoteFollowers   int64   `json:"remote_followers"`
	RemoteBoosts      int64   `json:"remote_boosts"`
}

// ContributorJSON is one of the most active authors.
type ContributorJSON struct {
	User    *UserJSON `json:"user"`
	Posts   int64     `json:"posts"`
	Replies int64     `json:"replies"`
}

func (s *Server) statsJSON(st *forum.CommunityStats) StatsJSON {
	j := StatsJSON{From: st.From.Format("2006-01-02"), To: st.To.AddDate(0, 0, -1).Format("2006-01-02"),
		DAU: st.DAU, WAU: st.WAU, MAU: st.MAU, NewMembers: st.NewMembers, Posts: st.Posts, Threads: st.Threads,
		TTFRMedianSeconds: st.TTFRMedianSeconds, TTFRP90Seconds: st.TTFRP90Seconds, AnsweredThreads: st.Answered, NoResponseShare: st.NoResponseShare,
		RemoteFollowers: st.RemoteFollowers, RemoteReplies: st.RemoteReplies, RemoteBoosts: st.RemoteBoosts, Stickiness: st.Stickiness,
		Contributors: st.Contributors, Instances: st.Instances, AmbassadorReplies: st.AmbassadorReplies,
		Newcomers: st.Newcomers, WelcomeRate: st.WelcomeRate, InvitedMembers: st.InvitedMembers,
		Days: []DayStatsJSON{}, Categories: []CategoryStatsJSON{}, TopContributors: []ContributorJSON{}}
	if j.Instances == nil {
		j.Instances = []string{}
	}
	for _, d := range st.Days {
		j.Days = append(j.Days, DayStatsJSON{Day: d.Day.Format("2006-01-02"), DAU: d.DAU, NewMembers: d.NewMembers, Posts: d.Posts,
			Threads: d.Threads, Contributors: d.Contributors, RemoteReplies: d.RemoteReplies, RemoteBoosts: d.RemoteBoosts})
	}
	for _, c := range st.Categories {
		j.Categories = append(j.Categories, CategoryStatsJSON{Category: c.Category.Slug, Name: c.Category.Name, Posts: c.Posts, Threads: c.Threads,
			TTFRMedianSeconds: c.TTFRMedianSeconds, TTFRP90Seconds: c.TTFRP90Seconds, AnsweredThreads: c.Answered,
			NoResponseShare: c.NoResponseShare, RemoteFollowers: c.RemoteFollowers, RemoteBoosts: c.RemoteBoosts})
	}
	for _, c := range st.TopContributors {
		j.TopContributors = append(j.TopContributors, ContributorJSON{User: s.userJSON(c.User), Posts: c.Posts, Replies: c.Replies})
	}
	return j
}

func (s *Server) apiCommunityStats(c echo.Context) error {
	st, err := s.communityStats(c, c.QueryParam("from"), c.QueryParam("to"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.statsJSON(st))
}

// communityStatsCSV is /community/stats.csv?from=&to=: one row per day, for
// spreadsheets. Staff only, like the JSON.
func (s *Server) communityStatsCSV(c echo.Context) error {
	st, err := s.communityStats(c, c.QueryParam("from"), c.QueryParam("to"))
	if err != nil {
		return err
	}
	name := "hearth-stats-" + st.From.Format("2006-01-02") + "-" + st.To.AddDate(0, 0, -1).Format("2006-01-02") + ".csv"
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	_ = w.Write([]string{"day", "dau", "new_members", "posts", "threads", "contributors", "remote_replies", "remote_boosts"})
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, d := range st.Days {
		_ = w.Write([]string{d.Day.Format("2006-01-02"), i(d.DAU), i(d.NewMembers), i(d.Posts), i(d.Threads), i(d.Contributors), i(d.RemoteReplies), i(d.RemoteBoosts)})
	}
	w.Flush()
	return w.Error()
}
