package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// patrolFixture is the demo at base with its patrol morning under way:
// P16 (Duxi's patroller) on patrol of P-266-CZ since 08:00 with two
// check-ins, P7 on patrol of P-001-CZ silent since 07:00, P-266-NT done, and
// four findings on the desk at Duxi, one of them past its triage deadline.
func patrolFixture(t *testing.T) fixture {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	day := time.Date(2026, 11, 29, 0, 0, 0, 0, shanghai)
	at := func(hh, mm int) { f.clock.Set(day.Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)) }
	at(7, 0)
	_, _, err := f.db.StartPatrol(ctx, "P-001-CZ", 7, "")
	require.NoError(t, err)
	at(7, 40)
	done, _, err := f.db.StartPatrol(ctx, "P-266-NT", 16, "")
	require.NoError(t, err)
	for i, cp := range []string{"C1", "C2", "C3", "C4"} {
		at(7, 45+2*i)
		_, _, err = f.db.PatrolCheckIn(ctx, done.ID, cp, nil, 16, "")
		require.NoError(t, err)
	}
	_, _, err = f.db.EndPatrol(ctx, done.ID, 16, "")
	require.NoError(t, err)
	at(8, 0)
	p, _, err := f.db.StartPatrol(ctx, "P-266-CZ", 16, "")
	require.NoError(t, err)
	for i, cp := range []string{"C1", "C2"} {
		at(8, 10+10*i)
		_, _, err = f.db.PatrolCheckIn(ctx, p.ID, cp, nil, 16, "")
		require.NoError(t, err)
	}
	for i, text := range []string{"村口路灯连续三盏不亮👍\U0001f3fd", "老旧民房外墙开裂，有砖块掉落", "村道转弯处护栏缺失", "空置厂房内发现有人留宿"} {
		at(8, 5+15*i)
		_, _, err := f.db.AddFinding(ctx, model.FindingReport{Area: "P-266-CZ", Checkpoint: "C2", Category: "hazard", Text: text, By: 16}, "")
		require.NoError(t, err)
	}
	at(9, 10)
	return f
}

// consoleAt is a console of the patrol fixture with its snapshot loaded,
// operated by the liaison.
func consoleAt(t *testing.T, f fixture, lang string, w, h int, wide bool) Model {
	t.Helper()
	return terminal{w: w, h: h, lang: lang, wide: wide}.console(t, f, func(o *Options) { o.Seat = f.seatOf(t, demo.Liaison) })
}

func TestPatrolPanesFit(t *testing.T) {
	f := patrolFixture(t)
	for _, tm := range terminals() {
		for _, sc := range []struct {
			name string
			keys []string
		}{
			{"patrols", []string{":", "patrols", "enter"}},
			{"patrols scrolled", []string{":", "patrols", "enter", "G"}},
			{"desk", []string{":", "desk", "enter"}},
			{"desk moved", []string{":", "desk", "enter", "j", "j", "j", "j", "j"}},
			{"pass form", []string{":", "desk", "enter", "p"}},
			{"merge form", []string{":", "desk", "enter", "m"}},
			{"close form", []string{":", "desk", "enter", "x"}},
		} {
			t.Run(tm.name(sc.name), func(t *testing.T) {
				tm.check(t, keys(t, consoleAt(t, f, tm.lang, tm.w, tm.h, tm.wide), sc.keys...))
			})
		}
	}
}

