package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// wartime is what the console knows of wartime: the activation with its
// units, and each directive of the activation with its units' copies.
type wartime struct {
	status     model.WartimeStatus
	directives []wtDirective // newest first
	selected   int           // the directive the pane shows
	want       string        // a directive just issued: select it when it arrives
	loaded     bool
}

type wtDirective struct {
	d     model.Directive
	units []model.DirectiveUnit
	sum   model.DirectiveSummary
}

func (w wartime) active() bool { return w.status.Active.Active() }

// current is the directive the pane shows.
func (w wartime) current() (wtDirective, bool) {
	if w.selected < 0 || w.selected >= len(w.directives) {
		return wtDirective{}, false
	}
	return w.directives[w.selected], true
}

type wartimeMsg struct {
	status     model.WartimeStatus
	directives []wtDirective
	err        error
}

type activatedMsg struct {
	act model.Activation
	err error
}

type deactivatedMsg struct {
	after model.AfterAction
	err   error
}

type directiveIssuedMsg struct {
	d      model.Directive
	units  []model.DirectiveUnit
	dryRun bool
	text   string
	to     []model.NodeCode
	dl     time.Duration
	err    error
}

type resentMsg struct {
	id  string
	n   int
	err error
}

type draftedMsg struct {
	d   model.Draft
	err error
}

type afterActionMsg struct {
	after model.AfterAction
	err   error
}

// loadWartime reads the wartime state and every directive of the current
// activation with its units.
func loadWartime(svc model.Service) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		st, err := svc.WartimeStatus(ctx)
		if err != nil {
			return wartimeMsg{err: err}
		}
		var out []wtDirective
		if st.Active.Active() {
			ds, err := svc.Directives(ctx)
			if err != nil {
				return wartimeMsg{err: err}
			}
			for _, d := range ds {
				d, units, err := svc.Directive(ctx, d.ID)
				if err != nil {
					return wartimeMsg{err: err}
				}
				out = append(out, wtDirective{d: d, units: units, sum: model.Summarize(d, units, 5)})
			}
			sort.Slice(out, func(i, j int) bool { return out[i].d.Seq > out[j].d.Seq })
		}
		return wartimeMsg{status: st, directives: out}
	}
}

func activate(svc model.Service, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		a, err := svc.Activate(context.Background(), reason, scope, drill, note, by)
		return activatedMsg{act: a, err: err}
	}
}

func deactivate(svc model.Service, id string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		after, err := svc.Deactivate(context.Background(), id, by)
		return deactivatedMsg{after: after, err: err}
	}
}

func issueDirective(svc model.Service, text string, to []model.NodeCode, dl time.Duration, by model.PersonID, dryRun bool) tea.Cmd {
	return func() tea.Msg {
		d, units, err := svc.IssueDirective(context.Background(), text, to, dl, by, dryRun)
		return directiveIssuedMsg{d: d, units: units, dryRun: dryRun, text: text, to: to, dl: dl, err: err}
	}
}

func resend(svc model.Service, id string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		n, err := svc.ResendDirective(context.Background(), id, by)
		return resentMsg{id: id, n: n, err: err}
	}
}

func draft(svc model.Service, person model.PersonID, micro model.NodeCode, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		d, err := svc.DraftReserve(context.Background(), person, micro, by)
		return draftedMsg{d: d, err: err}
	}
}

func loadAfterAction(svc model.Service) tea.Cmd {
	return func() tea.Msg {
		a, err := svc.AfterAction(context.Background(), "")
		return afterActionMsg{after: a, err: err}
	}
}

// isWartimeEvent reports whether an event changes what the wartime panes
// show.
func isWartimeEvent(e model.Event) bool {
	switch e.Action {
	case model.ActActivate, model.ActDeactivate, model.ActDraft, model.ActDirective,
		model.ActSign, model.ActProgress, model.ActResend:
		return true
	}
	return e.Directive != ""
}

// wtChainPane is the three-tier wartime chain: the town wartime room, the
// village rooms and the micro-grid operations, with the gaps.
type wtChainPane struct{ width, height int }

func (c *wtChainPane) SetSize(w, h int) { c.width, c.height = w, h }

