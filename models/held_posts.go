package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Held post states.
const (
	HeldPending  = "pending"
	HeldApproved = "approved"
	HeldRejected = "rejected"
)

// HeldPost is a post waiting for approval (migration 0090). It lives apart
// from posts, so nothing that lists, counts, searches or federates posts can
// show it by forgetting a filter; approval publishes it as an ordinary post
// (PostID then names it). ThreadID 0 means the post would start a thread in
// CategoryID with Title and Tags (comma-separated): the whole thread is held.
// APID is set for a remote post (silenced instance, watched word).
type HeldPost struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     int64  `gorm:"not null"`
	ThreadID   int64  `gorm:"not null;default:0"`
	CategoryID int64  `gorm:"not null;default:0"`
	Title      string `gorm:"size:300;not null;default:''"`
	Tags       string `gorm:"size:300;not null;default:''"`
	ReplyToID  *int64
	Body       string  `gorm:"type:text;not null"`
	HTML       string  `gorm:"column:html;type:text;not null"`
	APID       *string `gorm:"column:ap_id"`
	Reason     string  `gorm:"size:200;not null;default:''"`
	State      string  `gorm:"size:16;not null"`
	PostID     *int64
	CreatedAt  time.Time `gorm:"not null"`
	ResolvedAt *time.Time
	// DecisionReason is what the approver told the author when rejecting
	// it (migration 0200); the queue item's note stays private.
	DecisionReason string `gorm:"type:text;not null;default:''"`
	// Activity is the activity a held remote reply arrived in (migration
	// 0430), for the category's Group to relay once it is approved.
	Activity *string `gorm:"type:text"`
}

// CreateHeldPost inserts h.
func (s *Store) CreateHeldPost(ctx context.Context, h *HeldPost) error {
	return s.DB(ctx).Create(h).Error
}

// HeldPostByID loads one held post.
func (s *Store) HeldPostByID(ctx context.Context, id int64) (*HeldPost, error) {
	var h HeldPost
	if err := s.DB(ctx).First(&h, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &h, nil
}

// HeldPostByAPID loads the held post stored for a remote object id.
func (s *Store) HeldPostByAPID(ctx context.Context, apID string) (*HeldPost, error) {
	var h HeldPost
	if err := s.DB(ctx).Where("ap_id = ?", apID).First(&h).Error; err != nil {
		return nil, notFound(err)
	}
	return &h, nil
}

// HeldPostsByIDs loads held posts keyed by id.
func (s *Store) HeldPostsByIDs(ctx context.Context, ids []int64) (map[int64]*HeldPost, error) {
	out := make(map[int64]*HeldPost, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var hs []HeldPost
	if err := s.DB(ctx).Where("id IN ?", uniqueIDs(ids)).Find(&hs).Error; err != nil {
		return nil, err
	}
	for i := range hs {
		out[hs[i].ID] = &hs[i]
	}
	return out, nil
}

// PendingHeldReplies lists a member's replies waiting in a thread, oldest
// first: what the thread page shows its author under "waiting for approval".
func (s *Store) PendingHeldReplies(ctx context.Context, userID, threadID int64) ([]HeldPost, error) {
	var hs []HeldPost
	err := s.DB(ctx).Where("user_id = ? AND thread_id = ? AND state = ?", userID, threadID, HeldPending).
		Order("id").Limit(50).Find(&hs).Error
	return hs, err
}

// ResolveHeldPost moves a pending held post to state, reporting whether it
// was still pending (so two approvers act once).
// reason is what the author is told (DecisionReason).
func (s *Store) ResolveHeldPost(ctx context.Context, id int64, state string, postID *int64, reason string, at time.Time) (bool, error) {
	res := s.DB(ctx).Model(&HeldPost{}).Where("id = ? AND state = ?", id, HeldPending).
		Updates(map[string]any{"state": state, "post_id": postID, "decision_reason": reason, "resolved_at": at})
	return res.RowsAffected == 1, res.Error
}

// SetQueueItemPost points an approval item at the post its approval
// published.
func (s *Store) SetQueueItemPost(ctx context.Context, itemID, postID int64) error {
	return s.DB(ctx).Model(&ModQueueItem{}).Where("id = ?", itemID).UpdateColumn("post_id", postID).Error
}

// RecentPostCount counts what a member submitted since a time, published or
// held: the sandbox's rate limit, counted in the database so every process
// agrees.
func (s *Store) RecentPostCount(ctx context.Context, userID int64, since time.Time) (int64, error) {
	var posts, held int64
	if err := s.DB(ctx).Model(&Post{}).Where("user_id = ? AND created_at >= ?", userID, since).Count(&posts).Error; err != nil {
		return 0, err
	}
	// Approved ones are counted among the posts already.
	err := s.DB(ctx).Model(&HeldPost{}).Where("user_id = ? AND created_at >= ? AND state <> ?", userID, since, HeldApproved).Count(&held).Error
	return posts + held, err
}

// MemberStanding is what the sandbox's graduation criteria read.
type MemberStanding struct {
	LivePosts     int64 // published, not deleted or hidden
	LikesReceived int64
}

// Standing sums a member's live posts and the likes they received.
func (s *Store) Standing(ctx context.Context, userID int64) (MemberStanding, error) {
	var st MemberStanding
	err := s.DB(ctx).Model(&Post{}).Where("user_id = ? AND deleted_at IS NULL AND hidden_at IS NULL", userID).
		Select("COUNT(*) AS live_posts, COALESCE(SUM(like_count), 0) AS likes_received").Scan(&st).Error
	return st, err
}

// SetUserSandboxed puts a member in the sandbox or lets them out, reporting
// whether it changed (so a vouch is recorded once).
func (s *Store) SetUserSandboxed(ctx context.Context, userID int64, on bool, now time.Time) (bool, error) {
	res := s.DB(ctx).Model(&User{}).Where("id = ? AND sandboxed <> ?", userID, on).
		Updates(map[string]any{"sandboxed": on, "updated_at": now})
	return res.RowsAffected == 1, res.Error
}

// BumpContentVersion increments a named version counter, so every process
// holding something compiled from that content rebuilds it.
func (s *Store) BumpContentVersion(ctx context.Context, name string) error {
	return s.DB(ctx).Table("content_versions").Where("name = ?", name).
		UpdateColumn("version", gorm.Expr("version + 1")).Error
}

// ContentVersion reads a named version counter (0 when absent).
func (s *Store) ContentVersion(ctx context.Context, name string) (int64, error) {
	var v int64
	err := s.DB(ctx).Table("content_versions").Where("name = ?", name).Select("version").Scan(&v).Error
	return v, err
}
