package forum

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/models"
)

// exportZip builds the member's export: profile.json, posts.json and one
// Markdown file per post under posts/, bookmarks.json,
// notification-levels.json (the member's own choices), messages.json
// (their private messages, export_messages.go), and outbox.json,
// an ActivityStreams OrderedCollection of the Create{Note} activities of
// their public posts, with the ids Hearth federates them under, so a
// fediverse server can import it. Posts in private categories are in
// posts/ (the member wrote them) but never in the outbox: they never
// federated. Posts hidden pending review are left out of the outbox too.
func (s *Service) exportZip(ctx context.Context, u *models.User) ([]byte, error) {
	posts, err := s.store.PostsForExport(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	bookmarks, err := s.store.BookmarksForExport(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	mail, err := s.store.MailSettingOf(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	levels, err := s.store.NotificationLevelsForExport(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, body []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.now()})
		if err != nil {
			return err
		}
		_, err = w.Write(body)
		return err
	}
	putJSON := func(name string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		return put(name, append(b, '\n'))
	}
	if err := putJSON("profile.json", exportProfile{
		Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Bio: u.Bio, Role: u.Role,
		Created: u.CreatedAt.UTC(), URL: s.actorURL(u), Handle: s.FediverseHandle(u.Username),
		Settings: exportSettings{EmailNotifications: mail.EmailNotifications, EmailDigest: mail.EmailDigest},
	}); err != nil {
		return nil, err
	}
	list := make([]exportPostJSON, len(posts))
	for i, p := range posts {
		ep := exportPostJSON{ID: p.ID, URL: s.postIDURL(p.ID), ThreadID: p.ThreadID, ThreadTitle: p.ThreadTitle,
			Number: p.Number, Body: p.Body, Created: p.CreatedAt.UTC(), Private: p.AmbassadorsOnly}
		if p.EditedAt != nil {
			t := p.EditedAt.UTC()
			ep.Edited = &t
		}
		list[i] = ep
		if err := put(fmt.Sprintf("posts/%d-%d.md", p.ThreadID, p.Number), postMarkdown(ep)); err != nil {
			return nil, err
		}
	}
	if err := putJSON("posts.json", list); err != nil {
		return nil, err
	}
	bms := make([]exportBookmark, len(bookmarks))
	for i, b := range bookmarks {
		bms[i] = exportBookmark{ThreadID: b.ThreadID, Title: b.Title, URL: s.cfg.URL + "/t/" + strconv.FormatInt(b.ThreadID, 10), Created: b.CreatedAt.UTC()}
	}
	if err := putJSON("bookmarks.json", bms); err != nil {
		return nil, err
	}
	lv := make([]exportLevel, len(levels))
	for i, l := range levels {
		lv[i] = exportLevel{Kind: l.TargetKind, ID: l.TargetID, Level: l.Level}
	}
	if err := putJSON("notification-levels.json", lv); err != nil {
		return nil, err
	}
	if err := putJSON("outbox.json", s.exportOutbox(u, posts)); err != nil {
		return nil, err
	}
	convs, err := s.exportMessages(ctx, u)
	if err != nil {
		return nil, err
	}
	if err := putJSON("messages.json", convs); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type exportSettings struct {
	EmailNotifications bool `json:"email_notifications"`
	EmailDigest        bool `json:"email_digest"`
}

type exportProfile struct {
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Email       string         `json:"email"`
	Bio         string         `json:"bio"`
	Role        string         `json:"role"`
	Created     time.Time      `json:"created"`
	URL         string         `json:"url"`
	Handle      string         `json:"fediverse_handle"`
	Settings    exportSettings `json:"settings"`
}

type exportPostJSON struct {
	ID          int64      `json:"id"`
	URL         string     `json:"url"`
	ThreadID    int64      `json:"thread_id"`
	ThreadTitle string     `json:"thread_title"`
	Number      int        `json:"number"`
	Body        string     `json:"body"`
	Created     time.Time  `json:"created"`
	Edited      *time.Time `json:"edited,omitempty"`
	Private     bool       `json:"private,omitempty"`
}

// exportLevel is a notification level the member chose for a thread or
// a category (by id).
type exportLevel struct {
	Kind  string `json:"target_kind"`
	ID    int64  `json:"target_id"`
	Level string `json:"level"`
}

type exportBookmark struct {
	ThreadID int64     `json:"thread_id"`
	Title    string    `json:"title"`
	URL      string    `json:"url"`
	Created  time.Time `json:"created"`
}

// postMarkdown is a post's file: a small YAML front matter, then the
// Markdown the member wrote.
func postMarkdown(p exportPostJSON) []byte {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "thread: %s\n", strconv.Quote(p.ThreadTitle))
	fmt.Fprintf(&b, "url: %s\n", p.URL)
	fmt.Fprintf(&b, "created: %s\n", p.Created.Format(time.RFC3339))
	if p.Edited != nil {
		fmt.Fprintf(&b, "edited: %s\n", p.Edited.Format(time.RFC3339))
	}
	b.WriteString("---\n\n")
	b.WriteString(p.Body)
	if !strings.HasSuffix(p.Body, "\n") {
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// actorURL is the member's ActivityPub id, as federation/ids.go builds it.
func (s *Service) actorURL(u *models.User) string {
	return s.cfg.URL + "/u/" + url.PathEscape(strings.ToLower(u.Username))
}

// postIDURL is a post's ActivityPub id and permalink, as federation/ids.go
// builds it.
func (s *Service) postIDURL(id int64) string { return s.cfg.URL + "/p/" + strconv.FormatInt(id, 10) }

// exportOutbox is the member's public posts as the Create{Note} activities
// federation sends for them (federation/outbox.go, objects.go): the same
// ids, actor, addressing, context and audience. It is built here because
// forum cannot import federation; mentions and hashtags, which a Note
// carries as tags, are left out.
func (s *Service) exportOutbox(u *models.User, posts []models.ExportPost) map[string]any {
	actor := s.actorURL(u)
	const public = "https://www.w3.org/ns/activitystreams#Public"
	items := []any{}
	for i := len(posts) - 1; i >= 0; i-- { // newest first, as outboxes are
		p := posts[i]
		if p.AmbassadorsOnly || p.HiddenAt != nil || p.APID != nil {
			continue
		}
		id := s.postIDURL(p.ID)
		catURL := s.cfg.URL + "/c/" + url.PathEscape(p.CategorySlug)
		threadURL := s.cfg.URL + "/t/" + strconv.FormatInt(p.ThreadID, 10)
		note := map[string]any{
			"id": id, "type": "Note", "attributedTo": actor, "content": p.HTML, "source": map[string]any{"content": p.Body, "mediaType": "text/markdown"},
			"published": p.CreatedAt.UTC().Format(time.RFC3339), "url": id,
			"to": []any{public}, "cc": []any{actor + "/followers", catURL},
			"context": threadURL, "audience": catURL,
		}
		if p.Number == 1 {
			note["name"] = p.ThreadTitle
		} else {
			parent := p.ThreadFirstPostID
			if p.ReplyToID != nil {
				parent = *p.ReplyToID
			}
			if parent != 0 && parent != p.ID {
				note["inReplyTo"] = s.postIDURL(parent)
			}
		}
		if p.EditedAt != nil {
			note["updated"] = p.EditedAt.UTC().Format(time.RFC3339)
		}
		items = append(items, map[string]any{
			"id": id + "#create", "type": "Create", "actor": actor,
			"published": p.CreatedAt.UTC().Format(time.RFC3339),
			"to":        []any{public}, "cc": []any{actor + "/followers"}, "object": note,
		})
	}
	return map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams",
		"id":       actor + "/outbox", "type": "OrderedCollection",
		"totalItems": len(items), "orderedItems": items,
	}
}
