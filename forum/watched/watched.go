// Package watched matches posts against staff's watched words: plain words
// and phrases with optional * wildcards, matched whole-word and ignoring
// case, and regular expressions. A list is compiled once into a Matcher;
// checking a post then costs a pass over its words with one map probe per
// word (and per distinct wildcard prefix length), whatever the list's
// length. Regular expressions are the exception: each one runs over the
// whole text, so their cost grows with their number.
package watched

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hearth/hearth/i18n"
)

// Actions, most severe first.
const (
	Block   = "block"
	Hold    = "hold"
	Replace = "replace"
)

// Entry is one watched word as staff entered it.
type Entry struct {
	ID          int64
	Pattern     string
	Regex       bool
	Action      string
	Replacement string
}

// Hit is one place an entry matched, as byte offsets into the text.
type Hit struct {
	Entry      *Entry
	Start, End int
}

type phrase struct {
	entry *Entry
	words []string // lower-case globs; * matches any run of word characters
}

// Matcher is a compiled list. It is immutable and safe for concurrent use.
type Matcher struct {
	exact    map[string][]*phrase // first word has no wildcard
	prefix   map[string][]*phrase // first word is literal prefix + wildcard
	prefLens []int                // distinct prefix lengths in bytes, ascending
	suffix   map[string][]*phrase // first word is * + literal suffix
	anywhere []*phrase            // other wildcard shapes, tried on every word
	regexes  []*regexp.Regexp
	rxEntry  []*Entry
	rxNeeds  []string // per regex: lower-case text every match contains, or ""
	size     int
}

// Validate reports what is wrong with a pattern, in English, or "" when
// it compiles.
func Validate(pattern string, isRegex bool) string {
	if m := ValidateMsg(pattern, isRegex); !m.IsZero() {
		return m.String()
	}
	return ""
}

// ValidateMsg is Validate as a catalog message (zero when the pattern
// compiles), for a form in the reader's language.
func ValidateMsg(pattern string, isRegex bool) i18n.Msg {
	p := strings.TrimSpace(pattern)
	if p == "" || utf8.RuneCountInString(p) > 200 || !utf8.ValidString(p) {
		return i18n.M("errors.watched_words.pattern_length")
	}
	if isRegex {
		if _, err := regexp.Compile("(?i)" + p); err != nil {
			return i18n.M("errors.watched_words.bad_regex", "Error", err.Error())
		}
		return i18n.Msg{}
	}
	words := splitWords(strings.ToLower(p), true)
	if len(words) == 0 {
		return i18n.M("errors.watched_words.no_letters")
	}
	for _, w := range words {
		if strings.Trim(w, "*") == "" {
			return i18n.M("errors.watched_words.bare_wildcard")
		}
	}
	return i18n.Msg{}
}

// Compile builds a matcher. Entries that do not validate are skipped and
// reported in the error, so one bad row never disables the others.
func Compile(entries []Entry) (*Matcher, error) {
	m := &Matcher{exact: map[string][]*phrase{}, prefix: map[string][]*phrase{}, suffix: map[string][]*phrase{}}
	lens := map[int]bool{}
	var bad []string
	for i := range entries {
		e := &entries[i]
		if msg := Validate(e.Pattern, e.Regex); msg != "" {
			bad = append(bad, fmt.Sprintf("%q: %s", e.Pattern, msg))
			continue
		}
		m.size++
		if e.Regex {
			m.regexes = append(m.regexes, regexp.MustCompile("(?i)"+strings.TrimSpace(e.Pattern)))
			m.rxEntry = append(m.rxEntry, e)
			m.rxNeeds = append(m.rxNeeds, requiredLiteral(strings.TrimSpace(e.Pattern)))
			continue
		}
		ph := &phrase{entry: e, words: splitWords(strings.ToLower(strings.TrimSpace(e.Pattern)), true)}
		first := ph.words[0]
		star := strings.IndexByte(first, '*')
		switch {
		case star < 0:
			m.exact[first] = append(m.exact[first], ph)
		case star > 0:
			lit := first[:star]
			m.prefix[lit] = append(m.prefix[lit], ph)
			lens[len(lit)] = true
		case strings.Count(first, "*") == 1:
			m.suffix[first[1:]] = append(m.suffix[first[1:]], ph)
		default:
			m.anywhere = append(m.anywhere, ph)
		}
	}
	for l := range lens {
		m.prefLens = append(m.prefLens, l)
	}
	sort.Ints(m.prefLens)
	if len(bad) > 0 {
		return m, fmt.Errorf("watched words skipped: %s", strings.Join(bad, "; "))
	}
	return m, nil
}

