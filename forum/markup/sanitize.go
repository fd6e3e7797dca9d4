package markup

import (
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// remotePolicy is the same allowlist local posts go through, built once:
// remote HTML (a Mastodon reply's content) gets no more than a member's
// Markdown can produce.
var remotePolicy = sync.OnceValue(newPolicy)

// SanitizeHTML cleans HTML that came from elsewhere (the fediverse) with
// the policy local posts use, so it is safe to show as is.
func SanitizeHTML(src string) string {
	return remotePolicy().Sanitize(strings.ToValidUTF8(src, "\uFFFD"))
}

var (
	textPolicy = sync.OnceValue(bluemonday.StrictPolicy)
	blockEnd   = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li|blockquote|h[1-6]|pre)>`)
)

// PlainText is the text of HTML without its tags, block ends turned into
// line breaks: what search indexes and quotes use for a remote post, which
// has no Markdown source.
func PlainText(src string) string {
	src = blockEnd.ReplaceAllString(strings.ToValidUTF8(src, "\uFFFD"), "$0\n")
	return strings.TrimSpace(html.UnescapeString(textPolicy().Sanitize(src)))
}
