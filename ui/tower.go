package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// towerPane is the five-level tree, collapsible. Its cursor selects the node
// that scopes the incident queue.
type towerPane struct {
	c        *common
	expanded map[model.NodeCode]bool
	rows     []towerRow // the visible nodes, flattened
	listWindow
	width  int
	height int
}

type towerRow struct {
	code  model.NodeCode
	depth int
	kids  bool
}

func newTowerPane(c *common) *towerPane {
	return &towerPane{c: c, expanded: map[model.NodeCode]bool{}}
}

func (t *towerPane) SetSize(w, h int) {
	t.width, t.height = w, max(h, 1)
	t.clamp()
}

// flatten redoes the visible rows; only needed when the tree's shape or the
// expanded set changes.
func (t *towerPane) flatten(w *world) {
	keep := t.selected()
	if len(t.expanded) == 0 {
		for _, r := range w.tower.Roots {
			t.expanded[r] = true // towns open on start
		}
	}
	t.rows = t.rows[:0]
	var visit func(c model.NodeCode, d int)
	visit = func(c model.NodeCode, d int) {
		n := w.tower.Nodes[c]
		t.rows = append(t.rows, towerRow{code: c, depth: d, kids: n.HasChildren()})
		if t.expanded[c] {
			for _, k := range n.Children {
				visit(k, d+1)
			}
		}
	}
	for _, r := range w.tower.Roots {
		visit(r, 0)
	}
	t.cursor = 0
	for i, r := range t.rows {
		if r.code == keep {
			t.cursor = i
		}
	}
	t.clamp()
}

func (t *towerPane) selected() model.NodeCode {
	if t.cursor < 0 || t.cursor >= len(t.rows) {
		return ""
	}
	return t.rows[t.cursor].code
}

func (t *towerPane) move(d int) {
	t.cursor += d
	t.clamp()
}

func (t *towerPane) clamp() { t.clampTo(len(t.rows), t.height) }

// toggle opens or closes the node under the cursor; open=false on a leaf or
// closed node moves to its parent, as in a file tree.
func (t *towerPane) setOpen(w *world, open bool) {
	c := t.selected()
	if c == "" {
		return
	}
	if !open && !t.expanded[c] {
		for i, r := range t.rows {
			if r.code == c.Parent() {
				t.cursor = i
				t.clamp()
				return
			}
		}
		return
	}
	t.expanded[c] = open
	t.flatten(w)
}

// Update: the keys move through the tree and open and close its nodes; a
// new snapshot redoes the rows.
func (t *towerPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	w, k := &t.c.w, t.c.keys
	switch msg := msg.(type) {
	case loadedMsg:
		t.flatten(w)
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Open):
			t.setOpen(w, !t.expanded[t.selected()])
		case key.Matches(msg, k.Expand):
			t.setOpen(w, true)
		case key.Matches(msg, k.Collapse):
			t.setOpen(w, false)
		default:
			t.move(k.step(msg))
		}
	}
	return t, nil
}

// asks: enter on a town in a room above the towns turns the room to it.
func (t *towerPane) asks(msg tea.KeyMsg) tea.Msg {
	c := t.selected()
	if key.Matches(msg, t.c.keys.Open) && c.Level() == model.LevelTown && t.c.aboveTowns() {
		return focusTownMsg{town: c}
	}
	// Opening a node whose children are not read yet reads them.
	if n, ok := t.c.w.tower.Nodes[c]; ok && !n.Loaded() && !t.expanded[c] && key.Matches(msg, t.c.keys.Open, t.c.keys.Expand) {
		return loadChildrenMsg{node: c}
	}
	return nil
}

func (t *towerPane) Title() string { return t.c.p.lab.Tower }

func (t *towerPane) ShortHelp() []key.Binding {
	k := t.c.keys
	return []key.Binding{k.NextPane, k.Down, k.Open, k.Collapse, k.Expand, k.Command, k.New, k.Wartime, k.Help, k.Quit}
}

func (t *towerPane) FullHelp() [][]key.Binding { return t.c.keys.FullHelp() }

// compact shows a count in at most 5 columns: 1035, 15.1k, 222k, 1.9M,
// 18M. The bounds are where rounding would carry into a sixth column.
func compact(n int) string {
	switch {
	case n < 10000:
		return fmt.Sprint(n)
	case n < 99950:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	case n < 999500:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	case n < 9950000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0fM", float64(n)/1e6)
}

func (t *towerPane) View() string {
	p, w, focused := &t.c.p, &t.c.w, t.c.focused(paneTower)
	inner := t.width - 2
	const num = 5
	nameW := max(inner-1-3*(num+1), 4)
	lines := make([]string, 0, t.height+1)
	head := " " + p.w.Fit("", nameW, "") + " " + p.w.FitRight(p.lab.ColStaff, num) + " " +
		p.w.FitRight(p.lab.ColHouseholds, num) + " " + p.w.FitRight(p.lab.Open, num)
	lines = append(lines, p.st.ColumnHead.Render(head))
	for i := t.offset; i < len(t.rows) && i < t.offset+t.height; i++ {
		r := t.rows[i]
		n := w.tower.Nodes[r.code]
		mark := p.g.Leaf
		if r.kids {
			mark = p.g.Closed
			if t.expanded[r.code] {
				mark = p.g.Open
			}
		}
		lead := strings.Repeat(" ", min(r.depth, 4)) + mark + " "
		open := ""
		if n.Open > 0 {
			open = fmt.Sprint(n.Open)
		}
		nums := " " + p.w.FitRight(compact(n.Staff), num) + " " + p.w.FitRight(compact(n.Households), num) + " "
		name := p.towerName(lead, n.Node, nameW)
		if i == t.cursor {
			plain := p.g.Cursor + name + nums + p.w.FitRight(open, num)
			if focused {
				lines = append(lines, p.st.Selected.Render(plain))
			} else {
				lines = append(lines, p.st.CursorIdle.Render(plain))
			}
			continue
		}
		lines = append(lines, " "+p.st.Light[n.Worst].Render(name)+p.st.Dim.Render(nums)+p.st.Light[n.Worst].Render(p.w.FitRight(open, num)))
	}
	right := ""
	if c := t.selected(); c != "" {
		right = p.lab.Level[w.tower.Nodes[c].Level]
	}
	return p.box(t.Title(), right, lines, t.width, t.height+3, focused)
}

// generatedNames are the Chinese words of the names the importer gives
// the levels below a village ("01网格", importer.GridNode), with the
// English console's words for them.
var generatedNames = map[model.Level][2]string{
	model.LevelGrid:      {"网格", "grid"},
	model.LevelMicroGrid: {"微网格", "micro-grid"},
	model.LevelHousehold: {"包联组", "unit"},
}

// towerName is a tower row's label, lead (indent and mark) and the node's
// name, fitted to n columns. The English console says a generated name in
// English, "grid 01" for 01网格, and where that does not fit the word gives
// way before the number.
func (p *painter) towerName(lead string, nd model.Node, n int) string {
	words, ok := generatedNames[nd.Level]
	code := string(nd.Code)
	num := code[max(len(code)-2, 0):]
	if p.lab.Lang != "en" || !ok || nd.Name != num+words[0] {
		return p.w.Fit(lead+nd.Name, n, p.g.More)
	}
	word := words[1]
	if room := n - p.w.Of(lead) - 1 - len(num); p.w.Of(word) > room && room > p.w.Of(p.g.More) {
		word = p.w.Fit(word, room, p.g.More)
	}
	return p.w.Fit(lead+word+" "+num, n, p.g.More)
}
