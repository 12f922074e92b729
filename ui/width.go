package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"

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

// wordWrap breaks s into lines of at most n columns, each in its written
// form (see Width), and loses nothing but the spaces where it breaks.
// Spaces inside a line are kept; "\n" ends a line. A word (what lies
// between spaces) that fits a line is never broken: it moves to the next
// line whole, so a phone number, an id, "（tab键补全）" or "交接班=handover"
// stay whole. A word wider than a line (Chinese prose, which has no
// spaces) fills the line and breaks next to a wide (Han) character where
// the Unicode line breaking rules (UAX #14) allow, never before a closing
// mark (，。）); a run with nowhere to break (Latin letters, digits, a
// path) is broken at the line's edge, on a line of its own. One line at
// least; none when n < 1.
func wordWrap(w Width, s string, n int) []string {
	if n < 1 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(w.shown(s), "\n") {
		b := wrapper{w: w, n: n}
		for _, word := range words(strings.TrimSuffix(para, "\r")) {
			if w.of(strings.TrimRight(word, " ")) <= n {
				b.add(word)
				continue
			}
			for _, piece := range w.pieces(word) {
				b.add(piece)
			}
		}
		if b.line.Len() > 0 || len(b.out) == 0 {
			b.flush()
		}
		out = append(out, b.out...)
	}
	return out
}

// phraseWrap is wordWrap for a sentence (a form's refusal): every line
// filled, Chinese broken between its characters where UAX #14 allows, not
// only in a word wider than a line; and a quotation ("渎溪村 / 03",
// 「…」, “…”) never broken, its spaces included: it moves to the next
// line whole when it fits one, and what follows it stays beside it.
func phraseWrap(w Width, s string, n int) []string {
	if n < 1 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(w.shown(s), "\n") {
		b := wrapper{w: w, n: n}
		for _, piece := range w.phrases(strings.TrimSuffix(para, "\r")) {
			b.add(piece)
		}
		if b.line.Len() > 0 || len(b.out) == 0 {
			b.flush()
		}
		out = append(out, b.out...)
	}
	return out
}

// phrases splits s where phraseWrap may break it: after spaces, and next
// to a wide character where UAX #14 allows (pieces); never inside a
// quotation (quotations).
func (w Width) phrases(s string) []string {
	quoted := quotations(s)
	inside := func(at int) bool {
		for _, q := range quoted {
			if at > q[0] && at < q[1] {
				return true
			}
		}
		return false
	}
	var out []string
	start, at := 0, 0
	for _, word := range words(s) {
		for _, piece := range w.pieces(word) {
			at += len(piece)
			if !inside(at) {
				out, start = append(out, s[start:at]), at
			}
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// quotations are the byte ranges of s's quotations, each from its opening
// mark to the end of its closing one: "…" (ASCII, paired in turn), 「…」,
// 『…』, “…” and 《…》. A mark that no closing one follows opens none.
func quotations(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		var closing rune
		switch r {
		case '"':
			closing = '"'
		case '「':
			closing = '」'
		case '『':
			closing = '』'
		case '“':
			closing = '”'
		case '《':
			closing = '》'
		default:
			continue
		}
		if j := strings.IndexRune(s[i:], closing); j >= 0 {
			end := i + j + utf8.RuneLen(closing)
			out = append(out, [2]int{i - n, end})
			i = end
		}
	}
	return out
}

// wrapper is wordWrap's paragraph under way: the lines done and the one
// being filled.
type wrapper struct {
	w    Width
	n    int
	out  []string
	line strings.Builder
	used int // the line's columns, its trailing spaces included
}

// add puts piece on the line, or on the next one when it does not fit; a
// piece wider than a line is broken at the line's edge.
func (b *wrapper) add(piece string) {
	word := strings.TrimRight(piece, " ")
	switch {
	case b.line.Len() == 0 || b.used+b.w.of(word) <= b.n:
	case strings.TrimLeft(b.line.String(), " ") == "":
		// Leading spaces that leave the word no room: dropped, not a
		// blank line of their own.
		b.line.Reset()
		b.used = 0
	default:
		b.flush()
	}
	for b.line.Len() == 0 && b.w.of(word) > b.n {
		head := b.w.edge(word, b.n)
		b.out = append(b.out, head)
		word, piece = word[len(head):], piece[len(head):]
	}
	b.line.WriteString(piece)
	b.used += b.w.of(piece)
}

// flush ends the line, without its trailing spaces.
func (b *wrapper) flush() {
	b.out = append(b.out, strings.TrimRight(b.line.String(), " "))
	b.line.Reset()
	b.used = 0
}

// words splits s after every run of spaces; each word keeps the spaces
// after it.
func words(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(out, s)
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		out, s = append(out, s[:i]), s[i:]
	}
	return out
}

// pieces splits a word where a line may break inside it (see wordWrap):
// before or after a wide character, or after a tab, where UAX #14 allows.
func (w Width) pieces(s string) []string {
	var out []string
	start, state := 0, -1
	for rest := s; rest != ""; {
		var seg string
		seg, rest, _, state = uniseg.FirstLineSegmentInString(rest, state)
		last, _ := utf8.DecodeLastRuneInString(seg)
		next, _ := utf8.DecodeRuneInString(rest)
		if rest == "" || unicode.IsSpace(last) || wide(last) || wide(next) {
			end := len(s) - len(rest)
			out, start = append(out, s[start:end]), end
		}
	}
	return out
}

// wide reports whether r is an East Asian wide or fullwidth character: a
// Han character, kana, hangul, a fullwidth mark, most emoji.
func wide(r rune) bool {
	k := width.LookupRune(r).Kind()
	return k == width.EastAsianWide || k == width.EastAsianFullwidth
}

// edge is the longest head of s, whole clusters, at most n columns wide;
// one cluster at least, so that breaking s always moves on.
func (w Width) edge(s string, n int) string {
	if head := w.Trunc(s, n, ""); head != "" {
		return head
	}
	c, _, _, _ := w.cluster(s, -1)
	return c
}

// packed puts parts on lines of n cells, two spaces apart, as many on a
// line as fit: a part is never broken between lines (one wider than n is
// left to the caller's Fit).
func packed(w Width, parts []string, n int) []string {
	var out []string
	line := ""
	for _, s := range parts {
		switch {
		case line == "":
			line = s
		case w.Of(line)+2+w.Of(s) <= n:
			line += "  " + s
		default:
			out = append(out, line)
			line = s
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}
