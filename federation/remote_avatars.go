package federation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// avatarFetchTimeout bounds one avatar fetch, which an inbox worker waits
// for; an avatar is worth less than the activity behind it.
const avatarFetchTimeout = 10 * time.Second

// errAvatarGone is a fetch the remote server answered for good (4xx): not
// retried until the actor's icon changes.
var errAvatarGone = errors.New("avatar not available")

// syncAvatar copies a remote author's avatar into the local avatar store
// when its icon URL is new to us, so thread pages serve it from this
// origin: hot-linking would tell the remote server who reads the forum. A
// failure leaves the initial-letter avatar; a transient one (network,
// 5xx) is retried the next time the author is seen.
func (f *Federation) syncAvatar(ctx context.Context, u *models.User) {
	if u == nil || !u.IsRemote() || u.RemoteIconURL == u.RemoteIconFetched {
		return
	}
	var data []byte
	if u.RemoteIconURL != "" {
		var err error
		data, err = f.fetchAvatar(ctx, u.RemoteIconURL)
		if err != nil && !errors.Is(err, errAvatarGone) {
			f.log.Warn("remote avatar", "user", u.Username, "error", err)
			return
		}
	}
	if err := f.svc.StoreRemoteAvatar(ctx, u, u.RemoteIconURL, data); err != nil {
		f.log.Warn("remote avatar", "user", u.Username, "error", err)
	}
}

// fetchAvatar gets an image, signed as the instance actor, through the
// federation client (which refuses private addresses unless allowed), at
// most one byte over the avatar limit, so forum's checks refuse it.
func (f *Federation) fetchAvatar(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errAvatarGone, err)
	}
	if err := checkURL(u, f.cfg.FederationAllowPrivate); err != nil {
		return nil, fmt.Errorf("%w: %v", errAvatarGone, err)
	}
	ctx, cancel := context.WithTimeout(ctx, avatarFetchTimeout)
	defer cancel()
	// Signed like every outbound GET: servers in authorized-fetch mode
	// may guard media too.
	resp, err := f.doSignedGet(ctx, u, "image/*")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode >= 500:
		return nil, fmt.Errorf("fetch %s: status %d", u.Redacted(), resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: status %d", errAvatarGone, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, forum.MaxAvatarBytes+1))
}
