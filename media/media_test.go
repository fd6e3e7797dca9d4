package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// testJPEG is a w×h JPEG with a gradient, so it compresses like a photo.
func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withEXIF inserts an APP1 EXIF segment (orientation 6, a GPS IFD pointer
// and a marker string) after the JPEG's SOI, as a phone camera writes it.
func withEXIF(jpg []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	le := binary.LittleEndian
	tiff.WriteString("II")
	binary.Write(&tiff, le, uint16(42))
	binary.Write(&tiff, le, uint32(8))
	binary.Write(&tiff, le, uint16(2)) // two entries
	// Orientation, SHORT, count 1, value.
	binary.Write(&tiff, le, []uint16{0x0112, 3})
	binary.Write(&tiff, le, uint32(1))
	binary.Write(&tiff, le, []uint16{orientation, 0})
	// GPS IFD pointer (tag 0x8825), LONG.
	binary.Write(&tiff, le, []uint16{0x8825, 4})
	binary.Write(&tiff, le, uint32(1))
	binary.Write(&tiff, le, uint32(0))
	binary.Write(&tiff, le, uint32(0))
	tiff.WriteString("GPS-SECRET-52.37N-4.89E")
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

// bombPNG is a valid PNG signature and IHDR claiming w×h pixels, with no
// image data: decoding it for real would need w*h*4 bytes.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestProcessRefuses(t *testing.T) {
	lim := Limits{Types: []string{"application/pdf", "text/plain"}}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"html named .jpg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "text/html"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "image/svg+xml"},
		{"100 megapixels", bombPNG(10000, 10000), "100 megapixels"},
		{"damaged jpeg", testJPEG(t, 50, 50)[:40], "could not be read"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Process(c.data, lim)
			var re *RejectError
			if err == nil || !errorsAs(err, &re) || !strings.Contains(re.Msg, c.want) {
				t.Fatalf("Process = %v, want a refusal mentioning %q", err, c.want)
			}
		})
	}
}

func errorsAs(err error, re **RejectError) bool {
	r, ok := err.(*RejectError)
	*re = r
	return ok
}

func TestProcessStripsEXIFAndAppliesOrientation(t *testing.T) {
	src := withEXIF(testJPEG(t, 300, 200), 6)
	if !bytes.Contains(src, []byte("GPS-SECRET")) || jpegOrientation(src) != 6 {
		t.Fatal("fixture has no EXIF")
	}
	p, err := Process(src, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("Exif")) || bytes.Contains(p.Data, []byte("GPS-SECRET")) {
		t.Fatal("EXIF survived processing")
	}
	// Orientation 6 (rotate 90° clockwise) swaps the sides.
	if p.Width != 200 || p.Height != 300 || p.Mime != "image/jpeg" {
		t.Fatalf("got %dx%d %s, want 200x300 image/jpeg", p.Width, p.Height, p.Mime)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.Data))
	if err != nil || cfg.Width != 200 || cfg.Height != 300 {
		t.Fatalf("stored image %v %v", cfg, err)
	}
}

func TestProcessVariants(t *testing.T) {
	p, err := Process(testJPEG(t, 1000, 500), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Variants) != 2 || p.Variants[0].Width != 400 || p.Variants[0].Height != 200 || p.Variants[1].Width != 800 {
		t.Fatalf("variants %+v", p.Variants)
	}
	for _, v := range p.Variants {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(v.Data))
		if err != nil || cfg.Width != v.Width || cfg.Height != v.Height {
			t.Fatalf("variant %d: %v %v", v.Width, cfg, err)
		}
	}
	small, err := Process(testJPEG(t, 300, 300), Limits{})
	if err != nil || len(small.Variants) != 0 {
		t.Fatalf("a small image got variants: %v %v", small, err)
	}
	// A transparent PNG keeps PNG variants.
	img := image.NewNRGBA(image.Rect(0, 0, 500, 10))
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	pp, err := Process(buf.Bytes(), Limits{})
	if err != nil || len(pp.Variants) != 1 || Sniff(pp.Variants[0].Data) != "image/png" {
		t.Fatalf("png variants %+v %v", pp, err)
	}
}

func TestProcessOtherTypes(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	p, err := Process(pdf, Limits{Types: []string{"application/pdf"}})
	if err != nil || p.Mime != "application/pdf" || !bytes.Equal(p.Data, pdf) {
		t.Fatalf("pdf: %+v %v", p, err)
	}
	if _, err := Process(pdf, Limits{}); err == nil {
		t.Fatal("a PDF was accepted where only images are allowed")
	}
}

