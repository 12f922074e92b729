package ui

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// A seat whose unit a directive went to (a micro-grid worker's seat, the
// smallest unit of the chain; a reserve's, on the unit drafted into): in
// the directive pane, on its own unit's row, b signs for the directive as
// the unit itself (not on its behalf: 代签 is the room's) and p reports how
// much of it is done, what the field API lets a grid worker do (ack,
// progress). Such a seat issues and resends no directives
// (model.MayDirect): d and R are not offered there, and say why.

// ownUnitKeys are the directive pane's keys on the seat's own unit: sign
// (b, as the room's sign on behalf is: the row's signature) and progress.
type ownUnitKeys struct{ sign, progress key.Binding }

func newOwnUnitKeys(lang string) ownUnitKeys {
	b := func(k, en, zh string) key.Binding {
		return key.NewBinding(key.WithKeys(k), key.WithHelp(k, sayIn(lang, en, zh)))
	}
	return ownUnitKeys{sign: b("b", "sign for it", "签收"), progress: b("p", "report progress", "上报进度")}
}

// ownUnit reports whether micro-grid unit is the seat's own: the seat's
// person may sign for it (model.MaySignFor) and their signature is the
// unit's own, not one on its behalf (model.SignsOnBehalf: its worker, a
// reserve drafted into it, one on its roster).
func (c *common) ownUnit(unit model.NodeCode) bool {
	p, worker := c.seat.Person, c.workerOf(unit)
	return model.MaySignFor(p, unit, worker, nil) == nil && !model.SignsOnBehalf(p, unit, worker)
}

// onOwnUnit reports whether the cursor is on the seat's own unit.
func (d *directivePane) onOwnUnit(cur wtDirective) bool {
	if len(cur.units) == 0 {
		return false
	}
	d.units.clampTo(len(cur.units), d.unitRows())
	return d.c.ownUnit(cur.units[d.units.cursor].Unit)
}

// ownAsks is p: on the seat's own unit, the progress form; on another row
// of a seat that has a unit of its own among them, why not; elsewhere p is
// not the pane's key.
func (d *directivePane) ownAsks(cur wtDirective, ok bool) tea.Msg {
	if !ok || !byUnit(cur) || len(cur.units) == 0 {
		return nil
	}
	if d.onOwnUnit(cur) {
		u := cur.units[d.units.cursor]
		return signForMsg{id: cur.d.ID, text: cur.d.Text, unit: u, own: true, progress: true}
	}
	for _, u := range cur.units {
		if d.c.ownUnit(u.Unit) {
			at, mine := d.unitName(cur.units[d.units.cursor].Unit), d.unitName(u.Unit)
			return directiveSaysMsg{refused: true,
				en: fmt.Sprintf("p reports the progress of your own micro-grid (%s), not of %s", mine, at),
				zh: fmt.Sprintf("p 只上报本人微网格（%s）的进度，不能上报 %s 的", mine, at)}
		}
	}
	return nil
}

// askSignOwn asks before the seat signs for directive msg.id as its own
// unit; what the rules refuse (a unit signed already) is refused first.
func (m Model) askSignOwn(msg signForMsg) (tea.Model, tea.Cmd) {
	if err := m.mayNotSignFor(msg.unit); err != nil {
		return m.flashErr(err)
	}
	by, id, unit := m.seat.Person.ID, msg.id, msg.unit.Unit
	name, text := m.w.microName(unit), m.p.w.Trunc(msg.text, 20, m.p.g.More)
	return m.ask(m.say(fmt.Sprintf("sign for %s %s as %s, your own micro-grid?", id, text, name),
		fmt.Sprintf("以本人微网格 %s 签收 %s %s？", name, id, text)),
		func(m Model) (Model, tea.Cmd) { return m, signFor(m.svc, id, unit, by) })
}

// progressTarget is the progress form's target for directive id and unit.
func progressTarget(id string, unit model.NodeCode) string { return id + " " + string(unit) }

// openProgressForm opens the progress form (formProgress: its target the
// directive's id and the unit's code, "D-0001 330784114266-02-01") on the seat's own unit (p):
// done so far and of how many (the unit's figure, else its households),
// and a note, needed where done goes down. What refuses any signature is
// refused before it (mayNotSign).
func (m Model) openProgressForm(msg signForMsg) (tea.Model, tea.Cmd) {
	if err := m.mayNotSign(msg.unit); err != nil {
		return m.flashErr(err)
	}
	u := msg.unit
	of := cmp.Or(u.Of, m.households(u.Unit))
	title := m.say("Report progress ", "上报进度 ") + msg.id + " " + m.w.microName(u.Unit)
	return m.openForm(newForm(formProgress, title, progressTarget(msg.id, u.Unit),
		newTextField("done", m.say("done", "已完成"), strconv.Itoa(u.Done), m.say("e.g. 40", "如 40"), 6),
		newTextField("of", m.say("of", "总数"), strconv.Itoa(of), m.say("households", "户数"), 6),
		newTextField("note", m.say("note", "备注"), "", m.say("why, where done goes down", "报低时说明原因"), model.MaxNoteRunes)))
}

// households is micro-grid unit's households as the activation counted
// them (0 where not known).
func (c *common) households(unit model.NodeCode) int {
	for _, u := range c.wt.status.Units {
		if u.MicroGrid == unit {
			return u.Households
		}
	}
	return 0
}

