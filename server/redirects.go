package server

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// maxNextLength bounds a redirect target taken from a request; longer ones
// are not links this site makes.
const maxNextLength = 2048

// safeNext is the one gate for every redirect target that comes from a
// request (the login form's and link's "next"). It returns raw unchanged
// when raw is a same-site absolute path, and "/" for anything else.
//
// Browsers are forgiving in ways servers are not: they drop tabs and
// newlines inside URLs, read "\" as "/", and treat "//host" (and so
// "/\t/host" or "/\host") as another site. So a target must begin with
// exactly one "/", hold no backslash, no control character, no whitespace
// and nothing outside printable ASCII (which also rules out look-alikes
// such as "／" U+FF0F); the same holds after percent-decoding, so an
// encoded "%09" or "%2f%2f" cannot smuggle the same tricks past a decoder
// further down the line; and net/url must read it as a bare path with no
// scheme, host, user or opaque part. Spaces encoded in the query (a
// search's "?q=a%20b") are allowed; everywhere else they are refused.
func safeNext(raw string) string {
	if !acceptableNext(raw) {
		return "/"
	}
	return raw
}

// redirectLocal answers 303 See Other to a target built from request
// input (a form field, a path parameter), through safeNext: every such
// redirect goes through this one gate.
func redirectLocal(c echo.Context, target string) error {
	return c.Redirect(http.StatusSeeOther, safeNext(target))
}

func acceptableNext(raw string) bool {
	if raw == "" || len(raw) > maxNextLength || !leadsWithOneSlash(raw) {
		return false
	}
	for i := 0; i < len(raw); i++ {
		// Printable ASCII only: no controls, no spaces, no backslash, no
		// bytes of a multi-byte (look-alike) character.
		if b := raw[i]; b <= ' ' || b >= 0x7f || b == '\\' {
			return false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return false
	}
	// Percent-decode until nothing changes (twice-encoded tricks too) and
	// hold every layer to the same rules.
	path, rest := splitPath(raw)
	for range 4 {
		dp, err1 := url.PathUnescape(path)
		dr, err2 := url.PathUnescape(rest)
		if err1 != nil || err2 != nil || !leadsWithOneSlash(dp) || !cleanDecoded(dp, false) || !cleanDecoded(dr, true) {
			return false
		}
		if dp == path && dr == rest {
			return true
		}
		path, rest = dp, dr
	}
	// Still changing after four rounds: nothing this site links to.
	return false
}

// leadsWithOneSlash: "/" alone, or "/" followed by neither "/" nor "\".
func leadsWithOneSlash(s string) bool {
	if !strings.HasPrefix(s, "/") {
		return false
	}
	return len(s) == 1 || (s[1] != '/' && s[1] != '\\')
}

// splitPath cuts a target at its query or fragment.
func splitPath(s string) (path, rest string) {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// cleanDecoded checks a decoded layer: valid UTF-8, no backslash, no
// control or invisible character, no slash look-alike, and no whitespace
// except a plain space in the query (spaceOK).
func cleanDecoded(s string, spaceOK bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\\' || slashLookAlike(r):
			return false
		case r == ' ' && spaceOK:
		case unicode.IsSpace(r) || !unicode.IsGraphic(r):
			return false
		}
	}
	return true
}

// slashLookAlike lists characters some URL parsers fold to "/" or "\".
func slashLookAlike(r rune) bool {
	switch r {
	case '\uff0f', '\uff3c', '\u2215', '\u2216', '\u2044', '\u29f8', '\u29f9', '\ufe68':
		return true
	}
	return false
}
