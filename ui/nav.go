package ui

import (
	"context"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// The way back: each step the operator takes to another view (an incident
// opened, the queue cut to a tier, a filter kept, an overlay opened by a
// ':' command) pushes where they were, and esc goes back one step. The
// places on the way show as a breadcrumb before the title of what they
// look at (common.trail). With nowhere to go back to, esc closes the
// overlay, else clears the filter, else the tower's scope.

// place is where the operator was.
type place struct {
	focus   paneID
	overlay overlayID
	filter  string
	detail  model.Incident // the incident in the detail, when it was open
	label   string
}

// maxBack is how many steps back are kept.
const maxBack = 16

// here is the place the operator is at.
func (m Model) here() place {
	pl := place{focus: m.focus, overlay: m.overlay, filter: m.queue.filter}
	switch m.overlay {
	case overlayDetail:
		pl.detail = m.detail.inc
		pl.label = briefID(m.detail.id, m.p.g.More)
	case overlayNone:
		pl.label = m.ring[m.focus].Title()
		if m.focus == paneQueue {
			pl.label = queueLabel(m.p.lab, m.queue.filter, m.trailQueue)
		}
	default:
		pl.label = m.overlays[m.overlay].Title()
	}
	// The label is the place's own name, not its way back.
	if i := strings.LastIndex(pl.label, " "+m.p.g.Crumb+" "); i >= 0 {
		pl.label = pl.label[i+len(" "+m.p.g.Crumb+" "):]
	}
	return pl
}

// push notes the place the operator is leaving.
func (m Model) push() Model {
	return m.pushPlace(m.here())
}

func (m Model) pushPlace(pl place) Model {
	m.back = append(m.back, pl)
	if len(m.back) > maxBack {
		m.back = append([]place(nil), m.back[len(m.back)-maxBack:]...)
	}
	m.setTrail()
	return m
}

func (m Model) setTrail() {
	m.trail = m.trail[:0]
	for _, pl := range m.back {
		m.trail = append(m.trail, pl.label)
	}
	last := len(m.back) - 1
	m.trailQueue = last >= 0 && m.back[last].focus == paneQueue && m.back[last].overlay == overlayNone
}

// goBack is esc: one step back, or, with none, what esc did alone.
func (m Model) goBack() (Model, tea.Cmd) {
	if len(m.back) == 0 {
		return m.back1(), nil
	}
	pl := m.back[len(m.back)-1]
	m.back = m.back[:len(m.back)-1]
	m.setTrail()
	m.focus, m.overlay = pl.focus, pl.overlay
	if pl.filter != m.queue.filter {
		m.tell(m.queue, filterMsg{text: pl.filter})
	}
	if pl.overlay == overlayDetail && pl.detail.ID != "" {
		m.tell(m.detail, showIncidentMsg{pl.detail})
		return m, loadTimeline(m.svc, pl.detail.ID)
	}
	return m, tea.Batch(m.wantClosed(), m.sheetBack())
}

// back1 closes the overlay, else clears the queue's filter, else its
// scope.
func (m Model) back1() Model {
	switch {
	case m.overlay != overlayNone:
		m.overlay = overlayNone
	case m.queue.filter != "":
		m.tell(m.queue, filterMsg{})
	case m.queue.scope != "":
		m.tell(m.queue, scopeMsg{})
	}
	return m
}

// selectedIncident is the incident actions apply to: the one open in the
// detail view (closed ones too), else the one under the queue's cursor.
func (m Model) selectedIncident() (model.Incident, bool) {
	if m.overlay == overlayDetail {
		if inc, ok := m.w.find(m.detail.seq); ok {
			return inc, true
		}
		return m.detail.inc, m.detail.inc.ID != ""
	}
	seq, ok := m.queue.selected()
	if !ok {
		return model.Incident{}, false
	}
	return m.w.find(seq)
}

// openDetail shows incident seq (or id, read from the store when the
// console does not hold it) in the detail overlay and loads its timeline;
// where the operator was is the way back.
func (m Model) openDetail(seq uint64, id string) (tea.Model, tea.Cmd) {
	inc, ok := m.w.find(seq)
	if !ok {
		if s, held := m.w.byRef[id]; held {
			inc, ok = m.w.find(s)
		}
	}
	if !ok {
		if id == "" {
			return m, nil
		}
		return m, showIncident(m.svc, id)
	}
	return m.showDetail(inc)
}

func (m Model) showDetail(inc model.Incident) (tea.Model, tea.Cmd) {
	if m.overlay != overlayDetail || m.detail.id != inc.ID {
		m = m.push()
	}
	m.tell(m.detail, showIncidentMsg{inc})
	m.overlay = overlayDetail
	return m, loadTimeline(m.svc, inc.ID)
}

// shownMsg: an incident read from the store for :show, closed ones too.
type shownMsg struct {
	inc model.Incident
	err error
}

func showIncident(svc model.Service, id string) tea.Cmd {
	return func() tea.Msg {
		inc, err := svc.Incident(context.Background(), id)
		return shownMsg{inc: inc, err: err}
	}
}

func (m Model) onShown(msg shownMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		return m.flashErr(msg.err)
	}
	if !inScope(m.scope, msg.inc.Node) {
		return m.flashErr(refusal(model.ENOTFOUND, "no incident "+msg.inc.ID+" here", "本范围内没有事件 "+msg.inc.ID))
	}
	return m.showDetail(msg.inc)
}

// filterTier shows what waits at tier: the queue, filtered to it.
func (m Model) filterTier(t model.Tier) (tea.Model, tea.Cmd) {
	m = m.push()
	text := "tier:" + string(t)
	if m.p.lab.Lang == "zh" {
		text = "层级:" + m.p.lab.Tier[t]
	}
	m.overlay, m.focus = overlayNone, paneQueue
	m.filterInput.SetValue(text)
	m.tell(m.queue, filterMsg{text: text, top: true})
	return m, nil
}
