package ui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// wtChainPane is the three-tier wartime chain: the town wartime room, the
// village rooms and the micro-grid operations, with the gaps. It stands in
// the chain's place while wartime is active.
type wtChainPane struct {
	mainPane
	paneSize
	fig wtFigures
}

func newWtChainPane(c *common) *wtChainPane { return &wtChainPane{mainPane: mainPane{c}} }

// Update counts the figures again when what they count changed.
func (p *wtChainPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if _, ok := msg.(countMsg); ok {
		// Only wartime shows the pane: peacetime's live events skip the
		// walk over the people and the open incidents.
		p.fig = wtFigures{}
		if p.c.wt.active() {
			p.fig = computeWartimeFigures(&p.c.w, p.c.wt)
		}
	}
	return p, nil
}

func (p *wtChainPane) Title() string { return p.c.wl.Chain }

// wtFigures are the rows of the wartime chain; roomsKnown is false when
// the rooms' staffing was not counted (a replay's earlier activation).
type wtFigures struct {
	rows [4]struct {
		units, staffed, waiting, incidents int
	}
	roomsKnown bool
}

// computeWartimeFigures counts the chain's rows: the rooms and units of the
// activation's scope the console holds, who staffs the town and village
// rooms as the store counted them (WartimeStatus.Rooms: a room above the
// towns holds none of the town's people), the silent units by the room
// they climbed to, the open incidents by tier.
func computeWartimeFigures(w *world, wt wartime) wtFigures {
	var f wtFigures
	st := wt.status
	inScope := func(c model.NodeCode) bool { return st.Active.Covers(c) }
	f.rows[0].units = 1
	villages := chainVillages(w, st)
	f.rows[1].units = len(villages)
	if f.roomsKnown = st.Rooms.Counted; f.roomsKnown {
		if st.Rooms.Town {
			f.rows[0].staffed = 1
		}
		for _, v := range st.Rooms.Villages {
			if villages[v] {
				f.rows[1].staffed++
			}
		}
	}
	f.rows[2].units, f.rows[2].staffed = len(st.Units), st.Staffed
	f.rows[3].units, f.rows[3].staffed = st.Gaps, len(st.Drafts)
	for _, climbed := range silentUnits(wt.directives) {
		switch climbed {
		case model.TierTown:
			f.rows[0].waiting++
		case model.TierVillage:
			f.rows[1].waiting++
		default:
			f.rows[2].waiting++
		}
	}
	for inc := range w.open {
		if !inScope(inc.Node) {
			continue
		}
		switch inc.Tier {
		case model.TierTown, model.TierTaskForce:
			f.rows[0].incidents++
		case model.TierVillage:
			f.rows[1].incidents++
		default:
			f.rows[2].incidents++
		}
	}
	return f
}

// chainVillages are the villages whose rooms the chain counts: those of
// the wartime's scope the console holds, and the village of each of its
// micro-grids, so that a seat below the village (a grid's, a micro-grid's)
// counts the one room above it, and a room is staffed only where it is
// counted (never "0 rooms, 1 on duty").
func chainVillages(w *world, st model.WartimeStatus) map[model.NodeCode]bool {
	out := map[model.NodeCode]bool{}
	for _, n := range w.nodes {
		if n.Level == model.LevelVillage && st.Active.Covers(n.Code) {
			out[n.Code] = true
		}
	}
	for _, u := range st.Units {
		if v := u.MicroGrid.Village(); v != "" {
			out[v] = true
		}
	}
	return out
}

// silentUnits are the micro-grids that have not signed one of directives
// or more, each once (a column of units: two directives unsigned are one
// silent unit, not two), with the room its silence climbed to, the highest
// of its directives' ("" for none yet).
func silentUnits(directives []wtDirective) map[model.NodeCode]model.Tier {
	out := map[model.NodeCode]model.Tier{}
	for _, d := range directives {
		for _, u := range d.units {
			if u.Signed() {
				continue
			}
			if was, seen := out[u.Unit]; !seen || u.Escalated.Rank() > was.Rank() {
				out[u.Unit] = u.Escalated
			}
		}
	}
	return out
}

