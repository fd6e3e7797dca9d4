package server

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// messageRoutes adds the private message pages. Every one needs a login;
// forum answers 404 to anyone not in a conversation.
func (s *Server) messageRoutes(g *echo.Group) {
	g.GET("/messages", s.messagesPage, requireLogin)
	g.GET("/messages/new", s.newMessageForm, requireLogin)
	g.POST("/messages/new", s.startConversation, requireLogin)
	g.POST("/messages/blocks", s.messageBlock, requireLogin)
	g.GET("/messages/:id", s.conversationPage, requireLogin)
	g.POST("/messages/:id", s.sendMessage, requireLogin)
	g.POST("/messages/:id/leave", s.leaveConversation, requireLogin)
	g.POST("/messages/:id/mute", s.muteConversation, requireLogin)
	g.POST("/messages/:id/report", s.reportMessage, requireLogin)
}

// MessagesData is the /messages page: the list, or search results.
type MessagesData struct {
	List    *forum.ConversationList
	Query   string
	Hits    []forum.MessageView
	Blocked []string
}

// Names is a conversation's people as a list ("ana, ben"), one value for
// a catalog sentence.
func (MessagesData) Names(us []*models.User) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.Name()
	}
	return strings.Join(names, ", ")
}

// ConversationData is a conversation's page.
type ConversationData struct {
	*forum.ConversationPage
}

// Between is the people in it, each linked to their profile, as one value
// for a catalog sentence.
func (d ConversationData) Between() template.HTML {
	var b strings.Builder
	for i, u := range d.Participants {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`<a href="` + template.HTMLEscapeString(profilePath(u)) + `">` + template.HTMLEscapeString(u.Name()) + `</a>`)
	}
	return template.HTML(b.String()) // #nosec G203 -- every part escaped above
}

func (s *Server) messagesPage(c echo.Context) error {
	ctx := c.Request().Context()
	u := viewer(c)
	data := MessagesData{Query: strings.TrimSpace(c.QueryParam("q"))}
	var err error
	if data.Query != "" {
		if data.Hits, err = s.forum.SearchMessages(ctx, u, data.Query); err != nil {
			return err
		}
	} else if data.List, err = s.forum.Conversations(ctx, u, c.QueryParam("before")); err != nil {
		return err
	}
	blocked, err := s.forum.MessageBlocks(ctx, u)
	if err != nil {
		return err
	}
	for _, b := range blocked {
		data.Blocked = append(data.Blocked, b.Username)
	}
	p := s.page(c, s.t(c, "account.messages.title"))
	p.NoIndex = true
	p.Data = data
	return s.tmpl.render(c, http.StatusOK, "messages", p)
}

func (s *Server) newMessageForm(c echo.Context) error {
	p := s.page(c, s.t(c, "account.message_new.title"))
	p.NoIndex = true
	p.Form = Form{Values: map[string]string{"to": c.QueryParam("to"), "subject": c.QueryParam("subject")}}
	return s.tmpl.render(c, http.StatusOK, "message_new", p)
}

// messageFormStatus is the status a refused message form comes back with,
// its text kept; ok is false for errors the error handler should answer.
func messageFormStatus(err error) (int, bool) {
	var rl *forum.RateLimitError
	switch {
	case errors.As(err, &rl):
		return http.StatusTooManyRequests, true
	case errors.Is(err, forum.ErrEmailUnverified):
		return http.StatusForbidden, true
	case errors.Is(err, forum.ErrForbidden):
		return http.StatusForbidden, true
	}
	if _, ok := forum.AsValidation(err); ok {
		return http.StatusUnprocessableEntity, true
	}
	return 0, false
}

