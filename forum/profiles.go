package forum

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decoders for avatar checks
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/webp" // webp avatars are common from phones

	"github.com/hearth/hearth/media"
	"github.com/hearth/hearth/models"
)

// Avatar limits: small enough to serve from disk cheaply, large enough for
// a phone photo after the browser's own resize.
const (
	MaxAvatarBytes  = 1 << 20
	maxAvatarPixels = 2048
)

var avatarTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}

// ProfileInput is what a member can change about themselves.
type ProfileInput struct {
	DisplayName string
	Bio         string
}

// Profile is a member page: the member and their recent posts.
type Profile struct {
	User  *models.User
	Posts []ProfilePost
}

// ProfilePost is a post on a member page, with its thread.
type ProfilePost struct {
	models.Post
	Thread *models.Thread
}

// Profile loads a member's page as viewer sees it: recent posts in
// categories the viewer may not see are left out.
func (s *Service) Profile(ctx context.Context, viewer *models.User, username string) (*Profile, error) {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	if u.Domain != "" || u.ErasedAt != nil {
		// Remote authors' profiles live on their own servers; posts link
		// there. An erased account has no profile left.
		return nil, ErrNotFound
	}
	hidden, err := s.hiddenCategoryIDs(ctx, viewer)
	if err != nil {
		return nil, err
	}
	posts, err := s.store.PostsByUser(ctx, u.ID, hidden, 20)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(posts))
	for i, p := range posts {
		ids[i] = p.ThreadID
	}
	threads, err := s.store.ThreadsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	pr := &Profile{User: u}
	for _, p := range posts {
		if t := threads[p.ThreadID]; t != nil && t.DeletedAt == nil {
			pr.Posts = append(pr.Posts, ProfilePost{Post: p, Thread: t})
		}
	}
	return pr, nil
}

// UpdateProfile changes the actor's display name and bio.
func (s *Service) UpdateProfile(ctx context.Context, actor *models.User, in ProfileInput) error {
	if actor == nil {
		return ErrUnauthorized
	}
	v := validation{}
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	checkText(v, "display_name", in.DisplayName, 0, displayNameMaxRunes)
	checkText(v, "bio", in.Bio, 0, bioMaxRunes)
	if err := v.err(); err != nil {
		return err
	}
	actor.DisplayName, actor.Bio = in.DisplayName, strings.TrimSpace(in.Bio)
	return s.store.UpdateUserFields(ctx, actor.ID, map[string]any{"display_name": actor.DisplayName, "bio": actor.Bio})
}

// AvatarDir is where avatar files live.
func (s *Service) AvatarDir() string { return filepath.Join(s.cfg.DataDir, "avatars") }

// MediaAvatarPrefix marks an avatar_file kept in the media store:
// "media:<hash><ext>", served at /media/<hash>. Other values are older
// files under AvatarDir (still served at /avatars/<file>) or remote
// authors' cached avatars.
const MediaAvatarPrefix = "media:"

// AvatarMediaHash is the media hash of a member's avatar, or "" when it
// is not in the media store.
func AvatarMediaHash(avatarFile string) string {
	rest, ok := strings.CutPrefix(avatarFile, MediaAvatarPrefix)
	if !ok || len(rest) < 64 {
		return ""
	}
	return rest[:64]
}

// checkAvatar refuses what no avatar may be: empty, over MaxAvatarBytes,
// not an image by its bytes, or over maxAvatarPixels on a side (read from
// the header, before decoding). It returns the file extension.
func checkAvatar(data []byte) (string, error) {
	fail := func(id string, kv ...any) error { return invalid("avatar", id, kv...) }
	if len(data) == 0 {
		return "", fail("errors.images.missing")
	}
	if len(data) > MaxAvatarBytes {
		return "", fail("errors.images.too_big", "Size", len(data)/1024, "Max", MaxAvatarBytes/1024)
	}
	ext, ok := avatarTypes[http.DetectContentType(data)]
	if !ok {
		return "", fail("errors.images.avatar_type")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", fail("errors.images.unreadable")
	}
	if cfg.Width > maxAvatarPixels || cfg.Height > maxAvatarPixels || cfg.Width < 1 || cfg.Height < 1 {
		return "", fail("errors.images.too_many_pixels", "Max", maxAvatarPixels)
	}
	return ext, nil
}

// SetAvatar checks a member's image and keeps it in the media store like
// an upload (metadata such as GPS stripped, one copy by content hash);
// the avatar it replaces is collected by the media GC once nothing uses
// it. A remote author's cached avatar stays a file under AvatarDir
// (setAvatarFile).
func (s *Service) SetAvatar(ctx context.Context, actor *models.User, data []byte) error {
	if actor == nil {
		return ErrUnauthorized
	}
	if actor.IsRemote() {
		return s.setAvatarFile(ctx, actor, data)
	}
	ext, err := checkAvatar(data)
	if err != nil {
		return err
	}
	if s.blobsErr != nil {
		return s.blobsErr
	}
	p, err := media.Process(data, media.Limits{MaxPixels: maxAvatarPixels * maxAvatarPixels})
	var re *media.RejectError
	if errors.As(err, &re) {
		return invalidMsg("avatar", re.UserMessage())
	}
	if err != nil {
		return err
	}
	if _, err := s.storeProcessed(ctx, actor, p); err != nil {
		return err
	}
	name := MediaAvatarPrefix + p.Hash + ext
	old := actor.AvatarFile
	actor.AvatarFile = name
	if err := s.store.UpdateUserFields(ctx, actor.ID, map[string]any{"avatar_file": name}); err != nil {
		return err
	}
	if old != "" && AvatarMediaHash(old) == "" {
		_ = os.Remove(filepath.Join(s.AvatarDir(), filepath.Base(old)))
	}
	return nil
}

// setAvatarFile keeps a remote author's avatar as a content-named file
// under AvatarDir.
func (s *Service) setAvatarFile(ctx context.Context, actor *models.User, data []byte) error {
	ext, err := checkAvatar(data)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	name := fmt.Sprintf("%d-%s%s", actor.ID, hex.EncodeToString(sum[:8]), ext)
	if err := os.MkdirAll(s.AvatarDir(), 0o750); err != nil {
		return err
	}
	tmp := filepath.Join(s.AvatarDir(), name+".tmp")
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.AvatarDir(), name)); err != nil {
		return err
	}
	old := actor.AvatarFile
	actor.AvatarFile = name
	if err := s.store.UpdateUserFields(ctx, actor.ID, map[string]any{"avatar_file": name}); err != nil {
		return err
	}
	if old != "" && old != name && AvatarMediaHash(old) == "" {
		_ = os.Remove(filepath.Join(s.AvatarDir(), filepath.Base(old)))
	}
	return nil
}
