package forum

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/hearth/hearth/models"
)

// Account deletion: the member asks (password required), the account is
// scheduled DeleteAt = now + grace and signed out everywhere; logging in
// during the grace period shows the date and a way to cancel; once the
// grace period is over, RunAccountDeletions erases it.

// DefaultAccountDeletionGrace is the grace period when the operator sets
// none.
const DefaultAccountDeletionGrace = 7 * 24 * time.Hour

const deletionBatch = 20

// DeleteAccountInput is the deletion form.
type DeleteAccountInput struct {
	Password string
	// Posts is models.DeletePostsKeep or DeletePostsErase; empty takes
	// what the operator allows when they allow only one.
	Posts string
	// SecondFactor is the member's one-time code, checked by
	// Service.Reauthenticate when two-factor login installs it.
	SecondFactor string
	Addr         string // the client's address, for the login limits
}

// ReauthFunc checks a second factor for a sensitive action (deleting the
// account); it returns nil when the member has none or the code is right,
// else an error (a ValidationError on field "second_factor").
type ReauthFunc func(ctx context.Context, u *models.User, code string) error

// SetReauth installs the second-factor check sensitive actions run after
// the password (the two-factor work wires it); nil checks nothing more.
func (s *Service) SetReauth(f ReauthFunc) { s.reauth = f }

// DeletionPostsChoice is what the operator lets a deleting member do with
// their posts: "choice", "keep" or "erase".
func (s *Service) DeletionPostsChoice() string {
	switch s.cfg.AccountDeletionPosts {
	case models.DeletePostsKeep, models.DeletePostsErase:
		return s.cfg.AccountDeletionPosts
	}
	return "choice"
}

func (s *Service) deletionGrace() time.Duration {
	if s.cfg.AccountDeletionGrace > 0 {
		return s.cfg.AccountDeletionGrace
	}
	return DefaultAccountDeletionGrace
}

// ScheduleAccountDeletion checks the member's password (under the login
// limits, so this form is no way around them) and schedules the account's
// erasure after the grace period, signing it out everywhere (sessions and
// API tokens). It returns when the account will be erased.
func (s *Service) ScheduleAccountDeletion(ctx context.Context, member *models.User, in DeleteAccountInput) (time.Time, error) {
	if member == nil {
		return time.Time{}, ErrUnauthorized
	}
	if member.IsRemote() || member.ErasedAt != nil {
		return time.Time{}, ErrForbidden
	}
	posts := in.Posts
	switch allowed := s.DeletionPostsChoice(); {
	case allowed != "choice" && posts == "":
		posts = allowed
	case allowed != "choice" && posts != allowed:
		if allowed == models.DeletePostsErase {
			return time.Time{}, invalid("posts", "errors.account_deletion.only_allows_erase")
		}
		return time.Time{}, invalid("posts", "errors.account_deletion.only_allows_keep")
	case posts != models.DeletePostsKeep && posts != models.DeletePostsErase:
		return time.Time{}, invalid("posts", "errors.account_deletion.choose_whether_keep_posts")
	}
	if in.Password == "" {
		return time.Time{}, invalid("password", "errors.account_deletion.enter_password_confirm")
	}
	if _, _, _, err := s.checkPassword(ctx, LoginInput{Login: member.Username, Password: in.Password, Addr: in.Addr}); err != nil {
		if _, ok := AsValidation(err); ok {
			return time.Time{}, invalid("password", "errors.account_deletion.wrong_password_check_try")
		}
		return time.Time{}, err
	}
	if s.reauth != nil {
		if err := s.reauth(ctx, member, in.SecondFactor); err != nil {
			return time.Time{}, err
		}
	}
	at := s.now().Add(s.deletionGrace())
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateUserFields(ctx, member.ID, map[string]any{"delete_at": at, "delete_posts": posts, "updated_at": s.now()}); err != nil {
			return err
		}
		if err := s.store.DeleteUserSessions(ctx, member.ID); err != nil {
			return err
		}
		return s.store.DeleteTokensOf(ctx, member.ID)
	})
	if err != nil {
		return time.Time{}, err
	}
	member.DeleteAt, member.DeletePosts = &at, posts
	return at, nil
}

