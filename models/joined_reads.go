package models

import (
	"context"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// Joined reads: rows that callers always load together (a post with its
// thread and category) in one statement instead of one each. Inbound
// federation on PostgreSQL is bound by round trips (docs/BENCHMARKS.md,
// inbox-pg), and a Like read these three rows one after the other.

// postThreadCategory is one joined row; each model's columns carry a
// prefix so that identical names (id, created_at…) stay apart.
type postThreadCategory struct {
	Post     Post     `gorm:"embedded;embeddedPrefix:p__"`
	Thread   Thread   `gorm:"embedded;embeddedPrefix:t__"`
	Category Category `gorm:"embedded;embeddedPrefix:c__"`
}

var (
	postThreadCategoryOnce sync.Once
	postThreadCategorySQL  string
	postThreadCategoryErr  error
)

// selectColumns is `alias."col" AS "prefixcol", …` for every column of
// model, from gorm's schema of it, so a column added later is read too.
func (s *Store) selectColumns(model any, alias, prefix string) (string, error) {
	stmt := &gorm.Statement{DB: s.db}
	if err := stmt.Parse(model); err != nil {
		return "", err
	}
	cols := make([]string, 0, len(stmt.Schema.DBNames))
	for _, c := range stmt.Schema.DBNames {
		cols = append(cols, alias+`."`+c+`" AS "`+prefix+c+`"`)
	}
	return strings.Join(cols, ", "), nil
}

// PostThreadCategory loads a post (deleted or not) with its thread and
// the thread's category, in one statement; ErrNotFound when any is missing.
func (s *Store) PostThreadCategory(ctx context.Context, postID int64) (*Post, *Thread, *Category, error) {
	postThreadCategoryOnce.Do(func() {
		var parts [3]string
		for i, m := range []struct {
			model         any
			alias, prefix string
		}{{&Post{}, "p", "p__"}, {&Thread{}, "t", "t__"}, {&Category{}, "c", "c__"}} {
			if parts[i], postThreadCategoryErr = s.selectColumns(m.model, m.alias, m.prefix); postThreadCategoryErr != nil {
				return
			}
		}
		postThreadCategorySQL = "SELECT " + strings.Join(parts[:], ", ") +
			" FROM posts p JOIN threads t ON t.id = p.thread_id JOIN categories c ON c.id = t.category_id WHERE p.id = ?"
	})
	if postThreadCategoryErr != nil {
		return nil, nil, nil, postThreadCategoryErr
	}
	var rows []postThreadCategory
	if err := s.DB(ctx).Raw(postThreadCategorySQL, postID).Scan(&rows).Error; err != nil {
		return nil, nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, nil, ErrNotFound
	}
	r := &rows[0]
	return &r.Post, &r.Thread, &r.Category, nil
}

// actorUser is a remote actor joined with its users row, if any.
type actorUser struct {
	Actor RemoteActor `gorm:"embedded;embeddedPrefix:a__"`
	User  User        `gorm:"embedded;embeddedPrefix:u__"`
}

var (
	actorUserOnce sync.Once
	actorUserSQL  string
	actorUserErr  error
)

// RemoteActorWithUser loads the stored remote actor apID with its users
// row in one statement (ErrNotFound when the actor is not stored). The
// user is nil when the actor has none yet or when the row no longer shows
// the actor's name, URL or icon: UpsertRemoteUser then writes it.
func (s *Store) RemoteActorWithUser(ctx context.Context, apID string) (*RemoteActor, *User, error) {
	actorUserOnce.Do(func() {
		var a, u string
		if a, actorUserErr = s.selectColumns(&RemoteActor{}, "a", "a__"); actorUserErr != nil {
			return
		}
		if u, actorUserErr = s.selectColumns(&User{}, "u", "u__"); actorUserErr != nil {
			return
		}
		// An inner join: an actor without a users row gives no row (and
		// the actor alone is read then), so no NULL user columns are
		// scanned into the User's plain fields.
		actorUserSQL = "SELECT " + a + ", " + u + " FROM remote_actors a JOIN users u ON u.remote_actor_id = a.id WHERE a.ap_id = ?"
	})
	if actorUserErr != nil {
		return nil, nil, actorUserErr
	}
	var rows []actorUser
	if err := s.DB(ctx).Raw(actorUserSQL, apID).Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		// No users row yet (or no actor): the separate reads tell which.
		a, err := s.RemoteActorByAPID(ctx, apID)
		return a, nil, err
	}
	r := &rows[0]
	if !remoteUserCurrent(&r.User, &r.Actor) {
		return &r.Actor, nil, nil
	}
	return &r.Actor, &r.User, nil
}
