package ui

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"gridcmd/model"
)

// The directive pane of a village's room (or of a directive to one
// village): a row per micro-grid of the village, the village room's work
// in wartime (the sketch's village room). Each row names the micro-grid
// within its village, its worker and phone (whom the room calls), when it
// signed (and whether the room signed for it: 代签), and its progress (done
// of the households it reported, else of its households); a
// silent unit whose silence has climbed is red, as the town's village rows
// are, a signed one green. b signs for the unit under the cursor on its
// behalf (askSignFor).

// byUnit reports whether the pane shows the directive's micro-grids, one
// row each: its units are one village's.
func byUnit(cur wtDirective) bool { return len(cur.sum.Villages) == 1 }

// unitCells is one micro-grid's row, unstyled, and its light: red for a
// silent unit whose silence has climbed (model.DirectiveUnit.Escalated),
// green once signed, LightNone while it may still sign in time.
type unitCells struct {
	name, worker, signed, done string
	light                      model.Light
}

// style is the style of a row of light l.
func (p *painter) unitStyle(l model.Light) lipgloss.Style {
	switch l {
	case model.LightRed:
		return p.st.Overdue
	case model.LightGreen:
		return p.st.Light[model.LightGreen]
	}
	return p.st.Text
}

// unitCellsOf is the row of each of the directive's units, in its order.
func (d *directivePane) unitCellsOf(cur wtDirective) []unitCells {
	p, l := &d.c.p, d.c.wl
	workers := d.workers()
	households := make(map[model.NodeCode]int, len(d.c.wt.status.Units))
	for _, u := range d.c.wt.status.Units {
		households[u.MicroGrid] = u.Households
	}
	out := make([]unitCells, 0, len(cur.units))
	for _, u := range cur.units {
		c := unitCells{name: d.unitName(u.Unit), signed: p.g.None, done: p.g.None}
		if who, known := workers[u.Unit]; known && who == "" {
			c.worker = l.Gap
		} else {
			c.worker = who
		}
		if u.Signed() {
			c.signed = u.SignedAt.In(d.c.loc).Format("15:04")
			if u.OnBehalf {
				c.signed += " " + l.OnBehalf // the README's word (on behalf): the worker's name gives way first
			}
		}
		if of := cmp.Or(u.Of, households[u.Unit]); of > 0 { // not reported yet: of its households
			c.done = fmt.Sprintf("%d/%d", u.Done, of)
		}
		switch {
		case u.Signed():
			c.light = model.LightGreen
		case u.Escalated != "":
			c.light = model.LightRed
		}
		out = append(out, c)
	}
	return out
}

// unitName is a micro-grid's name within its village: the console's name
// for it (model.DisplayNames) without the village's, "01-02".
func (d *directivePane) unitName(u model.NodeCode) string {
	w := &d.c.w
	return strings.TrimPrefix(w.microName(u), w.names[u.Village()]+" ")
}

// unitLines are the column heads (the village's name over its
// micro-grids) and a row per micro-grid in sight, the cursor's marked.
func (d *directivePane) unitLines(cur wtDirective, focused bool) []string {
	p, l := &d.c.p, d.c.wl
	cells := d.unitCellsOf(cur)
	village := d.c.w.names[cur.sum.Villages[0].Village]
	// signed holds a time (15:04) at least, so the columns stay put as units sign
	nameW, workW, signW, doneW := p.w.Of(village), p.w.Of(l.ColWorker), max(p.w.Of(l.ColSigned), 5), p.w.Of(l.ColDone)
	for _, c := range cells {
		nameW, workW = max(nameW, p.w.Of(c.name)), max(workW, p.w.Of(c.worker))
		signW, doneW = max(signW, p.w.Of(c.signed)), max(doneW, p.w.Of(c.done))
	}
	// The worker's cell gives way first: its name, then its phone
	// (fitWorker).
	workW = max(min(workW, d.width-2-1-nameW-signW-doneW-4), 4)
	nameW = min(nameW, max(d.width-2-1-workW-signW-doneW-4, 4))
	row := func(name, worker, signed, done string) string {
		return p.w.Fit(name, nameW, p.g.More) + " " + p.fitWorker(worker, workW) + " " +
			p.w.Fit(signed, signW, p.g.More) + " " + p.w.FitRight(done, doneW)
	}
	lines := []string{p.st.ColumnHead.Render(" " + p.w.Fit(row(village, l.ColWorker, l.ColSigned, l.ColDone), d.width-3, ""))}
	d.units.clampTo(len(cells), d.unitRows())
	for i := d.units.offset; i < len(cells) && i < d.units.offset+d.unitRows(); i++ {
		c := cells[i]
		text := p.w.Fit(row(c.name, c.worker, c.signed, c.done), d.width-3, p.g.More)
		switch {
		case i == d.units.cursor && focused:
			lines = append(lines, p.st.Selected.Render(p.g.Cursor+text))
		case i == d.units.cursor:
			lines = append(lines, p.st.CursorIdle.Render(p.g.Cursor+text))
		default:
			lines = append(lines, " "+p.unitStyle(c.light).Render(text))
		}
	}
	return lines
}

