package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// gapsPane lists the micro-grids in scope without a worker, each with the
// reserves who may be drafted into it (same grid first, then same village);
// enter drafts the first one listed.
type gapsPane struct {
	c             *common
	cursor        int
	offset        int
	width, height int
}

func newGapsPane(c *common) *gapsPane { return &gapsPane{c: c} }

type gapRow struct {
	micro      model.NodeCode
	candidates []model.Person
}

func (g *gapsPane) SetSize(w, h int) { g.width, g.height = w, max(h, 1) }

// gapRows is every micro-grid in scope without a worker, with the reserves
// model's rule ranks for it (model.ReserveCandidates).
func gapRows(w *world, wt wartime) []gapRow {
	drafted := model.Drafted(wt.status.Drafts)
	var out []gapRow
	for _, u := range wt.status.Units {
		if u.Worker != 0 {
			continue
		}
		out = append(out, gapRow{micro: u.MicroGrid, candidates: model.ReserveCandidates(u.MicroGrid, w.people, drafted)})
	}
	return out
}

func (g *gapsPane) move(d, n int) {
	g.cursor = max(min(g.cursor+d, n-1), 0)
	if g.cursor < g.offset {
		g.offset = g.cursor
	}
	if g.cursor >= g.offset+g.height {
		g.offset = g.cursor - g.height + 1
	}
}

func (g *gapsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		g.cursor, g.offset = 0, 0
	case wartimeLoadedMsg:
		g.move(0, len(gapRows(&g.c.w, g.c.wt)))
	case tea.KeyMsg:
		g.move(g.c.keys.step(msg), len(gapRows(&g.c.w, g.c.wt)))
	}
	return g, nil
}

// asks: enter drafts the first reserve of the gap under the cursor, or
// says why there is none.
func (g *gapsPane) asks(msg tea.KeyMsg) tea.Msg {
	if !key.Matches(msg, g.c.keys.Open) {
		return nil
	}
	rows := gapRows(&g.c.w, g.c.wt)
	g.move(0, len(rows))
	if g.cursor >= len(rows) {
		return refusedMsg{said(model.ECONFLICT, g.c.wl.NoGaps)}
	}
	r := rows[g.cursor]
	if len(r.candidates) == 0 {
		return refusedMsg{said(model.ECONFLICT, g.c.wl.NoCandidates)}
	}
	return draftMsg{person: r.candidates[0].ID, micro: r.micro}
}

func (g *gapsPane) Title() string             { return g.c.wl.Gaps }
func (g *gapsPane) ShortHelp() []key.Binding  { return g.c.overlayHelp() }
func (g *gapsPane) FullHelp() [][]key.Binding { return g.c.keys.FullHelp() }

func (g *gapsPane) View() string {
	p, l, w := &g.c.p, g.c.wl, &g.c.w
	rows := gapRows(w, g.c.wt)
	inner := g.width - 2
	var lines []string
	if len(rows) == 0 {
		lines = append(lines, p.st.Dim.Render(p.w.Fit(" "+l.NoGaps, inner, p.g.More)))
	}
	for i := g.offset; i < len(rows) && len(lines) < g.height; i++ {
		r := rows[i]
		var names []string
		for _, c := range r.candidates {
			kind := c.Reserve.Zh()
			if p.lab.Lang == "en" {
				kind = string(c.Reserve)
			}
			names = append(names, c.Name+"("+kind+")")
		}
		cand := strings.Join(names, " ")
		if len(names) == 0 {
			cand = l.NoCandidates
		}
		text := p.w.Fit(w.names[r.micro], 18, p.g.More) + "  " + l.Candidates + ": " + cand
		text = p.w.Fit(text, inner-1, p.g.More)
		if i == g.cursor {
			lines = append(lines, p.st.Selected.Render(p.g.Cursor+text))
		} else {
			lines = append(lines, " "+text)
		}
	}
	hint := p.lab.Lang
	if hint == "zh" {
		hint = "enter 征调第一位储备力量  esc 返回"
	} else {
		hint = "enter drafts the first reserve listed  esc back"
	}
	return p.box(g.Title(), fmt.Sprint(len(rows)), append(lines, "", p.st.Dim.Render(p.w.Fit(" "+hint, inner, p.g.More))), g.width, g.height+4, true)
}
