package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"gridcmd/model"
)

// The header is the top line: the town, the mode, the clock and the live
// key figures. Its figures and its drawing are here and only here: a seat
// (a village room, a county room) or a shift adds its figures to
// headerFigures, and header fits whatever it is given to the width.

// headerFigure is one figure of the header. rank says what goes first when
// the line is short: the highest rank is dropped first (0: never by rank).
// A figure with a short form gives way to it at shortRank.
type headerFigure struct {
	text string
	rank int

	short     string
	shortRank int
}

// headerFigures are the figures the header shows, in order: open and red
// incidents (counted over what the console holds), escalations in the
// last hour and the pass-on median of the last day (the store's figures,
// model.Figures: what gridcmd stats and /metrics say), and who is on duty;
// with federation, the town's uplink after open and red (uplinkFigure),
// or in a room above the towns the towns whose links are cut (townsCutFigure).
func (m Model) headerFigures() []headerFigure {
	p := &m.p
	passOn := "-"
	if m.fig.PassOnReports > 0 {
		passOn = model.FormatWait(m.fig.PassOnP50)
	}
	figs := []headerFigure{
		{text: fmt.Sprintf("%s %d", p.lab.Open, m.w.inc.open)},
		{text: fmt.Sprintf("%s %d", p.lab.Red, m.w.inc.red)},
		{text: fmt.Sprintf("%s %d", p.lab.EscPerHour, m.fig.EscalationsLastHour), rank: 2},
		{text: fmt.Sprintf("%s %s", p.lab.PassOn, passOn), rank: 2},
	}
	if !m.seatBelowTown() { // the seat's room names whose seat it is (header)
		figs = m.withDuty(figs)
	}
	if up, ok := m.uplinkFigure(); ok {
		figs = append(figs[:2], append([]headerFigure{up}, figs[2:]...)...)
	}
	if cut, ok := m.townsCutFigure(); ok {
		figs = append(figs[:2], append([]headerFigure{cut}, figs[2:]...)...)
	}
	return figs
}

// withDuty adds who is on duty to the figures. A room above the towns
// turned to one of them (lookingIn) shows that town room's duty, not its
// own officer's, and names its officer as the one looking in.
func (m Model) withDuty(figs []headerFigure) []headerFigure {
	duty := m.dutyFigures()
	if len(duty) == 0 && m.lookingIn() {
		duty = m.flaggedDuty()
	}
	if len(duty) > 0 {
		// The schedule's officer on duty (and the next one) after open and
		// red, before esc/h and pass-on.
		figs = append(figs[:2], append(duty, figs[2:]...)...)
	} else if op := m.seat.Person; op.Name != "" && m.rp == nil && !m.lookingIn() {
		// The seat's person: a town room with no schedule, or a room above
		// the towns, which holds nobody on the roster, in its own room.
		figs = append(figs, headerFigure{text: m.p.lab.Operator + " " + op.Name, rank: 4})
	}
	if op := m.seat.Person; op.Name != "" && m.lookingIn() {
		// Who looks in, from which room: the first to give way.
		f := headerFigure{text: m.say("viewed by "+op.Name, op.Name+" 查看中"), rank: 4}
		if m.roomName != "" {
			f.text, f.short, f.shortRank = m.say("viewed by "+m.roomName+" "+op.Name, m.roomName+" "+op.Name+" 查看中"), f.text, 4
		}
		figs = append(figs, f)
	}
	return figs
}

// lookingIn reports whether the console is a room above the towns turned
// to one of its towns: the town's room as the county's officer sees it.
func (m Model) lookingIn() bool {
	return m.seat.AboveTown() && m.seat.Town != ""
}

// flaggedDuty is who is on duty in the town room a room above the towns
// looks into, when that room has no schedule: the town's duty officers on
// duty by their flags, as the wartime chain counts the room staffed
// (model.Person.StaffsTownRoom, noteFlaggedDuty); nobody when none is.
// None until the room's duty is read (it may have a schedule), and in a
// replay (the flags are today's).
func (m Model) flaggedDuty() []headerFigure {
	if !m.dutyLoaded || m.rp != nil || !m.w.loaded {
		return nil
	}
	names := m.w.flagged
	switch len(names) {
	case 0:
		return []headerFigure{{text: m.say("nobody on duty", "无人值班"), rank: 1}}
	case 1:
		return []headerFigure{{text: m.say("duty ", "值班 ") + names[0], rank: 1}}
	}
	few := m.say(fmt.Sprintf("%s +%d", names[0], len(names)-1), fmt.Sprintf("%s 等 %d 人", names[0], len(names)))
	f := headerFigure{text: m.say("duty ", "值班 ") + few, rank: 1}
	if len(names) == 2 {
		f.text = m.say("duty "+names[0]+", "+names[1], "值班 "+names[0]+"、"+names[1])
		f.short, f.shortRank = m.say("duty ", "值班 ")+few, 3
	}
	return []headerFigure{f}
}

