package ui

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

const (
	formActivate formKind = iota + 100
	formDirective
	formRunning  // what to do with a wartime over part of the town: widen it or end it
	formProgress // how much of a directive the seat's own unit has done (directive_own.go)
)

// onWartimeMsg routes the wartime messages: the state read from the
// store, and the answers to the operator's wartime steps (a refusal among
// them is flashed).
func (m Model) onWartimeMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	if err := failedOf(msg); err != nil {
		return m.flashErr(err)
	}
	switch msg := msg.(type) {
	case wartimeMsg:
		return m.onWartimeLoaded(msg), nil
	case activatedTownsMsg:
		return m.onActivatedTowns(msg)
	case activatedMsg:
		return m.onActivated(msg)
	case deactivatedMsg:
		return m.showAfter(msg.after), loadWartime(m.svc, m.scope)
	case deactivatedTownsMsg:
		return m.onDeactivatedTowns(msg)
	case widenedMsg:
		return m.onWidened(msg)
	case wideningMsg:
		return m.askWiden(msg)
	case afterActionMsg:
		return m.showAfter(msg.after), nil
	case directiveIssuedMsg:
		return m.onDirectiveIssued(msg)
	case resentMsg:
		return m.flashInfo(m.say(fmt.Sprintf("%s resent to %d silent micro-grids", msg.id, msg.n),
			fmt.Sprintf("%s 已向 %d 个未签收微网格重发", msg.id, msg.n)))
	case draftMsg:
		return m.askDraft(msg)
	case draftedMsg:
		return m.onDrafted(msg)
	case releaseMsg:
		return m.askRelease(msg)
	case releasedMsg:
		return m.onReleased(msg)
	case signForMsg:
		return m.askSignFor(msg)
	case signedForMsg:
		return m.onSignedFor(msg)
	case directiveSaysMsg:
		if msg.refused {
			return m.flashErr(refusal(model.ECONFLICT, msg.en, msg.zh))
		}
		return m.flashInfo(m.say(msg.en, msg.zh))
	}
	return m, nil
}

// onActivatedTowns names the towns a county-wide activation put in
// wartime and reads the state again.
func (m Model) onActivatedTowns(msg activatedTownsMsg) (tea.Model, tea.Cmd) {
	ids := make([]string, len(msg.acts))
	for i, a := range msg.acts {
		ids[i] = a.ID
	}
	mm, c := m.flashInfo(m.say(fmt.Sprintf("wartime in %d towns: %s", len(ids), strings.Join(ids, " ")),
		fmt.Sprintf("%d 个镇街已进入战时：%s", len(ids), strings.Join(ids, " "))))
	return mm, tea.Batch(c, loadWartime(m.svc, m.scope))
}

// onActivated says which activation began and why, and reads the state
// again.
func (m Model) onActivated(msg activatedMsg) (tea.Model, tea.Cmd) {
	mm, c := m.flashInfo(fmt.Sprintf(m.say("%s %s: %s", "%s 已%s：%s"), msg.act.ID, m.p.lab.Action[model.ActActivate], m.wl.Reason[msg.act.Reason]))
	return mm, tea.Batch(c, loadWartime(m.svc, m.scope))
}

// askDraft asks before drafting a reserve into a micro-grid; a seat that
// may not act is refused before the question.
func (m Model) askDraft(msg draftMsg) (tea.Model, tea.Cmd) {
	if err := m.mayAct(); err != nil {
		return m.flashErr(err)
	}
	by := m.seat.Person.ID
	return m.ask(fmt.Sprintf(m.say("%s %s into %s?", "%s %s 补入 %s？"), m.p.lab.Verb[model.ActDraft], m.personText(msg.person), m.w.names[msg.micro]),
		func(m Model) (Model, tea.Cmd) { return m, draft(m.svc, msg.person, msg.micro, by) })
}

// askRelease asks before releasing a drafted reserve; a seat that may not
// act is refused before the question.
func (m Model) askRelease(msg releaseMsg) (tea.Model, tea.Cmd) {
	if err := m.mayAct(); err != nil {
		return m.flashErr(err)
	}
	by := m.seat.Person.ID
	return m.ask(fmt.Sprintf(m.say("%s %s from %s (it has no worker again)?", "%s %s（%s 恢复缺员）？"), m.p.lab.Verb[model.ActRelease], m.personText(msg.person), m.w.names[msg.micro]),
		func(m Model) (Model, tea.Cmd) { return m, releaseReserve(m.svc, msg.person, by) })
}

