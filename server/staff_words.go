package server

import (
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Words the staff pages' handlers put together in Go, in the viewer's
// language (templates use the staff_role partial for the same words).

// roleName is a stored role as staff read it: "moderator", "Moderator*in".
func roleName(l *i18n.Lang, role string) string {
	switch role {
	case models.RoleMember:
		return l.T("staff.role.member")
	case models.RoleAmbassador:
		return l.T("staff.role.ambassador")
	case models.RoleModerator:
		return l.T("staff.role.moderator")
	case models.RoleAdmin:
		return l.T("staff.role.admin")
	}
	return role
}
