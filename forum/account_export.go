package forum

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/hearth/hearth/models"
)

// A member's data export: they ask for it, a worker builds the zip
// (export_zip.go) and stores it in account_exports, and a notification
// links to the download. The zip is a blob in the database rather than a
// file under the data dir so that every process behind a load balancer
// can serve it without shared storage; exports are small (text only) and
// kept a week.
const (
	// ExportKeep is how long a built export can be downloaded.
	ExportKeep = 7 * 24 * time.Hour
	// ExportEvery is how often a member may ask for an export.
	ExportEvery   = 24 * time.Hour
	exportLease   = 5 * time.Minute
	exportBatch   = 4
	exportRetries = 3
	// NotifyExportReady tells a member their export can be downloaded;
	// the notification's PostID holds the export's id.
	NotifyExportReady = "export_ready"
)

// ExportStatus is what the settings page says about a member's export.
type ExportStatus struct {
	Export *models.AccountExport // nil: never asked
	// Link is the download path while the export is ready.
	Link string
	// NextAt is when the member may ask again; zero means now.
	NextAt time.Time
}

// RequestExport queues an export of the member's data, at most one per
// ExportEvery.
func (s *Service) RequestExport(ctx context.Context, member *models.User) (*models.AccountExport, error) {
	if member == nil {
		return nil, ErrUnauthorized
	}
	if member.IsRemote() || member.ErasedAt != nil {
		return nil, ErrForbidden
	}
	var e *models.AccountExport
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		// Serialise a member's requests: two at once would both see no
		// recent export.
		if err := s.store.UpdateUserFields(ctx, member.ID, map[string]any{"updated_at": now}); err != nil {
			return err
		}
		last, err := s.store.LatestAccountExport(ctx, member.ID)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if last != nil && now.Sub(last.CreatedAt) < ExportEvery {
			return rateLimited(last.CreatedAt.Add(ExportEvery).Sub(now), "errors.account_export.too_soon",
				"At", shortTime(last.CreatedAt.Add(ExportEvery)))
		}
		e = &models.AccountExport{UserID: member.ID, State: models.QueuePending, CreatedAt: now, UpdatedAt: now}
		return s.store.CreateAccountExport(ctx, e)
	})
	return e, err
}

// ExportStatusOf returns the member's latest export and its link.
func (s *Service) ExportStatusOf(ctx context.Context, member *models.User) (*ExportStatus, error) {
	if member == nil {
		return nil, ErrUnauthorized
	}
	st := &ExportStatus{}
	e, err := s.store.LatestAccountExport(ctx, member.ID)
	if errors.Is(err, models.ErrNotFound) {
		return st, nil
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	st.Export = e
	if next := e.CreatedAt.Add(ExportEvery); next.After(now) {
		st.NextAt = next
	}
	if e.State == models.QueueDone && e.ExpiresAt != nil && e.ExpiresAt.After(now) {
		tok, err := s.exportToken(ctx, e)
		if err != nil {
			return nil, err
		}
		st.Link = "/settings/export/" + tok
	}
	return st, nil
}

// exportToken is the download token of an export. It is derived (an HMAC
// under an instance secret of the export's id and creation time) rather
// than stored: the notification and the settings page can show the link
// again, while the row keeps only its SHA-256, which the download checks.
func (s *Service) exportToken(ctx context.Context, e *models.AccountExport) (string, error) {
	key, err := s.instanceKey(ctx, "export-token")
	if err != nil {
		return "", err
	}
	return keyedHash(key, "export", strconv.FormatInt(e.ID, 10)+":"+strconv.FormatInt(e.CreatedAt.UnixMicro(), 10)), nil
}

// ExportLink returns the download path of the member's export id, for a
// notification; "" once it expired or when it is not theirs.
func (s *Service) ExportLink(ctx context.Context, member *models.User, exportID int64) (string, error) {
	st, err := s.ExportStatusOf(ctx, member)
	if err != nil || st.Export == nil || st.Export.ID != exportID {
		return "", err
	}
	return st.Link, nil
}

// DownloadExport returns the zip behind a download token. Only its owner
// may download it: anyone else (and an unknown or expired token) gets
// ErrNotFound, so a token seen over a shoulder is worth nothing.
func (s *Service) DownloadExport(ctx context.Context, viewer *models.User, token string) (*models.AccountExport, error) {
	if viewer == nil {
		return nil, ErrUnauthorized
	}
	if len(token) != 64 {
		return nil, ErrNotFound
	}
	h := hashToken(token)
	e, err := s.store.AccountExportByTokenHash(ctx, h)
	if err != nil {
		return nil, mapNotFound(err)
	}
	if subtle.ConstantTimeCompare([]byte(e.TokenHash), []byte(h)) != 1 || e.UserID != viewer.ID ||
		e.ExpiresAt == nil || !e.ExpiresAt.After(s.now()) {
		return nil, ErrNotFound
	}
	return e, nil
}

// RunExports builds queued exports until none is left, and reports how
// many it finished. Any number of processes may run it: each export is
// claimed by one UPDATE under a lease, and a worker that dies mid-build
// leaves it to be claimed again.
func (s *Service) RunExports(ctx context.Context, log *slog.Logger) (int, error) {
	done := 0
	for {
		now := s.now()
		rows, err := s.store.ClaimAccountExports(ctx, now, exportLease, exportBatch)
		if err != nil || len(rows) == 0 {
			return done, err
		}
		for _, e := range rows {
			ok, err := s.buildExport(ctx, e)
			if err != nil {
				state := models.QueuePending
				if e.Attempts >= exportRetries {
					state = models.QueueFailed
				}
				log.Warn("export failed", "export", e.ID, "user", e.UserID, "attempt", e.Attempts, "error", err)
				if ferr := s.store.FailAccountExport(ctx, e.ID, e.ClaimedBy, state, err.Error(), s.now()); ferr != nil {
					return done, ferr
				}
				continue
			}
			if ok {
				done++
			}
		}
	}
}

// buildExport builds one claimed export, stores it and tells the member.
func (s *Service) buildExport(ctx context.Context, e models.AccountExport) (bool, error) {
	u, err := s.store.UserByID(ctx, e.UserID)
	if err != nil {
		return false, fmt.Errorf("load member: %w", err)
	}
	data, err := s.exportZip(ctx, u)
	if err != nil {
		return false, err
	}
	tok, err := s.exportToken(ctx, &e)
	if err != nil {
		return false, err
	}
	stored := false
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		ok, err := s.store.FinishAccountExport(ctx, e.ID, e.ClaimedBy, data, hashToken(tok), now, now.Add(ExportKeep))
		if err != nil || !ok {
			return err // !ok: the lease ran out and another worker has it
		}
		stored = true
		return s.store.CreateNotifications(ctx, []models.Notification{{UserID: u.ID, Kind: NotifyExportReady, PostID: e.ID, CreatedAt: now}})
	})
	return stored, err
}

// pruneExports removes expired exports and their zips.
func (s *Service) pruneExports(ctx context.Context, now time.Time) error {
	_, err := s.store.DeleteExpiredAccountExports(ctx, now)
	return err
}
