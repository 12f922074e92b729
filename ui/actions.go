package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// onActionKey handles a, e, E, s, r, o, c and N on the selected incident.
// The rules run on the console's copy first, so a refusal comes before
// any question or form; a, e and r then ask (tab adds a note), N has the
// note typed and asks, and the others open a small form that asks when it
// is submitted.
func (m Model) onActionKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	inc, ok := m.selectedIncident()
	if !ok {
		return m.flashErr(refusal(model.EINVALID, "no incident selected", "未选中事件"))
	}
	k := m.keys
	by := m.seat.Person.ID
	switch {
	case key.Matches(msg, k.Ack):
		return m.askAction(inc, model.Command{Action: model.ActAcknowledge, By: by}, "")
	case key.Matches(msg, k.Escalate):
		// From: a second seat's y on the same question is refused once the
		// first has moved it (model.Incident.Moved), not sent a tier higher.
		return m.askAction(inc, model.Command{Action: model.ActEscalate, By: by, From: inc.Tier}, m.p.g.Arrow+m.p.lab.Tier[inc.Tier.Next()])
	case key.Matches(msg, k.Resolve):
		return m.askAction(inc, model.Command{Action: model.ActResolve, By: by}, "")
	case key.Matches(msg, k.Note):
		return m.askIncidentNote(inc, by)
	case key.Matches(msg, k.EscalateTo):
		return m.openEscalateTo(inc, by)
	case key.Matches(msg, k.Dispatch):
		return m.openDispatch(inc, by)
	case key.Matches(msg, k.Reopen):
		if err := m.precheck(inc, model.Command{Action: model.ActReopen, By: by, Note: "-"}); err != nil {
			return m.flashErr(err)
		}
		return m.openForm(newForm(formReopen, m.say("Reopen ", "重新办理 ")+inc.ID, inc.ID,
			newTextField("note", m.say("what is new", "新情况"), "", m.say("required", "必填"), model.MaxNoteRunes)))
	case key.Matches(msg, k.Close):
		if err := m.precheck(inc, model.Command{Action: model.ActClose, By: by}); err != nil {
			return m.flashErr(err)
		}
		return m.openForm(newForm(formClose, m.say("Close (archive) ", "归档 ")+inc.ID, inc.ID,
			newTextField("note", m.say("follow-up", "回访情况"), "", m.say("optional; enter closes", "可空；enter 确认归档"), model.MaxNoteRunes)))
	}
	return m, nil
}

// askIncidentNote has the note typed, then asks before adding it to inc.
func (m Model) askIncidentNote(inc model.Incident, by model.PersonID) (tea.Model, tea.Cmd) {
	if actor, known := m.w.byID[by]; known {
		if _, err := inc.AddNote(actor, "-", m.now); err != nil {
			return m.flashErr(err)
		}
	}
	id := inc.ID
	return m.askWriting(m.p.lab.Verb[model.ActNote]+" "+m.whatIncident(inc)+m.say("?", "？"), func(m Model, note string) (Model, tea.Cmd) {
		return m, addNote(m.svc, id, note, by)
	})
}

// openEscalateTo opens the form that escalates inc to a tier above its own.
func (m Model) openEscalateTo(inc model.Incident, by model.PersonID) (tea.Model, tea.Cmd) {
	tiers, names := m.tiersAbove(inc.Tier)
	if err := m.precheck(inc, model.Command{Action: model.ActEscalate, By: by}); err != nil {
		return m.flashErr(err)
	}
	return m.openForm(newForm(formEscalateTo, m.say("Escalate ", "升级 ")+inc.ID, inc.ID,
		newChoiceField("to", m.say("to tier", "升至"), tiers, names, 0),
		newTextField("note", m.say("note", "备注"), "", "", model.MaxNoteRunes)))
}

// tiersAbove are the tiers above from, as the E form offers them, and
// their names.
func (m Model) tiersAbove(from model.Tier) (tiers, names []string) {
	for _, t := range model.Tiers {
		if t.Rank() > from.Rank() {
			tiers = append(tiers, string(t))
			names = append(names, m.p.lab.Tier[t])
		}
	}
	return tiers, names
}

// escalateFormNow is f, when it is an E form, offering only the tiers
// above its incident's as the console now holds it: another seat may have
// escalated it since the form opened, and the rule refuses a tier at or
// below the incident's (the form came back from such a race offering
// them). The tier chosen stays chosen while it is offered, else the first
// above; an incident at the top keeps the form as it was (the rule says
// why).
func (m Model) escalateFormNow(f form) form {
	inc, ok := m.w.get(m.w.byRef[f.target])
	if f.kind != formEscalateTo || !ok {
		return f
	}
	tiers, names := m.tiersAbove(inc.Tier)
	for i, fl := range f.fields {
		if fl.name != "to" || len(tiers) == 0 || slices.Equal(fl.choices, tiers) {
			continue
		}
		fl.choices, fl.display, fl.choice = tiers, names, max(slices.Index(tiers, fl.value()), 0)
		// The model is copied: the old form keeps its own slices. A tier
		// no longer offered is not what the form began with either.
		f.fields, f.initial = slices.Clone(f.fields), slices.Clone(f.initial)
		f.fields[i] = fl
		if i < len(f.initial) && !slices.Contains(tiers, f.initial[i]) {
			f.initial[i] = tiers[0]
		}
	}
	return f
}

