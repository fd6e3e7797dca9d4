package server

import (
	"html/template"
	"strconv"
	"time"

	"github.com/hearth/hearth/ttlcache"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// postItem is a post flattened for the thread template: every URL, name and
// date is worked out here once, so the template only prints fields. A
// 100-post page spent most of its time in template reflection (embedded
// field lookups and helper calls) before this.
type postItem struct {
	ID      int64
	Number  int
	Version int64         // the post's updated_at, part of the fragment cache key
	Head    template.HTML // the rendered "post_head" partial
	Foot    template.HTML // the rendered "post_foot" partial
	Member  bool          // the viewer is logged in (may reply)
	Page    int           // the page the post is shown on, for the reply link
	URL     string        // /p/ID
	Deleted bool
	HTML    template.HTML // sanitised by forum/markup when the post was written
	Author  authorItem
	ReplyTo *replyItem
	// ISO and Date are the post's time for the head's <time> element:
	// a post's creation never changes, so its head's cache key (id and
	// version) already stands for them, and they are worked out only when
	// the head is rendered (headDates), not on every view.
	ISO       string
	Date      string
	created   time.Time
	Ago       string
	Edited    string // date of the last edit, empty when never edited
	LikeCount int
	Liked     bool
	CanLike   bool
	CanEdit   bool
	CanDelete bool
	CanFlag   bool
	CanHide   bool // the viewer moderates this category: Hide, or Unhide when Hidden != ""
	Solution  bool // marked as answering the thread (shown in the head)
	CanSolve  bool // the viewer may mark it as the solution (in the foot)
	// Hidden is "" for a shown post, else which rendering of a hidden post
	// this viewer gets ("staff" or "placeholder"); it is in the head key
	// because the two share the post's version.
	Hidden string
	// Origin is the remote post's own address (its ActivityPub id, which
	// its server also shows to browsers); "" for posts written here.
	Origin string

	BoostCount int // fediverse boosts of the post (shown in the foot, so in its key)
}

type authorItem struct {
	Username  string
	Name      string
	URL       string
	AvatarURL string
	Initial   string
	Colour    string // avatar-cN: the generated avatar's background
	Role      string // empty for plain members
	// Remote authors: Handle is "@name@domain", Domain their server; URL
	// and AvatarURL then point at their server, not at this one.
	Handle string
	Domain string
}

type replyItem struct {
	URL      string
	Number   int
	Username string
}

func newAuthorItem(u *models.User, l *i18n.Lang) authorItem {
	if u == nil {
		return authorItem{Name: l.T("notify.author_unknown"), Initial: "?"}
	}
	a := authorItem{Username: u.Username, Name: u.Name(), URL: profilePath(u), AvatarURL: avatarURL(u)}
	if u.IsRemote() {
		// The avatar is the local copy (federation fetches it), never the
		// remote URL: hot-linking would tell the remote server who reads.
		a.Handle, a.Domain, a.URL = "@"+u.Username, u.Domain, u.RemoteURL
	}
	if u.Username != "" {
		a.Initial, a.Colour = userInitials(u), userColour(u)
	}
	if u.Role != models.RoleMember {
		a.Role = u.Role
	}
	return a
}

func postItems(views []forum.PostView, page int, member bool, now time.Time, l *i18n.Lang) []postItem {
	out := make([]postItem, len(views))
	authors := map[int64]authorItem{}
	for i := range views {
		v := &views[i]
		it := postItem{
			ID: v.ID, Number: v.Number, Version: v.UpdatedAt.UnixMicro(), URL: "/p/" + strconv.FormatInt(v.ID, 10), Deleted: v.Deleted(),
			LikeCount: v.LikeCount, BoostCount: v.BoostCount, Liked: v.Liked, CanLike: v.CanLike, CanEdit: v.CanEdit, CanDelete: v.CanDelete,
			Member: member, Page: page, CanFlag: v.CanFlag, CanHide: v.CanHide, Solution: v.IsSolution, CanSolve: v.CanMarkSolution,
		}
		if v.Hidden {
			it.Hidden = "placeholder"
			if v.HiddenForStaff {
				it.Hidden = "staff"
			}
		}
		if !it.Deleted {
			it.HTML = template.HTML(v.HTML) // #nosec G203 -- sanitised by bluemonday on write
			a, ok := authors[v.UserID]
			if !ok {
				a = newAuthorItem(v.Author, l)
				authors[v.UserID] = a
			}
			it.Author = a
			if v.APID != nil && a.Domain != "" {
				it.Origin = *v.APID
			}
			it.created = v.CreatedAt
			it.Ago = l.Ago(now, v.CreatedAt)
			if v.EditedAt != nil && it.Hidden != "placeholder" { // its history is staff-only (CanSeeRevisions)
				it.Edited = l.DateTime(*v.EditedAt)
			}
			if v.ReplyTo != nil {
				r := &replyItem{URL: "/p/" + strconv.FormatInt(v.ReplyTo.ID, 10), Number: v.ReplyTo.Number}
				if v.ReplyTo.Author != nil {
					r.Username = v.ReplyTo.Author.Username
				}
				it.ReplyTo = r
			}
		}
		out[i] = it
	}
	return out
}

// fragments caches rendered post partials. "post_head" is what every
// viewer sees of a post (avatar, author, dates, body); "post_foot" is the
// actions row for one kind of viewer. Keys hold every value a fragment shows
// (the post's version, author, reply target, dates as displayed, like state
// and permissions), so an entry is never stale and processes need not
// coordinate; memory is bounded by the entry count (a fragment is a few KB).
type fragments struct {
	lru *ttlcache.Cache[string, template.HTML]
}

const fragmentEntries = 8192

func newFragments() *fragments {
	return &fragments{lru: ttlcache.New[string, template.HTML](fragmentEntries, 10*time.Minute)}
}

// A fragment's key is written into one buffer and turned into a string
// once: built from parts with concatenations and Itoa calls, the two keys
// of each of a page's 100 posts were a good share of a member's page's
// allocations. Fields are separated by '|'; the language comes first (the
// fragment's words are in it).

func headKey(code string, it *postItem) string {
	k := make([]byte, 0, 160)
	k = append(k, code...)
	k = append(k, "|h|"...)
	k = strconv.AppendInt(k, it.ID, 10)
	k = append(k, '|')
	k = strconv.AppendInt(k, it.Version, 36)
	k = append(k, '|')
	k = strconv.AppendInt(k, int64(it.Number), 10)
	for _, f := range [...]string{it.Ago, it.Edited, it.Author.Username, it.Author.Name, it.Author.AvatarURL, it.Author.Role, it.Hidden, it.Author.URL, it.Origin} {
		k = append(k, '|')
		k = append(k, f...)
	}
	k = append(k, '|')
	k = strconv.AppendBool(k, it.Solution)
	if it.ReplyTo != nil {
		k = append(k, "|r"...)
		k = strconv.AppendInt(k, int64(it.ReplyTo.Number), 10)
		k = append(k, '@')
		k = append(k, it.ReplyTo.Username...)
	}
	return string(k)
}

func footKey(code string, it *postItem) string {
	k := make([]byte, 0, 96)
	k = append(k, code...)
	k = append(k, "|f|"...)
	k = strconv.AppendInt(k, it.ID, 10)
	k = append(k, '|')
	k = strconv.AppendInt(k, int64(it.Number), 10)
	k = append(k, '|')
	k = strconv.AppendInt(k, int64(it.LikeCount), 10)
	k = append(k, '|')
	k = strconv.AppendInt(k, int64(it.Page), 10)
	k = append(k, '|')
	for _, on := range [...]bool{it.Liked, it.CanLike, it.CanEdit, it.CanDelete, it.Member, it.CanSolve, it.CanFlag, it.CanHide, it.Hidden != ""} {
		if on {
			k = append(k, '+')
		} else {
			k = append(k, '-')
		}
	}
	k = append(k, "|b"...)
	k = strconv.AppendInt(k, int64(it.BoostCount), 10)
	k = append(k, "|u"...)
	k = append(k, it.Author.Username...)
	return string(k)
}

// headDates fills the post's ISO and Date from its creation time, in l.
func (it *postItem) headDates(l *i18n.Lang) {
	it.ISO = it.created.UTC().Format(time.RFC3339)
	it.Date = l.DateTime(it.created)
}

// fill renders (or takes from the cache) one partial; key starts with
// l's code (headKey, footKey).
func (s *Server) fill(l *i18n.Lang, name, key string, it *postItem) (template.HTML, error) {
	if h, ok := s.frags.lru.Get(key); ok {
		return h, nil
	}
	if name == "post_head" {
		it.headDates(l)
	}
	h, err := s.tmpl.fragment(l, name, it)
	if err != nil {
		return "", err
	}
	s.frags.lru.Add(key, h)
	return h, nil
}

// fillFragments renders each live post's head and foot.
func (s *Server) fillFragments(l *i18n.Lang, items []postItem) error {
	var err error
	for i := range items {
		it := &items[i]
		if it.Deleted {
			continue
		}
		if it.Head, err = s.fill(l, "post_head", headKey(l.Code, it), it); err != nil {
			return err
		}
		if it.Foot, err = s.fill(l, "post_foot", footKey(l.Code, it), it); err != nil {
			return err
		}
	}
	return nil
}
