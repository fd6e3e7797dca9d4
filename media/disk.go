package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Disk keeps blobs as files under a directory, fanned out by the first
// two byte pairs of the hash (ab/cd/abcd…) so no directory grows huge.
type Disk struct{ dir string }

// NewDisk makes the directory if needed.
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("cannot create --media-dir %s: %w", dir, err)
	}
	return &Disk{dir: dir}, nil
}

// Name is the backend for logs.
func (d *Disk) Name() string { return "disk:" + d.dir }

func (d *Disk) path(key string) string {
	if len(key) < 4 {
		return filepath.Join(d.dir, filepath.Base(key))
	}
	return filepath.Join(d.dir, key[:2], key[2:4], filepath.Base(key))
}

// Put writes to a temporary file and renames it into place, so a reader
// (in this or another process) never sees half a file.
func (d *Disk) Put(_ context.Context, key string, r io.Reader, _ int64, _ string) error {
	p := d.path(key)
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".up-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// Open returns the file, which is an io.ReadSeekCloser.
func (d *Disk) Open(_ context.Context, key string) (io.ReadCloser, Stat, error) {
	f, err := os.Open(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Stat{}, ErrNotFound
	}
	if err != nil {
		return nil, Stat{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Stat{}, err
	}
	return f, Stat{Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Delete removes the file.
func (d *Disk) Delete(_ context.Context, key string) error {
	err := os.Remove(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
