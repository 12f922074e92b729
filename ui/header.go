package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// The header is the top line: the town, the mode, the clock and the live
// key figures. Its figures and its drawing are here and only here: a seat
// (a village room, a county room) or a shift adds its figures to
// headerFigures, and header fits whatever it is given to the width.

// headerFigure is one figure of the header. rank says what goes first when
// the line is short: the highest rank is dropped first.
type headerFigure struct {
	text string
	rank int
}

// headerFigures are the figures the header shows, in order: open and red
// incidents (counted over what the console holds), escalations in the
// last hour and the pass-on median of the last day (the store's figures,
// model.Figures: what gridcmd stats and /metrics say), and who is on duty.
func (m Model) headerFigures() []headerFigure {
	p := &m.p
	passOn := "-"
	if m.fig.PassOnReports > 0 {
		passOn = model.FormatWait(m.fig.PassOnP50)
	}
	figs := []headerFigure{
		{fmt.Sprintf("%s %d", p.lab.Open, m.w.inc.open), 0},
		{fmt.Sprintf("%s %d", p.lab.Red, m.w.inc.red), 0},
		{fmt.Sprintf("%s %d", p.lab.EscPerHour, m.fig.EscalationsLastHour), 2},
		{fmt.Sprintf("%s %s", p.lab.PassOn, passOn), 2},
	}
	if m.seatBelowTown() {
		return figs // the seat's room names whose seat it is (header)
	}
	if duty := m.dutyFigures(); len(duty) > 0 {
		// The schedule's officer on duty (and the next one) after open and
		// red, before esc/h and pass-on. Who is next gives way before the
		// figures the article measures; who is on duty after them.
		var d []headerFigure
		for i, s := range duty {
			d = append(d, headerFigure{s, []int{1, 3}[min(i, 1)]})
		}
		figs = append(figs[:2], append(d, figs[2:]...)...)
	} else if op := m.seat.Person; op.Name != "" && m.rp == nil {
		// The seat's person: a room above the towns holds nobody on the
		// roster, and names its officer wherever it turns.
		figs = append(figs, headerFigure{p.lab.Operator + " " + op.Name, 4})
	}
	return figs
}

// seatBelowTown reports whether the console is a seat of a room below the
// town (a village's, a grid's).
func (m Model) seatBelowTown() bool {
	return m.seat.Level() > model.LevelTown
}

// header draws the top line, exactly m.width wide. When it is short, the
// room's name goes first, then the date (the time stays), then the figures
// of the highest rank, then the mode's detail; open and red stay longest.
func (m Model) header() string {
	p := &m.p
	town, roomName := m.room()
	mode, shortMode, modeSt := " "+p.lab.Peacetime+" ", "", p.st.HeaderMode
	if a := m.wt.status.Active; a.Active() {
		mode = " " + p.lab.Wartime + " " + m.wl.Reason[a.Reason] + " " + m.wl.Since + " " + a.Since.In(m.opt.Location).Format("15:04")
		shortMode = " " + p.lab.Wartime + " " + m.wl.Reason[a.Reason]
		if a.Drill {
			mode += " " + m.wl.Drill
			shortMode += " " + m.wl.Drill
		}
		mode += " "
		shortMode += " "
		modeSt = p.st.HeaderWartime
	} else if n := len(m.wt.status.Towns); n > 0 {
		// A room above the towns: wartime is per town.
		mode = " " + p.lab.Wartime + " " + fmt.Sprintf(m.say("%d towns", "%d 个镇街"), n) + " "
		modeSt = p.st.HeaderWartime
	}
	// What the mode says after it stays when it is shortened: read-only,
	// the feed lost.
	var marks string
	if !m.seat.Acts() {
		marks += p.lab.ReadOnly + " "
	}
	if m.feedDown {
		marks += p.lab.FeedDown + " "
		modeSt = p.st.HeaderWartime
	}
	if marks != "" {
		mode += marks
		if shortMode == "" {
			shortMode = " " // peacetime's word gives way to the marks
		}
		shortMode += marks
	}
	now := m.now.In(m.opt.Location)
	layout, short := "2006-01-02 15:04:05", "15:04:05"
	if m.opt.Tick >= time.Minute && m.rp == nil {
		layout, short = "2006-01-02 15:04", "15:04" // a clock that ticks by the minute shows no seconds
	}
	clock := now.Format(layout)
	figs := m.headerFigures()
	dropped := make([]bool, len(figs))
	join := func() string {
		var s []string
		for i, f := range figs {
			if !dropped[i] {
				s = append(s, f.text)
			}
		}
		return strings.Join(s, "  ")
	}
	lead := " " + town + "  " + roomName + "  "
	if roomName == "" {
		lead = " " + town + "  " // a console over the whole file: "all towns"
	}
	if m.seatBelowTown() {
		// A seat of a room below the town (a village's, a grid's): the
		// room by its name, and whose seat it is.
		if op := m.seat.Person; op.Name != "" {
			roomName += " " + p.g.Dot + " " + op.Name
		}
		lead = " " + town + "  " + roomName + "  "
	}
	fits := func() bool {
		return p.w.Of(lead)+p.w.Of(mode)+2+p.w.Of(clock)+2+p.w.Of(join())+1 <= m.width
	}
	// What gives way, in turn, until the line fits.
	dropLead := func() bool { lead = " " + town + "  "; return true }
	steps := []func() bool{dropLead, func() bool { clock = now.Format(short); return true }}
	if m.seatBelowTown() {
		// A seat's room and whose seat it is go after the figures do.
		steps = []func() bool{func() bool { clock = now.Format(short); return true }}
	}
	// Then the figures, the highest rank first, one at a time from the
	// right: at 80 columns esc/h may stay when pass-on cannot.
	for rank := 4; rank > 0; rank-- {
		for i := len(figs) - 1; i >= 0; i-- {
			if figs[i].rank != rank {
				continue
			}
			i := i
			steps = append(steps, func() bool { dropped[i] = true; return true })
		}
	}
	if m.seatBelowTown() {
		steps = append(steps, dropLead)
	}
	steps = append(steps, func() bool {
		if shortMode == "" {
			return false
		}
		mode = shortMode
		return true
	})
	for _, step := range steps {
		if fits() {
			break
		}
		step()
	}
	for i := len(figs) - 1; i >= 0 && !fits(); i-- {
		dropped[i] = true
	}
	rest := "  " + clock + "  " + join()
	room := m.width - p.w.Of(lead) - p.w.Of(mode)
	if room < 0 {
		lead = p.w.Fit(lead, m.width-p.w.Of(mode), p.g.More)
		room = 0
	}
	return p.st.Header.Render(lead) + modeSt.Render(mode) + p.st.Header.Render(p.w.Fit(rest, room, p.g.More))
}

