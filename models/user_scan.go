package models

import "strings"

// userColumns are every column of User, in the order userFields lists
// their destinations. SessionUser reads a member on every signed-in
// request; scanning the row into these pointers with database/sql skips
// gorm's per-column reflection (TestUserColumnsCoverUser keeps the list
// in step with the struct, so a new column cannot be left unread).
var userColumns = []string{
	"id", "username", "username_lower", "email", "email_lower", "password_hash",
	"display_name", "bio", "avatar_file", "role", "post_count", "created_at",
	"updated_at", "last_seen_at", "remote_actor_id", "domain", "remote_url",
	"remote_icon_url", "remote_icon_fetched", "sandboxed", "role_scoped", "seeded",
	"two_factor", "delete_at", "delete_posts", "erased_at", "email_verified_at",
	"pending_email", "invited_by", "awaiting_approval", "application",
	"also_known_as", "moved_to", "language",
}

// usersSelect is userColumns qualified with the users table, for a
// SELECT that joins it.
var usersSelect = "users." + strings.Join(userColumns, ", users.")

// userFields returns where each of userColumns is scanned into u.
func userFields(u *User) []any {
	return []any{
		&u.ID, &u.Username, &u.UsernameLower, &u.Email, &u.EmailLower, &u.PasswordHash,
		&u.DisplayName, &u.Bio, &u.AvatarFile, &u.Role, &u.PostCount, &u.CreatedAt,
		&u.UpdatedAt, &u.LastSeenAt, &u.RemoteActorID, &u.Domain, &u.RemoteURL,
		&u.RemoteIconURL, &u.RemoteIconFetched, &u.Sandboxed, &u.RoleScoped, &u.Seeded,
		&u.TwoFactor, &u.DeleteAt, &u.DeletePosts, &u.ErasedAt, &u.EmailVerifiedAt,
		&u.PendingEmail, &u.InvitedBy, &u.AwaitingApproval, &u.Application,
		&u.AlsoKnownAs, &u.MovedTo, &u.Language,
	}
}
