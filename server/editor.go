package server

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// The editor (issue 15 item 1): a preview rendered by the server and
// drafts kept on the server, each with a path that needs no JavaScript
// (the reply and new-thread forms post with action=preview or
// action=draft) and a JSON one for static/editor.js.

const (
	actionPreview = "preview"
	actionDraft   = "draft"
)

func (s *Server) editorAPIRoutes(api *echo.Group) {
	api.POST("/preview", s.apiPreview)
	api.GET("/drafts", s.apiDraft)
	api.PUT("/drafts", s.apiSaveDraft)
	api.DELETE("/drafts", s.apiDiscardDraft)
	api.GET("/members/suggest", s.apiSuggestMembers)
}

// replyEditorAction answers the reply form's Preview and Save draft
// buttons: nothing is posted, and the text stays in the box.
func (s *Server) replyEditorAction(c echo.Context, id, replyTo int64, action, body string, upStatus int, err error) error {
	if err != nil {
		return s.renderReplyForm(c, id, replyTo, body, editorErrStatus(upStatus), err, "")
	}
	ctx := c.Request().Context()
	if action == actionPreview {
		html, err := s.forum.Preview(ctx, viewer(c), body)
		if _, ok := forum.AsValidation(err); ok {
			return s.renderReplyForm(c, id, replyTo, body, http.StatusUnprocessableEntity, err, "")
		} else if err != nil {
			return err
		}
		return s.renderReplyForm(c, id, replyTo, body, http.StatusOK, nil, template.HTML(html))
	}
	if _, err := s.forum.SaveDraft(ctx, viewer(c), forum.DraftInput{ThreadID: id, Body: body}); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderReplyForm(c, id, replyTo, body, http.StatusUnprocessableEntity, err, "")
		}
		return err
	}
	last, err := s.forum.LastPage(ctx, id)
	if err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "forum.flash.draft_reply"))
	return c.Redirect(http.StatusSeeOther, "/t/"+strconv.FormatInt(id, 10)+"?page="+strconv.Itoa(last)+"#reply")
}

// newThreadEditorAction is replyEditorAction for the new-thread form.
func (s *Server) newThreadEditorAction(c echo.Context, category, action, body string, upStatus int, err error) error {
	if err != nil {
		return s.renderNewThreadForm(c, category, body, editorErrStatus(upStatus), err, "")
	}
	ctx := c.Request().Context()
	if action == actionPreview {
		html, err := s.forum.Preview(ctx, viewer(c), body)
		if _, ok := forum.AsValidation(err); ok {
			return s.renderNewThreadForm(c, category, body, http.StatusUnprocessableEntity, err, "")
		} else if err != nil {
			return err
		}
		return s.renderNewThreadForm(c, category, body, http.StatusOK, nil, template.HTML(html))
	}
	_, err = s.forum.SaveDraft(ctx, viewer(c), forum.DraftInput{Title: c.FormValue("title"), Category: category, Tags: c.FormValue("tags"), Body: body})
	if err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderNewThreadForm(c, category, body, http.StatusUnprocessableEntity, err, "")
		}
		return err
	}
	s.setFlash(c, s.t(c, "forum.flash.draft_thread"))
	return c.Redirect(http.StatusSeeOther, "/new")
}

func editorErrStatus(upStatus int) int {
	if upStatus != 0 {
		return upStatus
	}
	return http.StatusUnprocessableEntity
}

// renderNewThreadForm shows the compose form again with what was typed.
func (s *Server) renderNewThreadForm(c echo.Context, category, body string, status int, err error, preview template.HTML) error {
	p, perr := s.composePage(c)
	if perr != nil {
		return perr
	}
	p.Form = formFrom(c, err)
	p.Form.Values["body"] = body
	p.Form.Values["category"] = category
	if d, ok := p.Data.(NewThreadData); ok {
		d.Preview = preview
		p.Data = d
	}
	return s.tmpl.render(c, status, "new_thread", p)
}

