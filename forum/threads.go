package forum

import (
	"context"
	"errors"

	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

const (
	titleMinRunes   = 3
	titleMaxRunes   = 200
	bodyMaxRunes    = 32000
	maxTagsOnThread = 5
	// ThreadsPerPage is how many threads a category page lists.
	ThreadsPerPage = 30
)

var tagPattern tagName // see tag_names.go

// NewThread is what a member submits to start a thread.
type NewThread struct {
	Category string // slug
	Title    string
	Body     string
	Tags     []string
	Poll     *PollInput // optional: a poll under the first post
}

// ThreadSummary is a thread as a list shows it.
type ThreadSummary struct {
	models.Thread
	Author     *models.User
	LastPoster *models.User
	Category   *models.Category
	Tags       []string
	Unread     int // posts since the viewer's last visit, on threads they follow (see FillUnread)
}

// Replies is the number of posts after the first.
func (t ThreadSummary) Replies() int { return t.PostCount - 1 }

// ThreadList is one page of a category's threads.
type ThreadList struct {
	Category *models.Category
	Parent   *models.Category
	Children []models.Category
	Pinned   []ThreadSummary
	Threads  []ThreadSummary
	Next     string // cursor for the following page, empty on the last
}

// CreateThread starts a thread with its first post.
func (s *Service) CreateThread(ctx context.Context, actor *models.User, in NewThread) (*models.Thread, *models.Post, error) {
	if actor == nil {
		return nil, nil, ErrUnauthorized
	}
	if err := s.checkEmailVerified(actor); err != nil {
		return nil, nil, err
	}
	v := validation{}
	in.Title = strings.TrimSpace(in.Title)
	checkText(v, "title", in.Title, titleMinRunes, titleMaxRunes)
	checkText(v, "body", in.Body, 1, bodyMaxRunes)
	tags, tagErr := normalizeTags(in.Tags)
	if !tagErr.IsZero() {
		v.addMsg("tags", tagErr)
	}
	var pollOpts []string
	if in.Poll != nil {
		pollOpts = s.checkPoll(v, in.Poll)
	}
	var thread *models.Thread
	var post *models.Post
	var held *models.HeldPost
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		cat, err := s.store.CategoryBySlug(ctx, strings.ToLower(strings.TrimSpace(in.Category)))
		if err != nil {
			if !errors.Is(err, models.ErrNotFound) {
				return err
			}
			v.add("category", "errors.common.choose_existing_category")
		} else if !CanSeeCategory(actor, cat) {
			v.add("category", "errors.common.choose_existing_category")
		} else if ok, err := s.mayStartThread(ctx, actor, cat); err != nil {
			return err
		} else if !ok {
			v.add("category", "errors.threads.staff_only_category", "Category", cat.Name)
		}
		if err := v.err(); err != nil {
			return err
		}
		if err := s.checkMayPost(ctx, actor, nil); err != nil {
			return err
		}
		adm, err := s.admit(ctx, actor, in.Title, in.Body)
		if err != nil {
			return err
		}
		if adm.hold != "" && in.Poll != nil {
			// A held thread keeps only its text; refuse rather than
			// publish it later without the poll the author asked for.
			pv := validation{}
			pv.add("poll", "errors.threads.polls_can_added_once")
			return pv.err()
		}
		if adm.hold != "" {
			// The whole thread waits: nothing of it exists for others
			// until the first post is approved.
			held = &models.HeldPost{UserID: actor.ID, CategoryID: cat.ID, Title: adm.title, Tags: strings.Join(tags, ","),
				Body: adm.body, HTML: adm.rendered.HTML, Reason: adm.hold}
			if err := s.hold(ctx, held); err != nil {
				return err
			}
			return s.store.DeleteDraft(ctx, actor.ID, 0)
		}
		var addPoll func(context.Context, *models.Thread, *models.Post) error
		if in.Poll != nil {
			addPoll = func(ctx context.Context, t *models.Thread, p *models.Post) error {
				return s.createPoll(ctx, t, p, pollOpts, in.Poll)
			}
		}
		thread, post, err = s.insertThread(ctx, actor, cat, adm.title, tags, adm.body, adm.rendered, time.Time{}, nil, addPoll)
		if err != nil {
			return err
		}
		return s.store.DeleteDraft(ctx, actor.ID, 0) // the new-thread draft became this thread
	})
	if err == nil && held != nil {
		return nil, nil, &HeldError{Held: held}
	}
	if err != nil {
		return nil, nil, err
	}
	return thread, post, nil
}

// countNewPost keeps the denormalised counters that lists show in step.
func (s *Service) countNewPost(ctx context.Context, categoryID, userID int64, at time.Time, newThread bool) error {
	if err := s.store.BumpCategory(ctx, categoryID, at, newThread); err != nil {
		return err
	}
	return s.store.Increment(ctx, &models.User{}, userID, "post_count", 1)
}

func normalizeTags(raw []string) ([]string, i18n.Msg) {
	var out []string
	seen := map[string]bool{}
	for _, r := range raw {
		for _, t := range strings.FieldsFunc(r, func(c rune) bool { return c == ',' || c == ' ' }) {
			t = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "#"))
			if t == "" || seen[t] {
				continue
			}
			if !tagPattern.MatchString(t) {
				return nil, i18n.M("errors.threads.bad_tag", "Tag", strconv.Quote(t))
			}
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) > maxTagsOnThread {
		return nil, i18n.M("errors.threads.too_many_tags", "Max", maxTagsOnThread)
	}
	return out, i18n.Msg{}
}

