package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Mail kinds and unsubscribe scopes.
const (
	MailNotification = "notification" // a reply, mention, watched post or overdue follow-up
	MailDigest       = "digest"       // the weekly digest

	ScopeNotifications = "notify" // unsubscribing turns EmailNotifications off
	ScopeDigest        = "digest" // unsubscribing turns EmailDigest off
)

// MailSetting is a member's mail opt-ins (migration 0100); no row means
// everything off: mail is opt-in.
type MailSetting struct {
	UserID             int64 `gorm:"primaryKey;autoIncrement:false"`
	EmailNotifications bool  `gorm:"not null;default:false"`
	EmailDigest        bool  `gorm:"not null;default:false"`
	UpdatedAt          time.Time
}

// Mail is one queued message to one member (migration 0100). The body is
// rendered when queued; the worker adds the unsubscribe link and headers
// for ListScope when it sends. DedupeKey is unique, so the same cause never
// queues twice.
type Mail struct {
	ID            int64  `gorm:"primaryKey"`
	UserID        int64  `gorm:"not null"`
	Kind          string `gorm:"size:16;not null"`
	ToAddr        string `gorm:"size:254;not null"`
	Subject       string `gorm:"size:300;not null"`
	Text          string `gorm:"type:text;not null"`
	HTML          string `gorm:"type:text;not null"`
	ListScope     string `gorm:"size:16;not null"`
	DedupeKey     string `gorm:"size:120;not null"`
	State         string `gorm:"size:16;not null"`
	Attempts      int    `gorm:"not null;default:0"`
	ClaimedBy     string `gorm:"size:32;not null;default:''"`
	LockedUntil   *time.Time
	NextAttemptAt time.Time
	LastError     string `gorm:"size:2000;not null;default:''"`
	SentAt        *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Language is the code of the language the body is written in
	// (migration 0585), so the worker writes the footer in it too.
	Language string `gorm:"size:16;not null;default:''"`
}

// MailSettingOf returns a member's opt-ins (all off without a row).
func (s *Store) MailSettingOf(ctx context.Context, userID int64) (*MailSetting, error) {
	var rows []MailSetting
	if err := s.DB(ctx).Where("user_id = ?", userID).Limit(1).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return &MailSetting{UserID: userID}, nil
	}
	return &rows[0], nil
}

// SaveMailSetting stores a member's opt-ins.
func (s *Store) SaveMailSetting(ctx context.Context, m *MailSetting) error {
	return s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"email_notifications", "email_digest", "updated_at"}),
	}).Create(m).Error
}

// TurnOffMail clears one opt-in (column is email_notifications or
// email_digest); it is idempotent.
func (s *Store) TurnOffMail(ctx context.Context, userID int64, scope string, now time.Time) error {
	col := "email_notifications"
	if scope == ScopeDigest {
		col = "email_digest"
	}
	return s.DB(ctx).Model(&MailSetting{}).Where("user_id = ?", userID).Updates(map[string]any{col: false, "updated_at": now}).Error
}

// MailRecipient is where a member's mail goes and the language they chose
// ("" for none: the site's default).
type MailRecipient struct {
	Email    string
	Language string
}

// EmailRecipients returns, of ids, the members who opted in to notification
// mail, with their addresses and languages.
func (s *Store) EmailRecipients(ctx context.Context, ids []int64) (map[int64]MailRecipient, error) {
	out := map[int64]MailRecipient{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID       int64
		Email    string
		Language string
	}
	err := s.DB(ctx).Table("users").Select("users.id, users.email, users.language").
		Joins("JOIN mail_settings ms ON ms.user_id = users.id AND ms.email_notifications = ?", true).
		Where("users.id IN ? AND users.domain = '' AND users.email <> ''", uniqueIDs(ids)).Scan(&rows).Error
	for _, r := range rows {
		out[r.ID] = MailRecipient{Email: r.Email, Language: r.Language}
	}
	return out, err
}

// QueueMails inserts mails, skipping any whose dedupe key is already
// queued; it returns how many were new.
func (s *Store) QueueMails(ctx context.Context, rows []Mail) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	res := s.DB(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedupe_key"}}, DoNothing: true}).Create(&rows)
	return res.RowsAffected, res.Error
}

// ClaimMails claims up to limit mails due at now (see claimRows).
func (s *Store) ClaimMails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Mail, error) {
	token, err := s.claimRows(ctx, "mails", "state = 'pending' AND next_attempt_at <= ?", []any{now}, now, lease, limit)
	if err != nil {
		return nil, err
	}
	var rows []Mail
	err = s.DB(ctx).Where("claimed_by = ? AND state = ?", token, QueueProcessing).Order("id").Find(&rows).Error
	return rows, err
}

// FinishMail records a send attempt: done (sentAt set), failed, or pending
// again from next.
func (s *Store) FinishMail(ctx context.Context, id int64, state string, next time.Time, lastError string, sentAt *time.Time) error {
	return s.DB(ctx).Model(&Mail{}).Where("id = ?", id).Updates(map[string]any{
		"state": state, "next_attempt_at": next, "last_error": truncate(lastError, 2000), "locked_until": nil, "sent_at": sentAt,
	}).Error
}

// FinishMailsSent marks mails sent in one statement.
func (s *Store) FinishMailsSent(ctx context.Context, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	return s.DB(ctx).Model(&Mail{}).Where("id IN ?", ids).Updates(map[string]any{
		"state": QueueDone, "last_error": "", "locked_until": nil, "sent_at": now,
	}).Error
}

// MailsTo lists a member's mails, oldest first (tests, support).
func (s *Store) MailsTo(ctx context.Context, userID int64) ([]Mail, error) {
	var rows []Mail
	err := s.DB(ctx).Where("user_id = ?", userID).Order("id").Find(&rows).Error
	return rows, err
}

// InstanceSecret returns the named secret, storing fresh (a generated
// value) first if there is none yet. Concurrent first uses from several
// processes agree: the insert does nothing when another won, and the value
// read back is the one stored.
func (s *Store) InstanceSecret(ctx context.Context, name, fresh string, now time.Time) (string, error) {
	var v []string
	if err := s.DB(ctx).Table("instance_secrets").Where("name = ?", name).Limit(1).Pluck("value", &v).Error; err != nil || len(v) > 0 {
		if err != nil {
			return "", err
		}
		return v[0], nil
	}
	row := struct {
		Name      string
		Value     string
		CreatedAt time.Time
	}{name, fresh, now}
	if err := s.DB(ctx).Table("instance_secrets").Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return "", err
	}
	if err := s.DB(ctx).Table("instance_secrets").Where("name = ?", name).Limit(1).Pluck("value", &v).Error; err != nil {
		return "", err
	}
	if len(v) == 0 {
		return "", ErrNotFound
	}
	return v[0], nil
}
