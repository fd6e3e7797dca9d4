package models

import (
	"database/sql/driver"
	"strconv"
)

// idArray is a list of ids bound as ONE PostgreSQL parameter, an array
// literal ('{1,2,3}') that the query casts from text to bigint[] and tests
// with `= ANY(CAST(CAST(? AS text) AS bigint[]))` (a category page's read
// marks of its listed threads, CategoryViewerState). gorm expands a plain
// []int64 into one placeholder per id, "IN ($2,$3,…,$101)": on PostgreSQL
// that is new SQL text for every list length (pgx prepares and caches each
// length on each connection, one extra round trip per new length), and
// gorm and pgx build and encode a parameter per id on every page. Measured
// on a thread page's likes of 100 posts (then a list of post ids), that
// lookup was 7% of Hearth's CPU at 1M posts for an empty table. The
// parameter is text on purpose: typed bigint[] (CAST(? AS bigint[])), pgx
// parses the literal back into an array on the client, 615 allocations a
// 100-id lookup against 283 for the IN list and 68 for text; the server's
// array_in does it cheaper. SQLite has no arrays and keeps IN.
type idArray []int64

// Value implements driver.Valuer: gorm binds a Valuer as one parameter.
func (a idArray) Value() (driver.Value, error) {
	b := make([]byte, 0, 2+len(a)*8)
	b = append(b, '{')
	for i, id := range a {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '}')), nil
}
