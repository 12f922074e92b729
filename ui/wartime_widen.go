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
// part of its town, where the seat may command the whole town (the town
// room; a room above the towns over the town it acts on: widenable; a
// village cadre's W asks to end their own as before): widen it to the
// town, take in the village chosen in the tower when it is of the town and
// outside, or end it. ok is false where W asks to end it straight away.
func (m Model) runningForm() (form, bool) {
	a, town, ok := m.widenable()
	if !ok {
		return form{}, false
	}
	values := []string{runWidenTown}
	shown := []string{m.say("widen to the whole town", "扩至全镇")}
	if sel := m.tower.selected(); sel.Level() == model.LevelVillage && sel.Town() == town && !a.Covers(sel) {
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

// widenable is the running wartime W may widen, and its town: in the town
// room the town's; in a room above the towns the one of the town it acts
// on (roomWartimeTarget: the town chosen, or the room's one town in
// wartime). ok only while it covers part of its town and the seat may
// command the whole town (model.MayCommand, as the store's rule asks).
func (m Model) widenable() (a model.Activation, town model.NodeCode, ok bool) {
	if m.aboveTowns() {
		acts := m.roomWartimeTarget()
		if len(acts) != 1 || len(acts[0].Scope) == 0 {
			return a, "", false
		}
		a, town = acts[0], acts[0].Scope[0].Town()
	} else {
		a, town = m.wt.status.Active, m.town()
		if m.seat.Level() > model.LevelTown || town == "" || len(a.Scope) == 0 || a.Scope[0].Town() != town {
			return a, "", false
		}
	}
	if town.Level() != model.LevelTown || a.Covers(town) || model.MayCommand(m.seat.Person, []model.NodeCode{town}, "scope", nil) != nil {
		return a, "", false
	}
	return a, town, true
}

// running is the wartime id among those the console holds running.
func (m Model) running(id string) (model.Activation, bool) {
	for _, a := range m.wt.status.Towns {
		if a.ID == id && a.Active() && len(a.Scope) > 0 {
			return a, true
		}
	}
	return model.Activation{}, false
}

// submitRunning asks about the choice made in the running form: to end
// the wartime, as W asks elsewhere; to widen it, after the rules (a
// refusal on the form), its town's wartime is read for what carries on
// (askWiden asks then). n goes back to the form.
func (m Model) submitRunning(v map[string]string) (tea.Model, tea.Cmd, error) {
	a, ok := m.running(m.form.target)
	by := m.seat.Person.ID
	if !ok {
		return m, nil, refusal(model.ECONFLICT, fmt.Sprintf("%s is no longer active", m.form.target), fmt.Sprintf("%s 已不在运行", m.form.target))
	}
	if v["do"] == runEnd {
		mm, c := m.askForm(m.endQuestion(a), func(m Model) (Model, tea.Cmd) { return m, deactivate(m.svc, a.ID, by) })
		return mm, c, nil
	}
	to := []model.NodeCode{a.Scope[0].Town()}
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
	return m, readWidening(m.svc, widening{act: a, wider: wider, to: to}), nil
}

// widening is a widening asked for in the running form: the wartime, the
// wartime as it would be, what it takes in (the store's scope), and, as
// read for the question, the stored figures of both scopes and its town's
// wartime (what carries on).
type widening struct {
	act, wider model.Activation
	to         []model.NodeCode
	had, will  model.Counts
	wt         wartime
}

// wideningMsg is a widening with what its question names read (err: a
// read failed).
type wideningMsg struct {
	w   widening
	err error
}

// readWidening reads what w's question names: the stored figures of its
// scopes (a room above the towns has not loaded a town's micro-grids),
// and its town's wartime, its directives with their signatures (such a
// room holds none of a town's while more than one is in wartime).
func readWidening(svc model.Service, w widening) tea.Cmd {
	load := loadWartime(svc, w.act.Scope[0].Town())
	return func() tea.Msg {
		ctx := context.Background()
		var err error
		if w.had, err = storedCounts(ctx, svc, w.act.Scope); err != nil {
			return wideningMsg{err: err}
		}
		if w.will, err = storedCounts(ctx, svc, w.wider.Scope); err != nil {
			return wideningMsg{err: err}
		}
		msg, _ := load().(wartimeMsg)
		w.wt = wartime{status: msg.status, directives: msg.directives}
		return wideningMsg{w: w, err: msg.err}
	}
}

// storedCounts sums the stored figures of scope's nodes (codes none of
// which holds another, as an activation's scope is).
func storedCounts(ctx context.Context, svc model.Service, scope []model.NodeCode) (model.Counts, error) {
	var sum model.Counts
	for _, c := range scope {
		ns, err := svc.Subtree(ctx, c, 0)
		if err != nil {
			return sum, err
		}
		if len(ns) > 0 {
			k := ns[0].Counts
			sum.Villages, sum.MicroGrids, sum.Households = sum.Villages+k.Villages, sum.MicroGrids+k.MicroGrids, sum.Households+k.Households
		}
	}
	return sum, nil
}

// askWiden asks the widening read for, the form it came from still open
// (esc meanwhile drops it): a failed read stays on the form.
func (m Model) askWiden(msg wideningMsg) (tea.Model, tea.Cmd) {
	w := msg.w
	if !m.formActive || m.form.kind != formRunning || w.act.ID != m.form.target {
		return m, nil
	}
	if msg.err != nil {
		m.form.refused(m.notFiled(msg.err), msg.err)
		return m, nil
	}
	q, detail := m.widenQuestion(w)
	by := m.seat.Person.ID
	return m.askFormDetail(q, detail, func(m Model) (Model, tea.Cmd) { return m, widen(m.svc, w.act.ID, w.to, by) })
}

// widenQuestion asks to widen w.act to w.wider's scope, naming what it
// takes in (villages, micro-grids, households, by the stored figures) and,
// as its detail, what carries on: the micro-grids on duty, each directive
// with its signatures, the drafted reserves (w.wt, its town's wartime).
func (m Model) widenQuestion(w widening) (q, detail string) {
	a := w.act
	from, to := m.placeNames(a.Scope), m.placeNames(w.wider.Scope)
	if w.wider.Covers(a.Scope[0].Town()) {
		to = m.say("the whole town", "全镇")
	}
	villages, micro, hh := w.will.Villages-w.had.Villages, w.will.MicroGrids-w.had.MicroGrids, w.will.Households-w.had.Households
	q = m.say(fmt.Sprintf("widen wartime %s from %s to %s, taking in %d villages, %d micro-grids, %d households?", a.ID, from, to, villages, micro, hh),
		fmt.Sprintf("扩大战时 %s：由%s扩至%s，新增 %d 个村社、%d 个微网格、%d 户？", a.ID, from, to, villages, micro, hh))
	st := w.wt.status
	var runs []string
	for _, d := range w.wt.directives {
		runs = append(runs, m.say(fmt.Sprintf("%s %d/%d signed", d.d.ID, d.sum.Signed, d.sum.Units),
			fmt.Sprintf("%s 已签 %d/%d", d.d.ID, d.sum.Signed, d.sum.Units)))
	}
	runs = append(runs, m.say(fmt.Sprintf("%d drafted reserves", len(model.Drafted(st.Drafts))),
		fmt.Sprintf("征调储备 %d 人", len(model.Drafted(st.Drafts)))))
	detail = m.say("carrying on: "+fmt.Sprintf("%d micro-grids on duty, ", st.Staffed)+strings.Join(runs, ", "),
		"照常运行："+fmt.Sprintf("在岗微网格 %d 个、", st.Staffed)+strings.Join(runs, "、"))
	return q, detail
}

// onWidened says what the wartime covers now, and reads it again.
func (m Model) onWidened(msg widenedMsg) (tea.Model, tea.Cmd) {
	where := m.placeNames(msg.act.Scope)
	if len(msg.act.Scope) > 0 && msg.act.Covers(msg.act.Scope[0].Town()) {
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
