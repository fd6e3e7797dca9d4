package forum

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/hearth/hearth/models"
)

// The audit log told in sentences: "mod1 hid a post by carol in ‘Starter
// loaf’ — spam". This file stays free of any language: it names the kind
// of entry (its stored action), who did it, and what it was done to (linked
// things, or an object code and a name for things without a page), plus
// the details staff need (where a thread went, until when a sanction
// runs). server/ tells that as a sentence in the viewer's language, one
// catalog message per kind (staff.audit.did.<action>), so a translator
// gets whole sentences in their own word order. The filter lists
// auditActions, the same table: a server test checks that every action has
// its label and its sentence in every language.

// auditActions lists every stored action staff read, in the filter's order.
var auditActions = []string{
	"thread.lock", "thread.unlock", "thread.pin", "thread.unpin", "thread.pin_global", "thread.unpin_global",
	"thread.move", "thread.merge", "thread.edit", "thread.slow_mode", "thread.assign", "thread.solution",
	"thread.fetch_replies",
	"post.hide", "post.unhide", "post.delete", "post.auto_hide", "post.hold",
	"queue.approve", "queue.dismiss", "queue.hide", "queue.delete", "queue.reject", "queue.forward",
	"queue.claim", "queue.unclaim", "queue.lock", "queue.warn", "queue.silence", "queue.suspend",
	"user.warn", "user.silence", "user.unsilence", "user.suspend", "user.unsuspend", "user.role",
	"user.session_end", "user.graduate", "user.vouch", "user.reset_2fa",
	"appeal.uphold", "appeal.reverse", "application.approve", "application.reject",
	"category.edit", "category.reorder", "category.delete",
	"instance.block", "instance.unblock", "remote_user.block", "remote_user.unblock",
	"invite.create", "invite.revoke", "site.update", "watched_word.add", "watched_word.remove",
}

var knownAuditAction = func() map[string]bool {
	m := make(map[string]bool, len(auditActions))
	for _, a := range auditActions {
		m[a] = true
	}
	return m
}()

// AuditActions lists every known kind of entry (its stored action), for
// the filter; callers get a copy.
func AuditActions() []string {
	return append([]string(nil), auditActions...)
}

// KnownAuditAction reports whether action is one of AuditActions; an
// unknown one is still told in words, generically, never as stored JSON.
func KnownAuditAction(action string) bool { return knownAuditAction[action] }

// What an entry is about when it has no page of its own to link (or the
// viewer may not see it): AuditSentence.Object, with Name where it has one.
const (
	AuditObjectPostGone     = "post_gone"     // a post that is gone or private
	AuditObjectThreadGone   = "thread_gone"   // a thread that is gone or private
	AuditObjectMember       = "member"        // a member no longer here, by the name recorded
	AuditObjectFormerMember = "former_member" // the same, with no name recorded
	AuditObjectCategory     = "category"      // a category gone or private, by its name
	AuditObjectInstance     = "instance"      // Name: the domain
	AuditObjectRemoteActor  = "remote_actor"  // Name: the actor's id
	AuditObjectWatchedWord  = "watched_word"  // Name: the pattern
	AuditObjectInvite       = "invite"
	AuditObjectSite         = "site"
	AuditObjectQueueItem    = "queue_item"
	AuditObjectMessage      = "message" // a reported private message
	AuditObjectOther        = "other"   // Name: the target type as stored, or ""
)

// AuditSentence is one entry's parts: Actor did Action to the object, the
// first of Post (with Thread and User: "a post by carol in ‘Title’"),
// Thread, User, Category, or else Object and Name; then the details.
type AuditSentence struct {
	Action   string       // as stored, e.g. "post.hide"
	Known    bool         // Action is one of AuditActions
	Actor    *models.User // nil: Hearth itself
	PostID   int64        // a post acted on, linked
	Thread   *models.Thread
	User     *models.User // the member acted on, or the post's author
	Category *models.Category
	Object   string // an AuditObject* code when nothing above is set
	Name     string // its name, e.g. "spam.example"
	// Into is the thread a merged thread went into; IntoHidden is set
	// instead when the viewer may not see it.
	Into       *models.Thread
	IntoHidden bool
	Details    AuditDetails
	Reason     string
}

// AuditDetails are the recorded details a sentence tells, as stored
// (roles, severities and field names are codes; server/ words them).
type AuditDetails struct {
	From, To string // thread.move: category names; user.role: roles
	// Seconds is thread.slow_mode's interval (0: off) when HasSeconds.
	Seconds    int64
	HasSeconds bool
	// Until is the day a silence or suspension ends ("2030-01-31"), unless
	// Indefinite.
	Until      string
	Indefinite bool
	Severity   string   // instance.block
	Fields     []string // site.update: the settings changed, sorted
	MovedTo    string   // category.delete: where its threads went
}

// AuditSentences tells a page of entries as sentences, in order. Threads and
// posts go through the viewer's visibility (a thing the viewer may not see
// is named, not linked); everything is loaded in a few batched reads.
func (s *Service) AuditSentences(ctx context.Context, viewer *models.User, entries []AuditEntryView) ([]AuditSentence, error) {
	if !CanModerate(viewer) {
		return nil, ErrForbidden
	}
	return s.auditSentences(ctx, viewer, entries)
}

