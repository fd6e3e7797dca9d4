package server

import (
	"html/template"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hearth/hearth/forum"
	"github.com/hearth/hearth/models"
)

// theListRange is thread_list as it was before threadRows, kept as the
// reference the cached rows must match byte for byte.
const theListRange = `{{define "ref_list" -}}
{{- if . -}}
<ul class="topic-list">
{{- range threadItems .}}
  <li class="topic{{if .Pinned}} topic-pinned{{end}}{{if .Locked}} topic-locked{{end}}">
    <div class="topic-main">
      <h3 class="topic-title">
        {{- if .Pinned}}<span class="badge badge-pinned">Pinned</span> {{end -}}
        {{- if .Locked}}<span class="badge badge-locked">Locked</span> {{end -}}
        <a href="{{.URL}}">{{.Title}}</a>
        {{- if .Unread}} <span class="badge badge-unread">{{.Unread}} new<span class="visually-hidden"> {{if eq .Unread 1}}post{{else}}posts{{end}}</span></span>{{end}}
      </h3>
      <div class="topic-meta">
        {{- with .Category}}<span class="topic-cat"><a class="category-badge" href="{{.URL}}"><svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false"><rect width="12" height="12" rx="3" fill="{{.Color}}"/></svg><span>{{.Name}}</span></a></span>{{end}}
        <span class="topic-author">by {{with .Author}}{{if .URL}}<a class="user-link" href="{{.URL}}">{{.Name}}</a>{{else}}{{.Name}}{{end}}{{end}}</span>
        {{- with .Tags}}<ul class="tag-list" aria-label="Tags">{{range .}}<li><a class="tag" href="{{.URL}}">#{{.Name}}</a></li>{{end}}</ul>{{end}}
      </div>
    </div>
    <div class="topic-replies">
      <span class="num">{{.Replies}}</span> <span class="label">{{if eq .Replies 1}}reply{{else}}replies{{end}}</span>
    </div>
    <div class="topic-activity">
      {{- with .LastPoster}}{{if .AvatarURL}}<img class="avatar" src="{{.AvatarURL}}" alt="" width="32" height="32" loading="lazy">{{else}}<span class="avatar avatar-initial {{.Colour}}" aria-hidden="true">{{.Initial}}</span>{{end}}{{end}}
      <span>
        <time datetime="{{.LastISO}}" title="{{.LastDate}} UTC">{{.LastAgo}}</time>
        <span class="topic-last">{{with .LastPoster}}<span class="visually-hidden">last post by </span>{{if .URL}}<a class="user-link" href="{{.URL}}">{{.Name}}</a>{{else}}{{.Name}}{{end}}{{end}}</span>
      </span>
    </div>
  </li>
{{- end}}
</ul>
{{- end -}}
{{- end}}
`

func TestThreadRowsMatchTheTemplate(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	r, err := newRenderer(a, "http://forum.test", 100, func() time.Time { return now }, testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	ref := template.Must(template.Must(r.parts.Clone()).Funcs(template.FuncMap{
		"threadItems": func(ts []forum.ThreadSummary) []threadItem { return threadItems(ts, now, r.cat.Get("en")) },
	}).Parse(theListRange))
	cat := &models.Category{Slug: "general", Name: "Gen <eral>", Color: "#123456"}
	alice := &models.User{ID: 1, Username: "alice", DisplayName: "Alice & co", Role: models.RoleModerator}
	remote := &models.User{ID: 2, Username: "bob", Domain: "example.social", RemoteURL: "https://example.social/@bob"}
	ts := []forum.ThreadSummary{
		{Thread: models.Thread{ID: 1, Title: "Compost <script>x()</script>", Slug: "compost", PostCount: 3, Pinned: true, LastPostAt: now.Add(-time.Hour)},
			Author: alice, LastPoster: remote, Category: cat, Tags: []string{"soil", "a b"}, Unread: 2},
		{Thread: models.Thread{ID: 2, Title: "1:x", PostCount: 1, Locked: true, LastPostAt: now.Add(-48 * time.Hour)}, Author: remote, Unread: 1},
		{Thread: models.Thread{ID: 3, Title: "1", PostCount: 2, LastPostAt: now}, Author: nil, LastPoster: alice, Category: cat},
	}
	for step := 0; step < 3; step++ {
		if step == 2 {
			ts[0].Unread, ts[1].Unread = 0, 5 // the viewer's own counts: not another viewer's row
		}
		var want, got strings.Builder
		if err := ref.ExecuteTemplate(&want, "ref_list", ts); err != nil {
			t.Fatal(err)
		}
		if err := r.parts.ExecuteTemplate(&got, "thread_list", ts); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("step %d: thread_list differs from the template:\n got: %q\nwant: %q", step, got.String(), want.String())
		}
	}
	// writeKey must name every value a row shows: a field added here and
	// not there would serve one row's cached look for another's.
	if n, m := reflect.TypeOf(threadItem{}).NumField(), reflect.TypeOf(authorItem{}).NumField(); n != 13 || m != 9 {
		t.Fatalf("threadItem has %d fields, authorItem %d: add the new ones to writeKey, then here", n, m)
	}
	if r.rows.Len() != 5 {
		t.Fatalf("%d cached rows, want 5 (3, then 2 with new unread counts)", r.rows.Len())
	}
}
