package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// directivePane shows one directive of the activation: a signed and a done
// bar per village, the silent units, and the totals; where its rows would
// be one village (a village's room, a directive to one village), a row per
// micro-grid of the village instead (units.go), with a cursor. [ and ] step
// through the directives, newest first.
type directivePane struct {
	c             *common
	dk            directiveKeys
	uk            ownUnitKeys // b and p on the seat's own unit (directive_own.go)
	selected      int         // the directive shown, in c.wt.directives
	shown         string      // its id, to find it again in the next state
	want          string      // a directive just issued: select it when it arrives
	offset        int
	units         listWindow // the cursor over the micro-grids (byUnit)
	width, height int
}

func newDirectivePane(c *common, lang string) *directivePane {
	return &directivePane{c: c, dk: newDirectiveKeys(lang), uk: newOwnUnitKeys(lang)}
}

func (d *directivePane) SetSize(w, h int) { d.width, d.height = w, max(h, 1) }

// current is the directive the pane shows.
func (d *directivePane) current() (wtDirective, bool) {
	ds := d.c.wt.directives
	if d.selected < 0 || d.selected >= len(ds) {
		return wtDirective{}, false
	}
	return ds[d.selected], true
}

func (d *directivePane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		n := len(d.c.wt.directives)
		switch {
		case key.Matches(msg, d.dk.next): // older; at the oldest asks says so
			d.selected = max(min(d.selected+1, n-1), 0)
		case key.Matches(msg, d.dk.prev): // newer
			d.selected = max(d.selected-1, 0)
		default:
			d.move(d.c.keys.step(msg))
		}
	case wantDirectiveMsg:
		d.want = msg.id // shown once the feed brings it
		return d, nil
	case wartimeLoadedMsg:
		// Keep the directive shown, or show the one just issued; on the
		// newest, follow to the new newest, unless the officer is reading
		// it (the pane focused, its cursor moved down): the counter tells
		// an officer on an older one, or reading, that more came.
		sel := d.shown
		reading := d.c.focused(paneDirectives) && (d.units.cursor > 0 || d.offset > 0)
		if d.selected == 0 && !reading {
			sel = ""
		}
		if d.want != "" {
			sel = d.want
		}
		d.selected = 0
		for i, x := range d.c.wt.directives {
			if x.d.ID == sel {
				d.selected = i
				if sel == d.want {
					d.want = ""
				}
			}
		}
	}
	was := d.shown
	d.shown = ""
	if cur, ok := d.current(); ok {
		d.shown = cur.d.ID
		if was != "" && was != d.shown {
			d.offset, d.units = 0, listWindow{} // another directive: from its top, not the old one's row
		}
		d.units.clampTo(len(cur.units), d.unitRows())
	}
	return d, nil
}

// move moves the cursor over the micro-grids by n, or scrolls the
// villages' rows.
func (d *directivePane) move(n int) {
	cur, ok := d.current()
	switch {
	case !ok:
	case byUnit(cur):
		d.units.follow(n, len(cur.units), d.unitRows())
	default:
		d.offset = scrolled(d.offset, n, len(cur.sum.Villages)+1, d.rows(cur))
	}
}

// unitRows is how many micro-grids the pane shows (below the column heads).
func (d *directivePane) unitRows() int {
	h := d.height
	if cur, ok := d.current(); ok {
		h = d.rows(cur)
	}
	return max(h-1, 1)
}

// rows is how many lines the pane's table has above its total (the column
// heads and the rows): its height, but the line the directive's text
// takes where the title has no room for it (textOnLine).
func (d *directivePane) rows(cur wtDirective) int {
	if d.textOnLine(cur) {
		return max(d.height-1, 1)
	}
	return d.height
}

// textOnLine reports whether the directive's text goes on a line of its
// own, the pane's first: where the title, focused, has no room for it
// whole beside the id, the deadline and the counter (an 80-column
// screen). What was ordered is then read there, cut only by the pane's
// width, and the title leaves it out rather than show a stub of it. It
// does not turn on the focus, so the rows do not jump when tab comes.
func (d *directivePane) textOnLine(cur wtDirective) bool {
	w := &d.c.p.w
	head, tail := d.titleEnds(cur)
	return w.Of(" "+oneLine(cur.d.Text)) > d.titleRoom(true)-w.Of(head)-w.Of(tail)
}

// own is the pane's own keys: b where it lists micro-grids (and p on the
// seat's own unit: rowKeys).
func (d *directivePane) own() []key.Binding {
	return append([]key.Binding{d.dk.prev, d.dk.next}, d.rowKeys()...)
}

// rowKeys are the keys of the row under the cursor, where the pane lists
// micro-grids: on the seat's own unit b signs for it and p reports its
// progress; on another, b signs on its behalf.
func (d *directivePane) rowKeys() []key.Binding {
	cur, ok := d.current()
	switch {
	case !ok || !byUnit(cur):
		return nil
	case d.onOwnUnit(cur):
		return []key.Binding{d.uk.sign, d.uk.progress}
	}
	return []key.Binding{d.dk.behalf}
}

