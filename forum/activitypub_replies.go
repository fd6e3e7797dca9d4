package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// RepliesPageSize is how many direct replies one page of a post's replies
// collection lists.
const RepliesPageSize = 20

// RepliesPage is one page of a post's direct replies, for its ActivityPub
// replies collection.
type RepliesPage struct {
	Items []models.ReplyRef
	More  bool // a further page exists
}

// loadRepliesPage loads page (1-based) of p's direct replies.
func (s *Service) loadRepliesPage(ctx context.Context, p *models.Post, t *models.Thread, page int) (RepliesPage, error) {
	refs, err := s.store.DirectReplies(ctx, t.ID, p.ID, p.Number == 1 || p.ID == t.FirstPostID,
		(page-1)*RepliesPageSize, RepliesPageSize+1)
	if err != nil {
		return RepliesPage{}, err
	}
	rp := RepliesPage{Items: refs}
	if len(refs) > RepliesPageSize {
		rp.Items, rp.More = refs[:RepliesPageSize], true
	}
	return rp, nil
}

// PostReplies loads page (1-based) of a local post's direct replies: the
// same visibility rules as its Note, and ErrNotFound for a deleted post or
// a copy of a remote one (its replies are its own server's to list).
func (s *Service) PostReplies(ctx context.Context, postID int64, page int) (RepliesPage, error) {
	if page < 1 {
		return RepliesPage{}, ErrNotFound
	}
	p, err := s.store.PostByID(ctx, postID)
	if err != nil {
		return RepliesPage{}, mapNotFound(err)
	}
	if p.APID != nil || p.DeletedAt != nil || p.HiddenAt != nil {
		return RepliesPage{}, ErrNotFound
	}
	t, err := s.store.ThreadByID(ctx, p.ThreadID)
	if err != nil {
		return RepliesPage{}, mapNotFound(err)
	}
	if t.DeletedAt != nil {
		return RepliesPage{}, ErrNotFound
	}
	if err := s.checkSeeThread(ctx, nil, t); err != nil {
		return RepliesPage{}, err
	}
	rp, err := s.loadRepliesPage(ctx, p, t, page)
	if err == nil && page > 1 && len(rp.Items) == 0 {
		return rp, ErrNotFound // past the last page
	}
	return rp, err
}
