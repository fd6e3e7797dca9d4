package server

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
)

// Server-rendered SVG charts for the community dashboard: no scripts, no
// third-party assets. Colours come from currentColor and the CSS
// variables (var(--accent)), so they follow the light and dark themes; each
// chart has a <title> and <desc>, and the page puts a data table beside it.

// Point is one labelled value of a chart.
type Point struct {
	Label string
	Value float64
}

// Chart is one chart with the table that carries the same figures.
type Chart struct {
	ID, Title, Desc string
	Unit            string // column heading of the values in the table
	Points          []Point
	SVG             template.HTML
}

const (
	chartW, chartH = 640, 200
	padL, padB     = 48, 24
	padT, padR     = 12, 8
)

// niceMax rounds the top of the axis up to 1, 2 or 5 times a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// svgOpen writes the frame shared by both kinds of chart: title, desc, the
// axis, and the top and zero labels.
func svgOpen(b *strings.Builder, c *Chart, top float64) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		chartW, chartH, c.ID, c.ID)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, c.ID, html.EscapeString(c.Title), c.ID, html.EscapeString(c.Desc))
	fmt.Fprintf(b, `<g fill="currentColor" font-size="11"><text x="%d" y="%d" text-anchor="end">%s</text><text x="%d" y="%d" text-anchor="end">0</text></g>`,
		padL-6, padT+4, fmtNum(top), padL-6, chartH-padB)
	fmt.Fprintf(b, `<path d="M%d %d V%d H%d" fill="none" stroke="currentColor" stroke-opacity="0.5"/>`, padL, padT, chartH-padB, chartW-padR)
}

// labelEvery picks how many points to skip between x labels.
func labelEvery(n int) int { return max(1, (n+7)/8) }

func xLabel(b *strings.Builder, x float64, label string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="10" fill="currentColor">%s</text>`, x, chartH-6, html.EscapeString(label))
}

// BarChart draws one bar per point.
func BarChart(c Chart) Chart {
	var b strings.Builder
	top := 0.0
	for _, p := range c.Points {
		top = max(top, p.Value)
	}
	top = niceMax(top)
	svgOpen(&b, &c, top)
	n := max(len(c.Points), 1)
	slot := float64(chartW-padL-padR) / float64(n)
	h := float64(chartH - padB - padT)
	every := labelEvery(n)
	for i, p := range c.Points {
		bh := p.Value / top * h
		x := float64(padL) + float64(i)*slot
		fmt.Fprintf(&b, `<rect class="chart-mark" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
			x+slot*0.15, float64(chartH-padB)-bh, slot*0.7, bh, html.EscapeString(p.Label), fmtNum(p.Value))
		if i%every == 0 {
			xLabel(&b, x+slot/2, p.Label)
		}
	}
	b.WriteString("</svg>")
	c.SVG = template.HTML(b.String()) // built from escaped labels and numbers only
	return c
}

// LineChart draws the points as one line with a dot per point.
func LineChart(c Chart) Chart {
	var b strings.Builder
	top := 0.0
	for _, p := range c.Points {
		top = max(top, p.Value)
	}
	top = niceMax(top)
	svgOpen(&b, &c, top)
	n := len(c.Points)
	step := float64(chartW-padL-padR) / float64(max(n-1, 1))
	h := float64(chartH - padB - padT)
	var path strings.Builder
	every := labelEvery(n)
	for i, p := range c.Points {
		x := float64(padL) + float64(i)*step
		y := float64(chartH-padB) - p.Value/top*h
		if i == 0 {
			fmt.Fprintf(&path, "M%.1f %.1f", x, y)
		} else {
			fmt.Fprintf(&path, " L%.1f %.1f", x, y)
		}
		fmt.Fprintf(&b, `<circle class="chart-mark" cx="%.1f" cy="%.1f" r="2.5"><title>%s: %s</title></circle>`,
			x, y, html.EscapeString(p.Label), fmtNum(p.Value))
		if i%every == 0 {
			xLabel(&b, x, p.Label)
		}
	}
	if n > 1 {
		fmt.Fprintf(&b, `<path class="chart-line" d="%s" fill="none" stroke-width="2"/>`, path.String())
	}
	b.WriteString("</svg>")
	c.SVG = template.HTML(b.String())
	return c
}
