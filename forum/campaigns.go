package forum

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// Campaigns: a hashtag pushed for a while, with a target. Their figures are
// computed from the posts in the campaign's window when asked (a campaign
// is bounded, and its page is for the team), day by day.

// CampaignInput is what staff fill in to start a campaign.
type CampaignInput struct {
	Name, Slug, Hashtag string
	StartsAt, EndsAt    string // RFC 3339, or YYYY-MM-DD (midnight UTC)
	Target              int64
}

// CampaignDay is one day of a campaign.
type CampaignDay struct {
	Day                time.Time
	Posts              int64 // posts with the hashtag
	Participants       int64 // distinct authors of those
	NewMembers         int64 // signed up through the campaign link
	RemoteInteractions int64 // fediverse replies, likes and boosts on campaign posts and threads
}

// CampaignReport is a campaign with its figures so far.
type CampaignReport struct {
	Campaign                                            *models.Campaign
	Days                                                []CampaignDay
	Posts, Participants, NewMembers, RemoteInteractions int64
	Progress                                            float64 // Posts / Target, capped at 1
}

func parseWhen(v validation, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		v.add(field, "errors.common.must_not_empty")
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	if t, err := time.Parse("2006-01-02T15:04", s); err == nil { // <input type=datetime-local>
		return t.UTC()
	}
	if t, err := time.Parse(dayLayout, s); err == nil {
		return t
	}
	v.add(field, "errors.campaigns.use_date_like_2026")
	return time.Time{}
}

// CreateCampaign starts a campaign (staff only).
func (s *Service) CreateCampaign(ctx context.Context, actor *models.User, in CampaignInput) (*models.Campaign, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if !CanManageCampaigns(actor) {
		return nil, ErrForbidden
	}
	v := validation{}
	in.Name = strings.TrimSpace(in.Name)
	checkText(v, "name", in.Name, 2, 80)
	tag := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(in.Hashtag), "#"))
	if !tagPattern.MatchString(tag) {
		v.add("hashtag", "errors.campaigns.use_up_30_letters")
	}
	slug := Slugify(in.Slug, 50)
	if strings.TrimSpace(in.Slug) == "" {
		slug = Slugify(in.Name, 50)
	}
	if slug == "" {
		v.add("slug", "errors.campaigns.use_letters_digits")
	}
	start, end := parseWhen(v, "starts_at", in.StartsAt), parseWhen(v, "ends_at", in.EndsAt)
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		v.add("ends_at", "errors.campaigns.must_after_start")
	}
	if in.Target < 0 {
		v.add("target", "errors.campaigns.must_not_negative")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	c := &models.Campaign{Slug: slug, Name: in.Name, Hashtag: tag, StartsAt: start, EndsAt: end, Target: in.Target,
		CreatedBy: actor.ID, CreatedAt: s.now()}
	if err := s.store.CreateCampaign(ctx, c); err != nil {
		if models.IsUniqueViolation(err) {
			return nil, invalid("slug", "errors.campaigns.another_campaign_uses_address")
		}
		return nil, err
	}
	return c, nil
}

// Campaigns lists campaigns for staff.
func (s *Service) Campaigns(ctx context.Context, actor *models.User) ([]models.Campaign, error) {
	if err := checkCampaignReader(actor); err != nil {
		return nil, err
	}
	return s.store.Campaigns(ctx)
}

func checkCampaignReader(actor *models.User) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if !CanManageCampaigns(actor) {
		return ErrForbidden
	}
	return nil
}

// RunningCampaign returns the campaign with this slug if it is running now,
// for the signup form; nil otherwise (an old or mistyped link signs up
// normally).
func (s *Service) RunningCampaign(ctx context.Context, slug string) *models.Campaign {
	slug = strings.TrimSpace(slug)
	if slug == "" {
		return nil
	}
	c, err := s.store.CampaignBySlug(ctx, slug)
	now := s.now()
	if err != nil || now.Before(c.StartsAt) || !now.Before(c.EndsAt) {
		return nil
	}
	return c
}

// recordCampaignSignup notes that u signed up through a running campaign.
func (s *Service) recordCampaignSignup(ctx context.Context, u *models.User, slug string) error {
	c := s.RunningCampaign(ctx, slug)
	if c == nil {
		return nil
	}
	return s.store.AddCampaignSignup(ctx, &models.CampaignSignup{UserID: u.ID, CampaignID: c.ID, CreatedAt: s.now()})
}

// SignUpThrough creates an account like SignUp and, when campaign names a
// running campaign, records that the member came through it.
func (s *Service) SignUpThrough(ctx context.Context, in SignUpInput, campaign string) (u *models.User, firstAdmin bool, err error) {
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if u, firstAdmin, err = s.SignUp(ctx, in); err != nil {
			return err
		}
		return s.recordCampaignSignup(ctx, u, campaign)
	})
	return u, firstAdmin, err
}

// CampaignReport computes a campaign's figures day by day, up to now.
func (s *Service) CampaignReport(ctx context.Context, actor *models.User, slug string) (*CampaignReport, error) {
	if err := checkCampaignReader(actor); err != nil {
		return nil, err
	}
	c, err := s.store.CampaignBySlug(ctx, slug)
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	r := &CampaignReport{Campaign: c}
	now := s.now()
	end := c.EndsAt
	if now.Before(end) {
		end = now
	}
	first := dayStart(c.StartsAt)
	idx := map[string]int{}
	for d := first; d.Before(end) || d.Equal(first); d = d.Add(day24) {
		idx[dayKey(d)] = len(r.Days)
		r.Days = append(r.Days, CampaignDay{Day: d})
	}
	if !end.After(c.StartsAt) {
		return r, nil // not started yet
	}
	posts, err := s.store.PostsWithHashtag(ctx, c.Hashtag, c.StartsAt, end)
	if err != nil {
		return nil, err
	}
	seenDay, seen := map[[2]int64]bool{}, map[int64]bool{}
	var postIDs, threadIDs []int64
	for _, p := range posts {
		i := idx[dayKey(p.CreatedAt)]
		r.Days[i].Posts++
		r.Posts++
		if k := [2]int64{int64(i), p.UserID}; !seenDay[k] {
			seenDay[k] = true
			r.Days[i].Participants++
		}
		if !seen[p.UserID] {
			seen[p.UserID] = true
			r.Participants++
		}
		postIDs = append(postIDs, p.ID)
		if p.Number == 1 {
			threadIDs = append(threadIDs, p.ThreadID)
		}
	}
	joins, err := s.store.CampaignSignupTimes(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, at := range joins {
		if i, ok := idx[dayKey(at)]; ok {
			r.Days[i].NewMembers++
		}
		r.NewMembers++
	}
	if len(postIDs) > 0 {
		acts, err := s.store.RemoteResponses(ctx, postIDs, threadIDs, c.StartsAt, end)
		if err != nil {
			return nil, err
		}
		for _, at := range acts {
			if i, ok := idx[dayKey(at)]; ok {
				r.Days[i].RemoteInteractions++
				r.RemoteInteractions++
			}
		}
	}
	if c.Target > 0 {
		r.Progress = min(1, float64(r.Posts)/float64(c.Target))
	}
	return r, nil
}

// withHashtags adds the #hashtags of a thread's first post to its tags, so
// a hashtag link (and a campaign's) leads to the threads that use it; the
// explicit tags come first and the total stays within maxTagsOnThread.
func withHashtags(tags, hashtags []string) []string {
	out := append([]string(nil), tags...)
	for _, h := range hashtags {
		if len(out) >= maxTagsOnThread {
			break
		}
		h = strings.ToLower(h)
		if tagPattern.MatchString(h) && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
