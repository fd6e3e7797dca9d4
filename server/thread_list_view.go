package server

import (
	"net/url"
	"time"

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
