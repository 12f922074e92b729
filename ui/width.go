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
//
// Emoji sequences are drawn at different widths by different terminals
// (tmux 3.3a draws 👍 with a skin tone in 4 columns, emoji-aware terminals
// in 2; ❤ with U+FE0F in 1 or 2; a flag's two regional indicators in 2 or
// 4; a ZWJ family in 2 or 6). So the console never writes the code points
// that make them differ; Of, Trunc, Fit and FitRight measure and write
// every text in this form, which every terminal draws alike:
//
//   - emoji modifiers (skin tones U+1F3FB..U+1F3FF) are left out, after a
//     base or alone: 👍🏽 is written 👍 (2 columns);
//   - variation selectors U+FE0E and U+FE0F are left out: ❤️ is written ❤
//     (1), the base at its default presentation;
//   - the zero-width joiner U+200D is left out, so a ZWJ sequence is
//     written as the emoji it joins: 👨‍💻 is written 👨💻 (4);
//   - the keycap mark U+20E3 is left out: 1️⃣ is written 1;
//   - tag characters U+E0000..U+E007F are left out: a subdivision flag is
//     written 🏴 (2);
//   - a regional indicator is written as its ASCII capital letter, so a
//     flag shows its region code: 🇨🇳 is written CN (2).
//
// Each rule maps one code point on its own, so text with colour sequences
// in it (a text input with its cursor inside a sequence) is written the
// same way: see shown. What is stored is untouched; only the screen shows
// the simpler form.
type Width struct {
	AmbiguousWide bool
}

// shown returns s as the console writes it: without the code points that
// terminals draw at different widths, regional indicators as letters (see
// Width). Text without such code points is returned as it is.
func (w Width) shown(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return reshaped(r) != keep })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch c := reshaped(r); {
		case c == drop:
		case c >= 0:
			b.WriteRune(c)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const (
	keep = -1 // reshaped: the code point is written as it is
	drop = -2 // reshaped: the code point is left out
)

// reshaped says how the console writes r: keep, drop, or the rune written
// instead.
func reshaped(r rune) rune {
	switch {
	case r < 0x200d:
		return keep
	case r == 0x200d, r == 0x20e3, r == 0xfe0e, r == 0xfe0f:
		return drop
	case r >= 0x1f1e6 && r <= 0x1f1ff: // regional indicators A..Z
		return 'A' + r - 0x1f1e6
	case r >= 0x1f3fb && r <= 0x1f3ff: // emoji modifiers
		return drop
	case r >= 0xe0000 && r <= 0xe007f: // tags
		return drop
	}
	return keep
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

// Of returns the display width of plain text s, written as the console
// writes it (see Width).
func (w Width) Of(s string) int { return w.of(w.shown(s)) }

// of measures text already in its written form.
func (w Width) of(s string) int {
	total, state := 0, -1
	for s != "" {
		var n int
		_, s, n, state = w.cluster(s, state)
		total += n
	}
	return total
}

// Trunc returns s in its written form (see Width) cut to at most n
// columns, ending in tail when it had to cut.
func (w Width) Trunc(s string, n int, tail string) string {
	if n <= 0 {
		return ""
	}
	s = w.shown(s)
	if w.of(s) <= n {
		return s
	}
	tail = w.shown(tail)
	tw := w.of(tail)
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
	if pad := n - w.of(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}

// FitRight is Fit with the padding on the left (numbers).
func (w Width) FitRight(s string, n int) string {
	s = w.Trunc(s, n, "")
	if pad := n - w.of(s); pad > 0 {
		return strings.Repeat(" ", pad) + s
	}
	return s
}
