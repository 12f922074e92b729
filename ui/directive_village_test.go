package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// villageDirective puts the town in wartime and issues, from the town
// room, a directive to 渎溪村 alone; it returns the directive, the
// village's micro-grids in wartime (worker and all) and its first cadre.
func villageDirective(t *testing.T, f fixture) (model.Directive, []model.UnitStatus, model.Person) {
	t.Helper()
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	d, _, err := f.db.IssueDirective(ctx, "逐户核查", []model.NodeCode{duxi}, 2*time.Hour, f.operator(t), false)
	require.NoError(t, err)
	st, err := f.db.WartimeStatus(ctx, duxi)
	require.NoError(t, err)
	var units []model.UnitStatus
	for _, u := range st.Units {
		if u.MicroGrid.Village() == duxi {
			units = append(units, u)
		}
	}
	require.Len(t, units, 11)
	cadres, err := f.db.People(ctx, model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
	require.NoError(t, err)
	require.NotEmpty(t, cadres)
	return d, units, cadres[0]
}

// villageRoom is the console of seat on f at w x h, its wartime read.
func villageRoom(t *testing.T, f fixture, seat model.Seat, lang string, w, h int, wide bool) Model {
	t.Helper()
	opt := f.options(t, lang)
	opt.Seat, opt.AmbiguousWide = seat, wide
	m := loaded(t, f.db, opt, w, h)
	require.NoError(t, m.loadErr)
	return update(t, m, loadWartime(f.db, m.scope)())
}

// short is a micro-grid's name within its village, "01-01".
func short(u model.NodeCode) string { return strings.TrimPrefix(string(u), string(u.Village())+"-") }

// unitLine is the screen line of micro-grid u's row in the directive pane
// ("" if none).
func unitLine(m Model, u model.NodeCode) string {
	row := regexp.MustCompile(`^[▌> ]` + regexp.QuoteMeta(short(u)) + ` `)
	for _, line := range strings.Split(m.View(), "\n") {
		for _, c := range strings.FieldsFunc(line, func(r rune) bool { return r == '│' || r == '|' }) {
			if row.MatchString(c) {
				return c
			}
		}
	}
	return ""
}

// A village room's directive pane lists the village's micro-grids, one row
// each (its worker and phone, signed, done), not one row for the village
// with its eleven silent units crammed into one cut cell.
func TestVillageRoomDirectivePaneListsItsMicroGrids(t *testing.T) {
	f := newFixture(t)
	_, units, cadre := villageDirective(t, f)
	seat := model.SeatOf(cadre)
	for _, lang := range []string{"zh", "en"} {
		m := villageRoom(t, f, seat, lang, 120, 40, false)
		require.True(t, m.wt.active())
		view := m.View()
		assert.NotRegexp(t, `渎溪村 +[░.]+ +0/11`, view, "no row for the village as a whole")
		for _, u := range units {
			line := unitLine(m, u.MicroGrid)
			require.NotEmpty(t, line, "%s: a row of its own\n%s", u.MicroGrid, view)
			who := m.wl.Gap
			if u.Worker != 0 {
				who = u.WorkerName
			}
			assert.Contains(t, line, who, "%s: its worker", u.MicroGrid)
			assert.Contains(t, line, "0/", "%s: done of", u.MicroGrid)
		}
		assert.Contains(t, view, "0/11", "the total stays")
		checkScreen(t, m, 120, 40, false)
	}
}

// A directive to one village shows its micro-grids in the town room too;
// one to the whole town keeps the town room's row per village.
func TestTownRoomKeepsItsVillageRows(t *testing.T) {
	f := newFixture(t)
	_, units, _ := villageDirective(t, f)
	m := villageRoom(t, f, f.seat(t), "en", 120, 40, false)
	assert.NotEmpty(t, unitLine(m, units[0].MicroGrid), "one village: its micro-grids")

	_, _, err := f.db.IssueDirective(context.Background(), "second", []model.NodeCode{huajie}, time.Hour, f.operator(t), false)
	require.NoError(t, err)
	m = update(t, m, loadWartime(f.db, m.scope)())
	m = keys(t, runLine(t, m, "directives"), "[")
	cur, ok := m.dir.current()
	require.True(t, ok)
	require.Equal(t, "second", cur.d.Text)
	assert.Regexp(t, `花街居委会 +[░.]+ +0/8`, m.View(), "the town: a row per village")
	assert.Empty(t, unitLine(m, units[0].MicroGrid))
}

// The rows scroll with j/k when the pane has focus (80x24 shows two).
func TestVillageRoomDirectivePaneScrolls(t *testing.T) {
	f := newFixture(t)
	_, units, cadre := villageDirective(t, f)
	m := villageRoom(t, f, model.SeatOf(cadre), "zh", 80, 24, false)
	m = runLine(t, m, "directives")
	require.Equal(t, paneDirectives, m.focus)
	last := units[len(units)-1].MicroGrid
	assert.Empty(t, unitLine(m, last), "out of sight at first")
	m = keys(t, m, "G")
	assert.NotEmpty(t, unitLine(m, last), "G: the last row")
	m = keys(t, m, "g")
	for range units {
		m = keys(t, m, "j")
	}
	assert.NotEmpty(t, unitLine(m, last), "j: down to the last")
	assert.Empty(t, unitLine(m, units[0].MicroGrid))
	m = keys(t, m, "k")
	for range units {
		m = keys(t, m, "k")
	}
	assert.NotEmpty(t, unitLine(m, units[0].MicroGrid), "k: back up")
	checkScreen(t, m, 80, 24, false)
}

// b signs for the micro-grid under the cursor on its behalf (代签): asked
// first, naming the unit and its worker, through the store's SignDirective;
// the row then says who signed it so.
func TestVillageRoomSignsOnBehalf(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t)
			sub := f.db.Subscribe()
			defer sub.Close()
			d, units, cadre := villageDirective(t, f)
			m := villageRoom(t, f, model.SeatOf(cadre), lang, 120, 40, false)
			m = runLine(t, m, "directives")
			footer := func(m Model) string {
				lines := strings.Split(m.View(), "\n")
				return lines[len(lines)-1]
			}
			label := map[string]string{"zh": "b 代签", "en": "b sign on behalf"}[lang]
			assert.Contains(t, footer(m), label, "the footer names the key")

			u := units[1]
			m = keys(t, m, "j")
			m = keys(t, m, "b")
			require.True(t, m.q.active(), "b asks first")
			q := m.View()
			assert.Contains(t, q, short(u.MicroGrid))
			assert.Contains(t, q, u.WorkerName, "the question names the worker")
			assert.Contains(t, q, "y/n")
			checkScreen(t, m, 120, 40, false)
			m = keys(t, m, "n")
			_, got, err := f.db.Directive(context.Background(), d.ID)
			require.NoError(t, err)
			for _, x := range got {
				assert.False(t, x.Signed(), "n signs nothing")
			}

			m = keys(t, m, "b", "y")
			_, got, err = f.db.Directive(context.Background(), d.ID)
			require.NoError(t, err)
			var signed model.DirectiveUnit
			for _, x := range got {
				if x.Unit == u.MicroGrid {
					signed = x
				}
			}
			require.True(t, signed.Signed(), "y signs")
			assert.True(t, signed.OnBehalf)
			assert.Equal(t, cadre.ID, signed.SignedBy)
			m = pump(t, m, sub, f.db)
			line := unitLine(m, u.MicroGrid)
			assert.Contains(t, line, signed.SignedAt.In(shanghai).Format("15:04"))
			assert.Contains(t, line, map[string]string{"zh": "代签", "en": "on behalf"}[lang], "marked signed on its behalf, the README's word")

			// Signed already: refused before any question.
			m = keys(t, m, "b")
			assert.False(t, m.q.active(), "no question for a unit signed already")
			assert.Contains(t, footer(m), short(u.MicroGrid))

			m = keys(t, m, "?")
			assert.Regexp(t, `b +`+strings.TrimPrefix(label, "b "), m.View(), "the help lists it")
		})
	}
}

