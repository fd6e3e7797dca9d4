package forum

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Resolutions a moderator can give a queue item.
const (
	ResolveApprove = "approve" // the post is fine: show it again
	ResolveDismiss = "dismiss" // the flags were not useful: show it again
	ResolveHide    = "hide"    // keep (or make) the post hidden
	ResolveDelete  = "delete"  // soft-delete the post, as its author could
)

// QueuePerPage is the default and largest page of the review queue.
const QueuePerPage = 50

// FlagView is one flag with the member who raised it.
type FlagView struct {
	models.Flag
	User *models.User
}

// QueueItemView is a queue item with what a moderator needs to decide it.
type QueueItemView struct {
	models.ModQueueItem
	Post    *models.Post
	Author  *models.User
	Hidden  bool
	Flags   []FlagView
	Weight  int            // total weight of the item's flags
	Reasons map[string]int // how many flags gave each reason
	// Held is the post behind an approval item, while it waits (and
	// after it was rejected); Post is nil until approval publishes it.
	Held *HeldView
	// Assignee is who claimed the item; Notes its private notes, oldest
	// first. Appeal items carry the appeal, what it contests and who sent it.
	Assignee    *models.User
	Notes       []NoteView
	Appeal      *models.Appeal
	AppealEntry *models.AuditEntry
	Appellant   *models.User
	// AppealSentence is AppealEntry told as the audit log tells it
	// ("mod1 hid a post by carol in ‘Title’ — spam"), with its links.
	AppealSentence *AuditSentence
	// Report and Reported are a message item's report and its copy of the
	// reported message with the two before it (message_reports.go).
	Report   *models.MessageReport
	Reported []ReportedMessage
	// Thread is the post's thread, so a card names it; Record sums up
	// the author's moderation record (queue_cards.go).
	Thread *models.Thread
	Record models.RecordSummary
}

// QueuePage is one page of the review queue, oldest first.
type QueuePage struct {
	State string
	Items []QueueItemView
	Next  string // cursor for the following page, empty on the last
	// Counts is how many items the viewer may see in each state, for
	// the Open, Claimed and Resolved tabs.
	Counts map[string]int64
}

// Queue lists review items in a state (default open), oldest first so
// nothing waits forever, with keyset paging on (created_at, id).
//
// Moderators see every kind; ambassadors see only approval items.
func (s *Service) Queue(ctx context.Context, actor *models.User, state, after string) (*QueuePage, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return nil, err
	}
	var kinds []string
	switch {
	case CanUseModTools(actor):
	case CanApprove(actor):
		kinds = []string{models.QueueKindApproval}
	default:
		return nil, ErrForbidden
	}
	if state == "" {
		state = models.QueueItemOpen
	}
	if state != models.QueueItemOpen && state != models.QueueItemClaimed && state != models.QueueItemResolved {
		return nil, invalid("state", "errors.queue.use_open_claimed_resolved")
	}
	cur, err := parseKeyset(after)
	if err != nil {
		return nil, invalid("after", "errors.common.not_valid_page_cursor")
	}
	var items []models.ModQueueItem
	var counts map[string]int64
	if CanModerate(actor) || kinds != nil {
		items, err = s.store.QueueItems(ctx, state, kinds, cur, QueuePerPage+1)
		if err == nil {
			counts, err = s.store.QueueCounts(ctx, kinds, nil)
		}
	} else {
		// A category moderator sees only their categories' items.
		items, err = s.store.QueueItemsInCategories(ctx, state, actor.RoleCategoryIDs, cur, QueuePerPage+1)
		if err == nil {
			counts, err = s.store.QueueCounts(ctx, nil, append([]int64{}, actor.RoleCategoryIDs...))
		}
	}
	if err != nil {
		return nil, err
	}
	page := &QueuePage{State: state, Counts: counts}
	if len(items) > QueuePerPage {
		items = items[:QueuePerPage]
		last := items[len(items)-1]
		page.Next = formatKeyset(last.CreatedAt, last.ID)
	}
	page.Items, err = s.queueViews(ctx, items)
	if err == nil {
		err = s.withAppealSentences(ctx, actor, page.Items)
	}
	return page, err
}

