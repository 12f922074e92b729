package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// deskPane is :desk, the liaison's desk (联络员分拣台): the findings
// waiting, oldest first (red past the triage deadline), then the day's
// handled ones with the status of the incident that carries them. p passes
// the selected finding on (a form: node, category, severity), m merges it
// into an open incident at its village (a form: the incident), x closes it
// as needing no action (a form: the reason); enter opens its incident.
type deskPane struct {
	c  *common
	pl ptLabels
	dk deskKeys
	listWindow
	selected      string // the finding under the cursor, kept across reloads
	waiting       int    // findings waiting at the last reload
	width, height int
}

// deskKeys are the desk's own keys; none of them is a global key.
type deskKeys struct{ pass, merge, close key.Binding }

func newDeskKeys(lang string) deskKeys {
	b := func(k, en, zh string) key.Binding {
		return key.NewBinding(key.WithKeys(k), key.WithHelp(k, sayIn(lang, en, zh)))
	}
	return deskKeys{pass: b("p", "pass on", "交办"), merge: b("m", "merge", "并入"), close: b("x", "close", "销号")}
}

func newDeskPane(c *common, lang string) *deskPane {
	return &deskPane{c: c, pl: patrolLabels(lang), dk: newDeskKeys(lang)}
}

// patrolsLoadedMsg: new patrol records are in common.pt.
type patrolsLoadedMsg struct{}

// deskDetailLines is how many lines the selected finding's detail takes at
// the bottom of the desk.
const deskDetailLines = 4

func (d *deskPane) SetSize(w, h int) { d.width, d.height = w, max(h, deskDetailLines+4) }

// rows is how many findings fit above the detail.
func (d *deskPane) rows() int { return max(d.height-2-1-deskDetailLines-1, 1) }

func (d *deskPane) move(delta int) {
	n := len(d.c.pt.findings)
	d.follow(delta, n, d.rows())
	d.selected = ""
	if d.cursor < n {
		d.selected = d.c.pt.findings[d.cursor].ID
	}
}

func (d *deskPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		d.cursor, d.offset, d.selected = 0, 0, ""
	case patrolsLoadedMsg:
		// Keep the finding under the cursor where it went, if it is
		// there; but a new finding on the desk takes the cursor from one
		// already handled.
		waiting, handled := 0, false
		for i, f := range d.c.pt.findings {
			if f.Status == model.FindingWaiting {
				waiting++
			}
			if f.ID == d.selected {
				d.cursor, handled = i, f.Status != model.FindingWaiting
			}
		}
		if handled && waiting > d.waiting {
			d.cursor, d.offset = 0, 0
		}
		d.waiting = waiting
		d.move(0)
	case tea.KeyMsg:
		d.move(d.c.keys.step(msg))
	}
	return d, nil
}

// current is the finding under the cursor.
func (d *deskPane) current() (model.Finding, bool) {
	fs := d.c.pt.findings
	if d.cursor < 0 || d.cursor >= len(fs) {
		return model.Finding{}, false
	}
	return fs[d.cursor], true
}

// deskAskMsg asks the root for one of the desk's forms on a finding.
type deskAskMsg struct {
	kind formKind
	f    model.Finding
}

// asks: p, m and x open a form on the finding under the cursor; enter
// opens the incident that carries it.
func (d *deskPane) asks(msg tea.KeyMsg) tea.Msg {
	var kind formKind
	switch {
	case key.Matches(msg, d.dk.pass):
		kind = formPassFinding
	case key.Matches(msg, d.dk.merge):
		kind = formMergeFinding
	case key.Matches(msg, d.dk.close):
		kind = formCloseFinding
	case key.Matches(msg, d.c.keys.Open):
		f, ok := d.current()
		if !ok || f.Incident == "" {
			return refusedMsg{refusal(model.EINVALID, "no incident carries this finding yet: p passes it on", "该发现尚未交办：按 p 交办")}
		}
		seq, ok := d.c.w.byRef[f.Incident]
		if !ok {
			return refusedMsg{refusal(model.ENOTFOUND, f.Incident+" is archived: gridcmd show "+f.Incident, f.Incident+" 已归档：gridcmd show "+f.Incident)}
		}
		return openIncidentMsg{seq: seq}
	default:
		return nil
	}
	f, ok := d.current()
	if !ok {
		return refusedMsg{said(model.EINVALID, d.pl.NoFindings)}
	}
	if f.Status != model.FindingWaiting {
		return refusedMsg{refusal(model.ECONFLICT, f.ID+" is "+string(f.Status)+" already", f.ID+" "+f.Status.Zh())}
	}
	return deskAskMsg{kind: kind, f: f}
}

