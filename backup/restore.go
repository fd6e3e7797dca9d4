package backup

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxManifest bounds the manifest read into memory.
const maxManifest = 64 << 20

// Restore unpacks a backup: the database to dbPath and the data files into
// dataDir. Both must be absent or empty, so a restore never overwrites a
// forum. Files are unpacked into a staging directory and moved into place
// only when every checksum matches the manifest; a damaged or incomplete
// archive leaves nothing behind.
func Restore(r io.Reader, dbPath, dataDir string) (*Manifest, error) {
	if err := mustBeEmpty(dataDir, dbPath); err != nil {
		return nil, err
	}
	parent := filepath.Dir(filepath.Clean(dataDir))
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(parent, ".hearth-restore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a hearth backup (gzip): %w", err)
	}
	tr := tar.NewReader(gz)
	got := map[string]File{}
	var m *Manifest
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read the backup: %w", err)
		}
		if m != nil {
			return nil, fmt.Errorf("the backup has entries after its manifest")
		}
		if h.Name == ManifestFile {
			m = &Manifest{}
			if err := json.NewDecoder(io.LimitReader(tr, maxManifest)).Decode(m); err != nil {
				return nil, fmt.Errorf("read the manifest: %w", err)
			}
			continue
		}
		if h.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("the backup holds %s, which is not a regular file", h.Name)
		}
		clean := path.Clean(h.Name)
		if clean != h.Name || path.IsAbs(clean) || strings.HasPrefix(clean, "../") || clean == ".." ||
			(clean != DatabaseFile && !strings.HasPrefix(clean, "data/")) {
			return nil, fmt.Errorf("the backup names a file outside the forum: %q", h.Name)
		}
		dst := filepath.Join(stage, filepath.FromSlash(clean))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		hash := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, hash), tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("unpack %s: %w", clean, err)
		}
		got[clean] = File{Path: clean, Size: n, SHA256: hex.EncodeToString(hash.Sum(nil))}
	}
	if m == nil {
		return nil, fmt.Errorf("the backup has no manifest: it is incomplete (was it cut short?)")
	}
	if m.Format != Format {
		return nil, fmt.Errorf("the backup's format is %q; this hearth restores %q", m.Format, Format)
	}
	for _, want := range m.Files {
		have, ok := got[want.Path]
		if !ok {
			return nil, fmt.Errorf("the backup lacks %s, which its manifest lists", want.Path)
		}
		if have != want {
			return nil, fmt.Errorf("%s does not match its checksum in the manifest: the backup is damaged", want.Path)
		}
		delete(got, want.Path)
	}
	for p := range got {
		return nil, fmt.Errorf("the backup holds %s, which its manifest does not list", p)
	}
	// Everything checked: move into place.
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
		return nil, err
	}
	if err := moveInto(filepath.Join(stage, "data"), dataDir); err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(stage, DatabaseFile), dbPath); err != nil {
		return nil, err
	}
	return m, nil
}

// mustBeEmpty refuses a data directory with files in it or an existing
// database file.
func mustBeEmpty(dataDir, dbPath string) error {
	entries, err := os.ReadDir(dataDir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("the data directory %s is not empty; restore only into an empty one, so no forum is overwritten", dataDir)
	}
	if _, err := os.Stat(dbPath); err == nil {
		return fmt.Errorf("the database %s exists; restore only where there is none, so no forum is overwritten", dbPath)
	}
	return nil
}

// moveInto moves the staged data files into dataDir (absent or empty).
func moveInto(staged, dataDir string) error {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return err
	}
	entries, err := os.ReadDir(staged)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(staged, e.Name()), filepath.Join(dataDir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
