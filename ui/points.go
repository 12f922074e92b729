package ui

import (
	"context"
	"fmt"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// pointsPane (`:points`, 积分) shows a month's points for the seat's
// scope: the grid teams first, each with the part its grid leader earned
// against its workers (the article's "网格员在做、网格长在看") and its
// trend against the month before; then the people with points, ranked;
// then the micro-grids. [ and ] step through the months. It is an overlay
// of the right-hand column, and reloads when the feed brings an event that
// can earn points.
type pointsPane struct {
	c    *common
	keys pointsKeys
	lab  pointsLabels

	month   model.Month
	cur     model.PointsMonth
	prev    model.PointsMonth
	loaded  bool
	loading bool

	lines         []string // rendered for width, recomputed on load and resize
	offset        int
	width, height int
}

// pointsKeys are the pane's own keys: the month before and after.
type pointsKeys struct{ prev, next key.Binding }

func newPointsKeys(lang string) pointsKeys {
	prev, next := sayIn(lang, "previous month", "上一月"), sayIn(lang, "next month", "下一月")
	return pointsKeys{
		prev: key.NewBinding(key.WithKeys("[", "h", "left"), key.WithHelp("[", prev)),
		next: key.NewBinding(key.WithKeys("]", "l", "right"), key.WithHelp("]", next)),
	}
}

func newPointsPane(c *common, lang string) *pointsPane {
	return &pointsPane{c: c, keys: newPointsKeys(lang), lab: newPointsLabels(lang)}
}

// pointsLabels are the pane's words in one language.
type pointsLabels struct {
	Title, Loading, None                                string
	Earners, Indicators                                 string
	SoFar, PrevSoFar                                    string // the month so far, and the month before as far: formats of the day
	GridTeams, People, MicroGrids                       string
	Total, Leader, Workers, Share, Prev, Trend, Balance string
}

func newPointsLabels(lang string) pointsLabels {
	if chinese(lang) {
		return pointsLabels{Title: "积分", Loading: "正在读取积分…", None: "本月尚无积分",
			Earners: "得分人数", Indicators: "指标",
			SoFar: "本月（至%d日）", PrevSoFar: "上月（至%d日）",
			GridTeams: "网格团队", People: "个人排名", MicroGrids: "微网格",
			Total: "积分", Leader: "网格长", Workers: "网格员", Share: "占比", Prev: "上月", Trend: "环比", Balance: "余额"}
	}
	return pointsLabels{Title: "Points", Loading: "loading the points...", None: "no points this month yet",
		Earners: "earners", Indicators: "indicators",
		SoFar: "month 1-%d", PrevSoFar: "last month 1-%d",
		GridTeams: "grid teams", People: "people", MicroGrids: "micro-grids",
		Total: "pts", Leader: "leader", Workers: "workers", Share: "share", Prev: "last", Trend: "trend", Balance: "bal"}
}

// pointsMsg: a month of points and the month before it, loaded.
type pointsMsg struct {
	cur, prev model.PointsMonth
	err       error
}

// wantPointsMsg asks the root to load the points of month.
type wantPointsMsg struct{ month model.Month }

// loadPoints reads q's points, and the month before to the same day.
func loadPoints(svc model.Service, q model.PointsQuery) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		cur, err := svc.Points(ctx, q)
		if err != nil {
			return pointsMsg{err: err}
		}
		prev, err := svc.Points(ctx, q.Previous())
		return pointsMsg{cur: cur, prev: prev, err: err}
	}
}

func (pp *pointsPane) SetSize(w, h int) {
	pp.width, pp.height = w, max(h, 3)
	pp.render()
}

func (pp *pointsPane) Title() string {
	t := pp.lab.Title
	if !pp.month.IsZero() {
		t += " " + pp.month.String()
	}
	return t
}

func (pp *pointsPane) ShortHelp() []key.Binding {
	k := pp.c.keys
	return []key.Binding{k.Back, k.Down, k.Up, pp.keys.prev, pp.keys.next, k.Help, k.Quit}
}

// stepKeys are the months' keys: in a replay too (stepper).
func (pp *pointsPane) stepKeys() []key.Binding { return []key.Binding{pp.keys.prev, pp.keys.next} }

