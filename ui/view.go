package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// View draws the whole screen. Every line is exactly m.width columns.
func (m Model) View() string {
	if m.width == 0 {
		return ""
	}
	p := m.p
	if m.tooSmall() {
		msg := fmt.Sprintf(p.lab.TooSmall, m.width, m.height, MinWidth, MinHeight)
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
	if m.loadErr != nil {
		return p.w.Fit("gridcmd: "+m.loadErr.Error(), m.width, p.g.More)
	}
	left := vjoin(m.chain.View(p, m.w.inc, m.now, m.focus == paneChain && m.overlay == overlayNone),
		m.tower.View(p, &m.w, m.focus == paneTower && m.overlay == overlayNone))
	return vjoin(m.header(), hjoin(left, m.right()), m.footer())
}

// right is the right-hand column: the queue and the ticker, or whatever
// overlay or form is open.
func (m Model) right() string {
	p := m.p
	rightW := m.queue.width
	bodyH := m.height - 2
	if m.formActive {
		return p.box(m.form.title, "", m.form.View(p, rightW-2), rightW, bodyH, true)
	}
	switch m.overlay {
	case overlayDetail:
		return m.detail.View(p, &m.w, m.now)
	case overlayRoster:
		return m.roster.View(p, &m.w)
	case overlayHelp:
		return p.box(p.lab.Help, "? / esc", m.helpLines(rightW-2), rightW, bodyH, true)
	}
	return vjoin(m.queue.View(p, &m.w, m.now, m.focus == paneQueue),
		m.ticker.View(p, m.w.events, m.focus == paneEvents))
}

// header is the top line: town, mode, clock and the live key figures.
func (m Model) header() string {
	p := m.p
	town := ""
	if len(m.w.tower.Roots) > 0 {
		town = m.w.tower.Nodes[m.w.tower.Roots[0]].Name
	}
	mode := " " + p.lab.Peacetime + " "
	clock := m.now.In(m.opt.Location).Format("2006-01-02 15:04:05")
	passOn := "-"
	if m.ev.passOnN > 0 {
		passOn = age(m.ev.passOn)
	}
	figs := []string{
		fmt.Sprintf("%s %d", p.lab.Open, m.w.inc.open),
		fmt.Sprintf("%s %d", p.lab.Red, m.w.inc.red),
		fmt.Sprintf("%s %d", p.lab.EscPerHour, m.ev.escLastHour),
		fmt.Sprintf("%s %s", p.lab.PassOn, passOn),
	}
	if op, ok := m.w.byID[m.opt.Operator]; ok {
		figs = append(figs, p.lab.Operator+" "+op.Name)
	}
	lead := " " + town + "  " + p.lab.CommandRoom + "  "
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
	return p.st.Header.Render(lead) + p.st.HeaderMode.Render(mode) + p.st.Header.Render(p.w.Fit(rest, room, p.g.More))
}

// footer is the status line: a prompt, a flash, or the next keys.
func (m Model) footer() string {
	p := m.p
	switch {
	case m.confirm != "":
		return p.st.Prompt.Render(p.w.Fit(" "+m.confirm, m.width, p.g.More))
	case m.filterActive:
		return p.padStyled(" "+m.filterInput.View()+"  "+p.st.Dim.Render(m.say("enter keep  esc clear", "enter 保留  esc 清除")), m.width)
	case m.cmdActive:
		hint := ""
		if v := strings.TrimSpace(m.cmdInput.Value()); v != "" {
			if c := completeCommand(v); c != v {
				hint = "  tab " + c
			}
		}
		return p.padStyled(" "+m.cmdInput.View()+p.st.Dim.Render(hint), m.width)
	case m.flash.text != "":
		st := p.st.StatusInfo
		if m.flash.err {
			st = p.st.StatusError
		}
		return st.Render(p.w.Fit(" "+m.flash.text, m.width, p.g.More))
	}
	var b strings.Builder
	used := 0
	for _, k := range m.shortHelp() {
		h := k.Help()
		item := " " + h.Key + " " + h.Desc + " "
		if used+p.w.Of(item) > m.width {
			break
		}
		b.WriteString(p.st.Key.Render(" "+h.Key) + p.st.KeyDesc.Render(" "+h.Desc+" "))
		used += p.w.Of(item)
	}
	return b.String() + strings.Repeat(" ", m.width-used)
}

// shortHelp is the footer's keys for what has focus now.
func (m Model) shortHelp() []key.Binding {
	k := m.keys
	switch {
	case m.overlay == overlayDetail:
		return []key.Binding{k.Back, k.Down, k.Ack, k.Escalate, k.EscalateTo, k.Dispatch, k.Resolve, k.Reopen, k.Close, k.Help, k.Quit}
	case m.overlay != overlayNone:
		return []key.Binding{k.Back, k.Down, k.Up, k.Help, k.Quit}
	case m.focus == paneTower:
		return []key.Binding{k.NextPane, k.Down, k.Open, k.Collapse, k.Expand, k.Command, k.New, k.Help, k.Quit}
	}
	return k.ShortHelp()
}

func (m Model) helpLines(inner int) []string {
	p := m.p
	groups := m.keys.FullHelp()
	colW := inner / len(groups)
	keyW := 10
	var out []string
	out = append(out, "")
	rows := 0
	for _, g := range groups {
		rows = max(rows, len(g))
	}
	for r := 0; r < rows; r++ {
		var b strings.Builder
		used := 0
		for _, g := range groups {
			cell := ""
			if r < len(g) {
				h := g[r].Help()
				cell = " " + p.st.Key.Render(p.w.Fit(h.Key, keyW, "")) + " " + p.st.KeyDesc.Render(p.w.Fit(h.Desc, colW-keyW-2, p.g.More))
			} else {
				cell = strings.Repeat(" ", colW)
			}
			b.WriteString(cell)
			used += colW
		}
		out = append(out, p.padStyled(b.String(), inner))
	}
	out = append(out, "")
	cmds := m.say(" :incidents :tower :roster :chain :events :help :q  (tab completes)",
		" :incidents :tower :roster :chain :events :help :q （tab 补全）")
	out = append(out, p.st.Dim.Render(p.w.Fit(cmds, inner, p.g.More)))
	return out
}