// onReleased says the reserve is released and its micro-grid short again,
// and reads the state again.
func (m Model) onReleased(msg releasedMsg) (tea.Model, tea.Cmd) {
	mm, c := m.flashInfo(fmt.Sprintf(m.say("%s released; %s has no worker again", "%s 已解除征调，%s 恢复缺员"),
		m.personText(msg.d.Person), m.w.names[msg.d.MicroGrid]))
	return mm, tea.Batch(c, loadWartime(m.svc, m.scope))
}

// onWartimeLoaded takes the new wartime state and tells the panes that show
// it; the layout changes when wartime began or ended.
func (m Model) onWartimeLoaded(msg wartimeMsg) Model {
	was := m.wt.active()
	m.wt = wartime{status: msg.status, directives: msg.directives}
	m.tell(m.dir, wartimeLoadedMsg{})
	m.tell(m.gaps, wartimeLoadedMsg{})
	if was != m.wt.active() {
		m.wartimeTurned()
	}
	m.tell(m.wtc, countMsg{})
	return m
}

// wartimeTurned lays the screen out for the wartime state as it now is: the
// wartime chain in the chain's place while wartime is active (layout takes
// the focus off a pane the new layout passes by).
func (m *Model) wartimeTurned() {
	m.layout()
	m.ring[paneChain] = m.chain
	if m.wt.active() {
		m.ring[paneChain] = m.wtc
	}
}

// showAfter opens the after-action summary.
func (m Model) showAfter(a model.AfterAction) Model {
	if m.overlay != overlayAfter {
		m = m.push()
	}
	m.tell(m.after, afterMsg{a})
	m.overlay = overlayAfter
	return m
}

// onDirectiveIssued: a dry run asks whether to send, counting the
// recipients; a directive sent is shown once the feed brings it.
func (m Model) onDirectiveIssued(msg directiveIssuedMsg) (tea.Model, tea.Cmd) {
	if !msg.dryRun {
		m.tell(m.dir, wantDirectiveMsg{msg.d.ID})
		return m.flashInfo(m.say(fmt.Sprintf("%s issued to %d micro-grids", msg.d.ID, len(msg.units)),
			fmt.Sprintf("%s 已下达至 %d 个微网格", msg.d.ID, len(msg.units))))
	}
	nobody := 0
	staffed := map[model.NodeCode]bool{}
	for _, u := range m.wt.status.Units {
		staffed[u.MicroGrid] = u.Worker != 0
	}
	for _, u := range msg.units {
		if !staffed[u.Unit] {
			nobody++
		}
	}
	by := m.seat.Person.ID
	due := model.DueClock(msg.due.In(m.opt.Location), m.now) // with its date when not today's
	q := m.directiveQuestion(msg.text, len(msg.units), nobody, due)
	return m.askLater(q, true, func(m Model) (Model, tea.Cmd) {
		return m, issueDirective(m.svc, msg.text, msg.to, msg.due, by, false)
	})
}

// personText names a person for a question: name, reserve kind, phone.
func (m Model) personText(id model.PersonID) string {
	p, ok := m.w.byID[id]
	if !ok {
		return id.String()
	}
	if p.Reserve != model.ReserveNone {
		return reserveText(m.p.lab, p)
	}
	return p.Name + " " + p.Phone
}

func (m Model) onDrafted(msg draftedMsg) (tea.Model, tea.Cmd) {
	name := msg.d.Person.String()
	if p, ok := m.w.byID[msg.d.Person]; ok {
		name = p.Name
	}
	return m.flashInfo(m.say(fmt.Sprintf("%s drafted into %s", name, m.w.names[msg.d.MicroGrid]),
		fmt.Sprintf("已征调 %s 补入 %s", name, m.w.names[msg.d.MicroGrid])))
}

