package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// The visibility rule, in one place. CanSeeCategory (permissions.go) says
// who may see a category; this file is how every read and write applies it:
//
//   - An entry point that takes a thread, post or poll id loads it through
//     threadFor, PostFor or pollThread with the viewer (reads and writes
//     alike: bookmarking, voting, watching, flagging are refused as not
//     found, exactly like reading).
//   - A list of threads, posts or what hangs off them composes
//     models.OutsideCategories with hiddenCategoryIDs(viewer), in the query.
//   - Delivery (notifications, their mail, the digest) asks audience who of
//     the recipients may see the thread; the others get nothing.
//
// cmd/hearth's route-walking test (visibility_routes_test.go) asks every
// registered route for a private thread as a visitor and as a member and
// fails on any answer that carries its text.

// seesPrivate: ambassadors (of any category), moderators and administrators
// see the private categories; visitors and fediverse accounts never do.
func seesPrivate(viewer *models.User) bool {
	return viewer != nil && !viewer.IsRemote() &&
		(viewer.Role == models.RoleAmbassador || viewer.Role == models.RoleModerator || viewer.Role == models.RoleAdmin)
}

// hiddenCategoryIDs is the set of categories viewer may not see, for
// models.OutsideCategories: nil (no condition at all) for those who see
// everything, else the private categories' ids, one small read.
func (s *Service) hiddenCategoryIDs(ctx context.Context, viewer *models.User) ([]int64, error) {
	if seesPrivate(viewer) {
		return nil, nil
	}
	return s.store.PrivateCategoryIDs(ctx)
}

// hiddenCategorySet is hiddenCategoryIDs as a set, for filtering rows
// already loaded.
func (s *Service) hiddenCategorySet(ctx context.Context, viewer *models.User) (map[int64]bool, error) {
	ids, err := s.hiddenCategoryIDs(ctx, viewer)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// threadFor loads a live thread the viewer may see; anything else is
// ErrNotFound, so a private thread's existence is not told either.
func (s *Service) threadFor(ctx context.Context, viewer *models.User, id int64) (*models.Thread, error) {
	t, _, err := s.threadAndCategoryFor(ctx, viewer, id)
	return t, err
}

// threadAndCategoryFor is threadFor with the thread's category, which the
// check read anyway.
func (s *Service) threadAndCategoryFor(ctx context.Context, viewer *models.User, id int64) (*models.Thread, *models.Category, error) {
	t, c, err := s.store.ThreadCategory(ctx, id)
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	if !threadVisible(viewer, t, c) {
		return nil, nil, ErrNotFound
	}
	return t, c, nil
}

// threadVisible is the rule every read of a thread by id applies: the
// thread is live and the viewer may see its category.
func threadVisible(viewer *models.User, t *models.Thread, c *models.Category) bool {
	return t.DeletedAt == nil && CanSeeCategory(viewer, c)
}

// memberThreadFor is threadAndCategoryFor for a signed-in member's thread
// page, with the page header's part read in the same statement
// (models.MemberThreadRead); the same rule decides what they may see.
func (s *Service) memberThreadFor(ctx context.Context, viewer *models.User, id int64) (*models.MemberThread, error) {
	m, err := s.store.MemberThreadRead(ctx, id, viewer.ID, s.now())
	if err != nil {
		return nil, mapNotFound(err)
	}
	if !threadVisible(viewer, &m.Thread, &m.Category) {
		return nil, ErrNotFound
	}
	return m, nil
}

// checkSeeThread refuses (as not found) a viewer who may not see the
// thread's category.
func (s *Service) checkSeeThread(ctx context.Context, viewer *models.User, t *models.Thread) error {
	c, err := s.store.CategoryByID(ctx, t.CategoryID)
	if err != nil {
		return mapNotFound(err)
	}
	if !CanSeeCategory(viewer, c) {
		return ErrNotFound
	}
	return nil
}

// PostFor loads a post the viewer may see, with its thread.
func (s *Service) PostFor(ctx context.Context, viewer *models.User, id int64) (*models.Post, *models.Thread, error) {
	p, t, _, err := s.postThreadCategoryFor(ctx, viewer, id)
	return p, t, err
}

// postThreadCategoryFor is PostFor with the category as well.
func (s *Service) postThreadCategoryFor(ctx context.Context, viewer *models.User, id int64) (*models.Post, *models.Thread, *models.Category, error) {
	// One joined read of the post, its thread and their category (a
	// remote Like paid three round trips here on PostgreSQL).
	p, t, c, err := s.store.PostThreadCategory(ctx, id)
	if err != nil {
		return nil, nil, nil, mapNotFound(err)
	}
	if !threadVisible(viewer, t, c) {
		return nil, nil, nil, ErrNotFound
	}
	return p, t, c, nil
}

// audience is the subset of userIDs who may see thread t: all of them in a
// public category; in a private one, those whose role lets them in (one
// read of their roles). c is t's category when the caller has it (nil
// reads it).
func (s *Service) audience(ctx context.Context, t *models.Thread, c *models.Category, userIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	if c == nil || c.ID != t.CategoryID {
		var err error
		if c, err = s.store.CategoryByID(ctx, t.CategoryID); err != nil {
			return nil, mapNotFound(err)
		}
	}
	if !c.AmbassadorsOnly {
		for _, id := range userIDs {
			out[id] = true
		}
		return out, nil
	}
	users, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	for id, u := range users {
		out[id] = CanSeeCategory(u, c)
	}
	return out, nil
}