// wtFigures are the rows of the wartime chain.
type wtFigures struct {
	rows [4]struct {
		units, staffed, waiting, incidents int
	}
}

func computeWartimeFigures(w *world, wt wartime) wtFigures {
	var f wtFigures
	st := wt.status
	inScope := func(c model.NodeCode) bool { return st.Active.Covers(c) }
	// Town room: one, staffed when a duty officer is on duty.
	f.rows[0].units = 1
	villages := map[model.NodeCode]bool{}
	cadreOnDuty := map[model.NodeCode]bool{}
	for _, p := range w.people {
		if p.OnDuty && p.Has(model.RoleDutyOfficer) {
			f.rows[0].staffed = 1
		}
		if p.OnDuty && p.Has(model.RoleVillageCadre) && inScope(p.Node) {
			cadreOnDuty[p.Node.Village()] = true
		}
	}
	for _, n := range w.nodes {
		if n.Level == model.LevelVillage && inScope(n.Code) {
			villages[n.Code] = true
		}
	}
	f.rows[1].units, f.rows[1].staffed = len(villages), len(cadreOnDuty)
	f.rows[2].units, f.rows[2].staffed = len(st.Units), st.Staffed
	f.rows[3].units, f.rows[3].staffed = st.Gaps, len(st.Drafts)
	for _, d := range wt.directives {
		for _, u := range d.units {
			if u.Signed() {
				continue
			}
			switch u.Escalated {
			case model.TierTown:
				f.rows[0].waiting++
			case model.TierVillage:
				f.rows[1].waiting++
			default:
				f.rows[2].waiting++
			}
		}
	}
	for inc := range w.open {
		if !inScope(inc.Node) {
			continue
		}
		switch inc.Tier {
		case model.TierTown, model.TierTaskForce:
			f.rows[0].incidents++
		case model.TierVillage:
			f.rows[1].incidents++
		default:
			f.rows[2].incidents++
		}
	}
	return f
}

func (c *wtChainPane) View(p painter, l wtLabels, f wtFigures, focused bool) string {
	inner := c.width - 2
	num := min(6, (inner-1-10)/4-1)
	labelW := inner - 1 - 4*(num+1)
	row := func(label string, v ...string) string {
		s := " " + p.w.Fit(label, labelW, p.g.More)
		for _, x := range v {
			s += " " + p.w.FitRight(x, num)
		}
		return s
	}
	heads := []string{l.ColUnits, l.ColStaffed, l.ColWaiting, l.ColIncs}
	for _, h := range heads {
		if p.w.Of(h) > num {
			heads = l.ColShort[:] // whole short words, not cut long ones
			break
		}
	}
	lines := []string{p.st.ColumnHead.Render(row("", heads...))}
	labels := []string{l.TownRoom, l.VillageRooms, l.MicroOps}
	for i, name := range labels {
		r := f.rows[i]
		line := row(name, fmt.Sprint(r.units), fmt.Sprint(r.staffed), fmt.Sprint(r.waiting), fmt.Sprint(r.incidents))
		if r.waiting > 0 && i < 2 {
			line = p.st.Overdue.Render(line) // silence has climbed to this room
		}
		lines = append(lines, line)
	}
	gaps := f.rows[3]
	gl := row(l.GapsRow, fmt.Sprint(gaps.units), "+"+fmt.Sprint(gaps.staffed), "", "")
	if gaps.units > 0 {
		gl = p.st.Overdue.Render(gl)
	}
	lines = append(lines, gl)
	return p.box(l.Chain, "", lines, c.width, c.height, focused)
}

// directivePane shows one directive: a signed and a done bar per village,
// the silent units, and the totals.
type directivePane struct {
	offset        int
	width, height int
	loc           *time.Location
}

func (d *directivePane) SetSize(w, h int) { d.width, d.height = w, max(h, 1) }

func (d *directivePane) scroll(n, total int) {
	d.offset = max(min(d.offset+n, total-d.height), 0)
}

// bar draws n of m as a bar of width cells.
func bar(p painter, n, m, width int) string {
	full := 0
	if m > 0 {
		full = n * width / m
	}
	return strings.Repeat(p.g.Full, full) + strings.Repeat(p.g.Empty, width-full)
}

