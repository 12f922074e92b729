package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"gridcmd/model"
)

// message is a screen that says one thing, wrapped, from its middle line.
func (m Model) message(msg string) string {
	p := &m.p
	lines := make([]string, m.height)
	for i := range lines {
		lines[i] = strings.Repeat(" ", m.width)
	}
	for i, l := range wrap(p.w, msg, m.width) {
		if m.height/2+i < m.height {
			lines[m.height/2+i] = p.w.Fit(l, m.width, "")
		}
	}
	return strings.Join(lines, "\n")
}

// View draws the whole screen. Every line is exactly m.width columns.
func (m Model) View() string {
	if m.width == 0 {
		return ""
	}
	p := &m.p
	if m.tooSmall() {
		return m.message(fmt.Sprintf(p.lab.TooSmall, m.width, m.height, MinWidth, MinHeight))
	}
	if m.loadErr != nil {
		return m.message("gridcmd: " + m.errText(m.loadErr))
	}
	left := vjoin(m.ring[paneChain].View(), m.tower.View())
	return vjoin(m.header(), hjoin(left, m.right()), m.footer())
}

// right is the right-hand column: the queue and the ticker (and the
// directive in wartime), or whatever overlay or form is open.
func (m Model) right() string {
	if m.formActive {
		return m.p.box(m.form.title, "", m.form.View(&m.p, m.rightW-2), m.rightW, m.bodyH, true)
	}
	if m.overlay != overlayNone {
		return m.overlays[m.overlay].View()
	}
	if m.wt.active() {
		return vjoin(m.queue.View(), m.dir.View(), m.ticker.View())
	}
	if m.aboveTowns() {
		return vjoin(m.towns.View(), m.queue.View(), m.ticker.View())
	}
	return vjoin(m.queue.View(), m.ticker.View())
}