// Where the rules refuse it, b is refused before the question: a seat that
// may not act, a signer the unit is not under.
func TestSignOnBehalfRefusedBeforeTheQuestion(t *testing.T) {
	f := newFixture(t)
	_, _, cadre := villageDirective(t, f)
	why := model.NoOperator()
	m := villageRoom(t, f, model.NoSeat(duxi, why), "en", 120, 40, false)
	m = runLine(t, m, "directives")
	m = keys(t, m, "b")
	assert.False(t, m.q.active())
	assert.Contains(t, m.View(), "read-only")

	// Another village's cadre (the seat's person swapped under the room).
	all, err := f.db.People(context.Background(), model.PeopleFilter{Role: model.RoleVillageCadre})
	require.NoError(t, err)
	var other []model.Person
	for _, p := range all {
		if p.Node != duxi {
			other = append(other, p)
		}
	}
	require.NotEmpty(t, other)
	m = villageRoom(t, f, model.SeatOf(cadre), "en", 120, 40, false)
	m.seat.Person = other[0]
	m = runLine(t, m, "directives")
	m = keys(t, m, "b")
	assert.False(t, m.q.active(), "not under them: no question")
	assert.Contains(t, m.View(), "outside")
}

// A unit's own people do not sign on its behalf: on their own unit's row
// b asks them to sign for it as the unit itself (its wartime worker,
// another of its own roster: a second micro-grid worker stored at the
// unit), and the footer says b signs, not 代签; a household contact under
// it may act only within their household unit.
func TestSignOnBehalfRefusedToTheUnitsOwn(t *testing.T) {
	f := newFixture(t)
	_, units, cadre := villageDirective(t, f)
	first := units[0]
	ctx := context.Background()
	worker, err := f.db.Person(ctx, first.Worker)
	require.NoError(t, err)
	second, err := f.db.ImportPeople(ctx, []model.Person{{Name: "第二微网格员", Phone: "13800000002",
		Node: first.MicroGrid, Roles: []model.Role{model.RoleMicroGridWorker}}}, model.System, "test: a second worker")
	require.NoError(t, err)
	require.Len(t, second, 1)
	contacts, err := f.db.People(ctx, model.PeopleFilter{Node: first.MicroGrid, Role: model.RoleContactPerson})
	require.NoError(t, err)
	require.NotEmpty(t, contacts, "a household contact under %s", first.MicroGrid)
	name := "渎溪村 " + short(first.MicroGrid)
	for _, tc := range []struct {
		who  model.Person
		asks bool
		says string
	}{
		{worker, true, "sign for D-0001 逐户核查 as " + name + ", your own micro-grid?"},
		{second[0], true, "sign for D-0001 逐户核查 as " + name + ", your own micro-grid?"},
		{contacts[0], false, name + " is outside it"},
	} {
		m := villageRoom(t, f, model.SeatOf(cadre), "en", 120, 40, false)
		m.seat.Person = tc.who
		m = runLine(t, m, "directives")
		require.Equal(t, 0, m.dir.units.cursor)
		if tc.asks {
			assert.Contains(t, footer(m), "b sign for it", tc.who.Name)
		}
		m = keys(t, m, "b")
		assert.Equal(t, tc.asks, m.q.active(), "%s: asked", tc.who.Name)
		if tc.asks {
			assert.Contains(t, m.View(), tc.says, tc.who.Name)
			continue
		}
		assert.Contains(t, m.flash.text, tc.says, tc.who.Name)
	}
}

