package models

import (
	"context"
	"errors"
	"time"
)

// SiteSettings is the operator's settings: one row, id 1, made by its
// migration. Empty fields mean the defaults. Version goes up by one on
// every save; the page version read joins it, so a change reaches every
// page (and every process) on the next request.
type SiteSettings struct {
	ID           int64 `gorm:"primaryKey;autoIncrement:false"`
	Version      int64
	Name         string
	Description  string
	LogoFile     string
	FaviconFile  string
	Accent       string
	ContactEmail string
	Rules        string
	Terms        string
	Privacy      string
	// SignupMode (migration 0350): "" or "open", "closed", "invite".
	SignupMode string
	// AmbassadorsInvite (migration 0352) lets ambassadors make invites.
	AmbassadorsInvite bool
	UpdatedBy         int64
	UpdatedAt         time.Time
}

// TableName keeps the plural table name of the migration.
func (SiteSettings) TableName() string { return "site_settings" }

// siteSettingsID is the one row's id.
const siteSettingsID = 1

// SiteSettings reads the settings row.
func (s *Store) SiteSettings(ctx context.Context) (*SiteSettings, error) {
	var ss SiteSettings
	if err := s.DB(ctx).Where("id = ?", siteSettingsID).Take(&ss).Error; err != nil {
		return nil, notFound(err)
	}
	return &ss, nil
}

// SiteSettingsVersion reads only the settings' version: what a page that
// has no version read of its own checks its cached settings against.
func (s *Store) SiteSettingsVersion(ctx context.Context) (int64, error) {
	// Rows, not Row: when the query fails (a busy database under load),
	// gorm's Row hands back a *sql.Row whose Scan panics on its nil rows.
	var v int64
	rows, err := s.DB(ctx).Raw(`SELECT version FROM site_settings WHERE id = ?`, siteSettingsID).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	if err := firstRow(rows); err != nil {
		return 0, err
	}
	if err := rows.Scan(&v); err != nil {
		return 0, err
	}
	return v, rows.Close()
}

// ErrStale is a write refused because the row changed since it was read.
var ErrStale = errors.New("changed since it was read")

// SaveSiteSettings writes every field of ss and bumps the version in the
// same statement, if the version is still expect (ErrStale otherwise), so
// two saves from two processes never overwrite each other unseen.
// ss.Version is set to the new version.
func (s *Store) SaveSiteSettings(ctx context.Context, ss *SiteSettings, expect int64) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		res := s.DB(ctx).Exec(`UPDATE site_settings SET version = version + 1, name = ?, description = ?, logo_file = ?,
			favicon_file = ?, accent = ?, contact_email = ?, rules = ?, terms = ?, privacy = ?, signup_mode = ?, ambassadors_invite = ?, updated_by = ?, updated_at = ?
			WHERE id = ? AND version = ?`, ss.Name, ss.Description, ss.LogoFile, ss.FaviconFile, ss.Accent, ss.ContactEmail,
			ss.Rules, ss.Terms, ss.Privacy, ss.SignupMode, ss.AmbassadorsInvite, ss.UpdatedBy, ss.UpdatedAt, siteSettingsID, expect)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		v, err := s.SiteSettingsVersion(ctx)
		ss.ID, ss.Version = siteSettingsID, v
		return err
	})
}
