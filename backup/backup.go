// Package backup writes and restores a SQLite forum's backup: one tar.gz
// holding a consistent copy of the database (VACUUM INTO, taken while the
// forum serves), every other file of the data directory (avatars, media,
// anything an operator keeps there), and, last, a manifest with each
// file's size and SHA-256. The instance's secrets (actor keys, signing
// secrets) live in the database and travel with it.
//
// PostgreSQL forums are backed up with pg_dump/pg_restore, which this
// package does not reimplement (docs/OPERATIONS.md).
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Format names the archive layout; restore refuses any other.
const Format = "hearth-backup/1"

// DatabaseFile is the database's name inside the archive.
const DatabaseFile = "hearth.db"

// ManifestFile is the archive's last entry.
const ManifestFile = "manifest.json"

// File is one archived file.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest describes a backup.
type Manifest struct {
	Format        string    `json:"format"`
	CreatedAt     time.Time `json:"created_at"`
	HearthVersion string    `json:"hearth_version"`
	Files         []File    `json:"files"`
}

// Write backs up the SQLite database db (whose file is dbPath) and the
// other files of dataDir into out. The database copy is VACUUM INTO a
// temporary file beside out's final place (tmpDir), one read transaction,
// so writers carry on and the copy is consistent.
func Write(ctx context.Context, db *sql.DB, dbPath, dataDir, tmpDir, version string, now time.Time, out io.Writer) (*Manifest, error) {
	snap, err := os.MkdirTemp(tmpDir, ".hearth-backup-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(snap)
	copyPath := filepath.Join(snap, DatabaseFile)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", copyPath); err != nil {
		return nil, fmt.Errorf("copy the database: %w", err)
	}
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	m := &Manifest{Format: Format, CreatedAt: now.UTC(), HearthVersion: version}
	add := func(name, src string) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(f, st.Size()))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if n != st.Size() {
			return fmt.Errorf("%s shrank while it was copied", name)
		}
		m.Files = append(m.Files, File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	}
	if err := add(DatabaseFile, copyPath); err != nil {
		return nil, err
	}
	skip := databaseFiles(dbPath)
	if dataDir != "" {
		err := filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			abs, _ := filepath.Abs(p)
			if skip[abs] || (d.IsDir() && strings.HasPrefix(d.Name(), ".hearth-backup-")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(dataDir, p)
			if err != nil {
				return err
			}
			return add("data/"+filepath.ToSlash(rel), p)
		})
		if err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("copy the data directory: %w", err)
		}
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestFile, Mode: 0o600, Size: int64(len(body)), ModTime: now, Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(body); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return m, gz.Close()
}

// databaseFiles are the live database's files, which the snapshot
// replaces in the archive.
func databaseFiles(dbPath string) map[string]bool {
	abs, _ := filepath.Abs(dbPath)
	out := map[string]bool{}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		out[abs+suffix] = true
	}
	return out
}
