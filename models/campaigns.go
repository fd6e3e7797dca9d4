package models

import (
	"context"
	"strings"
	"time"
)

// Campaign is a time-boxed push around a hashtag (migration 0110).
type Campaign struct {
	ID        int64 `gorm:"primaryKey"`
	Slug      string
	Name      string
	Hashtag   string // lower case, without '#'
	StartsAt  time.Time
	EndsAt    time.Time
	Target    int64 // posts with the hashtag the campaign aims for
	CreatedBy int64
	CreatedAt time.Time
}

// CampaignSignup records that a member signed up through a campaign link.
type CampaignSignup struct {
	UserID     int64 `gorm:"primaryKey;autoIncrement:false"`
	CampaignID int64
	CreatedAt  time.Time
}

// CreateCampaign inserts c.
func (s *Store) CreateCampaign(ctx context.Context, c *Campaign) error {
	return s.DB(ctx).Create(c).Error
}

// CampaignBySlug finds a campaign, or ErrNotFound.
func (s *Store) CampaignBySlug(ctx context.Context, slug string) (*Campaign, error) {
	var c Campaign
	if err := s.DB(ctx).Where("slug = ?", slug).Take(&c).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// Campaigns lists campaigns, newest start first.
func (s *Store) Campaigns(ctx context.Context) ([]Campaign, error) {
	var out []Campaign
	err := s.DB(ctx).Order("starts_at DESC, id DESC").Limit(200).Find(&out).Error
	return out, err
}

// AddCampaignSignup records the campaign a new member came through.
func (s *Store) AddCampaignSignup(ctx context.Context, cs *CampaignSignup) error {
	return s.DB(ctx).Create(cs).Error
}

// CampaignPost is a post carrying a campaign's hashtag.
type CampaignPost struct {
	ID, UserID, ThreadID int64
	Number               int
	CreatedAt            time.Time
	Remote               bool
}

// likeEscape escapes LIKE's wildcards; the pattern uses '\' as escape.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// PostsWithHashtag lists live posts written in [from, to) whose rendered
// HTML links the hashtag: Hearth renders #tag as a link to /tags/tag, and
// Mastodon-style HTML links its own /tags/tag, so the link is the marker.
func (s *Store) PostsWithHashtag(ctx context.Context, tag string, from, to time.Time) ([]CampaignPost, error) {
	var out []CampaignPost
	err := s.DB(ctx).Raw(`SELECT p.id, p.user_id, p.thread_id, p.number, p.created_at, (u.domain <> '') AS remote
		FROM posts p JOIN users u ON u.id = p.user_id
		WHERE p.created_at >= ? AND p.created_at < ? AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND LOWER(p.html) LIKE ? ESCAPE '\'
		ORDER BY p.created_at`, from, to, `%/tags/`+likeEscape(strings.ToLower(tag))+`"%`).Scan(&out).Error
	return out, err
}

// RemoteResponses lists when fediverse accounts replied to, liked or
// boosted the given posts, or posted in the given threads, in [from, to).
func (s *Store) RemoteResponses(ctx context.Context, postIDs, threadIDs []int64, from, to time.Time) ([]time.Time, error) {
	var out []time.Time
	for i := 0; i < max(len(postIDs), len(threadIDs)); i += 400 {
		ps, ts := postIDs[min(i, len(postIDs)):min(i+400, len(postIDs))], threadIDs[min(i, len(threadIDs)):min(i+400, len(threadIDs))]
		var at []time.Time
		if err := s.DB(ctx).Raw(`SELECT p.created_at FROM posts p JOIN users u ON u.id = p.user_id
			WHERE u.domain <> '' AND p.deleted_at IS NULL AND p.created_at >= ? AND p.created_at < ?
			AND (p.reply_to_id IN ? OR p.thread_id IN ?)`, from, to, append([]int64{0}, ps...), append([]int64{0}, ts...)).Scan(&at).Error; err != nil {
			return nil, err
		}
		out = append(out, at...)
		at = nil
		if err := s.DB(ctx).Raw(`SELECT l.created_at FROM likes l JOIN users u ON u.id = l.user_id
			WHERE u.domain <> '' AND l.created_at >= ? AND l.created_at < ? AND l.post_id IN ?`, from, to, append([]int64{0}, ps...)).Scan(&at).Error; err != nil {
			return nil, err
		}
		out = append(out, at...)
		boosts, err := s.BoostTimes(ctx, ps, from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, boosts...)
	}
	return out, nil
}

// CampaignSignupTimes lists when members who came through a campaign joined.
func (s *Store) CampaignSignupTimes(ctx context.Context, campaignID int64) ([]time.Time, error) {
	var out []time.Time
	err := s.DB(ctx).Raw("SELECT created_at FROM campaign_signups WHERE campaign_id = ? ORDER BY created_at", campaignID).Scan(&out).Error
	return out, err
}
