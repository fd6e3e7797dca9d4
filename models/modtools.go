package models

import (
	"context"
	"time"
)

// Category-scoped roles, queue claims and notes, warnings and appeals
// (migration 0120). Thin queries only; the rules are in forum/.

// Appeal states.
const (
	AppealOpen     = "open"
	AppealUpheld   = "upheld"
	AppealReversed = "reversed"
)

// RoleCategory limits a moderator's or ambassador's role to one category.
type RoleCategory struct {
	UserID     int64 `gorm:"primaryKey;autoIncrement:false"`
	CategoryID int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt  time.Time
}

// ModNote is a private note by a moderator, on a queue item (ItemID) and/or
// about a member (SubjectID).
type ModNote struct {
	ID        int64 `gorm:"primaryKey"`
	ItemID    int64
	SubjectID int64
	AuthorID  int64
	Body      string
	CreatedAt time.Time
}

// Warning is a recorded warning to a member, shown to them as a notice.
type Warning struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	PostID    int64
	Reason    string
	CreatedBy int64
	CreatedAt time.Time
	RevokedAt *time.Time
}

// Appeal is a member contesting one audited action against them; the unique
// AuditID makes it one appeal per action.
type Appeal struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	AuditID   int64
	Message   string
	State     string
	DecidedBy *int64
	DecidedAt *time.Time
	CreatedAt time.Time
}

// SetRoleCategories replaces a member's role categories; scoped says
// whether the role is limited to them.
func (s *Store) SetRoleCategories(ctx context.Context, userID int64, categoryIDs []int64, now time.Time) error {
	db := s.DB(ctx)
	if err := db.Where("user_id = ?", userID).Delete(&RoleCategory{}).Error; err != nil {
		return err
	}
	rows := make([]RoleCategory, 0, len(categoryIDs))
	for _, id := range uniqueIDs(categoryIDs) {
		rows = append(rows, RoleCategory{UserID: userID, CategoryID: id, CreatedAt: now})
	}
	if len(rows) > 0 {
		if err := db.Create(&rows).Error; err != nil {
			return err
		}
	}
	return db.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{"role_scoped": len(rows) > 0, "updated_at": now}).Error
}

// RoleCategoryIDs lists the categories a member's role is limited to.
func (s *Store) RoleCategoryIDs(ctx context.Context, userID int64) ([]int64, error) {
	ids := []int64{}
	err := s.DB(ctx).Model(&RoleCategory{}).Where("user_id = ?", userID).Order("category_id").Pluck("category_id", &ids).Error
	return ids, err
}

// ClaimQueueItem assigns an open item to a moderator; false when it was not
// open (someone else claimed or resolved it first).
func (s *Store) ClaimQueueItem(ctx context.Context, id, userID int64) (bool, error) {
	res := s.DB(ctx).Model(&ModQueueItem{}).Where("id = ? AND state = ?", id, QueueItemOpen).
		Updates(map[string]any{"state": QueueItemClaimed, "assignee_id": userID})
	return res.RowsAffected == 1, res.Error
}

// UnclaimQueueItem returns a claimed item to the open list.
func (s *Store) UnclaimQueueItem(ctx context.Context, id int64) (bool, error) {
	res := s.DB(ctx).Model(&ModQueueItem{}).Where("id = ? AND state = ?", id, QueueItemClaimed).
		Updates(map[string]any{"state": QueueItemOpen, "assignee_id": nil})
	return res.RowsAffected == 1, res.Error
}

// QueueItemsInCategories is QueueItems limited to items whose post is in one
// of the categories (appeals have no post and are never listed here).
func (s *Store) QueueItemsInCategories(ctx context.Context, state string, categoryIDs []int64, after *KeysetCursor, limit int) ([]ModQueueItem, error) {
	var out []ModQueueItem
	if len(categoryIDs) == 0 {
		return out, nil
	}
	// EXISTS per item, walking idx_mod_queue_state_created in order, stops
	// after `limit` matches; an IN over the category's posts read them all.
	db := s.DB(ctx).Where(`state = ? AND EXISTS (SELECT 1 FROM posts p JOIN threads t ON t.id = p.thread_id
		WHERE p.id = mod_queue_items.post_id AND t.category_id IN ?)`, state, uniqueIDs(categoryIDs))
	if after != nil {
		db = db.Where("(created_at, id) > (?, ?)", after.CreatedAt, after.ID)
	}
	err := db.Order("created_at, id").Limit(limit).Find(&out).Error
	return out, err
}

// CreateModNote inserts n.
func (s *Store) CreateModNote(ctx context.Context, n *ModNote) error {
	return s.DB(ctx).Create(n).Error
}

// ModNotesForItems lists the notes on the items, oldest first.
func (s *Store) ModNotesForItems(ctx context.Context, itemIDs []int64) ([]ModNote, error) {
	var out []ModNote
	if len(itemIDs) == 0 {
		return out, nil
	}
	err := s.DB(ctx).Where("item_id IN ?", uniqueIDs(itemIDs)).Order("created_at, id").Find(&out).Error
	return out, err
}

