package forum_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/forum/forumtest"
	"github.com/hearth/hearth/models"
)

func jpegOf(w, h int, shade uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), shade, uint8(y), 255})
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, nil)
	return buf.Bytes()
}

func refs(t *testing.T, e *forumtest.Env, postID int64) []string {
	t.Helper()
	ups, err := e.Store.PostUploads(e.Ctx, postID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range ups {
		out = append(out, u.Hash)
	}
	return out
}

func TestPostUploadReferencesAndCollection(t *testing.T) {
	e := forumtest.New(t)
	now := e.Svc.Now()
	e.Svc.SetClock(func() time.Time { return now })
	ann := e.User("ann", models.RoleMember)
	e.Category("bread")
	blobs, _ := e.Svc.Media()

	kept, err := e.Svc.Upload(e.Ctx, ann, forum.UploadInput{Data: jpegOf(500, 300, 1), Alt: "loaf"})
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := e.Svc.Upload(e.Ctx, ann, forum.UploadInput{Data: jpegOf(100, 100, 2)})
	if err != nil {
		t.Fatal(err)
	}
	never, err := e.Svc.Upload(e.Ctx, ann, forum.UploadInput{Data: jpegOf(120, 100, 3)})
	if err != nil {
		t.Fatal(err)
	}
	// A post waiting for approval has no id to reference its file by;
	// its body keeps the file while it waits.
	waiting, err := e.Svc.Upload(e.Ctx, ann, forum.UploadInput{Data: jpegOf(130, 100, 4)})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.CreateHeldPost(e.Ctx, &models.HeldPost{UserID: ann.ID, ThreadID: 1, Body: "held " + waiting.Markdown,
		State: models.HeldPending, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	_, first := e.Thread(ann, "bread", "Crumb", "Look:\n\n"+kept.Markdown)
	if got := refs(t, e, first.ID); len(got) != 1 || got[0] != kept.Upload.Hash {
		t.Fatalf("thread refs %v", got)
	}
	if !strings.Contains(first.HTML, `width="500"`) || !strings.Contains(first.HTML, `/w400 400w`) || !strings.Contains(first.HTML, `loading="lazy"`) {
		t.Fatalf("rendered %s", first.HTML)
	}
	reply := e.Reply(ann, first.ThreadID, "And this "+dropped.Markdown)
	if got := refs(t, e, reply.ID); len(got) != 1 || got[0] != dropped.Upload.Hash {
		t.Fatalf("reply refs %v", got)
	}

	// Inside the grace period nothing goes, referenced or not.
	e.Svc.SetClock(func() time.Time { return now.Add(time.Hour) })
	if n, err := e.Svc.CollectMedia(e.Ctx); err != nil || n != 0 {
		t.Fatalf("within grace collected %d (%v)", n, err)
	}
	// Deleting the reply drops its reference; editing the first post to
	// mention the file again would keep it.
	if err := e.Svc.DeletePost(e.Ctx, ann, reply.ID); err != nil {
		t.Fatal(err)
	}
	if got := refs(t, e, reply.ID); len(got) != 0 {
		t.Fatalf("deleted post keeps refs %v", got)
	}
	e.Svc.SetClock(func() time.Time { return now.Add(25 * time.Hour) })
	n, err := e.Svc.CollectMedia(e.Ctx)
	if err != nil || n != 2 {
		t.Fatalf("after grace collected %d (%v), want 2", n, err)
	}
	for _, gone := range []string{dropped.Upload.Hash, never.Upload.Hash} {
		if _, err := e.Store.UploadByHash(e.Ctx, gone); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("row %s survived: %v", gone, err)
		}
		if _, _, err := blobs.Open(e.Ctx, gone); err == nil {
			t.Errorf("file %s survived", gone)
		}
	}
	if _, _, err := blobs.Open(e.Ctx, kept.Upload.Hash); err != nil {
		t.Fatalf("a referenced file was collected: %v", err)
	}
	if _, _, err := blobs.Open(e.Ctx, waiting.Upload.Hash); err != nil {
		t.Fatalf("a held post's file was collected: %v", err)
	}
	if _, _, err := blobs.Open(e.Ctx, kept.Upload.Hash+"_w400"); err != nil {
		t.Fatalf("a referenced file's variant was collected: %v", err)
	}
	// Editing the reference away, then collecting, removes the last file.
	if _, err := e.Svc.EditPost(e.Ctx, ann, first.ID, "No picture after all"); err != nil {
		t.Fatal(err)
	}
	e.Svc.SetClock(func() time.Time { return now.Add(50 * time.Hour) })
	if n, err := e.Svc.CollectMedia(e.Ctx); err != nil || n != 1 {
		t.Fatalf("after edit collected %d (%v), want 1", n, err)
	}
	if _, _, err := blobs.Open(e.Ctx, kept.Upload.Hash+"_w400"); err == nil {
		t.Fatal("a collected file's variant survived")
	}
}

// TestAvatarInMediaStore: a member's avatar is stored like an upload and
// kept by the collector while in use; the one it replaced is collected.
func TestAvatarInMediaStore(t *testing.T) {
	e := forumtest.New(t)
	now := e.Svc.Now()
	e.Svc.SetClock(func() time.Time { return now })
	ann := e.User("ann", models.RoleMember)
	if err := e.Svc.SetAvatar(e.Ctx, ann, jpegOf(64, 64, 1)); err != nil {
		t.Fatal(err)
	}
	first := forum.AvatarMediaHash(ann.AvatarFile)
	if first == "" {
		t.Fatalf("avatar_file %q", ann.AvatarFile)
	}
	if err := e.Svc.SetAvatar(e.Ctx, ann, jpegOf(64, 64, 200)); err != nil {
		t.Fatal(err)
	}
	second := forum.AvatarMediaHash(ann.AvatarFile)
	e.Svc.SetClock(func() time.Time { return now.Add(48 * time.Hour) })
	if n, err := e.Svc.CollectMedia(e.Ctx); err != nil || n != 1 {
		t.Fatalf("collected %d (%v), want the replaced avatar only", n, err)
	}
	blobs, _ := e.Svc.Media()
	if _, _, err := blobs.Open(e.Ctx, second); err != nil {
		t.Fatalf("the avatar in use was collected: %v", err)
	}
	if _, _, err := blobs.Open(e.Ctx, first); err == nil {
		t.Fatal("the replaced avatar survived")
	}
}