// room is the header's lead: the place the console shows (the seat's town,
// or the division of a room above the towns, or all towns of a file with
// no seat) and the room's name.
func (m Model) room() (place, name string) {
	var en, zh string
	switch {
	case m.seat.Level() > model.LevelTown: // a village's room, a grid's
		place = m.w.root // "渎溪村 02网格"
		if place == "" {
			place = m.nodeName(m.seat.Node)
		}
		en, zh = model.SeatRoomName(m.scope, m.wt.status.Active.Active())
	case m.town() != "":
		place = m.nodeName(m.town())
		en, zh = model.SeatRoomName(m.town(), false)
	case m.seat.Node != "":
		place = m.nodeName(m.seat.Node)
		en, zh = model.SeatRoomName(m.seat.Node, false)
	default:
		en, zh = model.SeatRoomName("", false)
		return m.say(en, zh), ""
	}
	return place, m.say(en, zh)
}

// nodeName is a node's name, or its code before the snapshot is in.
func (m Model) nodeName(c model.NodeCode) string {
	if n, ok := m.w.nodes[c]; ok && n.Name != "" {
		return n.Name
	}
	return string(c)
}

// figuresMsg: the store's figures (model.Figures) for the header.
type figuresMsg struct {
	scope model.NodeCode // what was read: figures of a scope the console has left are dropped
	f     model.Figures
	err   error
}

// loadFigures reads the figures over the seat's scope.
func loadFigures(svc model.Service, scope model.NodeCode) tea.Cmd {
	return func() tea.Msg {
		f, err := svc.Figures(context.Background(), scope)
		return figuresMsg{scope: scope, f: f, err: err}
	}
}

// figuresDue reports whether the figures are to be read again at now: the
// clock has moved one out of its window (model.Figures.NextChange).
func (m Model) figuresDue(now time.Time) bool {
	return !m.figPending && !m.fig.NextChange.IsZero() && !now.Before(m.fig.NextChange)
}

// refreshFigures reads the figures again, unless a read is on its way.
func (m Model) refreshFigures() (Model, tea.Cmd) {
	if m.figPending {
		m.figStale = true // read again when it answers
		return m, nil
	}
	m.figPending = true
	return m, loadFigures(m.svc, m.scope)
}

// onFigures takes the figures; if the record changed while they were read,
// it reads them again.
func (m Model) onFigures(msg figuresMsg) (tea.Model, tea.Cmd) {
	if msg.scope != m.scope {
		return m, nil // the room turned since: its own read is on its way
	}
	m.figPending = false
	if msg.err == nil {
		m.fig = msg.f
	}
	if m.figStale {
		m.figStale = false
		return m.refreshFigures()
	}
	return m, nil
}

// movesFigures reports whether an event may change the figures: an
// escalation, or a report's first move at the grid tier.
func movesFigures(e model.Event) bool {
	switch e.Action {
	case model.ActEscalate, model.ActAcknowledge, model.ActDispatch:
		return e.Incident != ""
	}
	return false
}
