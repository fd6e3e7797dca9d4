package forum

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"net/http"
	"strings"

	"github.com/hearth/hearth/models"
)

// The site's logo and favicon: checked like avatars (type sniffed from the
// bytes, never the name; size and dimensions bounded) and stored under
// content-hashed names in the database (site_files), so every process
// serves them and they can be cached forever. SVG is refused: an
// SVG can carry script, and these images are served from the forum's own
// origin.

// MaxSiteImageBytes caps a logo or favicon upload.
const MaxSiteImageBytes = 1 << 20

const maxSiteImagePixels = 4096

var siteImageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}

type siteImage struct {
	kind  string // "logo" or "favicon"
	ctype string // sniffed from the bytes
	ext   string
	data  []byte
}

// checkSiteImage validates an upload, adding a message for field to errs
// when it is refused.
func checkSiteImage(field string, data []byte, errs validation) *siteImage {
	fail := func(id string, kv ...any) *siteImage { errs.add(field, id, kv...); return nil }
	if len(data) == 0 {
		return fail("errors.images.missing")
	}
	if len(data) > MaxSiteImageBytes {
		return fail("errors.images.too_big", "Size", len(data)/1024, "Max", MaxSiteImageBytes/1024)
	}
	ctype := http.DetectContentType(data)
	ext, ok := siteImageTypes[ctype]
	if !ok {
		if looksLikeSVG(data) {
			return fail("errors.site_images.svg")
		}
		return fail("errors.site_images.type")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fail("errors.images.unreadable")
	}
	if cfg.Width > maxSiteImagePixels || cfg.Height > maxSiteImagePixels || cfg.Width < 1 || cfg.Height < 1 {
		return fail("errors.images.too_many_pixels", "Max", maxSiteImagePixels)
	}
	return &siteImage{kind: field, ctype: ctype, ext: ext, data: data}
}

// looksLikeSVG spots an SVG document, only to word the refusal.
func looksLikeSVG(data []byte) bool {
	head := strings.ToLower(string(data[:min(len(data), 1024)]))
	return strings.Contains(head, "<svg")
}

// storeSiteImage stores the image under its content hash and returns the
// name. Storing the same image twice gives the same name and one row.
func (s *Service) storeSiteImage(ctx context.Context, img *siteImage) (string, error) {
	sum := sha256.Sum256(img.data)
	name := img.kind + "-" + hex.EncodeToString(sum[:8]) + img.ext
	err := s.store.PutSiteFile(ctx, &models.SiteFile{Name: name, ContentType: img.ctype, Data: img.data, CreatedAt: s.now()})
	return name, err
}

// removeSiteImage deletes a replaced image unless a setting still uses it
// (the logo and favicon may be the same file). A failure only leaves an
// unused row behind.
func (s *Service) removeSiteImage(ctx context.Context, name string, inUse ...string) {
	if name == "" {
		return
	}
	for _, u := range inUse {
		if u == name {
			return
		}
	}
	_ = s.store.DeleteSiteFile(ctx, name)
}

// SiteFile is one stored logo or favicon, for serving; ErrNotFound when
// no such image is stored.
func (s *Service) SiteFile(ctx context.Context, name string) (*models.SiteFile, error) {
	f, err := s.store.SiteFileByName(ctx, name)
	return f, mapNotFound(err)
}
