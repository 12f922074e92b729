package ui

import (
	"strings"

	"github.com/rivo/uniseg"
	"golang.org/x/text/width"
)

// Width is the console's one width function. Han characters take two
// columns everywhere; East Asian "ambiguous" characters (· … → ① and the
// box-drawing set) take one or two depending on the terminal, so that is an
// explicit setting (ui.ambiguous_wide) rather than a guess from LANG. Every
// pane pads and truncates its plain text with it before colouring, and the
// borders are drawn here too, so nothing else measures text.
type Width struct {
	AmbiguousWide bool
}

// cluster returns the first grapheme cluster of s, its width and the rest.
func (w Width) cluster(s string, state int) (string, string, int, int) {
	c, rest, n, st := uniseg.FirstGraphemeClusterInString(s, state)
	if w.AmbiguousWide && n == 1 {
		r := []rune(c)[0]
		if width.LookupRune(r).Kind() == width.EastAsianAmbiguous {
			n = 2
		}
	}
	return c, rest, n, st
}

// Of returns the display width of plain text s.
func (w Width) Of(s string) int {
	total, state := 0, -1
	for s != "" {
		var n int
		_, s, n, state = w.cluster(s, state)
		total += n
	}
	return total
}

// Trunc cuts s to at most n columns, ending in tail when it had to cut.
func (w Width) Trunc(s string, n int, tail string) string {
	if n <= 0 {
		return ""
	}
	if w.Of(s) <= n {
		return s
	}
	tw := w.Of(tail)
	if tw > n {
		tail, tw = "", 0
	}
	var b strings.Builder
	used, state := 0, -1
	for s != "" {
		var c string
		var cw int
		c, s, cw, state = w.cluster(s, state)
		if used+cw > n-tw {
			break
		}
		b.WriteString(c)
		used += cw
	}
	b.WriteString(tail)
	return b.String()
}

// Fit makes s exactly n columns: cut with tail, or padded with spaces. A
// wide character that would straddle the edge is replaced by a space.
func (w Width) Fit(s string, n int, tail string) string {
	s = w.Trunc(s, n, tail)
	if pad := n - w.Of(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}

// FitRight is Fit with the padding on the left (numbers).
func (w Width) FitRight(s string, n int) string {
	s = w.Trunc(s, n, "")
	if pad := n - w.Of(s); pad > 0 {
		return strings.Repeat(" ", pad) + s
	}
	return s
}
