package models_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/hearth/hearth/models"
)

// queryPlan returns the plan of sql with vars on s's database, a line per
// row: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL with the
// planner methods in off switched off for the one transaction (a test's
// tables are tiny: switched off, the plan shows whether an index can
// serve, not what is cheapest now).
func queryPlan(t *testing.T, s *models.Store, sql string, vars []any, off ...string) []string {
	t.Helper()
	var plan []string
	err := s.DB(context.Background()).Transaction(func(tx *gorm.DB) error {
		explain := "EXPLAIN QUERY PLAN "
		if tx.Dialector.Name() == "postgres" {
			for _, o := range off {
				if err := tx.Exec("SET LOCAL " + o + " = off").Error; err != nil {
					return err
				}
			}
			explain = "EXPLAIN "
		}
		rows, err := tx.Raw(explain+sql, vars...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			var words []string
			for _, v := range vals {
				switch x := v.(type) {
				case string:
					words = append(words, x)
				case []byte:
					words = append(words, string(x))
				}
			}
			plan = append(plan, strings.Join(words, " "))
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return plan
}
