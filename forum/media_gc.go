package forum

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/hearth/hearth/media"
)

// mediaGCEvery is how often RunMediaGC looks for files to collect.
const mediaGCEvery = 10 * time.Minute

// mediaGCBatch bounds one pass, so a pass is a short transaction per file.
const mediaGCBatch = 200

// RunMediaGC collects unreferenced uploads until ctx ends.
func (s *Service) RunMediaGC(ctx context.Context, log *slog.Logger) {
	t := time.NewTicker(mediaGCEvery)
	defer t.Stop()
	for {
		if n, err := s.CollectMedia(ctx); err != nil && ctx.Err() == nil {
			log.Warn("media gc", "error", err)
		} else if n > 0 {
			log.Info("media gc", "collected", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CollectMedia deletes the files no post references and no member uses as
// avatar, last uploaded more than --media-gc-grace ago (so a file uploaded
// for a post still being written survives), and reports how many. Safe
// with several processes: the row's conditional delete decides which
// collector deletes a file, and a file uploaded again or referenced
// meanwhile keeps its row and so its bytes.
func (s *Service) CollectMedia(ctx context.Context) (int, error) {
	if s.blobsErr != nil {
		return 0, nil
	}
	cutoff := s.now().Add(-s.cfg.MediaGCGrace)
	ups, err := s.store.UnreferencedUploads(ctx, cutoff, mediaGCBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range ups {
		won, err := s.store.DeleteUploadIfUnreferenced(ctx, u.Hash, cutoff)
		if err != nil {
			return n, err
		}
		if !won {
			continue
		}
		keys := []string{media.Key(u.Hash, "")}
		for _, w := range strings.Split(u.Variants, ",") {
			if w != "" {
				keys = append(keys, media.Key(u.Hash, "w"+w))
			}
		}
		for _, k := range keys {
			if err := s.blobs.Delete(ctx, k); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, nil
}
