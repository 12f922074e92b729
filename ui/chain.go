package ui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// chainPane shows the command chain: for each tier the incidents waiting
// there, the oldest wait and how many are red. Its cursor picks a tier;
// enter shows the queue of what waits there.
type chainPane struct {
	mainPane
	paneSize
	cursor int
}

func newChainPane(c *common) *chainPane { return &chainPane{mainPane: mainPane{c}} }

// chainHeight is the pane's height: the tiers, a column head and borders.
const chainHeight = 4 + 1 + 2

func (p *chainPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if msg, ok := msg.(tea.KeyMsg); ok {
		p.cursor = max(min(p.cursor+p.c.keys.step(msg), len(model.Tiers)-1), 0)
	}
	return p, nil
}

// asks: enter filters the queue to the tier under the cursor.
func (p *chainPane) asks(msg tea.KeyMsg) tea.Msg {
	if key.Matches(msg, p.c.keys.Open) {
		return filterTierMsg{model.Tiers[p.cursor]}
	}
	return nil
}

func (p *chainPane) Title() string { return p.c.p.lab.Chain }

func (p *chainPane) View() string {
	c, pt := p.c, &p.c.p
	f := c.w.inc
	inner := p.width - 2
	num := min(7, (inner-1-8)/3-1) // narrow the numbers before the labels
	labelW := inner - 1 - 3*(num+1)
	row := func(label, a, b, d string) string {
		return " " + pt.w.Fit(label, labelW, pt.g.More) + " " + pt.w.FitRight(a, num) + " " + pt.w.FitRight(b, num) + " " + pt.w.FitRight(d, num)
	}
	lines := []string{pt.st.ColumnHead.Render(row(pt.lab.ColTier, pt.lab.ColWaiting, pt.lab.ColOldest, pt.lab.ColRed))}
	focused := c.focused(paneChain)
	for i, t := range f.tiers {
		oldest := ""
		if t.waiting > 0 {
			oldest = c.wait(c.now.Sub(t.since))
		}
		line := row(pt.lab.Tier[t.tier], fmt.Sprint(t.waiting), oldest, fmt.Sprint(t.red))
		switch {
		case i == p.cursor && focused:
			line = pt.st.Selected.Render(pt.g.Cursor + line[1:])
		case t.red > 0:
			line = pt.st.Overdue.Render(line)
		}
		lines = append(lines, line)
	}
	return pt.box(p.Title(), "", lines, p.width, p.height, focused)
}
