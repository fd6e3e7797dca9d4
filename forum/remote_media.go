package forum

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hearth/hearth/media"
	"github.com/hearth/hearth/models"
)

// Attachments of posts from the fediverse (issue 14 item 4). federation/
// parses a Note's attachment list; here it is bounded and stored with the
// post (remote_attachments), one row per file. Images are copied into the
// media store by a fetch worker (federation/remote_media.go, through the
// SSRF-safe client) and served from this origin, so a reader's browser
// never contacts the remote server; everything else, and any image not
// (or no longer) copied, is a link to its origin with its name.
//
// Why a worker after the Create rather than a fetch on first view: a
// thread page then never waits on a remote server at all (not even for a
// short bound), a dead remote costs the worker a timeout, not a reader,
// and the fetch happens once per file however many pages show it, in
// whichever process claims it.

// Bounds of what a remote post may carry.
const (
	// MaxRemoteAttachments is how many attachments of one Note are kept
	// (Mastodon allows 4, Misskey 16); the rest are dropped.
	MaxRemoteAttachments = 8
	// MaxRemoteURLBytes bounds an attachment's URL; a longer one is dropped.
	MaxRemoteURLBytes = 2048
	// RemoteMediaMaxBytes is the largest remote file copied.
	RemoteMediaMaxBytes = 16 << 20
	// remoteMediaTouchEvery is how stale an entry's last use may get
	// before serving it writes a new one (LRU at this resolution).
	remoteMediaTouchEvery = time.Hour
	// remoteMediaMaxAttempts is how many transient failures a fetch gets.
	remoteMediaMaxAttempts = 3
)

// RemoteAttachmentIn is an attachment as federation read it from a Note.
type RemoteAttachmentIn struct {
	Type      string // Image, Document, Video, Audio…
	MediaType string // as claimed; decides only image or link
	URL       string
	Name      string // the alt text (Mastodon: summary or name)
	Blurhash  string
	Width     int
	Height    int
}

// RemoteAttachmentView is an attachment as a thread page shows it: Local
// is set when the image is served from here; otherwise the page links to
// Origin with Name.
type RemoteAttachmentView struct {
	ID            int64
	Kind          string // image, video, audio, document
	Name          string
	Origin        string
	Local         string // "/media/remote/{id}" when cached and the cache is on
	Width, Height int
	Variants      []int // widths of resized copies at Local+"/w<width>"
}

var blurhashRe = regexp.MustCompile(`^[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{6,100}$`)

// remoteAttachmentRows bounds and classifies a Note's attachments for the
// post postID: at most MaxRemoteAttachments, each with an absolute
// http(s) URL of at most MaxRemoteURLBytes (others are skipped), the alt
// text cut to AltMaxRunes, dimensions kept only when plausible.
func remoteAttachmentRows(postID int64, in []RemoteAttachmentIn, now time.Time) []models.RemoteAttachment {
	var rows []models.RemoteAttachment
	for _, a := range in {
		if len(rows) == MaxRemoteAttachments {
			break
		}
		u, err := url.Parse(a.URL)
		if len(a.URL) > MaxRemoteURLBytes || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			continue
		}
		name := strings.Join(strings.Fields(strings.ToValidUTF8(a.Name, "")), " ")
		if utf8.RuneCountInString(name) > AltMaxRunes {
			name = string([]rune(name)[:AltMaxRunes])
		}
		mt := a.MediaType
		if len(mt) > 100 || !utf8.ValidString(mt) {
			mt = ""
		}
		r := models.RemoteAttachment{PostID: postID, Position: len(rows), Kind: attachmentKind(a.Type, mt),
			MediaType: mt, URL: a.URL, Name: name, State: models.RemoteMediaLink,
			CreatedAt: now, UpdatedAt: now}
		if a.Width > 0 && a.Height > 0 && a.Width <= 100_000 && a.Height <= 100_000 {
			r.Width, r.Height = a.Width, a.Height
		}
		if blurhashRe.MatchString(a.Blurhash) {
			r.Blurhash = a.Blurhash
		}
		if r.Kind == "image" {
			r.State = models.RemoteMediaPending
		}
		rows = append(rows, r)
	}
	return rows
}

// attachmentKind classifies by the claimed media type first (Mastodon
// sends images as Document with mediaType image/jpeg), then by type.
func attachmentKind(typ, mediaType string) string {
	mt := strings.ToLower(mediaType)
	switch {
	case strings.HasPrefix(mt, "image/") && mt != "image/svg+xml":
		return "image"
	case strings.HasPrefix(mt, "video/"):
		return "video"
	case strings.HasPrefix(mt, "audio/"):
		return "audio"
	case mt == "" && typ == "Image":
		return "image"
	case mt == "" && typ == "Video":
		return "video"
	case mt == "" && typ == "Audio":
		return "audio"
	}
	return "document"
}

// sameAttachments reports whether stored rows are what in would store.
func sameAttachments(rows, in []models.RemoteAttachment) bool {
	if len(rows) != len(in) {
		return false
	}
	for i := range rows {
		if rows[i].URL != in[i].URL || rows[i].Name != in[i].Name || rows[i].Kind != in[i].Kind {
			return false
		}
	}
	return true
}

