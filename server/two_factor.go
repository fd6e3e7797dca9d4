package server

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
)

// pendingLoginCookie carries the token of a login whose password was right
// and whose second factor is awaited (forum.CompleteLogin). It is no
// session: it only lets this browser send a code, for five minutes.
const pendingLoginCookie = "hearth_login2"

// twoFactorPath is the enrolment page; a staff member required to enrol
// is sent here from everywhere else (requireSecondFactor).
const twoFactorPath = "/settings/2fa"

func (s *Server) twoFactorRoutes(g *echo.Group) {
	g.GET("/login/2fa", s.secondStepForm)
	g.POST("/login/2fa", s.secondStep)
	g.GET(twoFactorPath, s.enrolForm, requireLogin)
	g.POST(twoFactorPath+"/enable", s.enrol, requireLogin)
	g.POST(twoFactorPath+"/disable", s.disableTwoFactor, requireLogin)
	g.POST(twoFactorPath+"/recovery-codes", s.regenerateRecoveryCodes, requireLogin)
	s.passkeyRoutes(g)
}

// EnrolData is the enrolment page: the key as a QR code and as text, and
// whether the member must enrol before anything else.
type EnrolData struct {
	*forum.Enrolment
	// QRImage is Enrolment.QR marked safe for src: a data: URI html/template
	// would otherwise blank out. Hearth made it (a base64 PNG), so it is.
	QRImage  template.URL
	Required bool
}

// RecoveryCodesData shows freshly made recovery codes, once.
type RecoveryCodesData struct {
	Codes   []string
	Enabled bool // just turned on, rather than regenerated
}

// secondStepPending starts the second step after a right password.
func (s *Server) secondStepPending(c echo.Context, token string) error {
	c.SetCookie(s.cookie(pendingLoginCookie, token, forum.PendingLoginLifetime))
	next := safeNext(c.FormValue("next"))
	return c.Redirect(http.StatusSeeOther, "/login/2fa?next="+url.QueryEscape(next))
}

func (s *Server) secondStepForm(c echo.Context) error {
	// Without a pending login there is nothing to complete: the password
	// comes first. (No flash: a GET must not leave state for the next page.)
	if ck, err := c.Cookie(pendingLoginCookie); err != nil || ck.Value == "" {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	p := s.page(c, s.t(c, "account.login_2fa.title"))
	p.NoIndex = true
	p.Form = Form{Values: map[string]string{"next": safeNext(c.QueryParam("next"))}}
	return s.tmpl.render(c, http.StatusOK, "login_2fa", p)
}

func (s *Server) secondStep(c echo.Context) error {
	token := ""
	if ck, err := c.Cookie(pendingLoginCookie); err == nil {
		token = ck.Value
	}
	in := forum.LoginInput{Addr: clientIP(c)}
	if ck, err := c.Cookie(deviceCookie); err == nil {
		in.Device = ck.Value
	}
	r, err := s.forum.CompleteLogin(c.Request().Context(), token, c.FormValue("code"), in)
	return s.finishSecondStep(c, r, err)
}

// finishSecondStep answers the second login step, whichever factor: a
// session and the next page, or the form again with what was wrong.
func (s *Server) finishSecondStep(c echo.Context, r *forum.LoginResult, err error) error {
	if err != nil {
		if errors.Is(err, forum.ErrLoginExpired) {
			s.clearCookie(c, pendingLoginCookie)
			s.setFlash(c, s.t(c, "account.login_2fa.expired"))
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(safeNext(c.FormValue("next"))))
		}
		status, err := loginRefusal(c, err)
		if status == 0 {
			return err
		}
		p := s.page(c, s.t(c, "account.login_2fa.title"))
		p.NoIndex = true
		p.Form = formFrom(c, err)
		p.Form.Values["next"] = safeNext(c.FormValue("next"))
		for _, k := range []string{"code", "credential", "token"} {
			delete(p.Form.Values, k) // a wrong code or answer is no use to keep
		}
		return s.tmpl.render(c, status, "login_2fa", p)
	}
	s.clearCookie(c, pendingLoginCookie)
	c.SetCookie(s.cookie(deviceCookie, r.Device, deviceCookieLifetime))
	if err := s.startSession(c, r.User.ID); err != nil {
		return err
	}
	return redirectLocal(c, c.FormValue("next"))
}