func (pp *pointsPane) FullHelp() [][]key.Binding {
	return append(pp.c.keys.FullHelp(), []key.Binding{pp.keys.prev, pp.keys.next})
}

// asks: [ and ] want another month, which only the root can load.
func (pp *pointsPane) asks(msg tea.KeyMsg) tea.Msg {
	if pp.month.IsZero() {
		return nil
	}
	switch {
	case key.Matches(msg, pp.keys.prev):
		return wantPointsMsg{pp.month.Prev()}
	case key.Matches(msg, pp.keys.next):
		return wantPointsMsg{pp.month.Next()}
	}
	return nil
}

func (pp *pointsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case wantPointsMsg:
		if msg.month != pp.month {
			pp.offset = 0
		}
		pp.month, pp.loading = msg.month, true
	case pointsMsg:
		pp.loading = false
		if msg.err == nil {
			pp.cur, pp.prev, pp.loaded = msg.cur, msg.prev, true
			pp.month = msg.cur.Month
			pp.render()
			pp.scroll(0)
		}
	case tea.KeyMsg:
		pp.scroll(pp.c.keys.step(msg))
	}
	return pp, nil
}

func (pp *pointsPane) scroll(n int) {
	pp.offset = scrolled(pp.offset, n, len(pp.lines), pp.height-2)
}

func (pp *pointsPane) View() string {
	p := &pp.c.p
	inner := pp.width - 2
	var lines []string
	switch {
	case !pp.loaded:
		lines = []string{p.st.Dim.Render(p.w.Fit(" "+pp.lab.Loading, inner, p.g.More))}
	default:
		end := min(pp.offset+pp.height-2, len(pp.lines))
		lines = pp.lines[pp.offset:end]
	}
	right := "[ ]"
	if len(pp.lines) > pp.height-2 {
		right = fmt.Sprintf("%d/%d  [ ]", min(pp.offset+pp.height-2, len(pp.lines)), len(pp.lines))
	}
	return p.box(pp.Title(), right, lines, pp.width, pp.height, true)
}

// pointsCol is one figure column of a table: its label and its width; a
// space goes before it.
type pointsCol struct {
	label string
	w     int
}

// teamCols are the grid teams' figure columns at an inner width: at 64
// columns and more the workers' part, a bar of the split and last month's
// total; narrower, the total, the leader's part, the share and the trend.
func (l pointsLabels) teamCols(inner int) (cols []pointsCol, wide bool) {
	if inner >= 64 {
		return []pointsCol{{l.Total, 6}, {l.Leader, 6}, {l.Workers, 6}, {l.Share, 5}, {"", 10}, {l.Prev, 6}, {l.Trend, 6}}, true
	}
	return []pointsCol{{l.Total, 5}, {l.Leader, 6}, {l.Share, 5}, {l.Trend, 5}}, false
}

// nameWidth is what a table's first column gets of the inner width.
func nameWidth(inner int, cols []pointsCol) int {
	n := inner - 1
	for _, c := range cols {
		n -= 1 + c.w
	}
	return max(n, 8)
}

// render lays the month out as lines that fit the inner width: the month in
// one line, the grid teams, the people ranked, then the micro-grids.
func (pp *pointsPane) render() {
	if !pp.loaded || pp.width < 4 {
		return
	}
	t := pointsTable{p: &pp.c.p, w: &pp.c.w, inner: pp.width - 2}
	out := pp.summary(t)
	out = append(out, pp.gridRows(t)...)
	out = append(out, pp.peopleRows(t)...)
	out = append(out, pp.microRows(t)...)
	pp.lines = out
}

// pointsTable is what the points pane's lines share: the painter, the
// inner width and the world (the places' names).
type pointsTable struct {
	p     *painter
	w     *world
	inner int
}

// line fits s to the inner width.
func (t pointsTable) line(s string) string { return t.p.w.Fit(s, t.inner, t.p.g.More) }

// head is a table's column heads.
func (t pointsTable) head(s string) string { return t.p.st.ColumnHead.Render(t.line(s)) }