// auditSentences is AuditSentences for a caller that already checked the
// viewer may read these entries (the review queue's appeal cards).
func (s *Service) auditSentences(ctx context.Context, viewer *models.User, entries []AuditEntryView) ([]AuditSentence, error) {
	var postIDs, threadIDs, userIDs []int64
	details := make([]map[string]any, len(entries))
	for i, e := range entries {
		if e.Details != "" {
			_ = json.Unmarshal([]byte(e.Details), &details[i]) // unreadable details read as none
		}
		switch e.TargetType {
		case TargetPost:
			postIDs = append(postIDs, e.TargetID)
		case TargetThread:
			threadIDs = append(threadIDs, e.TargetID)
			if into, ok := detailInt(details[i], "into"); ok {
				threadIDs = append(threadIDs, into)
			}
		case TargetUser:
			userIDs = append(userIDs, e.TargetID)
		}
	}
	posts, err := s.store.PostsByIDs(ctx, postIDs)
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		threadIDs = append(threadIDs, p.ThreadID)
		userIDs = append(userIDs, p.UserID)
	}
	threads, err := s.store.ThreadsByIDs(ctx, threadIDs)
	if err != nil {
		return nil, err
	}
	users, err := s.store.UserCards(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	hidden, err := s.hiddenCategorySet(ctx, viewer)
	if err != nil {
		return nil, err
	}
	visible := func(id int64) *models.Thread {
		if t := threads[id]; t != nil && !hidden[t.CategoryID] {
			return t
		}
		return nil
	}
	cats := map[int64]*models.Category{}
	out := make([]AuditSentence, len(entries))
	for i, e := range entries {
		d := details[i]
		sn := AuditSentence{Action: e.Action, Known: knownAuditAction[e.Action], Actor: e.Actor,
			Reason: strings.TrimSpace(e.Reason), Details: auditDetails(e.Action, d)}
		switch e.TargetType {
		case TargetPost:
			if p := posts[e.TargetID]; p != nil && visible(p.ThreadID) != nil {
				sn.PostID, sn.Thread, sn.User = p.ID, visible(p.ThreadID), users[p.UserID]
			} else {
				sn.Object = AuditObjectPostGone
			}
		case TargetThread:
			if t := visible(e.TargetID); t != nil {
				sn.Thread = t
			} else {
				sn.Object = AuditObjectThreadGone
			}
			if into, ok := detailInt(d, "into"); ok && e.Action == "thread.merge" {
				sn.Into = visible(into)
				sn.IntoHidden = sn.Into == nil
			}
		case TargetUser:
			if u := users[e.TargetID]; u != nil {
				sn.User = u
			} else if sn.Name = detailString(d, "username"); sn.Name != "" {
				sn.Object = AuditObjectMember
			} else {
				sn.Object = AuditObjectFormerMember
			}
		case TargetCategory:
			c, ok := cats[e.TargetID]
			if !ok {
				c, _ = s.store.CategoryByID(ctx, e.TargetID) // gone: named from the details
				cats[e.TargetID] = c
			}
			if c != nil && !(hidden[c.ID]) {
				sn.Category = c
			} else {
				sn.Object, sn.Name = AuditObjectCategory, firstNonEmpty(detailString(d, "name"), detailString(d, "slug"))
			}
		case TargetInstance:
			sn.Object, sn.Name = AuditObjectInstance, detailString(d, "domain")
		case TargetRemoteActor:
			sn.Object, sn.Name = AuditObjectRemoteActor, detailString(d, "actor")
		case TargetWatchedWord:
			sn.Object, sn.Name = AuditObjectWatchedWord, detailString(d, "pattern")
		case TargetInvite:
			sn.Object = AuditObjectInvite
		case TargetSite:
			sn.Object = AuditObjectSite
		case TargetQueueItem:
			sn.Object = AuditObjectQueueItem
		case TargetMessage:
			sn.Object = AuditObjectMessage
		default:
			sn.Object, sn.Name = AuditObjectOther, e.TargetType
		}
		out[i] = sn
	}
	return out, nil
}

// auditDetails reads the details staff need from an entry's stored JSON:
// where a thread went, until when a sanction runs, which role.
func auditDetails(action string, d map[string]any) AuditDetails {
	var ad AuditDetails
	switch action {
	case "thread.move", "user.role":
		ad.From, ad.To = detailString(d, "from"), detailString(d, "to")
	case "thread.slow_mode":
		ad.Seconds, ad.HasSeconds = detailInt(d, "seconds")
	case "user.silence", "user.suspend":
		switch until := detailString(d, "until"); {
		case until == "indefinite":
			ad.Indefinite = true
		case len(until) >= 10:
			ad.Until = until[:10]
		default:
			ad.Until = until
		}
	case "instance.block":
		ad.Severity = detailString(d, "severity")
	case "site.update":
		if f, ok := d["fields"].([]any); ok {
			for _, v := range f {
				if s, ok := v.(string); ok {
					ad.Fields = append(ad.Fields, s)
				}
			}
			sort.Strings(ad.Fields)
		}
	case "category.delete":
		ad.MovedTo = detailString(d, "moved_to")
	}
	return ad
}

func detailString(d map[string]any, key string) string {
	if v, ok := d[key].(string); ok {
		return v
	}
	return ""
}

func detailInt(d map[string]any, key string) (int64, bool) {
	if v, ok := d[key].(float64); ok {
		return int64(v), true
	}
	return 0, false
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
