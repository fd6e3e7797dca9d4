package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/image/webp"

	"github.com/hearth/hearth/i18n"
)

// Limits bound what Process accepts.
type Limits struct {
	// MaxPixels refuses an image whose header promises more pixels,
	// before anything is decoded (a decompression bomb is a tiny file
	// that decodes to gigabytes).
	MaxPixels int
	// Types are the accepted MIME types besides images ("application/pdf",
	// "text/plain"); they are stored as they are and served as downloads.
	Types []string
}

// DefaultMaxPixels is 40 megapixels: any phone photo, no bombs.
const DefaultMaxPixels = 40_000_000

// VariantWidths are the widths of resized copies of a large image, served
// with srcset so a phone does not download a 12-megapixel original.
var VariantWidths = []int{400, 800, 1600}

// RejectError says why a file was refused, in words for the member: Msg
// in English, UserMessage for the member's language.
type RejectError struct {
	Msg string
	m   i18n.Msg
}

func (e *RejectError) Error() string { return e.Msg }

// UserMessage is the reason as a catalog message (i18n.MsgOf).
func (e *RejectError) UserMessage() i18n.Msg { return e.m }

func reject(id string, kv ...any) *RejectError {
	m := i18n.M(id, kv...)
	return &RejectError{Msg: m.String(), m: m}
}

// Variant is one resized copy.
type Variant struct {
	Width, Height int
	Data          []byte
}

// Processed is a file ready to store.
type Processed struct {
	Hash          string // SHA-256 of Data, hex
	Data          []byte // what is stored: an image re-encoded without metadata, other files as sent
	Mime          string
	Width, Height int // images only
	Variants      []Variant
}

// IsImage reports whether mime is one of the image types Hearth serves inline.
func IsImage(mime string) bool {
	switch mime {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		return true
	}
	return false
}

// Sniff is the type of data from its content, never from its name.
func Sniff(data []byte) string {
	m := mimetype.Detect(data).String()
	if i := strings.IndexByte(m, ';'); i >= 0 {
		m = m[:i]
	}
	return m
}

// Process checks data, strips image metadata and makes the variants.
func Process(data []byte, lim Limits) (*Processed, error) {
	if len(data) == 0 {
		return nil, reject("errors.media.empty")
	}
	mime := Sniff(data)
	if !IsImage(mime) {
		for _, t := range lim.Types {
			if t == mime {
				return finish(&Processed{Data: data, Mime: mime}), nil
			}
		}
		if len(lim.Types) > 0 {
			return nil, reject("errors.media.type_or_others", "Type", mime, "Others", strings.Join(lim.Types, ", "))
		}
		return nil, reject("errors.media.type", "Type", mime)
	}
	maxPixels := lim.MaxPixels
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	var cfg image.Config
	var err error
	if mime == "image/webp" {
		cfg, err = webp.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, _, err = image.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil || cfg.Width < 1 || cfg.Height < 1 {
		return nil, reject("errors.media.unreadable")
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, reject("errors.media.too_many_pixels", "Width", cfg.Width, "Height", cfg.Height,
			"Megapixels", fmt.Sprintf("%.0f", float64(cfg.Width)*float64(cfg.Height)/1e6), "Max", fmt.Sprintf("%.0f", float64(maxPixels)/1e6))
	}
	switch mime {
	case "image/gif":
		return processGIF(data, cfg)
	case "image/webp":
		return processWebP(data)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, reject("errors.media.unreadable")
	}
	p := &Processed{Mime: mime}
	var buf bytes.Buffer
	if mime == "image/jpeg" {
		// Re-encoding drops every APP segment (EXIF with its GPS position,
		// XMP, comments); the orientation EXIF carried is applied to the
		// pixels first, so the picture still stands the right way up.
		img = orient(img, jpegOrientation(data))
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88})
	} else {
		// PNG's text and eXIf chunks are not kept by the encoder.
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	}
	if err != nil {
		return nil, err
	}
	p.Data = buf.Bytes()
	b := img.Bounds()
	p.Width, p.Height = b.Dx(), b.Dy()
	if p.Variants, err = variants(img, mime); err != nil {
		return nil, err
	}
	return finish(p), nil
}

func finish(p *Processed) *Processed {
	sum := sha256.Sum256(p.Data)
	p.Hash = hex.EncodeToString(sum[:])
	return p
}

// processGIF keeps every frame (animation) but rebuilds the file, which
// drops comment and application extensions; GIFs get no variants, since
// resizing would cost the animation.
func processGIF(data []byte, cfg image.Config) (*Processed, error) {
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, reject("errors.media.unreadable")
	}
	if len(g.Image) > 1000 {
		return nil, reject("errors.media.too_many_frames")
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		return nil, err
	}
	return finish(&Processed{Data: buf.Bytes(), Mime: "image/gif", Width: cfg.Width, Height: cfg.Height}), nil
}

// processWebP strips the EXIF and XMP chunks from the RIFF container (Go
// has no WebP encoder, and a lossy photo re-encoded as PNG would be many
// times larger); the pixels are decoded once to prove the file sound and
// to make the variants.
func processWebP(data []byte) (*Processed, error) {
	img, err := webp.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, reject("errors.media.unreadable")
	}
	clean, err := stripWebPMetadata(data)
	if err != nil {
		return nil, reject("errors.media.unreadable")
	}
	b := img.Bounds()
	p := &Processed{Data: clean, Mime: "image/webp", Width: b.Dx(), Height: b.Dy()}
	if p.Variants, err = variants(img, "image/webp"); err != nil {
		return nil, err
	}
	return finish(p), nil
}

// variants makes a copy at each VariantWidths width smaller than img,
// each from the next larger one (cheaper than from the original every
// time), with an area filter (resize.go). Opaque images become JPEG,
// others PNG.
func variants(img image.Image, mime string) ([]Variant, error) {
	b := img.Bounds()
	var widths []int
	for i := len(VariantWidths) - 1; i >= 0; i-- {
		if VariantWidths[i] < b.Dx() {
			widths = append(widths, VariantWidths[i])
		}
	}
	if len(widths) == 0 {
		return nil, nil
	}
	opaque := mime == "image/jpeg"
	if o, ok := img.(interface{ Opaque() bool }); ok && !opaque {
		opaque = o.Opaque()
	}
	out := make([]Variant, 0, len(widths))
	src := img
	for _, w := range widths {
		h := max(1, int(int64(b.Dy())*int64(w)/int64(b.Dx())))
		dst := boxScale(src, w, h)
		var buf bytes.Buffer
		var err error
		if opaque {
			err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85})
		} else {
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, dst)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Variant{Width: w, Height: h, Data: buf.Bytes()})
		src = dst
	}
	// Smallest first, as srcset lists them.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// VariantMime is the type of an image's variants.
func VariantMime(data []byte) string { return Sniff(data) }

var errBadRIFF = errors.New("media: malformed RIFF")
