package forum

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// The editor's server side (issue 15 item 1): a preview rendered by the
// pipeline posts use, and drafts kept per member and thread.

// Preview renders body exactly as a post with it would be rendered and
// sanitised (s.render: Markdown, mentions, hashtags, own media), without
// storing anything. Members only: it is a tool for writing posts.
func (s *Service) Preview(ctx context.Context, actor *models.User, body string) (string, error) {
	if actor == nil {
		return "", ErrUnauthorized
	}
	v := validation{}
	checkText(v, "body", body, 0, bodyMaxRunes)
	if err := v.err(); err != nil {
		return "", err
	}
	res, err := s.render(ctx, body)
	if err != nil {
		return "", err
	}
	return res.HTML, nil
}

// DraftInput is what the editor saves: a reply to ThreadID, or a new
// thread (ThreadID 0) with its title, category slug and tags.
type DraftInput struct {
	ThreadID int64
	Title    string
	Category string
	Tags     string
	Body     string
}

// Draft limits: the body as a post's, the rest as a new thread's fields.
const (
	draftCategoryMax = 100
	draftTagsMax     = 200
)

// SaveDraft keeps the member's draft for a thread they may see (0: a new
// thread). A draft with neither title nor body is removed instead.
func (s *Service) SaveDraft(ctx context.Context, actor *models.User, in DraftInput) (*models.Draft, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if in.ThreadID < 0 {
		return nil, ErrNotFound
	}
	if in.ThreadID > 0 {
		if _, err := s.threadFor(ctx, actor, in.ThreadID); err != nil {
			return nil, err
		}
		in.Title, in.Category, in.Tags = "", "", ""
	}
	in.Title, in.Category, in.Tags = strings.TrimSpace(in.Title), strings.TrimSpace(in.Category), strings.TrimSpace(in.Tags)
	v := validation{}
	checkText(v, "body", in.Body, 0, bodyMaxRunes)
	checkText(v, "title", in.Title, 0, titleMaxRunes)
	checkText(v, "category", in.Category, 0, draftCategoryMax)
	checkText(v, "tags", in.Tags, 0, draftTagsMax)
	if err := v.err(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Body) == "" && strings.TrimSpace(in.Title) == "" {
		return nil, s.store.DeleteDraft(ctx, actor.ID, in.ThreadID)
	}
	d := &models.Draft{UserID: actor.ID, ThreadID: in.ThreadID, Title: in.Title, Category: in.Category,
		Tags: in.Tags, Body: in.Body, UpdatedAt: s.now()}
	if err := s.store.SaveDraft(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// DraftFor returns the member's own draft for a thread (0: a new thread),
// or nil when there is none. Nobody reads another member's draft: the
// member is the key.
func (s *Service) DraftFor(ctx context.Context, actor *models.User, threadID int64) (*models.Draft, error) {
	if actor == nil {
		return nil, nil
	}
	d, err := s.store.DraftFor(ctx, actor.ID, threadID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return d, err
}

// DiscardDraft removes the member's draft for a thread (0: a new thread).
func (s *Service) DiscardDraft(ctx context.Context, actor *models.User, threadID int64) error {
	if actor == nil {
		return ErrUnauthorized
	}
	return s.store.DeleteDraft(ctx, actor.ID, threadID)
}

// suggestMax is how many accounts an @mention suggestion lists.
const suggestMax = 8

// MemberSuggestion is one account an @mention being typed may mean.
type MemberSuggestion struct {
	Handle      string // what follows the @: username, or name@host
	DisplayName string
	Remote      bool
	User        *models.User // nil for a fediverse account known only as an actor
}

// SuggestMembers lists the accounts an @mention being typed may mean:
// local members by username or display-name prefix, then known fediverse
// accounts as name@host (authors of posts here first, then other actors
// this server has seen). Never suspended, erased or unapproved members,
// nor accounts on a suspended instance. Members only; q may start with "@".
func (s *Service) SuggestMembers(ctx context.Context, actor *models.User, q string) ([]MemberSuggestion, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	q = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q), "@")))
	if q == "" || utf8.RuneCountInString(q) > 100 {
		return nil, nil
	}
	out := []MemberSuggestion{}
	// Twice the room: some remote ones may be on suspended instances.
	users, err := s.store.SuggestMembers(ctx, q, 2*suggestMax, s.now())
	if err != nil {
		return nil, err
	}
	for i := range users {
		u := &users[i]
		if len(out) == suggestMax {
			return out, nil
		}
		if u.IsRemote() {
			if off, err := s.InstanceSuspended(ctx, u.Domain); err != nil {
				return nil, err
			} else if off {
				continue
			}
		}
		out = append(out, MemberSuggestion{Handle: u.Username, DisplayName: u.DisplayName, Remote: u.IsRemote(), User: u})
	}
	actors, err := s.store.SuggestRemoteActors(ctx, q, 2*suggestMax)
	if err != nil {
		return nil, err
	}
	for i := range actors {
		a := &actors[i]
		if len(out) == suggestMax {
			break
		}
		if off, err := s.InstanceSuspended(ctx, a.Domain); err != nil {
			return nil, err
		} else if off {
			continue
		}
		out = append(out, MemberSuggestion{Handle: models.RemoteUserHandle(a), DisplayName: a.Name, Remote: true})
	}
	return out, nil
}
