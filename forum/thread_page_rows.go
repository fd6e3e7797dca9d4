package forum

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/hearth/hearth/ttlcache"

	"github.com/hearth/hearth/models"
)

// pageRows is what one page of a thread shows that is the same for every
// viewer: the posts' rows as stored (hidden ones with their text), their
// authors, the posts they answer, the thread's tags and its solution. A
// viewer's page is built from it by postViews, which applies the
// visibility rule (CanSeeHiddenText and the rest) per request, so nothing
// here is ever shown as is. Entries are never changed once stored.
type pageRows struct {
	posts    []models.Post
	parents  map[int64]*models.Post
	users    map[int64]*models.User
	tags     []string
	solution int64
	polls    map[int64]bool // the posts that carry a poll
}

// idRange is the lowest and highest id of the page's posts (1, 0, an
// empty range, for none): where the viewer's likes of them are looked up.
func (r *pageRows) idRange() (from, to int64) {
	if len(r.posts) == 0 {
		return 1, 0
	}
	from, to = r.posts[0].ID, r.posts[0].ID
	for i := range r.posts {
		from, to = min(from, r.posts[i].ID), max(to, r.posts[i].ID)
	}
	return from, to
}

// pageRowsCache shares pageRows among requests, logged in or not. The key
// holds the thread's version as read by the visibility gate in the same
// request (threads.updated_at and post_count, which every new, edited,
// deleted, hidden, liked, boosted or voted-on post changes: TouchThread),
// so an entry is never older than what the database said when the request
// began, in this process or any other sharing the database; no process
// needs telling. What the version does not cover (an author renaming
// themselves or changing their avatar) is bounded by the TTL, as for the
// anonymous page cache (server/pagecache.go).
//
// Memory: a thread entry holds a page of posts' HTML and their authors:
// about 2 KB a post, so ~200 KB for a 100-post page, ~60 KB at the default
// 30; a list entry 50 threads with their authors, ~100 KB. At most
// pageRowsEntries of each: ~6 MB and ~3 MB at most, at 100 posts a page.
type pageRowsCache struct {
	lru   *ttlcache.Cache[string, *pageRows]
	lists *ttlcache.Cache[string, *listRows]
}

const (
	pageRowsEntries = 32
	pageRowsTTL     = 30 * time.Second
)

func newPageRowsCache() *pageRowsCache {
	return &pageRowsCache{
		lru:   ttlcache.New[string, *pageRows](pageRowsEntries, pageRowsTTL),
		lists: ttlcache.New[string, *listRows](pageRowsEntries, pageRowsTTL),
	}
}

func pageRowsKey(t *models.Thread, from, to int) string {
	return strconv.FormatInt(t.ID, 10) + ":" + strconv.Itoa(from) + "-" + strconv.Itoa(to) + ":" +
		threadVersion(t.UpdatedAt.UnixMicro(), t.PostCount)
}

// threadPageRows returns posts from..to of t (read by threadAndCategoryFor
// in this request, so its version is current) from the cache or the store.
func (s *Service) threadPageRows(ctx context.Context, t *models.Thread, from, to int) (*pageRows, error) {
	key := pageRowsKey(t, from, to)
	if r, ok := s.pages.lru.Get(key); ok {
		return r, nil
	}
	posts, err := s.store.PostsInRange(ctx, t.ID, from, to)
	if err != nil {
		return nil, err
	}
	r := &pageRows{posts: posts}
	userIDs := make([]int64, 0, len(posts)+1)
	var parentIDs []int64
	for _, p := range posts {
		userIDs = append(userIDs, p.UserID)
		if p.ReplyToID != nil {
			parentIDs = append(parentIDs, *p.ReplyToID)
		}
	}
	if r.parents, err = s.store.PostsByIDs(ctx, parentIDs); err != nil {
		return nil, err
	}
	for _, p := range r.parents {
		userIDs = append(userIDs, p.UserID)
	}
	if len(posts) == 0 || posts[0].Number != 1 {
		userIDs = append(userIDs, t.UserID) // the thread's author, named in the page's head
	}
	if r.users, err = s.store.UserCards(ctx, userIDs); err != nil {
		return nil, err
	}
	postIDs := make([]int64, len(posts))
	for i := range posts {
		postIDs[i] = posts[i].ID
	}
	polls, err := s.store.PollsByPostIDs(ctx, postIDs)
	if err != nil {
		return nil, err
	}
	for _, p := range polls {
		if r.polls == nil {
			r.polls = map[int64]bool{}
		}
		r.polls[*p.PostID] = true
	}
	tags, err := s.store.ThreadTags(ctx, []int64{t.ID})
	if err != nil {
		return nil, err
	}
	r.tags = tags[t.ID]
	sol, err := s.store.SolutionOf(ctx, t.ID)
	switch {
	case err == nil:
		r.solution = sol.PostID
	case !errors.Is(err, models.ErrNotFound):
		return nil, err
	}
	s.pages.lru.Add(key, r)
	return r, nil
}

// listRows is a page of a category's thread list as every viewer sees it
// (the viewer's unread counts are filled in per request, on a copy), shared
// in pageRowsCache under the category's version the same way.
type listRows struct {
	parent   *models.Category
	children []models.Category
	pinned   []ThreadSummary
	threads  []ThreadSummary
	next     string
}

// threadList fills list (whose Category the visibility gate read, with its
// version) from the cache or the store. The summaries are copies: the
// caller may set their Unread.
func (s *Service) threadList(ctx context.Context, list *ThreadList, version string, after *models.ThreadCursor) error {
	cat := list.Category
	at := ""
	if after != nil {
		at = formatCursor(after.LastPostAt, after.ID)
	}
	key := strconv.FormatInt(cat.ID, 10) + ":" + at + ":" + version
	r, ok := s.pages.lists.Get(key)
	if !ok {
		var err error
		if r, err = s.loadThreadList(ctx, cat, after); err != nil {
			return err
		}
		s.pages.lists.Add(key, r)
	}
	list.Parent, list.Children, list.Next = r.parent, r.children, r.next
	list.Pinned, list.Threads = slices.Clone(r.pinned), slices.Clone(r.threads)
	return nil
}

func (s *Service) loadThreadList(ctx context.Context, cat *models.Category, after *models.ThreadCursor) (*listRows, error) {
	r := &listRows{}
	all, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ParentID != nil && *all[i].ParentID == cat.ID {
			r.children = append(r.children, all[i])
		}
		if cat.ParentID != nil && all[i].ID == *cat.ParentID {
			r.parent = &all[i]
		}
	}
	var pinned []models.Thread
	if after == nil {
		if pinned, err = s.store.PinnedThreads(ctx, cat.ID); err != nil {
			return nil, err
		}
	}
	threads, err := s.store.ThreadsByActivity(ctx, cat.ID, after, ThreadsPerPage+1)
	if err != nil {
		return nil, err
	}
	if len(threads) > ThreadsPerPage {
		threads = threads[:ThreadsPerPage]
		last := threads[len(threads)-1]
		r.next = formatCursor(last.LastPostAt, last.ID)
	}
	summaries, err := s.summarizeIn(ctx, append(pinned, threads...), all, cat.AmbassadorsOnly)
	if err != nil {
		return nil, err
	}
	r.pinned, r.threads = summaries[:len(pinned)], summaries[len(pinned):]
	return r, nil
}
