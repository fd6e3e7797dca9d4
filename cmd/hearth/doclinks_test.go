package main

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const docsRepoRoot = "../.."

// TestDocsStayInRepository: README.md and docs/*.md work from a clone
// alone. The rule:
//   - nothing says "../" (no path or link leaves the repository);
//   - a relative Markdown link, and a code span naming a Markdown file or a
//     path under one of the repository's top-level entries, must name
//     something that exists in the repository (globs allowed);
//   - an http(s) URL must point at a standard (IETF RFCs, W3C) or be a
//     placeholder host (localhost, loopback, RFC 2606 example names).
func TestDocsStayInRepository(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(docsRepoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join(docsRepoRoot, "README.md"))
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(docsRepoRoot, f)
		for _, p := range docProblems(string(b), filepath.Dir(rel), repoEntryExists) {
			t.Errorf("%s: %s", rel, p)
		}
	}
}

// repoEntryExists reports whether path (relative to the repository root,
// possibly a glob) names something in the repository.
func repoEntryExists(path string) bool {
	m, err := filepath.Glob(filepath.Join(docsRepoRoot, filepath.FromSlash(path)))
	return err == nil && len(m) > 0
}

var (
	mdLink    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	codeSpan  = regexp.MustCompile("`([^`\n]+)`")
	webURL    = regexp.MustCompile(`https?://[^\s)>\x60"']+`)
	pathLike  = regexp.MustCompile(`^\.?[A-Za-z0-9_-]+(/[A-Za-z0-9_.*-]+)+/?$`)
	standards = []string{"rfc-editor.org", "datatracker.ietf.org", "tools.ietf.org", "w3.org"}
)

// docProblems lists what in one Markdown text leaves the repository. dir is
// the file's directory relative to the repository root; exists answers for
// a repository-relative path.
func docProblems(text, dir string, exists func(string) bool) []string {
	var out []string
	if strings.Contains(text, "../") {
		out = append(out, `mentions "../": a clone has nothing outside the repository`)
	}
	for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
		target := m[1]
		if strings.HasPrefix(target, "#") || strings.Contains(target, "://") {
			continue // anchors here; web URLs are checked below
		}
		target = strings.SplitN(target, "#", 2)[0]
		if p := filepath.ToSlash(filepath.Join(dir, target)); strings.HasPrefix(p, "..") || !exists(p) {
			out = append(out, "link to "+m[1]+": no such file in the repository")
		}
	}
	for _, m := range codeSpan.FindAllStringSubmatch(text, -1) {
		span := m[1]
		if !pathLike.MatchString(span) {
			continue
		}
		first := strings.SplitN(strings.TrimPrefix(span, "./"), "/", 2)[0]
		if !strings.HasSuffix(span, ".md") && !exists(first) {
			continue // not a path in this repository (e.g. bin/hearth, a build output)
		}
		if !exists(strings.TrimPrefix(span, "./")) && !exists(filepath.ToSlash(filepath.Join(dir, span))) {
			out = append(out, "`"+span+"`: no such file in the repository")
		}
	}
	for _, u := range webURL.FindAllString(text, -1) {
		if !allowedURL(u) {
			out = append(out, u+": links outside the repository go only to standards (IETF, W3C)")
		}
	}
	return out
}

func allowedURL(raw string) bool {
	u, err := url.Parse(strings.TrimRight(raw, ".,;:"))
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, s := range standards {
		if host == s || strings.HasSuffix(host, "."+s) {
			return true
		}
	}
	switch {
	case host == "localhost", host == "127.0.0.1", host == "::1", host == "",
		host == "example.com", host == "example.org", host == "example.net",
		strings.HasSuffix(host, ".example.com"), strings.HasSuffix(host, ".example.org"), strings.HasSuffix(host, ".example.net"),
		strings.HasSuffix(host, ".example"), strings.HasSuffix(host, ".invalid"), strings.HasSuffix(host, ".test"), strings.HasSuffix(host, ".localhost"):
		return true
	}
	return false
}

// TestDocProblemsRule: the rule catches what it is for and lets the rest be.
func TestDocProblemsRule(t *testing.T) {
	exists := func(p string) bool {
		return map[string]bool{"docs": true, "docs/API.md": true, "cmd": true, "cmd/hearth": true, "README.md": true}[p]
	}
	tests := []struct {
		name, text, dir string
		bad             bool
	}{
		{"parent path in prose", "See `../shared/INTERFACE.md`.", ".", true},
		{"parent link", "[x](../shared/INTERFACE.md)", "docs", true},
		{"missing relative link", "[x](CONFIG.md)", "docs", true},
		{"missing md span", "read `shared/INTERFACE.md`", ".", true},
		{"missing repo path", "in `cmd/other`", ".", true},
		{"outside site", "see https://github.com/x/y", ".", true},
		{"existing relative link", "[x](API.md#json-api)", "docs", false},
		{"existing md span", "`docs/API.md`", ".", false},
		{"existing repo path", "`cmd/hearth`", ".", false},
		{"build output", "`bin/hearth`", ".", false},
		{"url path", "`/c/{slug}/feed.rss`", ".", false},
		{"anchor", "[x](#conventions)", "docs", false},
		{"rfc", "https://www.rfc-editor.org/rfc/rfc8058", ".", false},
		{"w3c", `profile="https://www.w3.org/ns/activitystreams"`, ".", false},
		{"placeholder hosts", "http://localhost:8080 and https://forum.example and smtp://x@mail.example.org", ".", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := docProblems(tt.text, tt.dir, exists)
			if (len(got) > 0) != tt.bad {
				t.Errorf("docProblems(%q) = %v, want problems: %v", tt.text, got, tt.bad)
			}
		})
	}
}

// TestReadmeHasTwoSetUpCommands: the README's only commands to copy are
// the two a new user needs: run Hearth on the embedded database, and run
// the tests. Everything else is prose pointing into docs/.
func TestReadmeHasTwoSetUpCommands(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(docsRepoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	got := codeBlocks(string(b))
	want := []string{"go run ./cmd/hearth serve", "go test ./..."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("README.md code blocks = %q, want exactly %q", got, want)
	}
}

// codeBlocks returns the Markdown code blocks of text, fenced or indented
// by four spaces after a blank line, one string per block.
func codeBlocks(text string) []string {
	var blocks, cur []string
	fenced, indented, prevBlank := false, false, true
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.Join(cur, "\n"))
		}
		cur, indented = nil, false
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(strings.TrimSpace(line), "```"):
			if fenced {
				flush()
			}
			fenced = !fenced
		case fenced:
			cur = append(cur, line)
		case strings.HasPrefix(line, "    ") && (indented || prevBlank):
			indented = true
			cur = append(cur, strings.TrimSpace(line))
		case strings.TrimSpace(line) == "" && indented:
			// a blank line may sit inside an indented block
		default:
			flush()
		}
		prevBlank = strings.TrimSpace(line) == ""
	}
	flush()
	return blocks
}

func TestCodeBlocks(t *testing.T) {
	text := "Intro:\n\n    go run .\n\n- a list item\n  continued\n\n```sh\nmake\nmake test\n```\nText\n    not code (no blank line before)\n"
	got := codeBlocks(text)
	want := []string{"go run .", "make\nmake test"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("codeBlocks = %q, want %q", got, want)
	}
}
