package forum

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// idArg is where the message id sits in each constructor of a message
// people read: a form's field error or a refusal.
var idArg = map[string]int{
	"add": 1, "invalid": 1, "Invalid": 1, "With": 1, "fail": 0,
	"rateLimited": 1, "forbidden": 0, "tooLarge": 0, "reject": 0,
}

// needsMsg are the error types that carry an English Message for logs:
// a literal of one must also set the catalog message (Msg, or media's m).
var needsMsg = map[string]string{
	"RateLimitError": "Msg", "ForbiddenError": "Msg", "TooLargeError": "Msg",
	"SuspendedError": "Msg", "RejectError": "m",
}

// TestNoRawEnglishMessages fails when the domain layer builds a message
// for people from a raw English string instead of a catalog id: a
// ValidationError literal (only errors.go makes them), a field error or
// refusal whose id is not an errors.* literal or constant, or a typed
// error without its catalog message. The server then could not write it
// in the reader's language.
func TestNoRawEnglishMessages(t *testing.T) {
	for _, dir := range []string{".", "watched", "../media"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rawMessages(t, f, string(src)) {
				t.Errorf("%s: make it a catalog message (i18n/locales/errors.*.toml) and pass its id", p)
			}
		}
	}
}

// TestRawMessagesAreFound keeps the scan above honest.
func TestRawMessagesAreFound(t *testing.T) {
	src := `package forum
const msgOK = "errors.x.ok"
const msgRaw = "that is wrong"
func f(v validation, msg string) error {
	v.add("a", "errors.x.fine")
	v.add("b", msgOK)
	v.add("c", "must not be empty")
	v.add("d", msgRaw)
	v.add("e", "use at most "+msg)
	_ = invalid("f", "errors.x.fine")
	_ = invalid("g", msg)
	_ = &ValidationError{Fields: map[string]string{"h": "bad"}}
	_ = &RateLimitError{Message: "slow down"}
	_ = &RateLimitError{Message: "slow down", Msg: m}
	_ = forbidden("You cannot.")
	_ = &conflictError{"errors.x.fine"}
	_ = &conflictError{"taken already"}
	acc.add(&posts[0])
	return nil
}`
	got := rawMessages(t, "x.go", src)
	want := []string{
		`x.go:7:2: v.add("c", ...) with "must not be empty"`,
		`x.go:8:2: v.add("d", ...) with msgRaw`,
		`x.go:9:2: v.add("e", ...) with "use at most " + msg`,
		`x.go:11:6: invalid("g", ...) with msg`,
		`x.go:12:7: a ValidationError literal: use invalid, Invalid or validation`,
		`x.go:13:7: a RateLimitError without its catalog message (Msg)`,
		`x.go:15:6: forbidden(...) with "You cannot."`,
		`x.go:17:7: a conflictError without a message id`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// rawMessages lists what in one file builds a message from words rather
// than a catalog id.
func rawMessages(t *testing.T, name, src string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{} // string constants of this file
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING && i < len(vs.Names) {
						consts[vs.Names[i].Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	isID := func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.BasicLit:
			s, err := strconv.Unquote(e.Value)
			return err == nil && strings.HasPrefix(s, "errors.")
		case *ast.Ident:
			return strings.HasPrefix(consts[e.Name], "errors.") || strings.HasPrefix(packageConsts[e.Name], "errors.")
		}
		return false
	}
	base := filepath.Base(name)
	var out []string
	at := func(n ast.Node) string {
		p := fset.Position(n.Pos())
		return name + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			fn, recv := "", ""
			switch x := n.Fun.(type) {
			case *ast.Ident:
				fn = x.Name
			case *ast.SelectorExpr:
				fn = x.Sel.Name
				if id, ok := x.X.(*ast.Ident); ok {
					recv = id.Name + "."
				}
			}
			arg, ok := idArg[fn]
			if !ok || len(n.Args) <= arg || (fn == "add" && len(n.Args) < 2) {
				return true
			}
			if fn == "add" && recv == "" {
				return true // a local func add, not validation.add
			}
			// A constructor or a local fail(id, ...) passes its parameter
			// on, a table its msgID field: their sources are checked
			// (TestEveryMessageIDExists reads every errors.* literal).
			switch x := n.Args[arg].(type) {
			case *ast.Ident:
				if x.Name == "id" {
					return true
				}
			case *ast.SelectorExpr:
				if x.Sel.Name == "msgID" {
					return true
				}
			}
			if !isID(n.Args[arg]) {
				first := "..."
				if arg == 1 {
					first = exprString(fset, n.Args[0]) + ", ..."
				}
				out = append(out, at(n)+": "+recv+fn+"("+first+") with "+exprString(fset, n.Args[arg]))
			}
		case *ast.CompositeLit:
			typ := ""
			switch x := n.Type.(type) {
			case *ast.Ident:
				typ = x.Name
			case *ast.SelectorExpr:
				typ = x.Sel.Name
			}
			if (typ == "conflictError" || typ == "pollError") && (len(n.Elts) != 1 || !isID(n.Elts[0])) {
				out = append(out, at(n)+": a "+typ+" without a message id")
			}
			if typ == "ValidationError" && base != "errors.go" {
				out = append(out, at(n)+": a ValidationError literal: use invalid, Invalid or validation")
			}
			if field, ok := needsMsg[typ]; ok {
				has := false
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == field {
							has = true
						}
					}
				}
				if !has {
					out = append(out, at(n)+": a "+typ+" without its catalog message ("+field+")")
				}
			}
		}
		return true
	})
	return out
}

// packageConsts are forum's string constants in other files (an id
// declared in one file and used in another).
var packageConsts = func() map[string]string {
	out := map[string]string{}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, v := range vs.Values {
						if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING && i < len(vs.Names) {
							out[vs.Names[i].Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	return out
}()

func exprString(fset *token.FileSet, e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Value
	case *ast.Ident:
		return e.Name
	case *ast.BinaryExpr:
		return exprString(fset, e.X) + " " + e.Op.String() + " " + exprString(fset, e.Y)
	case *ast.SelectorExpr:
		return exprString(fset, e.X) + "." + e.Sel.Name
	case *ast.CallExpr:
		return exprString(fset, e.Fun) + "(...)"
	}
	return "an expression"
}