// openDispatch opens the form that dispatches inc to a platform and a
// department, the incident's own platform chosen to begin with.
func (m Model) openDispatch(inc model.Incident, by model.PersonID) (tea.Model, tea.Cmd) {
	if err := m.precheck(inc, model.Command{Action: model.ActDispatch, By: by, Department: "-"}); err != nil {
		return m.flashErr(err)
	}
	plats := make([]string, len(model.Platforms))
	names := make([]string, len(model.Platforms))
	cur := 0
	for i, p := range model.Platforms {
		plats[i] = string(p)
		names[i] = m.say(string(p), p.Zh())
		if p == inc.Platform {
			cur = i
		}
	}
	return m.openForm(newForm(formDispatch, m.say("Dispatch ", "交办 ")+inc.ID, inc.ID,
		newChoiceField("platform", m.say("platform", "平台"), plats, names, cur),
		newTextField("department", m.say("department", "承办部门"), inc.Department, m.say("e.g. traffic police", "如 交警中队"), model.MaxDeptRunes),
		newTextField("note", m.say("note", "备注"), "", "", model.MaxNoteRunes)))
}

// precheck runs the rule of c on the console's copy of inc as the operator:
// its refusal (the incident's status, who may act) before anything is
// asked. An operator the console has not loaded is left to the store.
func (m Model) precheck(inc model.Incident, c model.Command) error {
	actor, known := m.w.byID[c.By]
	if !known {
		return nil
	}
	_, _, err := inc.Apply(c, actor, m.now, m.svc.Policy())
	return err
}

// askAction asks before c is done on inc, naming it ("办结 HJ-…-0038 渎溪村
// 02 330国道货物撒落？"; more, e.g. the tier it climbs to, after); tab adds
// a note. A refusal of the rule comes instead of the question.
func (m Model) askAction(inc model.Incident, c model.Command, more string) (tea.Model, tea.Cmd) {
	if err := m.precheck(inc, c); err != nil {
		return m.flashErr(err)
	}
	text := m.p.lab.Verb[c.Action] + " " + m.whatIncident(inc)
	if more != "" {
		text += " " + more
	}
	id := inc.ID
	return m.askNote(text+m.say("?", "？"), func(m Model, note string) (Model, tea.Cmd) {
		c.Note = note
		return m, act(m.svc, id, c)
	})
}

// openForm opens a form; every form acts on the record, so a read-only
// seat is refused with its reason instead.
func (m Model) openForm(f form) (tea.Model, tea.Cmd) {
	if err := m.mayAct(); err != nil {
		return m.flashErr(err)
	}
	for i := range f.fields {
		restyle(&f.fields[i].input, m.r)
	}
	m.form, m.formActive = f, true
	if !m.flash.keep {
		// An outcome or a refusal said before gives way to the form's
		// keys; one that the record may not be as shown stays (footer).
		m.flash = flash{}
	}
	return m, nil
}

func (m Model) openReportForm() (tea.Model, tea.Cmd) {
	node := ""
	if sel := m.tower.selected(); sel.Level() >= model.LevelVillage {
		node = m.w.names[sel]
	}
	cats := sortedCategories(m.svc.Policy())
	names := make([]string, len(cats))
	for i, c := range cats {
		names[i] = m.say(c, model.Category(c).Zh())
	}
	sevs := []string{"I", "II", "III", "IV"}
	return m.openForm(newForm(formReport, m.say("New report", "新建上报"), "",
		newTextField("node", m.say("where", "地点"), node, m.say("渎溪村 02, or a code", "如 渎溪村 02，或代码"), 40),
		newChoiceField("category", m.say("category", "类别"), cats, names, 0),
		newChoiceField("severity", m.say("severity", "等级"), sevs, sevs, 2),
		newTextField("title", m.say("title", "标题"), "", m.say("what happened, where", "事件概要"), model.MaxTitleRunes),
		newTextField("text", m.say("details", "详情"), "", "", 2000)))
}

