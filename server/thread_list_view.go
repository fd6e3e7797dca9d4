package server

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hearth/hearth/ttlcache"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/i18n"
)

// threadItem is a thread row flattened for the thread_list partial, for the
// same reason as postItem: lists of 30+ rows spent their time in template
// reflection, not in the database.
type threadItem struct {
	URL        string
	Title      string
	Pinned     bool
	Locked     bool
	Category   *categoryItem
	Author     authorItem
	Tags       []tagItem
	Replies    int
	Unread     int
	LastISO    string
	LastDate   string
	LastAgo    string
	LastPoster *authorItem
}

type categoryItem struct {
	URL, Name, Color string
}

type tagItem struct {
	Name, URL string
}

func threadItems(ts []forum.ThreadSummary, now time.Time, l *i18n.Lang) []threadItem {
	out := make([]threadItem, len(ts))
	for i := range ts {
		t := &ts[i]
		it := threadItem{
			URL: threadURL(&t.Thread), Title: t.Title, Pinned: t.Pinned, Locked: t.Locked,
			Author: newAuthorItem(t.Author, l), Replies: t.Replies(), Unread: t.Unread,
			LastISO: t.LastPostAt.UTC().Format(time.RFC3339), LastDate: l.DateTime(t.LastPostAt), LastAgo: l.Ago(now, t.LastPostAt),
		}
		if t.Category != nil {
			it.Category = &categoryItem{URL: "/c/" + t.Category.Slug, Name: t.Category.Name, Color: t.Category.Color}
		}
		if t.LastPoster != nil {
			lp := newAuthorItem(t.LastPoster, l)
			it.LastPoster = &lp
		}
		for _, tag := range t.Tags {
			it.Tags = append(it.Tags, tagItem{Name: tag, URL: "/tags/" + url.PathEscape(tag)})
		}
		out[i] = it
	}
	return out
}

// threadRows writes a thread list's rows (the thread_list partial's body):
// each is the thread_row partial, rendered once per state of the row and
// kept in rowCache, since 50 rows through html/template were most of a
// member's category page. A row's key is every value it shows (the
// viewer's unread count included), so an entry is never stale and the
// same row is shared by every viewer it looks the same to.
func (r *renderer) threadRows(l *i18n.Lang, ts []forum.ThreadSummary, now time.Time) (template.HTML, error) {
	items := threadItems(ts, now, l)
	var b strings.Builder
	var key strings.Builder
	for i := range items {
		key.Reset()
		key.WriteString(l.Code) // the row's words are in l
		key.WriteByte('|')
		items[i].writeKey(&key)
		k := key.String()
		row, ok := r.rows.Get(k)
		if !ok {
			var err error
			if row, err = r.fragment(l, "thread_row", &items[i]); err != nil {
				return "", err
			}
			r.rows.Add(k, row)
		}
		b.WriteString(string(row))
	}
	return template.HTML(b.String()), nil // #nosec G203 -- rows from html/template
}

// rowCache holds rendered thread_row fragments: at most rowEntries, about
// 1.5 KB each (~3 MB), and none older than rowTTL (a row shows its age
// in words, which is in its key, so old rows are never hit again anyway).
type rowCache = ttlcache.Cache[string, template.HTML]

const (
	rowEntries = 2048
	rowTTL     = 10 * time.Minute
)

func newRowCache() *rowCache { return ttlcache.New[string, template.HTML](rowEntries, rowTTL) }

// writeKey writes every value the row shows, each with its length, so no
// two different rows have the same key whatever their text holds.
func (it *threadItem) writeKey(b *strings.Builder) {
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	author := func(a *authorItem) {
		if a == nil {
			field("-")
			return
		}
		field(a.Username)
		field(a.Name)
		field(a.URL)
		field(a.AvatarURL)
		field(a.Initial)
		field(a.Colour)
		field(a.Role)
		field(a.Handle)
		field(a.Domain)
	}
	field(it.URL)
	field(it.Title)
	field(strconv.FormatBool(it.Pinned) + strconv.FormatBool(it.Locked))
	if c := it.Category; c != nil {
		field(c.URL)
		field(c.Name)
		field(c.Color)
	} else {
		field("-")
	}
	author(&it.Author)
	field(strconv.Itoa(len(it.Tags)))
	for _, t := range it.Tags {
		field(t.Name)
		field(t.URL)
	}
	field(strconv.Itoa(it.Replies) + "/" + strconv.Itoa(it.Unread))
	field(it.LastISO)
	field(it.LastDate)
	field(it.LastAgo)
	author(it.LastPoster)
}
