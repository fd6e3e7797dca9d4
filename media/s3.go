package media

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 keeps blobs in a bucket of any S3-compatible store (AWS, MinIO,
// Garage, R2…), so every Hearth process behind a load balancer sees the
// same files. minio-go was chosen over the AWS SDK: one module with few
// dependencies, and it speaks to every S3-compatible server.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
	name   string
}

// NewS3 connects to s3://bucket/prefix?region=…&endpoint=host:port; query
// insecure=1 uses http (local MinIO, tests), path_style=1 forces
// path-style addressing (most self-hosted stores need it).
func NewS3(ctx context.Context, u *url.URL, creds Credentials) (*S3, error) {
	q := u.Query()
	endpoint := q.Get("endpoint")
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	endpoint = strings.TrimPrefix(strings.TrimPrefix(endpoint, "https://"), "http://")
	opts := &minio.Options{
		Creds:  credentials.NewStaticV4(creds.AccessKey, creds.SecretKey, ""),
		Secure: q.Get("insecure") != "1",
		Region: q.Get("region"),
	}
	if q.Get("path_style") == "1" {
		opts.BucketLookup = minio.BucketLookupPath
	}
	c, err := minio.New(endpoint, opts)
	if err != nil {
		return nil, fmt.Errorf("--media-s3-url: %w", err)
	}
	s := &S3{client: c, bucket: u.Host, prefix: strings.Trim(u.Path, "/"), name: "s3:" + u.Host + "@" + endpoint}
	if s.prefix != "" {
		s.prefix += "/"
	}
	ok, err := c.BucketExists(ctx, s.bucket)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the media bucket %s at %s: %w (check --media-s3-url and HEARTH_MEDIA_S3_ACCESS_KEY/SECRET_KEY)", s.bucket, endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("the media bucket %s does not exist at %s; create it first", s.bucket, endpoint)
	}
	return s, nil
}

// Name is the backend for logs: bucket and endpoint, no credentials.
func (s *S3) Name() string { return s.name }

// Put uploads unless the object exists already.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if _, err := s.client.StatObject(ctx, s.bucket, s.prefix+key, minio.StatObjectOptions{}); err == nil {
		return nil
	}
	_, err := s.client.PutObject(ctx, s.bucket, s.prefix+key, r, size, minio.PutObjectOptions{ContentType: contentType})
	return err
}

// Open streams the object.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, Stat, error) {
	st, err := s.client.StatObject(ctx, s.bucket, s.prefix+key, minio.StatObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, Stat{}, ErrNotFound
		}
		return nil, Stat{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.prefix+key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Stat{}, err
	}
	return obj, Stat{Size: st.Size, ModTime: st.LastModified}, nil
}

// Delete removes the object.
func (s *S3) Delete(ctx context.Context, key string) error {
	return s.client.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{})
}