// CancelAccountDeletion restores an account scheduled for deletion.
func (s *Service) CancelAccountDeletion(ctx context.Context, member *models.User) error {
	if member == nil {
		return ErrUnauthorized
	}
	if member.DeleteAt == nil {
		return invalid("deletion", "errors.account_deletion.account_not_scheduled_deletion")
	}
	if err := s.store.UpdateUserFields(ctx, member.ID, map[string]any{"delete_at": nil, "delete_posts": "", "updated_at": s.now()}); err != nil {
		return err
	}
	member.DeleteAt, member.DeletePosts = nil, ""
	return nil
}

// RunAccountDeletions erases every account whose grace period is over and
// reports how many it erased. Any number of processes may run it: each
// erasure claims its account with one conditional UPDATE inside the
// erasing transaction, so exactly one process erases it.
func (s *Service) RunAccountDeletions(ctx context.Context, log *slog.Logger) (int, error) {
	ids, err := s.store.DueAccountDeletions(ctx, s.now(), deletionBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		done, err := s.eraseAccount(ctx, id)
		if err != nil {
			log.Warn("account deletion failed", "user", id, "error", err)
			continue
		}
		if done {
			n++
		}
	}
	return n, nil
}

// eraseAccount erases one due account, if this call wins it.
func (s *Service) eraseAccount(ctx context.Context, userID int64) (bool, error) {
	won := false
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		now := s.now()
		if won, err = s.store.ClaimAccountDeletion(ctx, userID, now); err != nil || !won {
			return err
		}
		if u.DeletePosts == models.DeletePostsErase {
			// Through the post deletion path, so every post's hooks fire
			// (federation's Delete of the Note) as when the member
			// deletes one.
			ids, err := s.store.LivePostIDsByUser(ctx, u.ID)
			if err != nil {
				return err
			}
			if err := s.LoadScope(ctx, u); err != nil {
				return err
			}
			for _, id := range ids {
				if err := s.deletePost(ctx, u, id); err != nil {
					return err
				}
			}
			if err := s.store.ErasePostTexts(ctx, u.ID, now); err != nil {
				return err
			}
		}
		if err := s.eraseMessagesOf(ctx, u, now); err != nil {
			return err
		}
		if h, ok := s.hooks.(AccountHooks); ok {
			if err := h.AccountDeleted(ctx, u); err != nil {
				return err
			}
		}
		if err := s.store.DeleteAccountRows(ctx, u.ID); err != nil {
			return err
		}
		name := "deleted-" + strconv.FormatInt(u.ID, 10)
		return s.store.UpdateUserFields(ctx, u.ID, map[string]any{
			"username": name, "username_lower": name, "email": "", "email_lower": name,
			"password_hash": "", "display_name": DeletedMemberName, "bio": "", "avatar_file": "",
			"role": models.RoleMember, "role_scoped": false, "updated_at": now,
		})
	})
	return won, err
}

// erasedMessage is what a message of an erased account shows in its
// conversation, in place of the text.
const erasedMessage = "<p><em>This message was deleted with its author's account.</em></p>"

// eraseMessagesOf erases the text of every private message u wrote,
// whatever they chose for their posts (messages were never public, so
// there is nothing to keep them for), leaving a placeholder so the other
// participants' conversations still read in order, as a deleted post
// does in a thread; then takes u out of every conversation (the row stays,
// left, so the placeholders keep naming "deleted member") and drops the
// message blocks made by or against them.
func (s *Service) eraseMessagesOf(ctx context.Context, u *models.User, now time.Time) error {
	if err := s.store.EraseMessagesOf(ctx, u.ID, "This message was deleted with its author's account.", erasedMessage); err != nil {
		return err
	}
	if err := s.store.LeaveAllConversations(ctx, u.ID, now); err != nil {
		return err
	}
	return s.store.DeleteMessageBlocksOf(ctx, u.ID)
}

// DeletedMemberName is how an erased account shows beside its kept posts.
const DeletedMemberName = "deleted member"

// DeletionGrace is how long a member may cancel their deletion, for the
// deletion page (which says it in the reader's language).
func (s *Service) DeletionGrace() time.Duration { return s.deletionGrace() }
