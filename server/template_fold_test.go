package server

import (
	"html/template"
	"strings"
	"testing"
	"text/template/parse"
)

// constCalls lists the calls of foldable functions (foldFuncs) with only
// literal arguments left in the templates reachable from "layout" in a
// page's set: what folding should have turned into text or literals. A
// call that is an argument of another call is listed as "arg <call>"
// (a th there stays: its template.HTML has no literal form). It
// fails the test on a template it cannot reach by name (html/template's
// copies of a template called from a context other than text), so a page
// whose constants folding cannot see does not pass unnoticed.
func constCalls(t *testing.T, set *template.Template) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	var cmd func(name, pos string, c *parse.CommandNode)
	var pipe func(name, pos string, p *parse.PipeNode)
	pipe = func(name, pos string, p *parse.PipeNode) {
		if p == nil {
			return
		}
		for _, c := range p.Cmds {
			cmd(name, pos, c)
		}
	}
	cmd = func(name, pos string, c *parse.CommandNode) {
		if id, ok := c.Args[0].(*parse.IdentifierNode); ok && foldFuncs[id.Ident] && literalArgs(c.Args[1:]) {
			out = append(out, name+": "+pos+c.String())
			return
		}
		for _, a := range c.Args[1:] {
			switch a := a.(type) {
			case *parse.IdentifierNode:
				if foldFuncs[a.Ident] {
					out = append(out, name+": arg "+a.Ident)
				}
			case *parse.PipeNode:
				pipe(name, "arg ", a)
			case *parse.ChainNode:
				if p, ok := a.Node.(*parse.PipeNode); ok {
					pipe(name, "arg ", p)
				}
			}
		}
	}
	var visit func(name string)
	var list func(name string, l *parse.ListNode)
	list = func(name string, l *parse.ListNode) {
		if l == nil {
			return
		}
		for _, n := range l.Nodes {
			switch n := n.(type) {
			case *parse.ActionNode:
				pipe(name, "", n.Pipe)
			case *parse.IfNode:
				pipe(name, "", n.Pipe)
				list(name, n.List)
				list(name, n.ElseList)
			case *parse.RangeNode:
				pipe(name, "", n.Pipe)
				list(name, n.List)
				list(name, n.ElseList)
			case *parse.WithNode:
				pipe(name, "", n.Pipe)
				list(name, n.List)
				list(name, n.ElseList)
			case *parse.TemplateNode:
				pipe(name, "", n.Pipe)
				visit(n.Name)
			case *parse.ListNode:
				list(name, n)
			}
		}
	}
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		x := set.Lookup(name)
		if x == nil || x.Tree == nil {
			t.Fatalf("template %q is called but cannot be looked up", name)
		}
		list(name, x.Tree.Root)
	}
	visit("layout")
	return out
}

