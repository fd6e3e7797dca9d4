package federation

import (
	"errors"
	"html"
	"net/http"
	"strconv"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// contextPageSize is how many post ids one page of a thread's context
// collection lists; threads this short list them in the collection itself.
const contextPageSize = 100

// note answers a post's URL with its Note, or a Tombstone (410) once the
// post or its thread is deleted, so peers drop their copies.
func (f *Federation) note(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound(c)
	}
	fp, err := f.svc.PostForFederation(c.Request().Context(), id)
	if errors.Is(err, forum.ErrNotFound) {
		return notFound(c)
	} else if err != nil {
		return f.serverError(c, err)
	}
	if fp.Post.APID != nil {
		// A reply from the fediverse: its Note is its author's server's
		// to serve; this copy's id is not an ActivityPub object.
		return c.Redirect(http.StatusFound, *fp.Post.APID)
	}
	if fp.Gone {
		return f.writeTombstone(c, f.postURL(id), "Note", fp.DeletedAt())
	}
	m, err := f.noteDocument(fp)
	if err != nil {
		return f.serverError(c, err)
	}
	return writeActivity(c, http.StatusOK, m)
}

// noteDocument is a post as a Note: what Mastodon shows in full (an
// Article would show only its title, summary and a link). A thread's first
// post opens with its title as a bold paragraph (titleParagraph).
func (f *Federation) noteDocument(fp *forum.FederatedPost) (map[string]any, error) {
	p, t := fp.Post, fp.Thread
	author := f.userRef(fp.Author)
	category := f.categoryRef(fp.Category)

	n := streams.NewActivityStreamsNote()
	n.SetJSONLDId(idProp(f.postURL(p.ID)))
	attributedTo := streams.NewActivityStreamsAttributedToProperty()
	attributedTo.AppendIRI(mustParse(author.url))
	n.SetActivityStreamsAttributedTo(attributedTo)
	content := p.HTML
	if p.Number == 1 {
		// The title opens the content: no `name` (GoToSocial shows it as
		// a content warning) and no `summary` (one everywhere). See
		// docs/FEDERATION.md, "Thread titles".
		content = titleParagraph(t.Title) + content
	}
	n.SetActivityStreamsContent(contentProp(content))
	n.SetActivityStreamsPublished(publishedProp(p.CreatedAt))
	if p.EditedAt != nil {
		n.SetActivityStreamsUpdated(updatedProp(*p.EditedAt))
	}
	n.SetActivityStreamsUrl(urlProp(f.postPageURL(t.ID, fp.Page, p.Number)))
	// A reply answers the post it quotes, else the thread's first post:
	// that is how the thread shows as one conversation on Mastodon.
	parent := t.FirstPostID
	if p.ReplyToID != nil {
		parent = *p.ReplyToID
	}
	if rp := fp.RemoteParent; rp != nil {
		// An answer to a fediverse post answers its Note, so it threads
		// under it on the author's server.
		inReplyTo := streams.NewActivityStreamsInReplyToProperty()
		inReplyTo.AppendIRI(mustParse(rp.APID))
		n.SetActivityStreamsInReplyTo(inReplyTo)
	} else if p.Number > 1 && parent != 0 && parent != p.ID {
		inReplyTo := streams.NewActivityStreamsInReplyToProperty()
		inReplyTo.AppendIRI(mustParse(f.postURL(parent)))
		n.SetActivityStreamsInReplyTo(inReplyTo)
	}
	var mentioned []string
	tags := streams.NewActivityStreamsTagProperty()
	for _, u := range fp.Mentions {
		ref := f.userRef(u)
		mentioned = append(mentioned, ref.url)
		mention := streams.NewActivityStreamsMention()
		href := streams.NewActivityStreamsHrefProperty()
		href.Set(mustParse(ref.url))
		mention.SetActivityStreamsHref(href)
		mention.SetActivityStreamsName(nameProp("@" + u.Username + "@" + f.host))
		tags.AppendActivityStreamsMention(mention)
	}
	if rp := fp.RemoteParent; rp != nil {
		// The answered author is addressed and mentioned: GoToSocial
		// drops a reply that does not mention them, and Mastodon notifies
		// by Mention.
		mentioned = append(mentioned, rp.Author.RemoteURL)
		mention := streams.NewActivityStreamsMention()
		href := streams.NewActivityStreamsHrefProperty()
		href.Set(mustParse(rp.Author.RemoteURL))
		mention.SetActivityStreamsHref(href)
		mention.SetActivityStreamsName(nameProp("@" + rp.Author.Username))
		tags.AppendActivityStreamsMention(mention)
	}
	n.SetActivityStreamsTag(tags)
	// FEP-7888: the thread is the conversation's context, a collection at
	// the thread's URL. FEP-1b12: the category is the group it is posted to.
	context := streams.NewActivityStreamsContextProperty()
	context.AppendIRI(mustParse(f.threadURL(t.ID)))
	n.SetActivityStreamsContext(context)
	audience := streams.NewActivityStreamsAudienceProperty()
	audience.AppendIRI(mustParse(category.url))
	n.SetActivityStreamsAudience(audience)

	m, err := serialize(n)
	if err != nil {
		return nil, err
	}
	// go-fed v1.0.0 types source as an Object (it would gain "type":
	// "Object") and has no Hashtag type, so both are added to the map.
	if p.Number > 1 {
		// A thread start has none: its content opens with the title, which
		// the member's Markdown does not hold, and Lemmy and NodeBB take
		// the body from source (NodeBB its title too, from source's first
		// sentence) when there is one.
		m["source"] = map[string]any{"content": p.Body, "mediaType": "text/markdown"}
	}
	tagList, _ := m["tag"].([]any)
	if v, ok := m["tag"]; ok && tagList == nil {
		tagList = []any{v}
	}
	for _, h := range fp.Hashtags {
		tagList = append(tagList, map[string]any{"type": "Hashtag", "href": f.tagURL(h), "name": "#" + h})
	}
	if tagList == nil {
		tagList = []any{}
	}
	m["tag"] = tagList
	m["sensitive"] = false
	if p.Number == 1 {
		// Lemmy's Page field (from PeerTube): whether the thread takes
		// replies. Locking sends Lock too (moderation_out.go).
		m["commentsEnabled"] = !t.Locked
	}
	if len(fp.Attachments) > 0 {
		m["attachment"] = attachmentJSON(fp.Attachments)
	}
	m["replies"] = f.repliesCollection(p.ID, fp.Replies)
	m["to"], m["cc"] = addressing(author, category, mentioned)
	if fp.Poll != nil {
		f.questionize(m, fp.Poll, fp.PollOptions)
	}
	return m, nil
}