// The village room's directive pane fits every terminal, focused and not,
// with a unit signed on its behalf, and its question fits too.
func TestVillageRoomDirectivePaneFits(t *testing.T) {
	f := newFixture(t)
	d, units, cadre := villageDirective(t, f)
	_, err := f.db.SignDirective(context.Background(), d.ID, units[0].MicroGrid, cadre.ID)
	require.NoError(t, err)
	_, err = f.db.DirectiveProgress(context.Background(), d.ID, units[2].MicroGrid, 3, 9, units[2].Worker)
	require.NoError(t, err)
	for _, tm := range terminals() {
		for _, sc := range []struct {
			name string
			keys []string
		}{{"main", nil}, {"focused", []string{":", "d", "i", "r", "e", "c", "t", "i", "v", "e", "s", "enter", "j"}},
			{"question", []string{":", "d", "i", "r", "e", "c", "t", "i", "v", "e", "s", "enter", "j", "b"}}, {"help", []string{":", "d", "i", "r", "e", "c", "t", "i", "v", "e", "s", "enter", "?"}}} {
			t.Run(tm.name(sc.name), func(t *testing.T) {
				m := villageRoom(t, f, model.SeatOf(cadre), tm.lang, tm.w, tm.h, tm.wide)
				m = keys(t, m, sc.keys...)
				tm.check(t, m)
				if sc.name == "question" {
					assert.True(t, m.q.active(), "b asked")
				}
				if sc.name != "help" {
					at := units[0].MicroGrid
					if sc.name == "question" {
						at = units[1].MicroGrid
					}
					assert.NotEmpty(t, unitLine(m, at), fmt.Sprintf("%s: the cursor's row", sc.name))
				}
			})
		}
	}
}

