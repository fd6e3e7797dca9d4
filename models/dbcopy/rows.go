package dbcopy

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// maxParams keeps one INSERT under PostgreSQL's 65535 bind parameters.
const maxParams = 60000

// copyTable streams a source table into the target in batches of at most
// batch rows (memory stays one batch whatever the table's size) and
// returns the checksum of what it read.
func copyTable(ctx context.Context, stx, dtx *sql.Tx, table string, cols []column, batch int) (checksum, error) {
	var sum checksum
	names := make([]string, len(cols))
	kinds := make([]kind, len(cols))
	for i, c := range cols {
		names[i], kinds[i] = quote(c.name), c.kind
	}
	if batch*len(cols) > maxParams {
		batch = maxParams / len(cols)
	}
	rows, err := stx.QueryContext(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+quote(table))
	if err != nil {
		return sum, err
	}
	defer rows.Close()
	head := "INSERT INTO " + quote(table) + " (" + strings.Join(names, ", ") + ") VALUES "
	args := make([]any, 0, batch*len(cols))
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(head)
		p := 1
		for r := 0; r < n; r++ {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", p)
				p++
			}
			b.WriteByte(')')
		}
		if _, err := dtx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		args, n = args[:0], 0
		return nil
	}
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	row := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return sum, err
		}
		for i, c := range cols {
			v, err := normalize(c.kind, raw[i])
			if err != nil {
				return sum, fmt.Errorf("column %s, row %d: %w", c.name, sum.rows+1, err)
			}
			row[i] = v
		}
		sum.add(kinds, row)
		args = append(args, row...)
		n++
		if n == batch {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return sum, err
	}
	return sum, flush()
}

// tableSum reads a target table back and sums it as copyTable summed the
// source, through the same normalization.
func tableSum(ctx context.Context, tx *sql.Tx, table string, cols []column) (checksum, error) {
	var sum checksum
	names := make([]string, len(cols))
	kinds := make([]kind, len(cols))
	for i, c := range cols {
		names[i], kinds[i] = quote(c.name), c.kind
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+quote(table))
	if err != nil {
		return sum, err
	}
	defer rows.Close()
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	row := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return sum, err
		}
		for i, c := range cols {
			v, err := normalize(c.kind, raw[i])
			if err != nil {
				return sum, fmt.Errorf("column %s: %w", c.name, err)
			}
			row[i] = v
		}
		sum.add(kinds, row)
	}
	return sum, rows.Err()
}

// resetSequences moves every serial or identity column's sequence past the
// largest copied id, so the next row PostgreSQL numbers does not collide
// with a copied one. Returns how many it moved.
func resetSequences(ctx context.Context, tx *sql.Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name,
		pg_get_serial_sequence(quote_ident(table_name), column_name)
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')
		ORDER BY table_name`)
	if err != nil {
		return 0, fmt.Errorf("list sequences: %w", err)
	}
	type seq struct{ table, col, name string }
	var seqs []seq
	for rows.Next() {
		var s seq
		var name sql.NullString
		if err := rows.Scan(&s.table, &s.col, &name); err != nil {
			rows.Close()
			return 0, err
		}
		if name.Valid {
			s.name = name.String
			seqs = append(seqs, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, s := range seqs {
		q := fmt.Sprintf("SELECT setval($1, COALESCE(MAX(%s), 0) + 1, false) FROM %s", quote(s.col), quote(s.table))
		if _, err := tx.ExecContext(ctx, q, s.name); err != nil {
			return 0, fmt.Errorf("reset sequence of %s.%s: %w", s.table, s.col, err)
		}
	}
	return len(seqs), nil
}