func (d *directivePane) View(p painter, l wtLabels, w *world, wt wartime, now time.Time, focused bool) string {
	inner := d.width - 2
	cur, ok := wt.current()
	if !ok {
		return p.box(l.Directive, "", []string{p.st.Dim.Render(p.w.Fit(" "+l.NoDirective, inner, p.g.More))}, d.width, d.height+3, focused)
	}
	// village, signed (bar and n/m), done (bar and n/m), silent units: the
	// bars give way first on a narrow terminal.
	const fracW, villageW = 7, 10
	barW := min(10, max(3, (inner-4-villageW-8)/2-1-fracW))
	slowW := inner - 4 - villageW - 2*(barW+1+fracW)
	head := " " + p.w.Fit(l.ColVillage, villageW, "") + " " + p.w.Fit(l.ColSigned, barW+1+fracW, "") + " " +
		p.w.Fit(l.ColDone, barW+1+fracW, "") + " " + p.w.Fit(l.ColSlowest, slowW, "")
	lines := []string{p.st.ColumnHead.Render(head)}
	silent := map[model.NodeCode][]string{}
	for _, u := range cur.units {
		if !u.Signed() {
			v := u.Unit.Village()
			silent[v] = append(silent[v], strings.TrimPrefix(string(u.Unit), string(v)+"-"))
		}
	}
	rows := cur.sum.Villages
	start := min(d.offset, max(len(rows)-d.height+1, 0))
	for i := start; i < len(rows) && len(lines) < d.height; i++ {
		v := rows[i]
		signed := bar(p, v.Signed, v.Units, barW) + " " + p.w.FitRight(fmt.Sprintf("%d/%d", v.Signed, v.Units), fracW)
		done := bar(p, v.Done, v.Units, barW) + " " + p.w.FitRight(fmt.Sprintf("%d/%d", v.Done, v.Units), fracW)
		sl := strings.Join(silent[v.Village], " ")
		name := p.w.Fit(w.names[v.Village], villageW, p.g.More)
		st := p.st.Text
		switch {
		case v.Escalated != "":
			st = p.st.Overdue
		case v.Signed == v.Units:
			st = p.st.Light[model.LightGreen]
		}
		lines = append(lines, " "+st.Render(name)+" "+st.Render(signed)+" "+p.st.Text.Render(done)+" "+
			p.st.Dim.Render(p.w.Fit(sl, slowW, p.g.More)))
	}
	s := cur.sum
	median, worst := "-", "-"
	if s.Signed > 0 {
		median, worst = model.FormatWait(s.SignMedian), model.FormatWait(s.SignWorst)
	}
	total := fmt.Sprintf(" %s: %d/%d %s  %d/%d %s  p50 %s  max %s", l.All, s.Signed, s.Units, l.ColSigned,
		s.Done, s.Units, l.ColDone, median, worst)
	lines = append(lines, p.st.PaneTitle.Render(p.w.Fit(total, inner, p.g.More)))
	title := fmt.Sprintf("%s %s %s  %s %s", l.Directive, cur.d.ID, cur.d.Text, l.Deadline, cur.d.Deadline.In(d.loc).Format("15:04"))
	right := fmt.Sprintf("%d/%d", wt.selected+1, len(wt.directives))
	return p.box(title, right, lines, d.width, d.height+3, focused)
}

// gapsPane lists the micro-grids in scope without a worker, each with the
// reserves who may be drafted into it (same grid first, then same village).
type gapsPane struct {
	cursor        int
	offset        int
	width, height int
}

type gapRow struct {
	micro      model.NodeCode
	candidates []model.Person
}

func (g *gapsPane) SetSize(w, h int) { g.width, g.height = w, max(h, 1) }