// replaceRemoteAttachments makes a post's attachments those of an
// edited Note: unchanged ones keep their rows (and their copies), so an
// Update that changes only the text fetches nothing again.
func (s *Service) replaceRemoteAttachments(ctx context.Context, postID int64, in []RemoteAttachmentIn) error {
	have, err := s.store.RemoteAttachmentsOf(ctx, postID)
	if err != nil {
		return err
	}
	want := remoteAttachmentRows(postID, in, s.now())
	if sameAttachments(have, want) {
		return nil
	}
	if err := s.store.DeleteRemoteAttachments(ctx, postID); err != nil {
		return err
	}
	return s.store.AddRemoteAttachments(ctx, want)
}

// RemoteMediaCacheOn reports whether remote images are copied and served
// from here (--media-remote-cache).
func (s *Service) RemoteMediaCacheOn() bool { return s.cfg.MediaRemoteCache && s.blobsErr == nil }

// SetRemoteMediaCache changes --media-remote-cache and its bound (tests).
func (s *Service) SetRemoteMediaCache(on bool, maxBytes int64) {
	s.cfg.MediaRemoteCache, s.cfg.MediaRemoteCacheMax = on, maxBytes
}

// remoteAttachmentViews loads the attachments of a page's remote posts in
// one query; a page without remote posts costs none.
func (s *Service) remoteAttachmentViews(ctx context.Context, views []PostView) (map[int64][]RemoteAttachmentView, error) {
	var ids []int64
	for i := range views {
		v := &views[i]
		if v.APID != nil && !v.Deleted() && (!v.Hidden || v.HiddenForStaff) {
			ids = append(ids, v.ID)
		}
	}
	rows, err := s.store.RemoteAttachmentsByPosts(ctx, ids)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	on := s.RemoteMediaCacheOn()
	out := make(map[int64][]RemoteAttachmentView, len(ids))
	var evicted []int64
	for _, r := range rows {
		if on && r.State == models.RemoteMediaEvicted {
			evicted = append(evicted, r.ID)
		}
		v := RemoteAttachmentView{ID: r.ID, Kind: r.Kind, Name: r.Name, Origin: r.URL, Width: r.Width, Height: r.Height}
		if on && r.State == models.RemoteMediaCached && r.Width > 0 && r.Height > 0 {
			v.Local = "/media/remote/" + strconv.FormatInt(r.ID, 10)
			for _, w := range strings.Split(r.Variants, ",") {
				if n, err := strconv.Atoi(w); err == nil {
					v.Variants = append(v.Variants, n)
				}
			}
		}
		out[r.PostID] = append(out[r.PostID], v)
	}
	// An evicted copy is wanted again: the worker fetches it anew (this
	// view shows the link; the copy touches the thread when it is made,
	// so cached pages show it from then on). One statement, only on a
	// page that shows evicted images.
	if len(evicted) > 0 {
		if err := s.store.RequeueEvicted(ctx, evicted, s.now()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RemoteMediaFile is the local copy of remote attachment id, for serving
// (variant "" or a resized copy's name), if the viewer may see its post;
// ErrNotFound otherwise, and whenever it is not cached or the cache is off.
// Serving it counts as a use for eviction, written at most hourly.
func (s *Service) RemoteMediaFile(ctx context.Context, viewer *models.User, id int64) (*models.Upload, error) {
	if !s.RemoteMediaCacheOn() {
		return nil, ErrNotFound
	}
	r, err := s.store.RemoteAttachmentByID(ctx, id)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if r.State != models.RemoteMediaCached || r.Hash == "" {
		return nil, ErrNotFound
	}
	p, t, err := s.PostFor(ctx, viewer, r.PostID)
	if err != nil {
		return nil, err
	}
	if p.DeletedAt != nil || (p.HiddenAt != nil && !CanSeeHiddenText(viewer, t.CategoryID)) {
		return nil, ErrNotFound
	}
	now := s.now()
	if r.LastUsedAt == nil || r.LastUsedAt.Before(now.Add(-remoteMediaTouchEvery)) {
		if err := s.store.TouchRemoteAttachment(ctx, r.ID, now, now.Add(-remoteMediaTouchEvery)); err != nil {
			return nil, err
		}
	}
	u, err := s.store.UploadByHash(ctx, r.Hash)
	return u, mapNotFound(err)
}

// ClaimRemoteMedia claims images due for copying, for lease; none while
// the cache is off.
func (s *Service) ClaimRemoteMedia(ctx context.Context, lease time.Duration, limit int) ([]models.RemoteAttachment, error) {
	if !s.RemoteMediaCacheOn() {
		return nil, nil
	}
	return s.store.ClaimRemoteAttachments(ctx, s.now(), lease, limit)
}

// RemoteMediaFailed records a fetch that did not give a file: retry
// (network trouble, a 5xx) brings it back later until it has had its
// attempts; otherwise, or then, the page links to the origin for good.
func (s *Service) RemoteMediaFailed(ctx context.Context, r *models.RemoteAttachment, reason string, retry bool) error {
	fields := map[string]any{"state": models.RemoteMediaFailed, "last_error": reason, "updated_at": s.now()}
	if retry && r.Attempts < remoteMediaMaxAttempts {
		fields["state"] = models.RemoteMediaPending
		fields["next_at"] = s.now().Add(time.Duration(r.Attempts*r.Attempts) * time.Minute)
	}
	_, err := s.store.FinishRemoteAttachment(ctx, r.ID, r.ClaimedBy, fields)
	return err
}

// RemoteMediaFetched checks a fetched file as an upload is checked (type
// from content, images only, pixel bound before decoding, metadata
// stripped by re-encoding, variants made) and caches it; a refused file
// is recorded as failed and shown as a link. It reports whether the file
// was cached.
func (s *Service) RemoteMediaFetched(ctx context.Context, r *models.RemoteAttachment, data []byte) (bool, error) {
	if len(data) > RemoteMediaMaxBytes {
		return false, s.RemoteMediaFailed(ctx, r, fmt.Sprintf("larger than %s", humanBytes(RemoteMediaMaxBytes)), false)
	}
	if len(data) == 0 || !media.IsImage(media.Sniff(data)) {
		return false, s.RemoteMediaFailed(ctx, r, "not an image: "+media.Sniff(data), false)
	}
	p, err := media.Process(data, media.Limits{MaxPixels: s.cfg.UploadMaxPixels})
	var re *media.RejectError
	if errors.As(err, &re) {
		return false, s.RemoteMediaFailed(ctx, r, re.Msg, false)
	} else if err != nil {
		return false, err
	}
	post, err := s.store.PostByID(ctx, r.PostID)
	if err != nil {
		return false, mapNotFound(err)
	}
	widths := make([]string, len(p.Variants))
	size := int64(len(p.Data))
	for i, vr := range p.Variants {
		widths[i] = strconv.Itoa(vr.Width)
		size += int64(len(vr.Data))
	}
	now := s.now()
	// The uploads row first: its fresh last_used_at keeps the collector
	// off the files while they are written (as storeProcessed does).
	up := models.Upload{Hash: p.Hash, Size: int64(len(p.Data)), Mime: p.Mime, Width: p.Width, Height: p.Height,
		Variants: strings.Join(widths, ","), UploaderID: post.UserID}
	if err := s.store.SaveRemoteUpload(ctx, &up, now); err != nil {
		return false, err
	}
	for _, vr := range p.Variants {
		if err := s.blobs.Put(ctx, media.Key(p.Hash, media.VariantName(vr.Width)), bytes.NewReader(vr.Data), int64(len(vr.Data)), media.Sniff(vr.Data)); err != nil {
			return false, fmt.Errorf("store remote media variant: %w", err)
		}
	}
	if err := s.blobs.Put(ctx, media.Key(p.Hash, ""), bytes.NewReader(p.Data), int64(len(p.Data)), p.Mime); err != nil {
		return false, fmt.Errorf("store remote media: %w", err)
	}
	var won bool
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		won, err = s.store.FinishRemoteAttachment(ctx, r.ID, r.ClaimedBy, map[string]any{
			"state": models.RemoteMediaCached, "hash": p.Hash, "size": size, "width": p.Width, "height": p.Height,
			"last_used_at": now, "last_error": "", "updated_at": now,
		})
		if err != nil || !won {
			return err
		}
		// Cached pages show the image from now on.
		return s.store.TouchThread(ctx, post.ThreadID, now)
	})
	return won, err
}

// EvictRemoteMedia drops the least recently used copies until the cache
// holds at most --media-remote-cache-max bytes, and reports how many it
// dropped. The rows say what is cached, so every process sees one total;
// each row is taken by a conditional UPDATE, so processes evicting at
// once never double-count, and an entry served meanwhile stays. The
// files go with the media collector after its grace period.
func (s *Service) EvictRemoteMedia(ctx context.Context) (int, error) {
	total, err := s.store.CachedRemoteBytes(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for total > s.cfg.MediaRemoteCacheMax {
		rows, err := s.store.LeastUsedRemoteAttachments(ctx, 50)
		if err != nil || len(rows) == 0 {
			return n, err
		}
		progress := false
		for i := range rows {
			if total <= s.cfg.MediaRemoteCacheMax {
				break
			}
			r := &rows[i]
			won, err := s.store.EvictRemoteAttachment(ctx, r, s.now())
			if err != nil {
				return n, err
			}
			if !won {
				continue
			}
			total -= r.Size
			n++
			progress = true
			if p, err := s.store.PostByID(ctx, r.PostID); err == nil {
				if err := s.store.TouchThread(ctx, p.ThreadID, s.now()); err != nil {
					return n, err
				}
			}
		}
		if !progress {
			// Every candidate was used or evicted meanwhile by another
			// process; the next run sees the new total.
			return n, nil
		}
	}
	return n, nil
}

// minBody is the shortest text a remote Note may have: a picture posted
// without words (common on Mastodon) is a post all the same.
func (n RemoteNote) minBody() int {
	if len(n.Attachments) > 0 {
		return 0
	}
	return 1
}
