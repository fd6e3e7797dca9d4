package models

import (
	"context"
	"time"
)

// DueAccountDeletions lists up to limit accounts whose deletion is due at
// now.
func (s *Store) DueAccountDeletions(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&User{}).Where("delete_at IS NOT NULL AND delete_at <= ? AND erased_at IS NULL", now).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// ClaimAccountDeletion marks a due account as erased, in one UPDATE that
// only one process can win: it reports false when the deletion was
// cancelled, is not due yet or another process erased it first. Run it in
// the transaction that erases the account, so a failed erasure leaves the
// deletion due.
func (s *Store) ClaimAccountDeletion(ctx context.Context, userID int64, now time.Time) (bool, error) {
	r := s.DB(ctx).Model(&User{}).Where("id = ? AND delete_at IS NOT NULL AND delete_at <= ? AND erased_at IS NULL", userID, now).
		Updates(map[string]any{"erased_at": now, "delete_at": nil, "updated_at": now})
	return r.RowsAffected == 1, r.Error
}

// accountTables are the rows that belong only to the member and go with
// the account: logins, tokens, what they were told and what they chose.
// Moderation records (audit log, flags, sanctions) are not among them.
var accountTables = []string{
	"sessions", "tokens", "notifications", "bookmarks", "notification_levels",
	"mails", "mail_settings", "trusted_logins", "login_alerts", "account_exports",
	"two_factors", "recovery_codes", "pending_logins", "passkeys", "web_authn_challenges",
	"drafts", "dismissed_hints",
}

// DeleteAccountRows deletes the member's rows in accountTables.
func (s *Store) DeleteAccountRows(ctx context.Context, userID int64) error {
	for _, t := range accountTables {
		if err := s.DB(ctx).Exec("DELETE FROM "+t+" WHERE user_id = ?", userID).Error; err != nil {
			return err
		}
	}
	return nil
}

// LivePostIDsByUser lists the ids of the member's posts not yet deleted.
func (s *Store) LivePostIDsByUser(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := s.DB(ctx).Model(&Post{}).Where("user_id = ? AND deleted_at IS NULL", userID).Order("id").Pluck("id", &ids).Error
	return ids, err
}

// DeleteTokensOf removes all the member's API tokens.
func (s *Store) DeleteTokensOf(ctx context.Context, userID int64) error {
	return s.DB(ctx).Where("user_id = ?", userID).Delete(&Token{}).Error
}

// ErasePostTexts blanks the text of the member's deleted posts and drops
// their edit history, so an erased account's words are gone from the
// database, not only from the pages.
func (s *Store) ErasePostTexts(ctx context.Context, userID int64, now time.Time) error {
	if err := s.DB(ctx).Exec("DELETE FROM post_revisions WHERE post_id IN (SELECT id FROM posts WHERE user_id = ? AND deleted_at IS NOT NULL)", userID).Error; err != nil {
		return err
	}
	return s.DB(ctx).Model(&Post{}).Where("user_id = ? AND deleted_at IS NOT NULL", userID).
		Updates(map[string]any{"body": "", "html": "", "updated_at": now}).Error
}
