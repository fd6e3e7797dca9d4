package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/hearth/hearth/backup"
	"github.com/hearth/hearth/clock"
	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
)

func backupCommand() *cli.Command {
	return &cli.Command{
		Name:  "backup",
		Usage: "write a consistent backup (database, data files, instance secrets) to one .tar.gz while the forum serves; on PostgreSQL, print the pg_dump commands",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "out", Required: true, Usage: "the backup file to write (must not exist)"},
		),
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			return runBackup(c.Context, os.Stdout, cfg, c.String("out"))
		},
	}
}

func restoreCommand() *cli.Command {
	return &cli.Command{
		Name:  "restore",
		Usage: "restore a backup made by `hearth admin backup` into an empty data directory, checking every file's checksum",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "from", Required: true, Usage: "the backup file"},
		),
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			return runRestore(os.Stdout, cfg, c.String("from"))
		},
	}
}

// pgBackupHelp is what backup prints for a PostgreSQL forum: PostgreSQL's
// own tools do it better than Hearth could.
func pgBackupHelp(dsn, dataDir, out string) string {
	d := config.RedactDSN(dsn)
	return fmt.Sprintf(`This forum's database is PostgreSQL: back it up with PostgreSQL's own tools
(consistent while the forum serves), and the data directory's files beside it:

  pg_dump --format=custom --no-owner --file=%[1]s '%[2]s'
  tar -czf %[1]s.files.tar.gz -C %[3]s .

Restore into a new, empty database (then point --db / HEARTH_DB at it):

  createdb hearth_restored
  pg_restore --no-owner --exit-on-error --dbname='postgres://USER:PASS@HOST/hearth_restored' %[1]s
  mkdir -p %[3]s && tar -xzf %[1]s.files.tar.gz -C %[3]s

(the password in the DSN is hidden here: %[2]s)
`, out, d, dataDir)
}

func runBackup(ctx context.Context, w io.Writer, cfg config.Config, out string) error {
	if !strings.HasPrefix(cfg.DB, "sqlite://") {
		fmt.Fprint(w, pgBackupHelp(cfg.DB, cfg.DataDir, out))
		return nil
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists; choose a new file for the backup", out)
	}
	dbPath := strings.TrimPrefix(cfg.DB, "sqlite://")
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("no database at %s (check --data-dir / --db)", dbPath)
	}
	store, err := models.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("cannot open database %s: %s", config.RedactDSN(cfg.DB), oneLine(err.Error()))
	}
	defer store.Close()
	db, err := store.DB(ctx).DB()
	if err != nil {
		return err
	}
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, ".hearth-backup-*.tar.gz")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	m, err := backup.Write(ctx, db, dbPath, cfg.DataDir, dir, Version, clock.Now(), tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// Written whole, then named: a backup cut short never looks finished.
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	fmt.Fprintf(w, "backed up the database and %d data files (%d bytes before compression) to %s\n", len(m.Files)-1, size, out)
	fmt.Fprintf(w, "restore with: hearth admin restore --from %s --data-dir EMPTY_DIR\n", out)
	return nil
}

func runRestore(w io.Writer, cfg config.Config, from string) error {
	if !strings.HasPrefix(cfg.DB, "sqlite://") {
		return fmt.Errorf("the configured database is PostgreSQL: restore it with pg_restore (`hearth admin backup` prints the commands)")
	}
	f, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("cannot read the backup: %w", err)
	}
	defer f.Close()
	m, err := backup.Restore(f, strings.TrimPrefix(cfg.DB, "sqlite://"), cfg.DataDir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(w, "restored the backup of %s (hearth %s, %d files, every checksum matches) into %s\n",
		m.CreatedAt.Format("2006-01-02 15:04 UTC"), m.HearthVersion, len(m.Files), cfg.DataDir)
	fmt.Fprintln(w, "start the forum with: hearth serve --data-dir "+cfg.DataDir+" (migrations bring an older backup up to date)")
	return nil
}
