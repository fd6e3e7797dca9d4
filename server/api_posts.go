package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// PostJSON is a post as the API shows it.
type PostJSON struct {
	ID        int64      `json:"id"`
	ThreadID  int64      `json:"thread_id"`
	Number    int        `json:"number"`
	Author    *UserJSON  `json:"author"`
	Body      string     `json:"body"`
	HTML      string     `json:"html"`
	ReplyTo   *int64     `json:"reply_to"`
	LikeCount int        `json:"like_count"`
	Liked     bool       `json:"liked,omitempty"`
	Deleted   bool       `json:"deleted"`
	Hidden    bool       `json:"hidden"`
	URL       string     `json:"url"`
	CreatedAt time.Time  `json:"created_at"`
	EditedAt  *time.Time `json:"edited_at"`

	BoostCount int `json:"boost_count"` // fediverse boosts
}

func (s *Server) postJSON(p *models.Post, author *models.User) PostJSON {
	j := PostJSON{ID: p.ID, ThreadID: p.ThreadID, Number: p.Number, Author: s.userJSON(author), Body: p.Body, HTML: p.HTML,
		ReplyTo: p.ReplyToID, LikeCount: p.LikeCount, BoostCount: p.BoostCount, Deleted: p.DeletedAt != nil,
		URL: s.cfg.URL + "/p/" + strconv.FormatInt(p.ID, 10), CreatedAt: p.CreatedAt, EditedAt: p.EditedAt}
	j.Hidden = p.HiddenAt != nil && !j.Deleted
	if j.Deleted {
		j.Body, j.HTML = "", ""
	}
	return j
}

// maskHidden blanks a post that flags hid pending review, for anyone but
// staff.
func maskHidden(j *PostJSON, viewer *models.User) {
	if j.Hidden && (viewer == nil || !viewer.IsStaff()) {
		j.Body, j.HTML = "", ""
	}
}

func (s *Server) apiPost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, _, err := s.forum.PostFor(ctx, viewer(c), id)
	if err != nil {
		return err
	}
	author, err := s.forum.Store().UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	j := s.postJSON(p, author)
	maskHidden(&j, viewer(c))
	return c.JSON(http.StatusOK, j)
}

func (s *Server) apiEditPost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body *string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Body == nil {
		return forum.Invalid("body", "errors.common.must_not_empty")
	}
	p, err := s.forum.EditPost(c.Request().Context(), viewer(c), id, *in.Body)
	if err != nil {
		return err
	}
	author, err := s.forum.Store().UserByID(c.Request().Context(), p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.postJSON(p, author))
}

func (s *Server) apiDeletePost(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.DeletePostWithReason(c.Request().Context(), viewer(c), id, c.QueryParam("reason")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiRevisions(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	_, revs, err := s.forum.Revisions(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	type revJSON struct {
		Body      string    `json:"body"`
		Editor    *UserJSON `json:"editor"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := make([]revJSON, len(revs))
	for i, r := range revs {
		out[i] = revJSON{Body: r.Body, Editor: s.userJSON(r.Editor), CreatedAt: r.CreatedAt}
	}
	return c.JSON(http.StatusOK, map[string]any{"revisions": out})
}

func (s *Server) apiLike(on bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		n, err := s.forum.SetLike(c.Request().Context(), viewer(c), id, on)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"like_count": n, "liked": on})
	}
}
