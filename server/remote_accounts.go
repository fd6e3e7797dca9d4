package server

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Members follow the fediverse: the remote profile page /u/{name}@{host}
// (a remote account, followable), the Following feed and their API.

func (s *Server) remoteAccountRoutes(g, api *echo.Group) {
	g.POST("/u/:username/follow", s.followRemote, requireLogin)
	g.POST("/u/:username/unfollow", s.unfollowRemote, requireLogin)
	g.GET("/u/:username/notes/:id", s.feedReply)
	g.GET("/following", s.following, requireLogin)
	g.GET("/following/find", s.findRemote, requireLogin)
	g.POST("/following/:id/reply", s.replyFollowed, requireLogin)
	api.GET("/remote/:acct", s.apiRemoteAccount)
	api.POST("/remote/:acct/follow", s.apiFollowRemote)
	api.DELETE("/remote/:acct/follow", s.apiUnfollowRemote)
	api.GET("/following", s.apiFollowing)
	api.POST("/following/:id/replies", s.apiReplyFollowed)
}

// isRemoteHandle tells a remote account's name (name@host) from a member's:
// usernames here never hold '@'.
func isRemoteHandle(name string) bool { return strings.Contains(name, "@") }

// RemoteProfileData is a remote account's page.
type RemoteProfileData struct {
	*forum.RemoteAccount
	Bio template.HTML // sanitised by forum/markup
}

func (s *Server) remoteProfile(c echo.Context) error {
	ra, err := s.forum.RemoteAccount(c.Request().Context(), viewer(c), c.Param("username"))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "forum.title.profile", "Name", ra.User.Name(), "Handle", ra.Handle))
	p.OGType = "profile"
	p.Canonical = s.cfg.URL + remotePath(ra.Handle)
	// The account's own server is where search engines should find it.
	p.NoIndex = true
	p.Data = RemoteProfileData{RemoteAccount: ra, Bio: template.HTML(ra.Bio)} // #nosec G203 -- sanitised by forum/markup
	return s.tmpl.render(c, http.StatusOK, "remote_profile", p)
}

// remotePath is a remote account's page here.
func remotePath(handle string) string { return "/u/" + url.PathEscape(strings.ToLower(handle)) }

func (s *Server) followRemote(c echo.Context) error {
	handle := c.Param("username")
	state, err := s.forum.FollowRemoteAccount(c.Request().Context(), viewer(c), handle)
	if err != nil {
		return err
	}
	if state == forum.FollowAccepted {
		s.setFlash(c, s.t(c, "forum.flash.follow", "Handle", handle))
	} else {
		s.setFlash(c, s.t(c, "forum.flash.follow_requested", "Handle", handle))
	}
	return c.Redirect(http.StatusSeeOther, remotePath(handle))
}

func (s *Server) unfollowRemote(c echo.Context) error {
	handle := c.Param("username")
	if err := s.forum.UnfollowRemoteAccount(c.Request().Context(), viewer(c), handle); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "forum.flash.unfollow", "Handle", handle))
	return c.Redirect(http.StatusSeeOther, remotePath(handle))
}

// FollowingData is the Following feed page; ReplyTo is the note whose
// reply form failed validation (its text is kept in the page's Form).
type FollowingData struct {
	*forum.FeedPage
	ReplyTo int64
}

func (s *Server) following(c echo.Context) error {
	return s.renderFollowing(c, http.StatusOK, 0, nil)
}

func (s *Server) renderFollowing(c echo.Context, status int, replyTo int64, replyErr error) error {
	p, err := s.followingPage(c)
	if err != nil {
		return err
	}
	if replyTo != 0 {
		p.Form = formFrom(c, replyErr)
		p.Data = FollowingData{FeedPage: p.Data.(FollowingData).FeedPage, ReplyTo: replyTo}
	}
	return s.tmpl.render(c, status, "following", p)
}

func (s *Server) followingPage(c echo.Context) (*Page, error) {
	page, err := s.forum.FollowingFeed(c.Request().Context(), viewer(c), c.QueryParam("after"))
	if err != nil {
		return nil, err
	}
	p := s.page(c, s.t(c, "forum.following.title"))
	p.NoIndex = true
	p.Data = FollowingData{FeedPage: page}
	return p, nil
}

func (s *Server) replyFollowed(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return forum.ErrNotFound
	}
	_, err = s.forum.ReplyToFollowedNote(c.Request().Context(), viewer(c), id, c.FormValue("body"))
	if _, invalid := forum.AsValidation(err); invalid {
		return s.renderFollowing(c, http.StatusUnprocessableEntity, id, err)
	} else if err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "forum.flash.reply_sent"))
	return c.Redirect(http.StatusSeeOther, "/following#note-"+strconv.FormatInt(id, 10))
}

