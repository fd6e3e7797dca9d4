package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
	"github.com/hearth/hearth/server"
)

// BenchmarkStandalonePolls renders /polls (a page of 20) and one poll's
// page for a member following 50 fediverse accounts with 1,000 stored
// standalone polls between them.
func BenchmarkStandalonePolls(b *testing.B) {
	cfg := config.Defaults()
	cfg.URL = "http://forum.test"
	cfg.DataDir = b.TempDir()
	if err := cfg.Normalize(); err != nil {
		b.Fatal(err)
	}
	store := modelstest.Open(b)
	svc := forum.New(store, cfg)
	svc.BcryptCost = 4
	ctx := context.Background()
	u, err := svc.CreateUser(ctx, forum.SignUpInput{Username: "reader", Email: "reader@example.com", Password: "password123"}, models.RoleMember)
	if err != nil {
		b.Fatal(err)
	}
	var last int64
	for i := range 50 {
		apID := fmt.Sprintf("https://s%d.example/users/a", i)
		a, err := store.UpsertRemoteActor(ctx, &models.RemoteActor{APID: apID, Inbox: apID + "/inbox", PreferredUsername: "a", Domain: fmt.Sprintf("s%d.example", i)})
		if err != nil {
			b.Fatal(err)
		}
		if err := store.CreateFollowing(ctx, &models.Following{UserID: u.ID, RemoteActorID: a.ID, FollowActivityID: apID + "#f", Accepted: true}); err != nil {
			b.Fatal(err)
		}
		for j := range 20 {
			p, err := svc.StoreRemotePoll(ctx, a, forum.RemoteQuestion{APID: fmt.Sprintf("%s/statuses/%d", apID, j),
				Options: []string{"Yes", "No", "Maybe"}, Votes: []int{5, 3, 1}, Voters: 9}, 0, 0)
			if err != nil {
				b.Fatal(err)
			}
			last = p.ID
		}
	}
	sess, err := svc.StartSession(ctx, u.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	s, err := server.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	b.Run("list", func(b *testing.B) { benchGet(b, h, "/polls", sess) })
	b.Run("list/page10", func(b *testing.B) { benchGet(b, h, fmt.Sprintf("/polls?before=%d", last-200), sess) })
	b.Run("page/member", func(b *testing.B) { benchGet(b, h, fmt.Sprintf("/polls/%d", last), sess) })
	b.Run("page/anonymous", func(b *testing.B) { benchGet(b, h, fmt.Sprintf("/polls/%d", last), "") })
}
