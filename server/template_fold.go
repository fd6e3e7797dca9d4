package server

import (
	"bytes"
	"errors"
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"sync"
	ttemplate "text/template"
	"text/template/parse"
)

// Constant folding of a page's template set.
//
// Each language has its own template set with its own t and th bound
// (templateFuncs), so within one set {{t "layout.search_button"}} always
// prints the same bytes. text/template calls every function, and every
// escaper html/template appended to the pipeline, through reflection: on a
// member's thread page that was ~58% of the template's CPU (go tool pprof
// of BenchmarkThreadPage/member/first). foldConstants replaces such an
// action by a text node holding exactly what it would have printed, and a
// string-valued call used as an argument, such as the pagination's
// (t "forum.pagination.top"), by the string literal it evaluates to.
//
// Exactness: an action is folded only when its escaper chain is one that
// a probe template (foldProbes) is proven to get, and its bytes are what
// html/template prints for the same command in that probe, whose escaped
// tree is checked to hold exactly the same chain. Anything else is left as
// it was.

// foldFuncs are the functions whose result depends only on their
// arguments and the set's language: the same for every viewer, request
// and moment, so with literal arguments the call is a constant.
var foldFuncs = map[string]bool{"t": true, "th": true, "asset": true, "langCode": true, "perPage": true}

// valueArgBuiltins are text/template's builtins whose arguments are
// reflect.Value or interface{}: a string literal there is the same value
// as a call that returns that string.
var valueArgBuiltins = map[string]bool{
	"and": true, "or": true, "not": true, "eq": true, "ne": true, "lt": true, "le": true,
	"gt": true, "ge": true, "print": true, "printf": true, "println": true, "urlquery": true,
}

// foldProbes are the contexts a folded action may print in, each as the
// text around one action. Their escaper chains are read from html/template
// itself (probeChains), not written down here.
var foldProbes = []struct{ before, after string }{
	{"", ""},                      // element text
	{`<a title="`, `">`},          // double-quoted attribute
	{`<a title='`, `'>`},          // single-quoted attribute
	{`<a title=`, `>`},            // unquoted attribute
	{`<a href="`, `">`},           // start of a URL
	{`<a href="/x/`, `">`},        // URL path after its start
	{`<a href="/x?q=`, `">`},      // URL query
	{`<a href=`, `>`},             // unquoted URL
	{`<textarea>`, `</textarea>`}, // RCDATA
	{`<img srcset="`, `">`},       // srcset
}

// probeChain is the text around the action of the probe that gets a
// chain.
type probeChain struct{ before, after string }

// probeChains maps an escaper chain ("_html_template_attrescaper" …,
// joined by spaces) to the first probe that gets exactly that chain.
var probeChains = sync.OnceValue(func() map[string]probeChain {
	out := map[string]probeChain{}
	for _, p := range foldProbes {
		t, err := template.New("probe").Parse(p.before + "{{.}}" + p.after)
		if err != nil {
			continue
		}
		// Executing escapes the tree; the output is not needed.
		if err := t.Execute(&bytes.Buffer{}, "x"); err != nil {
			continue
		}
		chain, ok := probeActionChain(t.Tree, p.before, p.after)
		if !ok {
			continue
		}
		if _, dup := out[chain]; !dup {
			out[chain] = probeChain{p.before, p.after}
		}
	}
	return out
})

// probeActionChain checks that an escaped probe tree is the probe's text
// unchanged around one action, and returns that action's escaper chain.
func probeActionChain(tr *parse.Tree, before, after string) (string, bool) {
	if tr == nil || tr.Root == nil {
		return "", false
	}
	nodes := tr.Root.Nodes
	if before != "" {
		if len(nodes) == 0 || !isText(nodes[0], before) {
			return "", false
		}
		nodes = nodes[1:]
	}
	if after != "" {
		if len(nodes) == 0 || !isText(nodes[len(nodes)-1], after) {
			return "", false
		}
		nodes = nodes[:len(nodes)-1]
	}
	if len(nodes) != 1 {
		return "", false
	}
	a, ok := nodes[0].(*parse.ActionNode)
	if !ok {
		return "", false
	}
	return escaperChain(a.Pipe)
}

func isText(n parse.Node, s string) bool {
	t, ok := n.(*parse.TextNode)
	return ok && string(t.Text) == s
}