// ListThreads returns a page of a category's threads: pinned ones first (on
// the first page), then by last activity, continuing after cursor.
func (s *Service) ListThreads(ctx context.Context, slug, cursor string) (*ThreadList, error) {
	return s.ListThreadsFor(ctx, nil, slug, cursor)
}

// ListThreadsFor is ListThreads for a viewer, who may see a private
// category if they are an ambassador or staff.
func (s *Service) ListThreadsFor(ctx context.Context, viewer *models.User, slug, cursor string) (*ThreadList, error) {
	cat, version, err := s.categoryBySlugVersionedFor(ctx, viewer, slug)
	if err != nil {
		return nil, err
	}
	after, err := parseCursor(cursor)
	if err != nil {
		return nil, invalid("after", "errors.common.not_valid_page_cursor")
	}
	list := &ThreadList{Category: cat}
	if err := s.threadList(ctx, list, version, after); err != nil {
		return nil, err
	}
	return list, nil
}

// LatestThreads lists recently active threads across the forum.
func (s *Service) LatestThreads(ctx context.Context, limit int) ([]ThreadSummary, error) {
	ts, err := s.store.LatestThreads(ctx, nil, limit)
	if err != nil {
		return nil, err
	}
	return s.summarize(ctx, ts)
}

// summarize loads the people, categories and tags a thread list shows, in a
// fixed number of queries whatever the list's length.
func (s *Service) summarize(ctx context.Context, ts []models.Thread) ([]ThreadSummary, error) {
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	return s.summarizeWith(ctx, ts, cats)
}

// summarizeWith is summarize with the categories already loaded. Threads
// of private categories are dropped: every list but a private category's
// own (summarizeIn) is public.
func (s *Service) summarizeWith(ctx context.Context, ts []models.Thread, cats []models.Category) ([]ThreadSummary, error) {
	return s.summarizeIn(ctx, ts, cats, false)
}

func (s *Service) summarizeIn(ctx context.Context, ts []models.Thread, cats []models.Category, keepPrivate bool) ([]ThreadSummary, error) {
	if !keepPrivate {
		ts = dropPrivateThreads(ts, cats)
	}
	userIDs := make([]int64, 0, 2*len(ts))
	threadIDs := make([]int64, 0, len(ts))
	for _, t := range ts {
		userIDs = append(userIDs, t.UserID, t.LastPostUserID)
		threadIDs = append(threadIDs, t.ID)
	}
	users, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	tags, err := s.store.ThreadTags(ctx, threadIDs)
	if err != nil {
		return nil, err
	}
	catByID := map[int64]*models.Category{}
	for i := range cats {
		catByID[cats[i].ID] = &cats[i]
	}
	out := make([]ThreadSummary, len(ts))
	for i, t := range ts {
		out[i] = ThreadSummary{Thread: t, Author: users[t.UserID], LastPoster: users[t.LastPostUserID], Category: catByID[t.CategoryID], Tags: tags[t.ID]}
	}
	return out, nil
}

// TagThreads lists the threads carrying a tag.
func (s *Service) TagThreads(ctx context.Context, name string, limit int) (*models.Tag, []ThreadSummary, error) {
	tag, err := s.store.TagByName(ctx, strings.ToLower(name))
	if err != nil {
		return nil, nil, mapNotFound(err)
	}
	ts, err := s.store.ThreadsByTag(ctx, tag.ID, limit)
	if err != nil {
		return nil, nil, err
	}
	sum, err := s.summarize(ctx, ts)
	return tag, sum, err
}

// Bookmarks lists the actor's bookmarked threads.
func (s *Service) Bookmarks(ctx context.Context, actor *models.User) ([]ThreadSummary, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	ts, err := s.store.BookmarkedThreads(ctx, actor.ID, 100)
	if err != nil {
		return nil, err
	}
	return s.summarize(ctx, ts)
}

// SetBookmark adds or removes the actor's bookmark on a thread.
func (s *Service) SetBookmark(ctx context.Context, actor *models.User, threadID int64, on bool) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if _, err := s.threadFor(ctx, actor, threadID); err != nil {
		return err
	}
	return s.store.SetBookmark(ctx, actor.ID, threadID, on)
}

// liveThread loads a thread that is not deleted, whoever asks: only for
// what tells nothing of it (cache keys, page counts) and the domain's own
// steps; entry points taking an id from a viewer use threadFor.
func (s *Service) liveThread(ctx context.Context, id int64) (*models.Thread, error) {
	t, err := s.store.ThreadByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if t.DeletedAt != nil {
		return nil, ErrNotFound
	}
	return t, nil
}

func formatCursor(t time.Time, id int64) string {
	return strconv.FormatInt(t.UnixMicro(), 10) + "_" + strconv.FormatInt(id, 10)
}

func parseCursor(c string) (*models.ThreadCursor, error) {
	if c == "" {
		return nil, nil
	}
	ts, id, ok := strings.Cut(c, "_")
	if !ok {
		return nil, errors.New("bad cursor")
	}
	micros, err1 := strconv.ParseInt(ts, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, errors.New("bad cursor")
	}
	return &models.ThreadCursor{LastPostAt: time.UnixMicro(micros).UTC(), ID: n}, nil
}
