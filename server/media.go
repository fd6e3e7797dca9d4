package server

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/media"
	"github.com/hearth/hearth/models"
)

// Uploads and the media they become (issue 14). The domain rules and the
// store are forum's and media's; this file only moves bytes over HTTP.

// uploadPaths are the routes that take a file: only they get a body
// limit sized for one (every other request keeps 2 MB).
var uploadPaths = regexp.MustCompile(`^/(api/v1/uploads|t/[0-9]+/reply|new|c/[^/]+/new)$`)

// bodyLimit bounds every request body: 2 MB, or for a multipart post to an
// upload route twice the upload limit plus room for the text, so a file
// just over the limit still arrives and is refused with the text kept.
func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	small := int64(2 << 20)
	big := 2*s.cfg.UploadMaxBytes + 1<<20
	return func(c echo.Context) error {
		r := c.Request()
		limit := small
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") && uploadPaths.MatchString(r.URL.Path) {
			limit = big
		}
		if r.ContentLength > limit {
			return echo.ErrStatusRequestEntityTooLarge
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		return next(c)
	}
}

// readFilePart reads the file part named "file", if the request has one.
func readFilePart(c echo.Context) (*multipart.FileHeader, []byte, error) {
	if !strings.HasPrefix(c.Request().Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil, nil
	}
	fh, err := c.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil, nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, nil, echo.ErrStatusRequestEntityTooLarge
	}
	if err != nil {
		return nil, nil, forum.Invalid("file", "errors.server.file_unreadable")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	return fh, data, err
}

// apiUpload is POST /api/v1/uploads: multipart "file" and optional "alt".
func (s *Server) apiUpload(c echo.Context) error {
	fh, data, err := readFilePart(c)
	if err != nil {
		return err
	}
	if fh == nil {
		return forum.Invalid("file", "errors.server.multipart_field")
	}
	res, err := s.forum.Upload(c.Request().Context(), viewer(c), forum.UploadInput{Data: data, Name: fh.Filename, Alt: c.FormValue("alt")})
	if err != nil {
		return err
	}
	out := map[string]any{"id": res.Upload.Hash, "url": res.URL, "markdown": res.Markdown, "mime": res.Upload.Mime, "size": res.Upload.Size}
	if res.Upload.Width > 0 {
		out["width"], out["height"] = res.Upload.Width, res.Upload.Height
	}
	return c.JSON(http.StatusCreated, out)
}

// attachFromForm stores a file sent with a reply or new-thread form and
// returns the body with the file's Markdown appended; without a file the
// body is returned as it is. A refusal comes back as a ValidationError on
// "file" with the status to answer (413 or 422).
func (s *Server) attachFromForm(c echo.Context, body string) (string, int, error) {
	fh, data, err := readFilePart(c)
	if err != nil {
		if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
			return body, http.StatusRequestEntityTooLarge, forum.Invalid("file", "errors.server.over_upload_limit")
		}
		return body, http.StatusUnprocessableEntity, err
	}
	if fh == nil {
		return body, 0, nil
	}
	res, err := s.forum.Upload(c.Request().Context(), viewer(c), forum.UploadInput{Data: data, Name: fh.Filename, Alt: c.FormValue("alt")})
	var tl *forum.TooLargeError
	switch {
	case errors.As(err, &tl):
		return body, http.StatusRequestEntityTooLarge, forum.InvalidMsg("file", tl.Msg)
	case err != nil:
		return body, http.StatusUnprocessableEntity, err
	}
	if strings.TrimSpace(body) == "" {
		return res.Markdown, 0, nil
	}
	return strings.TrimRight(body, " \r\n") + "\n\n" + res.Markdown, 0, nil
}

// mediaInfo caches what serving needs of an upload. An upload's row never
// changes (the hash is the content), so a cached entry cannot go stale; a
// collected file is simply no longer found in the store, and its entry is
// dropped then. Bounded: past mediaCacheMax entries the map starts over.
type mediaInfo struct {
	mu sync.Mutex
	m  map[string]*models.Upload
}

const mediaCacheMax = 10000

