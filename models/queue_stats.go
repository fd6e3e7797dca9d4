package models

import (
	"context"
	"fmt"
	"time"
)

// QueueStat is one work queue's backlog: rows waiting or being worked on,
// and when the oldest of them was queued (zero when the queue is empty).
type QueueStat struct {
	Queue  string
	Depth  int64
	Oldest time.Time
}

// queueTables are the persisted queues an operator watches, by the name
// metrics give them. Each keeps waiting rows in state pending (or
// processing while claimed) and has created_at.
var queueTables = []struct{ name, table string }{
	{"deliveries", "deliveries"},
	{"inbox", "inbox_activities"},
	{"mail", "mails"},
	{"pending_replies", "pending_replies"},
	{"remote_media", "remote_attachments"},
}

// QueueStats measures every queue in one statement: a COUNT and a MIN per
// table over the rows still to do. Finished rows (done, failed, cached)
// are excluded by the state filter, which the claim indexes lead with on
// deliveries, inbox and mail, so the cost follows the backlog, not the
// table's history. Callers cache the answer (server's queue collector).
func (s *Store) QueueStats(ctx context.Context) ([]QueueStat, error) {
	sql := ""
	for i, q := range queueTables {
		if i > 0 {
			sql += " UNION ALL "
		}
		sql += fmt.Sprintf(`SELECT '%s', COUNT(*), MIN(created_at) FROM %s WHERE state IN ('pending', 'processing')`, q.name, q.table)
	}
	rows, err := s.DB(ctx).Raw(sql).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []QueueStat
	for rows.Next() {
		var st QueueStat
		var oldest anyTime
		if err := rows.Scan(&st.Queue, &st.Depth, &oldest); err != nil {
			return nil, err
		}
		st.Oldest = oldest.t
		out = append(out, st)
	}
	return out, rows.Err()
}

// anyTime scans an aggregate's time: PostgreSQL gives a time.Time, SQLite
// (no declared type on MIN) the text the driver stored.
type anyTime struct{ t time.Time }

// sqliteTimeLayouts are the forms the SQLite driver writes times in.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05",
}

func (a *anyTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		a.t = time.Time{}
		return nil
	case time.Time:
		a.t = x
		return nil
	case []byte:
		return a.parse(string(x))
	case string:
		return a.parse(x)
	}
	return fmt.Errorf("queue stats: cannot read %T as a time", v)
}

func (a *anyTime) parse(s string) error {
	for _, layout := range sqliteTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			a.t = t
			return nil
		}
	}
	return fmt.Errorf("queue stats: cannot read %q as a time", s)
}
