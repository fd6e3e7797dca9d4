package static_test

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"strings"
	"testing"

	"github.com/hearth/hearth/static"
)

// TestJavaScriptBudget: all of Hearth's scripts together stay under 15 KB
// compressed (issue 15, "How it must be built"): JavaScript only enhances
// server-rendered pages, so a page never needs much of it.
func TestJavaScriptBudget(t *testing.T) {
	const budget = 15 * 1024
	total := 0
	err := fs.WalkDir(static.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".js") {
			return err
		}
		b, err := fs.ReadFile(static.FS, path)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(b)
		w.Close()
		t.Logf("%s: %d bytes, %d gzipped", path, len(b), buf.Len())
		total += buf.Len()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || total > budget {
		t.Errorf("the scripts weigh %d bytes gzipped, budget %d", total, budget)
	}
}
