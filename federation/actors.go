package federation

import (
	"context"
	"errors"
	"html"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// actor is what an actor document says, whatever its ActivityStreams type.
type actor struct {
	ref               actorRef
	preferredUsername string
	name              string
	summary           string    // HTML
	page              string    // the HTML page
	icon, iconType    string    // avatar URL and media type; empty for none
	published         time.Time // zero: when the actor's key was made
	manuallyApproves  bool
	discoverable      bool
}

// actorObject is what go-fed's Person, Group and Application have in
// common that actorDocument sets.
type actorObject interface {
	vocab.Type
	SetJSONLDId(vocab.JSONLDIdProperty)
	SetActivityStreamsPreferredUsername(vocab.ActivityStreamsPreferredUsernameProperty)
	SetActivityStreamsName(vocab.ActivityStreamsNameProperty)
	SetActivityStreamsSummary(vocab.ActivityStreamsSummaryProperty)
	SetActivityStreamsUrl(vocab.ActivityStreamsUrlProperty)
	SetActivityStreamsInbox(vocab.ActivityStreamsInboxProperty)
	SetActivityStreamsOutbox(vocab.ActivityStreamsOutboxProperty)
	SetActivityStreamsFollowers(vocab.ActivityStreamsFollowersProperty)
	SetActivityStreamsFollowing(vocab.ActivityStreamsFollowingProperty)
	SetActivityStreamsIcon(vocab.ActivityStreamsIconProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
	SetW3IDSecurityV1PublicKey(vocab.W3IDSecurityV1PublicKeyProperty)
	SetTootDiscoverable(vocab.TootDiscoverableProperty)
}

// actorDocument fills obj with a and serialises it, with the actor's
// public key (created on first need).
func (f *Federation) actorDocument(ctx context.Context, obj actorObject, a actor) (map[string]any, error) {
	key, err := f.actorKey(ctx, a.ref)
	if err != nil {
		return nil, err
	}
	obj.SetJSONLDId(idProp(a.ref.url))
	obj.SetActivityStreamsPreferredUsername(preferredUsernameProp(a.preferredUsername))
	obj.SetActivityStreamsName(nameProp(a.name))
	if a.summary != "" {
		obj.SetActivityStreamsSummary(summaryProp(a.summary))
	}
	obj.SetActivityStreamsUrl(urlProp(a.page))
	inbox := streams.NewActivityStreamsInboxProperty()
	inbox.SetIRI(mustParse(a.ref.inbox()))
	obj.SetActivityStreamsInbox(inbox)
	outbox := streams.NewActivityStreamsOutboxProperty()
	outbox.SetIRI(mustParse(a.ref.outbox()))
	obj.SetActivityStreamsOutbox(outbox)
	followers := streams.NewActivityStreamsFollowersProperty()
	followers.SetIRI(mustParse(a.ref.followers()))
	obj.SetActivityStreamsFollowers(followers)
	following := streams.NewActivityStreamsFollowingProperty()
	following.SetIRI(mustParse(a.ref.following()))
	obj.SetActivityStreamsFollowing(following)
	if a.icon != "" {
		obj.SetActivityStreamsIcon(iconProp(a.icon, a.iconType))
	}
	if a.published.IsZero() {
		// The instance actor has no row of its own; it exists since its key does.
		a.published = key.CreatedAt
	}
	obj.SetActivityStreamsPublished(publishedProp(a.published))
	obj.SetW3IDSecurityV1PublicKey(publicKeyProp(a.ref, key.PublicKeyPEM))
	disc := streams.NewTootDiscoverableProperty()
	disc.Set(a.discoverable)
	obj.SetTootDiscoverable(disc)

	m, err := serialize(obj)
	if err != nil {
		return nil, err
	}
	// go-fed v1.0.0 has no manuallyApprovesFollowers (a Mastodon extension
	// term) and no endpoints property, so both are added to the map.
	m["manuallyApprovesFollowers"] = a.manuallyApproves
	m["endpoints"] = map[string]any{"sharedInbox": f.sharedInbox()}
	return m, nil
}

// userActor answers a member's URL with their Person.
func (f *Federation) userActor(c echo.Context) error {
	name := c.Param("username")
	u, err := f.localUser(c.Request().Context(), name)
	if errors.Is(err, forum.ErrNotFound) {
		return notFound(c)
	} else if err != nil {
		return f.serverError(c, err)
	}
	if name != u.UsernameLower {
		// One id per actor: /u/ALICE leads to /u/alice, so the document's
		// id is always the URL it was fetched from.
		return c.Redirect(http.StatusFound, f.userURL(u.Username))
	}
	a := actor{
		ref: f.userRef(u), preferredUsername: u.Username, name: u.Name(),
		summary: textToHTML(u.Bio), page: f.userURL(u.Username),
		published: u.CreatedAt, discoverable: true,
	}
	if icon := f.avatarURL(u); icon != "" {
		a.icon, a.iconType = icon, imageType(u.AvatarFile)
	}
	m, err := f.actorDocument(c.Request().Context(), streams.NewActivityStreamsPerson(), a)
	if err != nil {
		return f.serverError(c, err)
	}
	addMoveFields(m, u)
	return writeActivity(c, http.StatusOK, m)
}

// categoryActor answers a category's URL with its Group: following it is
// how a fediverse user follows a forum category.
func (f *Federation) categoryActor(c echo.Context) error {
	slug := c.Param("slug")
	cat, _, err := f.svc.ResolveCategorySlug(c.Request().Context(), nil, slug)
	if errors.Is(err, forum.ErrNotFound) {
		return notFound(c)
	} else if err != nil {
		return f.serverError(c, err)
	}
	if ref := f.categoryRef(cat); f.categoryURL(slug) != ref.url {
		// One id per actor: after a rename the current slug's URL (and
		// any between) leads to the id, which is the first slug's URL.
		return c.Redirect(http.StatusFound, ref.url)
	}
	m, err := f.categoryDocument(c.Request().Context(), cat)
	if err != nil {
		return f.serverError(c, err)
	}
	return writeActivity(c, http.StatusOK, m)
}

// categoryDocument is a category's Group: its id stays the first slug's
// URL while preferredUsername, name and url follow renames.
func (f *Federation) categoryDocument(ctx context.Context, cat *models.Category) (map[string]any, error) {
	ref := f.categoryRef(cat)
	m, err := f.actorDocument(ctx, streams.NewActivityStreamsGroup(), actor{
		ref: ref, preferredUsername: cat.Slug, name: cat.Name,
		summary: textToHTML(cat.Description), page: f.categoryURL(cat.Slug),
		published: cat.CreatedAt, discoverable: true,
	})
	if err != nil {
		return nil, err
	}
	m["@context"] = groupContext
	m["featured"] = ref.featured()
	return m, nil
}

// instanceActor answers /actor: the Application that signs Hearth's
// fetches. Its preferredUsername is the host name, as Mastodon's and
// GoToSocial's instance actors do, so its handle is @forum.example@forum.example
// (with the port after the second @ when the URL has one). No member or
// category can take that name: names never contain a dot (only a
// single-label host such as "localhost" could collide, and there the
// instance actor wins in WebFinger).
func (f *Federation) instanceActor(c echo.Context) error {
	ctx := c.Request().Context()
	site, err := f.svc.Site(ctx)
	if err != nil {
		return f.serverError(c, err)
	}
	summary := "<p>The instance actor of " + html.EscapeString(site.Name) + " (" + html.EscapeString(f.host) + "): it signs this forum's requests to other servers.</p>"
	if site.Description != "" {
		summary = textToHTML(site.Description) + summary
	}
	m, err := f.actorDocument(ctx, streams.NewActivityStreamsApplication(), actor{
		ref: f.instanceRef(), preferredUsername: f.instanceName, name: site.Name,
		summary:          summary,
		page:             f.base + "/",
		manuallyApproves: true, // it follows no one and is followed by no one
		icon:             siteLogoURL(f.base, site), iconType: imageType(site.LogoFile),
	})
	if err != nil {
		return f.serverError(c, err)
	}
	return writeActivity(c, http.StatusOK, m)
}

// siteLogoURL is the operator's logo (served by server/ at
// /site-files/), "" when none is set.
func siteLogoURL(base string, site *forum.Site) string {
	if site.LogoFile == "" {
		return ""
	}
	return base + "/site-files/" + site.LogoFile
}

// textToHTML turns plain text (bios and category descriptions are plain
// text) into escaped HTML paragraphs, keeping line breaks.
func textToHTML(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(para), "\n", "<br>") + "</p>")
	}
	return b.String()
}

// imageType is an avatar's media type, from the extension forum gives it
// after sniffing the upload.
func imageType(file string) string {
	switch strings.ToLower(path.Ext(file)) {
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	}
	return "image/jpeg"
}

// The owners of collections, resolved from the route.

func (f *Federation) userOwner(c echo.Context) (actorRef, error) {
	u, err := f.localUser(c.Request().Context(), c.Param("username"))
	if err != nil {
		return actorRef{}, err
	}
	return f.userRef(u), nil
}

func (f *Federation) categoryOwner(c echo.Context) (actorRef, error) {
	cat, _, err := f.svc.ResolveCategorySlug(c.Request().Context(), nil, c.Param("slug"))
	if err != nil {
		return actorRef{}, err
	}
	return f.categoryRef(cat), nil
}

func (f *Federation) instanceOwner(echo.Context) (actorRef, error) { return f.instanceRef(), nil }
