package dbcopy

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// kind is how a column's values are compared and written, decided by the
// target column's PostgreSQL type: SQLite is dynamically typed (a boolean
// is 0/1, a time is text), so the target's type is the only firm one.
type kind int

const (
	kindInt kind = iota
	kindText
	kindTime
	kindBool
	kindBytes
)

// kindOf maps an information_schema data_type to a kind. A type Hearth's
// migrations do not use yet is an error, not a guess: migrate-db must be
// taught it before it copies such a column.
func kindOf(dataType string) (kind, error) {
	switch dataType {
	case "bigint", "integer", "smallint":
		return kindInt, nil
	case "text", "character varying", "character":
		return kindText, nil
	case "timestamp with time zone", "timestamp without time zone":
		return kindTime, nil
	case "boolean":
		return kindBool, nil
	case "bytea":
		return kindBytes, nil
	}
	return 0, fmt.Errorf("column type %q is not supported by migrate-db yet", dataType)
}

// sqliteTimeLayouts are the ways a time may be stored as text in SQLite
// (the driver's own format first).
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// normalize turns a value read from either database into the Go value
// written to PostgreSQL for a column of kind k. PostgreSQL keeps
// microseconds, so times are cut there (as the store does when it writes).
func normalize(k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case int32:
			return int64(x), nil
		case float64:
			if x == float64(int64(x)) {
				return int64(x), nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case string:
			return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		case []byte:
			return strconv.ParseInt(strings.TrimSpace(string(x)), 10, 64)
		}
	case kindText:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		}
	case kindTime:
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Truncate(time.Microsecond), nil
		case string, []byte:
			s := strings.TrimSuffix(fmt.Sprint(toString(x)), "Z")
			for _, layout := range sqliteTimeLayouts {
				if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
					return t.UTC().Truncate(time.Microsecond), nil
				}
			}
		}
	case kindBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case string, []byte:
			return strconv.ParseBool(toString(x))
		}
	case kindBytes:
		switch x := v.(type) {
		case []byte:
			return append([]byte(nil), x...), nil
		case string:
			return []byte(x), nil
		}
	}
	return nil, fmt.Errorf("cannot read %T value %.40q as %s", v, fmt.Sprint(v), k)
}

func toString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

func (k kind) String() string {
	return [...]string{"integer", "text", "timestamp", "boolean", "bytes"}[k]
}

// canonical is a normalized value's text for the checksum: the same value
// has the same text whichever database it was read from.
func canonical(k kind, v any) string {
	if v == nil {
		return "\\N"
	}
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000000Z")
	case bool:
		if x {
			return "t"
		}
		return "f"
	case []byte:
		return hex.EncodeToString(x)
	}
	return fmt.Sprintf("%s?%v", k, v)
}

// checksum is an order-independent digest of a table's rows: the sum, in
// four 64-bit lanes, of each row's SHA-256 over its canonical fields. The
// order rows come back in cannot differ between the two databases' answers
// (text keys sort by collation on PostgreSQL, bytewise on SQLite), and the
// sum needs no memory beyond the lanes, whatever the table's size.
type checksum struct {
	rows  int64
	lanes [4]uint64
}

func (c *checksum) add(kinds []kind, row []any) {
	h := sha256.New()
	var n [8]byte
	for i, v := range row {
		s := canonical(kinds[i], v)
		// Length-prefixed, so ("ab","c") and ("a","bc") differ.
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
		if v == nil {
			h.Write([]byte{0})
		} else {
			h.Write([]byte{1})
		}
	}
	sum := h.Sum(nil)
	for i := range c.lanes {
		c.lanes[i] += binary.BigEndian.Uint64(sum[i*8:])
	}
	c.rows++
}

// String is the digest in hex.
func (c checksum) String() string {
	var b [32]byte
	for i, l := range c.lanes {
		binary.BigEndian.PutUint64(b[i*8:], l)
	}
	return hex.EncodeToString(b[:])
}
