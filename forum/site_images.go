package forum

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// The site's logo and favicon: checked like avatars (type sniffed from the
// bytes, never the name; size and dimensions bounded) and stored under
// content-hashed names, so they can be cached forever. SVG is refused: an
// SVG can carry script, and these images are served from the forum's own
// origin.

// MaxSiteImageBytes caps a logo or favicon upload.
const MaxSiteImageBytes = 1 << 20

const maxSiteImagePixels = 4096

var siteImageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}

type siteImage struct {
	kind string // "logo" or "favicon"
	ext  string
	data []byte
}

// SiteFileDir is where the logo and favicon live.
func (s *Service) SiteFileDir() string { return filepath.Join(s.cfg.DataDir, "site") }

// checkSiteImage validates an upload, adding a message for field to errs
// when it is refused.
func checkSiteImage(field string, data []byte, errs map[string]string) *siteImage {
	fail := func(msg string) *siteImage { errs[field] = msg; return nil }
	if len(data) == 0 {
		return fail("choose an image file")
	}
	if len(data) > MaxSiteImageBytes {
		return fail(fmt.Sprintf("the image is %d KB; the limit is %d KB", len(data)/1024, MaxSiteImageBytes/1024))
	}
	ext, ok := siteImageTypes[http.DetectContentType(data)]
	if !ok {
		if looksLikeSVG(data) {
			return fail("SVG images are not accepted (they can carry scripts); use a PNG, JPEG or WebP image")
		}
		return fail("use a PNG, JPEG or WebP image")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fail("the image could not be read; it may be damaged")
	}
	if cfg.Width > maxSiteImagePixels || cfg.Height > maxSiteImagePixels || cfg.Width < 1 || cfg.Height < 1 {
		return fail(fmt.Sprintf("use an image at most %d×%d pixels", maxSiteImagePixels, maxSiteImagePixels))
	}
	return &siteImage{kind: field, ext: ext, data: data}
}

// looksLikeSVG spots an SVG document, only to word the refusal.
func looksLikeSVG(data []byte) bool {
	head := strings.ToLower(string(data[:min(len(data), 1024)]))
	return strings.Contains(head, "<svg")
}

// storeSiteImage writes the image under its content hash and returns the
// file name. Writing the same image twice gives the same name.
func (s *Service) storeSiteImage(img *siteImage) (string, error) {
	sum := sha256.Sum256(img.data)
	name := img.kind + "-" + hex.EncodeToString(sum[:8]) + img.ext
	dir := s.SiteFileDir()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, name+".tmp")
	if err := os.WriteFile(tmp, img.data, 0o640); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return "", err
	}
	return name, nil
}

// removeSiteImage deletes a replaced image unless a setting still uses it
// (the logo and favicon may be the same file).
func (s *Service) removeSiteImage(name string, inUse ...string) {
	if name == "" {
		return
	}
	for _, u := range inUse {
		if u == name {
			return
		}
	}
	_ = os.Remove(filepath.Join(s.SiteFileDir(), filepath.Base(name)))
}
