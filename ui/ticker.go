package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"strconv"
	"strings"

	"gridcmd/model"
)

// tickerPane is the event ticker: the newest events, one line each. Its
// cursor picks an event; enter opens its incident.
type tickerPane struct {
	mainPane
	listWindow
	width, height int
	// unseen is how many of the events above the view (the newer ones)
	// came in while it was scrolled away from the newest: its title says
	// so ("Events ↑3 new").
	unseen int
}

func newTickerPane(c *common) *tickerPane { return &tickerPane{mainPane: mainPane{c}} }

// newEventsMsg: n events came in at the top of the ticker (the newest).
type newEventsMsg struct{ n int }

// Update moves the cursor, the view following it, and takes in the
// events that arrive.
func (t *tickerPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		t.follow(t.c.keys.step(msg), len(t.c.w.events), t.height)
		t.unseen = min(t.unseen, t.offset) // scrolled up to some of them
	case newEventsMsg:
		t.arrived(msg.n)
	}
	return t, nil
}

// arrived takes in n events come in above the newest. Where the officer is
// reading the ticker (it has the focus, or an incident opened from it
// covers it) and is not at its top, the cursor stays on its event and the
// view where it was, the title counting what came in above; at the top it
// shows them as they come. A ticker without the focus always shows the
// newest: nobody is reading back there, and a duty officer glancing at
// it expects the latest (it snaps back as the focus leaves it, snap).
func (t *tickerPane) arrived(n int) {
	if n <= 0 {
		return
	}
	if t.c.focus != paneEvents || t.cursor == 0 && t.offset == 0 {
		t.snap()
		return
	}
	t.cursor += n
	if t.offset > 0 {
		t.offset += n
	}
	t.clampTo(len(t.c.w.events), t.height)
	t.unseen = min(t.unseen+n, t.offset)
}

// snap puts the ticker back on the newest event.
func (t *tickerPane) snap() { t.listWindow, t.unseen = listWindow{}, 0 }

// asks: enter opens the incident of the event under the cursor.
func (t *tickerPane) asks(msg tea.KeyMsg) tea.Msg {
	evs := t.c.w.events
	if !key.Matches(msg, t.c.keys.Open) || t.cursor >= len(evs) {
		return nil
	}
	e := evs[t.cursor]
	if e.Incident == "" {
		return refusedMsg{refusal(model.EINVALID, "this event is about no incident", "此动态不涉及事件")}
	}
	return openIncidentMsg{seq: e.IncidentSeq, id: e.Incident}
}

func (t *tickerPane) Title() string {
	title := t.c.p.lab.Events
	if t.unseen > 0 {
		title += " " + t.c.p.g.Up + strconv.Itoa(t.unseen) + " " + t.c.p.lab.NewMark
	}
	return t.c.crumbed(title, t.c.focused(paneEvents))
}

func (t *tickerPane) SetSize(w, h int) { t.width, t.height = w, max(h, 1) }

// actor is who acted, in the console's language for the system itself. A
// town's event done on a command from the county is the system's act in the
// name of the county's officer, whom it names.
func actor(l Labels, e model.Event) string {
	if e.Actor == model.System && (e.ActorName == "" || e.ActorName == model.ActorName(model.Person{ID: model.System})) {
		return l.System
	}
	return e.ActorName
}

