package ui

import (
	"fmt"
	"sort"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// townsPane is a room above the towns' first pane: one row per town of the
// room with its open and red incidents, escalations in the last hour, the
// pass-on median of the last day (the store's figures, as the header's once
// turned to the town), and its wartime. Enter turns the
// room to the town under the cursor.
type townsPane struct {
	c *common
	listWindow
	width, height int
}

func newTownsPane(c *common) *townsPane { return &townsPane{c: c} }

// towns are the room's towns.
func (t *townsPane) towns() []model.Node { return t.c.townList }

func (t *townsPane) SetSize(w, h int) { t.width, t.height = w, max(h, 1); t.clamp() }

func (t *townsPane) clamp() { t.clampTo(len(t.towns()), t.height) }

// Update: the keys move the cursor (enter is asks').
func (t *townsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if msg, ok := msg.(tea.KeyMsg); ok && !key.Matches(msg, t.c.keys.Open) {
		t.cursor += t.c.keys.step(msg)
		t.clamp()
	}
	return t, nil
}

// asks: enter turns the room to the town under the cursor.
func (t *townsPane) asks(msg tea.KeyMsg) tea.Msg {
	if ts := t.towns(); key.Matches(msg, t.c.keys.Open) && t.cursor < len(ts) {
		return focusTownMsg{town: ts[t.cursor].Code}
	}
	return nil
}

func (t *townsPane) Title() string {
	return t.c.p.lab.Towns
}

func (t *townsPane) ShortHelp() []key.Binding {
	k := t.c.keys
	return []key.Binding{k.NextPane, k.Down, k.Open, k.Wartime, k.Command, k.Help, k.Quit}
}
func (t *townsPane) FullHelp() [][]key.Binding { return t.c.keys.FullHelp() }

// townFigures is one row of the towns table.
type townFigures struct {
	open, red, escLastHour int
	passOn                 time.Duration
	passOnN                int
	wartime                string // the activation's id, "" in peacetime
}

// townRows counts the figures of each town: open and red from the tower,
// wartime from its state, escalations and pass-on from the store's figures
// (from the recent events until they are read, and in a replay).
func townRows(c *common, towns []model.Node) []townFigures {
	out := make([]townFigures, len(towns))
	at := make(map[model.NodeCode]int, len(towns))
	for i, tn := range towns {
		at[tn.Code] = i
		if n, ok := c.w.tower.Nodes[tn.Code]; ok {
			out[i].open, out[i].red = n.Open, n.Red
		}
	}
	for _, a := range c.wt.status.Towns {
		for _, s := range a.Scope {
			if i, ok := at[s.Town()]; ok {
				out[i].wartime = a.ID
			}
		}
	}
	hourAgo := c.now.Add(-time.Hour)
	y, mo, d := c.now.In(c.loc).Date()
	midnight := time.Date(y, mo, d, 0, 0, 0, 0, c.loc)
	passOn := make([][]time.Duration, len(towns))
	for _, e := range c.w.events {
		if e.At.Before(midnight) && e.At.Before(hourAgo) {
			break // newest first
		}
		i, ok := at[e.Node.Town()]
		if !ok || e.Action != model.ActEscalate {
			continue
		}
		if e.At.After(hourAgo) {
			out[i].escLastHour++
		}
		if e.Before.Tier == model.TierGrid && e.Actor != model.System && !e.At.Before(midnight) {
			if inc, ok := c.w.get(e.IncidentSeq); ok {
				passOn[i] = append(passOn[i], e.At.Sub(inc.ReportedAt))
			}
		}
	}
	for i, ds := range passOn {
		if len(ds) > 0 {
			sort.Slice(ds, func(a, b int) bool { return ds[a] < ds[b] })
			out[i].passOn, out[i].passOnN = ds[len(ds)/2], len(ds)
		}
	}
	storedFigures(c, towns, out)
	return out
}

// storedFigures puts the store's figures of each town, where the console
// has read them, over those counted from its recent events: the same
// figures as the header's and stats' once turned to the town (the events
// on screen are only the file's newest).
func storedFigures(c *common, towns []model.Node, out []townFigures) {
	for i, tn := range towns {
		if f, ok := c.townFig[tn.Code]; ok {
			out[i].escLastHour, out[i].passOn, out[i].passOnN = f.EscalationsLastHour, f.PassOnP50, f.PassOnReports
		}
	}
}

func (t *townsPane) View() string {
	c, pt := t.c, &t.c.p
	towns := t.towns()
	rows := townRows(c, towns)
	cols := newTownColumns(pt, t.width-2, len(c.fed) > 0)
	head := [townColCount]string{pt.lab.Open, pt.lab.Red, pt.lab.EscPerHour, pt.lab.ColPassOn, pt.lab.ColWartime, pt.lab.ColBehind, pt.lab.ColLag}
	lines := []string{pt.st.ColumnHead.Render(" " + cols.row(pt.lab.ColTown, head))}
	focused := c.focused(paneTowns)
	for i := t.offset; i < len(towns) && len(lines) <= t.height; i++ {
		cells, cut := townCells(c, towns[i].Code, rows[i])
		line := cols.row(towns[i].Name, cells)
		switch {
		case i == t.cursor && focused:
			line = pt.st.Selected.Render(pt.g.Cursor + line)
		case i == t.cursor:
			line = pt.st.CursorIdle.Render(pt.g.Cursor + line)
		case rows[i].red > 0 || rows[i].wartime != "" || cut:
			line = pt.st.Overdue.Render(" " + line)
		default:
			line = " " + line
		}
		lines = append(lines, line)
	}
	return pt.box(t.Title(), fmt.Sprint(len(towns)), lines, t.width, t.height+3, focused)
}

// The towns table's columns after the town's name.
const (
	townColOpen = iota
	townColRed
	townColEsc
	townColPassOn
	townColWartime
	townColBehind // with federation: the events the hub does not have yet
	townColLag    // with federation: the age of the newest it has, a cut link marked
	townColCount
)

// townColumns are the columns the towns table shows at its width: open,
// red, esc/h, pass-on and wartime, narrower numbers at 80 columns before
// the name is cut; with federation, the events behind and the lag after
// them, or at 80 columns in place of esc/h and pass-on (figures a cut link
// leaves stale), so the name keeps its room.
type townColumns struct {
	p      *painter
	nameW  int
	cols   []int // townCol*, in order
	widths []int
}

func newTownColumns(p *painter, inner int, fed bool) townColumns {
	num, wide := 6, 8
	if inner < 60 {
		num, wide = 5, 7
	}
	width := [townColCount]int{num, num, num, wide, wide, num, wide}
	t := townColumns{p: p, cols: []int{townColOpen, townColRed, townColEsc, townColPassOn, townColWartime}}
	switch {
	case fed && inner < 60:
		t.cols = []int{townColOpen, townColRed, townColBehind, townColLag, townColWartime}
	case fed:
		t.cols = append(t.cols, townColBehind, townColLag)
	}
	used := 1
	for _, c := range t.cols {
		t.widths = append(t.widths, width[c])
		used += width[c] + 1
	}
	t.nameW = max(inner-used, 1)
	return t
}

// row is one line of the table: the name, then the cells of its columns.
func (t townColumns) row(name string, cells [townColCount]string) string {
	line := t.p.w.Fit(name, t.nameW, t.p.g.More)
	for i, c := range t.cols {
		line += " " + t.p.w.FitRight(cells[c], t.widths[i])
	}
	return line
}

// townCells are a town's cells; cut reports a federated town whose link
// is cut.
func townCells(c *common, town model.NodeCode, f townFigures) (cells [townColCount]string, cut bool) {
	pass := "-"
	if f.passOnN > 0 {
		pass = model.FormatWait(f.passOn)
	}
	wt := "-"
	if f.wartime != "" {
		wt = f.wartime
	}
	cells = [townColCount]string{fmt.Sprint(f.open), fmt.Sprint(f.red), fmt.Sprint(f.escLastHour), pass, wt}
	cells[townColBehind], cells[townColLag], cut = c.fedCells(town)
	return cells, cut
}