// noWartime reports whether the seat starts and ends no wartime: a
// wartime covers a town or villages, and a seat below the village (a
// grid's, a micro-grid's) holds none (model.MayCommand), so W is refused
// there before its form, and not offered (seatKeys).
func (m Model) noWartime() bool { return m.seat.Acts() && m.seat.Level() > model.LevelVillage }

// onWartimeKey: W opens the activation form in peacetime, and asks to end
// wartime while it is active; in the town room, or a room above the towns
// over one town, while the wartime covers part of the town, it offers to
// widen it or end it (runningForm).
func (m Model) onWartimeKey() (tea.Model, tea.Cmd) {
	if f, ok := m.runningForm(); ok {
		return m.openForm(f)
	}
	if m.aboveTowns() {
		if acts := m.roomWartimeTarget(); len(acts) > 0 {
			return m.askEndTowns(acts)
		}
	} else if m.wt.active() {
		return m.askEndTowns([]model.Activation{m.wt.status.Active})
	}
	if m.noWartime() {
		return m.flashErr(refusal(model.EFORBIDDEN,
			fmt.Sprintf("%s's seat does not start wartime: it covers a town or villages; the village room or the town room starts it", m.w.nameOf(m.seat.Node)),
			fmt.Sprintf("%s 的席位不能启动战时：战时范围为全镇或村社，由村指挥室或镇指挥室启动", m.w.nameOf(m.seat.Node))))
	}
	reasons := make([]string, len(model.Reasons))
	names := make([]string, len(model.Reasons))
	for i, r := range model.Reasons {
		reasons[i], names[i] = string(r), m.wl.Reason[r]
	}
	scope := m.say("town", "全镇")
	if sel := m.tower.selected(); sel.Level() == model.LevelVillage {
		scope = m.w.names[sel]
	} else if m.aboveTowns() {
		// A room above the towns: every town of the room, or the town
		// chosen; one activation per town.
		scope = m.w.nameOrCode(m.scope)
		if town := m.roomTownChosen(); town != "" {
			scope = m.w.nameOrCode(town)
		}
	}
	return m.openForm(newForm(formActivate, m.say("Activate wartime (micro-grid mode)", "启动战时（微网格模式）"), "",
		newChoiceField("reason", m.say("reason", "原因"), reasons, names, 1),
		newTextField("scope", m.say("scope", "范围"), scope, m.say("town, or villages by name or code", "全镇，或村社的名称或代码"), 200),
		newChoiceField("drill", m.say("drill", "演练"), []string{"no", "yes"}, []string{m.say("no", "否"), m.say("yes", "是")}, 0),
		newTextField("note", m.say("note", "备注"), "", "", model.MaxNoteRunes)))
}

// roomTownChosen is the town a room above the towns acts on: the one
// selected in the tower, or the town of a village or grid selected there;
// "" for the whole room (the tower on the room's own node, as it opens).
func (m Model) roomTownChosen() model.NodeCode {
	return m.tower.selected().Town()
}

// roomWartimeTarget is the wartimes W ends in a room above the towns: the
// chosen town's, or with no town chosen every town's of the room; none
// (the form starts one) when the chosen town, or every town, is in
// peacetime.
func (m Model) roomWartimeTarget() []model.Activation {
	town := m.roomTownChosen()
	if town == "" {
		return m.wt.status.Towns
	}
	for _, a := range m.wt.status.Towns {
		if len(a.Scope) > 0 && a.Scope[0].Town() == town {
			return []model.Activation{a}
		}
	}
	return nil
}

