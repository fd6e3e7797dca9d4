package server

import (
	"html/template"
	"strings"
	"testing"

	"github.com/hearth/hearth/forum"
)

// theRange is the {{range}} thread.html used before postList, kept here as
// the reference postList must match byte for byte.
const theRange = `{{define "ref"}}{{$d := .}}
{{- range $d.Items}}
  <article class="post{{if .Deleted}} post-deleted{{end}}" id="post-{{.Number}}" aria-labelledby="post-{{.Number}}-label">
    {{- if .Deleted}}
    <div class="post-gutter"><span class="avatar avatar-initial" aria-hidden="true">–</span></div>
    <div class="post-main">
      <header class="post-header">
        <span id="post-{{.Number}}-label" class="visually-hidden">Post {{.Number}}, deleted</span>
        <span class="post-when"><a class="post-number" href="{{.URL}}">#{{.Number}}</a></span>
      </header>
      <p class="post-placeholder">This post was deleted.</p>
    </div>
    {{- else}}
    {{.Head}}
    {{- with index $d.Polls .ID}}{{template "poll" .}}{{end}}
    {{.Foot}}
    </div>
    {{- end}}
  </article>
{{- end}}{{end}}`

func TestPostListMatchesTheTemplate(t *testing.T) {
	r := testRenderer(t, testCatalog(t))
	ref := template.Must(template.Must(r.parts.Clone()).Parse(theRange))
	items := []postItem{
		{ID: 10, Number: 1, URL: "/p/10", Head: `<div class="post-gutter">a &amp; <b>b</b>`, Foot: `<footer class="post-actions"></footer>`},
		{ID: 11, Number: 2, URL: "/p/11", Deleted: true},
		{ID: 12, Number: 3, URL: "/p/12", Head: "<div>poll post</div>", Foot: ""},
		{ID: 13, Number: 4, URL: "/p/13", Head: "<div>last</div>", Foot: "<footer>x</footer>"},
	}
	polls := map[int64]*pollItem{12: {PollView: &forum.PollView{ID: 7, PostID: 12, CanVote: true,
		Options: []forum.PollOptionView{{Index: 0, Name: "Yes <really>"}, {Index: 1, Name: "No"}}}, CSRF: "tok", Member: true, Input: "radio"}}
	for _, polls := range []map[int64]*pollItem{polls, nil} {
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, "ref", map[string]any{"Items": items, "Polls": polls}); err != nil {
			t.Fatal(err)
		}
		got, err := r.postList(r.cat.Get("en"), items, polls, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Fatalf("postList differs from the template:\n got: %q\nwant: %q", got, want.String())
		}
	}
	if got, _ := r.postList(r.cat.Get("en"), items, polls, nil); !strings.Contains(string(got), "Yes &lt;really&gt;") {
		t.Fatal("poll option not escaped")
	}
}
