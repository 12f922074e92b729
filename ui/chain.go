package ui

import (
	"fmt"
	"time"

	"gridcmd/model"
)

// chainPane shows the command chain: for each tier the incidents waiting
// there, the oldest wait and how many are red.
type chainPane struct {
	width, height int
}

func (c *chainPane) SetSize(w, h int) { c.width, c.height = w, h }

// chainHeight is the pane's height: the tiers, a column head and borders.
const chainHeight = 4 + 1 + 2

func (c *chainPane) View(p painter, f incidentFigures, now time.Time, focused bool) string {
	inner := c.width - 2
	num := min(7, (inner-1-8)/3-1) // narrow the numbers before the labels
	labelW := inner - 1 - 3*(num+1)
	row := func(label, a, b, d string) string {
		return " " + p.w.Fit(label, labelW, p.g.More) + " " + p.w.FitRight(a, num) + " " + p.w.FitRight(b, num) + " " + p.w.FitRight(d, num)
	}
	lines := []string{p.st.ColumnHead.Render(row(p.lab.ColTier, p.lab.ColWaiting, p.lab.ColOldest, p.lab.ColRed))}
	for _, t := range f.tiers {
		oldest := ""
		if t.waiting > 0 {
			oldest = model.FormatWait(now.Sub(t.since))
		}
		line := row(p.lab.Tier[t.tier], fmt.Sprint(t.waiting), oldest, fmt.Sprint(t.red))
		if t.red > 0 {
			line = p.st.Overdue.Render(line)
		}
		lines = append(lines, line)
	}
	return p.box(p.lab.Chain, "", lines, c.width, c.height, focused)
}
