package server

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// The audit log's sentences in the viewer's language. forum.AuditSentence
// holds an entry's parts without words; here each kind of entry is one
// catalog message holding the whole sentence ("{{.Actor}} hid {{.Object}}",
// "{{.Actor}} hat {{.Object}} ausgeblendet"), its variants (with or
// without a detail) are messages of their own, and the parts that are
// links are passed in as template.HTML, so word order and case endings are
// the translator's. Ids: staff.audit.kind.<action> (the filter's label),
// staff.audit.did.<action>[_variant] (the sentence),
// staff.audit.object.<code> (what it was done to).

// auditLabel is a kind of entry's label for the filter and the log
// ("Post hidden"); an unknown action reads "Other: post frobnicate".
func auditLabel(l *i18n.Lang, action string) string {
	if forum.KnownAuditAction(action) {
		return l.T("staff.audit.kind." + action)
	}
	return l.T("staff.audit.kind_other", "Action", strings.ReplaceAll(action, "_", " "))
}

// auditSentenceHTML tells one entry as a sentence with its links, then the
// reason after a dash.
func auditSentenceHTML(l *i18n.Lang, sn forum.AuditSentence) template.HTML {
	link := func(url, text string) template.HTML { return l.HTML("staff.link", "URL", url, "Text", text) }
	actor := l.HTML("staff.audit.hearth") // Hearth itself: a rule, a threshold
	if sn.Actor != nil {
		actor = link(profilePath(sn.Actor), sn.Actor.Username)
	}
	kv := []any{"Actor", actor, "Object", auditObject(l, sn, link)}
	id := "staff.audit.did." + sn.Action
	d := sn.Details
	switch sn.Action {
	case "thread.move":
		if d.To != "" {
			id += "_to"
			from := d.From
			if from == "" {
				from = l.T("staff.audit.its_category")
			}
			kv = append(kv, "From", from, "To", d.To)
		}
	case "thread.merge":
		if sn.Into != nil {
			id += "_into"
			kv = append(kv, "Into", link(threadURL(sn.Into), sn.Into.Title))
		} else if sn.IntoHidden {
			id += "_elsewhere"
		}
	case "thread.slow_mode":
		if d.HasSeconds && d.Seconds == 0 {
			id += "_off"
		} else if d.HasSeconds {
			id += "_every"
			kv = append(kv, "Every", auditInterval(l, d.Seconds))
		}
	case "user.silence", "user.suspend":
		if d.Indefinite {
			id += "_indefinitely"
		} else if d.Until != "" {
			id += "_until"
			until := d.Until
			if t, err := time.Parse("2006-01-02", until); err == nil {
				until = l.Date(t)
			}
			kv = append(kv, "Until", until)
		}
	case "user.role":
		if d.To != "" {
			id += "_to"
			from := d.From
			if from == "" {
				from = models.RoleMember
			}
			kv = append(kv, "From", roleName(l, from), "To", roleName(l, d.To))
		}
	case "instance.block":
		if d.Severity != "" {
			id += "_severity"
			sev := d.Severity
			switch sev {
			case models.BlockSuspend:
				sev = l.T("staff.audit.severity_suspend")
			case models.BlockSilence:
				sev = l.T("staff.audit.severity_silence")
			}
			kv = append(kv, "Severity", sev)
		}
	case "site.update":
		if len(d.Fields) > 0 {
			id += "_fields"
			names := make([]string, len(d.Fields))
			for i, f := range d.Fields {
				names[i] = strings.ReplaceAll(f, "_", " ")
				if fid := "staff.audit.field_" + f; l.Has(fid) {
					names[i] = l.T(fid)
				}
			}
			kv = append(kv, "Fields", strings.Join(names, ", "))
		}
	case "category.delete":
		if d.MovedTo != "" {
			id += "_moved"
			kv = append(kv, "To", d.MovedTo)
		}
	}
	if !sn.Known {
		_, op, _ := strings.Cut(sn.Action, ".")
		if op == "" {
			op = sn.Action
		}
		id = "staff.audit.did_other"
		kv = append(kv, "Op", strings.ReplaceAll(op, "_", " "))
	}
	out := l.HTML(id, kv...)
	if sn.Reason != "" {
		out += ` <span class="audit-reason">` + l.HTML("staff.audit.reason", "Reason", sn.Reason) + `</span>`
	}
	return out
}

// auditObject is what an entry was done to, linked where it has a page the
// viewer may see.
func auditObject(l *i18n.Lang, sn forum.AuditSentence, link func(url, text string) template.HTML) template.HTML {
	switch {
	case sn.PostID != 0:
		post := l.HTML("staff.audit.post_link", "URL", "/p/"+strconv.FormatInt(sn.PostID, 10))
		var thread template.HTML
		if sn.Thread != nil {
			thread = link(threadURL(sn.Thread), sn.Thread.Title)
		}
		switch {
		case sn.User != nil && sn.Thread != nil:
			return l.HTML("staff.audit.object.post_by_in", "Post", post, "Author", link(profilePath(sn.User), sn.User.Username), "Thread", thread)
		case sn.Thread != nil:
			return l.HTML("staff.audit.object.post_in", "Post", post, "Thread", thread)
		}
		return post
	case sn.Thread != nil:
		return l.HTML("staff.audit.object.thread", "Thread", link(threadURL(sn.Thread), sn.Thread.Title))
	case sn.User != nil:
		return link(profilePath(sn.User), sn.User.Username)
	case sn.Category != nil:
		return l.HTML("staff.audit.object.category_link", "Category", link("/c/"+sn.Category.Slug, sn.Category.Name))
	}
	switch sn.Object {
	case forum.AuditObjectCategory:
		if sn.Name == "" {
			return l.HTML("staff.audit.object.category_gone")
		}
	case forum.AuditObjectOther:
		if sn.Name == "" {
			return l.HTML("staff.audit.object.something")
		}
		return l.HTML("staff.audit.object.other_type", "Name", strings.ReplaceAll(sn.Name, "_", " "))
	case "":
		return l.HTML("staff.audit.object.something")
	}
	return l.HTML("staff.audit.object."+sn.Object, "Name", sn.Name)
}

// auditInterval is a slow mode's interval, short: "1 min", "2 h", "30 s".
func auditInterval(l *i18n.Lang, secs int64) string {
	switch {
	case secs%3600 == 0:
		return l.T("staff.audit.interval_h", "N", secs/3600)
	case secs%60 == 0:
		return l.T("staff.audit.interval_min", "N", secs/60)
	}
	return l.T("staff.audit.interval_s", "N", secs)
}
