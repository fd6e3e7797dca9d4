package forum

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hearth/hearth/models"
)

// The audit log told in sentences: "mod1 hid a post by carol in ‘Starter
// loaf’ — spam". Each stored action has one row in auditKinds (its filter
// label and its verb); the page's filter <select> is built from the same
// table, so a kind cannot be listed without a sentence or the other way
// round. An action missing here still reads as words (genericVerb), never as
// the stored JSON.

// AuditKind is one kind of audit entry as staff read it.
type AuditKind struct {
	Action string // as stored, e.g. "post.hide"
	Label  string // the filter's label, e.g. "Post hidden"
	Verb   string // what the actor did to the object, e.g. "hid"
	After  string // fixed words after the object, e.g. "on the home page"
}

var auditKinds = []AuditKind{
	{"thread.lock", "Thread locked", "locked", ""},
	{"thread.unlock", "Thread unlocked", "unlocked", ""},
	{"thread.pin", "Thread pinned", "pinned", "in its category"},
	{"thread.unpin", "Thread unpinned", "unpinned", "in its category"},
	{"thread.pin_global", "Thread pinned on the home page", "pinned", "on the home page"},
	{"thread.unpin_global", "Thread unpinned from the home page", "unpinned", "from the home page"},
	{"thread.move", "Thread moved", "moved", ""},
	{"thread.merge", "Threads merged", "merged", ""},
	{"thread.edit", "Thread title or tags edited", "edited the title or tags of", ""},
	{"thread.slow_mode", "Slow mode set", "set slow mode on", ""},
	{"thread.assign", "Thread assigned", "assigned", ""},
	{"thread.solution", "Solution marked", "marked a solution in", ""},
	{"thread.fetch_replies", "Missing replies fetched", "fetched missing replies for", ""},
	{"post.hide", "Post hidden", "hid", ""},
	{"post.unhide", "Post shown again", "showed again", ""},
	{"post.delete", "Post deleted", "deleted", ""},
	{"post.auto_hide", "Post hidden by flags", "hid", "after enough flags"},
	{"post.hold", "Post held for review", "held", "for review"},
	{"queue.approve", "Review: approved", "approved", "from the review queue"},
	{"queue.dismiss", "Review: flags dismissed", "dismissed the flags on", ""},
	{"queue.hide", "Review: hidden", "hid", "from the review queue"},
	{"queue.delete", "Review: deleted", "deleted", "from the review queue"},
	{"queue.reject", "Review: held post rejected", "rejected a held post by", ""},
	{"queue.forward", "Report forwarded", "forwarded a report about", "to its home instance"},
	{"queue.claim", "Review item claimed", "claimed", ""},
	{"queue.unclaim", "Review item released", "released", ""},
	{"queue.lock", "Review: thread locked", "locked the thread of", "from the review queue"},
	{"queue.warn", "Review: author warned", "warned the author of", "from the review queue"},
	{"queue.silence", "Review: author silenced", "silenced the author of", "from the review queue"},
	{"queue.suspend", "Review: author suspended", "suspended the author of", "from the review queue"},
	{"user.warn", "Member warned", "warned", ""},
	{"user.silence", "Member silenced", "silenced", ""},
	{"user.unsilence", "Silence lifted", "lifted the silence on", ""},
	{"user.suspend", "Member suspended", "suspended", ""},
	{"user.unsuspend", "Suspension lifted", "lifted the suspension of", ""},
	{"user.role", "Role changed", "changed the role of", ""},
	{"user.session_end", "Session ended", "ended a session of", ""},
	{"user.graduate", "Left the sandbox", "let", "out of the sandbox"},
	{"user.vouch", "Member vouched for", "vouched for", ""},
	{"user.reset_2fa", "Two-factor sign-in reset", "reset two-factor sign-in for", ""},
	{"appeal.uphold", "Appeal upheld", "upheld the decision appealed by", ""},
	{"appeal.reverse", "Appeal granted", "reversed the decision appealed by", ""},
	{"application.approve", "Application approved", "approved the application of", ""},
	{"application.reject", "Application rejected", "rejected the application of", ""},
	{"category.edit", "Category edited", "edited", ""},
	{"category.reorder", "Category moved in the list", "reordered", ""},
	{"category.delete", "Category deleted", "deleted", ""},
	{"instance.block", "Instance blocked", "blocked", ""},
	{"instance.unblock", "Instance unblocked", "unblocked", ""},
	{"remote_user.block", "Fediverse account blocked", "blocked", ""},
	{"remote_user.unblock", "Fediverse account unblocked", "unblocked", ""},
	{"invite.create", "Invite created", "created", ""},
	{"invite.revoke", "Invite revoked", "revoked", ""},
	{"site.update", "Site settings changed", "changed", ""},
	{"watched_word.add", "Watched word added", "added", ""},
	{"watched_word.remove", "Watched word removed", "removed", ""},
}

var auditKindByAction = func() map[string]AuditKind {
	m := make(map[string]AuditKind, len(auditKinds))
	for _, k := range auditKinds {
		m[k.Action] = k
	}
	return m
}()

// AuditKinds lists every known kind, for the filter; callers get a copy.
func AuditKinds() []AuditKind {
	return append([]AuditKind(nil), auditKinds...)
}

