// Package chart draws a small time-series line chart in terminal cells with
// braille dots, with horizontal limit lines (a threshold band), a y axis
// fitted to the data and the limits, and date labels on the x axis.
package chart

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Point is one value at one time.
type Point struct {
	T time.Time
	V float64
}

// Level is the severity of a limit line.
type Level int

// Limit levels.
const (
	Yellow Level = iota
	Red
)

// Limit is a horizontal line at V.
type Limit struct {
	V     float64
	Level Level
}

// Part is what a run of characters in the output shows, for colouring.
type Part int

// Parts of the chart.
const (
	PartAxis Part = iota
	PartData
	PartYellow
	PartRed
)

// Line characters of the limit lines; they differ so the band reads without
// colour.
const (
	YellowRune = '╌'
	RedRune    = '═'
)

// Chart is a chart to render. Width and Height are the whole chart in cells,
// axes and labels included.
type Chart struct {
	Width, Height int
	From, To      time.Time // x range; points outside are left out
	Points        []Point   // any order
	Limits        []Limit
	Decimal       byte           // decimal separator of the labels ('.' if zero)
	Loc           *time.Location // for the date labels (UTC if nil)
	// Style, when set, colours a run of characters of one part.
	Style func(Part, string) string
}

// YRange returns the value range the chart shows: the span of the points and
// the limits with a margin, rounded out to half units. It never forces 0 in.
func YRange(points []Point, limits []Limit) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range points {
		lo, hi = math.Min(lo, p.V), math.Max(hi, p.V)
	}
	for _, l := range limits {
		lo, hi = math.Min(lo, l.V), math.Max(hi, l.V)
	}
	if math.IsInf(lo, 0) {
		return 0, 1
	}
	pad := math.Max((hi-lo)*0.08, 0.5)
	lo, hi = math.Floor((lo-pad)*2)/2, math.Ceil((hi+pad)*2)/2
	return lo, hi
}

// grid is the plot area: one braille pattern (8 bits) and one limit level per
// cell.
type grid struct {
	w, h  int
	dots  []uint8
	limit []int8 // -1 none, else Level
}

func (g *grid) set(x, y int) {
	if x < 0 || y < 0 || x >= g.w*2 || y >= g.h*4 {
		return
	}
	bits := [4][2]uint8{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}
	g.dots[(y/4)*g.w+x/2] |= bits[y%4][x%2]
}

// line draws between two dots (Bresenham).
func (g *grid) line(x0, y0, x1, y1 int) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := sign(x1-x0), sign(y1-y0)
	e := dx + dy
	for {
		g.set(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

func sign(a int) int {
	switch {
	case a < 0:
		return -1
	case a > 0:
		return 1
	}
	return 0
}

// Render draws the chart as Height lines (fewer if the chart is too small to
// draw: nothing for less than 12x4).
func (c Chart) Render() []string {
	if c.Width < 12 || c.Height < 4 || !c.To.After(c.From) {
		return nil
	}
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	var pts []Point
	for _, p := range c.Points {
		if !p.T.Before(c.From) && !p.T.After(c.To) {
			pts = append(pts, p)
		}
	}
	lo, hi := YRange(pts, c.Limits)
	labelW := 0
	for _, v := range []float64{lo, hi} {
		labelW = max(labelW, utf8.RuneCountInString(c.label(v)))
	}
	for _, l := range c.Limits {
		labelW = max(labelW, utf8.RuneCountInString(c.label(l.V)))
	}
	g := grid{w: c.Width - labelW - 1, h: c.Height - 2}
	if g.w < 4 {
		return nil
	}
	g.dots = make([]uint8, g.w*g.h)
	g.limit = make([]int8, g.h)
	for i := range g.limit {
		g.limit[i] = -1
	}
	dotsY := g.h*4 - 1
	yDot := func(v float64) int { return int(math.Round((hi - v) / (hi - lo) * float64(dotsY))) }
	span := float64(c.To.Sub(c.From))
	xDot := func(t time.Time) int { return int(math.Round(float64(t.Sub(c.From)) / span * float64(g.w*2-1))) }

	labels := make([]string, g.h)
	for _, l := range c.Limits {
		row := yDot(l.V) / 4
		if row < 0 || row >= g.h {
			continue
		}
		if int8(l.Level) > g.limit[row] {
			g.limit[row] = int8(l.Level)
		}
		labels[row] = c.label(l.V)
	}
	if labels[0] == "" {
		labels[0] = c.label(hi)
	}
	if labels[g.h-1] == "" {
		labels[g.h-1] = c.label(lo)
	}
	sortByTime(pts)
	for i, p := range pts {
		x, y := xDot(p.T), yDot(p.V)
		if i == 0 {
			g.set(x, y)
			continue
		}
		g.line(xDot(pts[i-1].T), yDot(pts[i-1].V), x, y)
	}

	out := make([]string, 0, c.Height)
	for row := 0; row < g.h; row++ {
		var b strings.Builder
		lab := labels[row]
		b.WriteString(strings.Repeat(" ", labelW-utf8.RuneCountInString(lab)))
		b.WriteString(lab)
		if lab != "" {
			b.WriteString(c.style(PartAxis, "┤"))
		} else {
			b.WriteString(c.style(PartAxis, "│"))
		}
		var run strings.Builder
		runPart := Part(-1)
		flush := func() {
			if run.Len() > 0 {
				b.WriteString(c.style(runPart, run.String()))
				run.Reset()
			}
		}
		for x := 0; x < g.w; x++ {
			d := g.dots[row*g.w+x]
			var r rune
			var part Part
			switch {
			case d != 0:
				r, part = rune(0x2800+int(d)), PartData
			case g.limit[row] == int8(Red):
				r, part = RedRune, PartRed
			case g.limit[row] == int8(Yellow):
				r, part = YellowRune, PartYellow
			default:
				r, part = ' ', PartAxis
			}
			if part != runPart {
				flush()
				runPart = part
			}
			run.WriteRune(r)
		}
		flush()
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	out = append(out, strings.Repeat(" ", labelW)+c.style(PartAxis, "└"+strings.Repeat("─", g.w)))
	out = append(out, strings.Repeat(" ", labelW+1)+c.dateAxis(g.w, loc))
	return out
}

// dateAxis puts the first and last dates at the ends and, with room, the
// middle one in the middle.
func (c Chart) dateAxis(w int, loc *time.Location) string {
	const f = "02.01"
	first, last := c.From.In(loc).Format(f), c.To.In(loc).Format(f)
	line := []rune(strings.Repeat(" ", w))
	put := func(at int, s string) {
		for i, r := range []rune(s) {
			if at+i >= 0 && at+i < len(line) {
				line[at+i] = r
			}
		}
	}
	put(0, first)
	put(w-len(last), last)
	if w >= 3*len(f)+4 {
		mid := c.From.Add(c.To.Sub(c.From) / 2).In(loc).Format(f)
		put(w/2-len(mid)/2, mid)
	}
	return strings.TrimRight(string(line), " ")
}

func (c Chart) label(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if c.Decimal != 0 && c.Decimal != '.' {
		s = strings.Replace(s, ".", string(c.Decimal), 1)
	}
	return s
}

func (c Chart) style(p Part, s string) string {
	if c.Style == nil {
		return s
	}
	return c.Style(p, s)
}

func sortByTime(p []Point) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].T.Before(p[j-1].T); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}
