package server_test

import (
	"fmt"
	"image/color"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/server"
)

// remoteImagesBench builds two threads of 100 posts (one local start, 99
// remote replies) on a server with 100 posts a page: plain has no
// attachments, pics has 20 replies with one cached image each.
func remoteImagesBench(b *testing.B) (http.Handler, string, string, string) {
	b.Helper()
	env := forumtest.New(b)
	env.Cfg.PostsPerPage = 100
	svc := forum.New(env.Store, env.Cfg)
	env.Svc = svc
	env.Category("general")
	alice := env.User("alice", models.RoleMember)
	rin := env.RemoteUser("rin", "remote.example")
	n := 0
	thread := func(images int) string {
		t, first := env.Thread(alice, "general", fmt.Sprintf("Thread with %d images", images), "Post yours.")
		for i := range 99 {
			n++
			var atts []forum.RemoteAttachmentIn
			if i%5 == 0 && i/5 < images {
				atts = []forum.RemoteAttachmentIn{{Type: "Document", MediaType: "image/png", URL: fmt.Sprintf("https://remote.example/m/%d.png", n), Name: fmt.Sprintf("Picture %d", n)}}
			}
			remoteReply(b, env, rin, t.ID, first.ID, n, atts)
		}
		return fmt.Sprintf("/t/%d", t.ID)
	}
	plain, pics := thread(0), thread(20)
	cacheRemoteImages(b, env, func(i int) []byte { return squarePNG(b, color.RGBA{uint8(i * 10), 100, 0, 255}) })
	s, err := server.New(env.Cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	session, err := svc.StartSession(env.Ctx, alice.ID, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler(), session, plain, pics
}
