// Package migrations holds Hearth's versioned schema changes. Each migration
// is Go code with a fixed ID; `hearth migrate` and `hearth serve` apply the
// ones a database has not seen yet, in order, recorded in its migrations table.
package migrations

import (
	"fmt"
	"sync"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// All lists every migration in the order they apply. Append only.
func All() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		{ID: "0001_initial", Migrate: migrateInitial},
		{ID: "0002_search", Migrate: migrateSearch},
		{ID: "0003_threads_category_updated", Migrate: migrateThreadsCategoryUpdated},
		{ID: "0004_actor_keys", Migrate: migrateActorKeys},
		{ID: "0005_federation_state", Migrate: migrateFederationState},
		{ID: "0020_moderation", Migrate: migrateModeration},
		{ID: "0030_sanctions", Migrate: migrateSanctions},
		{ID: "0040_remote_authors", Migrate: migrateRemoteAuthors},
		{ID: "0050_community", Migrate: migrateCommunity},
		{ID: "0060_delivery_hosts", Migrate: migrateDeliveryHosts},
		{ID: "0070_notifications", Migrate: migrateNotifications},
		{ID: "0080_polls", Migrate: migratePolls},
		{ID: "0090_admission", Migrate: migrateAdmission},
		{ID: "0100_mail", Migrate: migrateMail},
		{ID: "0110_analytics", Migrate: migrateAnalytics},
		{ID: "0120_modtools", Migrate: migrateModTools},
		{ID: "0130_fedcompat", Migrate: migrateFedcompat},
		{ID: "0140_fed2", Migrate: migrateRemoteAvatars},
		{ID: "0150_perf", Migrate: migratePerf},
		{ID: "0160_stats", Migrate: migrateStats},
		{ID: "0170_stat_sums", Migrate: migrateStatSums},
		{ID: "0175_partial_day", Migrate: migratePartialDay},
		{ID: "0180_poll_text_boosts", Migrate: migratePollTextBoosts},
		{ID: "0190_pg_covering", Migrate: migratePGCovering},
		{ID: "0200_mod_ux", Migrate: migrateModUX},
		{ID: "0220_merge_trigger", Migrate: migrateMergeTrigger},
		{ID: "0230_seen_days", Migrate: migrateSeenDays},
		{ID: "0240_seeded_members", Migrate: migrateSeededMembers},
		{ID: "0250_health_checks", Migrate: migrateHealthChecks},
		{ID: "0260_login_limits", Migrate: migrateLoginLimits},
		{ID: "0300_password_resets", Migrate: migratePasswordResets},
		{ID: "0301_email_verification", Migrate: migrateEmailVerification},
		{ID: "0310_two_factor", Migrate: migrateTwoFactor},
		{ID: "0320_site_settings", Migrate: migrateSiteSettings},
		{ID: "0330_category_admin", Migrate: migrateCategoryAdmin},
		{ID: "0340_account_leave", Migrate: migrateAccountLeave},
		{ID: "0350_signup_modes", Migrate: migrateSignupModes},
		{ID: "0351_signup_approval", Migrate: migrateSignupApproval},
		{ID: "0352_ambassador_invites", Migrate: migrateAmbassadorInvites},
		{ID: "0360_member_list", Migrate: migrateMemberList},
		{ID: "0361_member_last_seen", Migrate: migrateMemberLastSeen},
		{ID: "0370_passkeys", Migrate: migratePasskeys},
		{ID: "0380_site_files", Migrate: migrateSiteFiles},
		{ID: "0400_messages", Migrate: migrateMessages},
		{ID: "0401_message_reports", Migrate: migrateMessageReports},
		{ID: "0402_unlisted_posts", Migrate: migrateUnlistedPosts},
		{ID: "0430_relay", Migrate: migrateRelay},
		{ID: "0450_conversation_context", Migrate: migrateConversationContext},
		{ID: "0451_backfill_requests", Migrate: migrateBackfillRequests},
		{ID: "0460_remote_actor_moves", Migrate: migrateRemoteActorMoves},
		{ID: "0461_deliveries_past_block", Migrate: migrateDeliveriesPastBlock},
		{ID: "0462_remote_actor_move_at", Migrate: migrateRemoteActorMoveAt},
		{ID: "0463_member_moves", Migrate: migrateMemberMoves},
		{ID: "0480_remote_follows", Migrate: migrateRemoteFollows},
		{ID: "0500_uploads", Migrate: migrateUploads},
		{ID: "0520_remote_attachments", Migrate: migrateRemoteAttachments},
		{ID: "0550_drafts", Migrate: migrateDrafts},
		{ID: "0570_member_hints", Migrate: migrateMemberHints},
		{ID: "0580_languages", Migrate: migrateLanguages},
		{ID: "0585_mail_language", Migrate: migrateMailLanguage},
		{ID: "0595_search_language", Migrate: migrateSearchLanguage},
		{ID: "0620_likes_by_member", Migrate: migrateLikesByMember},
	}
}