func (m Model) onFormKey(msg tea.KeyMsg, pasted bool) (tea.Model, tea.Cmd) {
	f, res, cmd := m.form.Update(msg, pasted, m.fkeys)
	if f.lost > 0 {
		fl := f.fields[f.focus]
		f.err = m.say(fmt.Sprintf("%s: %d not taken, %d characters at most", fl.label, f.lost, fl.input.CharLimit),
			fmt.Sprintf("%s最多 %d 字，超出的 %d 字未录入", fl.label, fl.input.CharLimit, f.lost))
	}
	m.form = f
	switch res {
	case formCancelled:
		if m.form.dirty() && m.linkCut() && m.opt.TakeFile != nil {
			// Nothing can be sent now: the form is kept for the console
			// that takes the file (:take), or until the link is back.
			m.waiting = append(slices.Clone(m.waiting), held{kind: heldForm, form: m.form, err: m.mayAct()})
			m.formActive = false
			return m.flashInfo(m.say("the form is kept: it comes back after :take, or once the link is back and you press a key",
				"表单已保留：输入 :take 接管后，或实时恢复后按任意键，将退回原处"))
		}
		if m.form.dirty() {
			return m.askFree(m.say("discard the half-filled form?", "放弃未提交的表单？"),
				func(m Model) (Model, tea.Cmd) { m.formActive = false; return m, nil })
		}
		m.formActive = false
		return m, nil
	case formSubmitted:
		return m.submitForm()
	}
	return m, cmd
}

// submitForm checks the form's values and sends the command. Bad input
// keeps the form open with the reason, so nothing typed is lost.
func (m Model) submitForm() (tea.Model, tea.Cmd) {
	v := m.form.values()
	fail := func(err error) (tea.Model, tea.Cmd) {
		m.form.refused(m.notFiled(err), err)
		return m, nil
	}
	if err := m.mayAct(); err != nil {
		return fail(err) // the link cut since it opened: the form stays, as typed
	}
	switch m.form.kind {
	case formPassFinding, formMergeFinding, formCloseFinding:
		return m.submitDeskForm(v)
	case formActivate, formDirective, formRunning, formProgress:
		mm, cmd, err := m.submitWartimeForm(v)
		if err != nil {
			return fail(err)
		}
		return mm, cmd
	case formReport:
		return m.submitReport(v)
	}
	c := m.formCommand(v)
	if err := m.formRefusal(c); err != nil {
		return fail(err)
	}
	target := m.form.target
	inc, _ := m.w.get(m.w.byRef[target])
	q := m.p.lab.Verb[c.Action] + " " + m.whatIncident(inc)
	switch c.Action {
	case model.ActEscalate:
		q += " " + m.p.g.Arrow + m.p.lab.Tier[c.To]
	case model.ActDispatch:
		q += " " + m.p.g.Arrow + named(m.p.lab, string(c.Platform), c.Platform.Zh()) + " / " + c.Department
	}
	if n := strings.TrimSpace(c.Note); n != "" {
		q += m.say("  note: ", "  备注：") + n
	}
	return m.askForm(q+m.say("?", "？"), func(m Model) (Model, tea.Cmd) { return m, act(m.svc, target, c) })
}

// formCommand is what an action form's values ask of the incident. The
// note and the department go as typed: model's rule cleans them.
func (m Model) formCommand(v map[string]string) model.Command {
	c := model.Command{By: m.seat.Person.ID, Note: v["note"]}
	switch m.form.kind {
	case formEscalateTo:
		c.Action, c.To = model.ActEscalate, model.Tier(v["to"])
		if inc, ok := m.w.get(m.w.byRef[m.form.target]); ok {
			c.From = inc.Tier // where the question finds it
		}
	case formDispatch:
		c.Action, c.Platform, c.Department = model.ActDispatch, model.Platform(v["platform"]), v["department"]
	case formReopen:
		c.Action = model.ActReopen
	case formClose:
		c.Action = model.ActClose
	}
	return c
}

// formRefusal is model's refusal of c when it is about a field of the form
// (a dispatch with no department, a reopening with no note: the error's
// Field), found by running the rule on the console's copy of the incident
// as the operator, so the form stays open with the reason. Any other
// refusal (the incident's status, who may act) is the store's to give, on
// the status line; so is everything when the operator is not on the
// roster the console loaded.
func (m Model) formRefusal(c model.Command) error {
	inc, ok := m.w.get(m.w.byRef[m.form.target])
	actor, known := m.w.byID[c.By]
	if !ok || !known {
		return nil
	}
	_, _, err := inc.Apply(c, actor, m.now, m.svc.Policy())
	if f := model.ErrorField(err); f != "" && m.form.has(f) {
		return err
	}
	return nil
}

// reportFrom is the report the form's values ask for, at a place the
// console holds.
func (m Model) reportFrom(v map[string]string) (model.Report, error) {
	node, err := m.names().Resolve(v["node"])
	if err != nil {
		return model.Report{}, err
	}
	if _, ok := m.w.nodes[node]; !ok {
		return model.Report{}, notInTower(node)
	}
	return m.reportAt(v, node)
}

// reportAt is the report the form's values ask for at node.
func (m Model) reportAt(v map[string]string, node model.NodeCode) (model.Report, error) {
	var r model.Report
	sev, err := model.ParseSeverity(v["severity"])
	if err != nil {
		return r, err
	}
	// The title and the text go as typed: model's check cleans them and
	// holds them to its limits, here and again in the store.
	r = model.Report{Node: node, Category: v["category"], Severity: sev, Title: v["title"], Text: v["text"]}
	return r, r.Validate(m.svc.Policy())
}
