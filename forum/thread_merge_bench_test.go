package forum_test

import (
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

// BenchmarkMergeThreads merges a 1,000-post thread into another of 1,000
// posts, where each of 500 members has a read mark on both threads and
// a bookmark on the source: the renumbering plus carrying their state
// (read marks, levels, bookmarks) in one transaction.
func BenchmarkMergeThreads(b *testing.B) {
	e := forumtest.New(b)
	mod := e.User("moddy", models.RoleModerator)
	res, err := e.Svc.Seed(e.Ctx, forum.SeedOptions{Users: 500, Threads: 2 * b.N, PostsPerThread: 1000, Category: "big"})
	if err != nil {
		b.Fatal(err)
	}
	var users []int64
	if err := e.Store.DB(e.Ctx).Model(&models.User{}).Where("id <> ?", mod.ID).Order("id DESC").Limit(500).Pluck("id", &users).Error; err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for i := 0; i < 2*b.N; i++ {
		th := res.FirstThreadID + int64(i)
		for j, u := range users {
			if err := e.Store.MarkThreadRead(e.Ctx, u, th, 1+(j*7)%1000, now); err != nil {
				b.Fatal(err)
			}
			if i%2 == 1 {
				if err := e.Store.DB(e.Ctx).Create(&models.Bookmark{UserID: u, ThreadID: th, CreatedAt: now}).Error; err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		into := res.FirstThreadID + int64(2*i)
		if err := e.Svc.MergeThreads(e.Ctx, mod, into+1, into, "duplicate"); err != nil {
			b.Fatal(err)
		}
	}
}
