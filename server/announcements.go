package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Scheduled announcements: a staff page to write a thread that publishes
// later (and optionally shows as a site banner), and the API's
// publish_at/banner_until fields on POST /api/v1/threads.

func (s *Server) apiScheduleThread(c echo.Context, in forum.ScheduleInput) error {
	st, err := s.forum.ScheduleThread(c.Request().Context(), viewer(c), in)
	if err != nil {
		return err
	}
	out := map[string]any{"scheduled_id": st.ID, "publish_at": st.PublishAt, "banner_until": st.BannerUntil, "state": st.State}
	if st.ThreadID != nil {
		out["id"] = *st.ThreadID
		out["url"] = s.cfg.URL + "/t/" + itoa64(*st.ThreadID)
		return c.JSON(http.StatusCreated, out)
	}
	return c.JSON(http.StatusAccepted, out)
}

// AnnouncementsData is the staff page of scheduled threads.
type AnnouncementsData struct {
	Scheduled  []models.ScheduledThread
	Categories []models.Category
	CatNames   map[int64]string
	Now        time.Time
}

func (s *Server) renderAnnouncements(c echo.Context, status int, form Form) error {
	ctx, v := c.Request().Context(), viewer(c)
	list, err := s.forum.ScheduledThreads(ctx, v)
	if err != nil {
		return err
	}
	cats, err := s.forum.Categories(ctx)
	if err != nil {
		return err
	}
	d := AnnouncementsData{Scheduled: list, Categories: cats, CatNames: map[int64]string{}, Now: s.forum.Now()}
	for _, cat := range cats {
		d.CatNames[cat.ID] = cat.Name
	}
	p := s.page(c, s.t(c, "staff.announcements.title"))
	p.NoIndex = true
	p.Form = form
	p.Data = d
	return s.tmpl.render(c, status, "announcements", p)
}

func (s *Server) announcementsPage(c echo.Context) error {
	return s.renderAnnouncements(c, http.StatusOK, Form{Values: map[string]string{}, Errors: map[string]string{}})
}

func (s *Server) scheduleForm(c echo.Context) error {
	in := forum.ScheduleInput{NewThread: forum.NewThread{Category: c.FormValue("category"), Title: c.FormValue("title"),
		Body: c.FormValue("body"), Tags: []string{c.FormValue("tags")}}, PublishAt: c.FormValue("publish_at"), BannerUntil: c.FormValue("banner_until")}
	st, err := s.forum.ScheduleThread(c.Request().Context(), viewer(c), in)
	if err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderAnnouncements(c, http.StatusUnprocessableEntity, formFrom(c, err))
		}
		return err
	}
	if st.ThreadID != nil {
		s.setFlash(c, s.t(c, "staff.announcements.published"))
		return c.Redirect(http.StatusSeeOther, "/t/"+itoa64(*st.ThreadID))
	}
	s.setFlash(c, s.t(c, "staff.announcements.scheduled_for", "When", s.lang(c).DateTime(st.PublishAt)))
	return c.Redirect(http.StatusSeeOther, "/community/announcements")
}

func (s *Server) cancelScheduled(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.CancelScheduled(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.announcements.cancelled"))
	return c.Redirect(http.StatusSeeOther, "/community/announcements")
}

func (s *Server) endBanner(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.EndBanner(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.announcements.banner_down"))
	return c.Redirect(http.StatusSeeOther, "/community/announcements")
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
