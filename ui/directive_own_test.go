package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// microSeat is the console, at w x h, of the worker of the first staffed
// micro-grid of 渎溪村 (a directive issued to the village), its directive
// pane in focus; the directive and that unit.
func microSeat(t *testing.T, f fixture, lang string, w, h int) (Model, model.Directive, model.UnitStatus) {
	t.Helper()
	d, units, _ := villageDirective(t, f)
	var u model.UnitStatus
	for _, x := range units {
		if x.Worker != 0 {
			u = x
			break
		}
	}
	require.NotZero(t, u.Worker)
	m := villageRoom(t, f, f.seatOf(t, u.Worker), lang, w, h, false)
	require.Equal(t, u.MicroGrid, m.scope, "the micro-grid's own seat")
	m = runLine(t, m, "directives")
	require.Equal(t, paneDirectives, m.focus)
	return m, d, u
}

// footer is the screen's last line.
func footer(m Model) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-1]
}

// unitOf is unit's copy of directive id in the store.
func unitOf(t *testing.T, f fixture, id string, unit model.NodeCode) model.DirectiveUnit {
	t.Helper()
	_, units, err := f.db.Directive(context.Background(), id)
	require.NoError(t, err)
	for _, u := range units {
		if u.Unit == unit {
			return u
		}
	}
	t.Fatalf("%s has no copy at %s", id, unit)
	return model.DirectiveUnit{}
}

// The QA finding: at a micro-grid's own seat b answered "渎溪村 02-01 是您本人
// 的微网格：请以网格员身份签收，无需代签" and no key signed. On its own row b
// signs for the directive as the unit itself (asked first), the footer and
// the help name it so (b 签收, not 代签), and a, refused in the pane, names
// the keys that act there.
func TestMicroGridSeatSignsItsOwnDirective(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t)
			m, d, u := microSeat(t, f, lang, 80, 24)
			say := func(en, zh string) string { return map[string]string{"en": en, "zh": zh}[lang] }
			assert.Contains(t, footer(m), say("b sign for it", "b 签收"))
			assert.Contains(t, footer(m), say("p report progress", "p 上报进度"))
			assert.NotContains(t, footer(m), say("on behalf", "代签"))

			m = keys(t, m, "a")
			assert.Contains(t, m.flash.text, say("the directive pane's keys are b and p", "指令窗格可用 b、p"))

			m = keys(t, m, "b")
			require.True(t, m.q.active(), "b asks: %s", m.flash.text)
			assert.Contains(t, m.View(), say("your own micro-grid?", "以本人微网格"))
			checkScreen(t, m, 80, 24, false)
			m = keys(t, m, "y")
			got := unitOf(t, f, d.ID, u.MicroGrid)
			require.True(t, got.Signed(), "y signs")
			assert.False(t, got.OnBehalf, "the unit's own signature, not 代签")
			assert.Equal(t, u.Worker, got.SignedBy)
			assert.Contains(t, m.flash.text, say("signed", "已签收"))

			m = update(t, m, loadWartime(f.db, m.scope)())
			m = keys(t, m, "b")
			assert.False(t, m.q.active(), "signed already: no question")
			assert.Contains(t, m.flash.text, got.SignedAt.In(shanghai).Format("15:04"))

			m = keys(t, m, "?")
			listed := map[string]string{}
			for _, g := range m.help.groups {
				for _, b := range g {
					listed[b.Help().Key] = b.Help().Desc
				}
			}
			assert.Equal(t, say("sign for it", "签收"), listed["b"], "the help lists b")
			assert.Equal(t, say("report progress", "上报进度"), listed["p"], "and p")
		})
	}
}

