package server

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

func (s *Server) profile(c echo.Context) error {
	if isRemoteHandle(c.Param("username")) {
		return s.remoteProfile(c)
	}
	pr, err := s.forum.Profile(c.Request().Context(), viewer(c), c.Param("username"))
	if err != nil {
		return err
	}
	p := s.page(c, s.t(c, "forum.title.profile", "Name", pr.User.Name(), "Handle", pr.User.Username))
	p.OGType = "profile"
	p.Canonical = s.cfg.URL + profilePath(pr.User)
	p.Description = pr.User.Bio
	followers, err := s.forum.MemberFollowers(c.Request().Context(), pr.User)
	if err != nil {
		return err
	}
	p.Data = ProfileData{Profile: pr, Handle: s.forum.FediverseHandle(pr.User.Username), Followers: followers}
	return s.tmpl.render(c, http.StatusOK, "profile", p)
}

// ProfileData is a member page and how to follow them from the fediverse.
type ProfileData struct {
	*forum.Profile
	Handle    string
	Followers int
}

// SettingsData is the settings page; NewToken is shown once after creation.
type SettingsData struct {
	NewToken string
	Mail     *models.MailSetting // the mail opt-ins; nil leaves the section out
	// Security is two-factor login and signed-in sessions
	// (server/sessions.go); nil leaves the section out.
	Security *SecurityData
}

func (s *Server) settingsForm(c echo.Context) error {
	u := viewer(c)
	p := s.page(c, s.t(c, "account.settings.title"))
	p.NoIndex = true
	p.Form = Form{Values: map[string]string{"display_name": u.DisplayName, "bio": u.Bio}}
	p.Data = SettingsData{Mail: s.mailSetting(c), Security: s.securityData(c)}
	return s.tmpl.render(c, http.StatusOK, "settings", p)
}

func (s *Server) saveSettings(c echo.Context) error {
	err := s.forum.UpdateProfile(c.Request().Context(), viewer(c), forum.ProfileInput{
		DisplayName: c.FormValue("display_name"), Bio: c.FormValue("bio"),
	})
	if err != nil {
		return s.settingsError(c, err)
	}
	s.setFlash(c, s.t(c, "account.settings.profile_saved"))
	return c.Redirect(http.StatusSeeOther, "/settings")
}

func (s *Server) settingsError(c echo.Context, err error) error {
	if _, ok := forum.AsValidation(err); !ok {
		return err
	}
	p := s.page(c, s.t(c, "account.settings.title"))
	p.NoIndex = true
	p.Form = formFrom(c, err)
	if _, ok := p.Form.Values["display_name"]; !ok {
		p.Form.Values["display_name"], p.Form.Values["bio"] = viewer(c).DisplayName, viewer(c).Bio
	}
	p.Data = SettingsData{Mail: s.mailSetting(c), Security: s.securityData(c)}
	return s.tmpl.render(c, http.StatusUnprocessableEntity, "settings", p)
}

func (s *Server) uploadAvatar(c echo.Context) error {
	fh, err := c.FormFile("avatar")
	if err != nil {
		return s.settingsError(c, forum.Invalid("avatar", "errors.images.missing"))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, forum.MaxAvatarBytes+1))
	if err != nil {
		return err
	}
	if err := s.forum.SetAvatar(c.Request().Context(), viewer(c), data); err != nil {
		return s.settingsError(c, err)
	}
	s.setFlash(c, s.t(c, "account.settings.avatar_saved"))
	return c.Redirect(http.StatusSeeOther, "/settings")
}

func (s *Server) createTokenForm(c echo.Context) error {
	tok, err := s.forum.CreateToken(c.Request().Context(), viewer(c).ID, c.FormValue("name"))
	if err != nil {
		return s.settingsError(c, err)
	}
	u := viewer(c)
	p := s.page(c, s.t(c, "account.settings.title"))
	p.NoIndex = true
	p.Form = Form{Values: map[string]string{"display_name": u.DisplayName, "bio": u.Bio}}
	p.Data = SettingsData{NewToken: tok, Mail: s.mailSetting(c), Security: s.securityData(c)}
	return s.tmpl.render(c, http.StatusOK, "settings", p)
}

// avatar serves an uploaded avatar. Names are content-hashed, so they can be
// cached for a year.
func (s *Server) avatar(c echo.Context) error {
	name := filepath.Base(c.Param("file"))
	if name == "." || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp") {
		return forum.ErrNotFound
	}
	path := filepath.Join(s.forum.AvatarDir(), name)
	if _, err := os.Stat(path); err != nil {
		return forum.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.File(path)
}
