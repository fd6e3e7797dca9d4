package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// BenchmarkPollThreadPage renders the first page (100 posts) of a thread
// whose first post has a 5-option poll with 1,000 votes: for a visitor,
// for a member who has not voted (the form) and one who has (the bars),
// beside a thread of the same size without a poll.
func BenchmarkPollThreadPage(b *testing.B) {
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = b.TempDir()
	cfg.PostsPerPage = 100
	if err := cfg.Normalize(); err != nil {
		b.Fatal(err)
	}
	store := modelstest.Open(b)
	svc := forum.New(store, cfg)
	svc.BcryptCost = 4
	ctx := context.Background()
	seeded, err := svc.Seed(ctx, forum.SeedOptions{Users: 1000, Threads: 2, PostsPerThread: 100, Category: "polls"})
	if err != nil {
		b.Fatal(err)
	}
	t, err := store.ThreadByID(ctx, seeded.FirstThreadID)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	closes := now.Add(24 * time.Hour)
	poll := &models.Poll{PostID: &t.FirstPostID, ThreadID: &t.ID, ClosesAt: &closes, CreatedAt: now, UpdatedAt: now}
	if err := store.CreatePoll(ctx, poll, []string{"One", "Two", "Three", "Four", "Five"}); err != nil {
		b.Fatal(err)
	}
	for uid := int64(1); uid <= 1000; uid++ {
		if _, err := store.AddPollVoter(ctx, poll.ID, uid, now); err != nil {
			b.Fatal(err)
		}
		if _, err := store.AddPollVote(ctx, poll.ID, uid, int(uid%5), now); err != nil {
			b.Fatal(err)
		}
	}
	session := func(name string, vote bool) string {
		u, err := svc.CreateUser(ctx, forum.SignUpInput{Username: name, Email: name + "@example.com", Password: "password123"}, models.RoleMember)
		if err != nil {
			b.Fatal(err)
		}
		if vote {
			if _, err := svc.Vote(ctx, u, poll.ID, []int{2}); err != nil {
				b.Fatal(err)
			}
		}
		s, err := svc.StartSession(ctx, u.ID, "127.0.0.1", "bench")
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	notVoted, voted := session("undecided", false), session("voter", true)
	s, err := server.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	h, path := s.Handler(), fmt.Sprintf("/t/%d", t.ID)
	b.Run("anonymous", func(b *testing.B) { benchGet(b, h, path, "") })
	b.Run("member/not-voted", func(b *testing.B) { benchGet(b, h, path, notVoted) })
	b.Run("member/voted", func(b *testing.B) { benchGet(b, h, path, voted) })
	// The same kind of page without a poll, for comparison.
	b.Run("member/no-poll", func(b *testing.B) { benchGet(b, h, fmt.Sprintf("/t/%d", t.ID+1), voted) })
}