// TestPatrolPane: the rates in the pane's title are the board's, which is
// what gridcmd patrol rates prints; the kinds, the patrollers (the silent
// one marked) and the desk's count are there.
func TestPatrolPane(t *testing.T) {
	f := patrolFixture(t)
	m := keys(t, consoleAt(t, f, "zh", 120, 40, false), ":", "巡护", "enter")
	require.Equal(t, overlayPatrols, m.overlay)
	b, err := f.db.PatrolBoard(context.Background(), time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, model.KindRate{Due: 62, Done: 1}, b.Rates.KindRate)
	view := ansi.Strip(m.View())
	assert.Contains(t, view, "巡护率 "+rateText(b.Rates.Done, b.Rates.Due), "the console shows the board's rate")
	assert.Contains(t, view, "巡护率 2% 1/62")
	assert.Contains(t, view, "待分拣 4 (超时 1)")
	assert.Contains(t, view, "失联 X-0001 P-001-CZ 0/4", "P7 silent since 07:00, the silence is 2h")
	assert.Contains(t, view, "X-0003 P-266-CZ 2/6")
	assert.Contains(t, view, "农田")

	en := keys(t, consoleAt(t, f, "en", 120, 40, false), ":", "patrols", "enter")
	assert.Contains(t, ansi.Strip(en.View()), "patrol 2% 1/62  follow-up")
	assert.Contains(t, ansi.Strip(en.View()), "silent X-0001")
	m = keys(t, m, "esc")
	assert.Equal(t, overlayNone, m.overlay)
}

// TestLiaisonAtTheDesk is issue 13's trial in the console: the liaison
// passes three findings on and closes one (one close refused first for
// want of a reason, the form kept), and the rates move.
func TestLiaisonAtTheDesk(t *testing.T) {
	f := patrolFixture(t)
	ctx := context.Background()
	m := keys(t, consoleAt(t, f, "zh", 120, 40, false), ":", "desk", "enter")
	require.Equal(t, overlayDesk, m.overlay)
	require.True(t, m.pt.loaded)
	require.Len(t, m.pt.findings, 4+2+3, "four waiting, the morning's two closed and three merged")
	first := m.pt.findings[0]
	assert.Equal(t, model.FindingWaiting, first.Status)
	assert.Contains(t, first.Text, "村口路灯", "oldest first")
	view := ansi.Strip(m.View())
	assert.Contains(t, view, "联络员分拣台")
	assert.Contains(t, view, "须分拣于 09:05")

	// Pass on: the form starts with the area's village and the finding's
	// category; a node outside the village is refused at the field.
	m = keys(t, m, "p")
	require.True(t, m.formActive)
	assert.Equal(t, "渎溪村", m.form.values()["node"])
	m = typeText(t, m, "330784114200")
	m = keys(t, m, "enter", "enter", "enter")
	require.True(t, m.formActive, "330784114200 is not in Duxi: the form stays")
	assert.Contains(t, m.form.err, "不在")
	m = keys(t, m, "esc", "y")
	require.False(t, m.formActive)

	var passed []string
	for range 3 {
		m = keys(t, m, "p", "enter", "enter", "enter")
		require.False(t, m.formActive)
		require.True(t, m.q.active(), "the desk asks before it passes a finding on")
		assert.Contains(t, m.View(), "交办为 渎溪村 的上报")
		m = keys(t, m, "y")
		assert.Contains(t, m.flash.text, "已交办为 HJ-")
		passed = append(passed, strings.Fields(m.flash.text)[0])
	}
	for _, id := range passed {
		x, err := f.db.Finding(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, model.FindingPassed, x.Status, id)
		assert.Equal(t, demo.Liaison, x.HandledBy)
		inc, err := f.db.Incident(ctx, x.Incident)
		require.NoError(t, err)
		assert.Equal(t, model.SourcePatrol, inc.Source)
		assert.Equal(t, model.NodeCode("330784114266"), inc.Node)
		_, inQueue := m.w.byRef[inc.ID]
		assert.True(t, inQueue, "%s is in the console's queue at once", inc.ID)
	}
	// The one left: closed with a reason.
	m = keys(t, m, "x", "enter")
	require.True(t, m.formActive, "no reason: the form stays")
	assert.Contains(t, m.form.err, "原因")
	m = typeText(t, m, "已核实，系已审批的临时作业")
	m = keys(t, m, "enter")
	require.False(t, m.formActive)
	assert.Contains(t, m.View(), "销号 ")
	m = keys(t, m, "y")
	assert.Contains(t, m.flash.text, "已销号")
	open, err := f.db.Findings(ctx, model.FindingFilter{Open: true})
	require.NoError(t, err)
	assert.Empty(t, open, "the desk is clear")
	view = ansi.Strip(m.View())
	assert.Contains(t, view, "已交办 上报", "what was passed on shows its incident's status")
	// Enter on a passed finding (below the closed one, handled last)
	// opens its incident.
	m = keys(t, m, "j", "enter")
	assert.Equal(t, overlayDetail, m.overlay)

	// The rates move: by 11:00 the three found after 08:10 count too (the
	// first was past its deadline at 09:10 already); the closed one is
	// followed up, the three passed on are not until their incidents are
	// resolved.
	before, err := f.db.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	f.clock.Set(time.Date(2026, 11, 29, 11, 0, 0, 0, shanghai))
	m = keys(t, m, "esc", ":", "patrols", "enter")
	after, err := f.db.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, before.Rates.Findings+3, after.Rates.Findings)
	assert.Equal(t, before.Rates.Followed+1, after.Rates.Followed)
	assert.Contains(t, ansi.Strip(m.View()), "跟踪率 "+rateText(after.Rates.Followed, after.Rates.Findings))
	x, err := f.db.Finding(ctx, passed[0])
	require.NoError(t, err)
	for _, c := range []model.Command{{Action: model.ActAcknowledge, By: 1}, {Action: model.ActResolve, By: 1}} {
		_, err := f.db.Act(ctx, x.Incident, c)
		require.NoError(t, err)
	}
	m = update(t, m, loadPatrols(f.db, m.scope, shanghai)())
	assert.Contains(t, ansi.Strip(m.View()), "跟踪率 "+rateText(after.Rates.Followed+1, after.Rates.Findings), "a resolved incident follows up its finding")
}

