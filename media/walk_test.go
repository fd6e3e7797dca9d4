package media

import (
	"io/fs"
	"path/filepath"
	"testing"
)

func walk(t *testing.T, dir string, file func()) {
	t.Helper()
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			file()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