// submitProgress reads the progress form and asks before it reports:
// whole numbers, checked by the store's rule on the unit's copy as the
// console holds it (model.DirectiveUnit.Progress), each refusal on its
// field.
func (m Model) submitProgress(v map[string]string) (tea.Model, tea.Cmd, error) {
	id, code, _ := strings.Cut(m.form.target, " ")
	unit := model.NodeCode(code)
	r := model.ProgressReport{Note: v["note"], By: m.seat.Person.ID, Households: m.households(unit), UnitName: m.w.microName(unit)}
	for _, f := range []struct {
		name string
		to   *int
	}{{"done", &r.Done}, {"of", &r.Of}} {
		n, err := strconv.Atoi(v[f.name])
		if err != nil {
			return m, nil, onField(refusal(model.EINVALID, fmt.Sprintf("%s: want a whole number, e.g. 40", f.name),
				fmt.Sprintf("%s：应为整数，如 40", map[string]string{"done": "已完成", "of": "总数"}[f.name])), f.name)
		}
		*f.to = n
	}
	u, known := m.unitCopy(id, unit)
	if known {
		if _, err := u.Progress(r, m.now); err != nil {
			if r.Done < u.Done && model.ErrorCode(err) == model.ECONFLICT && model.ErrorField(err) == "done" {
				err = onField(err, "note") // a lower figure wants the note saying why: there
			}
			return m, nil, err
		}
	}
	mm, c := m.askForm(m.progressQuestion(id, r, known && !u.Signed()),
		func(m Model) (Model, tea.Cmd) { return m, reportProgress(m.svc, id, unit, r) })
	return mm, c, nil
}

// unitCopy is micro-grid unit's copy of directive id as the console holds
// it.
func (c *common) unitCopy(id string, unit model.NodeCode) (model.DirectiveUnit, bool) {
	for _, d := range c.wt.directives {
		if d.d.ID != id {
			continue
		}
		for _, u := range d.units {
			if u.Unit == unit {
				return u, true
			}
		}
	}
	return model.DirectiveUnit{}, false
}

// reportProgress reports r on directive id's unit, through the service the
// field API's progress uses (DirectiveProgressNote: it signs too).
func reportProgress(svc model.Service, id string, unit model.NodeCode, r model.ProgressReport) tea.Cmd {
	return func() tea.Msg {
		u, err := svc.DirectiveProgressNote(context.Background(), id, unit, r.Done, r.Of, r.By, r.Note)
		return signedForMsg{id: id, u: u, err: err, progress: true}
	}
}

// onProgressed says the unit's progress is recorded, and whether it
// completed the directive.
func (m Model) onProgressed(msg signedForMsg) (tea.Model, tea.Cmd) {
	name, u := m.w.microName(msg.u.Unit), msg.u
	if u.Complete() {
		return m.flashInfo(m.say(fmt.Sprintf("%s: %s %d/%d done, complete", msg.id, name, u.Done, u.Of),
			fmt.Sprintf("%s：%s 已完成 %d/%d，全部完成", msg.id, name, u.Done, u.Of)))
	}
	return m.flashInfo(m.say(fmt.Sprintf("%s: %s %d/%d done", msg.id, name, u.Done, u.Of),
		fmt.Sprintf("%s：%s 已完成 %d/%d", msg.id, name, u.Done, u.Of)))
}

// mayNotDirect is why the seat may not issue or resend a directive at
// all, nil when it may: the store's rule (model.MayDirect), said with the
// console's names.
func (c *common) mayNotDirect() error {
	p := c.seat.Person
	if model.MayDirect(p, nil) == nil {
		return nil
	}
	at := c.w.nameOrCode(p.Node)
	return refusal(model.EFORBIDDEN,
		fmt.Sprintf("%s is a micro-grid: it signs (b) and reports progress (p); the village or town room issues and resends directives", at),
		fmt.Sprintf("%s 是微网格：签收（b）、上报进度（p）；指令由村、镇指挥室下达和重发", at))
}

// seatKeys is keys without d and R where the seat issues no directives
// (mayNotDirect), and without W where it starts and ends no wartime
// (noWartime): the footer offers only what the seat may do.
func (m Model) seatKeys(keys []key.Binding) []key.Binding {
	return m.seatGroups([][]key.Binding{keys})[0]
}

// seatGroups is seatKeys for the help's groups.
func (m Model) seatGroups(groups [][]key.Binding) [][]key.Binding {
	var refused []key.Binding
	if m.mayNotDirect() != nil {
		refused = append(refused, m.keys.Directive, m.keys.Resend)
	}
	if m.noWartime() {
		refused = append(refused, m.keys.Wartime)
	}
	if len(refused) == 0 {
		return groups
	}
	return without(groups, refused...)
}

// directivePaneKeys names the directive pane's keys that act, for a key
// refused there: R, b and d; at a seat that issues no directives, b and
// p.
func (m Model) directivePaneKeys() (en, zh string) {
	ks := []key.Binding{m.keys.Resend, m.dir.dk.behalf, m.keys.Directive}
	if m.mayNotDirect() != nil {
		ks = []key.Binding{m.dir.uk.sign, m.dir.uk.progress}
	}
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Help().Key
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " and " + names[last], strings.Join(names, "、")
}
