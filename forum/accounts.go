package forum

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/hearth/hearth/models"
)

const (
	sessionLifetime     = 30 * 24 * time.Hour
	sessionTouchAfter   = time.Hour
	minPasswordLength   = 8
	maxPasswordBytes    = 72 // bcrypt ignores anything longer
	tokenPrefix         = "hth_"
	usernameMaxLength   = 30
	displayNameMaxRunes = 80
	bioMaxRunes         = 2000
)

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_]{2,30}$`)

// reservedNames cannot be usernames or category slugs: they are paths or
// well-known actor names, and members and categories share one WebFinger
// namespace.
var reservedNames = map[string]bool{
	"admin": true, "administrator": true, "actor": true, "inbox": true, "outbox": true, "api": true,
	"mod": true, "moderator": true, "moderators": true, "community": true, "login": true, "logout": true,
	"signup": true, "static": true, "avatars": true, "search": true, "tags": true, "well_known": true,
	"root": true, "system": true, "hearth": true, "support": true, "staff": true, "new": true,
}

// SignUpInput is what a newcomer submits.
type SignUpInput struct {
	Username string
	Email    string
	Password string
	// Invite is the token of the invite link the newcomer came with
	// (forum/invites.go); needed when sign-ups are by invite.
	Invite string
	// Application is the newcomer's short text when sign-ups need
	// approval (forum/applications.go).
	Application string
	// strict applies the full password rule (passwordProblem: also the
	// common list and the name); SignUp sets it. The admin CLI and
	// fixtures check the length only.
	strict bool
}

// SignUp creates a member account. The first account anyone makes becomes
// the administrator (firstAdmin reports it, so the page can say so), also
// after `hearth dev seed`: seeded demo members are not people and do not
// count. Every later one starts in the sandbox (forum/sandbox.go) unless
// the sandbox is off.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (u *models.User, firstAdmin bool, err error) {
	in.strict = true
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		n, err := s.store.CountSignedUp(ctx)
		if err != nil {
			return err
		}
		role := models.RoleMember
		if n == 0 {
			role, firstAdmin = models.RoleAdmin, true
		}
		inv, application, err := s.admitSignup(ctx, n, &in)
		if err != nil {
			return err
		}
		if u, err = s.CreateUser(ctx, in, role); err != nil {
			return err
		}
		if inv != nil {
			if err := s.store.SetInvitedBy(ctx, u.ID, inv.CreatedBy); err != nil {
				return err
			}
			u.InvitedBy = &inv.CreatedBy
		}
		if application != "" {
			if err := s.store.SetApplication(ctx, u.ID, application); err != nil {
				return err
			}
			u.AwaitingApproval, u.Application = true, application
		}
		if role == models.RoleMember && s.cfg.SandboxPosts > 0 {
			if _, err := s.store.SetUserSandboxed(ctx, u.ID, true, s.now()); err != nil {
				return err
			}
			u.Sandboxed = true
		}
		if s.cfg.RequireEmailVerification {
			return s.sendVerification(ctx, u, u.Email)
		}
		return nil
	})
	return u, firstAdmin, err
}

// CreateUser creates an account with a given role (for the admin CLI and
// SignUp). Usernames and emails are unique case-insensitively.
func (s *Service) CreateUser(ctx context.Context, in SignUpInput, role string) (*models.User, error) {
	v := validation{}
	in.Username = strings.TrimSpace(in.Username)
	in.Email = strings.TrimSpace(in.Email)
	switch {
	case !utf8.ValidString(in.Username) || !usernamePattern.MatchString(in.Username):
		v.add("username", "errors.accounts.use_2_30_letters")
	case reservedNames[strings.ToLower(in.Username)]:
		v.add("username", "errors.common.name_reserved")
	}
	if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email || len(in.Email) > 254 {
		v.add("email", "errors.common.enter_email_address_like")
	}
	switch {
	case in.strict:
		if p := passwordProblem(in.Password, in.Username, in.Email); !p.IsZero() {
			v.addMsg("password", p)
		}
	case utf8.RuneCountInString(in.Password) < minPasswordLength:
		v.add("password", "errors.passwords.too_short", "Min", minPasswordLength)
	case len(in.Password) > maxPasswordBytes:
		v.add("password", "errors.passwords.too_long", "Max", maxPasswordBytes)
	}
	if !validRole(role) {
		v.add("role", "errors.common.role_must_member_ambassador")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	var u *models.User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.UserByLogin(ctx, in.Username); err == nil {
			v.add("username", "errors.accounts.username_taken")
		}
		if _, err := s.store.UserByLogin(ctx, in.Email); err == nil {
			v.add("email", "errors.accounts.account_email_exists_log")
		}
		if _, err := s.store.CategoryBySlug(ctx, strings.ToLower(in.Username)); err == nil {
			v.add("username", "errors.accounts.name_taken_category")
		} else if owner, _ := s.store.OldSlugOwner(ctx, strings.ToLower(in.Username)); owner != 0 {
			v.add("username", "errors.accounts.name_taken_category") // a renamed one's old name still leads there
		}
		if err := v.err(); err != nil {
			return err
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), s.BcryptCost)
		if err != nil {
			return fmt.Errorf("hash password: %w", err)
		}
		u = &models.User{
			Username: in.Username, UsernameLower: strings.ToLower(in.Username),
			Email: in.Email, EmailLower: strings.ToLower(in.Email),
			PasswordHash: string(hash), Role: role,
		}
		// An account the operator made (CLI, fixtures) has the address they
		// gave; a sign-up's address is verified by its link.
		if !in.strict {
			now := s.now()
			u.EmailVerifiedAt = &now
		}
		if err := s.store.CreateUser(ctx, u); err != nil {
			if models.IsUniqueViolation(err) {
				return invalid("username", "errors.accounts.username_email_taken")
			}
			return err
		}
		return nil
	})
	return u, err
}

func validRole(r string) bool {
	switch r {
	case models.RoleMember, models.RoleAmbassador, models.RoleModerator, models.RoleAdmin:
		return true
	}
	return false
}

// Authenticate checks a username-or-email and password from an address,
// for callers with no device cookie (tests, tools); the login form uses
// LogIn.
func (s *Service) Authenticate(ctx context.Context, login, password, ip string) (*models.User, error) {
	r, err := s.LogIn(ctx, LoginInput{Login: login, Password: password, Addr: ip})
	if err != nil {
		return nil, err
	}
	if r.User == nil {
		return nil, ErrSecondFactorRequired
	}
	return r.User, nil
}

// LogIn checks a username-or-email and password under the login limits
// (forum/login_limits.go): past a limit it refuses without checking the
// password, so guessing is slow whichever accounts and addresses an
// attacker uses, while the owner's known devices and addresses still get
// in. A success trusts this address and device from then on.
func (s *Service) LogIn(ctx context.Context, in LoginInput) (*LoginResult, error) {
	u, k, t, err := s.checkPassword(ctx, in)
	if err != nil {
		return nil, err
	}
	// Checked only after the password, so guessing reveals nothing. The
	// member is told why and may appeal from the login page.
	if sn, err := s.suspension(ctx, u); err != nil {
		return nil, err
	} else if sn != nil {
		return nil, s.suspendedError(ctx, u, sn)
	}
	if u.AwaitingApproval {
		return nil, invalid("login", msgAwaitingApproval)
	}
	// With a second factor the password only earns the second step
	// (forum/two_factor_login.go); the device is trusted after it.
	if u.TwoFactor {
		return s.pendLogin(ctx, u)
	}
	device, err := s.rememberLogin(ctx, u, k, t, in)
	if err != nil {
		return nil, err
	}
	return &LoginResult{User: u, Device: device}, nil
}

// errWrongLogin keeps what the member typed in the form and says what to
// check, without saying whether the account exists.
func errWrongLogin() error {
	return invalid("login", "errors.accounts.wrong_username_email_password")
}

// checkPassword is LogIn without the suspension check and without
// trusting the client: the appeal form uses it too.
func (s *Service) checkPassword(ctx context.Context, in LoginInput) (*models.User, loginKeys, loginTrust, error) {
	login := strings.TrimSpace(in.Login)
	u, err := s.store.UserByLogin(ctx, login)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, loginKeys{}, loginTrust{}, err
	}
	// Remote authors' rows have no password; refuse them outright rather
	// than trust bcrypt to reject an empty hash.
	if u != nil && (u.IsRemote() || u.PasswordHash == "") {
		u = nil
	}
	k, err := s.keysFor(ctx, u, login, in)
	if err != nil {
		return nil, k, loginTrust{}, err
	}
	t, err := s.trustFor(ctx, u, k)
	if err != nil {
		return nil, k, t, err
	}
	if err := s.checkLoginLimits(ctx, u, k, t); err != nil {
		return nil, k, t, err
	}
	if u == nil || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(in.Password)) != nil {
		if err := s.recordLoginFailure(ctx, u, k); err != nil {
			return nil, k, t, err
		}
		return nil, k, t, errWrongLogin()
	}
	return u, k, t, nil
}

// StartSession creates a browser session and returns the secret for the
// cookie; only its hash is stored.
func (s *Service) StartSession(ctx context.Context, userID int64, ip, userAgent string) (string, error) {
	secret := randomToken(32)
	now := s.now()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := s.store.CreateSession(ctx, &models.Session{
		ID: hashToken(secret), PublicID: randomToken(16), UserID: userID, IP: ip, UserAgent: strings.ToValidUTF8(userAgent, ""),
		CreatedAt: now, ExpiresAt: now.Add(sessionLifetime), LastSeenAt: now,
	})
	if err != nil {
		return "", err
	}
	return secret, s.store.MarkSeen(ctx, userID, dayKey(now), now)
}

// SessionUser returns the member logged in with this cookie secret. Sessions
// in use are extended at most once an hour, to keep reads read-only. The
// first use of a session on a new day also records the member as seen that
// day (member_seen_days), which the activity figures read: it outlives the
// session, so logging out does not undo the day's activity.
func (s *Service) SessionUser(ctx context.Context, secret string) (*models.User, error) {
	if secret == "" {
		return nil, ErrUnauthorized
	}
	now := s.now()
	sess, u, suspended, err := s.store.SessionUser(ctx, hashToken(secret), now)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, ErrUnauthorized
		}
		return nil, err
	}
	// Suspend deletes sessions, but checking here too (in the same query)
	// means a session made in a race with the suspension, or restored from
	// a backup, still stops working.
	if suspended {
		return nil, ErrUnauthorized
	}
	if err := s.LoadScope(ctx, u); err != nil {
		return nil, err
	}
	newDay := dayKey(now) != dayKey(sess.LastSeenAt)
	if newDay {
		if err := s.store.MarkSeen(ctx, u.ID, dayKey(now), now); err != nil {
			return nil, err
		}
	}
	if newDay || now.Sub(sess.LastSeenAt) > sessionTouchAfter {
		if err := s.store.TouchSession(ctx, sess.ID, now, now.Add(sessionLifetime)); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// EndSession logs a browser out.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	return s.store.DeleteSession(ctx, hashToken(secret))
}

// CreateToken issues a personal access token for the JSON API. The token is
// returned once; only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string) (string, error) {
	secret := tokenPrefix + randomToken(32)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return "", invalid("name", "errors.accounts.use_most_100_characters")
	}
	err := s.store.CreateToken(ctx, &models.Token{UserID: userID, Name: name, Hash: hashToken(secret)})
	return secret, err
}

// TokenUser returns the member owning an API token.
func (s *Service) TokenUser(ctx context.Context, secret string) (*models.User, error) {
	u, err := s.store.TokenUser(ctx, hashToken(secret))
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrUnauthorized
	} else if err != nil {
		return nil, err
	}
	// Tokens are kept through a suspension (they work again when it ends),
	// so the check is on every use.
	if sn, err := s.suspension(ctx, u); err != nil {
		return nil, err
	} else if sn != nil {
		return nil, ErrUnauthorized
	}
	return u, s.LoadScope(ctx, u)
}

// UserByUsername loads a member.
func (s *Service) UserByUsername(ctx context.Context, name string) (*models.User, error) {
	u, err := s.store.UserByUsername(ctx, name)
	return u, mapNotFound(err)
}

// UserCount counts the accounts people made, seeded demo members left out:
// zero means the next sign-up becomes the administrator (the welcome
// notice and the sign-up page say so).
func (s *Service) UserCount(ctx context.Context) (int64, error) { return s.store.CountSignedUp(ctx) }

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