// queueViews loads posts, authors, flags and flaggers for items in a fixed
// number of queries.
func (s *Service) queueViews(ctx context.Context, items []models.ModQueueItem) ([]QueueItemView, error) {
	postIDs := make([]int64, len(items))
	var heldIDs []int64
	for i, it := range items {
		postIDs[i] = it.PostID
		if it.HeldPostID != nil {
			heldIDs = append(heldIDs, *it.HeldPostID)
		}
	}
	held, err := s.store.HeldPostsByIDs(ctx, heldIDs)
	if err != nil {
		return nil, err
	}
	var threadIDs []int64
	for _, h := range held {
		threadIDs = append(threadIDs, h.ThreadID)
	}
	cats, err := s.store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	posts, err := s.store.PostsByIDs(ctx, postIDs)
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		threadIDs = append(threadIDs, p.ThreadID)
	}
	threads, err := s.store.ThreadsByIDs(ctx, threadIDs)
	if err != nil {
		return nil, err
	}
	hidden, err := s.store.HiddenPostIDs(ctx, postIDs)
	if err != nil {
		return nil, err
	}
	var oldest models.ModQueueItem
	for i, it := range items {
		if i == 0 || it.CreatedAt.Before(oldest.CreatedAt) {
			oldest = it
		}
	}
	flags, err := s.store.FlagsOnPosts(ctx, postIDs, oldest.CreatedAt)
	if err != nil {
		return nil, err
	}
	itemIDs := make([]int64, len(items))
	appealIDs := []int64{}
	for i, it := range items {
		itemIDs[i] = it.ID
		if it.AppealID != nil {
			appealIDs = append(appealIDs, *it.AppealID)
		}
	}
	notes, err := s.store.ModNotesForItems(ctx, itemIDs)
	if err != nil {
		return nil, err
	}
	appeals, err := s.store.AppealsByIDs(ctx, appealIDs)
	if err != nil {
		return nil, err
	}
	userIDs := make([]int64, 0, len(posts)+len(flags)+len(notes)+len(items))
	for _, it := range items {
		if it.AssigneeID != nil {
			userIDs = append(userIDs, *it.AssigneeID)
		}
	}
	for _, n := range notes {
		userIDs = append(userIDs, n.AuthorID)
	}
	for _, a := range appeals {
		userIDs = append(userIDs, a.UserID)
	}
	for _, p := range posts {
		userIDs = append(userIDs, p.UserID)
	}
	for _, f := range flags {
		userIDs = append(userIDs, f.UserID)
	}
	for _, h := range held {
		userIDs = append(userIDs, h.UserID)
	}
	users, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	var authorIDs []int64
	for _, p := range posts {
		authorIDs = append(authorIDs, p.UserID)
	}
	for _, h := range held {
		authorIDs = append(authorIDs, h.UserID)
	}
	records, err := s.store.RecordSummaries(ctx, authorIDs)
	if err != nil {
		return nil, err
	}
	out := make([]QueueItemView, len(items))
	for i, it := range items {
		v := QueueItemView{ModQueueItem: it, Post: posts[it.PostID], Hidden: hidden[it.PostID], Reasons: map[string]int{}}
		if v.Post != nil {
			v.Author = users[v.Post.UserID]
			v.Thread = threads[v.Post.ThreadID]
			v.Record = records[v.Post.UserID]
		}
		if it.HeldPostID != nil && held[*it.HeldPostID] != nil {
			h := held[*it.HeldPostID]
			v.Held = &HeldView{HeldPost: *h, Author: users[h.UserID], Thread: threads[h.ThreadID]}
			for c := range cats {
				if cats[c].ID == h.CategoryID {
					v.Held.Category = &cats[c]
				}
			}
			v.Author = users[h.UserID]
			v.Record = records[h.UserID]
		}
		if it.AssigneeID != nil {
			v.Assignee = users[*it.AssigneeID]
		}
		for _, n := range notes {
			if n.ItemID == it.ID {
				v.Notes = append(v.Notes, NoteView{ModNote: n, Author: users[n.AuthorID]})
			}
		}
		if it.AppealID != nil {
			if a := appeals[*it.AppealID]; a != nil {
				v.Appeal, v.Appellant = a, users[a.UserID]
				if e, err := s.store.AuditEntryByID(ctx, a.AuditID); err == nil {
					v.AppealEntry = e
				}
			}
		}
		for _, f := range flags {
			// An item owns the flags raised while it was unresolved.
			if f.PostID != it.PostID || f.CreatedAt.Before(it.CreatedAt) || (it.ResolvedAt != nil && f.CreatedAt.After(*it.ResolvedAt)) {
				continue
			}
			v.Flags = append(v.Flags, FlagView{Flag: f, User: users[f.UserID]})
			v.Weight += f.Weight
			v.Reasons[f.Reason]++
		}
		out[i] = v
	}
	return s.withMessageReports(ctx, out)
}