// TestPatrolPanesFollowTheFeed: while open, the panes read the records
// again for an event of the patrol flow or of an incident, and every
// patrolRefresh; closed, they do not.
func TestPatrolPanesFollowTheFeed(t *testing.T) {
	f := patrolFixture(t)
	m := consoleAt(t, f, "zh", 120, 40, false)
	ev := []model.Event{{Action: model.ActCheckIn, Ref: "X-0003"}}
	_, cmd := m.patrolsOnEvents(ev)
	assert.Nil(t, cmd, "not shown: nothing read")
	m = keys(t, m, ":", "desk", "enter")
	m2, cmd := m.patrolsOnEvents(ev)
	assert.NotNil(t, cmd)
	_, again := m2.patrolsOnEvents(ev)
	assert.Nil(t, again, "one read at a time; the next follows it")
	assert.True(t, m2.pt.stale)
	_, cmd = m.patrolsOnEvents([]model.Event{{Action: model.ActImport}})
	assert.Nil(t, cmd, "an import is no patrol event")
	m.pt.loading = false // the read above is done
	m.now = m.pt.at.Add(patrolRefresh)
	_, cmd = m.patrolsOnTick()
	assert.NotNil(t, cmd, "read again after patrolRefresh")
}

func TestPatrolCommandsInTheTable(t *testing.T) {
	cmds := newCommands()
	for _, w := range []string{"patrols", "巡护", "desk", "分拣台", "联络员"} {
		_, ok := cmds.find(w)
		assert.True(t, ok, w)
	}
	assert.Contains(t, cmds.list(), ":patrols :desk")
}

// TestPassFormShowsTheCategory: the pass form's category line at 80x24
// cannot hold all eleven categories; the one chosen (the finding's, and
// each one moved to) stays on screen, the line cut where it must be.
func TestPassFormShowsTheCategory(t *testing.T) {
	f := patrolFixture(t)
	for _, lang := range []string{"zh", "en"} {
		m := keys(t, consoleAt(t, f, lang, 80, 24, false), ":", "desk", "enter", "p", "tab")
		require.True(t, m.formActive)
		cat := m.form.fields[m.form.focus]
		require.NotNil(t, cat.choices, "the second field is the category")
		for range len(cat.choices) + 1 {
			fl := m.form.fields[m.form.focus]
			shown := "[" + fl.display[fl.choice] + "]"
			assert.Contains(t, ansi.Strip(m.View()), shown, "%s: %s is on screen", lang, fl.choices[fl.choice])
			checkScreen(t, m, 80, 24, false)
			m = keys(t, m, "right")
		}
	}
}

