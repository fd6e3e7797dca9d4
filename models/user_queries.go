package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CreateUser inserts u.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	return s.DB(ctx).Create(u).Error
}

// CountUsers counts member accounts.
// Remote authors (rows with a domain) are not counted: they are not members.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&User{}).Where("domain = ''").Count(&n).Error
	return n, err
}

// CountSignedUp counts the local accounts people made (signed up or
// created with the admin CLI): members `hearth dev seed` made do not count.
func (s *Store) CountSignedUp(ctx context.Context) (int64, error) {
	var n int64
	err := s.DB(ctx).Model(&User{}).Where("domain = '' AND NOT seeded").Count(&n).Error
	return n, err
}

// UserByID loads one user.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.DB(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// UserByUsername looks a user up case-insensitively.
func (s *Store) UserByUsername(ctx context.Context, name string) (*User, error) {
	var u User
	if err := s.DB(ctx).Where("username_lower = ?", strings.ToLower(name)).First(&u).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// UserByLogin finds a user by username or email, case-insensitively.
func (s *Store) UserByLogin(ctx context.Context, login string) (*User, error) {
	var u User
	l := strings.ToLower(login)
	if err := s.DB(ctx).Where("username_lower = ? OR email_lower = ?", l, l).First(&u).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// userCardColumns are what lists and posts show of a member.
const userCardColumns = "id, username, display_name, avatar_file, role, post_count, created_at, updated_at, domain, remote_url, remote_icon_url"

// UserCards loads the public display fields of users (no email, no password
// hash, no bio), keyed by id; missing ids are absent from the map. Lists and
// thread pages call it for every row, so it reads only what they show.
func (s *Store) UserCards(ctx context.Context, ids []int64) (map[int64]*User, error) {
	out := make(map[int64]*User, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var users []User
	if err := s.DB(ctx).Select(userCardColumns).Where("id IN ?", uniqueIDs(ids)).Find(&users).Error; err != nil {
		return nil, err
	}
	for i := range users {
		out[users[i].ID] = &users[i]
	}
	return out, nil
}

// ExistingUsernames returns which of the lower-cased names belong to members.
func (s *Store) ExistingUsernames(ctx context.Context, lower []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(lower) == 0 {
		return out, nil
	}
	var names []string
	if err := s.DB(ctx).Model(&User{}).Where("username_lower IN ?", lower).Pluck("username_lower", &names).Error; err != nil {
		return nil, err
	}
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// UpdateUserFields sets the given columns on one user.
func (s *Store) UpdateUserFields(ctx context.Context, id int64, fields map[string]any) error {
	return s.DB(ctx).Model(&User{}).Where("id = ?", id).Updates(fields).Error
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, sess *Session) error {
	return s.DB(ctx).Create(sess).Error
}

// SessionUser returns the live session with this hash, its user, and
// whether a suspension of the user's is in force at now (as
// ActiveSanction(SanctionSuspend) finds one), in one query: every signed-in
// request asks, so it is one round trip instead of three.
func (s *Store) SessionUser(ctx context.Context, hash string, now time.Time) (*Session, *User, bool, error) {
	rows, err := s.DB(ctx).Raw(`SELECT `+usersSelect+`, sessions.last_seen_at, sessions.expires_at, `+activeSanctionSQL+`
		FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id = ? AND sessions.expires_at > ? LIMIT 1`,
		SanctionSuspend, now, now, hash, now).Rows()
	if err != nil {
		return nil, nil, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, nil, false, err
		}
		return nil, nil, false, ErrNotFound
	}
	u := &User{}
	sess := &Session{ID: hash}
	var suspended bool
	if err := rows.Scan(append(userFields(u), &sess.LastSeenAt, &sess.ExpiresAt, &suspended)...); err != nil {
		return nil, nil, false, err
	}
	sess.UserID = u.ID
	return sess, u, suspended, rows.Close()
}

// TouchSession extends a session's life.
func (s *Store) TouchSession(ctx context.Context, hash string, seen, expires time.Time) error {
	return s.DB(ctx).Model(&Session{}).Where("id = ?", hash).
		Updates(map[string]any{"last_seen_at": seen, "expires_at": expires}).Error
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.DB(ctx).Where("id = ?", hash).Delete(&Session{}).Error
}

// DeleteExpiredSessions removes sessions past their expiry.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return s.DB(ctx).Where("expires_at <= ?", now).Delete(&Session{}).Error
}

// CreateToken stores an API token.
func (s *Store) CreateToken(ctx context.Context, t *Token) error {
	return s.DB(ctx).Create(t).Error
}

// TokenUser returns the user owning the token with this hash.
func (s *Store) TokenUser(ctx context.Context, hash string) (*User, error) {
	var t Token
	if err := s.DB(ctx).Where("hash = ?", hash).First(&t).Error; err != nil {
		return nil, notFound(err)
	}
	return s.UserByID(ctx, t.UserID)
}

// Increment adds delta to an integer column of one row.
func (s *Store) Increment(ctx context.Context, model any, id int64, column string, delta int) error {
	return s.DB(ctx).Model(model).Where("id = ?", id).
		UpdateColumn(column, gorm.Expr(column+" + ?", delta)).Error
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