// askEndTowns asks before ending acts: one by its id, reason and start;
// more by their count and ids.
func (m Model) askEndTowns(acts []model.Activation) (tea.Model, tea.Cmd) {
	by := m.seat.Person.ID
	for _, a := range acts {
		// Refused before the question, as the store would (MayCommand): a
		// village room does not end the town's wartime.
		if model.MayCommand(m.seat.Person, a.Scope, "scope", nil) != nil {
			p, where := m.seat.Person, m.placeNames(a.Scope)
			return m.flashErr(refusal(model.EFORBIDDEN,
				fmt.Sprintf("%s (%s) may act only within %s; %s covers %s: the room above ends it", p.ID, p.Name, m.w.nameOf(p.Scope()), a.ID, where),
				fmt.Sprintf("%s（%s）只能在 %s 内操作；%s 覆盖 %s：请由上级指挥室结束", p.ID, p.Name, m.w.nameOf(p.Scope()), a.ID, where)))
		}
	}
	if len(acts) == 1 {
		a := acts[0]
		return m.ask(m.endQuestion(a), func(m Model) (Model, tea.Cmd) { return m, deactivate(m.svc, a.ID, by) })
	}
	ids := make([]string, len(acts))
	for i, a := range acts {
		ids[i] = a.ID
	}
	q := m.say(fmt.Sprintf("end wartime in all %d towns of the room (%s)?", len(acts), strings.Join(ids, " ")),
		fmt.Sprintf("结束本室全部 %d 个镇街的战时（%s）？", len(acts), strings.Join(ids, " ")))
	return m.ask(q, func(m Model) (Model, tea.Cmd) { return m, deactivateTowns(m.svc, ids, by) })
}

// endQuestion asks to end a: by its id, reason and start; in a room above
// the towns, its town's; over part of a town, which part.
func (m Model) endQuestion(a model.Activation) string {
	since := a.Since.In(m.opt.Location).Format("01-02 15:04")
	part := partScope(a, m.nodeName, m.say("%d villages", "这 %d 个村社"))
	switch {
	case m.aboveTowns():
		return m.say(fmt.Sprintf("end wartime %s in %s (%s, since %s)?", a.ID, m.nodeName(a.Scope[0].Town()), a.Reason, since),
			fmt.Sprintf("结束%s的战时 %s（%s，自 %s）？", m.nodeName(a.Scope[0].Town()), a.ID, a.Reason.Zh(), since))
	case part != "":
		// Over part of the town: which part (a village room may have
		// begun it; the town room ends it knowing whose it ends).
		return m.say(fmt.Sprintf("end wartime %s over %s (%s, since %s)?", a.ID, part, a.Reason, since),
			fmt.Sprintf("结束%s的战时 %s（%s，自 %s）？", part, a.ID, a.Reason.Zh(), since))
	}
	return m.say(fmt.Sprintf("end wartime %s (%s, since %s)?", a.ID, a.Reason, since),
		fmt.Sprintf("结束战时 %s（%s，自 %s）？", a.ID, a.Reason.Zh(), since))
}

// onDeactivatedTowns says how the room's wartimes ended: here, or sent to
// their towns to end; the first refusal, if any, after that.
func (m Model) onDeactivatedTowns(msg deactivatedTownsMsg) (tea.Model, tea.Cmd) {
	text := m.say(fmt.Sprintf("wartime ended in %d towns", msg.ended), fmt.Sprintf("%d 个镇街已结束战时", msg.ended))
	if len(msg.queued) > 0 {
		text += m.say(fmt.Sprintf("; sent to %d towns to end: %s", len(msg.queued), strings.Join(msg.queued, ", ")),
			fmt.Sprintf("；已发往 %d 个镇街待其结束：%s", len(msg.queued), strings.Join(msg.queued, "、")))
	}
	mm, c := m.flashInfo(text)
	if msg.err != nil { // what was done stays said beside the refusal
		mm, c = m.flashErr(said(model.ErrorCode(msg.err), text+m.say("; ", "；")+m.errText(msg.err)))
	}
	return mm, tea.Batch(c, loadWartime(m.svc, m.scope))
}

func (m Model) openDirectiveForm() (tea.Model, tea.Cmd) {
	if err := m.mayNotDirect(); err != nil { // a micro-grid's seat: refused before the form
		return m.flashErr(err)
	}
	if !m.wt.active() {
		return m.flashErr(noWartime())
	}
	to := m.directiveTo()
	return m.openForm(newForm(formDirective, m.say("Issue a directive", "下达指令"), "",
		newTextField("text", m.say("directive", "指令"), "", m.say("e.g. check every household's whereabouts", "如 逐户核查人员去向"), model.MaxTitleRunes),
		newTextField("deadline", m.say("done by", "完成时限"), "2h", m.say("2h, 90m, or a time: 04:40", "2h、90m，或时刻 04:40"), 16),
		// The field takes its pre-fill whole, however many villages the
		// wartime covers (a field cuts what is set beyond its limit).
		newTextField("to", m.say("to", "下达至"), to, m.say("town, or villages by name or code", "全镇，或村社名称、代码"),
			max(directiveToLimit, utf8.RuneCountInString(to)))))
}

