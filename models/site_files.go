package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SiteFile is an image of the site settings (logo, favicon), stored in the
// database under its content-hashed name (migration 0380), so any process
// can serve what another stored.
type SiteFile struct {
	Name        string `gorm:"primaryKey;size:100"`
	ContentType string `gorm:"size:50;not null"`
	Data        []byte `gorm:"not null"`
	CreatedAt   time.Time
}

// PutSiteFile stores f unless a file of that name (the same content) is
// there already.
func (s *Store) PutSiteFile(ctx context.Context, f *SiteFile) error {
	return s.DB(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(f).Error
}

// SiteFileByName reads one stored image.
func (s *Store) SiteFileByName(ctx context.Context, name string) (*SiteFile, error) {
	var f SiteFile
	err := s.DB(ctx).Where("name = ?", name).Take(&f).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	return &f, err
}

// DeleteSiteFile removes a stored image no setting uses any more.
func (s *Store) DeleteSiteFile(ctx context.Context, name string) error {
	return s.DB(ctx).Where("name = ?", name).Delete(&SiteFile{}).Error
}
