package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// messageAPIRoutes adds the conversation API (names fixed by
// INTERFACE.md). Participants only: anyone else gets 404.
func (s *Server) messageAPIRoutes(g *echo.Group) {
	g.GET("/conversations", s.apiConversations)
	g.POST("/conversations", s.apiStartConversation)
	g.GET("/conversations/:id/messages", s.apiConversationMessages)
	g.POST("/conversations/:id/messages", s.apiSendMessage)
	g.POST("/conversations/:id/messages/:message/reports", s.apiReportMessage)
}

// ConversationJSON is a conversation as the API shows it.
type ConversationJSON struct {
	ID            int64       `json:"id"`
	Subject       string      `json:"subject"`
	Participants  []*UserJSON `json:"participants"`
	Unread        int         `json:"unread"`
	Muted         bool        `json:"muted"`
	LastMessageAt time.Time   `json:"last_message_at"`
	URL           string      `json:"url"`
}

// MessageJSON is one message.
type MessageJSON struct {
	ID        int64     `json:"id"`
	Author    *UserJSON `json:"author"`
	Body      string    `json:"body"`
	HTML      string    `json:"html"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) conversationJSON(v forum.ConversationView) ConversationJSON {
	j := ConversationJSON{ID: v.ID, Subject: v.Subject, Unread: v.Unread, Muted: v.Muted, LastMessageAt: v.LastMessageAt,
		URL: s.cfg.URL + conversationPath(v.ID), Participants: make([]*UserJSON, len(v.Participants))}
	for i, u := range v.Participants {
		j.Participants[i] = s.userJSON(u)
	}
	return j
}

func (s *Server) messageJSON(v forum.MessageView) MessageJSON {
	return MessageJSON{ID: v.ID, Author: s.userJSON(v.Author), Body: v.Body, HTML: v.HTML, CreatedAt: v.CreatedAt}
}

func (s *Server) apiConversations(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	l, err := s.forum.Conversations(c.Request().Context(), u, c.QueryParam("before"))
	if err != nil {
		return err
	}
	items := make([]ConversationJSON, len(l.Items))
	for i, v := range l.Items {
		items[i] = s.conversationJSON(v)
	}
	return c.JSON(http.StatusOK, map[string]any{"conversations": items, "next": l.Next})
}

func (s *Server) apiStartConversation(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	var in struct {
		Participants []string `json:"participants"`
		Subject      string   `json:"subject"`
		Body         string   `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	conv, m, err := s.forum.StartConversation(ctx, u, forum.NewConversation{To: in.Participants, Subject: in.Subject, Body: in.Body})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": conv.ID, "url": s.cfg.URL + conversationPath(conv.ID), "message_id": m.ID})
}

func (s *Server) apiConversationMessages(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	cp, err := s.forum.Conversation(c.Request().Context(), u, id, c.QueryParam("before"))
	if err != nil {
		return err
	}
	msgs := make([]MessageJSON, len(cp.Messages))
	for i, m := range cp.Messages {
		msgs[i] = s.messageJSON(m)
	}
	return c.JSON(http.StatusOK, map[string]any{"conversation": s.conversationJSON(cp.ConversationView), "messages": msgs, "older": cp.Older})
}

func (s *Server) apiSendMessage(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	m, err := s.forum.SendMessage(c.Request().Context(), u, id, in.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": m.ID, "url": s.cfg.URL + conversationPath(id) + "#m" + itoa64(m.ID)})
}

// apiReportMessage reports one message of a conversation the caller is in
// to the review queue (named like POST /posts/{id}/flags: a report is a
// thing created under what it is about). Anyone not in the conversation,
// and a message not in it, get 404.
func (s *Server) apiReportMessage(c echo.Context) error {
	u := viewer(c)
	if u == nil {
		return forum.ErrUnauthorized
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	msgID, err := idParam(c, "message")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := s.forum.ReportMessage(c.Request().Context(), u, id, msgID, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": r.ID, "message_id": r.MessageID})
}
