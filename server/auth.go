package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// SignupData tells the signup page whether this account will be the first,
// and which running campaign's link brought the visitor (nil for none).
type SignupData struct {
	FirstUser bool
	Campaign  *models.Campaign
}

func (s *Server) signupForm(c echo.Context) error {
	n, err := s.forum.UserCount(c.Request().Context())
	if err != nil {
		return err
	}
	p := s.page(c, "Sign up")
	p.Data = SignupData{FirstUser: n == 0, Campaign: s.forum.RunningCampaign(c.Request().Context(), c.QueryParam("campaign"))}
	return s.tmpl.render(c, http.StatusOK, "signup", p)
}

func (s *Server) signup(c echo.Context) error {
	ctx := c.Request().Context()
	u, first, err := s.forum.SignUpThrough(ctx, forum.SignUpInput{
		Username: c.FormValue("username"), Email: c.FormValue("email"), Password: c.FormValue("password"),
	}, c.FormValue("campaign"))
	if err != nil {
		if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		n, _ := s.forum.UserCount(ctx)
		p := s.page(c, "Sign up")
		p.Data = SignupData{FirstUser: n == 0, Campaign: s.forum.RunningCampaign(ctx, c.FormValue("campaign"))}
		p.Form = formFrom(c, err)
		return s.tmpl.render(c, http.StatusUnprocessableEntity, "signup", p)
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	msg := "Welcome to the community, " + u.Username + "!"
	if first {
		msg = "Welcome, " + u.Username + "! You are the first member, so you are the administrator: create categories from the admin page."
	}
	s.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) loginForm(c echo.Context) error {
	p := s.page(c, "Log in")
	p.Form = Form{Values: map[string]string{"next": safeNext(c.QueryParam("next"))}}
	return s.tmpl.render(c, http.StatusOK, "login", p)
}

func (s *Server) login(c echo.Context) error {
	u, err := s.forum.Authenticate(c.Request().Context(), c.FormValue("login"), c.FormValue("password"), clientIP(c))
	if err != nil {
		status := http.StatusUnprocessableEntity
		if _, ok := err.(*forum.RateLimitError); ok {
			status = http.StatusTooManyRequests
		} else if _, ok := forum.AsValidation(err); !ok {
			return err
		}
		p := s.page(c, "Log in")
		p.Form = formFrom(c, err)
		p.Form.Values["next"] = safeNext(c.FormValue("next"))
		// A suspended member sees why and may appeal from here.
		var se *forum.SuspendedError
		if errors.As(err, &se) {
			p.Data = se
		}
		return s.tmpl.render(c, status, "login", p)
	}
	if err := s.startSession(c, u.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.forum.EndSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) startSession(c echo.Context, userID int64) error {
	secret, err := s.forum.StartSession(c.Request().Context(), userID, clientIP(c), c.Request().UserAgent())
	if err != nil {
		return err
	}
	c.SetCookie(s.cookie(sessionCookie, secret, 30*24*time.Hour))
	return nil
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
