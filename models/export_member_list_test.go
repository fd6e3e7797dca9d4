package models

import (
	"context"

	"gorm.io/gorm"
)

// MemberListDB exposes the member list's query to the plan test.
func MemberListDB(s *Store, ctx context.Context, q MemberListQuery, limit int) *gorm.DB {
	return s.memberListDB(ctx, q, limit)
}
