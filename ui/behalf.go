package ui

import (
	"context"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// signedForMsg is the store's answer to signing for a unit on its behalf.
type signedForMsg struct {
	id       string
	u        model.DirectiveUnit
	err      error
	progress bool // a progress report's (reportProgress), not a signature's
}

func (m signedForMsg) failed() error { return m.err }

// signFor signs for directive id's micro-grid unit as by, through the
// service the field API's ack uses (SignDirective: by not one of the
// unit's own signs on its behalf, 代签).
func signFor(svc model.Service, id string, unit model.NodeCode, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		u, err := svc.SignDirective(context.Background(), id, unit, by)
		return signedForMsg{id: id, u: u, err: err}
	}
}

// askSignFor asks before signing for a micro-grid on its behalf (b in the
// village's rows of the directive pane), naming the unit and its worker;
// what the rules refuse is refused before the question (mayNotSignFor).
// On the seat's own unit b signs as the unit itself (askSignOwn) and p
// reports its progress (openProgressForm).
func (m Model) askSignFor(msg signForMsg) (tea.Model, tea.Cmd) {
	if cur, ok := m.dir.current(); ok && cur.d.ID == msg.id && cur.d.Fed != "" { // a hub's copy of a town's directive
		return m.flashErr(model.FedDirectiveCopy(cur.d.ID, cur.d.Fed, m.w.nameOf(cur.d.Targets[0].Town())))
	}
	switch {
	case msg.progress:
		return m.openProgressForm(msg)
	case msg.own:
		return m.askSignOwn(msg)
	}
	if err := m.mayNotSignFor(msg.unit); err != nil {
		return m.flashErr(err)
	}
	by, id, unit := m.seat.Person.ID, msg.id, msg.unit.Unit
	name := m.w.microName(unit)
	what, whatZh := name, name+" "
	switch {
	case msg.gap: // named once: 上京岭村 01-03（空缺）
		what, whatZh = name+" (gap)", name+"（空缺）"
	case msg.worker != "":
		what, whatZh = name+" ("+msg.worker+")", name+"（"+msg.worker+"）"
	}
	text := m.p.w.Trunc(msg.text, 20, m.p.g.More)
	return m.ask(m.say(fmt.Sprintf("sign %s %s on behalf of %s?", id, text, what), fmt.Sprintf("代 %s签收 %s %s？", whatZh, id, text)),
		func(m Model) (Model, tea.Cmd) { return m, signFor(m.svc, id, unit, by) })
}

// mayNotSignFor is why the seat may not sign for unit on its behalf, nil
// when it may: what refuses any signature (mayNotSign), or a unit signed
// already. The unit's own people sign as themselves (askSignOwn), not on
// its behalf: the pane sends them there (ownUnit).
func (m Model) mayNotSignFor(u model.DirectiveUnit) error {
	if err := m.mayNotSign(u); err != nil {
		return err
	}
	if u.Signed() {
		name, at := m.w.microName(u.Unit), u.SignedAt.In(m.loc).Format("15:04")
		return refusal(model.ECONFLICT, fmt.Sprintf("%s signed at %s already", name, at), fmt.Sprintf("%s 已于 %s 签收", name, at))
	}
	return nil
}

// mayNotSign is why the seat may not sign for unit or report its progress
// at all, its own or on its behalf, nil when it may: a seat that may not
// act (read-only, the link cut, a replay), a signer the unit is not under
// (the store's rule, model.MaySignFor, said here with names: a cadre
// signs for their own village's micro-grids).
func (m Model) mayNotSign(u model.DirectiveUnit) error {
	if err := m.mayAct(); err != nil {
		return err
	}
	if m.rp != nil {
		return refusal(model.ECONFLICT, "a replay is read-only: esc back to the live console to act", "回放为只读：按 esc 回到实时值守再操作")
	}
	if p, name := m.seat.Person, m.w.microName(u.Unit); model.MaySignFor(p, u.Unit, m.workerOf(u.Unit), nil) != nil {
		return refusal(model.EFORBIDDEN, fmt.Sprintf("%s (%s) may act only within %s; %s is outside it", p.ID, p.Name, m.w.nameOf(p.Scope()), name),
			fmt.Sprintf("%s（%s）只能在 %s 内操作；%s 不在其中", p.ID, p.Name, m.w.nameOf(p.Scope()), name))
	}
	return nil
}

// workerOf is micro-grid unit's wartime worker (its own or the reserve
// drafted into it), 0 for a gap.
func (c *common) workerOf(unit model.NodeCode) model.PersonID {
	for _, u := range c.wt.status.Units {
		if u.MicroGrid == unit {
			return u.Worker
		}
	}
	return 0
}

// onSignedFor says the unit is signed for, and by whom.
func (m Model) onSignedFor(msg signedForMsg) (tea.Model, tea.Cmd) {
	if msg.progress {
		return m.onProgressed(msg)
	}
	name := m.w.microName(msg.u.Unit)
	if by := msg.u.SignedBy; by != m.seat.Person.ID {
		// Signed by someone else meanwhile: the store gave back their
		// signature, which this seat did not make.
		at := msg.u.SignedAt.In(m.loc).Format("15:04")
		return m.flashInfo(m.say(fmt.Sprintf("%s: %s had signed already at %s (%s)", msg.id, name, at, m.personText(by)),
			fmt.Sprintf("%s：%s 已于 %s 签收（%s）", msg.id, name, at, m.personText(by))))
	}
	if !msg.u.OnBehalf {
		return m.flashInfo(m.say(fmt.Sprintf("%s: %s signed", msg.id, name), fmt.Sprintf("%s：%s 已签收", msg.id, name)))
	}
	return m.flashInfo(m.say(fmt.Sprintf("%s: signed on behalf of %s", msg.id, name), fmt.Sprintf("%s：已代 %s 签收", msg.id, name)))
}