// row is a table's line: the first column, then the figures.
func (t pointsTable) row(cols []pointsCol, first string, cells ...string) string {
	s := " " + t.p.w.Fit(first, nameWidth(t.inner, cols), t.p.g.More)
	for i, c := range cols {
		if i < len(cells) {
			s += " " + t.p.w.FitRight(cells[i], c.w)
		}
	}
	return s
}

// colLabels are the columns' labels, for a table's head.
func colLabels(cols []pointsCol) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.label
	}
	return out
}

// signed writes a trend with its sign, and a bare 0 for none.
func signed(v int) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%+d", v)
}

// summary is the month in one line: its points against the month before,
// the people who earned and the indicators; narrow, the counts go on a line
// of their own.
func (pp *pointsPane) summary(t pointsTable) []string {
	l := pp.lab
	total, before, people := 0, 0, 0
	for _, x := range pp.cur.People {
		total += x.Total
		if x.Total != 0 {
			people++
		}
	}
	for _, x := range pp.prev.People {
		before += x.Total
	}
	// A whole month (one gone by) and the one before are named; the
	// current one is so far, against the month before to the same day.
	this, last := pp.cur.Month.String(), pp.cur.Month.Prev().String()
	if pp.cur.Through > 0 {
		this, last = fmt.Sprintf(l.SoFar, pp.cur.Through), fmt.Sprintf(l.PrevSoFar, pp.cur.Through)
	}
	sums := fmt.Sprintf(" %s %d  %s %d  %+d", this, total, last, before, total-before)
	counts := fmt.Sprintf("  %s %d  %s %d", l.Earners, people, l.Indicators, len(pp.cur.Indicators))
	if t.p.w.Of(sums+counts) <= t.inner {
		return []string{t.line(sums + counts)}
	}
	return []string{t.line(sums), t.line(" " + counts[2:])}
}

// activeTeams are the teams at a level with points this month or the last.
func (pp *pointsPane) activeTeams(level model.Level) []model.TeamPoints {
	var out []model.TeamPoints
	for _, t := range model.Teams(level, pp.cur.People, pp.prev.People) {
		if t.Total != 0 || t.Previous != 0 {
			out = append(out, t)
		}
	}
	return out
}

// gridRows are the grid teams with points this month or the last, with the
// leader's share; wide, the workers' part, the split's bar and last month.
func (pp *pointsPane) gridRows(t pointsTable) []string {
	n := strconv.Itoa
	cols, wide := pp.lab.teamCols(t.inner)
	return pp.teamRows(t, model.LevelGrid, pp.lab.GridTeams, cols, func(g model.TeamPoints) []string {
		share := "-"
		if g.Total > 0 {
			share = fmt.Sprintf("%.0f%%", g.LeaderShare()*100)
		}
		if wide {
			return []string{n(g.Total), n(g.Leader), n(g.Workers), share, pp.bar(g, 10), n(g.Previous), signed(g.Trend())}
		}
		return []string{n(g.Total), n(g.Leader), share, signed(g.Trend())}
	})
}

// teamRows are a table of the teams at level with points this month or
// the last (none without them): a blank line, its head (title over cols),
// and a line a team, its cells.
func (pp *pointsPane) teamRows(t pointsTable, level model.Level, title string, cols []pointsCol, cells func(model.TeamPoints) []string) []string {
	teams := pp.activeTeams(level)
	if len(teams) == 0 {
		return nil
	}
	out := []string{"", t.head(t.row(cols, title, colLabels(cols)...))}
	for _, g := range teams {
		out = append(out, t.line(t.row(cols, t.w.nameOrCode(g.Node), cells(g)...)))
	}
	return out
}

// peopleRows are the people with points, ranked: who, the points, the
// balance, the role. Narrow, the role gives way to the name and place.
func (pp *pointsPane) peopleRows(t pointsTable) []string {
	l, p, n := pp.lab, t.p, strconv.Itoa
	ww, roles := nameWidth(t.inner, []pointsCol{{"", 5}, {"", 5}}), t.inner >= 64
	if roles {
		ww = min(ww, 26)
	}
	person := func(who, pts, bal, role string) string {
		s := " " + p.w.Fit(who, ww, p.g.More) + " " + p.w.FitRight(pts, 5) + " " + p.w.FitRight(bal, 5)
		if roles {
			s += "  " + role
		}
		return s
	}
	out := []string{"", t.head(person(l.People, l.Total, l.Balance, p.lab.ColRole))}
	rank := 0
	for _, x := range pp.cur.People {
		if x.Total == 0 {
			continue
		}
		rank++
		role := ""
		if len(x.Roles) > 0 {
			role = p.lab.Role[x.Roles[0]]
		}
		out = append(out, t.line(person(fmt.Sprintf("%d %s %s", rank, x.Name, t.w.nameOrCode(x.Node)), n(x.Total), n(x.Balance), role)))
	}
	if rank == 0 {
		out = append(out, p.st.Dim.Render(t.line(" "+l.None)))
	}
	return out
}

