package migrations

import "gorm.io/gorm"

// migrateSearchLanguage (0595) lets PostgreSQL stem search words in the
// forum's language. Each post and thread row records the language code
// its search vector was built with (search_lang; "" until the restemming
// job in forum/search_language.go sets it to the forum's language), and
// the generated vector picks its text search configuration from it. The
// vectors are generated columns, whose expression must be immutable, so
// the code-to-configuration map is a CASE over constants: its list is
// fixed here and mirrored by models.searchConfigs.
//
// SQLite keeps its FTS5 tables (porter stemming, English); it gets the
// column too, unused, so `hearth admin migrate-db` finds the same columns
// on both sides.
func migrateSearchLanguage(tx *gorm.DB) error {
	stmts := []string{
		`ALTER TABLE posts ADD COLUMN search_lang VARCHAR(8) NOT NULL DEFAULT ''`,
		`ALTER TABLE threads ADD COLUMN search_lang VARCHAR(8) NOT NULL DEFAULT ''`,
	}
	if tx.Dialector.Name() == "postgres" {
		const config = `CASE search_lang
			WHEN 'de' THEN 'german'::regconfig WHEN 'fr' THEN 'french'::regconfig
			WHEN 'es' THEN 'spanish'::regconfig WHEN 'it' THEN 'italian'::regconfig
			WHEN 'nl' THEN 'dutch'::regconfig WHEN 'pt' THEN 'portuguese'::regconfig
			WHEN 'sv' THEN 'swedish'::regconfig WHEN 'da' THEN 'danish'::regconfig
			WHEN 'fi' THEN 'finnish'::regconfig WHEN 'nb' THEN 'norwegian'::regconfig
			WHEN 'ru' THEN 'russian'::regconfig
			ELSE 'english'::regconfig END`
		stmts = append(stmts,
			`ALTER TABLE posts DROP COLUMN search`,
			`ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector(`+config+`, coalesce(body, ''))) STORED`,
			`CREATE INDEX idx_posts_search ON posts USING GIN (search)`,
			`ALTER TABLE threads DROP COLUMN search`,
			`ALTER TABLE threads ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector(`+config+`, coalesce(title, ''))) STORED`,
			`CREATE INDEX idx_threads_search ON threads USING GIN (search)`,
			// The restemming job finds rows built for another language.
			`CREATE INDEX idx_posts_search_lang ON posts (search_lang)`,
			`CREATE INDEX idx_threads_search_lang ON threads (search_lang)`,
		)
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
