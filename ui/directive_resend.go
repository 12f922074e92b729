package ui

import (
	"context"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// resend resends directive id to its silent units within node within (""
// all of them).
func resend(svc model.Service, id string, within model.NodeCode, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		n, err := svc.ResendDirective(context.Background(), id, within, by)
		return resentMsg{id: id, n: n, err: err}
	}
}

// resendWithin is the node R resends within: a room below the town (a
// village's, a grid's) its own node, so that it resends to its own silent
// units and leaves the others to the room above; the town's room, and a
// room above the towns, "" (every silent unit of the directive).
func (m Model) resendWithin() model.NodeCode {
	if m.seat.Level() > model.LevelTown {
		return m.scope
	}
	return ""
}

// onResendKey asks before R resends the directive shown to its silent
// units within the seat's room (resendWithin), naming how many and where.
func (m Model) onResendKey() (tea.Model, tea.Cmd) {
	if err := m.mayNotDirect(); err != nil { // a micro-grid's seat resends none (model.MayResend)
		return m.flashErr(err)
	}
	cur, ok := m.dir.current()
	if !ok {
		return m.flashErr(refusal(model.ECONFLICT, "no directive to resend", "没有可重发的指令"))
	}
	silent := 0
	for _, u := range cur.units {
		if !u.Signed() {
			silent++
		}
	}
	if err := m.mayNotResend(cur, silent); err != nil {
		return m.flashErr(err)
	}
	by, id, within := m.seat.Person.ID, cur.d.ID, m.resendWithin()
	return m.ask(m.resendQuestion(cur, silent, within), func(m Model) (Model, tea.Cmd) { return m, resend(m.svc, id, within, by) })
}

// resendQuestion is R's question: the directive and how many silent
// units; resending within a room, that room, and how many beyond it are
// left to the room above.
func (m Model) resendQuestion(cur wtDirective, silent int, within model.NodeCode) string {
	verb, text := m.p.lab.Verb[model.ActResend], m.p.w.Trunc(cur.d.Text, 20, m.p.g.More)
	if within == "" {
		return fmt.Sprintf(m.say("%s %s %s to its %d silent micro-grids?", "向 %[2]s %[3]s 的 %[4]d 个未签收微网格%[1]s？"),
			verb, cur.d.ID, text, silent)
	}
	where := m.w.nameOf(within)
	q := m.say(fmt.Sprintf("%s %s %s to the %d silent micro-grids of %s?", verb, cur.d.ID, text, silent, where),
		zhSpaced("向", where, fmt.Sprintf("的 %d 个未签收微网格%s %s %s？", silent, verb, cur.d.ID, text)))
	if cur.beyond > 0 {
		q += m.say(fmt.Sprintf(" (%d more outside it: the room above's)", cur.beyond),
			"（"+zhSpaced(where, fmt.Sprintf("以外另有 %d 个，由上级指挥室重发）", cur.beyond)))
	}
	return q
}

// mayNotResend is why R may not resend directive cur with silent of its
// units in the seat's scope not signed, nil when it may (on a hub, a
// federated town's own directive is the town's to resend). It never says
// every unit has signed about units the seat cannot see: a room below the
// town resends within its own node, and says so of it.
func (m Model) mayNotResend(cur wtDirective, silent int) error {
	room := m.w.nameOf(m.scope)
	switch {
	case cur.d.Fed != "" && cur.d.Command == 0: // a hub's copy of a town's own directive: the town resends it
		return model.FedResendRefused(cur.d.ID, cur.d.Fed, m.w.nameOf(cur.d.Targets[0].Town()))
	case silent == 0 && cur.d.Units > len(cur.units):
		return refusal(model.ECONFLICT, fmt.Sprintf("%s: every micro-grid of %s has signed; nothing to resend", cur.d.ID, room),
			cur.d.ID+"："+zhSpaced(room, "的微网格均已签收，无需重发"))
	case silent == 0:
		return refusal(model.ECONFLICT, cur.d.ID+": every unit has signed; nothing to resend", cur.d.ID+"：所有单元均已签收，无需重发")
	}
	return nil
}