// header is the top line: town, mode, clock and the live key figures.
func (m Model) header() string {
	p := &m.p
	town, roomName := m.room()
	mode, modeSt := " "+p.lab.Peacetime+" ", p.st.HeaderMode
	if a := m.wt.status.Active; a.Active() {
		mode = " " + p.lab.Wartime + " " + m.wl.Reason[a.Reason] + " " + m.wl.Since + " " + a.Since.In(m.opt.Location).Format("15:04")
		if a.Drill {
			mode += " " + m.wl.Drill
		}
		mode += " "
		modeSt = p.st.HeaderWartime
	} else if n := len(m.wt.status.Towns); n > 0 {
		// A room above the towns: wartime is per town.
		mode = " " + p.lab.Wartime + " " + fmt.Sprintf(m.say("%d towns", "%d 个镇街"), n) + " "
		modeSt = p.st.HeaderWartime
	}
	if !m.seat.Acts() {
		mode += p.lab.ReadOnly + " "
	}
	if m.feedDown {
		mode += p.lab.FeedDown + " "
		modeSt = p.st.HeaderWartime
	}
	layout := "2006-01-02 15:04:05"
	if m.opt.Tick >= time.Minute && m.rp == nil {
		layout = "2006-01-02 15:04"
	}
	clock := m.now.In(m.opt.Location).Format(layout)
	passOn := "-"
	if m.ev.passOnN > 0 {
		passOn = model.FormatWait(m.ev.passOn)
	}
	figs := []string{
		fmt.Sprintf("%s %d", p.lab.Open, m.w.inc.open),
		fmt.Sprintf("%s %d", p.lab.Red, m.w.inc.red),
		fmt.Sprintf("%s %d", p.lab.EscPerHour, m.ev.escLastHour),
		fmt.Sprintf("%s %s", p.lab.PassOn, passOn),
	}
	duty := m.dutyFigures()
	if len(duty) > 0 {
		// The schedule's officer on duty (and the next one) before the
		// esc/h and pass-on figures: they go first when room runs out.
		figs = append(figs[:2], append(duty, figs[2:]...)...)
	}
	var lead string
	if m.seat.Level() > model.LevelTown {
		// A seat of a room below the town (a village's, a grid's): the
		// room by its name, and whose seat it is; the figures go before
		// the room's name does, and the name before the clock.
		if op := m.seat.Person; op.Name != "" {
			roomName += " " + p.g.Dot + " " + op.Name
		}
		lead = " " + town + "  " + roomName + "  "
		if p.w.Of(lead)+p.w.Of(mode)+2+p.w.Of(clock)+1 > m.width {
			lead = " " + town + "  "
		}
	} else {
		if op := m.seat.Person; op.Name != "" && len(duty) == 0 && m.rp == nil {
			figs = append(figs, p.lab.Operator+" "+op.Name)
		}
		lead = " " + town + "  " + roomName + "  "
		if roomName == "" {
			lead = " " + town + "  "
		}
		if p.w.Of(lead)+p.w.Of(mode)+2+p.w.Of(clock)+2+p.w.Of(strings.Join(figs, "  "))+1 > m.width {
			lead = " " + town + "  " // the room's name goes before the clock and the figures do
		}
	}
	// Drop figures from the right until the line fits.
	for len(figs) > 0 {
		if p.w.Of(lead)+p.w.Of(mode)+2+p.w.Of(clock)+2+p.w.Of(strings.Join(figs, "  "))+1 <= m.width {
			break
		}
		figs = figs[:len(figs)-1]
	}
	rest := "  " + clock + "  " + strings.Join(figs, "  ")
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

// footer is the status line: a prompt, a flash, or the next keys.
func (m Model) footer() string {
	p := &m.p
	switch {
	case m.confirm != "":
		return p.st.Prompt.Render(p.w.Fit(" "+m.confirm, m.width, p.g.More))
	case m.filterActive:
		return m.fitLine(" " + m.filterInput.View() + "  " + p.st.Dim.Render(m.say("enter keep  esc clear", "enter 保留  esc 清除")))
	case m.cmdActive:
		hint := ""
		if v := strings.TrimSpace(m.cmdInput.Value()); v != "" {
			if c := m.cmds.complete(m, v); c != v {
				hint = "  tab " + c
			}
		}
		return m.fitLine(" " + m.cmdInput.View() + p.st.Dim.Render(hint))
	case m.flash.text != "":
		st := p.st.StatusInfo
		if m.flash.err {
			st = p.st.StatusError
		}
		return st.Render(p.w.Fit(" "+m.flash.text, m.width, p.g.More))
	case m.rp != nil && m.overlay == overlayNone:
		return m.replayFooter()
	}
	// The last two keys (help, quit) always show; the others as room allows.
	keys := m.shortHelp()
	item := func(k key.Binding) (string, int) {
		h := k.Help()
		return p.st.Key.Render(" "+h.Key) + p.st.KeyDesc.Render(" "+h.Desc+" "), p.w.Of(" " + h.Key + " " + h.Desc + " ")
	}
	tail, tailW := "", 0
	for _, k := range keys[max(len(keys)-2, 0):] {
		s, w := item(k)
		tail, tailW = tail+s, tailW+w
	}
	if !m.seat.Acts() {
		// A read-only seat says why, and what to do, where the keys were:
		// whole, before the help and quit keys if they leave it room.
		why := " " + m.errText(m.seat.ReadOnly)
		if p.w.Of(why)+tailW <= m.width {
			return p.st.StatusError.Render(p.w.Fit(why, m.width-tailW, "")) + tail
		}
		return p.st.StatusError.Render(p.w.Fit(why, m.width, p.g.More))
	}
	var b strings.Builder
	used := 0
	for _, k := range keys[:max(len(keys)-2, 0)] {
		s, w := item(k)
		if used+w+tailW > m.width {
			break
		}
		b.WriteString(s)
		used += w
	}
	if used+tailW > m.width {
		return p.w.Fit("", m.width, "")
	}
	return b.String() + tail + strings.Repeat(" ", m.width-used-tailW)
}

// fitLine pads a styled status line to the width, or, should it be too
// wide, cuts its plain text: a line may never wrap.
func (m Model) fitLine(s string) string {
	if m.p.ofStyled(s) > m.width {
		return m.p.w.Fit(ansi.Strip(s), m.width, m.p.g.More)
	}
	return m.p.padStyled(s, m.width)
}

// shortHelp is the footer's keys: those of the open overlay, else of the
// focused pane.
func (m Model) shortHelp() []key.Binding {
	if m.overlay != overlayNone {
		return m.overlays[m.overlay].ShortHelp()
	}
	return m.ring[m.focus].ShortHelp()
}

// wordWrap breaks s at spaces into lines of at most n cells; a word longer
// than a line is left for the caller's Fit to cut.
func wordWrap(w Width, s string, n int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case w.Of(line)+1+w.Of(word) <= n:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	return append(out, line)
}
