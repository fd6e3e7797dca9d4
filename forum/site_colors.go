package forum

import (
	"fmt"
	"math"
	"strconv"
)

// AccentColors is the operator's accent colour made safe to read in both
// colour schemes: the light scheme's accent is darkened until it has at
// least 4.5:1 contrast with the white page, the dark scheme's lightened
// until it has that much with the dark page (the accent is used for text,
// e.g. mentions, as well as for buttons), and the text on the accent is
// black or white, whichever contrasts more.
type AccentColors struct {
	Light, LightHover, LightText string
	Dark, DarkHover, DarkText    string
}

// Page backgrounds the accent must stand out from: --surface in
// static/app.css for each scheme.
var (
	lightSurface = rgb{0xff, 0xff, 0xff}
	darkSurface  = rgb{0x17, 0x1b, 0x21}
)

const minAccentContrast = 4.5

type rgb struct{ r, g, b float64 } // 0–255

// ParseAccent turns a #rrggbb colour into the colours the pages use.
func ParseAccent(hex string) (*AccentColors, bool) {
	c, ok := parseRGB(hex)
	if !ok {
		return nil, false
	}
	black, white := rgb{0, 0, 0}, rgb{255, 255, 255}
	light := c
	for i := 0; i < 20 && contrast(light, lightSurface) < minAccentContrast; i++ {
		light = mix(light, black, 0.1)
	}
	dark := c
	for i := 0; i < 20 && contrast(dark, darkSurface) < minAccentContrast; i++ {
		dark = mix(dark, white, 0.1)
	}
	return &AccentColors{
		Light: light.hex(), LightHover: mix(light, black, 0.2).hex(), LightText: textOn(light).hex(),
		Dark: dark.hex(), DarkHover: mix(dark, white, 0.2).hex(), DarkText: textOn(dark).hex(),
	}, true
}

func mix(a, b rgb, t float64) rgb {
	return rgb{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t}
}

func (c rgb) hex() string {
	ch := func(v float64) int { return int(math.Round(math.Max(0, math.Min(255, v)))) }
	return fmt.Sprintf("#%02x%02x%02x", ch(c.r), ch(c.g), ch(c.b))
}

// luminance is WCAG 2's relative luminance.
func (c rgb) luminance() float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.03928 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is WCAG 2's contrast ratio, 1 to 21.
func contrast(a, b rgb) float64 {
	la, lb := a.luminance(), b.luminance()
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// textOn picks black or white text for a background.
func textOn(bg rgb) rgb {
	black, white := rgb{0x11, 0x11, 0x11}, rgb{255, 255, 255}
	if contrast(bg, white) >= contrast(bg, black) {
		return white
	}
	return black
}

// ContrastRatio is the WCAG 2 contrast ratio of two #rrggbb colours (0 when
// either is not one).
func ContrastRatio(a, b string) float64 {
	ca, ok1 := parseRGB(a)
	cb, ok2 := parseRGB(b)
	if !ok1 || !ok2 {
		return 0
	}
	return contrast(ca, cb)
}

func parseRGB(hex string) (rgb, bool) {
	if !accentPattern.MatchString(hex) {
		return rgb{}, false
	}
	n, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return rgb{}, false
	}
	return rgb{float64(n >> 16 & 0xff), float64(n >> 8 & 0xff), float64(n & 0xff)}, true
}