// fitWorker fits a worker's cell, "王丽 13800000000", to n columns: the
// name gives way before the phone (the number the room calls), which is
// cut only where it does not fit alone.
func (p *painter) fitWorker(who string, n int) string {
	i := strings.LastIndexByte(who, ' ')
	if p.w.Of(who) <= n || i < 0 || strings.Trim(who[i+1:], "0123456789+-") != "" {
		return p.w.Fit(who, n, p.g.More)
	}
	phone := who[i+1:]
	nameW := n - 1 - p.w.Of(phone)
	if nameW < p.w.Of(p.g.More)+1 {
		return p.w.Fit(who, n, p.g.More)
	}
	return p.w.Fit(p.w.Trunc(who[:i], nameW, p.g.More)+" "+phone, n, p.g.More)
}

// signForMsg asks the root to sign for directive id's micro-grid unit on
// its behalf (代签): askSignFor asks first, or refuses.
type signForMsg struct {
	id     string
	text   string // the directive's
	unit   model.DirectiveUnit
	worker string // "王丽 13800000000"
	gap    bool   // nobody on the micro-grid
	// own: the unit is the seat's own (directivePane.ownUnit): it signs as
	// itself, not on its behalf; progress: p, to report its progress.
	own, progress bool
}

// directiveSaysMsg: the directive pane has something to say on the status
// line about a key of its own that cannot do what it says (directivePane.asks),
// in either language; refused, as a refusal.
type directiveSaysMsg struct {
	en, zh  string
	refused bool
}

// asks: b on a micro-grid asks to sign for it on its behalf, on the
// seat's own unit to sign for it as itself, and p there to report its
// progress (ownAsks); [ and ], b that cannot, say why (a key that did
// nothing visible left the officer guessing); elsewhere the key is not the
// pane's.
func (d *directivePane) asks(msg tea.KeyMsg) tea.Msg {
	cur, ok := d.current()
	switch {
	case key.Matches(msg, d.uk.progress):
		return d.ownAsks(cur, ok)
	case !key.Matches(msg, d.dk.prev, d.dk.next, d.dk.behalf):
		return nil
	case !ok:
		l := d.c.wl.NoDirective // already in the console's language
		return directiveSaysMsg{en: l, zh: l}
	case !key.Matches(msg, d.dk.behalf):
		return d.atEnd(cur, key.Matches(msg, d.dk.next))
	case !byUnit(cur):
		return directiveSaysMsg{refused: true,
			en: fmt.Sprintf("%s lists its %d villages, not micro-grids: b signs only where the pane lists one village's micro-grids; here use gridcmd directive ack --unit", cur.d.ID, len(cur.sum.Villages)),
			zh: fmt.Sprintf("%s 按村列出（%d 个村），没有微网格行：b 只在窗格列出单个村的微网格时代签；此处请用 gridcmd directive ack --unit", cur.d.ID, len(cur.sum.Villages))}
	case len(cur.units) == 0:
		return nil
	}
	d.units.clampTo(len(cur.units), d.unitRows())
	u := cur.units[d.units.cursor]
	who, known := d.workers()[u.Unit]
	return signForMsg{id: cur.d.ID, text: cur.d.Text, unit: u, worker: who, gap: known && who == "", own: d.c.ownUnit(u.Unit)}
}

// atEnd says so where ] (older) or [ (newer) has nowhere to go: cur is the
// oldest, the newest, or the only directive; nil where it moves.
func (d *directivePane) atEnd(cur wtDirective, older bool) tea.Msg {
	n := len(d.c.wt.directives)
	switch {
	case n == 1:
		return directiveSaysMsg{en: cur.d.ID + " is the only directive", zh: cur.d.ID + " 是唯一一条指令"}
	case older && d.selected >= n-1:
		return directiveSaysMsg{en: fmt.Sprintf("%s is the oldest directive (%d/%d)", cur.d.ID, n, n),
			zh: fmt.Sprintf("%s 已是最早一条指令（%d/%d）", cur.d.ID, n, n)}
	case !older && d.selected <= 0:
		return directiveSaysMsg{en: fmt.Sprintf("%s is the newest directive (1/%d)", cur.d.ID, n),
			zh: fmt.Sprintf("%s 已是最新一条指令（1/%d）", cur.d.ID, n)}
	}
	return nil
}
