package ui

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/text/width"
)

// termColumns measures plain text the way a terminal does, one code point
// at a time (wcwidth), independently of Width: East Asian wide and
// fullwidth take two columns, ambiguous ones as the setting says, marks and
// format characters none, the rest one. For the code points terminals
// disagree on it returns the narrowest and the widest drawing, as measured
// in tmux 3.3a and seen in emoji-aware terminals:
//
//	emoji modifier U+1F3FB..U+1F3FF   0 (joined to its base) .. 2 (tmux)
//	regional indicator                1 (tmux, one letter) .. 2
//	U+FE0F (emoji presentation)       0 (tmux) .. 1 (widens a narrow base)
//	U+FE0E (text presentation)        -1 (narrows a wide emoji) .. 0 (tmux)
//	U+20E3 (keycap)                   0 (tmux) .. 1
//	tag characters U+E0000..U+E007F   0 (tmux) .. 1 (drawn as unknown)
//	after U+200D (ZWJ)                0 (tmux draws it in the joiner's cell) .. its own width
//
// So least == most exactly when s holds none of them.
func termColumns(s string, ambiguousWide bool) (least, most int) {
	joined := false
	for _, r := range s {
		lo, hi := runeColumns(r, ambiguousWide)
		if joined && lo > 0 {
			lo, joined = 0, false
		}
		if r == 0x200d {
			joined = true
		}
		least += lo
		most += hi
	}
	return least, most
}

func runeColumns(r rune, ambiguousWide bool) (least, most int) {
	switch {
	case r >= 0x1f3fb && r <= 0x1f3ff:
		return 0, 2
	case r >= 0x1f1e6 && r <= 0x1f1ff:
		return 1, 2
	case r == 0xfe0f, r == 0x20e3:
		return 0, 1
	case r == 0xfe0e:
		return -1, 0
	case r >= 0xe0000 && r <= 0xe007f:
		return 0, 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0, 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2, 2
	case width.EastAsianAmbiguous:
		if ambiguousWide {
			return 2, 2
		}
	}
	return 1, 1
}

// fuzzPieces are what the fuzzed rows are made of: ASCII, Han, ambiguous
// glyphs, combining marks, and every kind of cluster terminals disagree on,
// whole and in parts.
var fuzzPieces = []string{
	"a", "Z", "7", " ", "-", "渎", "溪村", "花街", "０", "·", "…", "→", "①", "é", "e\u0301", "\u0301", "\u200b",
	"👍", "👨", "👩", "👧", "💻", "🌈", "🏴", "🏳", "❤", "☺", "☝",
	"\U0001f3fb", "\U0001f3fd", "\U0001f3ff", "👍\U0001f3fd", "☝\U0001f3fb",
	"\ufe0f", "\ufe0e", "❤\ufe0f", "👍\ufe0e", "\u200d", "👨\u200d👩\u200d👧", "🏳\ufe0f\u200d🌈",
	"🇨", "🇳", "🇨🇳", "🇯🇵", "1\ufe0f\u20e3", "#\u20e3", "\u20e3",
	"🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "\U000e0067", "\U000e007f",
}

