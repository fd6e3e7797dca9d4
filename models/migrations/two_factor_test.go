package migrations_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"

	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/migrations"
	"github.com/hearth/hearth/models/modelstest"
)

// TestTwoFactorMigrationGivesSessionsPublicIDs: sessions that exist when
// 0310 runs get distinct random public ids (the unique index would
// refuse the migration otherwise), unrelated to their cookie hashes.
func TestTwoFactorMigrationGivesSessionsPublicIDs(t *testing.T) {
	ctx := context.Background()
	store, err := models.Open(ctx, modelstest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	db := store.DB(ctx)
	m := gormigrate.New(db, &gormigrate.Options{TableName: "schema_migrations", IDColumnName: "id", IDColumnSize: 64,
		UseTransaction: db.Dialector.Name() == "postgres"}, migrations.All())
	if err := m.MigrateTo("0260_login_limits"); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for _, id := range []string{"hash-one", "hash-two"} {
		if err := db.Exec(`INSERT INTO sessions (id, user_id, ip, user_agent, created_at, expires_at, last_seen_at) VALUES (?, 1, '', '', ?, ?, ?)`,
			id, now, now.Add(time.Hour), now).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := migrations.Run(db); err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := db.Table("sessions").Order("id").Pluck("public_id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || len(ids[0]) != 22 || len(ids[1]) != 22 || ids[0] == ids[1] {
		t.Fatalf("public ids after 0310: %q", ids)
	}
}