// ShortHelp is the footer's keys: R first (keysFooter), then the pane's own
// ([ and ] as one where there is another directive to step to, b where
// the rows are micro-grids, p on the seat's own), a new directive and
// wartime. Not the incident keys: here they would act on the queue's
// incident, out of sight. (A seat that issues no directives has no R
// and no d: Model.seatKeys.)
func (d *directivePane) ShortHelp() []key.Binding {
	k := d.c.keys
	var own []key.Binding
	if len(d.c.wt.directives) > 1 {
		own = append(own, d.dk.step)
	}
	own = append(own, d.rowKeys()...)
	return append([]key.Binding{k.NextPane, k.Down, k.Resend}, append(own, k.Directive, k.Wartime, k.Command, k.Help, k.Quit)...)
}

// FullHelp is every key, and the pane's own: h and l are the pane's
// there, not expand and collapse.
func (d *directivePane) FullHelp() [][]key.Binding {
	k := d.c.keys
	// Not the incident keys: here they are refused (onIncidentKey).
	incident := []key.Binding{k.Ack, k.Escalate, k.EscalateTo, k.Dispatch, k.Resolve, k.Reopen, k.Close, k.Note}
	return append(without(k.FullHelp(), append(d.own(), incident...)...), d.own())
}

func (d *directivePane) Title() string { return d.fitTitle(-1) }

// titleEnds are the title's head, the directive's id, and its tail, the
// deadline (with its date when it is not today's): both stay whole
// whatever the width.
func (d *directivePane) titleEnds(cur wtDirective) (head, tail string) {
	l := d.c.wl
	return l.Directive + " " + cur.d.ID, d.dueTail(cur, l.Deadline)
}

// dueTail is the title's tail, the deadline after word ("" none).
func (d *directivePane) dueTail(cur wtDirective, word string) string {
	if word != "" {
		word += " "
	}
	return "  " + word + model.DueClock(cur.d.Deadline.In(d.c.loc), d.c.now)
}

// fitTitle is the title in at most room columns (all of it when room < 0):
// the way back gives way first, then the deadline's word ("due" for
// "deadline", then none: a date makes the deadline longer, and the
// counter beside it would go); the directive's text is in it only where
// it fits whole (else it is on the pane's first line: textOnLine); its id
// and deadline stay whole.
func (d *directivePane) fitTitle(room int) string {
	cur, ok := d.current()
	if !ok {
		return d.c.wl.Directive
	}
	w := &d.c.p.w
	crumbs := d.c.crumbed("", d.c.focused(paneDirectives))
	head, tail := d.titleEnds(cur)
	text := " " + oneLine(cur.d.Text)
	if room >= 0 {
		if d.textOnLine(cur) {
			text = ""
		}
		if w.Of(crumbs)+w.Of(head)+w.Of(text)+w.Of(tail) > room {
			crumbs = ""
		}
		for _, word := range []string{d.c.wl.Due, ""} {
			if w.Of(head)+w.Of(text)+w.Of(tail) > room {
				tail = d.dueTail(cur, word)
			}
		}
	}
	return crumbs + head + text + tail
}

// counter is the title's n/N: the directive shown of how many, newest
// first.
func (d *directivePane) counter() string {
	return fmt.Sprintf("%d/%d", d.selected+1, len(d.c.wt.directives))
}

// titleRoom is the room the box leaves a title beside the counter (see
// painter.box): the box would cut a longer one, so the pane cuts it first,
// where it chooses.
func (d *directivePane) titleRoom(focused bool) int {
	p := &d.c.p
	room := d.width - 2 - 7 - p.w.Of(d.counter())
	if focused {
		room -= p.w.Of(p.g.Focus) + 1
	}
	return max(room, 0)
}

// bar draws n of m as a bar of width cells.
func bar(p *painter, n, m, width int) string {
	full := 0
	if m > 0 {
		full = n * width / m
	}
	return strings.Repeat(p.g.Full, full) + strings.Repeat(p.g.Empty, width-full)
}

func (d *directivePane) View() string {
	p, l := &d.c.p, d.c.wl
	focused := d.c.focused(paneDirectives)
	inner := d.width - 2
	cur, ok := d.current()
	if !ok {
		return p.box(d.Title(), "", []string{p.st.Dim.Render(p.w.Fit(" "+l.NoDirective, inner, p.g.More))}, d.width, d.height+3, focused)
	}
	var lines []string
	if d.textOnLine(cur) { // what was ordered, where the title has no room for it
		lines = append(lines, p.st.Text.Render(p.w.Fit(" "+oneLine(cur.d.Text), inner, p.g.More)))
	}
	if byUnit(cur) {
		lines = append(lines, d.unitLines(cur, focused)...)
	} else {
		lines = append(lines, d.villageLines(cur)...)
	}
	s := cur.sum
	median, worst := "-", "-"
	if s.Signed > s.OnBehalf { // the times are of the units' own signatures
		median, worst = model.FormatWait(s.SignMedian), model.FormatWait(s.SignWorst)
	}
	signed := fmt.Sprintf("%d/%d %s", s.Signed, s.Units, l.ColSigned)
	if s.OnBehalf > 0 {
		signed += fmt.Sprintf(" (%s %d)", l.OnBehalf, s.OnBehalf)
	}
	total := fmt.Sprintf(" %s: %s  %d/%d %s  p50 %s  max %s", l.All, signed, s.Done, s.Units, l.ColDone, median, worst)
	lines = append(lines, p.st.PaneTitle.Render(p.w.Fit(total, inner, p.g.More)))
	return p.box(d.fitTitle(d.titleRoom(focused)), d.counter(), lines, d.width, d.height+3, focused)
}

