// Package dbcopy copies a Hearth database from SQLite into an empty,
// migrated PostgreSQL database (`hearth admin migrate-db`): every table the
// migrations made, in foreign-key order, in bounded batches, with ids kept
// and sequences moved past them, then verified by row count and checksum.
//
// The table list comes from the two schemas themselves (sqlite_master and
// information_schema), never from a list in the code, so a table added by a
// later migration is copied without anyone remembering to add it here; a
// table or column the source has and the target lacks stops the copy.
package dbcopy

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// Options change what Copy copies.
type Options struct {
	// WithSessions copies the sessions table too, so members stay signed
	// in; without it they sign in again on the new database.
	WithSessions bool
	// BatchRows is how many rows one INSERT carries (default 500).
	BatchRows int
}

// Table is one table's outcome.
type Table struct {
	Name                   string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string
	// Skipped says why the table was not copied ("" when it was).
	Skipped string
}

// OK reports whether the copy matches its source.
func (t Table) OK() bool {
	return t.Skipped != "" || (t.SourceRows == t.TargetRows && t.SourceSum == t.TargetSum)
}

// Report is what Copy did, table by table in the order it copied them.
type Report struct {
	Tables []Table
	// Sequences moved past the copied ids.
	Sequences int
}

// skipped tables: the migrations' own bookkeeping (each side migrates
// itself) and SQLite's internals.
const migrationsTable = "schema_migrations"

// column is one target column and how its values are handled.
type column struct {
	name string
	kind kind
}

// Copy copies every table of src (SQLite) into dst (PostgreSQL, migrated by
// the same Hearth version and otherwise empty: rows its migrations seeded
// are replaced by the source's). It runs in one PostgreSQL transaction and
// commits only when every table's count and checksum match, so a failed
// copy leaves no forum half-copied; the source is read in one read
// transaction, so it is a consistent snapshot even if a process still
// writes to it.
func Copy(ctx context.Context, src, dst *sql.DB, opt Options) (*Report, error) {
	if opt.BatchRows <= 0 {
		opt.BatchRows = 500
	}
	stx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	defer stx.Rollback() //nolint:errcheck // read-only
	srcTables, err := sqliteTables(ctx, stx)
	if err != nil {
		return nil, err
	}
	dtx, err := dst.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("write target: %w", err)
	}
	defer dtx.Rollback() //nolint:errcheck // after Commit it does nothing
	dstCols, err := postgresColumns(ctx, dtx)
	if err != nil {
		return nil, err
	}
	for _, t := range srcTables {
		if _, ok := dstCols[t]; !ok {
			return nil, fmt.Errorf("table %s exists in the source but not in the target; both must be migrated by the same hearth version", t)
		}
	}
	order, err := copyOrder(ctx, dtx, dstCols)
	if err != nil {
		return nil, err
	}
	inSource := map[string]bool{}
	for _, t := range srcTables {
		inSource[t] = true
	}
	rep := &Report{}
	for _, t := range order {
		cols := dstCols[t]
		// Triggers would add rows (analytics change logs) or rewrite
		// copied columns (first-response times) as rows arrive; the
		// source's rows already hold their effects. The table owner may
		// turn its own triggers off, inside the transaction.
		if _, err := dtx.ExecContext(ctx, "ALTER TABLE "+quote(t)+" DISABLE TRIGGER USER"); err != nil {
			return nil, fmt.Errorf("%s: disable triggers: %w", t, err)
		}
		// Rows the target's migrations seeded (site settings, versions)
		// make way for the source's.
		if _, err := dtx.ExecContext(ctx, "DELETE FROM "+quote(t)); err != nil {
			return nil, fmt.Errorf("%s: clear seeded rows: %w", t, err)
		}
		res := Table{Name: t}
		switch {
		case !inSource[t]:
			res.Skipped = "not in the source"
		case t == "sessions" && !opt.WithSessions:
			res.Skipped = "sessions (members sign in again; --with-sessions copies them)"
		default:
			if err := checkColumns(ctx, stx, t, cols); err != nil {
				return nil, err
			}
			sum, err := copyTable(ctx, stx, dtx, t, cols, opt.BatchRows)
			if err != nil {
				return nil, fmt.Errorf("copy %s: %w", t, err)
			}
			res.SourceRows, res.SourceSum = sum.rows, sum.String()
			got, err := tableSum(ctx, dtx, t, cols)
			if err != nil {
				return nil, fmt.Errorf("verify %s: %w", t, err)
			}
			res.TargetRows, res.TargetSum = got.rows, got.String()
		}
		if _, err := dtx.ExecContext(ctx, "ALTER TABLE "+quote(t)+" ENABLE TRIGGER USER"); err != nil {
			return nil, fmt.Errorf("%s: enable triggers: %w", t, err)
		}
		rep.Tables = append(rep.Tables, res)
	}
	var bad []string
	for _, t := range rep.Tables {
		if !t.OK() {
			bad = append(bad, fmt.Sprintf("%s (%d rows → %d)", t.Name, t.SourceRows, t.TargetRows))
		}
	}
	if len(bad) > 0 {
		return rep, fmt.Errorf("the copy does not match its source in %s; nothing was committed", strings.Join(bad, ", "))
	}
	if rep.Sequences, err = resetSequences(ctx, dtx); err != nil {
		return rep, err
	}
	if err := dtx.Commit(); err != nil {
		return rep, fmt.Errorf("commit: %w", err)
	}
	return rep, nil
}

