package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// The patrol pane (:patrols) and the liaison's desk (:desk, desk.go): two
// overlays of the right-hand column over one load of the patrol records
// (patrolData, in common). While either is open the root reloads it when
// the feed brings an event of the patrol flow or of an incident, and every
// patrolRefresh, since lateness and silence change with the clock.

// patrolRefresh is how often an open patrol pane or desk is read again
// when nothing happens.
const patrolRefresh = 30 * time.Second

// patrolData is what the two panes show, read together.
type patrolData struct {
	board    model.PatrolBoard
	findings []model.Finding // the desk: every one waiting, and the day's handled ones (model.SortDesk)
	areas    map[string]model.PatrolArea
	pol      model.PatrolPolicy
	at       time.Time // when it was read
	loaded   bool
	loading  bool // a read is under way
	stale    bool // something changed while it was: read again after
}

// patrolLoadedMsg is a read of the patrol records.
type patrolLoadedMsg struct {
	board    model.PatrolBoard
	findings []model.Finding
	err      error
}

// loadPatrols reads the day's board and the desk's findings, those of
// scope (the seat's: a town's own, a county room's all).
func loadPatrols(svc model.Service, scope model.NodeCode, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		b, err := svc.PatrolBoard(ctx, time.Time{}, scope)
		if err != nil {
			return patrolLoadedMsg{err: err}
		}
		y, m, d := svc.Now().In(loc).Date()
		today, err := svc.Findings(ctx, model.FindingFilter{Since: time.Date(y, m, d, 0, 0, 0, 0, loc), Node: scope})
		if err != nil {
			return patrolLoadedMsg{err: err}
		}
		waiting, err := svc.Findings(ctx, model.FindingFilter{Open: true, Node: scope})
		if err != nil {
			return patrolLoadedMsg{err: err}
		}
		seen := map[uint64]bool{}
		var fs []model.Finding
		for _, f := range append(today, waiting...) {
			if !seen[f.Seq] {
				seen[f.Seq] = true
				fs = append(fs, f)
			}
		}
		model.SortDesk(fs)
		return patrolLoadedMsg{board: b, findings: fs}
	}
}

// ptLabels are the patrol panes' words in one language.
type ptLabels struct {
	Patrols, Desk, PatrolRate, FollowUp, Week, Prev, Waiting, PastDeadline string
	Kind, Due, Done, Late, Rate, Patroller, Who, Current, LastCheck, Today string
	Rotation, Group, Reports, NoAreas, Loading, Silent, NoFindings         string
	Found, Status, Where, What, DeskHint, TriageBy, Checkpoint             string
	Action                                                                 map[model.Action]string
}

func patrolLabels(lang string) ptLabels {
	say := func(en, zh string) string { return sayIn(lang, en, zh) }
	return ptLabels{
		Patrols: say("Patrols", "巡护"), Desk: say("Liaison's desk", "联络员分拣台"), PatrolRate: say("patrol", "巡护率"),
		FollowUp: say("follow-up", "跟踪率"), Week: say("findings 7d", "近7日发现"), Prev: say("7d before", "前7日"),
		Waiting: say("on the desk", "待分拣"), PastDeadline: say("past deadline", "超时"), Kind: say("kind", "类型"),
		Due: say("due", "应巡"), Done: say("done", "已巡"), Late: say("late", "超时"), Rate: say("rate", "巡护率"),
		Patroller: say("patroller", "巡护员"), Who: say("name", "巡护员"), Current: say("on patrol", "当前巡护"),
		LastCheck: say("last", "打卡"), Today: say("done", "今日"), Rotation: say("rotation", "轮值"), Group: say("group %d", "第%d组"),
		Reports: say("reports", "报告"), NoAreas: say("no patrol areas", "尚无巡护区") + say(": ", "：") + "gridcmd import patrol-areas FILE.csv",
		Loading: say("loading...", "载入中"), Silent: say("silent", "失联"), NoFindings: say("the desk is clear", "分拣台已清空"),
		Found: say("found", "发现"), Status: say("status", "状态"), Where: say("at", "地点"), What: say("what", "内容"),
		DeskHint: say("p pass on  m merge  x close  enter incident  esc back", "p 交办  m 并入  x 销号  enter 打开事件  esc 返回"),
		TriageBy: say("triage by", "须分拣于"), Checkpoint: say("checkpoint", "检查点"), Action: patrolActions(lang),
	}
}

