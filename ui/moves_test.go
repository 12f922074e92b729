package ui

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The moves issue 10 asks of the console, each as a duty officer makes it.

// queueTitle is the queue pane's title line as drawn.
func queueTitle(m Model) string {
	title, _, _ := strings.Cut(m.queue.View(), "\n")
	return title
}

// rowsOf are the incidents the queue lists, in order.
func rowsOf(m Model) []model.Incident {
	out := make([]model.Incident, len(m.queue.rows))
	for i, r := range m.queue.rows {
		out[i] = m.w.at(r.seq)
	}
	return out
}

// / takes tokens, k9s-style, in either language, combinable with words;
// the count in the pane's title is the filtered one.
func TestFilterTokens(t *testing.T) {
	m := demoConsole(t, "zh", 120, 40)
	all := len(m.queue.rows)
	filter := func(m Model, text string) Model {
		m = keys(t, m, "/")
		m = typeText(t, m, text)
		return keys(t, m, "enter")
	}
	m = filter(m, "tier:town")
	town := len(m.queue.rows)
	require.Positive(t, town)
	require.Less(t, town, all)
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.TierTown, inc.Tier)
	}
	assert.Contains(t, queueTitle(m), fmt.Sprintf(" %d/%d: ", town, all), "the title counts what the filter shows")
	m = keys(t, m, "esc")
	m = filter(m, "层级:镇指挥室")
	assert.Len(t, m.queue.rows, town, "the tier by its Chinese name")
	m = keys(t, m, "esc")

	m = filter(m, "status:acked sev:III")
	require.NotEmpty(t, m.queue.rows)
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.StatusAcknowledged, inc.Status)
		assert.Equal(t, model.SeverityIII, inc.Severity)
	}
	m = keys(t, m, "esc")
	m = filter(m, "red")
	require.NotEmpty(t, m.queue.rows)
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.LightRed, inc.Light(m.now))
	}
	m = keys(t, m, "esc")
	m = filter(m, "mine")
	require.NotEmpty(t, m.queue.rows)
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.TierTown, inc.Tier, "a duty officer's own tier is the town room")
		assert.True(t, inc.Status.Open(), "waiting there")
	}
	m = keys(t, m, "esc")
	m = filter(m, "platform:safety 渎溪")
	require.NotEmpty(t, m.queue.rows)
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.PlatformSafety, inc.Platform)
		assert.Contains(t, m.w.names[inc.Node], "渎溪")
	}
	m = keys(t, m, "esc")
	// "330" is no longer the start of every node code it matches.
	m = filter(m, "330")
	assert.Len(t, m.queue.rows, 1)
	m = keys(t, m, "esc")
	// A token that names nothing says so, in the console's language.
	m = keys(t, m, "/")
	m = typeText(t, m, "tier:moon")
	assert.Contains(t, m.View(), "层级:moon：不是层级")
}

// S cycles the queue's order; the title says which.
func TestSortCycles(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	assert.Contains(t, queueTitle(m), "by severity+SLA")
	m = keys(t, m, "S")
	assert.Contains(t, queueTitle(m), "by age")
	rows := openRows(m)
	assert.True(t, sort.SliceIsSorted(rows, func(i, j int) bool { return rows[i].ReportedAt.Before(rows[j].ReportedAt) }), "the oldest report first")
	m = keys(t, m, "S")
	assert.Contains(t, queueTitle(m), "by tier")
	rows = openRows(m)
	assert.True(t, sort.SliceIsSorted(rows, func(i, j int) bool { return rows[i].Tier.Rank() > rows[j].Tier.Rank() }), "the highest tier first")
	m = keys(t, m, "S")
	assert.Contains(t, queueTitle(m), "by node")
	rows = openRows(m)
	assert.True(t, sort.SliceIsSorted(rows, func(i, j int) bool { return rows[i].Node < rows[j].Node }))
	m = keys(t, m, "S")
	assert.Contains(t, queueTitle(m), "by severity+SLA", "and round again")
}