// titleParagraph is a thread's title as the first paragraph of its first
// post's content: <strong> survives every sanitizer read (Mastodon keeps
// it and turns headings into it; Misskey's HTML-to-MFM keeps only it as
// bold, an <h2> would become plain text), and Lemmy and NodeBB, reading a
// Note with no name, take the first line or sentence as the title.
func titleParagraph(title string) string {
	return "<p><strong>" + html.EscapeString(title) + "</strong></p>"
}

// writeTombstone answers 410 Gone with a Tombstone for a deleted object.
func (f *Federation) writeTombstone(c echo.Context, id, formerType string, deleted time.Time) error {
	ts := streams.NewActivityStreamsTombstone()
	ts.SetJSONLDId(idProp(id))
	if !deleted.IsZero() {
		d := streams.NewActivityStreamsDeletedProperty()
		d.Set(deleted.UTC())
		ts.SetActivityStreamsDeleted(d)
	}
	m, err := serialize(ts)
	if err != nil {
		return f.serverError(c, err)
	}
	// go-fed's formerType holds a whole embedded object; peers expect the
	// type's name.
	m["formerType"] = formerType
	return writeActivity(c, http.StatusGone, m)
}

// threadContext answers a thread's URL with its FEP-7888 context: an
// OrderedCollection of its posts' ids, owned by the category, paged when
// the thread is long.
func (f *Federation) threadContext(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound(c)
	}
	if c.Param("slug") != "" {
		// The id is the slug-less URL; send /t/1/title there so the id
		// fetched equals the URL.
		target := f.threadURL(id)
		if q := c.Request().URL.RawQuery; q != "" {
			target += "?" + q
		}
		return c.Redirect(http.StatusFound, target)
	}
	ctx := c.Request().Context()
	ft, err := f.svc.ThreadForFederation(ctx, id)
	if errors.Is(err, forum.ErrNotFound) {
		return notFound(c)
	} else if err != nil {
		return f.serverError(c, err)
	}
	if ft.Gone {
		return f.writeTombstone(c, f.threadURL(id), "OrderedCollection", *ft.Thread.DeletedAt)
	}
	p := paged{id: f.threadURL(id), total: ft.Thread.PostCount, pageSize: contextPageSize, inline: true}
	page, ok := pageParam(c, p.pages())
	if !ok {
		return notFound(c)
	}
	p.page = page
	from, to := p.numbers()
	items, err := f.svc.ThreadContextItems(ctx, id, from, to)
	if err != nil {
		return f.serverError(c, err)
	}
	for _, it := range items {
		if it.APID != nil {
			p.items = append(p.items, *it.APID) // its own server's id, as Mastodon lists it
		} else {
			p.items = append(p.items, f.postURL(it.ID))
		}
	}
	category := f.categoryRef(ft.Category).url
	// Set on the map because writePaged builds every collection alike.
	return f.writePaged(c, p, map[string]any{
		"name":         ft.Thread.Title,
		"attributedTo": category,
		"audience":     category,
		"url":          f.threadURL(id),
	})
}

// attachmentJSON is a post's uploads in the shape Mastodon-compatible
// servers read from a Note's attachment: type Image or Document,
// mediaType, url, name as the description (alt text), width/height for a
// preview without layout shift. go-fed v1.0.0 has no width/height on
// Image, so the objects are written as maps.
func attachmentJSON(as []forum.Attachment) []any {
	out := make([]any, 0, len(as))
	for _, a := range as {
		o := map[string]any{"type": "Document", "mediaType": a.Mime, "url": a.URL}
		if a.Image {
			o["type"] = "Image"
			o["width"], o["height"] = a.Width, a.Height
		}
		if a.Name != "" {
			o["name"] = a.Name
		}
		out = append(out, o)
	}
	return out
}
