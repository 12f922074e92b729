package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// Who is on duty in the seat's room (the duty schedule): the header shows
// the officer on duty (both, until a handover is signed for) and the next
// one with the time left. The console reads it at start, after every
// event about shifts or handovers, and when the clock passes a handoff.

// dutyMsg is the seat room's duty at a time.
type dutyMsg struct {
	rd  model.RoomDuty
	at  time.Time // zero: now
	err error
}

// loadDuty reads room's duty at at (zero: now).
func loadDuty(svc model.Service, room model.NodeCode, at time.Time) tea.Cmd {
	if room == "" {
		return nil
	}
	return func() tea.Msg {
		rds, err := svc.Duty(context.Background(), room, at)
		if err != nil || len(rds) == 0 {
			return dutyMsg{at: at, err: err}
		}
		return dutyMsg{rd: rds[0], at: at}
	}
}

// dutyRoom is the seat's room: its village's room for a seat in a
// village, else its town's (the first town of the tower for the whole
// tower).
func (m Model) dutyRoom() model.NodeCode {
	switch {
	case m.scope.Village() != "":
		return m.scope.Village()
	case m.scope != "":
		return m.scope.Town()
	case len(m.w.tower.Roots) > 0:
		return m.w.tower.Roots[0].Town()
	case len(m.rpNodes()) > 0:
		return m.rpNodes()[0].Code.Town()
	}
	return ""
}

func (m Model) rpNodes() []model.Node {
	if m.rp == nil {
		return nil
	}
	return m.rp.nodes
}

// isDutyEvent reports whether an event changes who is on duty.
func isDutyEvent(e model.Event) bool {
	switch e.Action {
	case model.ActShift, model.ActShiftSwap, model.ActHandover, model.ActHandoverAccept:
		return true
	}
	return false
}

// onDuty takes the room's duty; at a shift change it shows the outgoing
// officer (the operator) the handover sheet to give, and the incoming one
// (the operator) the handover waiting to be signed for, once each.
func (m Model) onDuty(msg dutyMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		return m.flashErr(msg.err)
	}
	if (m.rp != nil) == msg.at.IsZero() {
		return m, nil // the live console's answer in a replay, or a replay's after it
	}
	if msg.rd.Room != "" && msg.rd.Room != m.dutyRoom() {
		return m, nil // the room turned since: its own is on its way
	}
	m.duty, m.dutyLoaded = msg.rd, true
	if m.rp != nil || m.seat.Person.ID == 0 || m.inputActive() || m.q.active() {
		return m, nil
	}
	rd := msg.rd
	switch {
	case rd.Pending.Made() && rd.Pending.Incoming == m.seat.Person.ID && m.autoShown != "accept/"+rd.Pending.ID:
		m.autoShown = "accept/" + rd.Pending.ID
		return m, loadHandovers(m.svc, rd.Room)
	case rd.Outgoing.Scheduled() && rd.Outgoing.Person == m.seat.Person.ID && !rd.Pending.Made() &&
		m.autoShown != "give/"+rd.Outgoing.ID:
		m.autoShown = "give/" + rd.Outgoing.ID
		return m, previewHandover(m.svc, rd.Room, "", m.seat.Person.ID)
	}
	return m, nil
}

// dutyDue reports whether the clock has passed a handoff since the duty
// was read: the running shift ended, or the next began.
func (m Model) dutyDue(now time.Time) bool {
	if !m.dutyLoaded {
		return false
	}
	rd := m.duty
	return rd.Current.Scheduled() && !now.Before(rd.Current.To) || rd.Next.Scheduled() && !now.Before(rd.Next.From)
}

// dutyFigures are the header's figures of the schedule: who is on duty
// (and who hands over, until it is signed for), who is next and when; or,
// the schedule run out, that nobody is on duty since its last shift ended
// (as the wartime chain counts the room unstaffed). None when the room has
// no schedule.
func (m Model) dutyFigures() []headerFigure {
	rd := m.duty
	switch {
	case !m.dutyLoaded || !rd.Current.Scheduled() && !rd.Next.Scheduled() && !rd.Ended.Scheduled():
		return nil
	case !rd.Current.Scheduled() && !rd.Next.Scheduled():
		bare := m.say("nobody on duty", "无人值班")
		end := rd.Ended.To.In(m.opt.Location)
		layout := "15:04"
		if !sameDay(end, m.now.In(m.opt.Location)) {
			layout = "01-02 15:04"
		}
		return []headerFigure{{text: bare + m.say(" (schedule ended "+end.Format(layout)+")", "（排班 "+end.Format(layout)+" 已结束）"),
			rank: 1, short: bare, shortRank: 3}}
	}
	on := "-"
	if rd.Current.Scheduled() {
		on = rd.Current.Name
	}
	if rd.Outgoing.Scheduled() {
		on += m.say("+"+rd.Outgoing.Name+" (handing over)", "+"+rd.Outgoing.Name+"（交接中）")
	}
	// Who is next gives way before the figures the article measures; who
	// is on duty after them.
	figs := []headerFigure{{text: m.say("duty ", "值班 ") + on, rank: 1}}
	if rd.Next.Scheduled() {
		figs = append(figs, headerFigure{text: m.say("next ", "下一班 ") + rd.Next.Name + " " + m.wait(rd.Next.From.Sub(m.now)), rank: 3})
	}
	return figs
}
