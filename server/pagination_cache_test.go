package server

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/hearth/hearth/models"
)

// TestPaginationCacheMatchesThePartial: what paginate prints is what the
// pagination partial prints for the same thread, page, count, label and
// language, on the first call (rendered) and the second (from the cache),
// and no two keys share an entry: another thread, slug, page, count,
// label or language gets its own links.
func TestPaginationCacheMatchesThePartial(t *testing.T) {
	cat := testCatalog(t)
	r := testRenderer(t, cat)
	threads := []*models.Thread{{ID: 7, Slug: "seven"}, {ID: 8, Slug: "seven"}, {ID: 7, Slug: "renamed"}, {ID: 9}}
	seen := map[string]string{}
	for pass := 0; pass < 2; pass++ {
		for _, l := range cat.Langs() {
			for _, th := range threads {
				for _, pc := range [][2]int{{1, 1}, {1, 2}, {2, 2}, {1, 100}, {4, 100}, {50, 100}, {100, 100}} {
					for _, label := range []string{"Pages, top", "Pages, bottom"} {
						var want bytes.Buffer
						if err := r.set(l).parts.ExecuteTemplate(&want, "pagination", pagerArgs{Thread: th, Page: pc[0], Pages: pc[1], Label: label}); err != nil {
							t.Fatal(err)
						}
						got, err := r.pagination(l, th, pc[0], pc[1], label)
						if err != nil {
							t.Fatal(err)
						}
						key := fmt.Sprintf("%s %d %q %v %q", l.Code, th.ID, th.Slug, pc, label)
						if string(got) != want.String() {
							t.Fatalf("pass %d, %s:\n%s\nthe partial prints:\n%s", pass, key, got, want.String())
						}
						seen[key] = string(got)
					}
				}
			}
		}
	}
	// The partial itself tells the keys apart (else the comparison above
	// would prove nothing about collisions).
	if a, b := seen[`en 7 "seven" [4 100] "Pages, top"`], seen[`en 8 "seven" [4 100] "Pages, top"`]; a == b || !strings.Contains(a, "/t/7/seven?page=3") {
		t.Fatalf("threads 7 and 8 print alike:\n%s", a)
	}
	if a, b := seen[`en 7 "seven" [4 100] "Pages, top"`], seen[`de 7 "seven" [4 100] "Pages, top"`]; a == b {
		t.Fatal("English and German print alike")
	}
}
