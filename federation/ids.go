package federation

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// Every ActivityPub id Hearth emits is built here, from the one public base
// URL, so a document's id, the links to it and the routes that serve it
// cannot drift apart. Actors and posts live on the same URLs as their HTML
// pages: remote servers and people paste the same link.

// ActivityStreams' special collection meaning "everyone".
const publicAddress = "https://www.w3.org/ns/activitystreams#Public"

// actorRef names one local actor: the kind and row its signing key belongs
// to, and its id.
type actorRef struct {
	kind string // models.ActorType*
	id   int64  // row id; 0 for the instance actor
	url  string // the actor's ActivityPub id
}

func (r actorRef) inbox() string     { return r.url + "/inbox" }
func (r actorRef) outbox() string    { return r.url + "/outbox" }
func (r actorRef) followers() string { return r.url + "/followers" }
func (r actorRef) following() string { return r.url + "/following" }

// featured is a category Group's collection of pinned threads.
func (r actorRef) featured() string { return r.url + "/featured" }

// keyID is the id of the actor's public key, as signatures name it.
func (r actorRef) keyID() string { return r.url + "#main-key" }

func (f *Federation) userRef(u *models.User) actorRef {
	return actorRef{kind: models.ActorTypeUser, id: u.ID, url: f.userURL(u.Username)}
}

// categoryRef is a category's Group. Its id is made from the category's
// first slug (APSlug), not its current one: ids are forever, and a rename
// must not cost the category its followers. The old URL keeps answering.
func (f *Federation) categoryRef(c *models.Category) actorRef {
	slug := c.APSlug
	if slug == "" {
		slug = c.Slug
	}
	return actorRef{kind: models.ActorTypeCategory, id: c.ID, url: f.categoryURL(slug)}
}

func (f *Federation) instanceRef() actorRef {
	return actorRef{kind: models.ActorTypeInstance, id: 0, url: f.base + "/actor"}
}

// userURL is a member's actor id and profile page. Usernames are
// case-insensitive and ids are forever, so the id uses the lower-cased name:
// the form every @mention link in stored post HTML already points to.
func (f *Federation) userURL(username string) string {
	return f.base + "/u/" + url.PathEscape(strings.ToLower(username))
}

func (f *Federation) categoryURL(slug string) string {
	return f.base + "/c/" + url.PathEscape(slug)
}

func (f *Federation) postURL(id int64) string {
	return f.base + "/p/" + strconv.FormatInt(id, 10)
}

// threadURL is the thread's page and its FEP-7888 context collection.
func (f *Federation) threadURL(id int64) string {
	return f.base + "/t/" + strconv.FormatInt(id, 10)
}

func (f *Federation) tagURL(tag string) string {
	return f.base + "/tags/" + url.PathEscape(tag)
}

// postPageURL is where a browser sees the post: its thread page, at its
// anchor, as the server's /p/{id} redirect computes it.
func (f *Federation) postPageURL(threadID int64, page, number int) string {
	u := f.threadURL(threadID)
	if page > 1 {
		u += "?page=" + strconv.Itoa(page)
	}
	return u + "#post-" + strconv.Itoa(number)
}

// avatarURL is the public address of a member's avatar, or "".
func (f *Federation) avatarURL(u *models.User) string {
	if u.AvatarFile == "" {
		return ""
	}
	if h := forum.AvatarMediaHash(u.AvatarFile); h != "" {
		return f.base + "/media/" + h
	}
	return f.base + "/avatars/" + url.PathEscape(u.AvatarFile)
}

func (f *Federation) sharedInbox() string { return f.base + "/inbox" }

// mustParse turns an id built above into a *url.URL for go-fed; they are
// all built from the validated base URL, so a failure is a programming error.
func mustParse(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic("federation: built an invalid URL " + strconv.Quote(s) + ": " + err.Error())
	}
	return u
}
