package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Post admission: the page a held post's author (or an approver) sees,
// vouching for a sandboxed member, and the watched-words admin page, with
// their JSON twins. The rules are all in forum/.

const heldNotice = "Thanks! Your post is waiting for approval by a moderator or ambassador; it appears for everyone once approved."

func heldURL(id int64) string { return "/held/" + strconv.FormatInt(id, 10) }

func (s *Server) admissionRoutes(g *echo.Group) {
	g.GET("/held/:id", s.heldPage, requireLogin)
	g.POST("/u/:username/vouch", s.vouch, requireLogin)
	g.GET("/mod/watched-words", s.watchedWordsPage, requireLogin)
	g.POST("/mod/watched-words", s.addWatchedWord, requireLogin)
	g.POST("/mod/watched-words/:id/delete", s.removeWatchedWord, requireLogin)
}

func (s *Server) apiAdmissionRoutes(g *echo.Group) {
	g.POST("/mod/users/:username/vouch", s.apiVouch)
	g.GET("/held/:id", s.apiHeld)
	g.GET("/mod/watched-words", s.apiWatchedWords)
	g.POST("/mod/watched-words", s.apiAddWatchedWord)
	g.DELETE("/mod/watched-words/:id", s.apiRemoveWatchedWord)
}

// HeldPostJSON is a post waiting for approval.
type HeldPostJSON struct {
	ID       int64     `json:"id"`
	State    string    `json:"state"`
	Reason   string    `json:"reason"`
	ThreadID int64     `json:"thread_id,omitempty"`
	Category int64     `json:"category_id,omitempty"`
	Title    string    `json:"title,omitempty"`
	Body     string    `json:"body"`
	HTML     string    `json:"html"`
	Author   *UserJSON `json:"author,omitempty"`
	PostID   *int64    `json:"post_id,omitempty"`
	// DecisionReason is what the approver told the author on rejecting it.
	DecisionReason string    `json:"decision_reason,omitempty"`
	URL            string    `json:"url"`
	Held           bool      `json:"held"`
	Message        string    `json:"message"`
	CreatedAt      time.Time `json:"created_at"`
}

func (s *Server) heldJSON(h *models.HeldPost) HeldPostJSON {
	return HeldPostJSON{ID: h.ID, State: h.State, Reason: h.Reason, ThreadID: h.ThreadID, Category: h.CategoryID, Title: h.Title,
		Body: h.Body, HTML: h.HTML, PostID: h.PostID, DecisionReason: h.DecisionReason, URL: s.cfg.URL + heldURL(h.ID), Held: h.State == models.HeldPending,
		Message: heldNotice, CreatedAt: h.CreatedAt}
}

func (s *Server) heldPage(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	h, err := s.forum.HeldPost(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	if h.State == models.HeldApproved && h.PostID != nil {
		return c.Redirect(http.StatusSeeOther, "/p/"+strconv.FormatInt(*h.PostID, 10))
	}
	p := s.page(c, s.t(c, "staff.held.title"))
	p.NoIndex = true
	p.Data = h
	return s.tmpl.render(c, http.StatusOK, "held", p)
}

// apiHeld is the held post for its author or an approver: its state, and
// once rejected, the reason and the author's text.
func (s *Server) apiHeld(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	h, err := s.forum.HeldPost(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.heldJSON(&h.HeldPost))
}

func (s *Server) vouch(c echo.Context) error {
	u, err := s.forum.Vouch(c.Request().Context(), viewer(c), c.Param("username"), c.FormValue("reason"))
	if err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.queue.vouched", "Name", u.Name()))
	return c.Redirect(http.StatusSeeOther, profilePath(u))
}

func (s *Server) apiVouch(c echo.Context) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if c.Request().ContentLength != 0 {
		if err := bindJSON(c, &in); err != nil {
			return err
		}
	}
	u, err := s.forum.Vouch(c.Request().Context(), viewer(c), c.Param("username"), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"username": u.Username, "sandboxed": u.Sandboxed})
}

// WatchedWordsData is the watched-words page.
type WatchedWordsData struct {
	Words []models.WatchedWord
}

func (s *Server) watchedWordsPage(c echo.Context) error {
	return s.renderWatchedWords(c, http.StatusOK, Form{})
}

func (s *Server) renderWatchedWords(c echo.Context, status int, f Form) error {
	ws, err := s.forum.WatchedWords(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "staff.watched.title"))
	p.NoIndex = true
	p.Form = f
	p.Data = WatchedWordsData{Words: ws}
	return s.tmpl.render(c, status, "watched_words", p)
}

func (s *Server) addWatchedWord(c echo.Context) error {
	_, err := s.forum.AddWatchedWord(c.Request().Context(), viewer(c), forum.WatchedWordInput{
		Pattern: c.FormValue("pattern"), Regex: c.FormValue("regex") == "on", Action: c.FormValue("action"), Replacement: c.FormValue("replacement"),
	})
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		return s.renderWatchedWords(c, http.StatusUnprocessableEntity, formFrom(c, err))
	}
	s.setFlash(c, s.t(c, "staff.watched.added"))
	return c.Redirect(http.StatusSeeOther, "/mod/watched-words")
}

func (s *Server) removeWatchedWord(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.RemoveWatchedWord(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "staff.watched.removed"))
	return c.Redirect(http.StatusSeeOther, "/mod/watched-words")
}

// WatchedWordJSON is one watched word.
type WatchedWordJSON struct {
	ID          int64     `json:"id"`
	Pattern     string    `json:"pattern"`
	Regex       bool      `json:"regex"`
	Action      string    `json:"action"`
	Replacement string    `json:"replacement,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func watchedWordJSON(w models.WatchedWord) WatchedWordJSON {
	return WatchedWordJSON{ID: w.ID, Pattern: w.Pattern, Regex: w.Regex, Action: w.Action, Replacement: w.Replacement, CreatedAt: w.CreatedAt}
}

func (s *Server) apiWatchedWords(c echo.Context) error {
	ws, err := s.forum.WatchedWords(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	out := make([]WatchedWordJSON, len(ws))
	for i, w := range ws {
		out[i] = watchedWordJSON(w)
	}
	return c.JSON(http.StatusOK, map[string]any{"watched_words": out})
}

func (s *Server) apiAddWatchedWord(c echo.Context) error {
	var in struct {
		Pattern     string `json:"pattern"`
		Regex       bool   `json:"regex"`
		Action      string `json:"action"`
		Replacement string `json:"replacement"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	w, err := s.forum.AddWatchedWord(c.Request().Context(), viewer(c), forum.WatchedWordInput{
		Pattern: in.Pattern, Regex: in.Regex, Action: in.Action, Replacement: in.Replacement,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, watchedWordJSON(*w))
}

func (s *Server) apiRemoveWatchedWord(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.RemoveWatchedWord(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