// A closed incident can be found: :show opens it, / with all lists it.
func TestClosedIncidentsCanBeFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.model(t, "en", 120, 40)
	m = find(t, m, "电信诈骗预警")
	inc, _ := m.selectedIncident()
	op := f.operator(t)
	for _, c := range []model.Command{{Action: model.ActAcknowledge}, {Action: model.ActResolve}, {Action: model.ActClose}} {
		c.By = op
		_, err := f.db.Act(ctx, inc.ID, c)
		require.NoError(t, err)
	}
	m = f.model(t, "en", 120, 40)
	_, held := m.w.byRef[inc.ID]
	require.False(t, held, "the console does not hold closed incidents")

	m = runLine(t, m, "show "+inc.ID)
	require.Equal(t, overlayDetail, m.overlay)
	assert.Contains(t, m.View(), inc.ID)
	assert.Contains(t, m.View(), "closed")
	m = keys(t, m, "esc")
	assert.Equal(t, overlayNone, m.overlay)

	m = keys(t, m, "/")
	m = typeText(t, m, "电信诈骗")
	assert.Empty(t, m.queue.rows, "closed ones are left out")
	m = typeText(t, m, " all")
	require.Len(t, m.queue.rows, 1, "all searches the closed ones too")
	assert.Contains(t, m.queue.View(), "电信诈骗预警")

	m = keys(t, m, "esc", ":")
	m = typeText(t, m, "show HJ-20990101-0001")
	m = keys(t, m, "enter")
	assert.Contains(t, m.View(), "HJ-20990101-0001")
	assert.NotEqual(t, overlayDetail, m.overlay)
}

// Enter on an event opens its incident; enter on a tier of the chain cuts
// the queue to it; esc goes back one step at a time, and the way back
// shows as a breadcrumb in the title.
func TestEnterFollowsAndEscGoesBack(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	all := len(m.queue.rows)
	// The chain: its third row is the town.
	m = runLine(t, m, "chain")
	require.Equal(t, paneChain, m.focus)
	m = keys(t, m, "j", "j", "enter")
	require.NotEmpty(t, m.queue.rows)
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.TierTown, inc.Tier)
	}
	assert.Equal(t, paneQueue, m.focus)
	assert.Contains(t, queueTitle(m), "Command chain › Incidents")

	// The events: enter on the newest opens its incident.
	m = keys(t, runLine(t, m, "events"), "enter")
	require.Equal(t, overlayDetail, m.overlay)
	assert.Equal(t, "HJ-20261129-0021", m.detail.inc.ID, "the newest event's")
	assert.Regexp(t, `Events › Incident HJ-`, m.View())

	m = keys(t, m, "esc")
	assert.Equal(t, overlayNone, m.overlay)
	assert.Equal(t, paneEvents, m.focus, "back to the events")
	m = keys(t, m, "esc")
	assert.Equal(t, paneQueue, m.focus, "back to the queue cut to the town")
	assert.Less(t, len(m.queue.rows), all)
	m = keys(t, m, "esc")
	assert.Equal(t, paneChain, m.focus, "back to the chain")
	assert.Len(t, m.queue.rows, all, "the queue as it was")
}

// A filter kept with enter is a step on the way back: the breadcrumb
// names what the queue shows (its filter), not Incidents › Incidents, and
// so does an incident opened from it.
func TestFilterBreadcrumbNamesTheFilter(t *testing.T) {
	for _, c := range []struct{ lang, crumb, detail string }{
		{"en", "Incidents › filter: 渎溪  by severity+SLA", `Incidents › filter: 渎溪 › Incident HJ-`},
		{"zh", "事件 › 筛选：渎溪  按级别和时限", `事件 › 筛选：渎溪 › 事件详情 HJ-`},
	} {
		t.Run(c.lang, func(t *testing.T) {
			m := demoConsole(t, c.lang, 120, 40)
			all := len(m.queue.rows)
			m = keys(t, m, "/")
			m = typeText(t, m, "渎溪")
			m = keys(t, m, "enter")
			require.Less(t, len(m.queue.rows), all)
			assert.Contains(t, queueTitle(m), c.crumb)
			assert.NotContains(t, queueTitle(m), m.p.lab.Incidents+" › "+m.p.lab.Incidents)
			m = keys(t, m, "enter")
			require.Equal(t, overlayDetail, m.overlay)
			assert.Contains(t, m.View(), c.detail)
			m = keys(t, m, "esc")
			assert.Contains(t, queueTitle(m), c.crumb, "back to the filtered queue")
			m = keys(t, m, "esc")
			assert.Len(t, m.queue.rows, all, "and to the queue as it was")
			assert.NotContains(t, queueTitle(m), "›")
			checkScreen(t, m, 120, 40, false)
		})
	}
}

