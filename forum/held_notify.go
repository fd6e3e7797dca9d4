package forum

import (
	"context"
	"time"

	"github.com/hearth/hearth/models"
)

// notifyHeldDecision tells a held post's author what became of it, inside
// the decision's transaction: approved (post is what it became; the
// notification links to it) or rejected (post nil; the notification links
// to the held post's page, which keeps their text and shows the reason).
//
// Remote authors and suspended members are not told (NotifiableUserIDs), as
// for every notification. An approval respects the level the author chose
// for the thread or its category: muted means not told. A rejection is told
// whatever the level: it is about the member's own words, which appear
// nowhere else, and a mute is about other people's posts.
func (s *Service) notifyHeldDecision(ctx context.Context, actor *models.User, h *models.HeldPost, post *models.Post, now time.Time) error {
	ok, err := s.store.NotifiableUserIDs(ctx, []int64{h.UserID}, now)
	if err != nil || !ok[h.UserID] {
		return err
	}
	heldID := h.ID
	n := models.Notification{UserID: h.UserID, Kind: models.NotifyHeldRejected, ActorID: actor.ID, ThreadID: h.ThreadID,
		HeldPostID: &heldID, CreatedAt: now}
	if post != nil {
		t, err := s.store.ThreadByID(ctx, post.ThreadID)
		if err != nil {
			return mapNotFound(err)
		}
		levels, err := s.effectiveLevels(ctx, []int64{h.UserID}, t)
		if err != nil || levels[h.UserID] == models.LevelMuted {
			return err
		}
		n.Kind, n.ThreadID, n.PostID = models.NotifyHeldApproved, post.ThreadID, post.ID
	}
	return s.store.CreateNotifications(ctx, []models.Notification{n})
}
