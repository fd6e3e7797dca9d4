package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hearth/hearth/forum"
)

// Incoming media (issue 14 item 4): a Note's attachment list is read here
// and handed to forum, which bounds and stores it with the post; a worker
// then copies the images into the media store through the federation
// client (forum/remote_media.go says why a worker and not a fetch on view).

// maxAttachmentsRead bounds how many entries of one Note's attachment list
// are even looked at (forum keeps at most forum.MaxRemoteAttachments).
const maxAttachmentsRead = 32

// Remote media fetching.
const (
	remoteMediaFetchTimeout = 20 * time.Second
	remoteMediaLease        = (remoteMediaBatch + 1) * remoteMediaFetchTimeout // a whole batch of timeouts, so no claim runs out mid-batch
	remoteMediaBatch        = 4
)

// attachmentDoc is one entry of a Note's attachment. Shapes seen on the
// wire: Mastodon sends {"type":"Document","mediaType":"image/jpeg",
// "url":"https://…","name":"alt","blurhash":…,"width":…,"height":…} and
// reads the description from summary or name, the file from url given as
// a string, a Link object or an array of them (the first), the type from
// mediaType or the Link's (app/lib/activitypub/parser/
// media_attachment_parser.rb); GoToSocial and Misskey send the same
// fields, Lemmy a {"type":"Link","href":…} for a link post's URL.
type attachmentDoc struct {
	Type      json.RawMessage `json:"type"`
	MediaType string          `json:"mediaType"`
	URL       json.RawMessage `json:"url"`
	Href      string          `json:"href"`
	Name      string          `json:"name"`
	Summary   string          `json:"summary"`
	Blurhash  string          `json:"blurhash"`
	Width     float64         `json:"width"`
	Height    float64         `json:"height"`
}

// linkDoc is a url given as a Link object.
type linkDoc struct {
	Href      string `json:"href"`
	MediaType string `json:"mediaType"`
}

// attachments reads the Note's attachment list, loosely: an entry that is
// not an object with a usable URL is skipped, never the whole Note.
func (n *noteDoc) attachments() []forum.RemoteAttachmentIn {
	if len(n.Attachment) == 0 {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(n.Attachment, &list) != nil {
		list = []json.RawMessage{n.Attachment}
	}
	var out []forum.RemoteAttachmentIn
	for i, raw := range list {
		if i == maxAttachmentsRead {
			break
		}
		var d attachmentDoc
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		href, mt := linkOf(d.URL)
		if href == "" {
			href = d.Href // a Link attachment (Lemmy, Misskey's link cards)
		}
		if d.MediaType != "" {
			mt = d.MediaType
		}
		name := strings.TrimSpace(d.Summary)
		if name == "" {
			name = strings.TrimSpace(d.Name)
		}
		if href == "" {
			continue
		}
		out = append(out, forum.RemoteAttachmentIn{Type: firstString(d.Type), MediaType: mt, URL: href, Name: name,
			Blurhash: d.Blurhash, Width: int(d.Width), Height: int(d.Height)})
	}
	return out
}

// linkOf reads a url given as a string, a Link object, or an array of
// either (the first usable one), with the Link's media type if it has one.
func linkOf(raw json.RawMessage) (href, mediaType string) {
	if len(raw) == 0 {
		return "", ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, ""
	}
	var l linkDoc
	if json.Unmarshal(raw, &l) == nil && l.Href != "" {
		return l.Href, l.MediaType
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		for i, item := range list {
			if i == 8 {
				break
			}
			if h, mt := linkOf(item); h != "" {
				return h, mt
			}
		}
	}
	return "", ""
}

// fetchRemoteMedia claims images waiting to be copied and fetches each,
// returning how many it claimed. After copying anything it trims the
// cache to its bound, so the total exceeds it at most by one batch.
func (f *Federation) fetchRemoteMedia(ctx context.Context) (int, error) {
	rows, err := f.svc.ClaimRemoteMedia(ctx, remoteMediaLease, remoteMediaBatch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	cached := false
	for i := range rows {
		r := &rows[i]
		data, retry, ferr := f.fetchMediaFile(ctx, r.URL)
		if ferr != nil {
			f.log.Info("remote media", "url", r.URL, "error", ferr)
			if err := f.svc.RemoteMediaFailed(ctx, r, ferr.Error(), retry); err != nil {
				return len(rows), err
			}
			continue
		}
		ok, err := f.svc.RemoteMediaFetched(ctx, r, data)
		if err != nil && !errors.Is(err, forum.ErrNotFound) {
			return len(rows), err
		}
		cached = cached || ok
	}
	if cached {
		if _, err := f.svc.EvictRemoteMedia(ctx); err != nil {
			return len(rows), err
		}
	}
	return len(rows), nil
}

// fetchMediaFile gets a file through the federation client (private
// addresses refused unless allowed, every redirect checked), signed as
// the instance actor as every outbound GET is, at most
// forum.RemoteMediaMaxBytes. retry says whether trying again later may
// help (network trouble, a 5xx).
func (f *Federation) fetchMediaFile(ctx context.Context, rawURL string) (data []byte, retry bool, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, false, err
	}
	if err := checkURL(u, f.cfg.FederationAllowPrivate); err != nil {
		return nil, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, remoteMediaFetchTimeout)
	defer cancel()
	resp, err := f.doSignedGet(ctx, u, "image/*")
	if err != nil {
		return nil, !errors.Is(err, errForbiddenAddress), err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return nil, true, fmt.Errorf("fetch %s: status %d", u.Redacted(), resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, false, fmt.Errorf("fetch %s: status %d", u.Redacted(), resp.StatusCode)
	case resp.ContentLength > forum.RemoteMediaMaxBytes:
		return nil, false, fmt.Errorf("fetch %s: %d bytes, over the limit", u.Redacted(), resp.ContentLength)
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, forum.RemoteMediaMaxBytes+1))
	if err != nil {
		return nil, true, err
	}
	// One byte over the limit reaches forum, which refuses it by size.
	return data, false, nil
}