// microRows are the micro-grids with points this month or the last.
func (pp *pointsPane) microRows(t pointsTable) []string {
	l, n := pp.lab, strconv.Itoa
	cols := []pointsCol{{l.Total, 5}, {l.Prev, 5}, {l.Trend, 5}}
	return pp.teamRows(t, model.LevelMicroGrid, l.MicroGrids, cols, func(m model.TeamPoints) []string {
		return []string{n(m.Total), n(m.Previous), signed(m.Trend())}
	})
}

// bar draws a team's split: the leader's part full, the workers' empty.
func (pp *pointsPane) bar(t model.TeamPoints, n int) string {
	g := pp.c.p.g
	if t.Leader+t.Workers <= 0 {
		return pp.c.p.w.Fit("", n, "")
	}
	full := int(t.LeaderShare()*float64(n) + 0.5)
	full = max(0, min(full, n))
	s := ""
	for i := 0; i < n; i++ {
		if i < full {
			s += g.Full
		} else {
			s += g.Empty
		}
	}
	return s
}

// earns reports whether an event can change the points: the actions the
// month's indicators name, and the points' own.
func (pp *pointsPane) earns(evs []model.Event) bool {
	for _, ev := range evs {
		switch ev.Action {
		case model.ActPointsGrant, model.ActPointsDeduct, model.ActPointsRedeem:
			return true
		}
		for _, in := range pp.cur.Indicators {
			for _, a := range in.Actions {
				if a == ev.Action {
					return true
				}
			}
		}
	}
	return false
}

// openPoints opens the points of month (the current one when zero) and
// loads them.
func (m Model) openPoints(month model.Month) (Model, tea.Cmd) {
	if month.IsZero() {
		month = model.MonthOf(m.now, m.opt.Location)
	}
	if err := month.Held(m.now, m.opt.Location); err != nil {
		return m.flashErr(err)
	}
	m.overlay = overlayPoints
	m.tell(m.points, wantPointsMsg{month})
	return m, m.pointsLoad(month)
}

// onPoints hands the loaded points to the pane, or says why there are none;
// in a replay that has moved on while they were read, reads them again.
func (m Model) onPoints(msg pointsMsg) (tea.Model, tea.Cmd) {
	if m.rp != nil && m.rp.pointsStale {
		m.rp.pointsStale = false
		m.points.loading = false
		return m, m.replayPoints(true)
	}
	m.tell(m.points, msg)
	if msg.err != nil {
		return m.flashErr(msg.err)
	}
	return m, nil
}

// pointsChanged reloads the open points pane when the feed brought events
// that can earn points.
func (m Model) pointsChanged(evs []model.Event) tea.Cmd {
	if m.overlay != overlayPoints || m.points.loading || !m.points.earns(evs) {
		return nil
	}
	m.points.loading = true
	return loadPoints(m.svc, model.SoFar(m.points.month, m.scope, m.now, m.opt.Location))
}

// pointsCommand is the `:points [YYYY-MM]` command.
func pointsCommand() command {
	return command{name: "points", aliases: []string{"积分"}, args: "[YYYY-MM]",
		run: func(m Model, args []string) (tea.Model, tea.Cmd) {
			var month model.Month
			switch len(args) {
			case 0:
			case 1:
				var err error
				if month, err = model.ParseMonth(args[0]); err != nil {
					return m.flashErr(err)
				}
			default:
				return m.flashErr(refusal(model.EINVALID, ":points takes one month, YYYY-MM", ":积分 只接受一个月份（年-月）"))
			}
			return m.openPoints(month)
		}}
}