// ResolveQueueItem closes a review item with an action, audited in the same
// transaction. Resolving an already resolved item is ErrConflict, so two
// moderators acting at once learn that one of them was first.
func (s *Service) ResolveQueueItem(ctx context.Context, actor *models.User, itemID int64, action, note string) error {
	return s.ResolveQueueItemWithReason(ctx, actor, itemID, action, note, "")
}

// ResolveQueueItemWithReason is ResolveQueueItem with a reason for the
// author: when an approval item's held post is rejected, its author is
// notified and shown reason (note stays private to moderators). Other
// items ignore it.
func (s *Service) ResolveQueueItemWithReason(ctx context.Context, actor *models.User, itemID int64, action, note, reason string) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return err
	}
	if !CanUseModTools(actor) && !CanApprove(actor) {
		return ErrForbidden
	}
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > reasonMaxRunes {
		return invalid("note", "errors.common.use_most_1000_characters")
	}
	reason = strings.TrimSpace(reason)
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > reasonMaxRunes {
		return invalid("reason", "errors.common.use_most_1000_characters")
	}
	action = strings.TrimSpace(action)
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		item, err := s.store.QueueItemByID(ctx, itemID)
		if err != nil {
			return mapNotFound(err)
		}
		if item.Kind == models.QueueKindAppeal {
			return s.decideAppealItem(ctx, actor, item, action, note)
		}
		if item.Kind == models.QueueKindMessage {
			return s.resolveMessageItem(ctx, actor, item, action, note)
		}
		switch action {
		case ResolveApprove, ResolveDismiss, ResolveHide, ResolveDelete:
		default:
			return invalid("action", "errors.common.use_approve_dismiss_hide")
		}
		if err := s.checkItemRights(ctx, actor, item); err != nil {
			return err
		}
		now := s.now()
		ok, err := s.store.ResolveQueueItem(ctx, item.ID, actor.ID, action, note, now)
		if err != nil {
			return err
		}
		if !ok {
			return errAlreadyResolved
		}
		if item.HeldPostID != nil {
			return s.resolveHeld(ctx, actor, item, action, note, reason, now)
		}
		p, err := s.store.PostByID(ctx, item.PostID)
		if err != nil {
			return mapNotFound(err)
		}
		details := map[string]any{"item": item.ID}
		if err := s.record(ctx, actor, "queue."+action, TargetPost, p.ID, note, details, now); err != nil {
			return err
		}
		hidden, err := s.store.HiddenPostIDs(ctx, []int64{p.ID})
		if err != nil {
			return err
		}
		if action == ResolveDelete && !CanDeletePost(actor, p) {
			// An ambassador rejecting an edit a watched word held keeps
			// the post hidden; deleting is for moderators.
			action = ResolveHide
		}
		switch action {
		case ResolveApprove, ResolveDismiss:
			if hidden[p.ID] {
				return s.setHidden(ctx, p, false)
			}
		case ResolveHide:
			if !hidden[p.ID] {
				return s.setHidden(ctx, p, true)
			}
		case ResolveDelete:
			// hidden_at is left as it is: if flags hid the post, an
			// administrator undeleting it later still finds it hidden.
			return s.deletePost(ctx, actor, p.ID)
		}
		return nil
	})
}

var errAlreadyResolved = &conflictError{"errors.conflicts.already_resolved"}

// conflictError is ErrConflict with a message a moderator can act on.
type conflictError struct{ id string } // a message id (errors.conflicts.*)

func (e *conflictError) Error() string { return i18n.M(e.id).String() }

// UserMessage is the refusal in the reader's language (i18n.MsgOf).
func (e *conflictError) UserMessage() i18n.Msg { return i18n.M(e.id) }

func (e *conflictError) Is(target error) bool { return target == ErrConflict }
