package server

import (
	"html"
	"html/template"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// The notifications page's sentences, in the viewer's language (the
// viewer is the recipient). Each line is one catalog sentence (notify.*)
// with its people and its thread as placeholders, never glued fragments:
// German puts the verb last and agrees it with how many people there are,
// so grouped sentences have plural forms counted by people.

// groupSentences are the grouped kinds' sentences, by kind.
var groupSentences = map[string]string{
	models.NotifyReply:     "notify.group.reply",
	models.NotifyMention:   "notify.group.mention",
	models.NotifyLike:      "notify.group.like",
	models.NotifyBoost:     "notify.group.boost",
	models.NotifyPosted:    "notify.group.posted",
	models.NotifyNewThread: "notify.group.new_thread",
	models.NotifyOverdue:   "notify.group.overdue",
}

// Who is the group's actors as a phrase with each member linked to their
// profile: "Ana", "Ana and Ben", "Ana, Ben and Carol", then "Ana, Ben and
// 3 others" from four people on; "Someone" for an actor who is gone.
func (g notificationGroup) Who(l *i18n.Lang) template.HTML {
	names := make([]any, 0, 3)
	for i, u := range g.shown() {
		if u == nil {
			names = append(names, template.HTML(html.EscapeString(someone(l, i == 0)))) // #nosec G203 -- escaped
			continue
		}
		names = append(names, template.HTML(`<a href="`+html.EscapeString(profilePath(u))+`">`+html.EscapeString(u.Name())+`</a>`)) // #nosec G203 -- escaped
	}
	switch n := len(g.Actors); {
	case n == 1:
		return names[0].(template.HTML)
	case n == 2:
		return l.HTML("notify.who.pair", "A", names[0], "B", names[1])
	case n == 3:
		return l.HTML("notify.who.trio", "A", names[0], "B", names[1], "C", names[2])
	case n > 3:
		return l.NHTML("notify.who.many", n-2, "A", names[0], "B", names[1])
	}
	return ""
}

// WhoText is Who in plain words, for tests and accessible names.
func (g notificationGroup) WhoText(l *i18n.Lang) string {
	names := make([]any, 0, 3)
	for i, u := range g.shown() {
		if u == nil {
			names = append(names, someone(l, i == 0))
		} else {
			names = append(names, u.Name())
		}
	}
	switch n := len(g.Actors); {
	case n == 1:
		return names[0].(string)
	case n == 2:
		return l.T("notify.who.pair", "A", names[0], "B", names[1])
	case n == 3:
		return l.T("notify.who.trio", "A", names[0], "B", names[1], "C", names[2])
	case n > 3:
		return l.N("notify.who.many", n-2, "A", names[0], "B", names[1])
	}
	return ""
}

// shown is the actors a Who phrase names: all up to three, else two.
func (g notificationGroup) shown() []*models.User {
	if len(g.Actors) > 3 {
		return g.Actors[:2]
	}
	return g.Actors
}

// someone stands for an actor whose account is gone.
func someone(l *i18n.Lang, first bool) string {
	if first {
		return l.T("notify.someone_first")
	}
	return l.T("notify.someone")
}

// Sentence is the group's line in l: who did what, where, linked.
func (g notificationGroup) Sentence(l *i18n.Lang) template.HTML {
	n := &g.First
	link := func(href, text string) template.HTML {
		return template.HTML(`<a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + `</a>`) // #nosec G203 -- escaped
	}
	switch n.Kind {
	case forum.NotifyModeration:
		return l.HTML("notify.moderation", "Link", link("/notices", l.T("notify.moderation_link")))
	case forum.NotifyMessage:
		name := l.T("notify.someone_first")
		if n.Actor != nil {
			name = n.Actor.Name()
		}
		return l.HTML("notify.message", "Name", name, "Link", link(conversationPath(n.PostID), l.T("notify.message_link")))
	case models.NotifyHeldApproved:
		text := l.T("notify.held_approved_link")
		if n.Thread != nil {
			text = n.Thread.Title
		}
		return l.HTML("notify.held_approved", "Link", link(postPath(n.PostID), text))
	case models.NotifyHeldRejected:
		var what template.HTML
		switch {
		case n.Held != nil && n.Held.Title != "":
			what = l.HTML("notify.held_rejected_thread", "Title", n.Held.Title)
		case n.Thread != nil:
			what = l.HTML("notify.held_rejected_reply_in", "Title", n.Thread.Title)
		default:
			what = l.HTML("notify.held_rejected_reply")
		}
		if n.HeldPostID != nil {
			what += " " + link(heldURL(*n.HeldPostID), l.T("notify.held_rejected_link"))
		}
		return what
	case forum.NotifySecondFactorReset:
		return l.HTML("notify.second_factor_reset", "Link", link("/settings#two-factor", l.T("notify.second_factor_reset_link")))
	case forum.NotifyExportReady:
		if n.Link != "" {
			return l.HTML("notify.export_ready", "Link", link(n.Link, l.T("notify.export_ready_link")))
		}
		return l.HTML("notify.export_expired", "Link", link("/settings/export", l.T("notify.export_expired_link")))
	case forum.NotifyLoginAttack:
		return l.HTML("notify.login_attack")
	}
	title := l.T("notify.a_post")
	if n.Thread != nil {
		title = n.Thread.Title
	}
	id, ok := groupSentences[n.Kind]
	if !ok {
		id = "notify.group.other"
	}
	out := l.NHTML(id, max(len(g.Actors), 1), "Who", g.Who(l), "Thread", link(g.Link, title))
	if g.Count > len(g.Actors) && (n.Kind == models.NotifyReply || n.Kind == models.NotifyPosted || n.Kind == models.NotifyMention) {
		out += template.HTML(` <span class="muted">` + html.EscapeString(l.N("notify.posts", g.Count)) + `</span>`) // #nosec G203 -- escaped
	}
	return out
}

// wordGroups writes every line's sentence in l, once, for the page.
func wordGroups(l *i18n.Lang, groups []notificationGroup) {
	for i := range groups {
		groups[i].Text = groups[i].Sentence(l)
	}
}
