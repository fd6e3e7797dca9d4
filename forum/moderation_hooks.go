package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// ModerationHooks are optional Hooks for moderation that federation must
// act on. They are a separate interface so Hooks implementations that do
// not care need nothing new; the service calls them only when its hooks
// implement them, inside the transaction of the change, like Hooks.
type ModerationHooks interface {
	// PostHidden is called once a post is hidden (on) or shown again:
	// peers are told to drop it, or sent it again.
	PostHidden(ctx context.Context, p *models.Post, on bool) error
	// ReportForwarded is called when a moderator forwards a report about
	// a remote post to the post's server.
	ReportForwarded(ctx context.Context, r ForwardedReport) error
}

// ForwardedReport is a report a moderator sends on to a remote server.
type ForwardedReport struct {
	ItemID   int64  // the queue item, making the Flag's id unique
	ActorID  string // the remote author's actor id
	ObjectID string // the reported Note's id
	Comment  string // what the moderator wrote for the remote admins
}

func (s *Service) moderationHooks() ModerationHooks {
	h, _ := s.hooks.(ModerationHooks)
	return h
}