func (mi *mediaInfo) get(ctx context.Context, f *forum.Service, hash string) (*models.Upload, error) {
	mi.mu.Lock()
	u := mi.m[hash]
	mi.mu.Unlock()
	if u != nil {
		return u, nil
	}
	u, err := f.UploadInfo(ctx, hash)
	if err != nil {
		return nil, err
	}
	mi.mu.Lock()
	if mi.m == nil || len(mi.m) >= mediaCacheMax {
		mi.m = make(map[string]*models.Upload)
	}
	mi.m[hash] = u
	mi.mu.Unlock()
	return u, nil
}

func (mi *mediaInfo) drop(hash string) {
	mi.mu.Lock()
	delete(mi.m, hash)
	mi.mu.Unlock()
}

// serveMedia is GET /media/{hash}[/{variant}]: immutable, so cached for a
// year and answered 304 on a matching If-None-Match without touching the
// store. Images are shown inline; everything else is a download, never
// rendered by the browser (Content-Disposition: attachment, nosniff, and
// a CSP sandbox in case a browser ignores both).
func (s *Server) serveMedia(c echo.Context) error {
	hash, variant := c.Param("hash"), c.Param("variant")
	if !media.ValidHash(hash) || (variant != "" && !media.ValidVariant(variant)) {
		return forum.ErrNotFound
	}
	h := c.Response().Header()
	etag := `"` + hash + variant + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	ctx := c.Request().Context()
	u, err := s.media.get(ctx, s.forum, hash)
	if err != nil {
		return err
	}
	if variant != "" && !forum.HasVariant(u, variant) {
		return forum.ErrNotFound
	}
	return s.sendBlob(c, u, variant)
}

// serveRemoteMedia is GET /media/remote/{id}[/{variant}]: the local copy
// of an image attached to a post from the fediverse, to viewers who may
// see that post (forum.RemoteMediaFile applies the visibility rule, and
// says 404 while the copy is not made, after eviction and with
// --media-remote-cache off). The browser never learns the origin's URL
// from here. Cached privately for a day: an id's copy may be evicted
// and fetched again, and its post may be in a private category.
func (s *Server) serveRemoteMedia(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	variant := c.Param("variant")
	if variant != "" && !media.ValidVariant(variant) {
		return forum.ErrNotFound
	}
	u, err := s.forum.RemoteMediaFile(c.Request().Context(), viewer(c), id)
	if err != nil {
		return err
	}
	if variant != "" && !forum.HasVariant(u, variant) {
		return forum.ErrNotFound
	}
	h := c.Response().Header()
	etag := `"` + u.Hash + variant + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return s.sendBlob(c, u, variant)
}

// sendBlob writes the bytes of upload u (or its variant) from the store,
// with ranges when the store can seek.
func (s *Server) sendBlob(c echo.Context, u *models.Upload, variant string) error {
	ctx, hash, h := c.Request().Context(), u.Hash, c.Response().Header()
	blobs, err := s.forum.Media()
	if err != nil {
		return err
	}
	rc, st, err := blobs.Open(ctx, media.Key(hash, variant))
	if errors.Is(err, media.ErrNotFound) {
		s.media.drop(hash)
		return forum.ErrNotFound
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	ctype := u.Mime
	if variant != "" {
		ctype = "image/jpeg"
		if u.Mime != "image/jpeg" {
			ctype = "" // PNG for images with transparency: sniffed below
		}
	}
	rs, seekable := rc.(io.ReadSeeker)
	if ctype == "" && seekable {
		head := make([]byte, 512)
		n, _ := io.ReadFull(rs, head)
		ctype = http.DetectContentType(head[:n])
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return err
		}
	}
	h.Set("Content-Type", ctype)
	if !media.IsImage(u.Mime) {
		h.Set("Content-Disposition", `attachment; filename="`+hash[:16]+extFor(u.Mime)+`"`)
	}
	modified := u.CreatedAt
	if seekable {
		http.ServeContent(c.Response(), c.Request(), "", modified, rs)
		return nil
	}
	h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.FormatInt(st.Size, 10))
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(c.Response(), rc)
	return err
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func extFor(mime string) string {
	switch mime {
	case "application/pdf":
		return ".pdf"
	case "text/plain":
		return ".txt"
	}
	return ""
}
