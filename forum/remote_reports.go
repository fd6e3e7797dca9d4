package forum

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/hearth/hearth/models"
)

// Reports across servers. A remote server's report (an ActivityPub Flag,
// sent by its instance actor so the reporting person stays anonymous)
// lands in the review queue like a member's flag; a moderator can send a
// report about a remote post on to that post's server.

// RemoteReportReason is the reason recorded for a remote report: Flags
// carry only a comment.
const RemoteReportReason = "other"

// ReportFromRemote records a remote server's report about local posts: one
// flag per post by reporter (the users row standing for the reporting
// server's actor), in the post's open queue item. A repeat of the same
// report changes nothing. Posts that are not there are skipped.
func (s *Service) ReportFromRemote(ctx context.Context, reporter *models.User, postIDs []int64, comment string) error {
	if reporter == nil || !reporter.IsRemote() {
		return ErrForbidden
	}
	comment = strings.TrimSpace(strings.ToValidUTF8(comment, ""))
	if utf8.RuneCountInString(comment) > flagMessageMaxRunes {
		comment = string([]rune(comment)[:flagMessageMaxRunes])
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		for _, id := range postIDs {
			p, err := s.store.PostByID(ctx, id)
			if errors.Is(err, models.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if dup, err := s.store.HasFlagged(ctx, p.ID, reporter.ID); err != nil {
				return err
			} else if dup {
				continue
			}
			now := s.now()
			flag := &models.Flag{PostID: p.ID, UserID: reporter.ID, Reason: RemoteReportReason, Message: comment, Weight: FlagWeight(reporter), CreatedAt: now}
			if err := s.store.CreateFlag(ctx, flag); err != nil {
				return err
			}
			item, err := s.store.UnresolvedQueueItem(ctx, p.ID)
			if errors.Is(err, models.ErrNotFound) {
				item = &models.ModQueueItem{Kind: models.QueueKindFlag, PostID: p.ID, State: models.QueueItemOpen, CreatedAt: now}
				err = s.store.CreateQueueItem(ctx, item)
			}
			if err != nil {
				return err
			}
			if err := s.maybeAutoHide(ctx, p, item); err != nil {
				return err
			}
		}
		return nil
	})
}

// ForwardReport sends the report in a queue item on to the server of the
// remote post it is about, as a Flag from this forum's instance actor with
// the moderator's comment. Only moderators may, and only for remote posts.
func (s *Service) ForwardReport(ctx context.Context, actor *models.User, itemID int64, comment string) error {
	if err := s.checkModerator(actor, comment); err != nil {
		return err
	}
	h := s.moderationHooks()
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		item, err := s.store.QueueItemByID(ctx, itemID)
		if err != nil {
			return mapNotFound(err)
		}
		p, err := s.store.PostByID(ctx, item.PostID)
		if err != nil {
			return mapNotFound(err)
		}
		author, err := s.store.UserByID(ctx, p.UserID)
		if err != nil {
			return err
		}
		if p.APID == nil || !author.IsRemote() || author.RemoteURL == "" {
			return invalid("item", "errors.remote_reports.only_reports_about_posts")
		}
		comment = strings.TrimSpace(comment)
		if err := s.record(ctx, actor, "queue.forward", TargetPost, p.ID, comment,
			map[string]any{"item": item.ID, "to": author.Domain}, s.now()); err != nil {
			return err
		}
		if h == nil {
			return nil // no federation wired: the audit entry is all there is
		}
		return h.ReportForwarded(ctx, ForwardedReport{ItemID: item.ID, ActorID: author.RemoteURL, ObjectID: *p.APID, Comment: comment})
	})
}
