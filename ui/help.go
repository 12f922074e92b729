package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// helpPane shows every key, in groups side by side as the width allows,
// and the ':' commands; on a small terminal it scrolls.
type helpPane struct {
	scrollPane
	groups        [][]key.Binding
	commands      string // the ':' commands, from the command table
	aliases       string // their other words, "名册=roster", from the same table
	offset        int
	width, height int
}

// showHelpMsg: the help shows these groups (the focused pane's full help);
// top scrolls it back to the top.
type showHelpMsg struct {
	groups [][]key.Binding
	top    bool
}

func newHelpPane(c *common, commands, aliases string) *helpPane {
	return &helpPane{scrollPane: scrollPane{c}, commands: commands, aliases: aliases, groups: c.keys.FullHelp()}
}

func (h *helpPane) SetSize(w, hh int) { h.width, h.height = w, hh }

func (h *helpPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case showHelpMsg:
		h.groups = msg.groups
		if msg.top {
			h.offset = 0
		}
	case tea.KeyMsg:
		total := len(h.lines())
		h.offset = scrolled(h.offset, h.c.keys.step(msg), total, h.height-2)
	}
	return h, nil
}

func (h *helpPane) Title() string { return h.c.p.lab.Help }

func (h *helpPane) View() string {
	lines := h.lines()
	right := "? / esc"
	if len(lines) > h.height-2 {
		right = "j/k  " + right // more below (or above): it scrolls
		lines = lines[min(h.offset, len(lines)):]
	}
	return h.c.p.box(h.Title(), right, lines, h.width, h.height, true)
}

// lines are the help's lines: the key groups side by side, the legend, then
// the : commands and their aliases.
func (h *helpPane) lines() []string {
	inner := h.width - 2
	out := append([]string{""}, h.keyRows(inner)...)
	out = append(out, h.legend(inner)...)
	out = append(out, "")
	out = append(out, h.commandList(inner)...)
	if len(out) > h.height-2 {
		out = out[1:] // the blank line on top gives way before the commands do
	}
	return out
}

// helpKeyW is the least width of a key in the help's columns.
const helpKeyW = 10

// keyRows are the key groups side by side, as many as fit with each column
// as wide as its longest line (a key and its words, whole); the rest below,
// a blank line after each row of groups. A group wider than the pane wraps
// its words, alone on its row.
func (h *helpPane) keyRows(inner int) []string {
	p := &h.c.p
	keyW := helpKeyW
	for _, g := range h.groups {
		for _, b := range g {
			keyW = max(keyW, p.w.Of(b.Help().Key))
		}
	}
	var out []string
	for _, row := range h.packed(inner, keyW) {
		cols := make([][]string, len(row.groups))
		lines := 0
		for i, g := range row.groups {
			cols[i] = h.keyColumn(g, keyW, row.widths[i]-keyW-2)
			lines = max(lines, len(cols[i]))
		}
		for r := range lines {
			var b strings.Builder
			for i, col := range cols {
				if r < len(col) {
					b.WriteString(col[r])
				} else {
					b.WriteString(strings.Repeat(" ", row.widths[i]))
				}
			}
			out = append(out, p.padStyled(b.String(), inner))
		}
		out = append(out, "")
	}
	return out
}

// helpRow is a row of key groups and the widths of their columns.
type helpRow struct {
	groups [][]key.Binding
	widths []int
}

// packed lays the groups out in rows, in order, as many on a row as fit
// inner: a column is a key, its longest words and a gap of two; the room
// left over is shared out between a row's columns.
func (h *helpPane) packed(inner, keyW int) []helpRow {
	p := &h.c.p
	var rows []helpRow
	var row helpRow
	used := 0
	for _, g := range h.groups {
		w := 0
		for _, b := range g {
			w = max(w, p.w.Of(b.Help().Desc))
		}
		w = min(1+keyW+1+w+2, inner)
		if len(row.groups) > 0 && used+w > inner {
			rows, row, used = append(rows, row), helpRow{}, 0
		}
		row.groups, row.widths, used = append(row.groups, g), append(row.widths, w), used+w
	}
	if len(row.groups) > 0 {
		rows = append(rows, row)
	}
	for _, r := range rows {
		used := 0
		for _, w := range r.widths {
			used += w
		}
		for i := range r.widths {
			r.widths[i] += (inner - used) / len(r.widths)
		}
	}
	return rows
}

// keyColumn is a group as lines of its column: a key and its words, the
// words wrapped at spaces (never cut) under themselves when the column is
// narrower than they are.
func (h *helpPane) keyColumn(g []key.Binding, keyW, descW int) []string {
	p := &h.c.p
	var col []string
	for _, b := range g {
		hb := b.Help()
		for i, d := range wordWrap(p.w, hb.Desc, descW) {
			k := ""
			if i == 0 {
				k = hb.Key
			}
			col = append(col, " "+p.st.Key.Render(p.w.Fit(k, keyW, ""))+" "+p.st.KeyDesc.Render(p.w.Fit(d, descW, p.g.More)))
		}
	}
	return col
}

// legend is what the console's marks mean, dim.
func (h *helpPane) legend(inner int) []string {
	p := &h.c.p
	legend := wordWrap(p.w, p.lab.Legend, inner-2) // a column clear of the border, as the detail's text
	out := make([]string, 0, len(legend))
	for _, l := range legend {
		out = append(out, p.st.Dim.Render(" "+p.w.Fit(l, inner-1, p.g.More)))
	}
	return out
}

// commandList is the : commands, then their aliases, dim. Wrapped, not cut:
// the list is the only place the commands are named. The aliases come after
// them, below the fold on a small terminal.
func (h *helpPane) commandList(inner int) []string {
	p := &h.c.p
	cmds, aliases := h.commands+" (tab completes)  :replay times: 02:00, 2026-11-29 02:00, 2026-11-29T02:00", "aliases: "+h.aliases
	if p.lab.Lang == "zh" {
		cmds, aliases = h.commands+" （tab键补全）  :replay 时刻：02:00、2026-11-29 02:00、2026-11-29T02:00", "别名："+h.aliases
	}
	var out []string
	for _, l := range append(wordWrap(p.w, cmds, inner-2), wordWrap(p.w, aliases, inner-2)...) {
		out = append(out, p.st.Dim.Render(" "+p.w.Fit(l, inner-1, p.g.More)))
	}
	return out
}