// Run applies all pending migrations. Several processes may start together
// on one database (replicas, a rolling upgrade): on PostgreSQL they take
// turns under a session advisory lock, so the first applies the migrations
// and the others then find nothing to do, instead of racing to create the
// same tables. The lock is keyed by the schema, so separate schemas in one
// database (tests) do not wait for each other. An SQLite file is served by
// one process; its Runs take turns inside that process.
func Run(db *gorm.DB) error {
	if db.Dialector.Name() != "postgres" {
		sqliteMigrating.Lock()
		defer sqliteMigrating.Unlock()
		return run(db)
	}
	// The advisory lock belongs to a session, so lock, migrate and unlock
	// all run on one connection.
	return db.Connection(func(conn *gorm.DB) error {
		if err := conn.Exec(`SELECT pg_advisory_lock(hashtext('hearth migrations ' || current_schema()))`).Error; err != nil {
			return fmt.Errorf("lock for migrations: %w", err)
		}
		defer conn.Exec(`SELECT pg_advisory_unlock(hashtext('hearth migrations ' || current_schema()))`)
		return run(conn)
	})
}

// sqliteMigrating serializes Run on SQLite within this process.
var sqliteMigrating sync.Mutex

func run(db *gorm.DB) error {
	if err := migrator(db).Migrate(); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// RunTo applies the migrations up to and including id, for tests of what
// one migration does to rows made before it.
func RunTo(db *gorm.DB, id string) error {
	return migrator(db).MigrateTo(id)
}

func migrator(db *gorm.DB) *gormigrate.Gormigrate {
	return gormigrate.New(db, &gormigrate.Options{
		TableName:                 "schema_migrations",
		IDColumnName:              "id",
		IDColumnSize:              64,
		UseTransaction:            db.Dialector.Name() == "postgres",
		ValidateUnknownMigrations: true,
	}, All())
}

func migrateInitial(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(
		&v1User{}, &v1Session{}, &v1Token{}, &v1LoginFailure{},
		&v1Category{}, &v1Thread{}, &v1Post{}, &v1PostRevision{},
		&v1Like{}, &v1Bookmark{}, &v1Tag{}, &v1ThreadTag{},
	)
}

// migrateSearch adds full-text search: generated tsvector columns with GIN
// indexes on PostgreSQL, FTS5 external-content tables kept in step by
// triggers on SQLite.
func migrateSearch(tx *gorm.DB) error {
	var stmts []string
	if tx.Dialector.Name() == "postgres" {
		stmts = []string{
			`ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(body, ''))) STORED`,
			`CREATE INDEX idx_posts_search ON posts USING GIN (search)`,
			`ALTER TABLE threads ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(title, ''))) STORED`,
			`CREATE INDEX idx_threads_search ON threads USING GIN (search)`,
		}
	} else {
		stmts = []string{
			`CREATE VIRTUAL TABLE post_fts USING fts5(body, content='posts', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')`,
			`CREATE TRIGGER posts_fts_ai AFTER INSERT ON posts BEGIN INSERT INTO post_fts(rowid, body) VALUES (new.id, new.body); END`,
			`CREATE TRIGGER posts_fts_ad AFTER DELETE ON posts BEGIN INSERT INTO post_fts(post_fts, rowid, body) VALUES ('delete', old.id, old.body); END`,
			`CREATE TRIGGER posts_fts_au AFTER UPDATE OF body ON posts BEGIN INSERT INTO post_fts(post_fts, rowid, body) VALUES ('delete', old.id, old.body); INSERT INTO post_fts(rowid, body) VALUES (new.id, new.body); END`,
			`CREATE VIRTUAL TABLE thread_fts USING fts5(title, content='threads', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')`,
			`CREATE TRIGGER threads_fts_ai AFTER INSERT ON threads BEGIN INSERT INTO thread_fts(rowid, title) VALUES (new.id, new.title); END`,
			`CREATE TRIGGER threads_fts_ad AFTER DELETE ON threads BEGIN INSERT INTO thread_fts(thread_fts, rowid, title) VALUES ('delete', old.id, old.title); END`,
			`CREATE TRIGGER threads_fts_au AFTER UPDATE OF title ON threads BEGIN INSERT INTO thread_fts(thread_fts, rowid, title) VALUES ('delete', old.id, old.title); INSERT INTO thread_fts(rowid, title) VALUES (new.id, new.title); END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// migrateThreadsCategoryUpdated indexes threads by (category_id, updated_at)
// so a category's version (its newest thread change) is one index probe.
func migrateThreadsCategoryUpdated(tx *gorm.DB) error {
	return tx.Exec(`CREATE INDEX idx_threads_category_updated ON threads (category_id, updated_at)`).Error
}
