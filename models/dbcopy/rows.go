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
	scan := newRowScanner(cols)
	for rows.Next() {
		row, err := scan.next(rows)
		if err != nil {
			return sum, fmt.Errorf("row %d: %w", sum.rows+1, err)
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
	scan := newRowScanner(cols)
	for rows.Next() {
		row, err := scan.next(rows)
		if err != nil {
			return sum, err
		}
		sum.add(kinds, row)
	}
	return sum, rows.Err()
}

// rowScanner reads rows of cols into one reused slice, each value
// normalized the same way on both sides of a copy, so the source's and
// the target's checksums compare.
type rowScanner struct {
	cols      []column
	raw, ptrs []any
	row       []any
}

func newRowScanner(cols []column) *rowScanner {
	sc := &rowScanner{cols: cols, raw: make([]any, len(cols)), ptrs: make([]any, len(cols)), row: make([]any, len(cols))}
	for i := range sc.raw {
		sc.ptrs[i] = &sc.raw[i]
	}
	return sc
}

// next scans the current row; the slice it returns is reused by the next call.
func (sc *rowScanner) next(rows *sql.Rows) ([]any, error) {
	if err := rows.Scan(sc.ptrs...); err != nil {
		return nil, err
	}
	for i, c := range sc.cols {
		v, err := normalize(c.kind, sc.raw[i])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.name, err)
		}
		sc.row[i] = v
	}
	return sc.row, nil
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
