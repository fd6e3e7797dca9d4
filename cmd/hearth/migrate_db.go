package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/hearth/hearth/config"
	"github.com/hearth/hearth/models"
	"github.com/hearth/hearth/models/dbcopy"
)

// migrateDBCommand moves a forum from its SQLite file to PostgreSQL: the
// step a community takes when it outgrows one process (docs/OPERATIONS.md).
func migrateDBCommand() *cli.Command {
	return &cli.Command{
		Name:  "migrate-db",
		Usage: "copy the forum from its SQLite database into an empty PostgreSQL database, verified table by table (stop `hearth serve` first)",
		Flags: append(storeFlags(),
			&cli.StringFlag{Name: "to", Required: true, Usage: "the empty PostgreSQL database: postgres://USER:PASS@HOST/DB"},
			&cli.BoolFlag{Name: "with-sessions", Usage: "copy sign-in sessions too, so members stay signed in"},
		),
		Action: func(c *cli.Context) error {
			cfg, err := loadConfig(c)
			if err != nil {
				return err
			}
			return migrateDB(c.Context, os.Stdout, cfg.DB, c.String("to"), c.Bool("with-sessions"))
		},
	}
}

// migrateDB copies the database at from (SQLite) into to (PostgreSQL) and
// prints the per-table results and what to change in the configuration.
func migrateDB(ctx context.Context, out io.Writer, from, to string, withSessions bool) error {
	if !strings.HasPrefix(from, "sqlite://") {
		return fmt.Errorf("the configured database %s is not SQLite; migrate-db copies a SQLite forum into PostgreSQL", config.RedactDSN(from))
	}
	if !strings.HasPrefix(to, "postgres://") && !strings.HasPrefix(to, "postgresql://") {
		return fmt.Errorf("--to must be a PostgreSQL DSN, postgres://USER:PASS@HOST/DB")
	}
	if _, err := os.Stat(strings.TrimPrefix(from, "sqlite://")); err != nil {
		return fmt.Errorf("no database at %s (check --data-dir / --db)", strings.TrimPrefix(from, "sqlite://"))
	}
	src, err := models.Open(ctx, from)
	if err != nil {
		return fmt.Errorf("cannot open database %s: %s", config.RedactDSN(from), oneLine(err.Error()))
	}
	defer src.Close()
	// The source comes to the same schema version as the target will be.
	if err := src.Migrate(); err != nil {
		return fmt.Errorf("cannot migrate database %s: %s", config.RedactDSN(from), oneLine(err.Error()))
	}
	dst, err := models.Open(ctx, to)
	if err != nil {
		return fmt.Errorf("cannot open --to database %s: %s", config.RedactDSN(to), oneLine(err.Error()))
	}
	defer dst.Close()
	dstDB, err := dst.DB(ctx).DB()
	if err != nil {
		return err
	}
	var schema string
	var tables int
	if err := dstDB.QueryRowContext(ctx, `SELECT current_schema(), (SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema())`).Scan(&schema, &tables); err != nil {
		return fmt.Errorf("cannot read --to database %s: %s", config.RedactDSN(to), oneLine(err.Error()))
	}
	if tables > 0 {
		return fmt.Errorf("the --to database %s is not empty (%d tables in schema %s); migrate-db copies only into an empty database, so it never overwrites a forum: create a new one (createdb) and try again",
			config.RedactDSN(to), tables, schema)
	}
	if err := dst.Migrate(); err != nil {
		return fmt.Errorf("cannot migrate --to database %s: %s", config.RedactDSN(to), oneLine(err.Error()))
	}
	srcDB, err := src.DB(ctx).DB()
	if err != nil {
		return err
	}
	rep, err := dbcopy.Copy(ctx, srcDB, dstDB, dbcopy.Options{WithSessions: withSessions})
	if rep != nil {
		printCopyReport(out, rep)
	}
	if err != nil {
		return fmt.Errorf("migrate-db: %w (the --to database keeps its empty schema: drop and recreate it before trying again)", err)
	}
	fmt.Fprintf(out, "\nCopied %d tables into %s and moved %d sequences past the copied ids; every count and checksum matches.\n",
		len(rep.Tables), config.RedactDSN(to), rep.Sequences)
	fmt.Fprintf(out, "Now serve from PostgreSQL: set --db / HEARTH_DB to %s\n", config.RedactDSN(to))
	fmt.Fprintln(out, "(with its password) and keep --url and --data-dir as they are: the fediverse sees the same actors, keys and followers.")
	fmt.Fprintf(out, "Keep %s as a backup until the forum has run well on PostgreSQL.\n", strings.TrimPrefix(from, "sqlite://"))
	return nil
}

// printCopyReport prints one line per table: rows on each side, the
// checksum, and whether they match.
func printCopyReport(out io.Writer, rep *dbcopy.Report) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TABLE\tSOURCE ROWS\tTARGET ROWS\tCHECKSUM\tRESULT")
	for _, t := range rep.Tables {
		result := "ok"
		switch {
		case t.Skipped != "":
			result = "skipped: " + t.Skipped
		case !t.OK():
			result = "MISMATCH"
		}
		sum := t.SourceSum
		if len(sum) > 16 {
			sum = sum[:16]
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\n", t.Name, t.SourceRows, t.TargetRows, sum, result)
	}
	_ = w.Flush()
}
