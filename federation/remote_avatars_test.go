package federation

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func testPNG(t *testing.T, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < 64; i++ {
		img.Set(i%8, i/8, c)
	}
	var buf bytes.Buffer
	must(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// TestRemoteAvatarCopied: a remote author's avatar is fetched into the
// local avatar store when first seen, replaced when an Update{Person}
// names a new icon, and dropped (initial-letter avatar) when the new icon
// cannot be fetched or is not an image.
func TestRemoteAvatarCopied(t *testing.T) {
	s := newDoubleScene(t, mastodonFlavor{}, "hearth.test", true)
	h, d, ctx := s.h, s.d, context.Background()
	red, blue := testPNG(t, color.RGBA{255, 0, 0, 255}), testPNG(t, color.RGBA{0, 0, 255, 255})
	d.mu.Lock()
	d.files = map[string][]byte{"/avatars/rin.png": red, "/avatars/blue.png": blue, "/avatars/text.png": []byte("not an image")}
	d.mu.Unlock()
	_, first := h.env.Thread(s.alice, "general", "Hello", "First.")
	note := d.newNote("rin", fmt.Sprintf("%s/p/%d", h.fed.base, first.ID), "<p>hi from rin</p>", s.hearthAlice)
	s.deliver(t, "rin", s.hearthInbox, d.wrap("Create", note["id"].(string)+"/activity", "rin", note))

	actor, err := h.env.Store.RemoteActorByAPID(ctx, s.rin)
	must(t, err)
	avatar := func(want []byte, wantURL string) string {
		t.Helper()
		u, err := h.env.Store.UserByRemoteActorID(ctx, actor.ID)
		must(t, err)
		if u.RemoteIconFetched != wantURL {
			t.Fatalf("icon fetched from %q, want %q", u.RemoteIconFetched, wantURL)
		}
		if want == nil {
			if u.AvatarFile != "" {
				t.Fatalf("avatar %q, want none (initial letter)", u.AvatarFile)
			}
			return ""
		}
		got, err := os.ReadFile(filepath.Join(h.env.Svc.AvatarDir(), u.AvatarFile))
		must(t, err)
		if !bytes.Equal(got, want) {
			t.Fatalf("avatar %q does not hold the remote image", u.AvatarFile)
		}
		return u.AvatarFile
	}
	firstFile := avatar(red, d.base+"/avatars/rin.png")

	update := func(n int, icon string) {
		t.Helper()
		pub, _ := publicKeyPEM(&d.keys["rin"].PublicKey)
		person := d.flavor.actor(d, "rin", pub)
		person["icon"] = map[string]any{"type": "Image", "url": d.base + icon}
		s.deliver(t, "rin", s.hearthInbox, d.wrap("Update", fmt.Sprintf("%s#updates/%d", s.rin, n), "rin", person))
	}
	update(1, "/avatars/blue.png")
	secondFile := avatar(blue, d.base+"/avatars/blue.png")
	if _, err := os.Stat(filepath.Join(h.env.Svc.AvatarDir(), firstFile)); !os.IsNotExist(err) {
		t.Errorf("the replaced avatar %s is still stored: %v", firstFile, err)
	}
	update(2, "/avatars/text.png")
	avatar(nil, d.base+"/avatars/text.png")
	if _, err := os.Stat(filepath.Join(h.env.Svc.AvatarDir(), secondFile)); !os.IsNotExist(err) {
		t.Errorf("the dropped avatar %s is still stored: %v", secondFile, err)
	}
	update(3, "/avatars/missing.png")
	avatar(nil, d.base+"/avatars/missing.png")
}