// patrolActions are the patrol flow's actions by name: in Chinese model's
// catalogue's, but a patrol's check-in (model.PatrolCheckInZh).
func patrolActions(lang string) map[model.Action]string {
	if !chinese(lang) {
		return map[model.Action]string{
			model.ActPatrolStart: "patrol started", model.ActCheckIn: "check-in", model.ActPatrolDone: "patrol done",
			model.ActPatrolEnd: "patrol ended", model.ActFinding: "finding", model.ActFindingPass: "passed on",
			model.ActFindingMerge: "merged", model.ActFindingClose: "closed (no action)", model.ActRotationPatrol: "joint patrol",
			model.ActRotationSweep: "building sweep", model.ActRotationTraffic: "traffic persuasion",
		}
	}
	zh := map[model.Action]string{}
	for _, a := range model.PatrolActions {
		zh[a] = a.Zh()
	}
	zh[model.ActCheckIn] = model.PatrolCheckInZh
	return zh
}

// The ticker names the patrol flow's events in the console's language.
func init() {
	for _, l := range []*Labels{&enLabels, &zhLabels} {
		for a, s := range patrolLabels(l.Lang).Action {
			if a != model.ActCheckIn { // shared with a room's check-in: see describe
				l.Action[a] = s
			}
		}
	}
}

// patrolCheckIn is the ticker's word for a patrol's check-in, which shares
// its action with a village room's (model.IsPatrolCheckIn).
func patrolCheckIn(lang string) string { return patrolLabels(lang).Action[model.ActCheckIn] }

// patrolEvent reports whether an event may change what the patrol panes
// show: one of the patrol flow, or a step of an incident (which may carry
// a finding).
func patrolEvent(e model.Event) bool {
	return e.Ref != "" || e.IncidentSeq != 0
}

// kindName is an area kind in the console's language.
func kindName(lang string, k model.AreaKind) string {
	if chinese(lang) {
		return k.Zh()
	}
	return string(k)
}

// rateText writes n of d as a percentage and the count: "77% 48/62".
func rateText(n, d int) string {
	if d == 0 {
		return "- 0/0"
	}
	return fmt.Sprintf("%d%% %d/%d", (100*n+d/2)/d, n, d)
}

// patrolsPane is :patrols: the two rates in its title bar, today's areas
// by kind (done, due, late), each patroller's patrol and last check-in (red
// when silent past patrol.silence), the rotations on duty and the desk's
// count.
type patrolsPane struct {
	scrollPane
	pl            ptLabels
	offset        int
	width, height int
}

func newPatrolsPane(c *common, lang string) *patrolsPane {
	return &patrolsPane{scrollPane: scrollPane{c}, pl: patrolLabels(lang)}
}

func (p *patrolsPane) SetSize(w, h int) { p.width, p.height = w, max(h, 3) }

func (p *patrolsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		p.offset = 0
	case tea.KeyMsg:
		n := len(p.lines())
		p.offset = scrolled(p.offset, p.c.keys.step(msg), n, p.height-2)
	}
	return p, nil
}

func (p *patrolsPane) Title() string { return p.pl.Patrols }

// pctText writes n of d as a percentage alone: "77%", "-" when d is 0.
func pctText(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", (100*n+d/2)/d)
}

// rates is the pane's header: the two rates with their counts, or, where
// that does not fit in room cells, the two percentages alone.
func (p *patrolsPane) rates(room int) string {
	r := p.c.pt.board.Rates
	full := p.pl.PatrolRate + " " + rateText(r.Done, r.Due) + "  " + p.pl.FollowUp + " " + rateText(r.Followed, r.Findings)
	if p.c.p.w.Of(full) <= room {
		return full
	}
	return p.pl.PatrolRate + " " + pctText(r.Done, r.Due) + "  " + p.pl.FollowUp + " " + pctText(r.Followed, r.Findings)
}

// lines is everything the pane shows, before scrolling.
func (p *patrolsPane) lines() []string {
	pt, pp := &p.c.pt, &p.c.p
	inner := p.width - 2
	var out []string
	add := func(s string) { out = append(out, " "+pp.w.Fit(s, inner-1, pp.g.More)) }
	if !pt.loaded {
		add(p.pl.Loading)
		return out
	}
	b := pt.board
	if len(b.Areas) == 0 {
		add(p.pl.NoAreas)
	}
	for _, l := range packed(pp.w, p.dayParts(b), inner-1) {
		add(l)
	}
	out = append(out, "")
	out = append(out, p.kindRows(b, inner)...)
	out = append(out, "")
	out = append(out, p.patrollerRows(b, inner)...)
	if len(b.Rotations) > 0 {
		out = append(out, "")
	}
	for _, rd := range b.Rotations {
		add(p.rotationLine(rd, inner))
	}
	return out
}