// TestFindingClimbInTheTicker: a finding the triage deadline sent to the
// town room is told by its note (no tier change: the incident was born at
// the town tier), not as a sign-for deadline.
func TestFindingClimbInTheTicker(t *testing.T) {
	f := patrolFixture(t)
	f.clock.Set(time.Date(2026, 11, 29, 10, 30, 0, 0, shanghai))
	evs, err := f.db.Sweep(context.Background())
	require.NoError(t, err)
	var climb model.Event
	for _, e := range evs {
		if e.Action == model.ActEscalate && e.Ref != "" {
			climb = e
		}
	}
	require.NotEmpty(t, climb.Incident, "the climb is on the incident's timeline")
	zh := describe(labels("zh"), climb, unicodeGlyphs)
	assert.Contains(t, zh, "内未分拣：转镇指挥室 "+climb.Incident)
	assert.NotContains(t, zh, "超时未签收")
	assert.Contains(t, describe(labels("en"), climb, unicodeGlyphs), "not triaged within 1h")
}

// TestPatrolRatesFitTheTitle: where the title bar cannot hold both rates
// with their counts (80x24 in English), it shows both percentages whole
// rather than cutting the follow-up rate.
func TestPatrolRatesFitTheTitle(t *testing.T) {
	f := patrolFixture(t)
	b, err := f.db.PatrolBoard(context.Background(), time.Time{}, "")
	require.NoError(t, err)
	m := keys(t, consoleAt(t, f, "en", 80, 24, false), ":", "patrols", "enter")
	top := strings.Split(ansi.Strip(m.View()), "\n")[1]
	assert.Contains(t, top, "patrol "+pctText(b.Rates.Done, b.Rates.Due)+"  follow-up "+pctText(b.Rates.Followed, b.Rates.Findings)+" ─╮")
	m = keys(t, consoleAt(t, f, "en", 120, 40, false), ":", "patrols", "enter")
	top = strings.Split(ansi.Strip(m.View()), "\n")[1]
	assert.Contains(t, top, "follow-up "+rateText(b.Rates.Followed, b.Rates.Findings)+" ─╮", "with the counts where they fit")
}

// TestNarrowDeskShowsWhatWasFound: at 80x24 the desk's rows have room for
// a few characters only; they show what was found (the area is in the
// lines under the list, for the finding under the cursor).
func TestNarrowDeskShowsWhatWasFound(t *testing.T) {
	f := patrolFixture(t)
	for _, lang := range []string{"zh", "en"} {
		m := keys(t, consoleAt(t, f, lang, 80, 24, false), ":", "desk", "enter")
		view := ansi.Strip(m.View())
		assert.Contains(t, view, "老旧民房", "%s: the second finding's text, not under the cursor", lang)
		assert.Contains(t, view, "村道转弯", lang)
	}
	m := keys(t, consoleAt(t, f, "zh", 120, 40, false), ":", "desk", "enter")
	assert.Contains(t, ansi.Strip(m.View()), "渎溪村庄巡查 老旧民房外墙", "wide: the area and the text")
}