// villageLines are the column heads and a row per village in sight: its
// signed and done bars, and its silent units.
func (d *directivePane) villageLines(cur wtDirective) []string {
	p, l, w := &d.c.p, d.c.wl, &d.c.w
	inner := d.width - 2
	// village, signed (bar and n/m), done (bar and n/m), silent units: the
	// bars give way first on a narrow terminal.
	const fracW, villageW = 7, 10
	barW := min(10, max(3, (inner-4-villageW-8)/2-1-fracW))
	slowW := inner - 4 - villageW - 2*(barW+1+fracW)
	head := " " + p.w.Fit(l.ColVillage, villageW, "") + " " + p.w.Fit(l.ColSigned, barW+1+fracW, "") + " " +
		p.w.Fit(l.ColDone, barW+1+fracW, "") + " " + p.w.Fit(l.ColSlowest, slowW, "")
	lines := []string{p.st.ColumnHead.Render(head)}
	silent, onBehalf := unitsByVillage(cur.units, d.workers(), l.Gap)
	rows, height := cur.sum.Villages, d.rows(cur)
	start := min(d.offset, max(len(rows)-height+1, 0))
	for i := start; i < len(rows) && len(lines) < height; i++ {
		v := rows[i]
		signed := bar(p, v.Signed, v.Units, barW) + " " + p.w.FitRight(fmt.Sprintf("%d/%d", v.Signed, v.Units), fracW)
		done := bar(p, v.Done, v.Units, barW) + " " + p.w.FitRight(fmt.Sprintf("%d/%d", v.Done, v.Units), fracW)
		sl := strings.Join(silent[v.Village], " ")
		if ob := onBehalf[v.Village]; len(ob) > 0 { // signed, but not by the unit: shown apart, first
			sl = strings.TrimSpace(l.OnBehalf + ":" + strings.Join(ob, " ") + "  " + sl)
		}
		name := p.w.Fit(w.names[v.Village], villageW, p.g.More)
		st := p.st.Text
		switch {
		case v.Escalated != "":
			st = p.st.Overdue
		case v.Signed == v.Units:
			st = p.st.Light[model.LightGreen]
		}
		lines = append(lines, " "+st.Render(name)+" "+st.Render(signed)+" "+p.st.Text.Render(done)+" "+
			p.st.Dim.Render(p.w.Fit(sl, slowW, p.g.More)))
	}
	return lines
}

// unitsByVillage lists, by village, the units that have not signed, each
// by its code within the village: the gaps first, marked gap (nobody to
// call: the room drafts a reserve or signs for it), then the others with
// their worker's name and phone (workers: by micro-grid, "" for a gap) so
// the room can call them; and those signed on their behalf (代签).
func unitsByVillage(units []model.DirectiveUnit, workers map[model.NodeCode]string, gap string) (silent, onBehalf map[model.NodeCode][]string) {
	silent, onBehalf = map[model.NodeCode][]string{}, map[model.NodeCode][]string{}
	gaps := map[model.NodeCode]int{} // the gaps at the head of each village's list
	for _, u := range units {
		v := u.Unit.Village()
		short := strings.TrimPrefix(string(u.Unit), string(v)+"-")
		switch who, known := workers[u.Unit]; {
		case !u.Signed() && known && who == "":
			silent[v] = slices.Insert(silent[v], gaps[v], short+" "+gap)
			gaps[v]++
		case !u.Signed():
			if who != "" {
				short += " " + who
			}
			silent[v] = append(silent[v], short)
		case u.OnBehalf:
			onBehalf[v] = append(onBehalf[v], short)
		}
	}
	return silent, onBehalf
}

// workers names each micro-grid's worker with their phone, "王丽 13800000000";
// a micro-grid with nobody on it, "".
func (d *directivePane) workers() map[model.NodeCode]string {
	out := make(map[model.NodeCode]string, len(d.c.wt.status.Units))
	for _, u := range d.c.wt.status.Units {
		if u.Worker == 0 {
			out[u.MicroGrid] = ""
			continue
		}
		who := u.WorkerName
		if p, ok := d.c.w.byID[u.Worker]; ok && p.Phone != "" {
			who += " " + p.Phone
		}
		out[u.MicroGrid] = who
	}
	return out
}
