package forum

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// The ambassador programme: the ranked candidates list for administrators,
// the activity report, and ambassadors' privilege of editing thread titles
// and tags. Appointing is SetRole with the ambassador role (optionally
// limited to categories); flags weigh double through FlagWeightIn.

// CandidateWindow is how far back the candidates ranking looks by default.
const CandidateWindow = 90 * 24 * time.Hour

// Audit actions the activity report counts as posts approved and vouches
// (the sandbox's approval queue and vouching record these).
var (
	approveActions = []string{"queue.approve", "approve", "post.approve"}
	vouchActions   = []string{"user.vouch", "vouch"}
)

// Candidate is a member's standing for the ambassador programme, with the
// components the score is made of so an administrator can judge them.
type Candidate struct {
	User           *models.User
	FirstResponses int // first replies to a newcomer's first thread
	LikedReplies   int // replies someone else liked
	Solutions      int // replies marked as a thread's solution
	DaysActive     int // distinct days with a post
	Moderation     int // warnings, sanctions and upheld flags, ever
	Score          int
}

// candidateScore weighs what community managers value most: answering
// newcomers first, then answers that solved something. Any moderation
// history zeroes it; the components stay visible.
func candidateScore(c Candidate) int {
	if c.Moderation > 0 {
		return 0
	}
	days := c.DaysActive
	if days > 60 {
		days = 60 // steady presence counts, but cannot outweigh helping
	}
	return 5*c.FirstResponses + 4*c.Solutions + 2*c.LikedReplies + days
}

// AmbassadorCandidates ranks members (not yet ambassadors or staff) by
// their behaviour over the window ending now; administrators only.
func (s *Service) AmbassadorCandidates(ctx context.Context, actor *models.User, window time.Duration, limit int) ([]Candidate, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanManageAmbassadors(actor) {
		return nil, ErrForbidden
	}
	if window <= 0 {
		window = CandidateWindow
	}
	to := s.now()
	from := to.Add(-window)
	first, err := s.store.FirstResponsesToNewcomers(ctx, from, to)
	if err != nil {
		return nil, err
	}
	liked, err := s.store.LikedReplies(ctx, from, to)
	if err != nil {
		return nil, err
	}
	solved, err := s.store.SolutionsGiven(ctx, from, to)
	if err != nil {
		return nil, err
	}
	days, err := s.store.PostingDays(ctx, from, to)
	if err != nil {
		return nil, err
	}
	history, err := s.store.ModerationHistory(ctx)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for id := range days {
		ids = append(ids, id)
	}
	users, err := s.store.UserCards(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, id := range ids {
		u := users[id]
		if u == nil || u.IsRemote() || u.Role != models.RoleMember {
			continue
		}
		c := Candidate{User: u, FirstResponses: first[id], LikedReplies: liked[id], Solutions: solved[id], DaysActive: days[id], Moderation: history[id]}
		c.Score = candidateScore(c)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].User.Username < out[j].User.Username
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// AmbassadorActivity is what one ambassador did in a period.
type AmbassadorActivity struct {
	User              *models.User
	Categories        []int64 // empty: site-wide
	Responses         int     // replies given
	NewcomersWelcomed int     // first replies to a member's first post
	PostsApproved     int
	Vouches           int
}

// AmbassadorReport lists every ambassador's activity in [from, to), most
// active first; site staff read it.
func (s *Service) AmbassadorReport(ctx context.Context, actor *models.User, from, to time.Time) ([]AmbassadorActivity, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanReadAmbassadorReport(actor) {
		return nil, ErrForbidden
	}
	if !from.Before(to) {
		return nil, invalid("from", "errors.ambassadors.period_must_start_before")
	}
	ambs, err := s.store.LocalUsersByRole(ctx, models.RoleAmbassador)
	if err != nil {
		return nil, err
	}
	replies, err := s.store.RepliesGiven(ctx, from, to)
	if err != nil {
		return nil, err
	}
	welcomed, err := s.store.FirstResponsesToNewcomers(ctx, from, to)
	if err != nil {
		return nil, err
	}
	approved, err := s.store.AuditCountsByActor(ctx, approveActions, from, to)
	if err != nil {
		return nil, err
	}
	vouched, err := s.store.AuditCountsByActor(ctx, vouchActions, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]AmbassadorActivity, len(ambs))
	for i := range ambs {
		u := &ambs[i]
		cats, err := s.store.RoleCategoryIDs(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		out[i] = AmbassadorActivity{User: u, Categories: cats, Responses: replies[u.ID], NewcomersWelcomed: welcomed[u.ID],
			PostsApproved: approved[u.ID], Vouches: vouched[u.ID]}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Responses+a.NewcomersWelcomed+a.PostsApproved+a.Vouches > b.Responses+b.NewcomersWelcomed+b.PostsApproved+b.Vouches
	})
	return out, nil
}

// EditThreadMeta changes a thread's title and tags. Its author may, and so
// may ambassadors and moderators of its category; an edit by anyone but the
// author is audited.
func (s *Service) EditThreadMeta(ctx context.Context, actor *models.User, threadID int64, title string, tags []string) (*models.Thread, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if err := s.LoadScope(ctx, actor); err != nil {
		return nil, err
	}
	v := validation{}
	title = strings.TrimSpace(title)
	checkText(v, "title", title, titleMinRunes, titleMaxRunes)
	norm, tagErr := normalizeTags(tags)
	if !tagErr.IsZero() {
		v.addMsg("tags", tagErr)
	}
	var t *models.Thread
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if t, err = s.threadFor(ctx, actor, threadID); err != nil {
			return err
		}
		if !CanEditThreadMeta(actor, t) {
			return ErrForbidden
		}
		if err := v.err(); err != nil {
			return err
		}
		now := s.now()
		from := t.Title
		t.Title, t.Slug, t.UpdatedAt = title, Slugify(title, 80), now
		if err := s.store.UpdateThreadFields(ctx, t.ID, map[string]any{"title": t.Title, "slug": t.Slug, "updated_at": now}); err != nil {
			return err
		}
		rows, err := s.store.EnsureTags(ctx, norm)
		if err != nil {
			return err
		}
		if err := s.store.ReplaceThreadTags(ctx, t.ID, rows); err != nil {
			return err
		}
		if actor.ID != t.UserID {
			details := map[string]any{"from": from, "to": title, "tags": norm}
			if err := s.record(ctx, actor, "thread.edit", TargetThread, t.ID, "", details, now); err != nil {
				return err
			}
		}
		if err := s.store.TouchThread(ctx, t.ID, now); err != nil {
			return err
		}
		return s.store.TouchCategory(ctx, t.CategoryID, now)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