func (d *deskPane) Title() string { return d.pl.Desk }

func (d *deskPane) ShortHelp() []key.Binding {
	k := d.c.keys
	return []key.Binding{d.dk.pass, d.dk.merge, d.dk.close, k.Open, k.Back, k.Down, k.Help, k.Quit}
}

func (d *deskPane) FullHelp() [][]key.Binding {
	return append([][]key.Binding{{d.dk.pass, d.dk.merge, d.dk.close}}, d.c.keys.FullHelp()...)
}

// incidentStatus is the live status of the incident carrying f: the
// console's copy when it has one, else as read with the finding.
func (d *deskPane) incidentStatus(f model.Finding) model.Status {
	if seq, ok := d.c.w.byRef[f.Incident]; ok {
		if inc, ok := d.c.w.get(seq); ok {
			return inc.Status
		}
	}
	return f.IncidentStatus
}

// statusText is a finding's state on the desk: how long it has waited, or
// what became of it and its incident's status.
// On a narrow desk a finding waiting shows only how long.
func (d *deskPane) statusText(f model.Finding, narrow bool) (string, bool) {
	p := &d.c.p
	if f.Status == model.FindingWaiting {
		late := !d.c.now.Before(f.TriageDue(d.c.pt.policy()))
		wait := d.c.wait(d.c.now.Sub(f.FoundAt))
		if narrow {
			return wait, late
		}
		return d.statusWord(f.Status) + " " + wait, late
	}
	s := d.statusWord(f.Status)
	if f.Incident != "" {
		s += " " + p.lab.Status[d.incidentStatus(f)]
	}
	return s, false
}

func (d *deskPane) statusWord(s model.FindingStatus) string {
	if d.c.p.lab.Lang == "zh" {
		return s.Zh()
	}
	return string(s)
}

func (d *deskPane) View() string {
	p, pt := &d.c.p, &d.c.pt
	inner := d.width - 2
	var lines []string
	add := func(s string) { lines = append(lines, " "+p.w.Fit(s, inner-1, p.g.More)) }
	switch {
	case !pt.loaded:
		add(d.pl.Loading)
	case len(pt.findings) == 0:
		add(d.pl.NoFindings)
	}
	c := d.columns(inner)
	if pt.loaded && len(pt.findings) > 0 {
		lines = append(lines, d.columnHead(c, inner))
	}
	for i := d.offset; i < len(pt.findings) && i < d.offset+d.rows(); i++ {
		lines = append(lines, d.findingRow(i, c, inner))
	}
	// The detail of the finding under the cursor, at the bottom.
	for len(lines) < d.height-2-deskDetailLines {
		lines = append(lines, "")
	}
	if detail := d.detail(); detail != nil {
		for _, s := range detail {
			add(s)
		}
	} else {
		lines = append(lines, "", "", "")
	}
	lines = append(lines, p.st.Dim.Render(" "+p.w.Fit(d.pl.DeskHint, inner-1, p.g.More)))
	right := ""
	if pt.loaded { // the seat's own waiting, as the list holds them (not the file's board)
		right = fmt.Sprintf("%s %d", d.pl.Waiting, d.waiting)
	}
	return p.box(d.Title(), right, lines, d.width, d.height, true)
}

