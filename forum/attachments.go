package forum

import (
	"context"
	"regexp"
	"strings"

	"github.com/hearth/hearth/media"
)

// Attachment is an upload a post shows, as federation sends it with the
// post's Note (Mastodon displays a Note's attachments, not the images in
// its HTML): Image for pictures, Document for other files.
type Attachment struct {
	URL           string
	Mime          string
	Name          string // the image's alt text, or the download's link text
	Width, Height int    // images only
	Image         bool
}

// mediaLinks finds Markdown images and links to this instance's media:
// ![alt](url) or [text](url), the text with Markdown escapes.
func (s *Service) mediaLinks() *regexp.Regexp {
	s.mediaLinkOnce.Do(func() {
		s.mediaLinkRe = regexp.MustCompile(`(!?)\[((?:\\.|[^\]\\])*)\]\(` + regexp.QuoteMeta(s.cfg.URL+"/media/") + `([0-9a-f]{64})\)`)
	})
	return s.mediaLinkRe
}

var markdownEscape = regexp.MustCompile(`\\(.)`)

// postAttachments lists the uploads a post's body shows, in the order it
// shows them, once each; a body without media URLs costs no query.
func (s *Service) postAttachments(ctx context.Context, body string) ([]Attachment, error) {
	matches := s.mediaLinks().FindAllStringSubmatch(body, -1)
	if len(matches) == 0 {
		return nil, nil
	}
	hashes := make([]string, 0, len(matches))
	for _, m := range matches {
		hashes = append(hashes, m[3])
	}
	ups, err := s.store.UploadsByHash(ctx, hashes)
	if err != nil {
		return nil, err
	}
	byHash := make(map[string]int, len(ups))
	for i, u := range ups {
		byHash[u.Hash] = i
	}
	seen := map[string]bool{}
	var out []Attachment
	for _, m := range matches {
		i, ok := byHash[m[3]]
		if !ok || seen[m[3]] {
			continue
		}
		seen[m[3]] = true
		u := ups[i]
		a := Attachment{URL: s.MediaURL(u.Hash), Mime: u.Mime, Name: strings.TrimSpace(markdownEscape.ReplaceAllString(m[2], "$1"))}
		if media.IsImage(u.Mime) {
			a.Image, a.Width, a.Height = true, u.Width, u.Height
		}
		out = append(out, a)
	}
	return out, nil
}
