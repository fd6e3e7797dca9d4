package server

import (
	"strings"

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

// durationWords is an interval in words: "1 hour 30 minutes".
func durationWords(l *i18n.Lang, secs int) string {
	var parts []string
	for _, u := range []struct {
		secs int
		id   string
	}{{3600, "staff.duration.hours"}, {60, "staff.duration.minutes"}, {1, "staff.duration.seconds"}} {
		if n := secs / u.secs; n > 0 {
			parts = append(parts, l.N(u.id, n))
			secs -= n * u.secs
		}
	}
	return strings.Join(parts, " ")
}
