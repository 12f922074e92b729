package ui

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// townsPane is a room above the towns' first pane: one row per town of the
// room with its open and red incidents, escalations in the last hour, the
// pass-on median of the last day (the store's figures, as the header's once
// turned to the town), and its wartime. The towns that need the room come
// first (townsOrder); the cursor stays on its town as the order changes.
// Enter turns the room to the town under the cursor.
type townsPane struct {
	c *common
	listWindow
	sel           model.NodeCode // the town under the cursor, wherever the order puts it
	width, height int
}

func newTownsPane(c *common) *townsPane { return &townsPane{c: c} }

// towns are the room's towns, in code order.
func (t *townsPane) towns() []model.Node { return t.c.townList }

func (t *townsPane) SetSize(w, h int) { t.width, t.height = w, max(h, 1); t.clamp() }

func (t *townsPane) clamp() { t.clampTo(len(t.towns()), t.height) }

// Update: the keys move the cursor (enter is asks') from the town it is on.
func (t *townsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if msg, ok := msg.(tea.KeyMsg); ok && !key.Matches(msg, t.c.keys.Open) {
		rows := t.rows()
		t.keepOn(rows)
		t.cursor += t.c.keys.step(msg)
		t.clamp()
		if t.cursor < len(rows) {
			t.sel = rows[t.cursor].town.Code
		}
	}
	return t, nil
}

// keepOn keeps the table where the officer left it as the order changes:
// the window does not scroll (the towns that need the room stay at the
// top), and the cursor follows the town the officer chose (sel: set by
// moving the cursor; none, the cursor keeps its row) while that town is
// in the window; a chosen town that left it gives way to the town now
// under the cursor, so that enter never opens a town off screen.
func (t *townsPane) keepOn(rows []townRow) {
	if t.sel != "" {
		i := slices.IndexFunc(rows, func(r townRow) bool { return r.town.Code == t.sel })
		if i >= t.offset && i < t.offset+t.height {
			t.cursor = i
		}
	}
	t.offset = max(min(t.offset, len(rows)-t.height), 0)
	t.cursor = max(min(t.cursor, t.offset+t.height-1, len(rows)-1), t.offset)
	if t.sel != "" && t.cursor < len(rows) {
		t.sel = rows[t.cursor].town.Code
	}
}

