package forum

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/models"
)

// Digest sizes.
const (
	digestThreads    = 5   // threads in one member's digest
	digestCandidates = 100 // top threads ranked once, filtered per member
	digestBatch      = 200 // members read per query
)

// DigestWeek names the ISO week t falls in, e.g. "2026-W48": the digest's
// unit of "once".
func DigestWeek(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// QueueWeeklyDigest queues this week's digest for every member who opted
// in, ranking the threads of the past seven days by replies and likes and
// leaving out each member's muted categories and threads. It does the work
// once per week whichever process calls it and however often: the week's
// run is recorded in digest_runs, and each member's mail has the dedupe key
// "d:<member>:<week>", so a run cut short and resumed never mails twice.
// It returns how many mails this call queued.
func (s *Service) QueueWeeklyDigest(ctx context.Context) (int, error) {
	now := s.now()
	week := DigestWeek(now)
	run, err := s.store.DigestRunOf(ctx, week)
	if err != nil || (run != nil && run.FinishedAt != nil) {
		return 0, err
	}
	if err := s.store.StartDigestRun(ctx, week, now); err != nil {
		return 0, err
	}
	// The digest is one list for everyone, like the public thread lists:
	// it never names a private category's threads.
	hidden, err := s.hiddenCategoryIDs(ctx, nil)
	if err != nil {
		return 0, err
	}
	top, err := s.store.TopThreads(ctx, now.Add(-7*24*time.Hour), now, hidden, digestCandidates)
	if err != nil {
		return 0, err
	}
	queued := 0
	var after int64
	for {
		members, err := s.store.DigestRecipients(ctx, after, digestBatch)
		if err != nil {
			return queued, err
		}
		if len(members) == 0 {
			break
		}
		after = members[len(members)-1].ID
		n, err := s.queueDigestBatch(ctx, members, top, week, now)
		queued += n
		if err != nil {
			return queued, err
		}
	}
	return queued, s.store.FinishDigestRun(ctx, week, queued, now)
}

func (s *Service) queueDigestBatch(ctx context.Context, members []models.DigestRecipient, top []models.DigestThread, week string, now time.Time) (int, error) {
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	ok, err := s.store.NotifiableUserIDs(ctx, ids, now)
	if err != nil {
		return 0, err
	}
	topIDs := make([]int64, len(top))
	for i, t := range top {
		topIDs[i] = t.ID
	}
	site := s.mailSite(ctx)
	var mails []models.Mail
	for _, m := range members {
		if !ok[m.ID] {
			continue
		}
		picked, err := s.digestFor(ctx, m.ID, top, topIDs)
		if err != nil {
			return 0, err
		}
		if len(picked) == 0 {
			continue // a quiet week, or all of it muted: no empty mail
		}
		mails = append(mails, s.newMail(m.ID, m.Email, models.MailDigest, models.ScopeDigest,
			"d:"+strconv.FormatInt(m.ID, 10)+":"+week, s.digestMail(s.langFor(site, m.Language), site.Name, m, picked), now))
	}
	n, err := s.store.QueueMails(ctx, mails)
	return int(n), err
}

// digestFor picks a member's threads from the ranked list.
func (s *Service) digestFor(ctx context.Context, userID int64, top []models.DigestThread, topIDs []int64) ([]models.DigestThread, error) {
	mutedCats, err := s.store.MutedCategoryIDs(ctx, userID)
	if err != nil {
		return nil, err
	}
	mutedThreads, err := s.store.MutedThreadIDs(ctx, userID, topIDs)
	if err != nil {
		return nil, err
	}
	skip := map[int64]bool{}
	for _, id := range mutedCats {
		skip[id] = true
	}
	var out []models.DigestThread
	for _, t := range top {
		if skip[t.CategoryID] || mutedThreads[t.ID] {
			continue
		}
		if out = append(out, t); len(out) == digestThreads {
			break
		}
	}
	return out, nil
}

// digestMail words a member's digest in l.
func (s *Service) digestMail(l *i18n.Lang, site string, m models.DigestRecipient, threads []models.DigestThread) mailBody {
	var text, htm strings.Builder
	hello, intro := l.T("mail.digest.hello", "Name", m.Username), l.T("mail.digest.intro", "Site", site)
	text.WriteString(hello + "\n\n" + intro + "\n\n")
	htm.WriteString("<p>" + html.EscapeString(hello) + "</p>\n<p>" + html.EscapeString(intro) + "</p>\n<ol>\n")
	for _, t := range threads {
		link := s.cfg.URL + "/t/" + strconv.FormatInt(t.ID, 10)
		if t.Slug != "" {
			link += "/" + t.Slug
		}
		stats := l.T("mail.digest.stats", "Replies", l.N("mail.digest.replies", t.Replies), "Likes", l.N("mail.digest.likes", t.Likes))
		fmt.Fprintf(&text, "- %s (%s)\n  %s\n", t.Title, stats, link)
		fmt.Fprintf(&htm, "<li><a href=\"%s\">%s</a> (%s)</li>\n", html.EscapeString(link), html.EscapeString(t.Title), html.EscapeString(stats))
	}
	htm.WriteString("</ol>\n")
	return mailBody{Subject: l.T("mail.digest.subject", "Site", site), Text: text.String(), HTML: htm.String(), Lang: l.Code}
}