// dayParts are the day, the desk's waiting reports and the week's count
// against the last: one line where they fit (packed).
func (p *patrolsPane) dayParts(b model.PatrolBoard) []string {
	r := b.Rates
	desk := fmt.Sprintf("%s %d", p.pl.Waiting, b.Waiting)
	if b.DeskLate > 0 {
		desk += fmt.Sprintf(" (%s %d)", p.pl.PastDeadline, b.DeskLate)
	}
	return []string{r.Day.Format("01-02"), desk, fmt.Sprintf("%s %d / %s %d", p.pl.Week, r.Week, p.pl.Prev, r.PrevWeek)}
}

// kindRows is the table of area kinds: name, due, done, late, rate.
func (p *patrolsPane) kindRows(b model.PatrolBoard, inner int) []string {
	pp := &p.c.p
	r := b.Rates
	const numW = 5
	nameW := max(min(inner-1-4*(numW+1), 10), 4)
	head := pp.w.Fit(p.pl.Kind, nameW, "") + " " + pp.w.FitRight(p.pl.Due, numW) + " " + pp.w.FitRight(p.pl.Done, numW) + " " +
		pp.w.FitRight(p.pl.Late, numW) + " " + pp.w.FitRight("%", numW)
	out := []string{" " + pp.st.ColumnHead.Render(pp.w.Fit(head, inner-1, ""))}
	for _, k := range model.AreaKinds {
		x, ok := r.ByKind[k]
		if !ok {
			continue
		}
		pc := "-"
		if x.Due > 0 {
			pc = fmt.Sprintf("%d", (100*x.Done+x.Due/2)/x.Due)
		}
		row := pp.w.Fit(kindName(pp.lab.Lang, k), nameW, pp.g.More) + " " + pp.w.FitRight(itoa(x.Due), numW) + " " +
			pp.w.FitRight(itoa(x.Done), numW) + " " + pp.w.FitRight(itoa(x.Late), numW) + " " + pp.w.FitRight(pc, numW)
		st := pp.st.Text
		if x.Late > 0 {
			st = pp.st.Overdue
		}
		out = append(out, " "+st.Render(pp.w.Fit(row, inner-1, "")))
	}
	return out
}

// patrollerRows is the table of patrollers: name, patrol, last check-in,
// done today; the silent ones stand out, the idle ones are dim.
func (p *patrolsPane) patrollerRows(b model.PatrolBoard, inner int) []string {
	pp := &p.c.p
	const whoW, lastW, todayW = 8, 5, 4
	curW := max(inner-1-whoW-lastW-todayW-3, 4)
	head := pp.w.Fit(p.pl.Who, whoW, "") + " " + pp.w.Fit(p.pl.Current, curW, "") + " " + pp.w.Fit(p.pl.LastCheck, lastW, "") + " " +
		pp.w.FitRight(p.pl.Today, todayW)
	out := []string{" " + pp.st.ColumnHead.Render(pp.w.Fit(head, inner-1, ""))}
	for _, pd := range b.Patrollers {
		cur := "-"
		if pd.Current.Seq != 0 {
			cur = fmt.Sprintf("%s %s %d/%d", pd.Current.ID, pd.Current.Area, pd.Current.Checked(), pd.Current.Checkpoints)
			if pd.Silent {
				cur = p.pl.Silent + " " + cur
			}
		}
		last := "-"
		if !pd.LastCheck.IsZero() {
			last = pd.LastCheck.In(p.c.loc).Format("15:04")
		}
		row := pp.w.Fit(pd.Person.Name, whoW, pp.g.More) + " " + pp.w.Fit(cur, curW, pp.g.More) + " " + pp.w.Fit(last, lastW, "") + " " +
			pp.w.FitRight(itoa(pd.Done), todayW)
		st := pp.st.Text
		switch {
		case pd.Silent:
			st = pp.st.Overdue
		case pd.Current.Seq == 0:
			st = pp.st.Dim
		}
		out = append(out, " "+st.Render(pp.w.Fit(row, inner-1, "")))
	}
	return out
}

