package models

import (
	"context"
	"time"
)

// Instance block severities.
const (
	BlockSuspend = "suspend" // refuse all their activity, deliver nothing to them
	BlockSilence = "silence" // their posts need approval
)

// InstanceBlock is an administrator's decision about a whole remote
// server. Domain is lower-case; a block covers its subdomains too (the
// domain layer decides that, see forum.InstanceSuspended).
type InstanceBlock struct {
	ID        int64     `gorm:"primaryKey"`
	Domain    string    `gorm:"size:253;not null;uniqueIndex"`
	Severity  string    `gorm:"size:16;not null"`
	Reason    string    `gorm:"size:1000;not null;default:''"`
	CreatedBy int64     `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// InstanceBlockByDomain loads the block on exactly this domain.
func (s *Store) InstanceBlockByDomain(ctx context.Context, domain string) (*InstanceBlock, error) {
	var b InstanceBlock
	if err := s.DB(ctx).Where("domain = ?", domain).First(&b).Error; err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// CreateInstanceBlock inserts b; a second block on one domain is a unique
// violation.
func (s *Store) CreateInstanceBlock(ctx context.Context, b *InstanceBlock) error {
	return s.DB(ctx).Create(b).Error
}

// UpdateInstanceBlock changes a block's severity and reason.
func (s *Store) UpdateInstanceBlock(ctx context.Context, id int64, severity, reason string, now time.Time) error {
	return s.DB(ctx).Model(&InstanceBlock{}).Where("id = ?", id).
		Updates(map[string]any{"severity": severity, "reason": reason, "updated_at": now}).Error
}

// DeleteInstanceBlock removes a block.
func (s *Store) DeleteInstanceBlock(ctx context.Context, id int64) error {
	return s.DB(ctx).Where("id = ?", id).Delete(&InstanceBlock{}).Error
}

// InstanceBlocks lists every block, by domain.
func (s *Store) InstanceBlocks(ctx context.Context) ([]InstanceBlock, error) {
	var out []InstanceBlock
	err := s.DB(ctx).Order("domain").Find(&out).Error
	return out, err
}

// AnyInstanceBlock reports whether one of the domains has a block of the
// given severity: one indexed IN lookup per inbound activity or delivery.
func (s *Store) AnyInstanceBlock(ctx context.Context, domains []string, severity string) (bool, error) {
	if len(domains) == 0 {
		return false, nil
	}
	var n int64
	err := s.DB(ctx).Model(&InstanceBlock{}).Where("domain IN ? AND severity = ?", domains, severity).Count(&n).Error
	return n > 0, err
}
