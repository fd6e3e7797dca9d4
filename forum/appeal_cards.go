package forum

import (
	"context"

	"github.com/hearth/hearth/models"
)

// withAppealSentences tells, on each appeal card, the decision it contests
// in the audit log's words (audit_sentences.go): one vocabulary for staff,
// never the stored action name. The actor already passed the queue's
// permission check; things they may not see are named, not linked.
func (s *Service) withAppealSentences(ctx context.Context, actor *models.User, items []QueueItemView) error {
	var idx []int
	var actorIDs []int64
	for i := range items {
		if e := items[i].AppealEntry; e != nil {
			idx = append(idx, i)
			actorIDs = append(actorIDs, e.ActorID)
		}
	}
	if len(idx) == 0 {
		return nil
	}
	actors, err := s.store.UserCards(ctx, actorIDs)
	if err != nil {
		return err
	}
	entries := make([]AuditEntryView, len(idx))
	for j, i := range idx {
		e := items[i].AppealEntry
		entries[j] = AuditEntryView{AuditEntry: *e, Actor: actors[e.ActorID]}
	}
	sentences, err := s.auditSentences(ctx, actor, entries)
	if err != nil {
		return err
	}
	for j, i := range idx {
		items[i].AppealSentence = &sentences[j]
	}
	return nil
}
