package markup

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

// Image is what the renderer needs to know of one of the instance's own
// uploaded images to show it without layout shift and at the right size.
type Image struct {
	Width, Height int
	Variants      []int // widths of the resized copies at URL+"/w<width>"
}

// MediaLookup answers for an image destination whether it is one of the
// instance's own uploads, and its sizes.
type MediaLookup func(url string) (Image, bool)

var mediaKey = parser.NewContextKey()

// imageSizes is the one sizes value the renderer emits: a post column is
// at most about 800 CSS pixels wide.
const imageSizes = "(max-width: 800px) 100vw, 800px"

// RenderWith renders like Render, and gives the instance's own images
// (those lookup knows) width, height, srcset and lazy loading. Other
// images get none of these, and the sanitiser lets srcset through only
// when it lists URLs under this instance's /media/.
func (r *Renderer) RenderWith(src string, lookup MediaLookup) Result {
	return r.render(src, lookup)
}

// sizeImages is the AST step of RenderWith.
func sizeImages(doc ast.Node, pc parser.Context) {
	lookup, _ := pc.Get(mediaKey).(MediaLookup)
	if lookup == nil {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		dest := string(img.Destination)
		info, ok := lookup(dest)
		if !ok || info.Width < 1 || info.Height < 1 {
			return ast.WalkContinue, nil
		}
		img.SetAttributeString("width", []byte(strconv.Itoa(info.Width)))
		img.SetAttributeString("height", []byte(strconv.Itoa(info.Height)))
		img.SetAttributeString("loading", []byte("lazy"))
		img.SetAttributeString("decoding", []byte("async"))
		if len(info.Variants) > 0 {
			parts := make([]string, 0, len(info.Variants)+1)
			for _, w := range info.Variants {
				parts = append(parts, fmt.Sprintf("%s/w%d %dw", dest, w, w))
			}
			parts = append(parts, fmt.Sprintf("%s %dw", dest, info.Width))
			img.SetAttributeString("srcset", []byte(strings.Join(parts, ", ")))
			img.SetAttributeString("sizes", []byte(imageSizes))
		}
		return ast.WalkSkipChildren, nil
	})
}

// ownSrcset matches a srcset whose every candidate is under
// baseURL/media/, so no member can point one elsewhere or smuggle a
// descriptor the policy did not foresee.
func ownSrcset(baseURL string) *regexp.Regexp {
	cand := regexp.QuoteMeta(baseURL+"/media/") + `[0-9a-f]{64}(/w[0-9]{2,4})? [0-9]{1,5}w`
	return regexp.MustCompile(`^` + cand + `(, ` + cand + `)*$`)
}
