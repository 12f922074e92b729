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

// helpKeyW is the width of a key in the help's columns.
const helpKeyW = 10

// keyRows are the key groups as many side by side as fit 24 columns each;
// the rest below, a blank line after each row of groups.
func (h *helpPane) keyRows(inner int) []string {
	p := &h.c.p
	groups := h.groups
	perRow := max(1, min(len(groups), inner/24))
	colW := inner / perRow
	descW := colW - helpKeyW - 2
	var out []string
	for start := 0; start < len(groups); start += perRow {
		row := groups[start:min(start+perRow, len(groups))]
		cols := make([][]string, len(row))
		lines := 0
		for i, g := range row {
			cols[i] = h.keyColumn(g, descW)
			lines = max(lines, len(cols[i]))
		}
		for r := 0; r < lines; r++ {
			var b strings.Builder
			for _, col := range cols {
				if r < len(col) {
					b.WriteString(col[r])
				} else {
					b.WriteString(strings.Repeat(" ", colW))
				}
			}
			out = append(out, p.padStyled(b.String(), inner))
		}
		out = append(out, "")
	}
	return out
}

// keyColumn is a group as lines of its column: a key and its words, wrapped
// at spaces (never cut) under the words.
func (h *helpPane) keyColumn(g []key.Binding, descW int) []string {
	p := &h.c.p
	var col []string
	for _, b := range g {
		hb := b.Help()
		for i, d := range wordWrap(p.w, hb.Desc, descW) {
			k := ""
			if i == 0 {
				k = hb.Key
			}
			col = append(col, " "+p.st.Key.Render(p.w.Fit(k, helpKeyW, ""))+" "+p.st.KeyDesc.Render(p.w.Fit(d, descW, p.g.More)))
		}
	}
	return col
}

// legend is what the console's marks mean, dim.
func (h *helpPane) legend(inner int) []string {
	p := &h.c.p
	legend := wordWrap(p.w, p.lab.Legend, inner-1)
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
	cmds, aliases := h.commands+" (tab completes)", "aliases: "+h.aliases
	if p.lab.Lang == "zh" {
		cmds, aliases = h.commands+" （tab键补全）", "别名："+h.aliases
	}
	var out []string
	for _, l := range append(wordWrap(p.w, cmds, inner-1), wordWrap(p.w, aliases, inner-1)...) {
		out = append(out, p.st.Dim.Render(" "+p.w.Fit(l, inner-1, p.g.More)))
	}
	return out
}
