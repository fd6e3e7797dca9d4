package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html/template"

	"github.com/labstack/echo/v4"
)

// A page may have one large part rendered outside its template, a thread
// page's posts (~200 KB at 100 a page): the template prints a marker where
// it goes, and the finished page is written around it. Printed through the
// template, the part was copied twice more (fmt's buffer, which at that
// size is not recycled, then the page buffer), a large share of a member's
// page's garbage. The marker holds a per-process random value, so no text
// a member wrote can ever be taken for it; what is printed before it is
// escaped by html/template anyway.
var spliceMarker = func() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return "<!--hearth:part:" + hex.EncodeToString(b[:]) + "-->"
}()

// spliceHere sets part as the page's pre-rendered part and returns the
// marker for the template to print where it goes. part must stay unchanged
// until the page is sent.
func (p *Page) spliceHere(part *bytes.Buffer) template.HTML {
	p.splice = part
	return template.HTML(spliceMarker) // #nosec G203 -- a fixed comment
}

var errNoMarker = errors.New("render: the page did not print its part's marker")

// writeSpliced sends page with part in place of its marker; keep, when
// set, receives the whole page (and must copy what it keeps).
func writeSpliced(c echo.Context, status int, page, part []byte, keep func([]byte)) error {
	i := bytes.Index(page, []byte(spliceMarker))
	if i < 0 {
		return errNoMarker
	}
	head, tail := page[:i], page[i+len(spliceMarker):]
	if keep != nil {
		whole := make([]byte, 0, len(head)+len(part)+len(tail))
		keep(append(append(append(whole, head...), part...), tail...))
	}
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	res.WriteHeader(status)
	for _, b := range [][]byte{head, part, tail} {
		if _, err := res.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// putBuf returns a buffer taken from bufs, unless it grew past what is
// worth keeping.
func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		bufs.Put(b)
	}
}