// AuditSentence is one entry as words: Actor Verb <object> After — Reason.
// The object is the first of Post (with Thread and User: "a post by carol in
// ‘Title’"), Thread, User, Category, or else Noun and Name as plain text
// (things without a page of their own, or gone).
type AuditSentence struct {
	Actor    *models.User // nil: Hearth itself
	Label    string       // the kind's label, e.g. "Post hidden"
	Verb     string
	PostID   int64          // a post acted on, linked
	Thread   *models.Thread // the thread acted on, or the post's
	User     *models.User   // the member acted on, or the post's author
	Category *models.Category
	Noun     string // plain object when nothing above is set, e.g. "the instance"
	Name     string // its name, e.g. "spam.example"
	Into     *models.Thread
	After    string
	Reason   string
}

// genericVerb reads an unknown action: "post.frobnicate" → "did
// “frobnicate” to".
func genericVerb(action string) string {
	_, op, _ := strings.Cut(action, ".")
	if op == "" {
		op = action
	}
	return "did “" + strings.ReplaceAll(op, "_", " ") + "” to"
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
		k, known := auditKindByAction[e.Action]
		if !known {
			k = AuditKind{Label: "Other: " + strings.ReplaceAll(e.Action, "_", " "), Verb: genericVerb(e.Action)}
		}
		sn := AuditSentence{Actor: e.Actor, Label: k.Label, Verb: k.Verb, After: k.After, Reason: strings.TrimSpace(e.Reason)}
		switch e.TargetType {
		case TargetPost:
			if p := posts[e.TargetID]; p != nil && visible(p.ThreadID) != nil {
				sn.PostID, sn.Thread, sn.User = p.ID, visible(p.ThreadID), users[p.UserID]
			} else {
				sn.Noun = "a post that is gone or private"
			}
		case TargetThread:
			if t := visible(e.TargetID); t != nil {
				sn.Thread = t
			} else {
				sn.Noun = "a thread that is gone or private"
			}
			if into, ok := detailInt(d, "into"); ok {
				sn.Into = visible(into)
				if sn.Into == nil {
					sn.After = "into another thread"
				}
			}
		case TargetUser:
			if u := users[e.TargetID]; u != nil {
				sn.User = u
			} else {
				sn.Noun, sn.Name = "the member", detailString(d, "username")
				if sn.Name == "" {
					sn.Noun = "a former member"
				}
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
				sn.Noun, sn.Name = "the category", quoted(firstNonEmpty(detailString(d, "name"), detailString(d, "slug")))
			}
		case TargetInstance:
			sn.Noun, sn.Name = "the instance", detailString(d, "domain")
		case TargetRemoteActor:
			sn.Noun, sn.Name = "the fediverse account", detailString(d, "actor")
		case TargetWatchedWord:
			sn.Noun, sn.Name = "the watched word", quoted(detailString(d, "pattern"))
		case TargetInvite:
			sn.Noun = "an invite"
		case TargetSite:
			sn.Noun = "the site settings"
		case TargetQueueItem:
			sn.Noun = "a review item"
		case TargetMessage:
			sn.Noun = "a reported private message"
		default:
			sn.Noun = "something"
			if e.TargetType != "" {
				sn.Noun = "a " + strings.ReplaceAll(e.TargetType, "_", " ")
			}
		}
		sn.After = joinWords(sn.After, auditDetailWords(e.Action, d))
		out[i] = sn
	}
	return out, nil
}

// auditDetailWords turns the details staff need into words: where a thread
// went, until when a sanction runs, which role.
func auditDetailWords(action string, d map[string]any) string {
	switch action {
	case "thread.move":
		if from, to := detailString(d, "from"), detailString(d, "to"); to != "" {
			return "from " + firstNonEmpty(from, "its category") + " to " + to
		}
	case "thread.slow_mode":
		if secs, ok := detailInt(d, "seconds"); ok {
			if secs == 0 {
				return "(off)"
			}
			return fmt.Sprintf("(one post every %s)", humanSeconds(secs))
		}
	case "user.silence", "user.suspend":
		if until := detailString(d, "until"); until == "indefinite" {
			return "indefinitely"
		} else if until != "" {
			if len(until) >= 10 {
				until = until[:10]
			}
			return "until " + until
		}
	case "user.role":
		if to := detailString(d, "to"); to != "" {
			return "from " + firstNonEmpty(detailString(d, "from"), "member") + " to " + to
		}
	case "instance.block":
		if sev := detailString(d, "severity"); sev != "" {
			return "(" + sev + ")"
		}
	case "site.update":
		if f, ok := d["fields"].([]any); ok && len(f) > 0 {
			names := make([]string, 0, len(f))
			for _, v := range f {
				if s, ok := v.(string); ok {
					names = append(names, strings.ReplaceAll(s, "_", " "))
				}
			}
			sort.Strings(names)
			return "(" + strings.Join(names, ", ") + ")"
		}
	case "category.delete":
		if to := detailString(d, "moved_to"); to != "" {
			return "and moved its threads to " + to
		}
	}
	return ""
}

func humanSeconds(s int64) string {
	switch {
	case s%3600 == 0:
		return fmt.Sprintf("%d h", s/3600)
	case s%60 == 0:
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d s", s)
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

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return "“" + s + "”"
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func joinWords(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + " " + b
}