// p on the seat's own unit reports its progress as the field API's
// progress does: a form (done, of the unit's households, a note), checked
// by the store's rule before the question (a lower figure needs a note),
// asked, then stored; done == of completes it.
func TestMicroGridSeatReportsProgress(t *testing.T) {
	f := newFixture(t)
	m, d, u := microSeat(t, f, "zh", 80, 24)
	m = keys(t, m, "p")
	require.True(t, m.formActive, "p opens the form: %s", m.flash.text)
	require.Equal(t, formProgress, m.form.kind)
	v := m.form.values()
	assert.Equal(t, "0", v["done"])
	assert.Equal(t, u.Households, atoi(t, v["of"]), "of its households")
	checkScreen(t, m, 80, 24, false)

	m = typeText(t, m, "12")
	m = submitForm(t, m)
	require.True(t, m.q.active(), "asked: %s", m.form.err)
	assert.Contains(t, m.View(), "进度：已完成 12/")
	m = keys(t, m, "y")
	got := unitOf(t, f, d.ID, u.MicroGrid)
	assert.Equal(t, 12, got.Done)
	assert.Equal(t, u.Households, got.Of)
	assert.True(t, got.Signed(), "a report signs too")
	assert.False(t, got.OnBehalf)
	m = update(t, m, loadWartime(f.db, m.scope)())

	m = keys(t, m, "p")
	m = typeText(t, m, "5")
	m = submitForm(t, m)
	assert.False(t, m.q.active(), "lower without a note: refused before the question")
	require.True(t, m.formActive)
	assert.Contains(t, m.form.err, "报低需附备注")
	m = keys(t, m, "esc", "y")

	m = keys(t, m, "p")
	m = typeText(t, m, v["of"])
	m = submitForm(t, m)
	require.True(t, m.q.active(), "asked: %s", m.form.err)
	assert.Contains(t, m.View(), "全部完成")
	m = keys(t, m, "y")
	assert.True(t, unitOf(t, f, d.ID, u.MicroGrid).Complete())
	assert.Contains(t, m.flash.text, "全部完成")
}

// atoi is s as a number.
func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	for _, r := range s {
		require.True(t, r >= '0' && r <= '9', s)
		n = n*10 + int(r-'0')
	}
	return n
}

// A micro-grid's seat issues and resends no directives (model.MayDirect):
// its footers and help do not offer d and R, and the keys say why, before
// any form; the village room's still do.
func TestMicroGridSeatOffersNoDirectives(t *testing.T) {
	f := newFixture(t)
	m, d, _ := microSeat(t, f, "en", 80, 24)
	for _, k := range []string{"d", "R"} {
		m = keys(t, m, k)
		assert.False(t, m.formActive, "%s: no form", k)
		assert.False(t, m.q.active(), "%s: no question", k)
		assert.Contains(t, m.flash.text, "is a micro-grid: it signs (b) and reports progress (p)", k)
	}
	_, units, err := f.db.Directive(context.Background(), d.ID)
	require.NoError(t, err)
	for _, u := range units {
		assert.Zero(t, u.Resends, "nothing resent")
	}
	for _, focus := range []string{"directives", "incidents"} {
		m = runLine(t, m, focus)
		assert.NotRegexp(t, `(^| )(d|R) `, footer(m), focus)
		// Nor W: a micro-grid's seat starts and ends no wartime (a QA
		// found it offered, and refused).
		assert.NotContains(t, footer(m), "W wartime", focus)
		assert.Contains(t, footer(m), "? help", "%s: the footer had room", focus)
		m = keys(t, m, "?")
		require.Equal(t, overlayHelp, m.overlay)
		for _, g := range m.help.groups {
			for _, b := range g {
				assert.NotContains(t, []string{"d", "R", "W"}, b.Help().Key, "%s: the help offers %s", focus, b.Help().Desc)
			}
		}
		m = keys(t, m, "esc")
	}
	m = keys(t, m, "W")
	assert.True(t, m.flash.err, "W pressed all the same: refused, saying why")
	assert.Contains(t, m.flash.text, "the room above ends it")

	cadres, err := f.db.People(context.Background(), model.PeopleFilter{Node: demo.Duxi, Role: model.RoleVillageCadre})
	require.NoError(t, err)
	require.NotEmpty(t, cadres)
	village := villageRoom(t, f, model.SeatOf(cadres[0]), "en", 80, 24, false)
	village = runLine(t, village, "directives")
	assert.Regexp(t, `R [a-z]+`, footer(village), "the village room resends")
	assert.Regexp(t, `b sign on behalf`, footer(village))
	assert.Contains(t, footer(runLine(t, village, "incidents")), "W wartime", "the village room starts and ends its own")
}