// A micro-grid still silent when its silence climbs (wartime.sign_for) is
// red, as the town's village rows are; a signed one green.
func TestVillageRoomSilentUnitsTurnRed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, units, cadre := villageDirective(t, f)
	_, err := f.db.SignDirective(ctx, d.ID, units[0].MicroGrid, units[0].Worker)
	require.NoError(t, err)
	lights := func(m Model) map[model.Light]int {
		cur, ok := m.dir.current()
		require.True(t, ok)
		out := map[model.Light]int{}
		for _, c := range m.dir.unitCellsOf(cur) {
			out[c.light]++
		}
		return out
	}
	m := villageRoom(t, f, model.SeatOf(cadre), "zh", 120, 40, false)
	assert.Equal(t, map[model.Light]int{model.LightGreen: 1, model.LightNone: 10}, lights(m), "in time: not red yet")

	f.clock.Advance(10*time.Minute + time.Second)
	_, err = f.db.Sweep(ctx)
	require.NoError(t, err)
	m = update(t, m, loadWartime(f.db, m.scope)())
	assert.Equal(t, map[model.Light]int{model.LightGreen: 1, model.LightRed: 10}, lights(m), "silent past sign-for: red")
}

// The unit signed by its own worker between the question and y: the seat
// is told it had signed already, by whom, not that it signed on its behalf.
func TestSignOnBehalfAfterTheUnitSigned(t *testing.T) {
	f := newFixture(t)
	d, units, cadre := villageDirective(t, f)
	m := villageRoom(t, f, model.SeatOf(cadre), "en", 120, 40, false)
	m = runLine(t, m, "directives")
	u := units[1]
	m = keys(t, m, "j", "b")
	require.True(t, m.q.active())
	_, err := f.db.SignDirective(context.Background(), d.ID, u.MicroGrid, u.Worker)
	require.NoError(t, err)
	m = keys(t, m, "y")
	assert.Contains(t, m.flash.text, short(u.MicroGrid)+" had signed already at")
	assert.NotContains(t, m.flash.text, "on behalf")
}

// The events pane leaves out the units' own signatures (hundreds in
// wartime) but shows one made on a unit's behalf: a room's own act.
func TestTickerShowsSigningOnBehalf(t *testing.T) {
	own := model.Event{Seq: 1, Action: model.ActSign, Directive: "D-0001"}
	behalf := model.Event{Seq: 2, Action: model.ActSign, Directive: "D-0001", OnBehalf: true}
	progress := model.Event{Seq: 3, Action: model.ActProgress, Directive: "D-0001"}
	report := model.Event{Seq: 4, Action: model.ActReport}
	got := tickerEvents([]model.Event{own, behalf, progress, report})
	assert.Equal(t, []model.Event{behalf, report}, got)
}

