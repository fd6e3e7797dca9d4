package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/modelstest"
)

// TestMemberListPlanUsesIndex: the staff member list's default listing,
// first and deep pages, reads idx_users_created_id in order, with no sort
// of the users table, on whichever database the test runs.
func TestMemberListPlanUsesIndex(t *testing.T) {
	s := modelstest.Open(t)
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, q := range map[string]models.MemberListQuery{
		"first": {Now: now},
		"deep":  {Now: now, Before: &models.KeysetCursor{CreatedAt: now, ID: 5000}},
		"seen":  {Now: now, BySeen: true, Before: &models.KeysetCursor{CreatedAt: now, ID: 5000}},
	} {
		index := "idx_users_created_id"
		if q.BySeen {
			index = "idx_users_last_seen"
		}
		var rows []models.MemberListRow
		stmt := models.MemberListDB(s, ctx, q, 51).Session(&gorm.Session{DryRun: true}).Scan(&rows).Statement
		sql := stmt.Dialector.Explain(stmt.SQL.String(), stmt.Vars...)
		plan := queryPlan(t, s, sql, nil, "enable_seqscan", "enable_bitmapscan", "enable_sort")
		// The outer query's plan: the subqueries' lines name other tables.
		all := strings.Join(plan, "\n")
		if !strings.Contains(all, index) {
			t.Errorf("%s: the list does not read %s:\n%s", name, index, all)
		}
		for _, line := range plan {
			if strings.Contains(line, "TEMP B-TREE") || strings.Contains(line, "Sort Key: users.") || line == "SCAN users" {
				t.Errorf("%s: plan sorts or scans users (%q):\n%s", name, line, all)
			}
		}
		t.Logf("%s:\n%s", name, all)
	}
}