// deskColumns are the widths of the desk's list. A narrow pane shrinks the
// category and the status and leaves the area to the detail.
type deskColumns struct {
	time, id, text, cat, stat int
	narrow                    bool
}

func (d *deskPane) columns(inner int) deskColumns {
	c := deskColumns{time: 5, id: 6, cat: 8, stat: 14, narrow: inner < 60}
	if c.narrow {
		c.cat, c.stat = 4, 10
	}
	c.text = max(inner-2-c.time-c.id-c.cat-c.stat-4, 6)
	return c
}

// columnHead names the list's columns.
func (d *deskPane) columnHead(c deskColumns, inner int) string {
	p := &d.c.p
	where := d.pl.Where
	if c.narrow {
		where = d.pl.What
	}
	head := p.w.Fit(d.pl.Found, c.time, "") + " " + p.w.Fit("", c.id, "") + " " + p.w.Fit(where, c.text, "") + " " +
		p.w.Fit(p.lab.Fields["category"], c.cat, "") + " " + p.w.Fit(d.pl.Status, c.stat, "")
	return " " + p.st.ColumnHead.Render(p.w.Fit(head, inner-1, ""))
}

// findingRow is the i-th finding of the list: late ones stand out, handled
// ones are dim, the one under the cursor is selected.
func (d *deskPane) findingRow(i int, c deskColumns, inner int) string {
	p := &d.c.p
	f := d.c.pt.findings[i]
	st, late := d.statusText(f, c.narrow)
	cat := string(f.Category)
	if p.lab.Lang == "zh" {
		cat = f.Category.Zh()
	}
	what := f.AreaName + " " + oneLine(f.Text)
	if c.narrow { // the area is under the list, for the finding under the cursor
		what = oneLine(f.Text)
	}
	row := p.w.Fit(f.FoundAt.In(d.c.loc).Format("15:04"), c.time, "") + " " + p.w.Fit(f.ID, c.id, "") + " " +
		p.w.Fit(what, c.text, p.g.More) + " " + p.w.Fit(cat, c.cat, p.g.More) + " " + p.w.Fit(st, c.stat, p.g.More)
	style := p.st.Text
	switch {
	case late:
		style = p.st.Overdue
	case f.Status != model.FindingWaiting:
		style = p.st.Dim
	}
	text := p.w.Fit(row, inner-2, "")
	if i == d.cursor {
		return p.st.Selected.Render(p.g.Cursor + text)
	}
	return " " + style.Render(text)
}

// detail is the finding under the cursor: what, where and who, then where
// it stands (the triage deadline, its incident, or why it was dismissed);
// nil when there is none.
func (d *deskPane) detail() []string {
	p, pt := &d.c.p, &d.c.pt
	f, ok := d.current()
	if !ok {
		return nil
	}
	where := f.Area
	if a, ok := pt.areas[f.Area]; ok {
		where += " " + a.Name
		if cp, ok := a.Checkpoint(f.Checkpoint); ok && f.Checkpoint != "" {
			where += " · " + cp.Code + " " + cp.Name
		}
	}
	who := f.By.String()
	if person, ok := d.c.w.byID[f.By]; ok {
		who = person.Name
	}
	out := []string{f.ID + " " + oneLine(f.Text), where + " · " + d.pl.Patroller + " " + who}
	switch {
	case f.Status == model.FindingWaiting:
		out = append(out, d.pl.TriageBy+" "+f.TriageDue(pt.policy()).In(d.c.loc).Format("15:04"))
	case f.Incident != "":
		out = append(out, f.Incident+" "+p.lab.Status[d.incidentStatus(f)])
	default:
		out = append(out, f.Reason)
	}
	return out
}

// oneLine is s on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// policy is the patrol settings the records were read with.
func (pt *patrolData) policy() model.PatrolPolicy { return pt.pol }

// The desk's forms.

const (
	formPassFinding formKind = iota + 130
	formMergeFinding
	formCloseFinding
)

