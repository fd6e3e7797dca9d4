package forum

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/models"
)

// The sandbox: a newcomer's first posts (config SandboxPosts) wait for an
// ambassador or moderator to approve them, they may include few links and
// no images, and they may post only so often. They leave it on their own
// once they have SandboxPosts approved posts, SandboxDays days since joining
// and SandboxLikes likes received, or at once when an approver vouches.
// Only SignUp puts members in it: the first account, accounts made with
// `hearth admin create-user` and seeded members never are.

const (
	// SandboxMaxLinks is how many links a sandboxed member's post may hold.
	SandboxMaxLinks = 2
	// SandboxRateMax posts (held or published) per SandboxRateWindow.
	SandboxRateMax    = 3
	SandboxRateWindow = 10 * time.Minute
)

// HoldSandbox is the reason recorded on a sandboxed member's held post.
const HoldSandbox = "new member's first posts"

// admission is what admit decided about a local post: the text to store
// (after watched-word replacements), its rendering, and why it must wait
// for approval ("" when it may be published).
type admission struct {
	title, body string
	rendered    markup.Result
	hold        string
}

var anchorTag = regexp.MustCompile(`<a\s[^>]*>`)

// admit applies watched words, then the sandbox's limits, to a post the
// actor is about to write. Errors keep the form's text (the caller's
// validation path re-renders it).
func (s *Service) admit(ctx context.Context, actor *models.User, title, body string) (admission, error) {
	a := admission{title: title, body: body}
	for _, f := range []struct {
		field string
		text  *string
	}{{"title", &a.title}, {"body", &a.body}} {
		wc, err := s.checkWords(ctx, f.field, *f.text)
		if err != nil {
			return a, err
		}
		*f.text = wc.text
		if a.hold == "" {
			a.hold = wc.hold
		}
	}
	var err error
	if a.rendered, err = s.render(ctx, a.body); err != nil {
		return a, err
	}
	still, st, err := s.maybeGraduate(ctx, actor)
	if err != nil || !still {
		return a, err
	}
	n, err := s.store.RecentPostCount(ctx, actor.ID, s.now().Add(-SandboxRateWindow))
	if err != nil {
		return a, err
	}
	if n >= SandboxRateMax {
		return a, rateLimited(0, "errors.sandbox.rate", "Max", SandboxRateMax, "Minutes", int(SandboxRateWindow/time.Minute))
	}
	if err := sandboxLimits(a.rendered.HTML); err != nil {
		return a, err
	}
	if st.LivePosts < int64(s.cfg.SandboxPosts) {
		a.hold = HoldSandbox
	}
	return a, nil
}

// sandboxLimits refuses images and more than SandboxMaxLinks links (a
// mention or hashtag is not a link) in a sandboxed member's rendered post.
func sandboxLimits(html string) error {
	links := 0
	for _, tag := range anchorTag.FindAllString(html, -1) {
		if !strings.Contains(tag, `class="mention"`) && !strings.Contains(tag, `class="hashtag"`) {
			links++
		}
	}
	switch {
	case strings.Contains(html, "<img"):
		return invalid("body", "errors.sandbox.new_members_cannot_post")
	case links > SandboxMaxLinks:
		return invalid("body", "errors.sandbox.too_many_links", "Max", SandboxMaxLinks, "Links", links)
	}
	return nil
}

// maybeGraduate lets a sandboxed member out once they meet every criterion
// (or the sandbox is switched off), recording it; still reports whether they
// remain in the sandbox.
func (s *Service) maybeGraduate(ctx context.Context, u *models.User) (still bool, st models.MemberStanding, err error) {
	if !InSandbox(u) {
		return false, st, nil
	}
	if st, err = s.store.Standing(ctx, u.ID); err != nil {
		return true, st, err
	}
	days := s.now().Sub(u.CreatedAt) >= time.Duration(s.cfg.SandboxDays)*24*time.Hour
	if s.cfg.SandboxPosts > 0 && (st.LivePosts < int64(s.cfg.SandboxPosts) || !days || st.LikesReceived < int64(s.cfg.SandboxLikes)) {
		return true, st, nil
	}
	now := s.now()
	changed, err := s.store.SetUserSandboxed(ctx, u.ID, false, now)
	if err != nil {
		return true, st, err
	}
	u.Sandboxed = false
	if !changed {
		return false, st, nil
	}
	return false, st, s.record(ctx, nil, "user.graduate", TargetUser, u.ID, "left the sandbox",
		map[string]any{"username": u.Username, "approved_posts": st.LivePosts, "likes": st.LikesReceived}, now)
}

// Vouch lets a sandboxed member out of the sandbox at once, on an
// ambassador's or moderator's word. Vouching for someone already out of it
// changes and records nothing.
func (s *Service) Vouch(ctx context.Context, actor *models.User, username, reason string) (*models.User, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanApprove(actor) {
		return nil, ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason); err != nil {
		return nil, err
	}
	var target *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if target, err = s.store.UserByUsername(ctx, strings.TrimSpace(username)); err != nil {
			return mapNotFound(err)
		}
		if !CanVouch(actor, target) {
			return ErrForbidden
		}
		now := s.now()
		changed, err := s.store.SetUserSandboxed(ctx, target.ID, false, now)
		if err != nil || !changed {
			return err
		}
		target.Sandboxed = false
		return s.record(ctx, actor, "user.vouch", TargetUser, target.ID, reason, map[string]any{"username": target.Username}, now)
	})
	return target, err
}

// SetSandboxed puts a member in the sandbox or takes them out without a
// record: for tests and tooling that build members directly.
func (s *Service) SetSandboxed(ctx context.Context, userID int64, on bool) error {
	_, err := s.store.SetUserSandboxed(ctx, userID, on, s.now())
	return err
}

func checkReason(reason string) error {
	if !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > reasonMaxRunes {
		return invalid("reason", "errors.common.use_most_1000_characters")
	}
	return nil
}