func TestStripWebPMetadata(t *testing.T) {
	chunk := func(id string, body []byte) []byte {
		b := append([]byte(id), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(b[4:], uint32(len(body)))
		b = append(b, body...)
		if len(body)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	vp8x := make([]byte, 10)
	vp8x[0] = 0x08 | 0x04
	body := append([]byte("WEBP"), chunk("VP8X", vp8x)...)
	body = append(body, chunk("VP8L", []byte{1, 2, 3})...)
	body = append(body, chunk("EXIF", []byte("GPS-SECRET"))...)
	body = append(body, chunk("XMP ", []byte("<x/>"))...)
	file := append([]byte("RIFF\x00\x00\x00\x00"), body...)
	binary.LittleEndian.PutUint32(file[4:], uint32(len(body)))
	out, err := stripWebPMetadata(file)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("GPS-SECRET")) || bytes.Contains(out, []byte("XMP ")) {
		t.Fatal("metadata survived")
	}
	if out[20]&0x0C != 0 || int(binary.LittleEndian.Uint32(out[4:])) != len(out)-8 || !bytes.Contains(out, []byte("VP8L")) {
		t.Fatalf("bad container %q", out)
	}
}

// stores runs a test on every backend: the disk and an S3 server (gofakes3,
// a real implementation of the S3 protocol) on 127.0.0.1.
func stores(t *testing.T, fn func(t *testing.T, b Blobs)) {
	t.Run("disk", func(t *testing.T) {
		b, err := Open(context.Background(), t.TempDir(), "", Credentials{})
		if err != nil {
			t.Fatal(err)
		}
		fn(t, b)
	})
	t.Run("s3", func(t *testing.T) {
		fn(t, newFakeS3(t))
	})
}

func newFakeS3(t testing.TB) Blobs {
	backend := s3mem.New()
	if err := backend.CreateBucket("hearth-media"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	b, err := Open(context.Background(), "", "s3://hearth-media/prefix?region=us-east-1&insecure=1&path_style=1&endpoint="+u.Host, Credentials{AccessKey: "key", SecretKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBlobsDedupeAndRoundTrip(t *testing.T) {
	stores(t, func(t *testing.T, b Blobs) {
		ctx := context.Background()
		p, err := Process(testJPEG(t, 64, 64), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if err := b.Put(ctx, Key(p.Hash, ""), bytes.NewReader(p.Data), int64(len(p.Data)), p.Mime); err != nil {
				t.Fatal(err)
			}
		}
		rc, st, err := b.Open(ctx, Key(p.Hash, ""))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, p.Data) || st.Size != int64(len(p.Data)) {
			t.Fatalf("read %d bytes (stat %d), want %d", len(got), st.Size, len(p.Data))
		}
		if err := b.Delete(ctx, Key(p.Hash, "")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.Open(ctx, Key(p.Hash, "")); err != ErrNotFound {
			t.Fatalf("after delete: %v", err)
		}
		if err := b.Delete(ctx, Key(p.Hash, "")); err != nil {
			t.Fatalf("deleting a missing key: %v", err)
		}
	})
}

func TestDiskKeepsOneCopy(t *testing.T) {
	dir := t.TempDir()
	d, _ := NewDisk(dir)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := d.Put(ctx, "ab"+strings.Repeat("0", 62), strings.NewReader("x"), 1, "text/plain"); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	walk(t, dir, func() { n++ })
	if n != 1 {
		t.Fatalf("%d files on disk, want 1", n)
	}
}

// TestBoxScaleAveragesArea: a one-pixel black and white checkerboard
// shrinks to mid grey (a filter that picked pixels would give black or
// white stripes), from RGBA and from a JPEG's YCbCr alike.
func TestBoxScaleAveragesArea(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 1000, 500))
	ycc := image.NewYCbCr(image.Rect(0, 0, 1000, 500), image.YCbCrSubsampleRatio444)
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 128, 128
	}
	for y := 0; y < 500; y++ {
		for x := 0; x < 1000; x++ {
			v := uint8(0)
			if (x+y)%2 == 0 {
				v = 255
			}
			rgba.Set(x, y, color.RGBA{v, v, v, 255})
			ycc.Y[ycc.YOffset(x, y)] = v
		}
	}
	for name, src := range map[string]image.Image{"rgba": rgba, "ycbcr": ycc} {
		dst := boxScale(src, 400, 200)
		for _, p := range [][2]int{{0, 0}, {123, 77}, {399, 199}} {
			c := dst.RGBAAt(p[0], p[1])
			if c.R < 100 || c.R > 155 || c.A != 255 {
				t.Errorf("%s: pixel %v is %v, want mid grey", name, p, c)
			}
		}
	}
}
