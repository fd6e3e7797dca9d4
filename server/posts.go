package server

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// postLocation is a post's place in its thread: the page holding its number,
// anchored at the post.
func (s *Server) postLocation(p *models.Post) string {
	u := "/t/" + strconv.FormatInt(p.ThreadID, 10)
	if page := s.forum.PageOf(p.Number); page > 1 {
		u += "?page=" + strconv.Itoa(page)
	}
	return u + "#post-" + strconv.Itoa(p.Number)
}

// post redirects /p/{id} to the post's place in its thread.
func (s *Server) post(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, _, err := s.forum.PostFor(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusFound, s.postLocation(p))
}

// EditData is the edit form.
type EditData struct{ Post *models.Post }

func (s *Server) editPostForm(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, t, err := s.forum.PostFor(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	if !forum.CanEditPostIn(viewer(c), p, t.CategoryID) {
		return forum.ErrForbidden
	}
	pg := s.page(c, s.t(c, "forum.title.edit_post"))
	pg.NoIndex = true
	pg.Form = Form{Values: map[string]string{"body": p.Body}}
	pg.Data = EditData{Post: p}
	return s.tmpl.render(c, http.StatusOK, "edit_post", pg)
}

func (s *Server) editPost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.forum.EditPost(ctx, viewer(c), id, c.FormValue("body"))
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		orig, _, perr := s.forum.PostFor(ctx, viewer(c), id)
		if perr != nil {
			return perr
		}
		pg := s.page(c, s.t(c, "forum.title.edit_post"))
		pg.Form = formFrom(c, err)
		pg.Data = EditData{Post: orig}
		return s.tmpl.render(c, http.StatusUnprocessableEntity, "edit_post", pg)
	}
	return c.Redirect(http.StatusSeeOther, s.postLocation(p))
}

func (s *Server) deletePost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.forum.DeletePostWithReason(ctx, viewer(c), id, postReason(c, id)); err != nil {
		return err
	}
	p, _, err := s.forum.PostFor(ctx, viewer(c), id)
	if err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "forum.flash.post_deleted"))
	return c.Redirect(http.StatusSeeOther, s.postLocation(p))
}

// hidePost hides a post pending review (on=1) or shows it again (on=0),
// from the moderator's buttons under the post.
func (s *Server) hidePost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	on := c.FormValue("on") != "0"
	if err := s.forum.SetPostHidden(ctx, viewer(c), id, on, postReason(c, id)); err != nil {
		return err
	}
	p, _, err := s.forum.PostFor(ctx, viewer(c), id)
	if err != nil {
		return err
	}
	if on {
		s.setFlash(c, s.t(c, "forum.flash.post_hidden"))
	} else {
		s.setFlash(c, s.t(c, "forum.flash.post_shown"))
	}
	return c.Redirect(http.StatusSeeOther, s.postLocation(p))
}

func (s *Server) likePost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.forum.SetLike(ctx, viewer(c), id, c.FormValue("on") != "0"); err != nil {
		return err
	}
	p, _, err := s.forum.PostFor(ctx, viewer(c), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.postLocation(p))
}

// RevisionsData is a post's edit history.
type RevisionsData struct {
	Post      *models.Post
	Revisions []forum.Revision
}

func (s *Server) revisions(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, revs, err := s.forum.Revisions(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	pg := s.page(c, s.t(c, "forum.title.edit_history"))
	pg.NoIndex = true
	pg.Data = RevisionsData{Post: p, Revisions: revs}
	return s.tmpl.render(c, http.StatusOK, "revisions", pg)
}

// markSolution marks a reply as what answered its thread (the thread's
// author or staff), from the button under the post.
func (s *Server) markSolution(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.forum.MarkSolution(ctx, viewer(c), id); err != nil {
		return err
	}
	p, _, err := s.forum.PostFor(ctx, viewer(c), id)
	if err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "forum.flash.solution"))
	return c.Redirect(http.StatusSeeOther, s.postLocation(p))
}

// postReason is the reason a moderator gave for hiding or deleting post id.
// Every post's Moderate menu submits the thread page's one shared form, so
// its field is named reason_<id> (the others' fields come along, empty);
// the API and older forms send plain "reason".
func postReason(c echo.Context, id int64) string {
	if r := c.FormValue("reason_" + strconv.FormatInt(id, 10)); r != "" {
		return r
	}
	return c.FormValue("reason")
}