// describe is an event's "what happened" in the console's language.
func describe(l Labels, e model.Event, g Glyphs) string {
	what := l.Action[e.Action]
	if model.IsPatrolCheckIn(e) {
		what = patrolCheckIn(l.Lang)
	}
	note := e.Note
	if l.Lang == "zh" && e.NoteZh != "" {
		note = e.NoteZh
	}
	note = afterID(note, e.Directive) // the id column says it
	if e.Incident == "" && e.Directive == "" && e.Ref != "" {
		// the id column says the patrol flow's id: a rotation's report
		// ("R-0002 出租房清村扫楼 第 3 组"), a finding closed ("F-0003: …")
		note = strings.TrimPrefix(afterID(note, e.Ref), e.Ref+" ")
	}
	if e.Directive != "" {
		// "signed for D-0001 after 3m", "D-0002 resent to 10 …", "W-0002
		// ended after 2h": the id column says the id, the action its verb
		note = strings.TrimPrefix(note, what+" "+e.Directive+" ")
		note = strings.TrimPrefix(note, e.Directive+" ")
		if w := strings.Fields(what); len(w) > 0 {
			note = strings.TrimPrefix(note, w[len(w)-1]+" ")
		}
	}
	switch e.Action {
	case model.ActEscalate:
		if (e.Incident == "" || e.Ref != "") && note != "" {
			// wartime: silent micro-grids, with their directive; a finding
			// not triaged in time, with the incident it became
			return what + " " + note
		}
		what += " " + l.Tier[e.Before.Tier] + g.Arrow + l.Tier[e.After.Tier]
		switch {
		case e.Actor == model.System && l.Lang == "zh":
			what += "（超时未签收）"
		case e.Actor == model.System:
			what += " (deadline passed)"
		case e.NoteZh == "" && e.Note != "" && e.Note != model.EscalationNote(e.Before.Tier, e.After.Tier):
			what += " " + e.Note // the officer's own words, not the default the rule writes
		}
		return what
	case model.ActReport:
		return what + " " + e.Note
	case model.ActSupervise:
		if l.Lang == "zh" {
			return what + "（" + l.Tier[e.After.Tier] + "超时）"
		}
		return what + " (late at " + l.Tier[e.After.Tier] + ")"
	}
	if note != "" {
		return what + " " + note
	}
	return what
}

// afterID is note without the id a wartime's or a directive's note begins
// with: "<id>: " (or "<id>：", "<id>，": a signature's "D-0001，用时 3m"), or
// "<id> " before "→ " or "to " (a directive's targets).
func afterID(note, id string) string {
	if id == "" || !strings.HasPrefix(note, id) {
		return note
	}
	rest := note[len(id):]
	for _, sep := range []string{": ", "：", "，"} {
		if r, ok := strings.CutPrefix(rest, sep); ok {
			return r
		}
	}
	if strings.HasPrefix(rest, " → ") || strings.HasPrefix(rest, " to ") {
		return rest[1:]
	}
	return note
}

func (t *tickerPane) View() string {
	p, evs, focused := &t.c.p, t.c.w.events, t.c.focused(paneEvents)
	inner := t.width - 2
	const timeW = 8
	town := t.c.w.towns.extra() // a room of several towns: DC-0043 (idTowns)
	form, idW := idMedium, 9+town
	if inner < 60 {
		form, idW = idShort, max(6, 4+town) // 0043, or a wartime id: D-0001
	}
	whoW := min(12, max(inner/6, 6))
	whatW := max(inner-1-timeW-1-idW-1-whoW-1, 4)
	lines := make([]string, 0, t.height)
	for i := t.offset; i < len(evs) && len(lines) < t.height; i++ {
		e := evs[i]
		id := idText(form, town > 0, e.Incident)
		if id == "" {
			id = e.Directive // wartime events carry the activation or directive id
		}
		if id == "" {
			id = e.Ref // the patrol flow's: a patrol, finding or rotation
		}
		whatSt := p.st.Text
		if e.Action == model.ActSupervise || (e.Action == model.ActEscalate && e.Actor == model.System) {
			whatSt = p.st.Overdue
		}
		if i == t.cursor && focused {
			lines = append(lines, p.st.Selected.Render(p.g.Cursor+e.At.In(t.c.loc).Format("15:04:05")+" "+
				p.w.Fit(id, idW, p.g.More)+" "+p.w.Fit(describe(p.lab, e, p.g), whatW, p.g.More)+" "+
				p.w.FitRight(p.w.Trunc(actor(p.lab, e), whoW, p.g.More), whoW)))
			continue
		}
		lines = append(lines, " "+p.st.Dim.Render(e.At.In(t.c.loc).Format("15:04:05"))+" "+
			p.w.Fit(id, idW, p.g.More)+" "+
			whatSt.Render(p.w.Fit(describe(p.lab, e, p.g), whatW, p.g.More))+" "+
			p.st.Dim.Render(p.w.FitRight(p.w.Trunc(actor(p.lab, e), whoW, p.g.More), whoW)))
	}
	if len(evs) == 0 {
		lines = append(lines, p.st.Dim.Render(" "+p.w.Fit("-", inner-1, "")))
	}
	return p.box(t.Title(), "", lines, t.width, t.height+2, focused)
}
