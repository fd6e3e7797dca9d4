package models

import (
	"strings"
	"time"
)

// Roles a member can hold. The domain layer (forum/permissions.go) decides
// what each may do; the store only records them.
const (
	RoleMember     = "member"
	RoleAmbassador = "ambassador"
	RoleModerator  = "moderator"
	RoleAdmin      = "admin"
)

// User is a member account. Usernames and emails are unique
// case-insensitively through their *Lower columns.
type User struct {
	ID            int64  `gorm:"primaryKey"`
	Username      string `gorm:"size:30;not null"`
	UsernameLower string `gorm:"size:30;not null;uniqueIndex"`
	Email         string `gorm:"size:254;not null"`
	EmailLower    string `gorm:"size:254;not null;uniqueIndex"`
	PasswordHash  string `gorm:"size:100;not null"`
	DisplayName   string `gorm:"size:80;not null;default:''"`
	Bio           string `gorm:"size:2000;not null;default:''"`
	AvatarFile    string `gorm:"size:100;not null;default:''"`
	Role          string `gorm:"size:16;not null;default:member"`
	PostCount     int    `gorm:"not null;default:0"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
	LastSeenAt    *time.Time
	// Remote authors (migration 0040): a fediverse account whose replies
	// live in threads. Domain is "" for local members; a remote row has no
	// password and cannot log in. RemoteURL is its actor id (its profile)
	// and RemoteIconURL its avatar, copied from the remote actor.
	RemoteActorID *int64
	Domain        string `gorm:"size:300;not null;default:''"`
	RemoteURL     string `gorm:"size:2048;not null;default:''"`
	RemoteIconURL string `gorm:"size:2048;not null;default:''"`
	// RemoteIconFetched is the icon URL AvatarFile was copied from (or
	// failed to be): a remote author's avatar is served from here, never
	// hot-linked, and fetched again only when RemoteIconURL changes.
	RemoteIconFetched string `gorm:"size:2048;not null;default:''"`
	// Sandboxed (migration 0090): a newcomer whose posts wait for approval
	// until they leave the sandbox (forum/sandbox.go).
	Sandboxed bool `gorm:"not null;default:false"`
	// RoleScoped (migration 0120) says the role holds only in the
	// categories listed in role_categories; RoleCategoryIDs is that list,
	// filled by forum when it loads an actor. A scoped role whose list was
	// never loaded grants nothing, so forgetting to load it fails closed.
	RoleScoped      bool    `gorm:"not null;default:false"`
	RoleCategoryIDs []int64 `gorm:"-"`
	// Seeded (migration 0240) marks a demo member made by `hearth dev
	// seed`; such members do not count as sign-ups (CountSignedUp).
	Seeded bool `gorm:"not null;default:false"`
	// TwoFactor (migration 0310) says the member confirmed a TOTP second
	// factor (two_factors): a password alone no longer logs them in.
	TwoFactor bool `gorm:"not null;default:false"`
	// DeleteAt (migration 0340) is when an account its owner asked to
	// delete is erased; nil when no deletion is pending. DeletePosts is
	// what then becomes of its posts (DeletePostsKeep or DeletePostsErase).
	// ErasedAt marks an account already erased: its row stays, under a
	// tombstone name, so moderation records keep pointing somewhere.
	DeleteAt    *time.Time
	DeletePosts string `gorm:"size:8;not null;default:''"`
	ErasedAt    *time.Time
	// EmailVerifiedAt (migration 0301) is when Email was verified; nil
	// until it is, and again after the address changes. PendingEmail is
	// a new address waiting for its verification link; Email stays in use
	// until then (forum/email_verification.go).
	EmailVerifiedAt *time.Time
	PendingEmail    string `gorm:"size:254;not null;default:''"`
	// InvitedBy (migration 0350) is who made the invite link the member
	// signed up with; nil for everyone else (forum/invites.go).
	InvitedBy *int64
	// AwaitingApproval (migration 0351): signed up while sign-ups need
	// approval and not yet approved; such an account cannot log in.
	// Application is what the newcomer wrote for staff to read.
	AwaitingApproval bool   `gorm:"not null;default:false"`
	Application      string `gorm:"type:text;not null;default:''"`
	// AlsoKnownAs (migration 0463) lists, one actor id per line, the
	// member's accounts elsewhere that may move here (their actor shows
	// them as alsoKnownAs). MovedTo is the account a member moved to: set,
	// their actor carries movedTo and their profile says where they went.
	AlsoKnownAs string `gorm:"type:text;not null;default:''"`
	MovedTo     string `gorm:"size:2048;not null;default:''"`
	// Language (migration 0580) is the member's chosen language code; ""
	// follows their browser, then the forum's default (i18n.Catalog.Pick).
	Language string `gorm:"size:16;not null;default:''"`
}

// Aliases lists the actor ids in AlsoKnownAs.
func (u *User) Aliases() []string {
	if u.AlsoKnownAs == "" {
		return nil
	}
	return strings.Split(u.AlsoKnownAs, "\n")
}

// What becomes of a deleted account's posts.
const (
	DeletePostsKeep  = "keep"  // kept, shown under "deleted member"
	DeletePostsErase = "erase" // deleted like any deleted post
)

// IsRemote reports whether the row stands for a fediverse account.
func (u *User) IsRemote() bool { return u.Domain != "" }

// Name is what to show for the member: the display name, else the username.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

// IsStaff reports whether the member moderates the whole site or
// administers. A category-scoped moderator is not staff: their rights are
// per category (forum.CanModerateCategory).
func (u *User) IsStaff() bool {
	return u.Role == RoleAdmin || (u.Role == RoleModerator && !u.RoleScoped)
}

// Session is a browser login. The cookie holds a random token; only its
// SHA-256 is stored, so a database leak does not hand out logins. Stored in the
// database so any Hearth process behind a load balancer can serve the user.
type Session struct {
	ID string `gorm:"primaryKey;size:64"`
	// PublicID (migration 0310) names the session in the sessions list
	// and the API: random, unrelated to the cookie, so showing it or
	// sending it back gives nothing away.
	PublicID   string `gorm:"size:32;not null;uniqueIndex"`
	UserID     int64  `gorm:"not null;index"`
	IP         string `gorm:"size:64;not null;default:''"`
	UserAgent  string `gorm:"size:300;not null;default:''"`
	CreatedAt  time.Time
	ExpiresAt  time.Time `gorm:"not null;index"`
	LastSeenAt time.Time
}

// Token is a personal access token for the JSON API, stored as a SHA-256 hash.
type Token struct {
	ID         int64  `gorm:"primaryKey"`
	UserID     int64  `gorm:"not null;index"`
	Name       string `gorm:"size:100;not null;default:''"`
	Hash       string `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
}