// directiveToLimit is how many characters a directive's targets take as
// typed: a town's villages by name, several dozen of them.
const directiveToLimit = 2000

// directiveTo is what the directive form's to starts with: the village
// chosen in the tower when the wartime covers it; in a room above the
// towns, the town chosen, else the first in wartime; the town, when the
// wartime covers it whole; else the wartime's own scope, by name.
func (m Model) directiveTo() string {
	act := m.wt.status.Active
	if sel := m.tower.selected(); sel.Level() == model.LevelVillage && act.Covers(sel) {
		return m.w.names[sel]
	}
	if m.aboveTowns() {
		// A room above the towns has no "town" of its own.
		if to := m.roomTownChosen(); to != "" || len(act.Scope) == 0 {
			return m.w.nameOrCode(to)
		}
		return m.w.nameOrCode(act.Scope[0].Town())
	}
	if t := m.town(); t == "" || act.Covers(t) {
		return m.say("town", "全镇")
	}
	return m.placeNames(act.Scope)
}

// placeNames names codes as the console does (渎溪村、小界岭村), each by its
// code where it has no name here, the seat's town as the whole town where
// the seat (below the town) holds no town node; names a form reads back
// (model.NodeNames).
func (m Model) placeNames(codes []model.NodeCode) string {
	return m.placesJoined(codes, m.say(", ", "、"))
}

// placesJoined is placeNames joined by sep.
func (m Model) placesJoined(codes []model.NodeCode, sep string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if c == m.seat.Town && m.w.names[c] == "" {
			out[i] = m.say("the whole town", "全镇")
		} else {
			out[i] = m.w.nameOrCode(c)
		}
	}
	return strings.Join(out, sep)
}

// names resolves names typed for nodes within the town (model.NodeNames).
func (m Model) names() model.NodeNames {
	return m.w.nodeNames(m.town())
}

// inRoom refuses codes outside the seat's room: a village room directs
// its own micro-grids, not another village's.
func (m Model) inRoom(codes []model.NodeCode) error {
	for _, c := range codes {
		if !inScope(m.scope, c) {
			place := m.placeNames([]model.NodeCode{c})
			return refusal(model.EFORBIDDEN, fmt.Sprintf("%s is outside this seat's room (%s)", place, m.w.names[m.scope]),
				fmt.Sprintf("%s 不在本席位的范围（%s）内", place, m.w.names[m.scope]))
		}
	}
	return nil
}

// town is what "the town" (全镇 in a scope or a directive's targets)
// means: the seat's town; at a seat below the town (a village's, a
// grid's), its own node, as far as its room reaches. A console over a file
// holding one town alone (read-only, no seat) means that town; a room above
// the towns that has not turned to one means none, and the form says to
// name them.
func (m Model) town() model.NodeCode {
	if m.seat.Level() > model.LevelTown {
		return m.scope
	}
	if m.seat.Town != "" {
		return m.seat.Town
	}
	if m.seat.Node == "" && len(m.w.tower.Roots) == 1 && m.w.tower.Roots[0].Level() == model.LevelTown {
		return m.w.tower.Roots[0]
	}
	return ""
}

// activation is what the activation form asks, as the question names it.
type activation struct {
	reason model.Reason
	drill  bool
	note   string
	kind   string // the reason, and whether it is a drill
}

// activationForm reads the activation form: the reason, whether it is a
// drill, and the note (refused when it is not clean text).
func (m Model) activationForm(v map[string]string) (activation, error) {
	note, err := model.CleanText(v["note"], false)
	if err != nil {
		return activation{}, err
	}
	a := activation{reason: model.Reason(v["reason"]), drill: v["drill"] == "yes", note: note}
	a.kind = m.wl.Reason[a.reason]
	if a.drill {
		a.kind += " (" + m.wl.Drill + ")"
	}
	return a, nil
}