// columns gives the widths of the labels and of each figure column. The
// figures' columns take up to 6 cells each; where the labels would be cut,
// they give way down to their widest figure or short header (the headers
// then take their short words).
func (p *wtChainPane) columns(labels []string, cells [][4]string) (labelW, num int) {
	pt, l := &p.c.p, p.c.wl
	inner := p.width - 2
	num = min(6, (inner-1-10)/4-1)
	labelNeed, need := 0, 3
	for _, h := range l.ColShort {
		need = max(need, pt.w.Of(h))
	}
	for i, c := range cells {
		labelNeed = max(labelNeed, pt.w.Of(labels[i]))
		for _, x := range c {
			need = max(need, pt.w.Of(x))
		}
	}
	if inner-1-4*(num+1) < labelNeed {
		num = max(min(num, (inner-1-labelNeed)/4-1), need)
	}
	return inner - 1 - 4*(num+1), num
}

func (p *wtChainPane) View() string {
	pt, l, f := &p.c.p, p.c.wl, &p.fig
	labels := []string{l.TownRoom, l.VillageRooms, l.MicroOps, l.GapsRow}
	cells := make([][4]string, 4)
	for i := range 3 {
		r := f.rows[i]
		staffed := fmt.Sprint(r.staffed)
		if i < 2 && !f.roomsKnown {
			staffed = pt.g.Unknown // not counted: never 0
		}
		cells[i] = [4]string{fmt.Sprint(r.units), staffed, fmt.Sprint(r.waiting), fmt.Sprint(r.incidents)}
	}
	gaps := f.rows[3]
	cells[3] = [4]string{fmt.Sprint(gaps.units), "+" + fmt.Sprint(gaps.staffed), "", ""}

	labelW, num := p.columns(labels, cells)
	for _, lb := range labels {
		if pt.w.Of(lb) > labelW {
			labels = l.RowShort[:] // whole short words, not cut long ones
			break
		}
	}
	row := func(label string, v ...string) string {
		s := " " + pt.w.Fit(label, labelW, pt.g.More)
		for _, x := range v {
			s += " " + pt.w.FitRight(x, num)
		}
		return s
	}
	heads := []string{l.ColUnits, l.ColStaffed, l.ColWaiting, l.ColIncs}
	for _, h := range heads {
		if pt.w.Of(h) > num {
			heads = l.ColShort[:] // whole short words, not cut long ones
			break
		}
	}
	lines := []string{pt.st.ColumnHead.Render(row("", heads...))}
	for i := range 3 {
		line := row(labels[i], cells[i][:]...)
		if f.rows[i].waiting > 0 && i < 2 {
			line = pt.st.Overdue.Render(line) // silence has climbed to this room
		}
		lines = append(lines, line)
	}
	gl := row(labels[3], cells[3][:]...)
	if gaps.units > 0 {
		gl = pt.st.Overdue.Render(gl)
	}
	lines = append(lines, gl)
	return pt.box(p.Title(), p.part(), lines, p.width, p.height, p.c.focused(paneChain))
}

// part is the title's right: over part of the town the figures are that
// part's, and it says which, beside the header's count of the whole town;
// in a room above the towns they are one town's, and it names the town.
func (p *wtChainPane) part() string {
	above := p.c.aboveTowns()
	if p.c.seat.Scope().Level() != model.LevelTown && !above {
		return "" // a village's or grid's seat: its figures are its own, as its header's
	}
	pt := &p.c.p
	many := "%d villages"
	if pt.lab.Lang == "zh" {
		many = "%d 村社"
	}
	a := p.c.wt.status.Active
	part := partScope(a, p.c.w.nameOrCode, many)
	if above {
		part = strings.TrimSpace(townOf(a, p.c.w.nameOrCode) + " " + part)
	}
	// What the box's top line leaves it: the corners, the dashes and
	// spaces about the title and about the right (box).
	room := p.width - pt.w.Of(p.Title()) - 8
	return pt.w.Trunc(part, max(room, 0), pt.g.More)
}
