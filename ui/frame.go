package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// painter carries what every pane draws with.
type painter struct {
	st  Styles
	g   Glyphs
	w   Width
	lab Labels
}

// ofStyled measures a string that may carry colour sequences.
func (p *painter) ofStyled(s string) int { return p.w.Of(ansi.Strip(s)) }

// padStyled pads a styled string with spaces to n columns (it never cuts:
// callers fit the plain text first).
func (p *painter) padStyled(s string, n int) string {
	s = p.w.shown(s) // a text input's view comes here unfitted
	if d := n - p.ofStyled(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// box draws a pane of exactly width x height cells: the title set in the top
// border (after the focus mark when focused), each line padded to the inner
// width, empty lines below. Lines
// must already fit the inner width (width-2); the box never measures twice.
func (p *painter) box(title, right string, lines []string, width, height int, focused bool) string {
	if width < 4 || height < 2 {
		return ""
	}
	room := p.rightRoom(title, width, focused)
	border, titleSt := p.st.Pane, p.st.PaneTitle
	if focused {
		// More than a colour: the mark reads in ASCII and on a terminal
		// without colours too.
		border, titleSt = p.st.PaneFocused, p.st.PaneTitleFocused
		title = p.g.Focus + " " + title
	}
	inner := width - 2
	var b strings.Builder
	// top: ╭ Title ─────── right ╮
	t := p.w.Trunc(title, inner-4, p.g.More)
	used := p.w.Of(t) + 2
	r, rr := "", 0
	if right != "" && room > 0 {
		r = p.w.Trunc(right, room, p.g.More)
		rr = p.w.Of(r) + 2
	}
	b.WriteString(border.Render(p.g.TL+p.g.H) + titleSt.Render(" "+t+" "))
	b.WriteString(border.Render(strings.Repeat(p.g.H, max(inner-2-used-rr, 0))))
	if r != "" {
		b.WriteString(p.st.Dim.Render(" " + r + " "))
	}
	b.WriteString(border.Render(p.g.H + p.g.TR))
	side := border.Render(p.g.V)
	blank := strings.Repeat(" ", inner)
	for i := 0; i < height-2; i++ {
		b.WriteByte('\n')
		b.WriteString(side)
		if i < len(lines) {
			b.WriteString(p.padStyled(lines[i], inner))
		} else {
			b.WriteString(blank)
		}
		b.WriteString(side)
	}
	b.WriteByte('\n')
	b.WriteString(border.Render(p.g.BL + strings.Repeat(p.g.H, inner) + p.g.BR))
	return b.String()
}

// rightRoom is how many columns box leaves its right text beside title
// in the top border of a pane width wide.
func (p *painter) rightRoom(title string, width int, focused bool) int {
	if focused {
		title = p.g.Focus + " " + title
	}
	inner := width - 2
	return inner - (p.w.Of(p.w.Trunc(title, inner-4, p.g.More)) + 2) - 5
}

// hjoin puts blocks side by side, line by line. Every block is drawn to an
// exact width, so nothing is measured or padded here (lipgloss's join would
// measure with its own width function and could disagree on ambiguous
// characters).
func hjoin(blocks ...string) string {
	split := make([][]string, len(blocks))
	n := 0
	for i, b := range blocks {
		split[i] = strings.Split(b, "\n")
		n = max(n, len(split[i]))
	}
	var out strings.Builder
	for l := 0; l < n; l++ {
		if l > 0 {
			out.WriteByte('\n')
		}
		for _, s := range split {
			if l < len(s) {
				out.WriteString(s[l])
			}
		}
	}
	return out.String()
}

// vjoin stacks blocks.
func vjoin(blocks ...string) string { return strings.Join(blocks, "\n") }
