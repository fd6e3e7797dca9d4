package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"golang.org/x/net/html"

	"github.com/hearth/hearth/i18n"
	"github.com/hearth/hearth/templates"
)

// translatedAttrs are the attributes whose values people read or hear.
var translatedAttrs = map[string]bool{
	"title": true, "alt": true, "placeholder": true, "aria-label": true,
	"aria-description": true, "aria-roledescription": true, "label": true,
}

// words finds text a reader would read: two letters in a row.
var words = regexp.MustCompile(`\pL\pL`)

// TestNoUntranslatedTemplateText fails when a template holds words of its
// own (text between tags, or a title/alt/placeholder/aria-label/label, or
// a button's value) instead of calling the catalog with t, tn, th or tnh.
func TestNoUntranslatedTemplateText(t *testing.T) {
	files := templateFiles(t)
	for _, name := range files {
		for _, f := range untranslated(t, name) {
			t.Errorf("%s: untranslated %q: put it in a catalog (i18n/locales) and call {{t \"...\"}}", name, f)
		}
	}
}

// TestUntranslatedTextIsFound keeps the check above honest: it must find
// words in text, in read attributes and in button values, and must not
// flag markup, actions or attributes nobody reads.
func TestUntranslatedTextIsFound(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		{`<p>Hello {{.Name}}</p>`, []string{"Hello"}},
		{`<a href="/x" title="Open it">{{t "a.b"}}</a>`, []string{"Open it"}},
		{`<input type="submit" value="Save">`, []string{"Save"}},
		{`<input type="hidden" name="kind" value="reply">`, nil},
		{`<div class="post-list" id="main">{{t "a.b"}} · {{.N}} — 3</div>`, nil},
		{`{{if .X}}<b>Only</b>{{else}}{{t "a.b"}}{{end}}`, []string{"Only"}},
		{`<img alt="" src="{{.U}}"><svg viewBox="0 0 1 1"><path d="M1 1"/></svg>`, nil},
		{`{{/* a comment with words */}}<span aria-label="{{t "a.b" "N" 1}}">x</span>`, nil},
		{`<noscript><p class="help">{{t "a.b"}}</p></noscript><noscript><p>Needs scripts</p></noscript>`, []string{"Needs scripts"}},
	}
	for _, tc := range cases {
		got := findUntranslated(t, "test", tc.src)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: found %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestEveryMessageIDExists fails when a template or Go file asks for a
// message id the catalogs lack (TestEveryLanguageIsComplete in i18n then
// checks that every language has each English id).
func TestEveryMessageIDExists(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := cat.Get(i18n.Default)
	used := map[string]string{} // id -> where
	for _, name := range templateFiles(t) {
		for _, id := range templateMessageIDs(t, name) {
			used[id] = name
		}
	}
	goIDs := goMessageIDs(t, "..")
	if len(goIDs) == 0 {
		t.Fatal("no message ids found in Go: the scan is broken")
	}
	for id, where := range goIDs {
		used[id] = where
	}
	if len(used) == 0 {
		t.Fatal("no message ids found: the scan is broken")
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !en.Has(id) {
			t.Errorf("%s uses message %q, which i18n/locales lacks", used[id], id)
		}
	}
}

func templateFiles(t *testing.T) []string {
	var out []string
	err := fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			out = append(out, p)
		}
		return err
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("templates: %v (%d files)", err, len(out))
	}
	return out
}

// parseTemplateFile parses one file into its trees (one per define).
func parseTemplateFile(t *testing.T, name, src string) map[string]*parse.Tree {
	funcs := map[string]any{}
	for k := range templateFuncs(&assets{}, "", 1, nil, testCatalog(t).Get(i18n.Default)) {
		funcs[k] = true
	}
	funcs["languages"] = true // added by newRenderer
	funcs["threadRows"] = true
	funcs["pageLinks"] = true
	trees, err := parse.Parse(name, src, "{{", "}}", funcs, builtinNames)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return trees
}

var builtinNames = map[string]any{
	"and": true, "call": true, "html": true, "index": true, "slice": true, "js": true, "len": true, "not": true,
	"or": true, "print": true, "printf": true, "println": true, "urlquery": true, "eq": true, "ge": true,
	"gt": true, "le": true, "lt": true, "ne": true,
}

func untranslated(t *testing.T, name string) []string {
	src, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return findUntranslated(t, name, string(src))
}