func (s *Server) startConversation(c echo.Context) error {
	conv, _, err := s.forum.StartConversation(c.Request().Context(), viewer(c), forum.NewConversation{
		To: forum.ParseRecipients(c.FormValue("to")), Subject: c.FormValue("subject"), Body: c.FormValue("body"),
	})
	if err != nil {
		status, ok := messageFormStatus(err)
		if !ok {
			return err
		}
		p := s.page(c, s.t(c, "account.message_new.title"))
		p.NoIndex = true
		p.Form = formFrom(c, err)
		if _, isVal := forum.AsValidation(err); !isVal {
			p.Form.Error = errorText(c, err)
		}
		return s.tmpl.render(c, status, "message_new", p)
	}
	return c.Redirect(http.StatusSeeOther, conversationPath(conv.ID))
}

func conversationPath(id int64) string { return "/messages/" + strconv.FormatInt(id, 10) }

func (s *Server) conversationPage(c echo.Context) error {
	return s.renderConversation(c, http.StatusOK, nil)
}

// renderConversation shows a conversation, with a refused reply's text
// and error when err is set.
func (s *Server) renderConversation(c echo.Context, status int, err error) error {
	id, perr := idParam(c, "id")
	if perr != nil {
		return perr
	}
	cp, perr := s.forum.Conversation(c.Request().Context(), viewer(c), id, c.QueryParam("before"))
	if perr != nil {
		return perr
	}
	title := cp.Subject
	if title == "" {
		title = s.t(c, "account.conversation.untitled")
	}
	p := s.page(c, title)
	p.NoIndex = true
	p.Data = ConversationData{cp}
	if err != nil {
		p.Form = formFrom(c, err)
		if _, isVal := forum.AsValidation(err); !isVal {
			p.Form.Error = errorText(c, err)
		}
	}
	return s.tmpl.render(c, status, "conversation", p)
}

func (s *Server) sendMessage(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.forum.SendMessage(c.Request().Context(), viewer(c), id, c.FormValue("body")); err != nil {
		status, ok := messageFormStatus(err)
		if !ok {
			return err
		}
		return s.renderConversation(c, status, err)
	}
	return c.Redirect(http.StatusSeeOther, conversationPath(id)+"#latest")
}

func (s *Server) leaveConversation(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.LeaveConversation(c.Request().Context(), viewer(c), id); err != nil {
		return err
	}
	s.setFlash(c, s.t(c, "account.conversation.left"))
	return c.Redirect(http.StatusSeeOther, "/messages")
}

func (s *Server) muteConversation(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.forum.MuteConversation(c.Request().Context(), viewer(c), id, c.FormValue("muted") != "0"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, conversationPath(id))
}

// messageBlock blocks or (action=unblock) unblocks a member from messaging
// the viewer.
func (s *Server) messageBlock(c echo.Context) error {
	ctx := c.Request().Context()
	name := c.FormValue("username")
	if c.FormValue("action") == "unblock" {
		if err := s.forum.UnblockMessages(ctx, viewer(c), name); err != nil {
			return err
		}
		s.setFlash(c, s.t(c, "account.messages.unblocked", "Name", name))
	} else {
		if _, err := s.forum.BlockMessages(ctx, viewer(c), name); err != nil {
			return err
		}
		s.setFlash(c, s.t(c, "account.messages.blocked", "Name", name))
	}
	return c.Redirect(http.StatusSeeOther, "/messages")
}

// reportMessage reports the message named by the "message" field, which
// must be in conversation :id, to the review queue.
func (s *Server) reportMessage(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	msgID, err := strconv.ParseInt(c.FormValue("message"), 10, 64)
	if err != nil || msgID < 1 {
		return forum.ErrNotFound
	}
	if _, err := s.forum.ReportMessage(c.Request().Context(), viewer(c), id, msgID, c.FormValue("reason")); err != nil {
		if _, ok := forum.AsValidation(err); ok {
			return s.renderConversation(c, http.StatusUnprocessableEntity, err)
		}
		return err
	}
	s.setFlash(c, s.t(c, "account.conversation.reported"))
	return c.Redirect(http.StatusSeeOther, conversationPath(id))
}