// The QA finding: a micro-grid's seat's chain read "村指挥室 0 1 0 0", no
// room and one on duty. A seat below the village counts the one village
// room above it, staffed or not as the store counted it.
func TestWartimeChainCountsTheRoomAboveTheSeat(t *testing.T) {
	f := newFixture(t)
	m, _, u := microSeat(t, f, "zh", 80, 24)
	rooms := m.wt.status.Rooms
	require.True(t, rooms.Counted)
	require.Contains(t, rooms.Villages, demo.Duxi, "渎溪村's room is staffed at the demo's hour")
	assert.Equal(t, 1, m.wtc.fig.rows[1].units, "the village room above the micro-grid")
	assert.Equal(t, 1, m.wtc.fig.rows[1].staffed)
	assert.Regexp(t, `村指挥室 +1 +1 `, m.View())

	grid := villageRoom(t, f, model.Seat{Node: u.MicroGrid.Parent(), Person: m.seat.Person, Town: m.seat.Town}, "zh", 80, 24, false)
	assert.Equal(t, 1, grid.wtc.fig.rows[1].units, "a grid's seat: the one room above it too")
	assert.LessOrEqual(t, grid.wtc.fig.rows[1].staffed, grid.wtc.fig.rows[1].units)
}

// The QA finding: 9999h at 06:11 asked "…21:11 前完成？" (416 days off), and
// 04:40 typed at 06:28 (tomorrow's) asked "04:40 前完成？". A deadline past
// 7 days is refused on its field naming the limit; one due another day is
// asked, and shown in the pane's title, with its date; today's by its
// clock alone.
func TestDirectiveDeadlineSaysItsDay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
	require.NoError(t, err)
	m := f.model(t, "zh", 80, 24)
	m = update(t, m, loadWartime(f.db, "")())
	form := func(m Model, due string) Model {
		m = keys(t, m, "d")
		m = typeText(t, m, "逐户核查人员去向")
		m = keys(t, m, "enter")
		m = typeText(t, m, due)
		return keys(t, m, "enter", "enter")
	}
	m = form(m, "9999h")
	assert.False(t, m.q.active(), "not asked")
	require.True(t, m.formActive, "the form stays")
	assert.Contains(t, m.form.err, "超出下达后 7 天（168h）的上限")
	m = keys(t, m, "esc", "y")

	m = form(m, "04:40") // base is 03:10: today
	require.True(t, m.q.active(), m.form.err)
	assert.Contains(t, m.View(), "，04:40 前完成？")
	m = keys(t, m, "n", "esc", "y")

	m = form(m, "02:00") // tomorrow's
	require.True(t, m.q.active(), m.form.err)
	assert.Contains(t, m.View(), "，11-30 02:00 前完成？")
	m = keys(t, m, "y")
	m = update(t, m, loadWartime(f.db, "")())
	assert.Contains(t, m.dir.Title(), "截止 11-30 02:00")
	checkScreen(t, m, 80, 24, false)

	f.clock.Set(time.Date(2026, 11, 30, 0, 5, 0, 0, shanghai)) // past midnight: it is today's
	m = update(t, m, tickMsg(f.clock.Now()))
	assert.Contains(t, m.dir.Title(), "截止 02:00")
}

// A deadline with its date is longer: at 80 columns in English the title
// gives way its word ("due" for "deadline", then none) and keeps the
// date, the time and the counter n/N, focused or not.
func TestDirectiveTitleKeepsItsCounterWithADate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
	require.NoError(t, err)
	_, _, err = f.db.IssueDirectiveAt(ctx, "逐户核查", []model.NodeCode{demo.Town}, time.Date(2026, 11, 30, 2, 0, 0, 0, shanghai), f.operator(t), false)
	require.NoError(t, err)
	m := f.model(t, "en", 80, 24)
	m = update(t, m, loadWartime(f.db, "")())
	titleLine := func(m Model) string {
		for _, line := range strings.Split(m.View(), "\n") {
			if strings.Contains(line, "D-0001") {
				return line
			}
		}
		return ""
	}
	assert.Regexp(t, `Directive D-0001 +(deadline |due )?11-30 02:00 ─+ 1/1 ─╮$`, titleLine(m))
	m = runLine(t, m, "directives")
	assert.Regexp(t, `▶ Directive D-0001 +(deadline |due )?11-30 02:00 ─+ 1/1 ─╮$`, titleLine(m))
	checkScreen(t, m, 80, 24, false)
}