// The ':' line lists its candidates as it is typed, takes arguments, and
// keeps a history that up and down walk.
func TestCommandLineMenuArgsHistory(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	m = keys(t, m, ":")
	m = typeText(t, m, "t")
	menu := m.cmdMenu()
	assert.Contains(t, menu, " tier ")
	assert.Contains(t, menu, " tower ")
	assert.NotContains(t, menu, " roster ")
	lines := strings.Split(m.View(), "\n")
	assert.Contains(t, lines[len(lines)-2], "tier", "the menu is the line above the ':' line")
	checkScreen(t, m, 120, 40, false)

	m = typeText(t, m, "ier town")
	m = keys(t, m, "enter")
	for _, inc := range rowsOf(m) {
		assert.Equal(t, model.TierTown, inc.Tier)
	}
	m = keys(t, m, "esc", ":")
	m = typeText(t, m, "roster")
	m = keys(t, m, "enter", "esc", ":", "up")
	assert.Equal(t, "roster", m.cmdInput.Value())
	m = keys(t, m, "up")
	assert.Equal(t, "tier town", m.cmdInput.Value())
	m = keys(t, m, "down", "down")
	assert.Equal(t, "", m.cmdInput.Value(), "down past the newest is the line being typed")
}

// N adds a note to an incident's timeline, by the operator, with the status
// as it was.
func TestNoteKey(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "zh", 120, 40)
	m = find(t, m, "330国道货物撒落")
	inc, _ := m.selectedIncident()
	before := timelineLast(t, f, inc.ID)
	m = keys(t, m, "N")
	m = typeText(t, m, "已联系交警，预计20分钟到场")
	m = keys(t, m, "enter")
	assert.Contains(t, m.View(), "添加备注 HJ-…-"+inc.ID[len(inc.ID)-4:]+" 渎溪村 02 330国道货物撒落？")
	assert.Equal(t, before, timelineLast(t, f, inc.ID), "nothing before y")
	m = keys(t, m, "y")
	last := timelineLast(t, f, inc.ID)
	assert.Equal(t, model.ActNote, last.Action)
	assert.Equal(t, "已联系交警，预计20分钟到场", last.Note)
	assert.Equal(t, f.operator(t), last.Actor)
	assert.Equal(t, inc.Status, stored(t, f, inc.ID).Status, "the status as it was")
	// An empty note is not asked about.
	m = keys(t, m, "N", "enter")
	assert.True(t, m.q.editing)
	m = keys(t, m, "esc")
	assert.False(t, m.q.active())
}

// The close form refuses before it asks for the note; reopening is
// 重新办理; the category picker shows its 11th choice whole.
func TestFormsRefuseBeforeAsking(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "zh", 120, 40)
	m = find(t, m, "电信诈骗预警")
	m = keys(t, m, "c")
	assert.False(t, m.formActive, "no form for an incident that cannot be closed")
	assert.Contains(t, m.View(), "不能归档")
	m = keys(t, m, "o")
	assert.False(t, m.formActive)
	assert.NotContains(t, m.View(), "重启")

	for _, w := range []int{80, 120} {
		m := f.model(t, "zh", w, 40)
		m = keys(t, m, "n", "tab")
		for i := 0; i < 10; i++ {
			m = keys(t, m, "right")
		}
		assert.NotContains(t, m.View(), "[…", "the chosen category shows at width %d", w)
		assert.Regexp(t, `\[[^\]…]+\]`, m.View())
		checkScreen(t, m, w, 40, false)
	}
}