// ModNotesAbout lists the notes about a member, newest first.
func (s *Store) ModNotesAbout(ctx context.Context, userID int64, limit int) ([]ModNote, error) {
	var out []ModNote
	err := s.DB(ctx).Where("subject_id = ?", userID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// CreateWarning inserts w.
func (s *Store) CreateWarning(ctx context.Context, w *Warning) error {
	return s.DB(ctx).Create(w).Error
}

// WarningsFor lists a member's warnings, newest first.
func (s *Store) WarningsFor(ctx context.Context, userID int64, limit int) ([]Warning, error) {
	var out []Warning
	err := s.DB(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// RevokeWarning marks a warning withdrawn (an appeal reversed it).
func (s *Store) RevokeWarning(ctx context.Context, id int64, at time.Time) error {
	return s.DB(ctx).Model(&Warning{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", at).Error
}

// SanctionsFor lists every silence and suspension a member had, newest first.
func (s *Store) SanctionsFor(ctx context.Context, userID int64, limit int) ([]Sanction, error) {
	var out []Sanction
	err := s.DB(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// SanctionByID loads one sanction.
func (s *Store) SanctionByID(ctx context.Context, id int64) (*Sanction, error) {
	var sn Sanction
	if err := s.DB(ctx).First(&sn, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &sn, nil
}

// LiftSanction ends one sanction if it is not lifted yet.
func (s *Store) LiftSanction(ctx context.Context, id, by int64, now time.Time) (bool, error) {
	res := s.DB(ctx).Model(&Sanction{}).Where("id = ? AND lifted_at IS NULL", id).Updates(map[string]any{"lifted_at": now, "lifted_by": by})
	return res.RowsAffected == 1, res.Error
}

// CreateAppeal inserts a; a second appeal on one action is a unique violation.
func (s *Store) CreateAppeal(ctx context.Context, a *Appeal) error { return s.DB(ctx).Create(a).Error }

// AppealByID loads one appeal.
func (s *Store) AppealByID(ctx context.Context, id int64) (*Appeal, error) {
	var a Appeal
	if err := s.DB(ctx).First(&a, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// AppealsByAuditIDs maps audit entry ids to their appeals.
func (s *Store) AppealsByAuditIDs(ctx context.Context, ids []int64) (map[int64]*Appeal, error) {
	out := map[int64]*Appeal{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Appeal
	if err := s.DB(ctx).Where("audit_id IN ?", uniqueIDs(ids)).Find(&rows).Error; err != nil {
		return nil, err
	}
	for i := range rows {
		out[rows[i].AuditID] = &rows[i]
	}
	return out, nil
}

// AppealsByIDs maps appeal ids to appeals.
func (s *Store) AppealsByIDs(ctx context.Context, ids []int64) (map[int64]*Appeal, error) {
	out := map[int64]*Appeal{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Appeal
	if err := s.DB(ctx).Where("id IN ?", uniqueIDs(ids)).Find(&rows).Error; err != nil {
		return nil, err
	}
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// AppealsFor lists a member's appeals, newest first.
func (s *Store) AppealsFor(ctx context.Context, userID int64, limit int) ([]Appeal, error) {
	var out []Appeal
	err := s.DB(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// DecideAppeal closes an open appeal; false when it was already decided.
func (s *Store) DecideAppeal(ctx context.Context, id int64, state string, by int64, at time.Time) (bool, error) {
	res := s.DB(ctx).Model(&Appeal{}).Where("id = ? AND state = ?", id, AppealOpen).
		Updates(map[string]any{"state": state, "decided_by": by, "decided_at": at})
	return res.RowsAffected == 1, res.Error
}

// UnresolvedAppealItem loads the open or claimed queue item of an appeal.
func (s *Store) UnresolvedAppealItem(ctx context.Context, appealID int64) (*ModQueueItem, error) {
	var it ModQueueItem
	if err := s.DB(ctx).Where("appeal_id = ? AND state <> ?", appealID, QueueItemResolved).First(&it).Error; err != nil {
		return nil, notFound(err)
	}
	return &it, nil
}

// AuditEntryByID loads one audit entry.
func (s *Store) AuditEntryByID(ctx context.Context, id int64) (*AuditEntry, error) {
	var e AuditEntry
	if err := s.DB(ctx).First(&e, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &e, nil
}

// AuditAbout lists the entries whose target is the member or one of their
// posts, newest first, optionally only the given actions.
func (s *Store) AuditAbout(ctx context.Context, userID int64, actions []string, limit int) ([]AuditEntry, error) {
	db := s.DB(ctx).Where("(target_type = 'user' AND target_id = ?) OR (target_type = 'post' AND target_id IN (SELECT id FROM posts WHERE user_id = ?))", userID, userID)
	if len(actions) > 0 {
		db = db.Where("action IN ?", actions)
	}
	var out []AuditEntry
	err := db.Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// FlagsAgainst lists flags raised on a member's posts, newest first.
func (s *Store) FlagsAgainst(ctx context.Context, userID int64, limit int) ([]Flag, error) {
	var out []Flag
	err := s.DB(ctx).Where("post_id IN (SELECT id FROM posts WHERE user_id = ?)", userID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}
