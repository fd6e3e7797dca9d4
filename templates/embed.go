// Package templates embeds Hearth's html/template files so the binary runs
// from any directory. server/render.go parses them once at start.
package templates

import "embed"

// FS holds layout.html, partials/*.html and pages/*.html.
//
//go:embed *.html partials/*.html pages/*.html
var FS embed.FS
