package server

import (
	"html/template"
	"net/url"
	"strconv"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// postItem is a post flattened for the thread template: every URL, name and
// date is worked out here once, so the template only prints fields. A
// 100-post page spent most of its time in template reflection (embedded
// field lookups and helper calls) before this.
type postItem struct {
	ID        int64
	Number    int
	URL       string // /p/ID
	Deleted   bool
	HTML      template.HTML // sanitised by forum/markup when the post was written
	Author    authorItem
	ReplyTo   *replyItem
	ISO       string
	Date      string
	Ago       string
	Edited    string // date of the last edit, empty when never edited
	LikeCount int
	Liked     bool
	CanLike   bool
	CanEdit   bool
	CanDelete bool
}

type authorItem struct {
	Username  string
	Name      string
	URL       string
	AvatarURL string
	Initial   string
	Role      string // empty for plain members
}

type replyItem struct {
	URL      string
	Number   int
	Username string
}

func newAuthorItem(u *models.User) authorItem {
	if u == nil {
		return authorItem{Name: "someone", Initial: "?"}
	}
	a := authorItem{Username: u.Username, Name: u.Name(), URL: "/u/" + url.PathEscape(u.Username), AvatarURL: avatarURL(u)}
	if u.Username != "" {
		a.Initial = string([]rune(u.Username)[:1])
	}
	if u.Role != models.RoleMember {
		a.Role = u.Role
	}
	return a
}

func postItems(views []forum.PostView) []postItem {
	out := make([]postItem, len(views))
	authors := map[int64]authorItem{}
	for i := range views {
		v := &views[i]
		it := postItem{
			ID: v.ID, Number: v.Number, URL: "/p/" + strconv.FormatInt(v.ID, 10), Deleted: v.Deleted(),
			LikeCount: v.LikeCount, Liked: v.Liked, CanLike: v.CanLike, CanEdit: v.CanEdit, CanDelete: v.CanDelete,
		}
		if !it.Deleted {
			it.HTML = template.HTML(v.HTML) // #nosec G203 -- sanitised by bluemonday on write
			a, ok := authors[v.UserID]
			if !ok {
				a = newAuthorItem(v.Author)
				authors[v.UserID] = a
			}
			it.Author = a
			it.ISO = v.CreatedAt.UTC().Format(time.RFC3339)
			it.Date = v.CreatedAt.UTC().Format("2 Jan 2006 15:04")
			it.Ago = ago(v.CreatedAt)
			if v.EditedAt != nil {
				it.Edited = v.EditedAt.UTC().Format("2 Jan 2006 15:04")
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