// noteFlaggedDuty reads who keeps the town room the room looks into
// staffed by their flags (flaggedDuty), as the people load (a snapshot, a
// replay's step) or the room turns to another town: not on every frame.
func (m *Model) noteFlaggedDuty() {
	m.w.flagged = nil
	if !m.lookingIn() {
		return
	}
	for _, p := range m.w.people {
		if p.StaffsTownRoom(m.seat.Town) {
			m.w.flagged = append(m.w.flagged, p.Name)
		}
	}
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
	h := headerLine{p: &m.p, width: m.width, figs: m.headerFigures()}
	h.lead, h.bareLead = m.headerLead()
	h.mode, h.shortMode, h.modeSt = m.headerMode()
	h.clock, h.shortClock = m.headerClock()
	h.dropped = make([]bool, len(h.figs))
	for _, step := range h.givingWay(m.seatBelowTown()) {
		if h.fits() {
			break
		}
		step()
	}
	for i := len(h.figs) - 1; i >= 0 && !h.fits(); i-- {
		h.dropped[i] = true
	}
	return h.render()
}

// headerLine is the header's parts as they give way, in turn, until the
// line fits its width.
type headerLine struct {
	p     *painter
	width int

	lead, bareLead    string // bare: the town alone
	mode, shortMode   string // short: "" when the mode cannot shorten
	modeSt            lipgloss.Style
	clock, shortClock string // short: the time without the date
	figs              []headerFigure
	dropped           []bool // figures given up
}

// headerLead is the header's lead: the town and the room's name, and for a
// seat of a room below the town (a village's, a grid's) whose seat it is;
// bare, the town alone.
func (m Model) headerLead() (lead, bare string) {
	town, roomName := m.room()
	bare = " " + town + "  "
	lead = " " + town + "  " + roomName + "  "
	if roomName == "" {
		lead = bare // a console over the whole file: "all towns"
	}
	if m.seatBelowTown() {
		// A seat of a room below the town (a village's, a grid's): the
		// room by its name, and whose seat it is.
		if op := m.seat.Person; op.Name != "" {
			roomName += " " + m.p.g.Dot + " " + op.Name
		}
		lead = " " + town + "  " + roomName + "  "
	}
	return lead, bare
}

// headerMode is the header's mode: peacetime, or wartime with its reason
// and since when (in a room above the towns, its town in place of since
// when, or how many towns), then what stays when it is shortened:
// read-only, the feed lost. short is "" when the mode has
// no shorter form; st is its style.
func (m Model) headerMode() (mode, short string, st lipgloss.Style) {
	p := &m.p
	mode, st = " "+p.lab.Peacetime+" ", p.st.HeaderMode
	if a := m.wt.status.Active; a.Active() {
		scope := m.wartimeScope(a)
		short = " " + p.lab.Wartime + " " + m.wl.Reason[a.Reason] + scope
		mode = short + " " + m.wl.Since + " " + a.Since.In(m.opt.Location).Format("15:04")
		if m.aboveTowns() {
			// A room of many towns says which town is in wartime, and
			// why, in the room of since when (the town's own affair).
			mode, short = short, " "+p.lab.Wartime+scope
		}
		if a.Drill {
			mode += " " + m.wl.Drill
			short += " " + m.wl.Drill
		}
		mode += " "
		short += " "
		st = p.st.HeaderWartime
	} else if n := len(m.wt.status.Towns); n > 0 {
		// A room above the towns: wartime is per town.
		mode = " " + p.lab.Wartime + " " + fmt.Sprintf(m.say("%d towns", "%d 个镇街"), n) + " "
		st = p.st.HeaderWartime
	}
	var marks string
	if !m.seat.Acts() {
		marks += p.lab.ReadOnly + " "
	}
	if m.feedDown {
		marks += p.lab.FeedDown + " "
		st = p.st.HeaderWartime
	}
	if marks != "" {
		mode += marks
		if short == "" {
			short = " " // peacetime's word gives way to the marks
		}
		short += marks
	}
	return mode, short, st
}

// wartimeScope is what the header says of an activation's scope, after a
// space: nothing over the whole town, the village's name over one, how
// many villages over more; in a room above the towns, whose wartime is
// one town's, that town by name first (花街镇, 花街镇 2 村社), as the town
// names part of itself.
func (m Model) wartimeScope(a model.Activation) string {
	s := partScope(a, m.nodeName, m.say("%d villages", "%d 村社"))
	if m.aboveTowns() {
		s = strings.TrimSpace(townOf(a, m.nodeName) + " " + s)
	}
	if s != "" {
		return " " + s
	}
	return ""
}

// townOf is the name of the town an activation is in (name names it), ""
// for none.
func townOf(a model.Activation, name func(model.NodeCode) string) string {
	if len(a.Scope) == 0 {
		return ""
	}
	return name(a.Scope[0].Town())
}