// Len is how many entries the matcher holds.
func (m *Matcher) Len() int {
	if m == nil {
		return 0
	}
	return m.size
}

type token struct {
	start, end int
	lower      string
}

// Hits lists every match in text, in order of position.
func (m *Matcher) Hits(text string) []Hit {
	if m.Len() == 0 {
		return nil
	}
	var hits []Hit
	toks := tokenize(text)
	for i, t := range toks {
		w := t.lower
		try := func(cands []*phrase) {
			for _, ph := range cands {
				if n := len(ph.words); i+n <= len(toks) && ph.matchAt(toks[i:i+n]) {
					hits = append(hits, Hit{Entry: ph.entry, Start: t.start, End: toks[i+n-1].end})
				}
			}
		}
		try(m.exact[w])
		for _, l := range m.prefLens {
			if l > len(w) {
				break
			}
			try(m.prefix[w[:l]])
		}
		if len(m.suffix) > 0 {
			for j := range w {
				if cands, ok := m.suffix[w[j:]]; ok {
					try(cands)
				}
			}
		}
		try(m.anywhere)
	}
	// A regex runs only over texts holding the literal every one of its
	// matches must contain: a substring search instead of a regex scan
	// for the usual post that matches none. Two non-ASCII letters fold to
	// ASCII under (?i) (ſ to s, the Kelvin sign to k) but not under
	// ToLower, so a text holding them skips the shortcut.
	var lowerText string
	prefilter := len(m.regexes) > 0 && !strings.ContainsAny(text, "\u017f\u212a")
	if prefilter {
		lowerText = strings.ToLower(text)
	}
	for k, rx := range m.regexes {
		if need := m.rxNeeds[k]; prefilter && need != "" && !strings.Contains(lowerText, need) {
			continue
		}
		for _, loc := range rx.FindAllStringIndex(text, -1) {
			if loc[1] > loc[0] {
				hits = append(hits, Hit{Entry: m.rxEntry[k], Start: loc[0], End: loc[1]})
			}
		}
	}
	return sortHits(hits)
}

// requiredLiteral returns the longest literal (lower-cased) that every
// match of the expression contains, or "" when there is none to rely on.
func requiredLiteral(expr string) string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return ""
	}
	return mustContain(re.Simplify())
}

func mustContain(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		return strings.ToLower(string(re.Rune))
	case syntax.OpCapture, syntax.OpPlus:
		return mustContain(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return mustContain(re.Sub[0])
		}
	case syntax.OpConcat:
		best := ""
		for _, sub := range re.Sub {
			if l := mustContain(sub); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return ""
}

func sortHits(hits []Hit) []Hit {
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].Start < hits[b].Start })
	return hits
}

// Worst returns the first hit of the most severe action (block before
// hold), or nil when only replacements (or nothing) matched.
func Worst(hits []Hit) *Hit {
	var hold *Hit
	for i := range hits {
		switch hits[i].Entry.Action {
		case Block:
			return &hits[i]
		case Hold:
			if hold == nil {
				hold = &hits[i]
			}
		}
	}
	return hold
}

// Apply substitutes every replace hit in text (hits as Hits returned them
// for this text); overlapping hits keep the earliest.
func Apply(text string, hits []Hit) string {
	var b strings.Builder
	last := 0
	for _, h := range hits {
		if h.Entry.Action != Replace || h.Start < last {
			continue
		}
		b.WriteString(text[last:h.Start])
		b.WriteString(h.Entry.Replacement)
		last = h.End
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

func (ph *phrase) matchAt(toks []token) bool {
	for i, w := range ph.words {
		if !glob(w, toks[i].lower) {
			return false
		}
	}
	return true
}

// glob matches s against a pattern where * stands for any run of
// characters (the caller's tokens hold only word characters).
func glob(pat, s string) bool {
	if !strings.Contains(pat, "*") {
		return pat == s
	}
	parts := strings.Split(pat, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// tokenize splits text into words (runs of letters, digits and _), each
// with its byte span and lower-case form.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/5)
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			toks = append(toks, token{start: start, end: i, lower: lower(text[start:i])})
			start = -1
		}
	}
	if start >= 0 {
		toks = append(toks, token{start: start, end: len(text), lower: lower(text[start:])})
	}
	return toks
}

// lower avoids an allocation for the common already-lower ASCII word.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// splitWords splits a pattern into its words; with stars, * counts as a
// word character so wildcards stay inside their word.
func splitWords(p string, stars bool) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return !(isWordRune(r) || (stars && r == '*')) })
}
