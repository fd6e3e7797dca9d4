package models

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"time"

	"gorm.io/gorm/clause"
)

// ContributorSum is every author's posts and replies summed over the
// rolled-up days of one window [FromDay, ToDay] (migration 0170), so a
// stats request reads one row instead of grouping a month of
// daily_contributors. Stamp names the rollup state the sum was made from;
// the domain layer compares it with the current state before trusting it.
type ContributorSum struct {
	ID         int64
	FromDay    string
	ToDay      string
	Stamp      string
	Authors    int64
	Totals     []byte // EncodeContributorTotals
	ComputedAt time.Time
}

// TableName: gorm would pluralise oddly.
func (ContributorSum) TableName() string { return "contributor_sums" }

// contributorSumsFormat is the first byte of every encoded list; a reader
// treats any other value as no sum at all.
const contributorSumsFormat = 1

// EncodeContributorTotals packs totals (Posts and Replies; Role is not
// stored, roles change) ordered by user id as varints: the id as a delta
// from the previous one, then posts and replies. 20,000 authors take
// about 120 KB.
func EncodeContributorTotals(totals []ContributorTotal) []byte {
	sorted := slices.Clone(totals)
	slices.SortFunc(sorted, func(a, b ContributorTotal) int { return cmp.Compare(a.UserID, b.UserID) })
	buf := make([]byte, 0, 1+binary.MaxVarintLen64+len(sorted)*6)
	buf = append(buf, contributorSumsFormat)
	buf = binary.AppendUvarint(buf, uint64(len(sorted)))
	prev := int64(0)
	for _, c := range sorted {
		buf = binary.AppendUvarint(buf, uint64(c.UserID-prev))
		buf = binary.AppendUvarint(buf, uint64(c.Posts))
		buf = binary.AppendUvarint(buf, uint64(c.Replies))
		prev = c.UserID
	}
	return buf
}

// errBadContributorSums: a stored list this code cannot read.
var errBadContributorSums = errors.New("contributor sums: unreadable list")

// DecodeContributorTotals unpacks EncodeContributorTotals' output.
func DecodeContributorTotals(b []byte) ([]ContributorTotal, error) {
	if len(b) == 0 || b[0] != contributorSumsFormat {
		return nil, errBadContributorSums
	}
	b = b[1:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	count, ok := next()
	if !ok || count > uint64(len(b)) { // each entry takes at least 3 bytes
		return nil, errBadContributorSums
	}
	out := make([]ContributorTotal, count)
	id := int64(0)
	for i := range out {
		delta, ok1 := next()
		posts, ok2 := next()
		replies, ok3 := next()
		if !ok1 || !ok2 || !ok3 {
			return nil, errBadContributorSums
		}
		id += int64(delta)
		out[i] = ContributorTotal{UserID: id, Posts: int64(posts), Replies: int64(replies)}
	}
	if len(b) != 0 {
		return nil, errBadContributorSums
	}
	return out, nil
}

// ContributorSumFor returns the stored sum of window [from, to], or nil.
func (s *Store) ContributorSumFor(ctx context.Context, from, to string) (*ContributorSum, error) {
	var out []ContributorSum
	err := s.DB(ctx).Where("from_day = ? AND to_day = ?", from, to).Limit(1).Find(&out).Error
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return &out[0], nil
}

// SaveContributorSum stores (or replaces) the sum of its window, then
// deletes all but the keep most recently computed windows, so custom
// windows asked for once do not pile up.
func (s *Store) SaveContributorSum(ctx context.Context, cs *ContributorSum, keep int) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		db := s.DB(ctx)
		row := *cs
		row.ID = 0
		err := db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "from_day"}, {Name: "to_day"}},
			DoUpdates: clause.AssignmentColumns([]string{"stamp", "authors", "totals", "computed_at"}),
		}).Create(&row).Error
		if err != nil {
			return err
		}
		return db.Exec(`DELETE FROM contributor_sums WHERE id NOT IN
			(SELECT id FROM contributor_sums ORDER BY computed_at DESC, id DESC LIMIT ?)`, keep).Error
	})
}

// SumContributors sums each author's posts and replies over the given days
// of daily_contributors, in no particular order. It reads every author's
// row of every day (the covering idx_daily_contributors_cover), which is
// what ContributorSum saves.
func (s *Store) SumContributors(ctx context.Context, days []string) ([]ContributorTotal, error) {
	if len(days) == 0 {
		return nil, nil
	}
	rows, err := s.DB(ctx).Raw(`SELECT user_id, SUM(posts), SUM(replies) FROM daily_contributors
		WHERE day IN ? GROUP BY user_id`, days).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContributorTotal
	for rows.Next() {
		var c ContributorTotal
		if err := rows.Scan(&c.UserID, &c.Posts, &c.Replies); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UserIDsWithRole lists the ids of the users (local or remote) holding
// role, from idx_users_role.
func (s *Store) UserIDsWithRole(ctx context.Context, role string) ([]int64, error) {
	var out []int64
	err := s.DB(ctx).Raw("SELECT id FROM users WHERE role = ?", role).Scan(&out).Error
	return out, err
}
