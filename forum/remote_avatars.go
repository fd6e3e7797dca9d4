package forum

import (
	"context"
	"os"
	"path/filepath"

	"github.com/hearth/hearth/models"
)

// StoreRemoteAvatar keeps a local copy of a remote author's avatar fetched
// from iconURL, with the checks an upload gets (sniffed type, size and
// dimension limits, content-hashed name). data nil, or an image those
// checks refuse, drops any older copy, so the author shows the
// initial-letter avatar. Either way iconURL is recorded as fetched, so it
// is not fetched again until the actor's icon changes.
func (s *Service) StoreRemoteAvatar(ctx context.Context, u *models.User, iconURL string, data []byte) error {
	if u == nil || !u.IsRemote() {
		return ErrForbidden
	}
	err := ErrNotFound
	if data != nil {
		err = s.SetAvatar(ctx, u, data)
	}
	if _, invalid := err.(*ValidationError); err != nil && err != ErrNotFound && !invalid {
		return err // a disk or database failure: try again next time
	}
	fields := map[string]any{"remote_icon_fetched": iconURL}
	if err != nil {
		if u.AvatarFile != "" {
			_ = os.Remove(filepath.Join(s.AvatarDir(), filepath.Base(u.AvatarFile)))
		}
		u.AvatarFile = ""
		fields["avatar_file"] = ""
	}
	u.RemoteIconFetched = iconURL
	return s.store.UpdateUserFields(ctx, u.ID, fields)
}