// rotationLine is one duty rotation: what is on duty, its group's grids
// and its reports; narrow panes put the reports before the name.
func (p *patrolsPane) rotationLine(rd model.RotationDay, inner int) string {
	act := string(rd.Rotation.Activity)
	if p.c.p.lab.Lang == "zh" {
		act = rd.Rotation.Activity.Zh()
	}
	group := "-"
	if rd.Group >= 0 {
		group = fmt.Sprintf(p.pl.Group, rd.Group+1) + " " + strings.Join(codeTails(rd.Grids), ",")
	}
	if inner < 60 {
		return fmt.Sprintf("%s %s %d  %s  %s", rd.Rotation.ID, p.pl.Reports, rd.Reports, group, rd.Rotation.Name)
	}
	return fmt.Sprintf("%s %s %s %s  %s  %s %d", p.pl.Rotation, rd.Rotation.ID, rd.Rotation.Name, act, group, p.pl.Reports, rd.Reports)
}

// codeTails are grid codes shortened to the village's last three digits
// and the grid: 266-02.
func codeTails(cs []model.NodeCode) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		s := string(c)
		if len(s) >= 15 {
			s = s[9:]
		}
		out[i] = s
	}
	return out
}

func itoa(n int) string { return fmt.Sprint(n) }

func (p *patrolsPane) View() string {
	lines := p.lines()
	vis := p.height - 2
	off := max(min(p.offset, len(lines)-vis), 0)
	if off > 0 {
		lines = lines[off:]
	}
	right := ""
	if p.c.pt.loaded {
		// the room box leaves for the right of the title bar
		right = p.rates(p.width - 2 - (p.c.p.w.Of(p.c.p.w.Trunc(p.Title(), p.width-6, p.c.p.g.More)) + 2) - 5)
	}
	return p.c.p.box(p.Title(), right, lines, p.width, p.height, true)
}

// Root glue: opening the panes, reading the records, reloading.

// patrolsShown reports whether the patrol pane or the desk is open.
func (m Model) patrolsShown() bool { return m.overlay == overlayPatrols || m.overlay == overlayDesk }

// openPatrolPane opens the patrol pane or the desk and reads the records.
func (m Model) openPatrolPane(o overlayID) (tea.Model, tea.Cmd) {
	if m.rp != nil {
		// The patrols and the desk are read as they are now: under the
		// replay's clock they would show what had not happened yet.
		return m.flashErr(refusal(model.ECONFLICT,
			"the patrols and the desk are not replayed, they show now: esc leaves the replay",
			"巡护与分拣台不随回放，显示的是现在：按 esc 退出回放后查看"))
	}
	m.overlay = o
	m.tell(m.overlays[o], showMsg{})
	mm, cmd := m.refreshPatrols()
	return mm, cmd
}

// refreshPatrols reads the patrol records again, or, with a read under
// way, marks them stale so that another follows it.
func (m Model) refreshPatrols() (Model, tea.Cmd) {
	if m.pt.loading {
		m.pt.stale = true
		return m, nil
	}
	m.pt.loading, m.pt.stale = true, false
	return m, loadPatrols(m.svc, m.scope, m.opt.Location)
}

// patrolsOnEvents reloads the records for a burst of events, when shown.
func (m Model) patrolsOnEvents(evs []model.Event) (Model, tea.Cmd) {
	if !m.patrolsShown() {
		return m, nil
	}
	for _, e := range evs {
		if patrolEvent(e) {
			return m.refreshPatrols()
		}
	}
	return m, nil
}

// patrolsOnTick reads the records again every patrolRefresh while shown.
func (m Model) patrolsOnTick() (Model, tea.Cmd) {
	if !m.patrolsShown() || m.pt.loading || m.now.Sub(m.pt.at) < patrolRefresh {
		return m, nil
	}
	return m.refreshPatrols()
}

// onPatrolMsg routes the patrol panes' messages.
func (m Model) onPatrolMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case patrolLoadedMsg:
		m.pt.loading = false
		if msg.err != nil {
			return m.flashErr(msg.err)
		}
		m.pt.board, m.pt.findings, m.pt.at, m.pt.loaded = msg.board, msg.findings, m.now, true
		m.pt.pol = m.svc.Policy().Patrol
		m.pt.areas = make(map[string]model.PatrolArea, len(msg.board.Areas))
		for _, ad := range msg.board.Areas {
			m.pt.areas[ad.Area.Code] = ad.Area
		}
		m.tell(m.desk, patrolsLoadedMsg{})
		if m.pt.stale {
			return m.refreshPatrols()
		}
		return m, nil
	case deskAskMsg:
		return m.openDeskForm(msg)
	case deskDoneMsg:
		return m.onDeskDone(msg)
	}
	return m, nil
}
