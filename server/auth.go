package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// deviceCookie holds a random token the forum remembers (hashed) for the
// member after each successful login; see forum/login_limits.go.
const (
	deviceCookie         = "hearth_device"
	deviceCookieLifetime = 180 * 24 * time.Hour
)

// SignupData tells the signup page whether this account will be the first,
// and which running campaign's link brought the visitor (nil for none).
type SignupData struct {
	FirstUser bool
	Campaign  *models.Campaign
	// Mode is the sign-up mode (forum.SignupOpen, …); Invite the invite
	// token the form carries; Refused why this visitor cannot sign up
	// ("" when they can).
	Mode, Invite, Refused string
}

func (s *Server) signupData(c echo.Context, campaign, invite string) (SignupData, error) {
	ctx := c.Request().Context()
	n, err := s.forum.UserCount(ctx)
	if err != nil {
		return SignupData{}, err
	}
	d := SignupData{FirstUser: n == 0, Campaign: s.forum.RunningCampaign(ctx, campaign), Mode: s.site(c).SignupMode, Invite: invite}
	if n > 0 {
		switch d.Mode {
		case forum.SignupClosed:
			d.Refused = s.t(c, "account.signup.closed")
		case forum.SignupInvite:
			if m := s.forum.InviteState(ctx, invite); !m.IsZero() {
				d.Refused = m.In(s.lang(c))
			}
		}
	}
	return d, nil
}

func (s *Server) signupForm(c echo.Context) error {
	d, err := s.signupData(c, c.QueryParam("campaign"), c.QueryParam("invite"))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "account.signup.title"))
	p.Data = d
	return s.tmpl.render(c, http.StatusOK, "signup", p)
}

func (s *Server) signup(c echo.Context) error {
	ctx := c.Request().Context()
	u, first, err := s.forum.SignUpThrough(ctx, forum.SignUpInput{
		Username: c.FormValue("username"), Email: c.FormValue("email"), Password: c.FormValue("password"),
		Invite: c.FormValue("invite"), Application: c.FormValue("application"),
	}, c.FormValue("campaign"))
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		d, derr := s.signupData(c, c.FormValue("campaign"), c.FormValue("invite"))
		if derr != nil {
			return derr
		}
		d.Refused = "" // the refusal shows with the form, what was typed kept
		p := s.page(c, s.t(c, "account.signup.title"))
		p.Data = d
		p.Form = formFrom(c, err)
		status := http.StatusUnprocessableEntity
		if p.Form.E("signup") != "" || p.Form.E("invite") != "" {
			status = http.StatusForbidden
		}
		return s.tmpl.render(c, status, "signup", p)
	}
	if u.AwaitingApproval {
		// No session: the account cannot log in until it is approved.
		s.setFlash(c, s.t(c, "account.signup.awaiting", "Name", u.Username))
		return c.Redirect(http.StatusSeeOther, "/")
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	msg := s.t(c, "account.signup.welcome", "Name", u.Username)
	if first {
		msg = s.t(c, "account.signup.welcome_first", "Name", u.Username)
	}
	s.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) loginForm(c echo.Context) error {
	p := s.page(c, s.t(c, "account.login.title"))
	p.Form = Form{Values: map[string]string{"next": safeNext(c.QueryParam("next"))}}
	return s.tmpl.render(c, http.StatusOK, "login", p)
}

func (s *Server) login(c echo.Context) error {
	in := forum.LoginInput{Login: c.FormValue("login"), Password: c.FormValue("password"), Addr: clientIP(c)}
	if ck, err := c.Cookie(deviceCookie); err == nil {
		in.Device = ck.Value
	}
	r, err := s.forum.LogIn(c.Request().Context(), in)
	return s.finishLogin(c, r, err)
}

// finishLogin answers a login form (password or passkey): the second
// step, a session and the next page, or the form again with what was
// wrong.
func (s *Server) finishLogin(c echo.Context, r *forum.LoginResult, err error) error {
	if err != nil {
		status, err := loginRefusal(c, err)
		if status == 0 {
			return err
		}
		p := s.page(c, s.t(c, "account.login.title"))
		p.Form = formFrom(c, err)
		p.Form.Values["next"] = safeNext(c.FormValue("next"))
		delete(p.Form.Values, "credential")
		delete(p.Form.Values, "token")
		// A suspended member sees why and may appeal from here.
		var se *forum.SuspendedError
		if errors.As(err, &se) {
			p.Data = se
		}
		return s.tmpl.render(c, status, "login", p)
	}
	if r.Pending != "" {
		return s.secondStepPending(c, r.Pending)
	}
	// The device cookie marks this browser as one the member logs in
	// from, so a stranger's failed guesses elsewhere do not lock it out.
	c.SetCookie(s.cookie(deviceCookie, r.Device, deviceCookieLifetime))
	if err := s.startSession(c, r.User.ID); err != nil {
		return err
	}
	if deletionPending(r.User) {
		// The member asked to delete the account: say when, and offer
		// to cancel, before anything else.
		return c.Redirect(http.StatusSeeOther, "/settings/delete")
	}
	return redirectLocal(c, c.FormValue("next"))
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.forum.EndSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	s.rotateCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) startSession(c echo.Context, userID int64) error {
	secret, err := s.forum.StartSession(c.Request().Context(), userID, clientIP(c), c.Request().UserAgent())
	if err != nil {
		return err
	}
	c.SetCookie(s.cookie(sessionCookie, secret, 30*24*time.Hour))
	// The new session brings a new CSRF token: one picked up before login
	// no longer works.
	token, err := s.forum.SessionCSRFToken(c.Request().Context(), secret)
	if err != nil {
		return err
	}
	s.setCSRFCookie(c, token)
	c.Set(ctxCSRF, token)
	return nil
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginRefusal is the status of a login step (password or second factor)
// the member can fix by trying again: 429 with Retry-After past the login
// limits, 422 for a wrong password or code. Any other error comes back
// with status 0, for the error handler.
func loginRefusal(c echo.Context, err error) (int, error) {
	var rl *forum.RateLimitError
	if errors.As(err, &rl) {
		if rl.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int((rl.RetryAfter+time.Second-1)/time.Second)))
		}
		return http.StatusTooManyRequests, err
	}
	if _, ok := forum.AsValidation(err); ok {
		return http.StatusUnprocessableEntity, err
	}
	return 0, err
}
