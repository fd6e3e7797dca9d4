// Package media keeps uploaded files: a content-addressed blob store (local
// disk or any S3-compatible object store) and the image processing that
// makes an upload safe to serve (type from content, metadata stripped,
// bounded decoding, resized variants).
//
// It sits beside forum/ and below server/ and federation/: it knows no
// database and no HTTP. forum/ holds the rules (who may upload how much,
// which post references which file) and records uploads in the database,
// so several Hearth processes share one store without a process-local
// index.
package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"time"
)

// ErrNotFound is returned for a key the store does not hold.
var ErrNotFound = errors.New("media: not found")

// Blobs is where file bytes live, under keys made by Key. Writing a key
// that exists already is a no-op (the content is the same: the key is its
// hash), which is how one file is kept once however often it is uploaded.
type Blobs interface {
	// Put stores size bytes from r under key unless key exists already.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open returns the bytes of key; the caller closes them.
	Open(ctx context.Context, key string) (io.ReadCloser, Stat, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Name says which backend this is, for logs (never credentials).
	Name() string
}

// Stat is what a store knows about a blob.
type Stat struct {
	Size    int64
	ModTime time.Time
}

// ReadSeekCloser is what the disk store's Open returns, so the web layer
// can serve ranges straight from the file.
type ReadSeekCloser interface {
	io.ReadSeekCloser
}

var (
	hashRe    = regexp.MustCompile(`^[0-9a-f]{64}$`)
	variantRe = regexp.MustCompile(`^w[0-9]{2,4}$`)
)

// ValidHash reports whether h is a lower-case hex SHA-256.
func ValidHash(h string) bool { return hashRe.MatchString(h) }

// ValidVariant reports whether v names a resized variant ("w400").
func ValidVariant(v string) bool { return variantRe.MatchString(v) }

// Key is the store key of a file (variant "") or of one of its variants.
func Key(hash, variant string) string {
	if variant == "" {
		return hash
	}
	return hash + "_" + variant
}

// VariantName is the variant name of a width.
func VariantName(width int) string { return fmt.Sprintf("w%d", width) }

// Credentials for an S3 store; they come from the environment
// (HEARTH_MEDIA_S3_ACCESS_KEY / HEARTH_MEDIA_S3_SECRET_KEY), never from the
// URL, so they do not end up in logs or process listings.
type Credentials struct {
	AccessKey, SecretKey string
}

// Open picks the backend: an S3 store when s3URL is set
// (s3://bucket?region=…&endpoint=host:port&insecure=1&path_style=1),
// otherwise files under dir.
func Open(ctx context.Context, dir, s3URL string, creds Credentials) (Blobs, error) {
	if s3URL == "" {
		return NewDisk(filepath.Clean(dir))
	}
	u, err := url.Parse(s3URL)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("--media-s3-url must look like s3://bucket?region=REGION&endpoint=HOST (credentials go in HEARTH_MEDIA_S3_ACCESS_KEY and HEARTH_MEDIA_S3_SECRET_KEY)")
	}
	return NewS3(ctx, u, creds)
}
