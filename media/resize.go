package media

import (
	"image"
	"image/draw"
)

// boxScale shrinks src to w×h by averaging the source pixels each
// destination pixel covers (an area filter: what a downscale needs to
// avoid aliasing). It allocates only the destination: x/image/draw's
// kernel scalers keep a dst-width × src-height float buffer, 150 MB for a
// 12-megapixel photo, which four concurrent uploads cannot afford. A
// JPEG's YCbCr pixels are read directly, without a full RGBA copy.
func boxScale(src image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	var pix func(x, y int) (r, g, bl, a uint32)
	switch s := src.(type) {
	case *image.YCbCr:
		pix = func(x, y int) (uint32, uint32, uint32, uint32) {
			yi := s.YOffset(b.Min.X+x, b.Min.Y+y)
			ci := s.COffset(b.Min.X+x, b.Min.Y+y)
			r, g, bl := ycbcrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
			return uint32(r), uint32(g), uint32(bl), 255
		}
	default:
		rgba, ok := src.(*image.RGBA)
		if !ok {
			rgba = image.NewRGBA(image.Rect(0, 0, sw, sh))
			draw.Draw(rgba, rgba.Bounds(), src, b.Min, draw.Src)
			b = rgba.Bounds()
		}
		pix = func(x, y int) (uint32, uint32, uint32, uint32) {
			i := rgba.PixOffset(b.Min.X+x, b.Min.Y+y)
			p := rgba.Pix[i : i+4 : i+4]
			return uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3])
		}
	}
	for dy := 0; dy < h; dy++ {
		y0, y1 := dy*sh/h, (dy+1)*sh/h
		if y1 <= y0 {
			y1 = y0 + 1
		}
		for dx := 0; dx < w; dx++ {
			x0, x1 := dx*sw/w, (dx+1)*sw/w
			if x1 <= x0 {
				x1 = x0 + 1
			}
			var r, g, bl, a uint32
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					pr, pg, pb, pa := pix(x, y)
					r, g, bl, a = r+pr, g+pg, bl+pb, a+pa
				}
			}
			n := uint32((y1 - y0) * (x1 - x0))
			i := dst.PixOffset(dx, dy)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(r/n), uint8(g/n), uint8(bl/n), uint8(a/n)
		}
	}
	return dst
}

// ycbcrToRGB is color.YCbCrToRGB without the interface call per pixel.
func ycbcrToRGB(y, cb, cr uint8) (uint8, uint8, uint8) {
	yy1 := int32(y) * 0x10101
	cb1 := int32(cb) - 128
	cr1 := int32(cr) - 128
	r := yy1 + 91881*cr1
	g := yy1 - 22554*cb1 - 46802*cr1
	b := yy1 + 116130*cb1
	return clamp8(r), clamp8(g), clamp8(b)
}

func clamp8(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	if v < 0 {
		return 0
	}
	return 255
}
