package forum

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// Threads started from the fediverse. A public post on another server that
// answers nothing and mentions (or is addressed to) a category's Group
// starts a thread in that category, as a post mentioning a Lemmy community
// or a NodeBB category does there. federation/ decides that the post is
// public and which category it names; the rules for admitting it live
// here, beside the remote replies' (remote_posts.go), and are a local
// newcomer's: the category must accept threads from its author, watched
// words apply to title and text, a silenced instance's posts wait for
// approval, and an author with fewer than SandboxPosts published posts
// here is a newcomer, whose posts wait for approval, are rate limited and
// may hold few links and no images.

// remoteOrigin marks a post that arrived from another server: its
// object id, and the activity it came in, for the Group's relay.
type remoteOrigin struct {
	apID     string
	activity []byte
}

// ThreadFromRemote starts a thread in category catID from a remote Note,
// its title from name when the Note has one (Lemmy's Page, an Article),
// else from the text's first line or sentence (RemoteTitle). A Note
// already stored or held is not stored again; a held thread returns nil
// and no error. Refusals are ErrForbidden, ErrNotFound (a category the
// author may not see), a ValidationError (a blocked word, an empty text)
// or a RateLimitError.
func (s *Service) ThreadFromRemote(ctx context.Context, author *models.User, catID int64, name string, n RemoteNote) (*models.Thread, error) {
	if author == nil || !author.IsRemote() || n.APID == "" {
		return nil, ErrForbidden
	}
	postID, heldID, wordsVersion, err := s.store.RemoteNoteState(ctx, n.APID)
	if err != nil || postID != 0 || heldID != 0 {
		return nil, err
	}
	ctx = withWordsVersion(ctx, wordsVersion)
	html := markup.SanitizeHTML(n.HTML)
	body := markup.PlainText(html)
	title := RemoteTitle(name, body)
	v := validation{}
	checkText(v, "body", body, 1, bodyMaxRunes)
	checkText(v, "title", title, titleMinRunes, titleMaxRunes)
	if err := v.err(); err != nil {
		return nil, err
	}
	var thread *models.Thread
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		cat, err := s.store.CategoryByID(ctx, catID)
		if err != nil {
			return mapNotFound(err)
		}
		if !CanSeeCategory(author, cat) {
			return ErrNotFound
		}
		if ok, err := s.mayStartThread(ctx, author, cat); err != nil {
			return err
		} else if !ok {
			return ErrForbidden
		}
		if err := s.checkMayPost(ctx, author, nil); err != nil {
			return err
		}
		tw, err := s.checkWords(ctx, "title", title)
		if err != nil {
			return err
		}
		title = tw.text
		hold, err := s.remoteWords(ctx, &body, &html)
		if err != nil {
			return err
		}
		if hold == "" {
			hold = tw.hold
		}
		if newcomer, err := s.remoteNewcomer(ctx, author, html); err != nil {
			return err
		} else if newcomer && hold == "" {
			hold = HoldSandbox
		}
		if silenced, err := s.InstanceSilenced(ctx, author.Domain); err != nil {
			return err
		} else if silenced && hold == "" {
			hold = "instance " + author.Domain + " is silenced"
		}
		now := s.now()
		created := now
		if !n.Published.IsZero() && n.Published.Before(now) {
			created = n.Published.UTC()
		}
		apID := n.APID
		if hold != "" {
			return s.hold(ctx, &models.HeldPost{UserID: author.ID, CategoryID: cat.ID, Title: title, Body: body, HTML: html,
				APID: &apID, Reason: hold, CreatedAt: created, Activity: heldActivity(n.Activity)})
		}
		thread, _, err = s.insertThread(ctx, author, cat, title, nil, body, markup.Result{HTML: html, Mentions: n.Mentions}, created,
			&remoteOrigin{apID: apID, activity: n.Activity}, nil)
		return err
	})
	return thread, err
}

// remoteNewcomer applies the sandbox to a remote author starting a
// thread: with fewer than SandboxPosts published posts here they are a
// newcomer, whose posts are rate limited, may hold few links and no
// images (refused), and wait for approval (true).
func (s *Service) remoteNewcomer(ctx context.Context, author *models.User, html string) (bool, error) {
	if s.cfg.SandboxPosts <= 0 {
		return false, nil
	}
	st, err := s.store.Standing(ctx, author.ID)
	if err != nil || st.LivePosts >= int64(s.cfg.SandboxPosts) {
		return false, err
	}
	n, err := s.store.RecentPostCount(ctx, author.ID, s.now().Add(-SandboxRateWindow))
	if err != nil {
		return true, err
	}
	if n >= SandboxRateMax {
		return true, rateLimited(0, "errors.remote_threads.newcomer_rate")
	}
	return true, sandboxLimits(html)
}

// RemoteTitle is the title of a thread started from the fediverse: name
// when given (Lemmy's Page and Articles carry one), else the first line of
// the text, cut at the end of its first sentence, without the @mentions it
// opens with (the Group's, which is how the post got here). A title longer
// than the forum allows is cut at a word and ends with an ellipsis.
func RemoteTitle(name, text string) string {
	title := strings.Join(strings.Fields(name), " ")
	if title == "" {
		line := strings.TrimSpace(text)
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		words := strings.Fields(line)
		for len(words) > 0 && strings.HasPrefix(words[0], "@") {
			words = words[1:]
		}
		title = strings.Join(words, " ")
		title = firstSentence(title)
	}
	if utf8.RuneCountInString(title) <= titleMaxRunes {
		return title
	}
	all := []rune(title)
	runes := all[:titleMaxRunes-1] // and the ellipsis
	cut := len(runes)
	if !unicode.IsSpace(all[cut]) { // cut inside a word: back to its start
		for i := cut - 1; i > titleMaxRunes/2; i-- {
			if unicode.IsSpace(runes[i]) {
				cut = i
				break
			}
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), unicode.IsSpace) + "…"
}

// firstSentence is s up to the end of its first sentence (a . ! or ?
// followed by a space), or all of s.
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if strings.IndexByte(".!?", s[i]) >= 0 && s[i+1] == ' ' {
			return s[:i+1]
		}
	}
	return s
}