// TestRotationsOnANarrowPane: at 80x24 a rotation's line keeps its group on
// duty and its reports, dropping its name last.
func TestRotationsOnANarrowPane(t *testing.T) {
	f := patrolFixture(t)
	b, err := f.db.PatrolBoard(context.Background(), time.Time{}, "")
	require.NoError(t, err)
	require.Len(t, b.Rotations, 3, "the demo's rotations")
	m := keys(t, consoleAt(t, f, "en", 80, 24, false), ":", "patrols", "enter", "G")
	view := ansi.Strip(m.View())
	for _, rd := range b.Rotations {
		require.GreaterOrEqual(t, rd.Group, 0)
		assert.Contains(t, view, fmt.Sprintf("%s reports %d  group %d %s", rd.Rotation.ID, rd.Reports, rd.Group+1, codeTails(rd.Grids)[0]))
	}
	m = keys(t, consoleAt(t, f, "zh", 120, 40, false), ":", "patrols", "enter", "G")
	assert.Contains(t, ansi.Strip(m.View()), "轮值 R-0001 国道330沿线交通劝导 交通劝导", "wide: the name and the activity")
}

// TestCheckInsInTheTicker: a patrol's check-in and a village room's share
// the action "checkin"; the ticker names each its own way.
func TestCheckInsInTheTicker(t *testing.T) {
	patrol := model.Event{Action: model.ActCheckIn, Ref: "X-0001", Note: "P-266-CZ C1"}
	room := model.Event{Action: model.ActCheckIn, Node: "330784114266", Note: "room checks in"}
	assert.Contains(t, describe(labels("zh"), patrol, unicodeGlyphs), "巡护打卡")
	assert.Contains(t, describe(labels("zh"), room, unicodeGlyphs), "报到")
	assert.Contains(t, describe(labels("en"), patrol, unicodeGlyphs), "check-in")
	assert.Contains(t, describe(labels("en"), room, unicodeGlyphs), "checked in")
}

// TestPatrolDayLineWhole: at 80 columns the day's line (the desk's count
// and the week's findings against the week before) goes over two lines
// rather than losing its last figure.
func TestPatrolDayLineWhole(t *testing.T) {
	f := patrolFixture(t)
	b, err := f.db.PatrolBoard(context.Background(), time.Time{}, "")
	require.NoError(t, err)
	for _, tc := range []struct{ lang, week string }{
		{"en", fmt.Sprintf("findings 7d %d / 7d before %d", b.Rates.Week, b.Rates.PrevWeek)},
		{"zh", fmt.Sprintf("近7日发现 %d / 前7日 %d", b.Rates.Week, b.Rates.PrevWeek)},
	} {
		for _, w := range []int{80, 120} {
			m := keys(t, consoleAt(t, f, tc.lang, w, 24, false), ":", "patrols", "enter")
			assert.Contains(t, ansi.Strip(m.View()), tc.week, "%s at %d columns", tc.lang, w)
		}
	}
}

// TestPatrolFlowIDSaidOnce: the events pane's id column says a rotation's
// or a finding's id; the line after it does not say it again (a review saw
// "R-0002  清村扫楼 R-0002 出租房清村扫楼 第 3 组"), in either language.
func TestPatrolFlowIDSaidOnce(t *testing.T) {
	day := time.Date(2026, 11, 29, 9, 0, 0, 0, shanghai)
	r, err := model.JointRotation{Name: "出租房清村扫楼", Activity: "sweep", Start: day,
		Groups: [][]model.NodeCode{{"330784114266-01"}, {"330784114266-02"}}}.Clean()
	require.NoError(t, err)
	r.ID = "R-0002"
	sweep, err := r.Report("清查出租房 12 户", model.Person{ID: 5, Name: "应海霞", Node: "330784114266-01-02"}, day)
	require.NoError(t, err)
	closed := model.Event{Action: model.ActFindingClose, Ref: "F-0003", Note: "F-0003: 已修复"}
	for _, c := range []struct {
		lang string
		e    model.Event
		want string
	}{
		{"zh", sweep, "清村扫楼 出租房清村扫楼 第 1 组：清查出租房 12 户"},
		{"en", sweep, "出租房清村扫楼, group 1: 清查出租房 12 户"},
		{"en", closed, " 已修复"},
	} {
		got := describe(labels(c.lang), c.e, unicodeGlyphs)
		assert.Contains(t, got, c.want, c.lang)
		assert.NotContains(t, got, c.e.Ref, "%s: the id column says it", c.lang)
	}
}
