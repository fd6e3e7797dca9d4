package forum_test

import (
	"testing"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
)

// BenchmarkThreadPageQuery measures the domain side of a 100-post thread
// page (queries and assembly, no HTML), first and last page side by side.
func BenchmarkThreadPageQuery(b *testing.B) {
	e := forumtest.New(b)
	e.Svc = forum.New(e.Store, withPerPage(e, 100))
	res, err := e.Svc.Seed(e.Ctx, forum.SeedOptions{Users: 50, Threads: 1, PostsPerThread: 10000, Category: "big"})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		page int
	}{{"first", 1}, {"last", 100}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				tp, err := e.Svc.ThreadPage(e.Ctx, nil, res.FirstThreadID, tc.page)
				if err != nil || len(tp.Posts) != 100 {
					b.Fatalf("page %d: %v", tc.page, err)
				}
			}
		})
	}
}

func withPerPage(e *forumtest.Env, n int) config.Config {
	c := e.Cfg
	c.PostsPerPage = n
	return c
}
