package models

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// RemoteUserHandle is the username a remote author's row gets:
// "name@domain", which no sign-up can take (usernames have no '@').
func RemoteUserHandle(a *RemoteActor) string {
	name := a.PreferredUsername
	if name == "" {
		name = "actor" + strconv.FormatInt(a.ID, 10)
	}
	return name + "@" + a.Domain
}

// UpsertRemoteUser returns the users row standing for a remote actor,
// creating it on the actor's first post and refreshing its name and icon
// (which the actor may have changed) on later ones. The email is a
// placeholder on the reserved .invalid domain: the column is NOT NULL
// UNIQUE, and nothing must ever be mailed to a remote author.
func (s *Store) UpsertRemoteUser(ctx context.Context, a *RemoteActor, now time.Time) (*User, error) {
	// The usual case, an author seen before and unchanged, is a read: a
	// write per inbound activity would queue every worker on SQLite's
	// write lock.
	if u, err := s.UserByRemoteActorID(ctx, a.ID); err == nil && remoteUserCurrent(u, a) {
		return u, nil
	}
	handle := RemoteUserHandle(a)
	email := "remote+" + strconv.FormatInt(a.ID, 10) + "@invalid"
	u := &User{
		Username: handle, UsernameLower: strings.ToLower(handle),
		Email: email, EmailLower: email, PasswordHash: "",
		DisplayName: truncate(a.Name, 80), Role: RoleMember,
		RemoteActorID: &a.ID, Domain: a.Domain, RemoteURL: a.APID, RemoteIconURL: a.IconURL,
		CreatedAt: now, UpdatedAt: now,
	}
	err := s.DB(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "remote_actor_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"display_name", "remote_url", "remote_icon_url", "updated_at"}),
	}).Create(u).Error
	if err != nil {
		return nil, err
	}
	return s.UserByRemoteActorID(ctx, a.ID)
}

// remoteUserCurrent reports whether u already shows what a says.
func remoteUserCurrent(u *User, a *RemoteActor) bool {
	return u.DisplayName == truncate(a.Name, 80) && u.RemoteURL == a.APID && u.RemoteIconURL == a.IconURL
}

// UserByRemoteActorID loads the users row of a remote actor, or ErrNotFound.
func (s *Store) UserByRemoteActorID(ctx context.Context, remoteActorID int64) (*User, error) {
	var u User
	if err := s.DB(ctx).Where("remote_actor_id = ?", remoteActorID).First(&u).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// RemoteNoteState is what storing an inbound Note needs to know first, in
// one statement (inbound processing on PostgreSQL is bound by round
// trips): the post stored for apID (0: none), the held post for it (0:
// none), and the watched words' version.
func (s *Store) RemoteNoteState(ctx context.Context, apID string) (postID, heldID, wordsVersion int64, err error) {
	var row struct {
		PostID, HeldID, WordsVersion *int64
	}
	err = s.DB(ctx).Raw(`SELECT (SELECT id FROM posts WHERE ap_id = ? LIMIT 1) AS post_id,
		(SELECT id FROM held_posts WHERE ap_id = ? LIMIT 1) AS held_id,
		(SELECT version FROM content_versions WHERE name = ?) AS words_version`,
		apID, apID, WatchedWordsVersion).Scan(&row).Error
	deref := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return deref(row.PostID), deref(row.HeldID), deref(row.WordsVersion), err
}

// PostByAPID loads the post stored for a remote object id, or ErrNotFound.
func (s *Store) PostByAPID(ctx context.Context, apID string) (*Post, error) {
	var p Post
	if err := s.DB(ctx).Where("ap_id = ?", apID).First(&p).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}