// The gaps list chooses which reserve to draft (left/right), names them
// and their phone, asks, and x releases a drafted reserve, asking too.
func TestGapsChooseAndRelease(t *testing.T) {
	f := newFixture(t)
	m, sub := wartimeModel(t, f, "en", 120, 40)
	m = runLine(t, m, "gaps")
	first := gapRows(&m.w, m.wt)[0]
	require.GreaterOrEqual(t, len(first.candidates), 2)
	second := first.candidates[1]
	assert.Contains(t, m.View(), first.candidates[0].Phone, "the chosen reserve's phone")
	m = keys(t, m, "right")
	assert.Contains(t, m.View(), "["+second.Name+"(")
	m = keys(t, m, "enter")
	assert.Contains(t, m.View(), second.Name)
	assert.Contains(t, m.View(), "y/n")
	m = keys(t, m, "y")
	m = pump(t, m, sub, f.db)
	m = update(t, m, loadWartime(f.db, "")())
	st, err := f.db.WartimeStatus(context.Background(), "")
	require.NoError(t, err)
	require.Len(t, st.Drafts, 1)
	assert.Equal(t, second.ID, st.Drafts[0].Person, "the reserve chosen, not the first")

	// The draft is listed after the gaps; x on it releases them.
	rows := gapRows(&m.w, m.wt)
	for m.overlays[overlayGaps].(*gapsPane).cursor < len(rows)-1 {
		m = keys(t, m, "j")
	}
	m = keys(t, m, "x")
	assert.Contains(t, m.View(), "y/n")
	m = keys(t, m, "y")
	m = pump(t, m, sub, f.db)
	st, err = f.db.WartimeStatus(context.Background(), "")
	require.NoError(t, err)
	assert.False(t, st.Drafts[0].Released.IsZero(), "released")
	assert.Equal(t, 6, st.Gaps, "the micro-grid a gap again")
	// x on a gap says what x is for.
	m = update(t, m, loadWartime(f.db, "")())
	m = keys(t, m, "g", "x")
	assert.Contains(t, m.View(), "x releases a drafted reserve")
}

// The detail names who holds the incident now and how to reach them.
func TestDetailNamesTheHolder(t *testing.T) {
	m := demoConsole(t, "zh", 120, 40)
	m = find(t, m, "土地流转租金纠纷") // at the village tier
	inc, _ := m.selectedIncident()
	require.Equal(t, model.TierVillage, inc.Tier)
	m = keys(t, m, "enter")
	holders := holdersOf(&m.w, inc)
	require.NotEmpty(t, holders)
	for _, h := range holders {
		require.True(t, h.Has(model.RoleVillageCadre))
		assert.Contains(t, m.View(), h.Name+"  "+h.Phone)
	}
	assert.Contains(t, m.View(), "承办人")
}

// The queue's countdowns read as durations, never as clock times.
func TestCountdownsAreDurations(t *testing.T) {
	f := newFixture(t)
	for _, w := range []int{80, 120} {
		m := f.model(t, "en", w, 40)
		q := m.queue.View()
		assert.Regexp(t, `● -?\d+(h\d\dm|m\d\ds)\b`, q)
		assert.NotRegexp(t, `● -?\d+:\d\d\b`, q, "20:33 reads as a clock time")
	}
}

// Reports of the last 30 s are marked; a severity I report rings the bell
// once.
func TestNewReportsMarkedAndBell(t *testing.T) {
	f := newFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	var bell bytes.Buffer
	opt := f.options(t, "en")
	opt.Bell, opt.BellTo = true, &bell
	m := loaded(t, f.db, opt, 120, 40)
	bell.Reset()
	_, err := f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "货车侧翻", Reporter: model.System})
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	assert.Regexp(t, `new 货车侧翻`, m.queue.View())
	assert.Equal(t, "\a", bell.String(), "the bell once")
	f.clock.Advance(31 * time.Second)
	m = update(t, m, tickMsg(f.clock.Now()))
	assert.NotContains(t, m.queue.View(), "new 货车侧翻", "the mark goes after 30 s")

	// With ui.bell off, no bell.
	opt.Bell = false
	bell.Reset()
	quiet := New(f.db, nil, opt)
	quiet = update(t, quiet, keyMsgSize(120, 40))
	quiet = update(t, quiet, loadSnapshot(f.db, quiet.scope, quiet.reach)())
	_, err = f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "又一起", Reporter: model.System})
	require.NoError(t, err)
	_ = pump(t, quiet, sub, f.db)
	assert.Empty(t, bell.String())
}

