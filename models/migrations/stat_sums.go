package migrations

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Frozen copies of the tables migration 0170 creates; never edit them.

type v170ContributorSum struct {
	ID         int64     `gorm:"primaryKey"`
	FromDay    string    `gorm:"size:10;not null;uniqueIndex:idx_contributor_sums_window,priority:1"`
	ToDay      string    `gorm:"size:10;not null;uniqueIndex:idx_contributor_sums_window,priority:2"`
	Stamp      string    `gorm:"size:64;not null"`
	Authors    int64     `gorm:"not null"`
	Totals     []byte    `gorm:"not null"`
	ComputedAt time.Time `gorm:"not null;index"`
}

func (v170ContributorSum) TableName() string { return "contributor_sums" }

type v170CohortWeek struct {
	JoinWeek string `gorm:"primaryKey;size:10"`
	Week     string `gorm:"primaryKey;size:10"`
	Members  int64  `gorm:"not null;default:0"`
}

func (v170CohortWeek) TableName() string { return "cohort_weeks" }

// migrateStatSums makes the dashboard's two biggest reads cost what their
// answer holds, not what the rollups hold.
//
//   - contributor_sums: per window of rolled-up days, every author's posts
//     and replies summed once, in one compact row (a varint-encoded list,
//     see models.EncodeContributorTotals), with a stamp of the rollup state
//     it was summed from. Summing 30 days of daily_contributors (~330,000
//     rows at 1M posts) was a GROUP BY on every uncached stats request.
//   - cohort_weeks: how many members who joined in one week were active in
//     a later one, kept by triggers on member_activity_weeks (whatever
//     writes activity rows, the counts follow, and concurrent rollups of
//     one week add up instead of overwriting each other). Retention read
//     and grouped every activity row of the cohorts' members instead.
//   - idx_users_role: the ambassadors among a window's authors are found
//     from the few users holding the role, not by joining every author.
func migrateStatSums(tx *gorm.DB) error {
	if err := tx.Migrator().CreateTable(&v170ContributorSum{}, &v170CohortWeek{}); err != nil {
		return err
	}
	stmts := []string{
		`CREATE INDEX idx_users_role ON users (role)`,
		`INSERT INTO cohort_weeks (join_week, week, members)
			SELECT join_week, week, COUNT(*) FROM member_activity_weeks WHERE week > join_week GROUP BY join_week, week`,
	}
	if tx.Dialector.Name() == "postgres" {
		stmts = append(stmts,
			`CREATE FUNCTION hearth_cohort_weeks() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF TG_OP IN ('UPDATE', 'DELETE') THEN
					IF OLD.week > OLD.join_week THEN
						UPDATE cohort_weeks SET members = members - 1 WHERE join_week = OLD.join_week AND week = OLD.week;
					END IF;
				END IF;
				IF TG_OP IN ('INSERT', 'UPDATE') THEN
					IF NEW.week > NEW.join_week THEN
						INSERT INTO cohort_weeks (join_week, week, members) VALUES (NEW.join_week, NEW.week, 1)
						ON CONFLICT (join_week, week) DO UPDATE SET members = cohort_weeks.members + 1;
					END IF;
				END IF;
				RETURN NULL;
			END $$`,
			`CREATE TRIGGER member_activity_weeks_cohort AFTER INSERT OR UPDATE OR DELETE ON member_activity_weeks
				FOR EACH ROW EXECUTE FUNCTION hearth_cohort_weeks()`,
		)
	} else {
		const add = `INSERT INTO cohort_weeks (join_week, week, members) VALUES (new.join_week, new.week, 1)
			ON CONFLICT (join_week, week) DO UPDATE SET members = members + 1;`
		const sub = `UPDATE cohort_weeks SET members = members - 1 WHERE join_week = old.join_week AND week = old.week;`
		stmts = append(stmts,
			`CREATE TRIGGER member_activity_weeks_cohort_ai AFTER INSERT ON member_activity_weeks
				WHEN new.week > new.join_week BEGIN `+add+` END`,
			`CREATE TRIGGER member_activity_weeks_cohort_ad AFTER DELETE ON member_activity_weeks
				WHEN old.week > old.join_week BEGIN `+sub+` END`,
			// One trigger per direction so each keeps its WHEN.
			`CREATE TRIGGER member_activity_weeks_cohort_au_old AFTER UPDATE ON member_activity_weeks
				WHEN old.week > old.join_week BEGIN `+sub+` END`,
			`CREATE TRIGGER member_activity_weeks_cohort_au_new AFTER UPDATE ON member_activity_weeks
				WHEN new.week > new.join_week BEGIN `+add+` END`,
		)
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
