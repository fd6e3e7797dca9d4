// Package i18n holds Hearth's message catalogs and picks a language for a
// request: the member's setting, then the browser's Accept-Language, then
// the site's default.
//
// Catalogs are TOML files in locales/, one per area and language
// (locales/<area>.<lang>.toml), read with go-i18n so plural forms follow
// CLDR rules. Every language has every key: a test fails otherwise. A
// message without placeholders is looked up in a plain map, so a page that
// calls T a thousand times pays a thousand map reads and no allocation.
package i18n

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed locales/*.toml
var localeFiles embed.FS

// Default is the language used when nothing else chooses one, and the one
// every other language is checked against.
const Default = "en"

// Catalog is every language's messages. The default language is compiled
// when the catalog loads; with Load, the others are compiled on their first
// use (see Lang.Loaded).
type Catalog struct {
	langs   map[string]*Lang
	order   []string // codes, Default first, then alphabetical
	matcher language.Matcher
}

// Lang is one language: its messages and how it writes numbers and dates.
// Safe for concurrent use.
type Lang struct {
	Code string // BCP 47 code as in <html lang>: "en", "de"
	Name string // the language's own name for itself: "English", "Deutsch"

	tag      language.Tag
	printer  *message.Printer
	fallback *Lang // Default, for an id this language lacks (never in a tested build)

	fsys   fs.FS
	files  []string // this language's catalog files in fsys
	once   sync.Once
	loaded atomic.Bool
	msgs   map[string]*compiled // set once, by compileOnce
	days   [512]atomic.Pointer[dayText]
}

// compiled is one message split at its placeholders. Most messages have
// one form and no placeholder: they keep only their text. A map of forms
// for every message was 40% of the default language's 1 MB (inuse_space
// profile of hearth serve).
type compiled struct {
	plain string                    // the text when there is one form and no placeholder
	other []segment                 // the other form, split; nil when plain
	forms map[plural.Form][]segment // every form, when there is more than one
}

// isPlain reports whether m is its text alone.
func (m *compiled) isPlain() bool { return m.other == nil && m.forms == nil }

// segment is literal text, or a placeholder {{.Key}} when key is set.
type segment struct{ text, key string }

// embedded is the process's one copy of the embedded catalogs.
var embedded = sync.OnceValues(func() (*Catalog, error) { return load(localeFiles, "locales", true) })

// Load returns the embedded catalogs, read once per process and shared
// (a Catalog does not change once loaded). The default language is compiled
// now; every other language on its first use. Compiled, the two languages
// were 2 MB of a 4.8 MB idle heap and their parsing 9.5 MB of the 15.5 MB
// a start allocated (GODEBUG=memprofilerate=1 profile of hearth serve on
// the .ci/load.sh forum), while most forums serve one language most of the
// time. The embedded files are checked by the catalog tests, which load
// every language with LoadFS, so a language that fails to compile later is
// a broken build: it panics, as English does.
func Load() (*Catalog, error) { return embedded() }

// LoadFS reads catalogs from dir in fsys: files named <area>.<lang>.toml.
// Every language is compiled now, so a broken file is an error here.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) { return load(fsys, dir, false) }

// load reads the catalogs in dir; lazy leaves languages other than Default
// to be compiled on first use.
func load(fsys fs.FS, dir string, lazy bool) (*Catalog, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	byCode := map[string][]string{}
	for _, f := range files {
		code := fileLang(f)
		byCode[code] = append(byCode[code], f)
	}
	if len(byCode[Default]) == 0 {
		return nil, fmt.Errorf("catalog: no %q messages in %s", Default, dir)
	}
	c := &Catalog{langs: map[string]*Lang{}}
	for code, list := range byCode {
		tag := language.MustParse(code)
		c.langs[code] = &Lang{Code: code, tag: tag, printer: message.NewPrinter(tag), fsys: fsys, files: list}
		c.order = append(c.order, code)
	}
	sort.Slice(c.order, func(i, j int) bool {
		if (c.order[i] == Default) != (c.order[j] == Default) {
			return c.order[i] == Default
		}
		return c.order[i] < c.order[j]
	})
	def := c.langs[Default]
	selfFile := ""
	for _, code := range c.order {
		l := c.langs[code]
		if code != Default {
			l.fallback = def
		}
		if lazy && code != Default {
			// Only the file that names the language, to list it by name.
			l.Name = code
			if selfFile != "" {
				if name, err := l.nameFrom(selfFile); err != nil {
					return nil, err
				} else if name != "" {
					l.Name = name
				}
			}
			continue
		}
		msgs, self, err := l.compile()
		if err != nil {
			return nil, err
		}
		l.once.Do(func() { l.msgs = msgs; l.loaded.Store(true) })
		if code == Default {
			selfFile = self
		}
		l.Name = l.T("language.self")
		if l.Name == "language.self" {
			l.Name = code
		}
	}
	tags := make([]language.Tag, 0, len(c.order))
	for _, code := range c.order {
		tags = append(tags, c.langs[code].tag)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// fileLang is the language code of a catalog file <area>.<lang>.toml, as
// go-i18n reads it (the tag between the last two dots).
func fileLang(file string) string {
	base := strings.TrimSuffix(path.Base(file), path.Ext(file))
	return language.Make(base[strings.LastIndex(base, ".")+1:]).String()
}

// parseFile reads one catalog file's messages. go-i18n parses (plural forms,
// nested tables); its Bundle is not used: it would build a template for
// every message, which Hearth never executes (compile splits the text
// itself), 1.8 MB allocated at every start.
func parseFile(fsys fs.FS, file string) ([]*goi18n.Message, error) {
	buf, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	mf, err := goi18n.ParseMessageFileBytes(buf, file, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", file, err)
	}
	return mf.Messages, nil
}

// compile reads and compiles every file of l; self is the file that holds
// language.self.
func (l *Lang) compile() (msgs map[string]*compiled, self string, err error) {
	msgs = map[string]*compiled{}
	for _, f := range l.files {
		ms, err := parseFile(l.fsys, f)
		if err != nil {
			return nil, "", err
		}
		for _, m := range ms {
			if msgs[m.ID] != nil {
				return nil, "", fmt.Errorf("catalog %s: %q defined twice", l.Code, m.ID)
			}
			cm, err := compile(m)
			if err != nil {
				return nil, "", fmt.Errorf("catalog %s: %q: %w", l.Code, m.ID, err)
			}
			msgs[m.ID] = cm
			if m.ID == "language.self" {
				self = f
			}
		}
	}
	return msgs, self, nil
}

// nameFrom reads language.self from l's file of the same area as the
// default language's defaultFile ("" when l has no such file or message).
func (l *Lang) nameFrom(defaultFile string) (string, error) {
	area := strings.SplitN(path.Base(defaultFile), ".", 2)[0]
	for _, f := range l.files {
		if strings.SplitN(path.Base(f), ".", 2)[0] != area {
			continue
		}
		ms, err := parseFile(l.fsys, f)
		if err != nil {
			return "", err
		}
		for _, m := range ms {
			if m.ID == "language.self" {
				return m.Other, nil
			}
		}
	}
	return "", nil
}

// messages is l's compiled messages, compiled now if this is their first
// use. Only Load leaves a language to compile (LoadFS compiles every one
// and reports errors), and its files are the embedded ones the catalog
// tests compile, so a failure here is a broken build.
func (l *Lang) messages() map[string]*compiled {
	l.once.Do(func() {
		msgs, _, err := l.compile()
		if err != nil {
			panic("i18n: embedded catalogs: " + err.Error())
		}
		l.msgs = msgs
		l.loaded.Store(true)
	})
	return l.msgs
}

// Loaded reports whether l's messages are compiled: always for the default
// language, for the others once a message of theirs was asked for.
func (l *Lang) Loaded() bool { return l.loaded.Load() }

// Langs lists the languages, the default first.
func (c *Catalog) Langs() []*Lang {
	out := make([]*Lang, 0, len(c.order))
	for _, code := range c.order {
		out = append(out, c.langs[code])
	}
	return out
}

// Get returns the language with this exact code, or nil.
func (c *Catalog) Get(code string) *Lang { return c.langs[code] }

// Supported reports whether code names a language with a catalog.
func (c *Catalog) Supported(code string) bool { return c.langs[code] != nil }

// Pick chooses the language for a request: the member's setting when it
// names a supported language, then the best match for the Accept-Language
// header, then the site's default, then Default.
func (c *Catalog) Pick(member, acceptLanguage, site string) *Lang {
	if l := c.langs[member]; l != nil {
		return l
	}
	if acceptLanguage != "" {
		if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(tags) > 0 {
			if _, i, conf := c.matcher.Match(tags...); conf >= language.High {
				return c.langs[c.order[i]]
			}
		}
	}
	if l := c.langs[site]; l != nil {
		return l
	}
	return c.langs[Default]
}

// Has reports whether this language has the message id.
func (l *Lang) Has(id string) bool { return l.messages()[id] != nil }

// IDs lists the message ids this language has, sorted.
func (l *Lang) IDs() []string {
	msgs := l.messages()
	out := make([]string, 0, len(msgs))
	for id := range msgs {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Placeholders lists the placeholder keys message id uses in any form,
// sorted: translations must use the same ones.
func (l *Lang) Placeholders(id string) []string {
	m := l.messages()[id]
	if m == nil {
		return nil
	}
	seen := map[string]bool{}
	all := [][]segment{m.other}
	for _, segs := range m.forms {
		all = append(all, segs)
	}
	for _, segs := range all {
		for _, sg := range segs {
			if sg.key != "" {
				seen[sg.key] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Plural reports whether message id has plural forms.
func (l *Lang) Plural(id string) bool {
	m := l.messages()[id]
	return m != nil && len(m.forms) > 1
}

// T returns message id with its placeholders filled from key/value pairs:
// T("thread.by", "Name", "ana"). A missing id falls back to the default
// language, then to the id itself, so a page never fails for a message
// (the catalog tests keep that from happening).
func (l *Lang) T(id string, kv ...any) string {
	m := l.messages()[id]
	if m == nil {
		if l.fallback != nil {
			return l.fallback.T(id, kv...)
		}
		return id
	}
	if m.isPlain() {
		return m.plain
	}
	return fill(m.other, kv, "", false)
}

// N returns the plural form of message id for count, with {{.Count}} (the
// count written the language's way) and the key/value pairs filled in.
func (l *Lang) N(id string, count int, kv ...any) string {
	m := l.messages()[id]
	if m == nil {
		if l.fallback != nil {
			return l.fallback.N(id, count, kv...)
		}
		return id
	}
	if m.isPlain() {
		return m.plain
	}
	return fill(l.form(m, count), kv, l.Num(count), false)
}

// HTML is T for messages that hold markup of their own (trusted: they come
// from the catalog) with placeholders that are text, escaped here, or
// template.HTML, kept as they are.
func (l *Lang) HTML(id string, kv ...any) template.HTML {
	m := l.messages()[id]
	if m == nil {
		if l.fallback != nil {
			return l.fallback.HTML(id, kv...)
		}
		return template.HTML(template.HTMLEscapeString(id)) // #nosec G203 -- escaped
	}
	if m.isPlain() {
		return template.HTML(m.plain) // #nosec G203 -- catalog text, written by the project
	}
	return template.HTML(fill(m.other, kv, "", true)) // #nosec G203 -- catalog text; arguments escaped in fill
}

// NHTML is N for messages with markup, arguments escaped as in HTML.
func (l *Lang) NHTML(id string, count int, kv ...any) template.HTML {
	m := l.messages()[id]
	if m == nil {
		if l.fallback != nil {
			return l.fallback.NHTML(id, count, kv...)
		}
		return template.HTML(template.HTMLEscapeString(id)) // #nosec G203 -- escaped
	}
	if m.isPlain() {
		return template.HTML(m.plain) // #nosec G203 -- catalog text, written by the project
	}
	return template.HTML(fill(l.form(m, count), kv, l.Num(count), true)) // #nosec G203 -- catalog text; arguments escaped in fill
}

// form is the plural form of m (not plain) for count.
func (l *Lang) form(m *compiled, count int) []segment {
	n := count
	if n < 0 {
		n = -n
	}
	if segs, ok := m.forms[plural.Cardinal.MatchPlural(l.tag, n, 0, 0, 0, 0)]; ok {
		return segs
	}
	return m.other
}

// fill writes segs with placeholders from kv (and Count); escape HTML-escapes
// arguments that are not template.HTML.
func fill(segs []segment, kv []any, count string, escape bool) string {
	var b strings.Builder
	for _, sg := range segs {
		if sg.key == "" {
			b.WriteString(sg.text)
			continue
		}
		var v any = nil
		if sg.key == "Count" && count != "" {
			v = count
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok && k == sg.key {
				v = kv[i+1]
				break
			}
		}
		var s string
		switch x := v.(type) {
		case nil:
		case string:
			s = x
		case template.HTML:
			if escape {
				b.WriteString(string(x))
				continue
			}
			s = string(x)
		case int:
			s = strconv.Itoa(x)
		case int64:
			s = strconv.FormatInt(x, 10)
		default:
			s = fmt.Sprint(x)
		}
		if escape {
			s = template.HTMLEscapeString(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// compile splits every form of m at its placeholders. Only {{.Key}} is
// allowed: a catalog holds text, not logic.
func compile(m *goi18n.Message) (*compiled, error) {
	other, err := split(m.Other)
	if err != nil {
		return nil, err
	}
	cm := &compiled{}
	for _, f := range [...]struct {
		form plural.Form
		src  string
	}{{plural.Zero, m.Zero}, {plural.One, m.One}, {plural.Two, m.Two}, {plural.Few, m.Few}, {plural.Many, m.Many}} {
		if f.src == "" {
			continue
		}
		segs, err := split(f.src)
		if err != nil {
			return nil, err
		}
		if cm.forms == nil {
			cm.forms = map[plural.Form][]segment{plural.Other: other}
		}
		cm.forms[f.form] = segs
	}
	if cm.forms == nil && (len(other) == 0 || len(other) == 1 && other[0].key == "") {
		cm.plain = m.Other
		return cm, nil
	}
	cm.other = other
	if cm.other == nil {
		cm.other = []segment{} // an empty other form of a plural message
	}
	return cm, nil
}

func split(src string) ([]segment, error) {
	var out []segment
	for src != "" {
		i := strings.Index(src, "{{")
		if i < 0 {
			out = append(out, segment{text: src})
			break
		}
		if i > 0 {
			out = append(out, segment{text: src[:i]})
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("unclosed {{ in %q", src)
		}
		inner := strings.TrimSpace(src[i+2 : i+j])
		key := strings.TrimPrefix(inner, ".")
		if key == inner || key == "" || strings.ContainsAny(key, " .|()\"") {
			return nil, fmt.Errorf("placeholder {{%s}} in %q: only {{.Key}} is allowed", inner, src)
		}
		out = append(out, segment{key: key})
		src = src[i+j+2:]
	}
	return out, nil
}

// Codes lists the languages the embedded catalogs provide, Default first,
// from the files' names alone: what the domain layer checks a chosen
// language against without loading the messages.
func Codes() []string {
	files, _ := fs.Glob(localeFiles, "locales/*.toml")
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		parts := strings.Split(path.Base(f), ".")
		if len(parts) == 3 && !seen[parts[1]] {
			seen[parts[1]] = true
			out = append(out, parts[1])
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == Default) != (out[j] == Default) {
			return out[i] == Default
		}
		return out[i] < out[j]
	})
	return out
}

// Known reports whether code is one of Codes.
func Known(code string) bool {
	for _, c := range Codes() {
		if c == code {
			return true
		}
	}
	return false
}