// partScope names an activation's scope that is part of a town: the
// village by name (name), or how many (many, a format); "" over a whole
// town. The header and the wartime chain's title say it.
func partScope(a model.Activation, name func(model.NodeCode) string, many string) string {
	switch {
	case len(a.Scope) == 0 || len(a.Scope) == 1 && a.Scope[0].Level() <= model.LevelTown:
		return ""
	case len(a.Scope) == 1:
		return name(a.Scope[0])
	}
	return fmt.Sprintf(many, len(a.Scope))
}

// headerClock is the header's clock with the date and, short, without it.
func (m Model) headerClock() (clock, short string) {
	now := m.now.In(m.opt.Location)
	layout, shortLayout := "2006-01-02 15:04:05", "15:04:05"
	if m.opt.Tick >= time.Minute && m.rp == nil {
		layout, shortLayout = "2006-01-02 15:04", "15:04" // a clock that ticks by the minute shows no seconds
	}
	return now.Format(layout), now.Format(shortLayout)
}

// givingWay is what gives way, in turn, until the line fits: the room's
// name, the date, the figures, the mode's detail.
func (h *headerLine) givingWay(seatBelowTown bool) []func() {
	dropLead := func() { h.lead = h.bareLead }
	shortClock := func() { h.clock = h.shortClock }
	steps := []func(){dropLead, shortClock}
	if seatBelowTown {
		// A seat's room and whose seat it is go after the figures do.
		steps = []func(){shortClock}
	}
	// Then the figures, the highest rank first, one at a time from the
	// right: at 80 columns esc/h may stay when pass-on cannot. A figure
	// with a short form takes it at its shortRank.
	for rank := 4; rank > 0; rank-- {
		for i := len(h.figs) - 1; i >= 0; i-- {
			f := &h.figs[i]
			if f.short != "" && f.shortRank == rank {
				steps = append(steps, func() { f.text = f.short })
			}
			if f.rank == rank {
				steps = append(steps, func() { h.dropped[i] = true })
			}
		}
	}
	if seatBelowTown {
		steps = append(steps, dropLead)
	}
	return append(steps, func() {
		if h.shortMode != "" {
			h.mode = h.shortMode
		}
	})
}

// joined is the figures not given up.
func (h *headerLine) joined() string {
	var s []string
	for i, f := range h.figs {
		if !h.dropped[i] {
			s = append(s, f.text)
		}
	}
	return strings.Join(s, "  ")
}

// fits reports whether the line fits its width as it stands.
func (h *headerLine) fits() bool {
	p := h.p
	return p.w.Of(h.lead)+p.w.Of(h.mode)+2+p.w.Of(h.clock)+2+p.w.Of(h.joined())+1 <= h.width
}

// render draws the line; a lead still too wide is cut.
func (h *headerLine) render() string {
	p := h.p
	lead, rest := h.lead, "  "+h.clock+"  "+h.joined()
	room := h.width - p.w.Of(lead) - p.w.Of(h.mode)
	if room < 0 {
		lead = p.w.Fit(lead, h.width-p.w.Of(h.mode), p.g.More)
		room = 0
	}
	return p.st.Header.Render(lead) + h.modeSt.Render(h.mode) + p.st.Header.Render(p.w.Fit(rest, room, p.g.More))
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

// figuresMsg: the store's figures (model.Figures) for the header, and for
// a room above the towns each town's, for its towns table.
type figuresMsg struct {
	scope model.NodeCode // what was read: figures of a scope the console has left are dropped
	f     model.Figures
	towns map[model.NodeCode]model.Figures
	err   error
}

// loadFigures reads the figures over the seat's scope, and each of towns'.
func loadFigures(svc model.Service, scope model.NodeCode, towns ...model.NodeCode) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		f, err := svc.Figures(ctx, scope)
		msg := figuresMsg{scope: scope, f: f, err: err}
		if err != nil || len(towns) == 0 {
			return msg
		}
		msg.towns = make(map[model.NodeCode]model.Figures, len(towns))
		for _, t := range towns {
			if msg.towns[t], msg.err = svc.Figures(ctx, t); msg.err != nil {
				return msg
			}
		}
		return msg
	}
}

// figureTowns are the towns whose figures the towns table shows: a room
// above the towns, not turned to one, reads each of its towns'.
func (m Model) figureTowns() []model.NodeCode {
	if !m.scope.Level().AboveTown() || len(m.townList) == 0 {
		return nil
	}
	out := make([]model.NodeCode, len(m.townList))
	for i, t := range m.townList {
		out[i] = t.Code
	}
	return out
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
	return m, loadFigures(m.svc, m.scope, m.figureTowns()...)
}

// onFigures takes the figures; if the record changed while they were read,
// it reads them again.
func (m Model) onFigures(msg figuresMsg) (tea.Model, tea.Cmd) {
	if msg.scope != m.scope {
		return m, nil // the room turned since: its own read is on its way
	}
	m.figPending = false
	if msg.err == nil {
		m.fig, m.townFig = msg.f, msg.towns
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
