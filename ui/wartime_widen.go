package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// Widening a running wartime from the town room (扩大战时范围): W while the
// wartime covers part of the town (a village's room began it) opens a
// small choice, widen it to the whole town (or take in the village chosen
// in the tower) or end it, and the y/n question after it names what the
// widening takes in and what carries on. The store's rule (model.Widen,
// MayCommand on the new scope) is asked first, so a refusal comes before
// the question.

type widenedMsg struct {
	act model.Activation
	err error
}

func (m widenedMsg) failed() error { return m.err }

func widen(svc model.Service, id string, scope []model.NodeCode, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		a, err := svc.Widen(context.Background(), id, scope, by)
		return widenedMsg{act: a, err: err}
	}
}

// The running form's choices.
const (
	runWidenTown    = "town"    // widen to the whole town
	runWidenVillage = "village" // take in the village chosen in the tower
	runEnd          = "end"     // end it
)

// runningForm is the choice W offers over a running wartime that covers
// part of the seat's town, where the seat may command the whole town (the
// town room; a village cadre's W asks to end their own as before): widen
// it to the town, take in the village chosen in the tower when it is
// outside, or end it. ok is false where W asks to end it straight away.
func (m Model) runningForm() (form, bool) {
	a, town := m.wt.status.Active, m.town()
	if m.aboveTowns() || m.seat.Level() > model.LevelTown || town == "" || town.Level() != model.LevelTown ||
		len(a.Scope) == 0 || a.Scope[0].Town() != town || a.Covers(town) ||
		model.MayCommand(m.seat.Person, []model.NodeCode{town}, "scope", nil) != nil {
		return form{}, false
	}
	values := []string{runWidenTown}
	shown := []string{m.say("widen to the whole town", "扩至全镇")}
	if sel := m.tower.selected(); sel.Level() == model.LevelVillage && !a.Covers(sel) {
		values = append(values, runWidenVillage)
		shown = append(shown, m.say("take in "+m.w.nameOrCode(sel), "纳入"+m.w.nameOrCode(sel)))
	}
	values = append(values, runEnd)
	shown = append(shown, m.say("end it", "结束战时"))
	since := a.Since.In(m.opt.Location).Format("01-02 15:04")
	part := partScope(a, m.nodeName, m.say("%d villages", "%d 个村社"))
	// Short enough for the form's box at 80 columns; the header says the
	// reason, the question the rest.
	title := m.say(fmt.Sprintf("%s over %s, since %s", a.ID, part, since), fmt.Sprintf("%s的战时 %s（自 %s）", part, a.ID, since))
	return newForm(formRunning, title, a.ID, newChoiceField("do", m.say("do", "操作"), values, shown, 0)), true
}

// submitRunning asks about the choice made in the running form: to end
// the wartime, as W asks elsewhere; to widen it, what the widening takes
// in and what carries on, after the rules (a refusal on the form). n goes
// back to the form.
func (m Model) submitRunning(v map[string]string) (tea.Model, tea.Cmd, error) {
	a, by := m.wt.status.Active, m.seat.Person.ID
	if !a.Active() || a.ID != m.form.target {
		return m, nil, refusal(model.ECONFLICT, fmt.Sprintf("%s is no longer active", m.form.target), fmt.Sprintf("%s 已不在运行", m.form.target))
	}
	if v["do"] == runEnd {
		mm, c := m.askForm(m.endQuestion(a), func(m Model) (Model, tea.Cmd) { return m, deactivate(m.svc, a.ID, by) })
		return mm, c, nil
	}
	to := []model.NodeCode{m.town()}
	if v["do"] == runWidenVillage {
		to = []model.NodeCode{m.tower.selected()}
	}
	wider, _, err := a.Widen(to, by, m.now, m.w.nameOrCode)
	if err != nil {
		return m, nil, err
	}
	if err := model.MayCommand(m.seat.Person, wider.Scope, "do", m.w.nameOrCode); err != nil {
		return m, nil, err
	}
	q, detail, err := m.widenQuestion(a, wider)
	if err != nil {
		return m, nil, err
	}
	mm, c := m.askFormDetail(q, detail, func(m Model) (Model, tea.Cmd) { return m, widen(m.svc, a.ID, to, by) })
	return mm, c, nil
}

// widenQuestion asks to widen a to wider's scope, naming what it takes in
// (villages, micro-grids, households, from the tower) and, as its detail,
// what carries on: the micro-grids on duty, each directive with its
// signatures, the drafted reserves.
func (m Model) widenQuestion(a, wider model.Activation) (q, detail string, err error) {
	now, err := m.w.tower.Cover(a.Scope)
	if err != nil {
		return "", "", err
	}
	then, err := m.w.tower.Cover(wider.Scope)
	if err != nil {
		return "", "", err
	}
	from, to := m.placeNames(a.Scope), m.placeNames(wider.Scope)
	if wider.Covers(m.town()) {
		to = m.say("the whole town", "全镇")
	}
	villages, micro, hh := then.Villages-now.Villages, then.MicroGrids()-now.MicroGrids(), then.Households-now.Households
	q = m.say(fmt.Sprintf("widen wartime %s from %s to %s, taking in %d villages, %d micro-grids, %d households?", a.ID, from, to, villages, micro, hh),
		fmt.Sprintf("扩大战时 %s：由%s扩至%s，新增 %d 个村社、%d 个微网格、%d 户？", a.ID, from, to, villages, micro, hh))
	var runs []string
	for _, d := range m.wt.directives {
		runs = append(runs, m.say(fmt.Sprintf("%s %d/%d signed", d.d.ID, d.sum.Signed, d.sum.Units),
			fmt.Sprintf("%s 已签 %d/%d", d.d.ID, d.sum.Signed, d.sum.Units)))
	}
	runs = append(runs, m.say(fmt.Sprintf("%d drafted reserves", len(model.Drafted(m.wt.status.Drafts))),
		fmt.Sprintf("征调储备 %d 人", len(model.Drafted(m.wt.status.Drafts)))))
	detail = m.say("carrying on: "+fmt.Sprintf("%d micro-grids on duty, ", m.wt.status.Staffed)+strings.Join(runs, ", "),
		"照常运行："+fmt.Sprintf("在岗微网格 %d 个、", m.wt.status.Staffed)+strings.Join(runs, "、"))
	return q, detail, nil
}

// onWidened says what the wartime covers now, and reads it again.
func (m Model) onWidened(msg widenedMsg) (tea.Model, tea.Cmd) {
	where := m.placeNames(msg.act.Scope)
	if msg.act.Covers(m.town()) {
		where = m.say("the whole town", "全镇")
	}
	mm, c := m.flashInfo(m.say(fmt.Sprintf("%s widened to %s: %d villages, %d micro-grids, %d households; its directives carry on", msg.act.ID, where, msg.act.Villages, msg.act.MicroGrids, msg.act.Households),
		fmt.Sprintf("%s 已扩至%s：%d 个村社、%d 个微网格、%d 户；指令照常运行", msg.act.ID, where, msg.act.Villages, msg.act.MicroGrids, msg.act.Households)))
	return mm, tea.Batch(c, loadWartime(m.svc, m.scope))
}

// coveredThen keeps the micro-grids of st that its activation covers, as
// a replay has it before a widening (Activation.AsOf), and counts them
// again.
func coveredThen(st model.WartimeStatus) model.WartimeStatus {
	st.Units = slices.DeleteFunc(slices.Clone(st.Units), func(u model.UnitStatus) bool { return !st.Active.Covers(u.MicroGrid) })
	return recountUnits(st)
}