// openDeskForm opens the form a desk key asked for.
func (m Model) openDeskForm(msg deskAskMsg) (tea.Model, tea.Cmd) {
	f := msg.f
	switch msg.kind {
	case formPassFinding:
		cats := sortedCategories(m.svc.Policy())
		names := make([]string, len(cats))
		cur := 0
		for i, c := range cats {
			names[i] = m.say(c, model.Category(c).Zh())
			if c == string(f.Category) {
				cur = i
			}
		}
		sevs := []string{"I", "II", "III", "IV"}
		return m.openForm(newForm(formPassFinding, m.say("Pass on ", "交办 ")+f.ID, f.ID,
			newTextField("node", m.say("where", "地点"), m.w.nameOrCode(f.Village), m.say("the village or a grid in it, by name or code", "所在村或其网格，名称或代码"), 40),
			newChoiceField("category", m.say("category", "类别"), cats, names, cur),
			newChoiceField("severity", m.say("severity", "等级"), sevs, sevs, 2)))
	case formMergeFinding:
		return m.openForm(newForm(formMergeFinding, m.say("Merge ", "并入 ")+f.ID, f.ID,
			newTextField("into", m.say("into incident", "并入事件"), m.mergeCandidate(f), "HJ-20261129-0001", 24)))
	}
	return m.openForm(newForm(formCloseFinding, m.say("Close ", "销号 ")+f.ID, f.ID,
		newTextField("reason", m.say("why no action", "无需处置的原因"), "", m.say("required", "必填"), model.MaxNoteRunes)))
}

// mergeCandidate is the newest open incident at the finding's village, to
// start the merge form with; "" if the console knows none.
func (m Model) mergeCandidate(f model.Finding) string {
	best := model.Incident{}
	for _, inc := range m.w.incs {
		if inc.Status.Open() && f.Village.Contains(inc.Node) && inc.Seq > best.Seq {
			best = inc
		}
	}
	return best.ID
}

// deskDoneMsg is the store's answer to a desk action.
type deskDoneMsg struct {
	act model.Action
	f   model.Finding
	inc model.Incident
	err error
}

func (m deskDoneMsg) failed() error { return m.err }

// submitDeskForm checks a desk form by model's rules on the console's
// copies (a refusal about one of its fields keeps it open with the reason)
// and sends it.
func (m Model) submitDeskForm(v map[string]string) (tea.Model, tea.Cmd) {
	f := m.deskTarget()
	switch m.form.kind {
	case formPassFinding:
		return m.submitPass(f, v)
	case formMergeFinding:
		return m.submitMerge(f, v)
	}
	return m.submitClose(f, v)
}

// deskTarget is the finding the open desk form is about.
func (m Model) deskTarget() model.Finding {
	var f model.Finding
	for _, x := range m.pt.findings {
		if x.ID == m.form.target {
			f = x
		}
	}
	return f
}

// refuseForm keeps the form open with the reason.
func (m Model) refuseForm(err error) (tea.Model, tea.Cmd) {
	m.form.refused(m.notFiled(err), err)
	return m, nil
}

// submitPass passes the finding on as a report at the node the form names.
func (m Model) submitPass(f model.Finding, v map[string]string) (tea.Model, tea.Cmd) {
	by := m.seat.Person.ID
	actor, known := m.w.byID[by]
	svc := m.svc
	node, err := m.names().Resolve(v["node"])
	if err != nil {
		return m.refuseForm(err)
	}
	if _, ok := m.w.nodes[node]; !ok {
		return m.refuseForm(refusal(model.ENOTFOUND, "no node "+string(node)+" in the tower", "网格塔中没有节点 "+string(node)))
	}
	sev, err := model.ParseSeverity(v["severity"])
	if err != nil {
		return m.refuseForm(err)
	}
	if known {
		if _, err := f.PassReport(node, v["category"], sev, actor, ""); err != nil && m.form.has(model.ErrorField(err)) {
			return m.refuseForm(err)
		}
	}
	id, cat := f.ID, v["category"]
	return m.askForm(m.say(fmt.Sprintf("pass %s on as a report at %s (%s, %s)?", id, m.w.names[node], cat, sev),
		fmt.Sprintf("将 %s 交办为 %s 的上报（%s，%s）？", id, m.w.names[node], model.Category(cat).Zh(), sev)),
		func(m Model) (Model, tea.Cmd) {
			return m, func() tea.Msg {
				out, inc, err := svc.PassFinding(context.Background(), id, node, cat, sev, by)
				return deskDoneMsg{act: model.ActFindingPass, f: out, inc: inc, err: err}
			}
		})
}

