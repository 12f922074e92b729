package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// onActionKey handles a, e, E, s, r, o and c on the selected incident.
// Quick actions go straight to the store; the others open a small form.
func (m Model) onActionKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	inc, ok := m.selectedIncident()
	if !ok {
		return m.flashErr(refusal(model.EINVALID, "no incident selected", "未选中事件"))
	}
	k := m.keys
	by := m.seat.Person.ID
	switch {
	case key.Matches(msg, k.Ack):
		return m, act(m.svc, inc.ID, model.Command{Action: model.ActAcknowledge, By: by})
	case key.Matches(msg, k.Escalate):
		return m, act(m.svc, inc.ID, model.Command{Action: model.ActEscalate, By: by})
	case key.Matches(msg, k.Resolve):
		return m, act(m.svc, inc.ID, model.Command{Action: model.ActResolve, By: by})
	case key.Matches(msg, k.EscalateTo):
		var tiers, names []string
		for _, t := range model.Tiers {
			if t.Rank() > inc.Tier.Rank() {
				tiers = append(tiers, string(t))
				names = append(names, m.p.lab.Tier[t])
			}
		}
		if len(tiers) == 0 {
			return m.flashErr(refusal(model.ECONFLICT, inc.ID+": already at the task force, the top tier", inc.ID+"：已在专班（最高层级），无法再升级"))
		}
		return m.openForm(newForm(formEscalateTo, m.say("Escalate ", "升级 ")+inc.ID, inc.ID,
			newChoiceField("to", m.say("to tier", "升至"), tiers, names, 0),
			newTextField("note", m.say("note", "备注"), "", "", model.MaxNoteRunes)))
	case key.Matches(msg, k.Dispatch):
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
	case key.Matches(msg, k.Reopen):
		return m.openForm(newForm(formReopen, m.say("Reopen ", "重启 ")+inc.ID, inc.ID,
			newTextField("note", m.say("what is new", "新情况"), "", m.say("required", "必填"), model.MaxNoteRunes)))
	case key.Matches(msg, k.Close):
		return m.openForm(newForm(formClose, m.say("Close (archive) ", "归档 ")+inc.ID, inc.ID,
			newTextField("note", m.say("follow-up", "回访情况"), "", m.say("optional; enter closes", "可空；enter 确认归档"), model.MaxNoteRunes)))
	}
	return m, nil
}

func (m Model) openForm(f form) (tea.Model, tea.Cmd) {
	for i := range f.fields {
		restyle(&f.fields[i].input, m.r)
	}
	m.form, m.formActive = f, true
	return m, nil
}

func (m Model) openReportForm() (tea.Model, tea.Cmd) {
	node := ""
	if sel := m.tower.selected(); sel.Level() >= model.LevelGrid {
		node = string(sel)
	}
	cats := sortedCategories(m.svc.Policy())
	names := make([]string, len(cats))
	for i, c := range cats {
		names[i] = m.say(c, model.Category(c).Zh())
	}
	sevs := []string{"I", "II", "III", "IV"}
	return m.openForm(newForm(formReport, m.say("New report", "新建上报"), "",
		newTextField("node", m.say("node code", "网格代码"), node, "330784114266-02", 24),
		newChoiceField("category", m.say("category", "类别"), cats, names, 0),
		newChoiceField("severity", m.say("severity", "等级"), sevs, sevs, 2),
		newTextField("title", m.say("title", "标题"), "", m.say("what happened, where", "事件概要"), model.MaxTitleRunes),
		newTextField("text", m.say("details", "详情"), "", "", 2000)))
}

func (m Model) onFormKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	f, res, cmd := m.form.Update(msg, m.fkeys)
	m.form = f
	switch res {
	case formCancelled:
		if m.form.dirty() {
			return m.ask(m.say("discard the half-filled form? y/n", "放弃未提交的表单？y/n"),
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
		m.form.err = m.errText(err)
		return m, nil
	}
	switch m.form.kind {
	case formPassFinding, formMergeFinding, formCloseFinding:
		return m.submitDeskForm(v)
	case formActivate, formDirective:
		mm, cmd, err := m.submitWartimeForm(v)
		if err != nil {
			return fail(err)
		}
		return mm, cmd
	case formReport:
		r, err := m.reportFrom(v)
		if err != nil {
			return fail(err)
		}
		r.Reporter = m.seat.Person.ID
		m.formActive = false
		return m, report(m.svc, r)
	}
	c := m.formCommand(v)
	if err := m.formRefusal(c); err != nil {
		return fail(err)
	}
	m.formActive = false
	return m, act(m.svc, m.form.target, c)
}

// formCommand is what an action form's values ask of the incident. The
// note and the department go as typed: model's rule cleans them.
func (m Model) formCommand(v map[string]string) model.Command {
	c := model.Command{By: m.seat.Person.ID, Note: v["note"]}
	switch m.form.kind {
	case formEscalateTo:
		c.Action, c.To = model.ActEscalate, model.Tier(v["to"])
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

func (m Model) reportFrom(v map[string]string) (model.Report, error) {
	var r model.Report
	node, err := model.ParseNodeCode(v["node"])
	if err != nil {
		return r, err
	}
	if _, ok := m.w.nodes[node]; !ok {
		return r, refusal(model.ENOTFOUND, "no node "+string(node)+" in the tower", "网格塔中没有节点 "+string(node))
	}
	sev, err := model.ParseSeverity(v["severity"])
	if err != nil {
		return r, err
	}
	// The title and the text go as typed: model's check cleans them and
	// holds them to its limits, here and again in the store.
	r = model.Report{Node: node, Category: v["category"], Severity: sev, Title: v["title"], Text: v["text"]}
	return r, r.Validate(m.svc.Policy())
}