// sqliteTables lists the source's tables: not SQLite's own, not the
// migrations' bookkeeping, not full-text indexes (virtual tables and their
// shadow tables: PostgreSQL searches generated columns instead).
func sqliteTables(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list source tables: %w", err)
	}
	defer rows.Close()
	var names []string
	var virtual []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			return nil, err
		}
		if strings.HasPrefix(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
			continue
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
next:
	for _, n := range names {
		if strings.HasPrefix(n, "sqlite_") || n == migrationsTable {
			continue
		}
		for _, v := range virtual {
			if strings.HasPrefix(n, v+"_") {
				continue next
			}
		}
		out = append(out, n)
	}
	return out, nil
}

// postgresColumns lists the target's tables and their writable columns
// (generated ones, like the search vectors, are computed by PostgreSQL).
func postgresColumns(ctx context.Context, tx *sql.Tx) (map[string][]column, error) {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_generated = 'NEVER' AND table_name <> $1
		ORDER BY table_name, ordinal_position`, migrationsTable)
	if err != nil {
		return nil, fmt.Errorf("list target columns: %w", err)
	}
	defer rows.Close()
	out := map[string][]column{}
	for rows.Next() {
		var t, c, dt string
		if err := rows.Scan(&t, &c, &dt); err != nil {
			return nil, err
		}
		k, err := kindOf(dt)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t, c, err)
		}
		out[t] = append(out[t], column{name: c, kind: k})
	}
	return out, rows.Err()
}

// checkColumns fails when the source table's columns differ from the
// target's: a column only one side has would be lost or left empty.
func checkColumns(ctx context.Context, tx *sql.Tx, table string, cols []column) error {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return fmt.Errorf("%s: source columns: %w", table, err)
	}
	defer rows.Close()
	src := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		src[n] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	dst := map[string]bool{}
	for _, c := range cols {
		dst[c.name] = true
		if !src[c.name] {
			return fmt.Errorf("%s.%s exists in the target but not in the source", table, c.name)
		}
	}
	for n := range src {
		if !dst[n] {
			return fmt.Errorf("%s.%s exists in the source but not in the target; both must be migrated by the same hearth version", table, n)
		}
	}
	return nil
}

// copyOrder puts every referenced table before the tables that refer to
// it (by the target's foreign keys), otherwise by name.
func copyOrder(ctx context.Context, tx *sql.Tx, tables map[string][]column) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT child.relname, parent.relname FROM pg_constraint c
		JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	defer rows.Close()
	deps := map[string][]string{}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			return nil, err
		}
		if child != parent {
			deps[child] = append(deps[child], parent)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	sort.Strings(names)
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(t string) error {
		switch state[t] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", t)
		case 2:
			return nil
		}
		state[t] = 1
		for _, p := range deps[t] {
			if _, ok := tables[p]; ok {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		state[t] = 2
		out = append(out, t)
		return nil
	}
	for _, t := range names {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }
