package stats

import (
	"fmt"
	"html"
	"strings"
)

// Bar is one bar of a chart.
type Bar struct {
	Label string  // what the bar stands for
	Value float64 // its length, in the chart's unit
	// Mark is a second value drawn as a tick across the bar (the 90th
	// percentile beside a median); 0 draws none.
	Mark float64
	Text string // the value as printed beside the bar
	// Suppressed bars are drawn without a bar; Text says why.
	Suppressed bool
}

// Chart is a horizontal bar chart. It is drawn as SVG on the server, with
// presentation attributes only (no style, no script), so it shows under a
// strict Content-Security-Policy and needs no JavaScript. A table of the
// same numbers belongs beside it.
type Chart struct {
	ID    string // unique on the page; names the title element
	Title string
	Bars  []Bar
	// Max is the value at the full width; 0 takes the largest value or mark.
	Max float64
}

// Geometry of a chart, in SVG user units.
const (
	chartWidth  = 640
	chartLeft   = 4
	chartBarMax = 470
	chartRow    = 40
	chartTop    = 8
)

// Colours: bars in the links' blue, ticks in the overdue red, text dark.
const (
	barColour  = "#0b4fa8"
	markColour = "#a4161a"
	textColour = "#1a1a1a"
	mutedText  = "#4a4a4a"
	axisColour = "#767676"
)

// SVG draws the chart. Every text is escaped; the result can be put into a
// page as it is.
func (c Chart) SVG() string {
	top := c.Max
	if top <= 0 {
		for _, b := range c.Bars {
			if !b.Suppressed {
				top = max(top, b.Value, b.Mark)
			}
		}
	}
	height := chartTop + chartRow*len(c.Bars) + 8
	var sb strings.Builder
	esc := html.EscapeString
	titleID := esc(c.ID) + "-t"
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" font-family="system-ui, sans-serif" role="img" aria-labelledby="%s">`,
		chartWidth, height, titleID)
	fmt.Fprintf(&sb, `<title id="%s">%s</title>`, titleID, esc(c.Title))
	fmt.Fprintf(&sb, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1"/>`,
		chartLeft, chartTop, chartLeft, height-8, axisColour)
	for i, b := range c.Bars {
		y := chartTop + i*chartRow
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" fill="%s">%s</text>`, chartLeft+4, y+13, textColour, esc(b.Label))
		barY := y + 18
		if b.Suppressed || top <= 0 {
			fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="12" fill="%s" font-style="italic">%s</text>`, chartLeft+4, barY+12, mutedText, esc(b.Text))
			continue
		}
		w := scale(b.Value, top)
		if w > 0 {
			fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="14" fill="%s"/>`, chartLeft, barY, w, barColour)
		}
		end := w
		if b.Mark > 0 {
			m := scale(b.Mark, top)
			fmt.Fprintf(&sb, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="3"/>`,
				float64(chartLeft)+m, barY-3, float64(chartLeft)+m, barY+17, markColour)
			end = max(end, m)
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="12" fill="%s">%s</text>`, float64(chartLeft)+end+6, barY+12, textColour, esc(b.Text))
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

func scale(v, top float64) float64 {
	if v <= 0 || top <= 0 {
		return 0
	}
	return min(v/top, 1) * chartBarMax
}