func gapRows(w *world, wt wartime) []gapRow {
	drafted := map[model.PersonID]bool{}
	for _, d := range wt.status.Drafts {
		if d.Released.IsZero() {
			drafted[d.Person] = true
		}
	}
	var out []gapRow
	for _, u := range wt.status.Units {
		if u.Worker != 0 {
			continue
		}
		r := gapRow{micro: u.MicroGrid}
		var same, village []model.Person
		for _, p := range w.people {
			if !p.Has(model.RoleReserve) || drafted[p.ID] || p.Node.Village() != u.MicroGrid.Village() {
				continue
			}
			if p.Node.Grid() == u.MicroGrid.Grid() {
				same = append(same, p)
			} else {
				village = append(village, p)
			}
		}
		r.candidates = append(same, village...)
		out = append(out, r)
	}
	return out
}

func (g *gapsPane) move(d, n int) {
	g.cursor = max(min(g.cursor+d, n-1), 0)
	if g.cursor < g.offset {
		g.offset = g.cursor
	}
	if g.cursor >= g.offset+g.height {
		g.offset = g.cursor - g.height + 1
	}
}

func (g *gapsPane) View(p painter, l wtLabels, w *world, rows []gapRow) string {
	inner := g.width - 2
	var lines []string
	if len(rows) == 0 {
		lines = append(lines, p.st.Dim.Render(p.w.Fit(" "+l.NoGaps, inner, p.g.More)))
	}
	for i := g.offset; i < len(rows) && len(lines) < g.height; i++ {
		r := rows[i]
		var names []string
		for _, c := range r.candidates {
			kind := c.Reserve.Zh()
			if p.lab.Lang == "en" {
				kind = string(c.Reserve)
			}
			names = append(names, c.Name+"("+kind+")")
		}
		cand := strings.Join(names, " ")
		if len(names) == 0 {
			cand = l.NoCandidates
		}
		text := p.w.Fit(w.names[r.micro], 18, p.g.More) + "  " + l.Candidates + ": " + cand
		text = p.w.Fit(text, inner-1, p.g.More)
		if i == g.cursor {
			lines = append(lines, p.st.Selected.Render(p.g.Cursor+text))
		} else {
			lines = append(lines, " "+text)
		}
	}
	hint := p.lab.Lang
	if hint == "zh" {
		hint = "enter 征调第一位储备力量  esc 返回"
	} else {
		hint = "enter drafts the first reserve listed  esc back"
	}
	return p.box(l.Gaps, fmt.Sprint(len(rows)), append(lines, "", p.st.Dim.Render(p.w.Fit(" "+hint, inner, p.g.More))), g.width, g.height+4, true)
}

// afterActionLines renders the summary written when wartime ended.
func afterActionLines(p painter, l wtLabels, a model.AfterAction, inner int, loc *time.Location) []string {
	act := a.Activation
	var out []string
	add := func(s string) { out = append(out, " "+p.w.Fit(s, inner-1, p.g.More)) }
	drill := ""
	if act.Drill {
		drill = " (" + l.Drill + ")"
	}
	add(fmt.Sprintf("%s  %s%s  %s %s", act.ID, l.Reason[act.Reason], drill, joinScope(act.Scope), ""))
	add(fmt.Sprintf("%s %s → %s  (%s)", l.Since, act.Since.In(loc).Format("01-02 15:04"), act.Ended.In(loc).Format("01-02 15:04"), model.FormatWait(a.Duration)))
	if p.lab.Lang == "zh" {
		add(fmt.Sprintf("事件：新增 %d，办结 %d   参与人次 %d   征调储备 %d", a.IncidentsOpened, a.IncidentsResolved, a.PersonTimes, a.ReservesDrafted))
	} else {
		add(fmt.Sprintf("incidents opened %d, resolved %d   person-times %d   reserves drafted %d", a.IncidentsOpened, a.IncidentsResolved, a.PersonTimes, a.ReservesDrafted))
	}
	out = append(out, "")
	for _, d := range a.Directives {
		add(fmt.Sprintf("%s %s", d.ID, d.Text))
		median, worst := "-", "-"
		if d.Signed > 0 {
			median, worst = model.FormatWait(d.SignMedian), model.FormatWait(d.SignWorst)
		}
		add(fmt.Sprintf("   %s %d/%d  %s %d/%d  p50 %s  max %s", l.ColSigned, d.Signed, d.Units, l.ColDone, d.Done, d.Units, median, worst))
	}
	return out
}

func joinScope(cs []model.NodeCode) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}
