package forum

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/forum/markup"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/media"
	"github.com/hearth/hearth/models"
)

// Uploads (issue 14): a member's file is checked and processed by media/,
// stored by content hash in the blob store, and recorded in the database
// (uploads, member_uploads) so every process knows it. Posts reference
// uploads by their URL in the Markdown; upload_refs keeps which post uses
// which file, for the renderer, federation and the garbage collector.

// AltMaxRunes bounds an image description (Mastodon allows 1500).
const AltMaxRunes = 1500

// TooLargeError refuses an upload over a size limit (413): the file, or
// the member's uploads of the last 24 hours.
type TooLargeError struct {
	Message string   // in English
	Msg     i18n.Msg // Message as a catalog message, for people
}

func (e *TooLargeError) Error() string { return e.Message }

// UserMessage is the message in the reader's language (i18n.MsgOf).
func (e *TooLargeError) UserMessage() i18n.Msg { return e.Msg }

func tooLarge(id string, kv ...any) *TooLargeError {
	m := i18n.M(id, kv...)
	return &TooLargeError{Message: m.String(), Msg: m}
}

// UploadInput is one file a member sends.
type UploadInput struct {
	Data []byte
	Name string // the file's name on the member's device, for the link text of a download
	Alt  string // the image description, for the Markdown and the federated attachment
}

// UploadResult is a stored upload and the Markdown that shows it.
type UploadResult struct {
	Upload   models.Upload
	URL      string
	Markdown string
}

// SetMedia replaces the blob store (cmd/hearth installs the S3 store;
// New opens the disk store under --media-dir).
func (s *Service) SetMedia(b media.Blobs) { s.blobs, s.blobsErr = b, nil }

// Media is the blob store, for serving files.
func (s *Service) Media() (media.Blobs, error) { return s.blobs, s.blobsErr }

func (s *Service) uploadLimits() media.Limits {
	var types []string
	for _, t := range strings.Split(s.cfg.UploadTypes, ",") {
		if t = strings.TrimSpace(t); t != "" {
			types = append(types, t)
		}
	}
	return media.Limits{MaxPixels: s.cfg.UploadMaxPixels, Types: types}
}