// escaperChain returns the escapers html/template appended to a pipeline
// (every command after the first), or false if the pipeline is not one
// call followed only by escapers.
func escaperChain(p *parse.PipeNode) (string, bool) {
	if p == nil || len(p.Decl) != 0 || p.IsAssign || len(p.Cmds) < 2 {
		return "", false
	}
	names := make([]string, 0, len(p.Cmds)-1)
	for _, c := range p.Cmds[1:] {
		if len(c.Args) != 1 {
			return "", false
		}
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || !strings.HasPrefix(id.Ident, "_html_template_") {
			return "", false
		}
		names = append(names, id.Ident)
	}
	return strings.Join(names, " "), true
}

// failWriter stops an execution at its first write: executing a set into
// it escapes the templates (html/template does that before executing) and
// runs next to nothing.
type failWriter struct{}

var errStopWrite = errors.New("stop")

func (failWriter) Write([]byte) (int, error) { return 0, errStopWrite }

// folder folds one template set's trees.
type folder struct {
	funcs template.FuncMap // every function of the set
	only  template.FuncMap // the foldable ones, for probes
	memo  map[string]*[]byte
	// count of actions and arguments folded (tests).
	actions, args int
}

// foldConstants escapes set's templates reachable from "layout" and folds
// their constant actions and arguments (see the top of this file). It
// must run before the set is used by more than one goroutine: it edits
// the trees in place. An escaping error is left for the first render to
// report, as without folding.
func foldConstants(set *template.Template, funcs template.FuncMap) (actions, args int) {
	err := set.ExecuteTemplate(failWriter{}, "layout", nil)
	var escErr *template.Error
	if errors.As(err, &escErr) {
		return 0, 0
	}
	f := &folder{funcs: funcs, only: template.FuncMap{}, memo: map[string]*[]byte{}}
	for name := range foldFuncs {
		if fn, ok := funcs[name]; ok {
			f.only[name] = fn
		}
	}
	for _, t := range set.Templates() {
		if t.Tree != nil && t.Tree.Root != nil {
			f.list(t.Tree.Root)
		}
	}
	return f.actions, f.args
}

// list folds the nodes of l, then joins neighbouring text nodes so a run of
// folded words is one write.
func (f *folder) list(l *parse.ListNode) {
	if l == nil {
		return
	}
	out := l.Nodes[:0]
	for _, n := range l.Nodes {
		n = f.node(n)
		if t, ok := n.(*parse.TextNode); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(*parse.TextNode); ok {
				joined := make([]byte, 0, len(prev.Text)+len(t.Text))
				joined = append(append(joined, prev.Text...), t.Text...)
				out[len(out)-1] = &parse.TextNode{NodeType: parse.NodeText, Pos: prev.Pos, Text: joined}
				continue
			}
		}
		out = append(out, n)
	}
	clear(l.Nodes[len(out):])
	l.Nodes = out
}

// node folds inside n and returns what replaces it.
func (f *folder) node(n parse.Node) parse.Node {
	switch n := n.(type) {
	case *parse.ActionNode:
		f.pipe(n.Pipe)
		if text, ok := f.action(n.Pipe); ok {
			f.actions++
			return &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: text}
		}
	case *parse.IfNode:
		f.branch(&n.BranchNode)
	case *parse.RangeNode:
		f.branch(&n.BranchNode)
	case *parse.WithNode:
		f.branch(&n.BranchNode)
	case *parse.TemplateNode:
		f.pipe(n.Pipe)
	case *parse.ListNode:
		f.list(n)
	}
	return n
}

func (f *folder) branch(b *parse.BranchNode) {
	f.pipe(b.Pipe)
	f.list(b.List)
	f.list(b.ElseList)
}

// pipe folds the constant string-valued calls among p's arguments,
// innermost first.
func (f *folder) pipe(p *parse.PipeNode) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		for i, a := range c.Args {
			switch a := a.(type) {
			case *parse.PipeNode:
				f.pipe(a)
			case *parse.ChainNode:
				if sub, ok := a.Node.(*parse.PipeNode); ok {
					f.pipe(sub)
				}
			}
			if i == 0 || !f.takesString(c, i) {
				continue
			}
			if s, ok := f.stringArg(a); ok {
				c.Args[i] = &parse.StringNode{NodeType: parse.NodeString, Pos: a.Position(), Quoted: strconv.Quote(s), Text: s}
				f.args++
			}
		}
	}
}

var (
	stringType = reflect.TypeFor[string]()
	anyType    = reflect.TypeFor[any]()
	errorType  = reflect.TypeFor[error]()
)