// The focused pane's title is marked, in ASCII too.
func TestFocusedPaneTitleMarked(t *testing.T) {
	f := newFixture(t)
	for _, ascii := range []bool{false, true} {
		opt := f.options(t, "en")
		opt.ASCII = ascii
		m := loaded(t, f.db, opt, 120, 40)
		mark := "▶"
		if ascii {
			mark = ">"
		}
		assert.Regexp(t, regexp.QuoteMeta(mark)+` Incidents`, m.View(), "ascii=%t", ascii)
		m = keys(t, m, "tab")
		assert.NotRegexp(t, regexp.QuoteMeta(mark)+` Incidents`, m.View())
		assert.Regexp(t, regexp.QuoteMeta(mark)+` Events`, m.View())
	}
}

// At 80x24 the queue keeps severity, id, tier, status, SLA and title, the
// key line keeps enter, /, :, a, e, n, W, ? and q (s, r and N give way
// first), and a long question wraps onto two lines rather than lose its
// y/n.
func TestNarrowScreenKeepsWhatMatters(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		m := f.model(t, lang, 80, 24)
		view := m.View()
		lines := strings.Split(view, "\n")
		head := map[string]string{"zh": `级 +编号 +层级 +状态 +时限 +标题`, "en": `sev +id +tier +status +SLA +title`}[lang]
		assert.Regexp(t, head, view)
		foot := lines[len(lines)-1]
		for _, k := range []string{" enter ", " / ", " : ", " a ", " e ", " n ", " W ", " ? ", " q "} {
			assert.Contains(t, foot, k, "%s at 80 columns", k)
		}
		m = find(t, m, "企业拖欠农民工工资")
		m = keys(t, m, "e", "tab")
		m = typeText(t, m, "涉及三十余名工人，情绪激动，需镇劳动保障所和派出所联合处置")
		m = keys(t, m, "enter")
		view = m.View()
		lines = strings.Split(view, "\n")
		assert.Contains(t, lines[len(lines)-1], "y/n", "%s: the y/n on the last line", lang)
		assert.Contains(t, view, "联合处置", "the note whole")
		checkScreen(t, m, 80, 24, false)
	}
}

// English help lines wrap at 120 rather than being cut.
func TestEnglishHelpWraps(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	m = keys(t, m, "?")
	view := m.View()
	for i := 0; i < 40; i++ {
		m = keys(t, m, "j")
		view += m.View()
	}
	assert.NotRegexp(t, `escalate to t…`, view)
	assert.Contains(t, view, "escalate to")
	assert.Contains(t, view, "acked = acknowledged", "the key explains the short status words")
}

// openRows are the open incidents the queue lists, in order (resolved ones
// follow them whatever the order).
func openRows(m Model) []model.Incident {
	var out []model.Incident
	for _, inc := range rowsOf(m) {
		if inc.Status.Open() {
			out = append(out, inc)
		}
	}
	return out
}

// The wartime scope, the directive's targets and its deadline take what
// people say: names (a unique prefix within the town) and a clock time;
// the after-action summary names the scope.
func TestWartimeFormsTakeNames(t *testing.T) {
	f := newFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	ctx := context.Background()
	m := f.model(t, "zh", 120, 40)
	clear := func(m Model, n int) Model {
		for i := 0; i < n; i++ {
			m = keys(t, m, "backspace")
		}
		return m
	}
	m = keys(t, m, "W", "enter")
	m = clear(m, len([]rune("全镇")))
	m = typeText(t, m, "渎溪、三明村")
	m = keys(t, m, "enter", "enter", "enter")
	require.True(t, m.q.active(), "the form asks: %s", m.View())
	m = keys(t, m, "y")
	st, err := f.db.WartimeStatus(ctx, "")
	require.NoError(t, err)
	require.True(t, st.Active.Active())
	dx, err := m.names().Resolve("渎溪村")
	require.NoError(t, err)
	sm, err := m.names().Resolve("三明村")
	require.NoError(t, err)
	assert.ElementsMatch(t, []model.NodeCode{dx, sm}, st.Active.Scope)
	m = pump(t, m, sub, f.db)
	m = update(t, m, loadWartime(f.db, "")())

	// An ambiguous name lists the candidates and keeps the form.
	m = keys(t, m, "d")
	m = typeText(t, m, "转移低洼户")
	m = keys(t, m, "enter")
	m = clear(m, 2)
	m = typeText(t, m, "04:40")
	m = keys(t, m, "enter")
	m = clear(m, len([]rune(m.form.values()["to"])))
	m = typeText(t, m, "八字墙")
	m = keys(t, m, "enter")
	assert.True(t, m.formActive)
	assert.Contains(t, m.View(), "八字墙居委会")
	m = clear(m, len([]rune("八字墙")))
	m = typeText(t, m, "渎溪村")
	m = keys(t, m, "enter")
	assert.Contains(t, m.View(), "04:40")
	m = keys(t, m, "y")
	ds, err := f.db.Directives(ctx, "")
	require.NoError(t, err)
	require.Len(t, ds, 1)
	assert.Equal(t, []model.NodeCode{dx}, ds[0].Targets)
	assert.Equal(t, "04:40", ds[0].Deadline.In(f.options(t, "zh").Location).Format("15:04"), "04:40 today: it is 03:10")
	m = pump(t, m, sub, f.db)

	m = keys(t, m, "W", "left", "enter", "y") // over part of the town: end it, not widen it
	require.Equal(t, overlayAfter, m.overlay)
	assert.Contains(t, m.View(), "渎溪村")
	assert.Contains(t, m.View(), "三明村")
}