// fillNewThreadDraft puts the viewer's new-thread draft in the form; the
// category in the address wins over the draft's when there is one.
func (s *Server) fillNewThreadDraft(c echo.Context, f *Form) error {
	d, err := s.forum.DraftFor(c.Request().Context(), viewer(c), 0)
	if err != nil || d == nil {
		return err
	}
	f.Values["title"], f.Values["tags"], f.Values["body"] = d.Title, d.Tags, d.Body
	if f.Values["category"] == "" {
		f.Values["category"] = d.Category
	}
	return nil
}

// joinParagraphs joins two pieces of Markdown with a blank line, either
// of which may be empty.
func joinParagraphs(a, b string) string {
	a = strings.TrimRight(a, " \r\n")
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

// apiPreview is POST /api/v1/preview {"body"}: the HTML a post with this
// body would show, sanitised as posts are. Nothing is stored.
func (s *Server) apiPreview(c echo.Context) error {
	var in struct {
		Body string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	html, err := s.forum.Preview(c.Request().Context(), viewer(c), in.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"html": html})
}

// DraftJSON is a draft as the API shows it.
type DraftJSON struct {
	ThreadID  int64     `json:"thread_id"`
	Title     string    `json:"title"`
	Category  string    `json:"category"`
	Tags      string    `json:"tags"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

func draftJSON(d *models.Draft) DraftJSON {
	return DraftJSON{ThreadID: d.ThreadID, Title: d.Title, Category: d.Category, Tags: d.Tags, Body: d.Body, UpdatedAt: d.UpdatedAt.UTC()}
}

// draftThread reads ?thread_id= (absent or 0: the new-thread draft).
func draftThread(c echo.Context) (int64, error) {
	v := c.QueryParam("thread_id")
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, apiError(http.StatusBadRequest, "bad_thread_id", "thread_id must be a thread's number, or 0 for a new thread")
	}
	return id, nil
}

// apiDraft is GET /api/v1/drafts?thread_id=N: the caller's own draft.
func (s *Server) apiDraft(c echo.Context) error {
	id, err := draftThread(c)
	if err != nil {
		return err
	}
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	d, err := s.forum.DraftFor(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	if d == nil {
		return forum.ErrNotFound
	}
	return c.JSON(http.StatusOK, draftJSON(d))
}

// apiSaveDraft is PUT /api/v1/drafts: saves the caller's draft; an empty
// one (no title, no body) is removed and answered 204.
func (s *Server) apiSaveDraft(c echo.Context) error {
	var in struct {
		ThreadID int64  `json:"thread_id"`
		Title    string `json:"title"`
		Category string `json:"category"`
		Tags     string `json:"tags"`
		Body     string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	d, err := s.forum.SaveDraft(c.Request().Context(), viewer(c), forum.DraftInput{
		ThreadID: in.ThreadID, Title: in.Title, Category: in.Category, Tags: in.Tags, Body: in.Body})
	if err != nil {
		return err
	}
	if d == nil {
		return c.NoContent(http.StatusNoContent)
	}
	return c.JSON(http.StatusOK, draftJSON(d))
}

// apiDiscardDraft is DELETE /api/v1/drafts?thread_id=N.
func (s *Server) apiDiscardDraft(c echo.Context) error {
	id, err := draftThread(c)
	if err != nil {
		return err
	}
	if err := s.forum.DiscardDraft(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// MemberSuggestion is one account an @mention may mean.
type MemberSuggestion struct {
	Handle      string `json:"handle"` // what follows the @: name, or name@host
	DisplayName string `json:"display_name"`
	Remote      bool   `json:"remote"`
	AvatarURL   string `json:"avatar_url,omitempty"`
}

// apiSuggestMembers is GET /api/v1/members/suggest?q=prefix (members only).
func (s *Server) apiSuggestMembers(c echo.Context) error {
	us, err := s.forum.SuggestMembers(c.Request().Context(), viewer(c), c.QueryParam("q"))
	if err != nil {
		return err
	}
	out := make([]MemberSuggestion, 0, len(us))
	for _, f := range us {
		m := MemberSuggestion{Handle: f.Handle, DisplayName: f.DisplayName, Remote: f.Remote}
		if f.User != nil {
			if a := avatarURL(f.User); a != "" {
				m.AvatarURL = s.cfg.URL + a
			}
		}
		out = append(out, m)
	}
	return c.JSON(http.StatusOK, map[string]any{"members": out})
}