// findUntranslated joins a template's text with every action replaced by
// a marker, reads the result as HTML and returns the words it finds.
func findUntranslated(t *testing.T, name, src string) []string {
	var b strings.Builder
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.TextNode:
			b.Write(n.Text)
		case *parse.IfNode:
			b.WriteString("\x00")
			walk(n.List)
			if n.ElseList != nil {
				walk(n.ElseList)
			}
		case *parse.RangeNode:
			b.WriteString("\x00")
			walk(n.List)
			if n.ElseList != nil {
				walk(n.ElseList)
			}
		case *parse.WithNode:
			b.WriteString("\x00")
			walk(n.List)
			if n.ElseList != nil {
				walk(n.ElseList)
			}
		case *parse.CommentNode:
		default:
			b.WriteString("\x00")
		}
	}
	trees := parseTemplateFile(t, name, src)
	names := make([]string, 0, len(trees))
	for k := range trees {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if trees[k].Root != nil {
			walk(trees[k].Root)
			b.WriteString("\n")
		}
	}
	var found []string
	// The tokenizer reads <noscript> as raw text (as a browser with
	// scripting does); its content is markup a reader without scripts
	// reads, so read it as a plain element.
	src = strings.NewReplacer("<noscript>", "<div>", "</noscript>", "</div>").Replace(b.String())
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if s := strings.TrimSpace(strings.NewReplacer("\x00", " ", "\ufffd", " ").Replace(tok.Data)); words.MatchString(s) {
				found = append(found, s)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			inputType := ""
			for _, a := range tok.Attr {
				if a.Key == "type" {
					inputType = a.Val
				}
			}
			for _, a := range tok.Attr {
				read := translatedAttrs[a.Key] ||
					(a.Key == "value" && tok.Data == "input" && (inputType == "submit" || inputType == "button" || inputType == "reset"))
				if s := strings.TrimSpace(strings.ReplaceAll(a.Val, "\x00", " ")); read && words.MatchString(s) {
					found = append(found, s)
				}
			}
		}
	}
	return found
}

// templateMessageIDs lists the constant ids passed to t, tn, th and tnh.
func templateMessageIDs(t *testing.T, name string) []string {
	src, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			if len(n.Args) >= 2 {
				if id, ok := n.Args[0].(*parse.IdentifierNode); ok && isMessageFunc(id.Ident) {
					if s, ok := n.Args[1].(*parse.StringNode); ok {
						ids = append(ids, s.Text)
					}
				}
			}
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, tree := range parseTemplateFile(t, name, string(src)) {
		walk(tree.Root)
	}
	return ids
}

func isMessageFunc(name string) bool {
	return name == "t" || name == "tn" || name == "th" || name == "tnh"
}

// msgIDArg is the position of the message id in the domain layer's
// message constructors (i18n.Error and friends, forum's validation helpers).
var msgIDArg = map[string]int{
	"Error": 0, "M": 0, "N": 0, "Wrap": 1, // i18n
	"invalid": 1, "Invalid": 1, "add": 1, "With": 1, "fail": 0, // forum's field errors
	"rateLimited": 1, "forbidden": 0, "tooLarge": 0, "reject": 0, // forum's and media's typed errors
}

// messageID is what a catalog id looks like; Go strings that do not look
// like one (a dynamic id built from parts) are not checked here.
var messageID = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)

// tableID is an id of the mail and notification areas anywhere in Go: those
// are often picked from a table or a switch (one sentence per kind) and
// passed to T as a variable, so every such string literal is checked.
var tableID = regexp.MustCompile(`^(mail|notify)(\.[a-z0-9_]+)+$`)

// goMessageIDs finds constant ids in Go calls of T, N, HTML, NHTML (on an
// i18n.Lang) and t (Server.t, whose id is the second argument) under root;
// in the domain layer's message constructors (msgIDArg: i18n.Error, M, N,
// Wrap, forum's invalid/Invalid/add/With, rateLimited, forbidden, tooLarge,
// media's reject) and i18n.Msg{ID: ...} literals; and in string constants
// that hold an errors.* id (const msgSignupsClosed = "errors.invites...");
// and the mail and notification ids (tableID) wherever they are written.
func goMessageIDs(t *testing.T, root string) map[string]string {
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// p != root: the root is "..", whose name starts with a dot too
		// (skipping it skipped the whole scan).
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, 0)
		if err != nil {
			return err
		}
		found := func(e ast.Expr) {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			if id, err := strconv.Unquote(lit.Value); err == nil && messageID.MatchString(id) {
				out[id] = fset.Position(lit.Pos()).String()
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if n.Kind == token.STRING {
					if id, err := strconv.Unquote(n.Value); err == nil && tableID.MatchString(id) {
						out[id] = fset.Position(n.Pos()).String()
					}
				}
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				arg := -1
				switch name {
				case "T", "N", "HTML", "NHTML":
					arg = 0
				case "t":
					arg = 1
				default:
					if a, ok := msgIDArg[name]; ok {
						arg = a
					}
				}
				if arg >= 0 && len(n.Args) > arg {
					found(n.Args[arg])
				}
			case *ast.CompositeLit:
				if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Msg" {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
								found(kv.Value)
							}
						}
					}
				}
			case *ast.ValueSpec:
				for _, v := range n.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, `"errors.`) {
						found(lit)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
