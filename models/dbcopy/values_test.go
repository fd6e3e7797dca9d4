package dbcopy

import (
	"testing"
	"time"
)

// The same stored value reads back differently from SQLite (0/1, text
// times) and PostgreSQL (bool, time.Time); normalize makes them one value,
// so the checksums of the two sides agree, and refuses what it cannot
// read instead of copying it wrong.
func TestNormalizeAcrossDrivers(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 20, 30, 123456789, time.FixedZone("x", 3600))
	want := at.UTC().Truncate(time.Microsecond)
	for _, tc := range []struct {
		name     string
		k        kind
		sqlite   any
		postgres any
	}{
		{"bool from 0/1", kindBool, int64(1), true},
		{"false", kindBool, int64(0), false},
		{"time as driver text", kindTime, "2026-03-01 09:20:30.123456789+00:00", want},
		{"time parsed by driver", kindTime, at, want},
		{"time RFC 3339", kindTime, "2026-03-01T09:20:30.123456Z", want},
		{"int", kindInt, int64(42), int64(42)},
		{"text from blob", kindText, []byte("héllo"), "héllo"},
		{"bytes", kindBytes, []byte{0, 1, 2}, []byte{0, 1, 2}},
		{"null", kindText, nil, nil},
	} {
		a, err := normalize(tc.k, tc.sqlite)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, err := normalize(tc.k, tc.postgres)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if canonical(tc.k, a) != canonical(tc.k, b) {
			t.Errorf("%s: %q (SQLite) != %q (PostgreSQL)", tc.name, canonical(tc.k, a), canonical(tc.k, b))
		}
	}
	for _, bad := range []struct {
		k kind
		v any
	}{{kindTime, "yesterday"}, {kindInt, "12abc"}, {kindBool, "maybe"}, {kindInt, 1.5}} {
		if _, err := normalize(bad.k, bad.v); err == nil {
			t.Errorf("normalize(%s, %v) accepted it", bad.k, bad.v)
		}
	}
	if _, err := kindOf("jsonb"); err == nil {
		t.Error("an unknown column type must stop the copy")
	}
}

// The checksum does not depend on row order but does on every field, on
// where one field ends and the next begins, and on NULL versus "\N".
func TestChecksum(t *testing.T) {
	kinds := []kind{kindText, kindText}
	sum := func(rows ...[]any) string {
		var c checksum
		for _, r := range rows {
			c.add(kinds, r)
		}
		return c.String()
	}
	base := sum([]any{"a", "b"}, []any{"c", "d"})
	if sum([]any{"c", "d"}, []any{"a", "b"}) != base {
		t.Error("row order changed the checksum")
	}
	for name, other := range map[string]string{
		"changed field": sum([]any{"a", "b"}, []any{"c", "e"}),
		"moved border":  sum([]any{"ab", ""}, []any{"c", "d"}),
		"null":          sum([]any{"a", "b"}, []any{"c", nil}),
		"null text":     sum([]any{"a", "b"}, []any{"c", `\N`}),
		"missing row":   sum([]any{"a", "b"}),
	} {
		if other == base {
			t.Errorf("%s: same checksum", name)
		}
	}
	if sum([]any{"c", nil}) == sum([]any{"c", `\N`}) {
		t.Error("NULL and the text \\N have the same checksum")
	}
}