// submitWartimeForm handles the activation and directive forms, the
// choice over a running wartime (widen or end), and a unit's progress.
func (m Model) submitWartimeForm(v map[string]string) (tea.Model, tea.Cmd, error) {
	switch m.form.kind {
	case formActivate:
		return m.submitActivation(v)
	case formDirective:
		return m.submitDirective(v)
	case formRunning:
		return m.submitRunning(v)
	case formProgress:
		return m.submitProgress(v)
	}
	return m, nil, nil
}

// submitActivation reads the activation form and asks before it acts.
func (m Model) submitActivation(v map[string]string) (tea.Model, tea.Cmd, error) {
	by := m.seat.Person.ID
	scope, err := m.names().Scope([]string{v["scope"]}, m.town())
	if err != nil {
		return m, nil, err
	}
	if err := m.inRoom(scope); err != nil {
		return m, nil, onField(err, "scope")
	}
	if m.aboveTowns() {
		return m.confirmTowns(v, scope)
	}
	cover, err := m.w.tower.Cover(scope)
	if err != nil {
		return m, nil, err
	}
	a, err := m.activationForm(v)
	if err != nil {
		return m, nil, err
	}
	mm, c := m.askForm(m.activationQuestion(a, scope, cover), func(m Model) (Model, tea.Cmd) {
		return m, activate(m.svc, a.reason, scope, a.drill, a.note, by)
	})
	return mm, c, nil
}

// fewVillages is how many villages a question names; more are counted.
const fewVillages = 3

// activationQuestion asks to activate a over scope: its villages named
// when they are few and the scope is villages, else counted.
func (m Model) activationQuestion(a activation, scope []model.NodeCode, cover model.ScopeCover) string {
	named := len(scope) <= fewVillages && !slices.ContainsFunc(scope, func(c model.NodeCode) bool { return c.Level() != model.LevelVillage })
	if named {
		places := m.placeNames(scope)
		return m.say(fmt.Sprintf("activate wartime: %s over %s: %d micro-grids, %d households?", a.kind, places, cover.MicroGrids(), cover.Households),
			fmt.Sprintf("启动战时：%s，覆盖%s：%d 个微网格、%d 户？", a.kind, places, cover.MicroGrids(), cover.Households))
	}
	return m.say(fmt.Sprintf("activate wartime: %s over %d villages, %d micro-grids, %d households?", a.kind, cover.Villages, cover.MicroGrids(), cover.Households),
		fmt.Sprintf("启动战时：%s，覆盖 %d 个村社、%d 个微网格、%d 户？", a.kind, cover.Villages, cover.MicroGrids(), cover.Households))
}

// submitDirective reads the directive form and sends the dry run, the
// form held until it answers.
func (m Model) submitDirective(v map[string]string) (tea.Model, tea.Cmd, error) {
	text, err := model.CleanText(v["text"], false)
	if err != nil {
		return m, nil, err
	}
	if text == "" {
		return m, nil, onField(refusal(model.EINVALID, "say what is to be done", "请填写指令内容"), "text")
	}
	// The deadline is resolved now, once: the question names this time and
	// the directive keeps it, however long the question waits.
	due, err := model.ParseDue(v["deadline"], m.now, m.opt.Location)
	if err != nil {
		return m, nil, err
	}
	to, err := m.names().Targets([]string{v["to"]}, m.town())
	if err != nil {
		return m, nil, err
	}
	if err := m.inRoom(to); err != nil {
		return m, nil, onField(err, "to")
	}
	if err := m.inWartime(to); err != nil {
		return m, nil, err
	}
	m.formActive = false // the dry run, with the form held: it comes back if the run fails
	mm, c := m.hold(held{kind: heldForm, form: m.form}, issueDirective(m.svc, text, to, due, m.seat.Person.ID, true))
	return mm, c, nil
}

// inWartime refuses a directive while no wartime is active, and its
// targets outside the wartime's scope by the store's rule
// (model.CheckTargets), the places named as the console names them.
func (m Model) inWartime(to []model.NodeCode) error {
	act := m.wt.status.Active
	if !act.Active() {
		return noWartime()
	}
	return model.CheckTargets(act, to, m.placesJoined)
}

// noWartime refuses a directive while no wartime is active, saying the
// key that begins one.
func noWartime() error {
	return refusal(model.ECONFLICT, "no wartime is active: directives go out in wartime (W)", "当前没有战时状态：指令只在战时下达（W 启动）")
}