// Upload checks, processes and stores a member's file. Limits: the file's
// size and the member's bytes in 24 hours (TooLargeError), type and pixel
// count (ValidationError on "file"), alt text length (on "alt").
func (s *Service) Upload(ctx context.Context, actor *models.User, in UploadInput) (*UploadResult, error) {
	if actor == nil {
		return nil, ErrUnauthorized
	}
	if err := s.checkEmailVerified(actor); err != nil {
		return nil, err
	}
	if err := s.checkMayPost(ctx, actor, nil); err != nil {
		return nil, err
	}
	if s.blobsErr != nil {
		return nil, s.blobsErr
	}
	v := validation{}
	alt := strings.Join(strings.Fields(in.Alt), " ")
	if !utf8.ValidString(alt) || utf8.RuneCountInString(alt) > AltMaxRunes {
		v.add("alt", "errors.uploads.alt_too_long", "Max", AltMaxRunes)
	}
	if len(in.Data) == 0 {
		v.add("file", "errors.uploads.file_empty_choose_another")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if int64(len(in.Data)) > s.cfg.UploadMaxBytes {
		return nil, tooLarge("errors.uploads.too_large", "Size", humanBytes(int64(len(in.Data))), "Max", humanBytes(s.cfg.UploadMaxBytes))
	}
	used, err := s.store.UploadedBytesSince(ctx, actor.ID, s.now().Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	if used+int64(len(in.Data)) > s.cfg.UploadDayBytes {
		return nil, tooLarge("errors.uploads.day_limit", "Used", humanBytes(used), "Max", humanBytes(s.cfg.UploadDayBytes))
	}
	p, err := media.Process(in.Data, s.uploadLimits())
	if err != nil {
		var re *media.RejectError
		if errors.As(err, &re) {
			v.addMsg("file", re.UserMessage())
			return nil, v.err()
		}
		return nil, err
	}
	up, err := s.storeProcessed(ctx, actor, p)
	if err != nil {
		return nil, err
	}
	url := s.MediaURL(p.Hash)
	res := &UploadResult{Upload: *up, URL: url}
	if media.IsImage(p.Mime) {
		res.Markdown = "![" + escapeLinkText(alt) + "](" + url + ")"
	} else {
		name := escapeLinkText(strings.Join(strings.Fields(path.Base(strings.ReplaceAll(in.Name, `\`, "/"))), " "))
		if name == "" || name == "." || name == "/" {
			name = "attachment"
		}
		res.Markdown = "[" + name + "](" + url + ")"
	}
	return res, nil
}

// MediaURL is the public URL of an upload.
func (s *Service) MediaURL(hash string) string { return s.cfg.URL + "/media/" + hash }

// UploadInfo is what serving needs of an upload; nil, ErrNotFound when
// the hash is not (or no longer) stored.
func (s *Service) UploadInfo(ctx context.Context, hash string) (*models.Upload, error) {
	if !media.ValidHash(hash) {
		return nil, ErrNotFound
	}
	u, err := s.store.UploadByHash(ctx, hash)
	return u, mapNotFound(err)
}

// HasVariant reports whether u has a resized copy named variant.
func HasVariant(u *models.Upload, variant string) bool {
	for _, w := range strings.Split(u.Variants, ",") {
		if w != "" && "w"+w == variant {
			return true
		}
	}
	return false
}

var linkTextEscaper = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, "*", `\*`, "_", `\_`, "`", "\\`", "<", `\<`)

// escapeLinkText keeps an alt text or file name from closing the Markdown
// link it sits in or starting emphasis.
func escapeLinkText(s string) string { return linkTextEscaper.Replace(s) }

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// uploadHashes are the hashes of this instance's media URLs in a Markdown
// body, sorted and unique.
func (s *Service) uploadHashes(body string) []string {
	re := s.mediaURLs()
	seen := map[string]bool{}
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

func (s *Service) mediaURLs() *regexp.Regexp {
	s.mediaReOnce.Do(func() {
		s.mediaRe = regexp.MustCompile(regexp.QuoteMeta(s.cfg.URL+"/media/") + `([0-9a-f]{64})`)
	})
	return s.mediaRe
}

// linkUploads records which of this instance's uploads a post's body shows.
func (s *Service) linkUploads(ctx context.Context, postID int64, body string) error {
	hashes := s.uploadHashes(body)
	if len(hashes) > 0 {
		ups, err := s.store.UploadsByHash(ctx, hashes)
		if err != nil {
			return err
		}
		hashes = hashes[:0]
		for _, u := range ups {
			hashes = append(hashes, u.Hash)
		}
		sort.Strings(hashes)
	}
	return s.store.SetPostUploads(ctx, postID, hashes)
}

// render renders a local post's Markdown with this instance's uploaded
// images sized (width, height, srcset of their variants, lazy loading).
func (s *Service) render(ctx context.Context, body string) (markup.Result, error) {
	hashes := s.uploadHashes(body)
	if len(hashes) == 0 {
		return s.md.Render(body), nil
	}
	ups, err := s.store.UploadsByHash(ctx, hashes)
	if err != nil {
		return markup.Result{}, err
	}
	byURL := make(map[string]markup.Image, len(ups))
	for _, u := range ups {
		if !media.IsImage(u.Mime) {
			continue
		}
		img := markup.Image{Width: u.Width, Height: u.Height}
		for _, w := range strings.Split(u.Variants, ",") {
			if n, err := strconv.Atoi(w); err == nil {
				img.Variants = append(img.Variants, n)
			}
		}
		byURL[s.MediaURL(u.Hash)] = img
	}
	return s.md.RenderWith(body, func(url string) (markup.Image, bool) {
		img, ok := byURL[url]
		return img, ok
	}), nil
}

// SetUploadLimits changes the per-file and per-day byte limits the
// service was built with (tests; `hearth serve` sets them by flag).
func (s *Service) SetUploadLimits(file, day int64) {
	s.cfg.UploadMaxBytes, s.cfg.UploadDayBytes = file, day
}

// storeProcessed records a processed file and writes its bytes. The row
// first: its fresh last_used_at keeps the garbage collector
// (media_gc.go) off this content while the files are written; a file
// whose write then fails leaves a row the collector removes later.
func (s *Service) storeProcessed(ctx context.Context, actor *models.User, p *media.Processed) (*models.Upload, error) {
	widths := make([]string, len(p.Variants))
	for i, vr := range p.Variants {
		widths[i] = strconv.Itoa(vr.Width)
	}
	up := models.Upload{Hash: p.Hash, Size: int64(len(p.Data)), Mime: p.Mime, Width: p.Width, Height: p.Height,
		Variants: strings.Join(widths, ","), UploaderID: actor.ID}
	if err := s.store.SaveUpload(ctx, &up, s.now()); err != nil {
		return nil, err
	}
	for _, vr := range p.Variants {
		if err := s.blobs.Put(ctx, media.Key(p.Hash, media.VariantName(vr.Width)), bytes.NewReader(vr.Data), int64(len(vr.Data)), media.Sniff(vr.Data)); err != nil {
			return nil, fmt.Errorf("store upload variant: %w", err)
		}
	}
	if err := s.blobs.Put(ctx, media.Key(p.Hash, ""), bytes.NewReader(p.Data), int64(len(p.Data)), p.Mime); err != nil {
		return nil, fmt.Errorf("store upload: %w", err)
	}
	return &up, nil
}