// asks: enter turns the room to the town under the cursor.
func (t *townsPane) asks(msg tea.KeyMsg) tea.Msg {
	if !key.Matches(msg, t.c.keys.Open) {
		return nil
	}
	rows := t.rows()
	t.keepOn(rows)
	if t.cursor < len(rows) {
		return focusTownMsg{town: rows[t.cursor].town.Code}
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

// townRow is a row of the table: a town, its figures and its cells (cut: a
// federated town whose link is cut).
type townRow struct {
	town  model.Node
	fig   townFigures
	cells [townColCount]string
	cut   bool
}

// rows are the room's towns in the table's order (townsOrder).
func (t *townsPane) rows() []townRow {
	towns := t.towns()
	figs := townRows(t.c, towns)
	out := make([]townRow, len(towns))
	for i, tn := range towns {
		cells, cut := townCells(t.c, tn.Code, figs[i])
		out[i] = townRow{town: tn, fig: figs[i], cells: cells, cut: cut}
	}
	slices.SortFunc(out, townsOrder)
	return out
}

// townsOrder orders the towns table: the towns that need the room first —
// in wartime, then by red (overdue) incidents, then by open ones, then a
// cut link — and the others after them; ties, and every quiet town, in
// code order, so the order is the same from one refresh to the next while
// the figures are.
func townsOrder(a, b townRow) int {
	if aw, bw := a.fig.wartime != "", b.fig.wartime != ""; aw != bw {
		return firstIf(aw)
	}
	if c := cmp.Compare(b.fig.red, a.fig.red); c != 0 {
		return c
	}
	if c := cmp.Compare(b.fig.open, a.fig.open); c != 0 {
		return c
	}
	if a.cut != b.cut {
		return firstIf(a.cut)
	}
	return strings.Compare(string(a.town.Code), string(b.town.Code))
}

// firstIf is -1 when the row that has it comes first, 1 when the other does.
func firstIf(first bool) int {
	if first {
		return -1
	}
	return 1
}

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

// View draws the table in its order, the cursor kept (keepOn).
func (t *townsPane) View() string {
	c, pt := t.c, &t.c.p
	rows := t.rows()
	t.keepOn(rows)
	head := [townColCount]string{pt.lab.Open, pt.lab.Red, pt.lab.EscPerHour, pt.lab.ColPassOn, pt.lab.ColWartime, pt.lab.ColBehind, pt.lab.ColLink}
	cols := newTownColumns(pt, t.width-2, len(c.fed) > 0, pt.lab.ColTown, head, rows)
	lines := []string{pt.st.ColumnHead.Render(" " + cols.row(pt.lab.ColTown, head))}
	focused := c.focused(paneTowns)
	for i := t.offset; i < len(rows) && len(lines) <= t.height; i++ {
		r := rows[i]
		line := cols.row(r.town.Name, r.cells)
		switch {
		case i == t.cursor && focused:
			line = pt.st.Selected.Render(pt.g.Cursor + line)
		case i == t.cursor:
			line = pt.st.CursorIdle.Render(pt.g.Cursor + line)
		case r.fig.red > 0 || r.fig.wartime != "" || r.cut:
			line = pt.st.Overdue.Render(" " + line)
		default:
			line = " " + line
		}
		lines = append(lines, line)
	}
	return pt.box(t.Title(), fmt.Sprint(len(rows)), lines, t.width, t.height+3, focused)
}

// townsHeight is the height of the towns table's box in a body of body
// rows whose panes below it keep at least rest: the whole table when it
// fits so, else two fifths of the body (a room of many towns scrolls).
func townsHeight(body, rest, towns int) int {
	if need := towns + 3; need <= body-rest { // the borders and the column head
		return need
	}
	return body * 2 / 5
}

// The rows the panes below the towns table keep at least: the queue and
// the ticker; in wartime the directive too.
const (
	townsRestPeace   = 14
	townsRestWartime = 21
)

// The towns table's columns after the town's name.
const (
	townColOpen = iota
	townColRed
	townColEsc
	townColPassOn
	townColWartime
	townColBehind // with federation: the events the hub does not have yet
	townColLink   // with federation: the link, up or cut since when (fedCells)
	townColCount
)

// townColumns are the columns the towns table shows at its width: open,
// red, esc/h, pass-on and wartime, with federation the events behind and
// the link after them. Each column is as wide as its header and its widest
// cell (never cutting either: 升级/时 once read 升级/), narrower numbers
// below 60 columns; where the name would then be cut, pass-on and then
// esc/h give way (figures a cut link leaves stale), so the name keeps its
// room.
type townColumns struct {
	p      *painter
	nameW  int
	cols   []int // townCol*, in order
	widths []int
}

// townNameRoom is the most a town's name asks of the table before the
// columns give way to it.
const townNameRoom = 10

func newTownColumns(p *painter, inner int, fed bool, nameHead string, head [townColCount]string, rows []townRow) townColumns {
	num, wide := 6, 8
	if inner < 60 {
		num, wide = 5, 7
	}
	width := [townColCount]int{num, num, num, wide, wide, num, wide}
	nameMin := p.w.Of(nameHead)
	for c := range width {
		width[c] = max(width[c], p.w.Of(head[c]))
	}
	for _, r := range rows {
		for c := range width {
			width[c] = max(width[c], p.w.Of(r.cells[c]))
		}
		nameMin = max(nameMin, min(p.w.Of(r.town.Name), townNameRoom))
	}
	cols := []int{townColOpen, townColRed, townColEsc, townColPassOn, townColWartime}
	if fed {
		cols = append(cols, townColBehind, townColLink)
	}
	used := func(cols []int) int {
		n := 1
		for _, c := range cols {
			n += width[c] + 1
		}
		return n
	}
	for _, drop := range []int{townColPassOn, townColEsc} {
		if inner-used(cols) >= nameMin {
			break
		}
		cols = slices.DeleteFunc(cols, func(c int) bool { return c == drop })
	}
	t := townColumns{p: p, cols: cols, nameW: max(inner-used(cols), 1)}
	for _, c := range cols {
		t.widths = append(t.widths, width[c])
	}
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
	cells[townColBehind], cells[townColLink], cut = c.fedCells(town)
	return cells, cut
}