func (s *Server) enrolForm(c echo.Context) error {
	on, err := s.forum.TOTPOn(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	if on {
		return c.Redirect(http.StatusSeeOther, "/settings#two-factor")
	}
	return s.renderEnrol(c, http.StatusOK, nil)
}

func (s *Server) renderEnrol(c echo.Context, status int, formErr error) error {
	en, err := s.forum.StartTwoFactor(c.Request().Context(), viewer(c))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "account.two_factor.title"))
	p.NoIndex = true
	if formErr != nil {
		p.Form = formFrom(c, formErr)
		delete(p.Form.Values, "code")
	}
	p.Data = EnrolData{Enrolment: en, QRImage: template.URL(en.QR), Required: s.forum.MustEnrolSecondFactor(viewer(c))}
	return s.tmpl.render(c, status, "two_factor", p)
}

func (s *Server) enrol(c echo.Context) error {
	codes, err := s.forum.EnableTwoFactor(c.Request().Context(), viewer(c), c.FormValue("code"), clientIP(c))
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderEnrol(c, formErrorStatus(c, err), err)
	}
	return s.showRecoveryCodes(c, codes, true)
}

func (s *Server) showRecoveryCodes(c echo.Context, codes []string, enabled bool) error {
	p := s.page(c, s.t(c, "account.recovery_codes.title"))
	p.NoIndex = true
	p.Data = RecoveryCodesData{Codes: codes, Enabled: enabled}
	// Shown once: keep them out of every cache.
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.tmpl.render(c, http.StatusOK, "recovery_codes", p)
}

func (s *Server) disableTwoFactor(c echo.Context) error {
	err := s.forum.DisableTwoFactor(c.Request().Context(), viewer(c), c.FormValue("password"), c.FormValue("code"), clientIP(c))
	if err != nil {
		return s.securityError(c, err)
	}
	s.setFlash(c, s.t(c, "account.two_factor.off"))
	return c.Redirect(http.StatusSeeOther, "/settings#two-factor")
}

func (s *Server) regenerateRecoveryCodes(c echo.Context) error {
	codes, err := s.forum.RegenerateRecoveryCodes(c.Request().Context(), viewer(c), c.FormValue("code"), clientIP(c))
	if err != nil {
		return s.securityError(c, err)
	}
	return s.showRecoveryCodes(c, codes, false)
}

// securityError shows the settings page with what was wrong in the
// two-factor forms; passwords and codes typed are not sent back.
func (s *Server) securityError(c echo.Context, err error) error {
	return s.securityErrorKeeping(c, err, nil)
}

// securityErrorKeeping is securityError keeping the given fields typed.
func (s *Server) securityErrorKeeping(c echo.Context, err error, keep map[string]string) error {
	if !isFormError(err) {
		return err
	}
	status := formErrorStatus(c, err)
	u := viewer(c)
	p := s.page(c, s.t(c, "account.settings.title"))
	p.NoIndex = true
	p.Form = formFrom(c, err)
	p.Form.Values = map[string]string{"display_name": u.DisplayName, "bio": u.Bio}
	for k, v := range keep {
		p.Form.Values[k] = v
	}
	p.Data = SettingsData{Mail: s.mailSetting(c), Security: s.securityData(c)}
	return s.tmpl.render(c, status, "settings", p)
}

func isFormError(err error) bool {
	var rl *forum.RateLimitError
	_, ok := forum.AsValidation(err)
	return ok || errors.As(err, &rl)
}

// formErrorStatus is 429 (with Retry-After) for a login limit, 422 for
// a wrong field.
func formErrorStatus(c echo.Context, err error) int {
	var rl *forum.RateLimitError
	if errors.As(err, &rl) {
		if rl.RetryAfter > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int((rl.RetryAfter+time.Second-1)/time.Second)))
		}
		return http.StatusTooManyRequests
	}
	return http.StatusUnprocessableEntity
}