// The after-action summary keeps every figure at 80x24: a long line breaks
// between its figures instead of being cut.
func TestAfterActionFitsNarrow(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		m, sub := wartimeModel(t, f, lang, 80, 24)
		m = keys(t, runLine(t, m, "gaps"), "enter", "y")
		m = pump(t, m, sub, f.db)
		m = keys(t, m, "esc", "W", "y")
		require.Equal(t, overlayAfter, m.overlay)
		want := map[string]string{"zh": "征调储备 1", "en": "reserves drafted 1"}[lang]
		assert.Contains(t, m.View(), want, lang)
		checkScreen(t, m, 80, 24, false)
	}
}

// The report form's place is the tower's selected node by default, by name.
func TestReportFormTakesTheTowersNode(t *testing.T) {
	m := atGrid(t, demoConsole(t, "zh", 120, 40), "渎溪村 02")
	m = keys(t, m, "n")
	require.True(t, m.formActive)
	assert.Equal(t, "渎溪村 02", m.form.values()["node"])
}

// In wartime at 80x24 the header keeps open and red; the directive pane
// names each silent unit's worker with their phone.
func TestWartimeNarrowKeepsOpenRedAndPhones(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		m, sub := wartimeModel(t, f, lang, 80, 24)
		header, _, _ := strings.Cut(m.View(), "\n")
		want := map[string]string{"zh": fmt.Sprintf("在办 %d  超时 %d", m.w.inc.open, m.w.inc.red), "en": fmt.Sprintf("open %d  red %d", m.w.inc.open, m.w.inc.red)}[lang]
		assert.Contains(t, header, want, lang)
		if lang == "en" {
			m = keys(t, m, "d")
			m = typeText(t, m, "check")
			m = keys(t, m, "enter", "enter", "enter", "y")
			m = pump(t, m, sub, f.db)
			m = update(t, m, keyMsgSize(120, 40))
			var worker model.Person
			for _, u := range m.wt.status.Units {
				if u.Worker != 0 {
					worker = m.w.byID[u.Worker]
					break
				}
			}
			require.NotEmpty(t, worker.Phone)
			assert.Contains(t, m.View(), worker.Name+" "+worker.Phone, "the first silent unit's worker and phone")
		}
		f = newFixture(t)
	}
}

// A refusal too long for one line at 80 columns takes two, whole.
func TestLongRefusalWraps(t *testing.T) {
	m := demoConsole(t, "en", 80, 24)
	m = find(t, m, "电信诈骗预警")
	m = keys(t, m, "r")
	view := m.View()
	lines := strings.Split(view, "\n")
	assert.True(t, strings.HasSuffix(strings.TrimRight(lines[len(lines)-2], " "), "(acknowledge it"), "%q", lines[len(lines)-2])
	assert.True(t, strings.HasPrefix(lines[len(lines)-1], " first)"), "the reason whole, on the second line: %q", lines[len(lines)-1])
	checkScreen(t, m, 80, 24, false)
}
