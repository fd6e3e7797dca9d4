package forum

import (
	"context"
	"errors"
	"strings"

	"github.com/hearth/hearth/models"
)

// BlockMessages stops the member (or fediverse account) named from
// messaging actor: new conversations with actor and messages in shared
// ones are refused with a message saying so. Blocking twice is no error.
func (s *Service) BlockMessages(ctx context.Context, actor *models.User, name string) (*models.User, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	name = strings.TrimPrefix(strings.TrimSpace(name), "@")
	u, err := s.store.UserByUsername(ctx, name)
	if errors.Is(err, models.ErrNotFound) {
		return nil, invalid("username", "errors.message_blocks.no_member_name")
	} else if err != nil {
		return nil, err
	}
	if u.ID == actor.ID {
		return nil, invalid("username", "errors.message_blocks.cannot_block_yourself")
	}
	return u, s.store.BlockMessages(ctx, actor.ID, u.ID, s.now())
}

// UnblockMessages lifts actor's block of the member named.
func (s *Service) UnblockMessages(ctx context.Context, actor *models.User, name string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	u, err := s.store.UserByUsername(ctx, strings.TrimPrefix(strings.TrimSpace(name), "@"))
	if err != nil {
		return mapNotFound(err)
	}
	return s.store.UnblockMessages(ctx, actor.ID, u.ID)
}

// MessageBlocks lists whom actor blocks from messaging them.
func (s *Service) MessageBlocks(ctx context.Context, actor *models.User) ([]*models.User, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	rows, err := s.store.MessageBlocksOf(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.BlockedID
	}
	return s.userCardsInOrder(ctx, ids)
}

// userCardsInOrder loads the members ids name, in that order, leaving out
// any that are gone.
func (s *Service) userCardsInOrder(ctx context.Context, ids []int64) ([]*models.User, error) {
	cards, err := s.store.UserCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*models.User, 0, len(ids))
	for _, id := range ids {
		if u := cards[id]; u != nil {
			out = append(out, u)
		}
	}
	return out, nil
}

// MessagesBlocked reports whether actor blocks target (profiles show
// "Unblock" then).
func (s *Service) MessagesBlocked(ctx context.Context, actor, target *models.User) (bool, error) {
	if actor == nil || target == nil {
		return false, nil
	}
	ids, err := s.store.MessageBlockers(ctx, target.ID, []int64{actor.ID})
	return len(ids) > 0, err
}
