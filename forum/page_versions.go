package forum

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/hearth/hearth/models"
)

// PageVersion is what a logged-out page's cache key needs: a string that
// changes whenever anything the page shows changes (its posts or threads,
// and the site banner on every page), and the banner itself, so the page
// does not look it up again when it has to be rendered.
type PageVersion struct {
	Key    string
	Banner *Banner
	// Site is the site settings' version, read in the same query; SiteAt
	// gives the settings themselves, from memory when this process has them.
	Site int64
}

// ThreadPageVersion is ThreadVersion plus the site banner, read in one query:
// a logged-out reader served from the cache costs this one round trip.
func (s *Service) ThreadPageVersion(ctx context.Context, id int64) (*PageVersion, error) {
	st, err := s.store.ThreadStamp(ctx, id, s.now())
	if err != nil {
		return nil, mapNotFound(err)
	}
	if st.Deleted {
		return nil, ErrNotFound
	}
	return &PageVersion{Key: threadVersion(st.Updated.UnixMicro(), st.Posts) + bannerKey(st.Banner) + siteKey(st.Site), Banner: st.Banner, Site: st.Site}, nil
}

// CategoryPageVersion is CategoryVersion plus the site banner, in one query.
func (s *Service) CategoryPageVersion(ctx context.Context, slug string) (*PageVersion, error) {
	st, err := s.store.CategoryStamp(ctx, strings.ToLower(slug), s.now())
	if err != nil {
		return nil, mapNotFound(err)
	}
	v := models.CategoryVersionString(st.Updated, st.Posts, st.Threads, st.Newest)
	return &PageVersion{Key: v + bannerKey(st.Banner) + siteKey(st.Site), Banner: st.Banner, Site: st.Site}, nil
}

// PageChrome reads what every page shows around its content, the banner
// and the site settings' version, in one query: for pages that have no
// version read of their own. Key is empty.
func (s *Service) PageChrome(ctx context.Context) (*PageVersion, error) {
	st, err := s.store.SiteStamp(ctx, s.now())
	if err != nil {
		return nil, mapNotFound(err)
	}
	return &PageVersion{Banner: st.Banner, Site: st.Site}, nil
}

func threadVersion(updatedMicros int64, posts int) string {
	return strconv.FormatInt(updatedMicros, 36) + "." + strconv.Itoa(posts)
}

// bannerKey is the banner's part of a page version: which announcement,
// until when, and its title and slug (the banner shows both), so a new,
// ended, expired or retitled banner changes every page's key.
func bannerKey(b *Banner) string {
	if b == nil {
		return ""
	}
	h := fnv.New64a()
	h.Write([]byte(b.Title))
	h.Write([]byte{0})
	h.Write([]byte(b.Slug))
	return ":b" + strconv.FormatInt(b.ThreadID, 36) + "." + strconv.FormatInt(b.Until.Unix(), 36) + "." + strconv.FormatUint(h.Sum64(), 36)
}

// siteKey is the site settings' part of a page version: a save bumps it, so
// a renamed forum or a new logo changes every page's key.
func siteKey(v int64) string { return ":s" + strconv.FormatInt(v, 36) }

// MemberChrome is PageChrome for a signed-in member's page, with the
// header's counts (UnreadCount and UnreadConversations) in the same query.
func (s *Service) MemberChrome(ctx context.Context, viewer *models.User) (v *PageVersion, unread, messages int, err error) {
	if viewer == nil {
		return nil, 0, 0, ErrUnauthorized
	}
	st, n, m, err := s.store.MemberStamp(ctx, viewer.ID, s.now())
	if err != nil {
		return nil, 0, 0, mapNotFound(err)
	}
	return &PageVersion{Banner: st.Banner, Site: st.Site}, int(n), int(m), nil
}