// fuzzRow builds a row from the fuzzer's bytes: each byte picks a piece,
// and the runes of raw that are plain (ASCII, Han, Latin-1 letters, and the
// disputed code points themselves) are mixed in.
func fuzzRow(picks []byte, raw string) string {
	var b strings.Builder
	rs := []rune(raw)
	for i, p := range picks {
		b.WriteString(fuzzPieces[int(p)%len(fuzzPieces)])
		if i < len(rs) && plainRune(rs[i]) {
			b.WriteRune(rs[i])
		}
	}
	for _, r := range rs[min(len(picks), len(rs)):] {
		if plainRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func plainRune(r rune) bool {
	lo, hi := runeColumns(r, false)
	switch {
	case r >= 0x20 && r < 0x7f, r >= 0xc0 && r <= 0xff, r >= 0x4e00 && r <= 0x9fff:
		return true
	case lo != hi: // a disputed code point on its own
		return true
	}
	return false
}

// FuzzRowWidth renders rows the way the panes do (cells fitted with Fit to
// their column widths, joined by spaces, a title cut with Trunc) from
// random text mixed with disputed clusters, and checks the line-width
// invariant: every terminal draws each cell, and so the row, in exactly
// the columns Width counted, n for Fit and at most n for Trunc; lipgloss
// agrees when ambiguous characters are narrow.
func FuzzRowWidth(f *testing.F) {
	f.Add([]byte{17, 30, 31, 2}, "好评👍\U0001f3fd 路灯修好了", uint8(9), false)
	f.Add([]byte{40, 41, 45, 50, 51}, "🇨🇳🇯🇵", uint8(5), true)
	f.Add([]byte{35, 36, 37, 38}, "👨\u200d👩\u200d👧 1\ufe0f\u20e3", uint8(3), false)
	f.Add([]byte{}, "", uint8(0), false)
	f.Fuzz(func(t *testing.T, picks []byte, raw string, nb uint8, amb bool) {
		if !utf8.ValidString(raw) {
			return
		}
		w := Width{AmbiguousWide: amb}
		s := fuzzRow(picks, raw)
		n := int(nb % 64)
		for _, tail := range []string{"", "…", "~"} {
			check := func(what, out string, exact bool) {
				least, most := termColumns(out, amb)
				if least != most {
					t.Fatalf("%s(%q, %d, %q) = %q: terminals draw it in %d to %d columns", what, s, n, tail, out, least, most)
				}
				if got := w.Of(out); got != most {
					t.Fatalf("%s(%q, %d, %q) = %q: Of says %d, terminals draw %d", what, s, n, tail, out, got, most)
				}
				if most > n || (exact && most != n) {
					t.Fatalf("%s(%q, %d, %q) = %q: %d columns", what, s, n, tail, out, most)
				}
				if !amb && ansi.StringWidth(out) != most {
					t.Fatalf("%s(%q, %d, %q) = %q: lipgloss says %d, terminals draw %d", what, s, n, tail, out, ansi.StringWidth(out), most)
				}
			}
			check("Fit", w.Fit(s, n, tail), true)
			check("Trunc", w.Trunc(s, n, tail), false)
			if tail == "" {
				check("FitRight", w.FitRight(s, n), true)
			}
		}
		// Of counts what the console writes for s.
		shown := w.Trunc(s, w.Of(s)+1, "")
		if least, most := termColumns(shown, amb); least != most || most != w.Of(s) {
			t.Fatalf("Of(%q) = %d, but the console writes %q, drawn in %d to %d columns", s, w.Of(s), shown, least, most)
		}
		// A row of cells, as the queue lays one out.
		cols := []int{3, 9, n % 11, 8, n, 12}
		var row strings.Builder
		row.WriteString(" ")
		for i, c := range cols {
			if i > 0 {
				row.WriteString(" ")
			}
			cell := s
			if i%2 == 1 {
				cell = string([]rune(s)[len([]rune(s))/2:]) // starting anywhere, even inside a cluster
			}
			row.WriteString(w.Fit(cell, c, "…"))
		}
		want := len(cols)
		for _, c := range cols {
			want += max(c, 0)
		}
		if least, most := termColumns(row.String(), amb); least != most || most != want || w.Of(row.String()) != want {
			t.Fatalf("row %q: terminals draw %d to %d columns, Of says %d, the columns make %d", row.String(), least, most, w.Of(row.String()), want)
		}
	})
}

// FuzzStyledText: a line that carries colour (a text input's view, its
// cursor set on any code point, a cluster split by a style) is written in
// the same form as its plain text, so the painter's measure of the plain
// text (ofStyled) is what the terminal draws.
func FuzzStyledText(f *testing.F) {
	f.Add([]byte{17, 30, 31, 2}, uint8(1))
	f.Add([]byte{35, 36, 37, 38, 44}, uint8(3))
	f.Fuzz(func(t *testing.T, picks []byte, at uint8) {
		w := Width{}
		rs := []rune(fuzzRow(picks, ""))
		i := 0
		if len(rs) > 0 {
			i = int(at) % len(rs)
		}
		var styled string
		if len(rs) > 0 {
			styled = string(rs[:i]) + "\x1b[7m" + string(rs[i]) + "\x1b[0m" + string(rs[i+1:])
		}
		out := w.shown(styled)
		plain := ansi.Strip(out)
		if plain != w.shown(ansi.Strip(styled)) {
			t.Fatalf("styled %q is written %q, its plain text %q", styled, plain, w.shown(ansi.Strip(styled)))
		}
		if least, most := termColumns(plain, false); least != most || most != w.Of(ansi.Strip(styled)) {
			t.Fatalf("styled %q: terminals draw %d to %d columns, Of of its plain text says %d", styled, least, most, w.Of(ansi.Strip(styled)))
		}
	})
}