// submitMerge merges the finding into the incident the form names.
func (m Model) submitMerge(f model.Finding, v map[string]string) (tea.Model, tea.Cmd) {
	by := m.seat.Person.ID
	actor, known := m.w.byID[by]
	svc := m.svc
	id, err := model.ParseIncidentID(v["into"])
	if err != nil {
		return m.refuseForm(model.Errorf(model.EINVALID, "%s", model.ErrorMessage(err)).Zh("%s", model.ErrorMessageZh(err)).On("into"))
	}
	if seq, ok := m.w.byRef[id]; ok && known {
		if inc, ok := m.w.get(seq); ok {
			if _, _, err := f.Merge(inc, actor, m.now); err != nil && (m.form.has(model.ErrorField(err)) || model.ErrorCode(err) == model.ECONFLICT) {
				return m.refuseForm(err)
			}
		}
	}
	fid := f.ID
	return m.askForm(m.say(fmt.Sprintf("merge %s into %s?", fid, id), fmt.Sprintf("将 %s 并入 %s？", fid, id)),
		func(m Model) (Model, tea.Cmd) {
			return m, func() tea.Msg {
				out, err := svc.MergeFinding(context.Background(), fid, id, by)
				return deskDoneMsg{act: model.ActFindingMerge, f: out, err: err}
			}
		})
}

// submitClose closes the finding with the form's reason.
func (m Model) submitClose(f model.Finding, v map[string]string) (tea.Model, tea.Cmd) {
	by := m.seat.Person.ID
	actor, known := m.w.byID[by]
	svc := m.svc
	if known {
		if _, _, err := f.Close(v["reason"], actor, m.now); err != nil && m.form.has(model.ErrorField(err)) {
			return m.refuseForm(err)
		}
	}
	fid, reason := f.ID, v["reason"]
	return m.askForm(m.say(fmt.Sprintf("close %s: %s?", fid, reason), fmt.Sprintf("销号 %s：%s？", fid, reason)),
		func(m Model) (Model, tea.Cmd) {
			return m, func() tea.Msg {
				out, err := svc.CloseFinding(context.Background(), fid, reason, by)
				return deskDoneMsg{act: model.ActFindingClose, f: out, err: err}
			}
		})
}

// onDeskDone says what a desk action did and reads the records again.
func (m Model) onDeskDone(msg deskDoneMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		return m.flashErr(msg.err)
	}
	var text string
	switch msg.act {
	case model.ActFindingPass:
		m.w.change([]model.Incident{msg.inc}, m.now)
		m.tell(m.queue, changedMsg{[]model.Incident{msg.inc}})
		text = fmt.Sprintf(m.say("%s passed on as %s (%s)", "%s 已交办为 %s（%s）"), msg.f.ID, msg.inc.ID, m.p.lab.Tier[msg.inc.Tier])
	case model.ActFindingMerge:
		text = fmt.Sprintf(m.say("%s merged into %s", "%s 已并入 %s"), msg.f.ID, msg.f.Incident)
	default:
		text = fmt.Sprintf(m.say("%s closed: %s", "%s 已销号：%s"), msg.f.ID, msg.f.Reason)
	}
	m.tell(m.desk, showMsg{}) // back to the oldest finding waiting
	mm, c := m.flashInfo(text)
	mm, r := mm.refreshPatrols()
	return mm, tea.Batch(c, r)
}