func literalArgs(args []parse.Node) bool {
	for _, a := range args {
		switch a := a.(type) {
		case *parse.StringNode:
		case *parse.PipeNode:
			if len(a.Decl) != 0 || len(a.Cmds) != 1 {
				return false
			}
			id, ok := a.Cmds[0].Args[0].(*parse.IdentifierNode)
			if !ok || !foldFuncs[id.Ident] || !literalArgs(a.Cmds[0].Args[1:]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// foldTestFuncs are stand-ins for a language's functions, with values
// that every escaper changes: markup, quotes, ampersands, spaces, a
// javascript: URL, non-ASCII.
func foldTestFuncs() template.FuncMap {
	msgs := map[string]string{
		"plain":  "Search",
		"nasty":  `<b>"Tea" & 'coffee'</b> = 5 > 3`,
		"url":    "javascript:alert(1)",
		"path":   "/a b/ü?x=1&y=<2>",
		"spaces": "two words\tand\nlines",
		"empty":  "",
	}
	return template.FuncMap{
		"t": func(id string, kv ...any) string { return msgs[id] + fmtKV(kv) },
		"th": func(id string, kv ...any) template.HTML {
			return template.HTML("<em>" + msgs[id] + "</em>" + fmtKV(kv)) // #nosec G203 -- test
		},
		"asset":    func(name string) (string, error) { return "/static/" + name + ".abc", nil },
		"langCode": func() string { return "de" },
		"perPage":  func() int { return 25 },
		"pager":    func(label string) string { return "[" + label + "]" },
		"wrap":     func(h template.HTML) template.HTML { return "(" + h + ")" },
	}
}

func fmtKV(kv []any) string {
	s := ""
	for _, v := range kv {
		switch v := v.(type) {
		case string:
			s += "|" + v
		case template.HTML:
			s += "|" + string(v)
		}
	}
	return s
}

// TestFoldIsExact: a layout with constant calls in every context a page
// can put them in renders byte for byte what it renders unfolded, with
// values every escaper changes; the calls in contexts folding has no
// probe for (JavaScript, CSS) and those that depend on data stay calls.
func TestFoldIsExact(t *testing.T) {
	const layout = `{{define "layout"}}<!doctype html><html lang="{{langCode}}">
<title>{{t "nasty"}} · {{.Name}}</title>
<meta name="description" content="{{t "nasty"}}">
<link rel="stylesheet" href="{{asset "app.css"}}"><script src="{{asset "app.js"}}" defer></script>
<a href="{{t "url"}}" title='{{t "nasty"}}'>{{t "plain"}}</a>
<a href="{{t "path"}}">x</a> <a href="/t/{{t "path"}}">x</a> <a href="/s?q={{t "path"}}#{{t "nasty"}}">x</a>
<a title={{t "spaces"}} data-x={{t "empty"}}>{{t "empty"}}</a> <a href={{t "url"}}>x</a>
<img srcset="{{t "path"}}" alt="{{th "nasty"}}">
<textarea>{{t "nasty"}}{{th "nasty"}}</textarea>
<p>{{th "nasty"}} {{th "plain" "Link" (th "nasty")}} {{th "plain" "Who" .Name}} {{perPage}}</p>
<p>{{pager (t "nasty")}} {{wrap (th "nasty")}} {{if eq .Lang langCode}}same{{else}}{{t "plain"}}{{end}}</p>
{{range .List}}<li data-n="{{.}}">{{t "plain"}}{{t "nasty"}}</li>{{else}}{{t "empty"}}{{end}}
{{with .Name}}<b>{{t "nasty"}}</b>{{end}}{{template "part" .}}
<button onclick="go({{t "nasty"}})" style="color: {{t "plain"}}">{{t "nasty" | html}}</button>
{{end}}{{define "part"}}<span aria-label="{{t "nasty"}}">{{t "plain"}}</span>{{end}}`
	data := map[string]any{"Name": `Ana & "Bo"`, "Lang": "de", "List": []int{1, 2}}
	render := func(fold bool) (string, int, int) {
		funcs := foldTestFuncs()
		set := template.Must(template.New("").Funcs(funcs).Parse(layout))
		actions, args := 0, 0
		if fold {
			actions, args = foldConstants(set, funcs)
		}
		var b strings.Builder
		if err := set.ExecuteTemplate(&b, "layout", data); err != nil {
			t.Fatal(err)
		}
		return b.String(), actions, args
	}
	want, _, _ := render(false)
	got, actions, args := render(true)
	if got != want {
		t.Fatalf("folded page differs at byte %d:\nfolded:   %q\nunfolded: %q", diffAt(got, want), got, want)
	}
	// Every printed constant but the three in JavaScript, CSS and behind
	// a predefined escaper (onclick, style, | html); the arguments (t
	// "nasty") of pager and langCode of eq, not (th "nasty") of wrap.
	if actions != 30 || args != 2 {
		t.Fatalf("folded %d actions and %d arguments, want 30 and 2", actions, args)
	}
}

// diffAt is the first byte where a and b differ.
func diffAt(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestPagesFoldTheirConstants: once a page's set is built, in every
// language, no constant call is left in what "layout" reaches but th
// arguments (template.HTML has no literal form): the thread page's dozens
// of {{t "…"}} are text. Built unfolded, the same thread page has them
// all, so a folding that silently stops fails here.
func TestPagesFoldTheirConstants(t *testing.T) {
	cat := testCatalog(t)
	r := testRenderer(t, cat)
	for _, l := range cat.Langs() {
		set := r.set(l)
		for name := range set.pages {
			pt, err := set.page(name)
			if err != nil {
				t.Fatalf("%s %s: %v", l.Code, name, err)
			}
			for _, c := range constCalls(t, pt) {
				if _, call, _ := strings.Cut(c, ": "); !strings.HasPrefix(call, "arg th ") {
					t.Errorf("%s %s: %s not folded", l.Code, name, c)
				}
			}
		}
	}

	unfolded := testRenderer(t, cat)
	unfolded.noFold = true
	pt, err := unfolded.page("thread")
	if err != nil {
		t.Fatal(err)
	}
	ts := 0
	for _, c := range constCalls(t, pt) {
		if _, call, _ := strings.Cut(c, ": "); strings.HasPrefix(call, "t ") {
			ts++
		}
	}
	if ts < 50 {
		t.Fatalf("the unfolded thread page has %d constant t calls; the count is broken", ts)
	}
}
