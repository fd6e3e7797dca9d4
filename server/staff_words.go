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

// queueWord is a review action or act as staff read it in a flash
// ("Queue item resolved: approve."); an unknown one stays as sent.
func queueWord(l *i18n.Lang, action string) string {
	switch action {
	case "approve", "dismiss", "hide", "delete", "uphold", "reverse", "lock", "warn", "silence", "suspend":
		return l.T("staff.queue.word." + action)
	}
	return action
}