// A signature's event reads once in English as in Chinese: "signed for
// after 0s (signed on behalf of 渎溪村 01-01 …)", not "signed for signed
// for D-0001 after 0s": the id column says the directive.
func TestSignatureEventSaysItOnce(t *testing.T) {
	f := newFixture(t)
	d, units, cadre := villageDirective(t, f)
	_, err := f.db.SignDirective(context.Background(), d.ID, units[0].MicroGrid, cadre.ID)
	require.NoError(t, err)
	evs, err := f.db.Events(context.Background(), 0, 1)
	require.NoError(t, err)
	require.Equal(t, model.ActSign, evs[0].Action)
	for lang, want := range map[string]string{"en": "signed for after 0s (signed on behalf of 渎溪村 01-01", "zh": "签收指令 用时 0s（"} {
		got := describe(labels(lang), evs[0], unicodeGlyphs)
		assert.True(t, strings.HasPrefix(got, want), "%s: %s", lang, got)
		assert.NotContains(t, got, d.ID, lang)
	}
}

// A village room's W does not end the town's wartime: refused before the
// question, naming where the wartime reaches; its own village's it ends.
func TestVillageRoomDoesNotEndTheTownsWartime(t *testing.T) {
	f := newFixture(t)
	_, _, cadre := villageDirective(t, f) // the town's wartime
	m := villageRoom(t, f, model.SeatOf(cadre), "en", 120, 40, false)
	m = keys(t, m, "W")
	assert.False(t, m.q.active(), "no question")
	assert.Contains(t, m.flash.text, "may act only within 渎溪村; W-0001 covers the whole town: the room above ends it")

	_, err := f.db.Deactivate(context.Background(), "", f.operator(t))
	require.NoError(t, err)
	_, err = f.db.Activate(context.Background(), model.ReasonFlood, []model.NodeCode{duxi}, false, "", cadre.ID)
	require.NoError(t, err)
	m = villageRoom(t, f, model.SeatOf(cadre), "en", 120, 40, false)
	m = keys(t, m, "W")
	require.True(t, m.q.active(), "its own village's: asked")
	m = keys(t, m, "y")
	m = update(t, m, loadWartime(f.db, m.scope)())
	st, err := f.db.WartimeStatus(context.Background(), "")
	require.NoError(t, err)
	assert.False(t, st.Active.Active())
}

// A resend's and a wartime's end read once in English too: "resent to 11
// micro-grids …", "wartime ended after …", not "resent D-0001 resent to"
// nor "wartime ended W-0001 ended after".
func TestWartimeEventsSayItOnce(t *testing.T) {
	f := newFixture(t)
	d, _, _ := villageDirective(t, f)
	ctx := context.Background()
	_, err := f.db.ResendDirective(ctx, d.ID, "", f.operator(t))
	require.NoError(t, err)
	_, err = f.db.Deactivate(ctx, "", f.operator(t))
	require.NoError(t, err)
	evs, err := f.db.Events(ctx, 0, 2)
	require.NoError(t, err)
	require.Equal(t, []model.Action{model.ActDeactivate, model.ActResend}, []model.Action{evs[0].Action, evs[1].Action})
	ended, resent := describe(labels("en"), evs[0], unicodeGlyphs), describe(labels("en"), evs[1], unicodeGlyphs)
	assert.True(t, strings.HasPrefix(ended, "wartime ended after "), ended)
	assert.True(t, strings.HasPrefix(resent, "resent to 11 micro-grids"), resent)
	for _, got := range []string{ended, resent} {
		assert.NotContains(t, got, "W-0001")
		assert.NotContains(t, got, d.ID)
	}
	zh := describe(labels("zh"), evs[0], unicodeGlyphs)
	assert.True(t, strings.HasPrefix(zh, "结束战时 "), zh)
}