// RemoteAccountJSON is a remote account as the API shows it.
type RemoteAccountJSON struct {
	Handle    string             `json:"handle"` // name@host
	Name      string             `json:"name"`
	URL       string             `json:"url"`        // its page here
	OriginURL string             `json:"origin_url"` // its page on its server
	AvatarURL string             `json:"avatar_url,omitempty"`
	BioHTML   string             `json:"bio_html"`
	Follow    string             `json:"follow"` // "", "requested" or "following"
	Posts     []FollowedNoteJSON `json:"posts"`
}

// FollowedNoteJSON is a post of a followed account (or a member's reply
// to one) as the API shows it.
type FollowedNoteJSON struct {
	ID          int64     `json:"id"`
	APID        string    `json:"ap_id"`
	URL         string    `json:"url,omitempty"`
	Author      *UserJSON `json:"author,omitempty"`
	HTML        string    `json:"html"`
	Summary     string    `json:"summary,omitempty"`
	InReplyTo   string    `json:"in_reply_to,omitempty"`
	Public      bool      `json:"public"`
	PublishedAt time.Time `json:"published_at"`
}

func (s *Server) followedNoteJSON(n *models.FollowedNote, author *models.User) FollowedNoteJSON {
	return FollowedNoteJSON{ID: n.ID, APID: n.APID, URL: n.URL, Author: s.userJSON(author), HTML: n.HTML,
		Summary: n.Summary, InReplyTo: n.InReplyTo, Public: n.Public, PublishedAt: n.PublishedAt}
}

func (s *Server) apiRemoteAccount(c echo.Context) error {
	ra, err := s.forum.RemoteAccount(c.Request().Context(), viewer(c), c.Param("acct"))
	if err != nil {
		return err
	}
	j := RemoteAccountJSON{Handle: ra.Handle, Name: ra.User.Name(), URL: s.cfg.URL + remotePath(ra.Handle),
		OriginURL: ra.Actor.ProfileURL, BioHTML: ra.Bio, Follow: ra.Follow, Posts: []FollowedNoteJSON{}}
	if j.OriginURL == "" {
		j.OriginURL = ra.Actor.APID
	}
	if a := avatarURL(ra.User); a != "" {
		j.AvatarURL = s.cfg.URL + a
	}
	for i := range ra.Notes {
		j.Posts = append(j.Posts, s.followedNoteJSON(&ra.Notes[i], ra.User))
	}
	return c.JSON(http.StatusOK, j)
}

func (s *Server) apiFollowRemote(c echo.Context) error {
	state, err := s.forum.FollowRemoteAccount(c.Request().Context(), viewer(c), c.Param("acct"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"follow": state})
}

func (s *Server) apiUnfollowRemote(c echo.Context) error {
	if err := s.forum.UnfollowRemoteAccount(c.Request().Context(), viewer(c), c.Param("acct")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) apiFollowing(c echo.Context) error {
	page, err := s.forum.FollowingFeed(c.Request().Context(), viewer(c), c.QueryParam("after"))
	if err != nil {
		return err
	}
	out := struct {
		Items []FollowedNoteJSON `json:"items"`
		Next  string             `json:"next,omitempty"`
	}{Items: []FollowedNoteJSON{}, Next: page.Next}
	for i := range page.Items {
		out.Items = append(out.Items, s.followedNoteJSON(&page.Items[i].FollowedNote, page.Items[i].Author))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiReplyFollowed(c echo.Context) error {
	if viewer(c) == nil {
		return forum.ErrUnauthorized
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return forum.ErrNotFound
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	n, err := s.forum.ReplyToFollowedNote(c.Request().Context(), viewer(c), id, in.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.followedNoteJSON(n, viewer(c)))
}

// feedReply is a member's public reply to a fediverse post: the page its
// ActivityPub id names, for people who follow the link from elsewhere.
func (s *Server) feedReply(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return forum.ErrNotFound
	}
	fr, err := s.forum.FollowedReply(c.Request().Context(), c.Param("username"), id)
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "forum.title.feed_reply", "Name", fr.Author.Name(), "Username", fr.ParentAuthor.Username))
	p.Description = markup.Excerpt(fr.Reply.HTML, 200)
	p.Data = fr
	return s.tmpl.render(c, http.StatusOK, "feed_reply", p)
}

// findRemote takes the Following page's "follow an account" box (a GET
// form: it only finds the page, where Follow is a POST) to the account's
// page; a bad entry re-renders the feed with the entry kept.
func (s *Server) findRemote(c echo.Context) error {
	handle, err := s.forum.FindRemoteAccount(c.Request().Context(), viewer(c), c.QueryParam("account"))
	if _, invalid := forum.AsValidation(err); invalid {
		p, perr := s.followingPage(c)
		if perr != nil {
			return perr
		}
		p.Form = Form{Values: map[string]string{"account": c.QueryParam("account")}, Errors: fieldErrors(c, err.(*forum.ValidationError))}
		return s.tmpl.render(c, http.StatusUnprocessableEntity, "following", p)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, remotePath(handle))
}