// takesString reports whether c's function receives its argument i as a
// string, an interface{} or a reflect.Value (a builtin): there a string
// literal evaluates to the same value as a call returning that string.
// For any other parameter type (a named string type, say) the two could
// differ, so the argument stays a call.
func (f *folder) takesString(c *parse.CommandNode, i int) bool {
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok {
		return false
	}
	fn, ok := f.funcs[id.Ident]
	if !ok {
		return valueArgBuiltins[id.Ident]
	}
	ft := reflect.TypeOf(fn)
	n := i - 1
	var pt reflect.Type
	switch {
	case ft.IsVariadic() && n >= ft.NumIn()-1:
		pt = ft.In(ft.NumIn() - 1).Elem()
	case n < ft.NumIn():
		pt = ft.In(n)
	default:
		return false
	}
	return pt == stringType || pt == anyType
}

// constCall reports whether c is a call of a foldable function with only
// string literals or constant calls as arguments.
func (f *folder) constCall(c *parse.CommandNode) bool {
	id, ok := c.Args[0].(*parse.IdentifierNode)
	if !ok || !foldFuncs[id.Ident] || f.only[id.Ident] == nil {
		return false
	}
	for _, a := range c.Args[1:] {
		switch a := a.(type) {
		case *parse.StringNode:
		case *parse.PipeNode:
			if len(a.Decl) != 0 || len(a.Cmds) != 1 || !f.constCall(a.Cmds[0]) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// stringArg evaluates an argument that is a constant call of a function
// returning a string: (t "forum.pagination.top"), or langCode.
func (f *folder) stringArg(a parse.Node) (string, bool) {
	var c *parse.CommandNode
	switch a := a.(type) {
	case *parse.PipeNode:
		if len(a.Decl) != 0 || len(a.Cmds) != 1 {
			return "", false
		}
		c = a.Cmds[0]
	case *parse.IdentifierNode:
		c = &parse.CommandNode{NodeType: parse.NodeCommand, Args: []parse.Node{a}}
	default:
		return "", false
	}
	if !f.constCall(c) {
		return "", false
	}
	ft := reflect.TypeOf(f.only[c.Args[0].(*parse.IdentifierNode).Ident])
	if ft.NumOut() == 0 || ft.Out(0) != stringType || (ft.NumOut() == 2 && ft.Out(1) != errorType) {
		return "", false
	}
	// text/template prints a string as it is: the output is the value.
	src := "{{" + c.String() + "}}"
	key := "arg\x00" + src
	if b, ok := f.memo[key]; ok {
		return string(*b), b != nil
	}
	var out bytes.Buffer
	t, err := ttemplate.New("fold").Funcs(ttemplate.FuncMap(f.only)).Parse(src)
	if err == nil {
		err = t.Execute(&out, nil)
	}
	if err != nil {
		f.memo[key] = nil
		return "", false
	}
	b := out.Bytes()
	f.memo[key] = &b
	return string(b), true
}

// action returns the bytes the action with pipeline p prints, if it is a
// constant call followed by an escaper chain a probe reproduces.
func (f *folder) action(p *parse.PipeNode) ([]byte, bool) {
	chain, ok := escaperChain(p)
	if !ok || !f.constCall(p.Cmds[0]) {
		return nil, false
	}
	probe, ok := probeChains()[chain]
	if !ok {
		return nil, false
	}
	src := probe.before + "{{" + p.Cmds[0].String() + "}}" + probe.after
	if b, ok := f.memo[src]; ok {
		return *b, b != nil
	}
	b, ok := f.probe(src, probe, chain)
	if !ok {
		f.memo[src] = nil
		return nil, false
	}
	f.memo[src] = &b
	return b, true
}

// probe renders the call in its probe context and checks that
// html/template escaped it with exactly the wanted chain.
func (f *folder) probe(src string, probe probeChain, chain string) ([]byte, bool) {
	t, err := template.New("fold").Funcs(f.only).Parse(src)
	if err != nil {
		return nil, false
	}
	var out bytes.Buffer
	if err := t.Execute(&out, nil); err != nil {
		return nil, false
	}
	got, ok := probeActionChain(t.Tree, probe.before, probe.after)
	if !ok || got != chain {
		return nil, false
	}
	b := out.Bytes()
	if !bytes.HasPrefix(b, []byte(probe.before)) || !bytes.HasSuffix(b[len(probe.before):], []byte(probe.after)) {
		return nil, false
	}
	return bytes.Clone(b[len(probe.before) : len(b)-len(probe.after)]), true
}
