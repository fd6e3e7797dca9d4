// Package static embeds Hearth's CSS, JavaScript and icons. server/assets.go
// serves them under content-hashed names with long cache headers.
package static

import "embed"

// FS holds the static files.
//
//go:embed *.css *.js *.svg
var FS embed.FS
