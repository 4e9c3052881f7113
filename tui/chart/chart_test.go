package chart

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func pts(vs ...float64) []Point {
	out := make([]Point, len(vs))
	for i, v := range vs {
		out[i] = Point{T: day0.AddDate(0, 0, i), V: v}
	}
	return out
}

func TestYRangeFitsDataAndLimitsNotZero(t *testing.T) {
	lo, hi := YRange(pts(82, 83, 84.3), []Limit{{79, Red}, {80, Yellow}, {84, Yellow}, {85, Red}})
	if lo > 79 || hi < 85 {
		t.Errorf("range [%g,%g] does not hold the limits 79–85", lo, hi)
	}
	if lo < 75 || hi > 89 {
		t.Errorf("range [%g,%g] is not fitted (0 must not be forced in)", lo, hi)
	}
	// Data outside the band widen it.
	lo, hi = YRange(pts(90.5), []Limit{{80, Yellow}, {84, Yellow}})
	if hi < 90.5 || lo > 80 {
		t.Errorf("range [%g,%g] misses data 90.5 or limit 80", lo, hi)
	}
	// A single value still gets a span.
	lo, hi = YRange(pts(70), nil)
	if !(lo < 70 && hi > 70) {
		t.Errorf("single value range [%g,%g]", lo, hi)
	}
}

func TestRenderShape(t *testing.T) {
	c := Chart{Width: 40, Height: 10, From: day0, To: day0.AddDate(0, 0, 9), Points: pts(82, 82.5, 83, 84, 84.5),
		Limits: []Limit{{80, Yellow}, {84, Yellow}, {79, Red}, {85, Red}}, Decimal: ','}
	lines := c.Render()
	if len(lines) != 10 {
		t.Fatalf("got %d lines, want 10:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 40 {
			t.Errorf("line %q is %d wide", l, n)
		}
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{"85,0┤", "84,0┤", "80,0┤", "79,0┤", string(RedRune), string(YellowRune), "01.03", "10.03", "└"} {
		if !strings.Contains(all, want) {
			t.Errorf("chart lacks %q:\n%s", want, all)
		}
	}
	// The red limit lines are the outermost: the 85 line is above the 84 line.
	i85, i84 := lineWith(lines, "85,0┤"), lineWith(lines, "84,0┤")
	if i85 < 0 || i84 < 0 || i85 >= i84 {
		t.Errorf("85 at line %d, 84 at line %d", i85, i84)
	}
	if !strings.ContainsAny(all, "⡀⢀⣀⠉⠁⠈⠤⠒") && !hasBraille(all) {
		t.Errorf("no data dots:\n%s", all)
	}
}

func TestRenderRisingDataGoesUp(t *testing.T) {
	c := Chart{Width: 30, Height: 12, From: day0, To: day0.AddDate(0, 0, 4), Points: pts(70, 71, 72, 73, 74)}
	lines := c.Render()
	first, last := -1, -1
	for i, l := range lines[:len(lines)-2] {
		r := []rune(l)
		for x, ch := range r {
			if ch >= 0x2800 && ch <= 0x28ff {
				if x < 8 && first < 0 {
					first = i
				}
				if x >= 30-3 {
					last = i
				}
			}
		}
	}
	if first < 0 || last < 0 || last >= first {
		t.Errorf("rising data: left end on line %d, right end on line %d:\n%s", first, last, strings.Join(lines, "\n"))
	}
}

func TestRenderStyleAndSmall(t *testing.T) {
	c := Chart{Width: 30, Height: 8, From: day0, To: day0.AddDate(0, 0, 3), Points: pts(80, 81),
		Limits: []Limit{{82, Red}}, Style: func(p Part, s string) string {
			if p == PartRed {
				return "<R>" + s + "</R>"
			}
			return s
		}}
	if all := strings.Join(c.Render(), "\n"); !strings.Contains(all, "<R>"+string(RedRune)) {
		t.Errorf("style hook not applied to red limit:\n%s", all)
	}
	if got := (Chart{Width: 5, Height: 3, From: day0, To: day0.AddDate(0, 0, 1)}).Render(); got != nil {
		t.Errorf("tiny chart should render nothing, got %q", got)
	}
	// Points outside the window are left out, not drawn at the edge.
	c = Chart{Width: 30, Height: 8, From: day0, To: day0.AddDate(0, 0, 3), Points: []Point{{day0.AddDate(0, 0, -5), 50}, {day0.AddDate(0, 0, 1), 80}}}
	if all := strings.Join(c.Render(), "\n"); strings.Contains(all, "50,0") {
		t.Errorf("out-of-window point widened the range:\n%s", all)
	}
}

func lineWith(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

func hasBraille(s string) bool {
	for _, r := range s {
		if r > 0x2800 && r <= 0x28ff {
			return true
		}
	}
	return false
}
