package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// shangjing is 上京岭村, a village of 花街镇 beside 渎溪村.
const shangjing model.NodeCode = "330784114262"

// A village seat lists only the directives that reach its micro-grids,
// opens on the newest of those, and the town room sees them all (a
// 渎溪村 seat opened on D-0002 to 上京岭村, an empty table, 1/2).
func TestVillageSeatListsItsOwnDirectives(t *testing.T) {
	f := newFixture(t)
	d1, _, cadre := villageDirective(t, f)
	d2, _, err := f.db.IssueDirective(context.Background(), "转移低洼户", []model.NodeCode{shangjing}, 90*time.Minute, f.operator(t), false)
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		m := villageRoom(t, f, model.SeatOf(cadre), lang, 120, 40, false)
		require.Len(t, m.wt.directives, 1, "only the directive to 渎溪村")
		cur, ok := m.dir.current()
		require.True(t, ok)
		assert.Equal(t, d1.ID, cur.d.ID, "opens on its own directive")
		view := m.View()
		assert.NotContains(t, view, "转移低洼户")
		assert.Contains(t, view, "1/1")
		checkScreen(t, m, 120, 40, false)
	}
	town := villageRoom(t, f, f.seat(t), "en", 120, 40, false)
	require.Len(t, town.wt.directives, 2, "the town room sees all")
	cur, _ := town.dir.current()
	assert.Equal(t, d2.ID, cur.d.ID, "the newest")
}

// resent is how many times each of directive id's units was resent.
func resent(t *testing.T, f fixture, id string) int {
	_, units, err := f.db.Directive(context.Background(), id)
	require.NoError(t, err)
	n := 0
	for _, u := range units {
		n += u.Resends
	}
	return n
}

// R in a village seat resends within the village: on a directive to the
// town it asks naming the village, its silent units and how many lie
// beyond (the room above's), and resends to its own alone; it never claims
// every unit signed about units it cannot see.
func TestVillageSeatResendsOnlyWithinItsScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d1, units, cadre := villageDirective(t, f)
	for _, lang := range []string{"zh", "en"} {
		m := villageRoom(t, f, model.SeatOf(cadre), lang, 120, 40, false)
		m = keys(t, m, "R")
		require.True(t, m.q.active(), "%s: its own directive: R asks", lang)
		assert.Contains(t, m.View(), map[string]string{"zh": "向渎溪村的 11 个未签收微网格", "en": "to the 11 silent micro-grids of 渎溪村?"}[lang])
		assert.NotContains(t, m.View(), map[string]string{"zh": "以外另有", "en": "outside it"}[lang], "none beyond")
		m = keys(t, m, "n")
	}
	assert.Zero(t, resent(t, f, d1.ID))

	town, _, err := f.db.IssueDirective(ctx, "全镇排查", []model.NodeCode{huajie}, time.Hour, f.operator(t), false)
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		m := villageRoom(t, f, model.SeatOf(cadre), lang, 120, 40, false)
		cur, _ := m.dir.current()
		require.Equal(t, town.ID, cur.d.ID)
		m = keys(t, m, "R")
		require.True(t, m.q.active(), "%s: silent units beyond the village: R asks for its own", lang)
		view := m.View()
		assert.Contains(t, view, map[string]string{
			"zh": "向渎溪村的 11 个未签收微网格重发 D-0002 全镇排查？（渎溪村以外另有 221 个，由上级指挥室重发）",
			"en": "resend D-0002 全镇排查 to the 11 silent micro-grids of 渎溪村? (221 more outside it: the room above's)"}[lang])
		checkScreen(t, m, 120, 40, false)
		if lang == "zh" {
			m = keys(t, m, "n")
			continue
		}
		m = keys(t, m, "y")
		assert.Contains(t, m.View(), "D-0002 resent to 11 silent micro-grids")
	}
	_, all, err := f.db.Directive(ctx, town.ID)
	require.NoError(t, err)
	for _, u := range all {
		want := 0
		if u.Unit.Village() == duxi {
			want = 1
		}
		require.Equal(t, want, u.Resends, "%s: the village's own units alone", u.Unit)
	}
	evs, err := f.db.Events(ctx, 0, 1)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, model.ActResend, evs[0].Action)
	assert.Equal(t, duxi, evs[0].Node, "the village room's own act")

	// Every micro-grid of 渎溪村 signed, the town's others silent: not
	// "every unit has signed".
	for _, u := range units {
		_, err := f.db.SignDirective(ctx, town.ID, u.MicroGrid, cadre.ID)
		require.NoError(t, err)
	}
	for _, lang := range []string{"zh", "en"} {
		m := villageRoom(t, f, model.SeatOf(cadre), lang, 120, 40, false)
		m = keys(t, m, "R")
		assert.False(t, m.q.active())
		view := m.View()
		assert.NotContains(t, view, "every unit has signed")
		assert.NotContains(t, view, "所有单元均已签收")
		assert.Contains(t, view, map[string]string{"zh": "渎溪村的微网格均已签收", "en": "every micro-grid of 渎溪村 has signed"}[lang])
	}
	assert.Equal(t, 11, resent(t, f, town.ID), "nothing more resent")
}

// huajieJuwei is 花街居委会, a village of 花街镇 in the demo.
func huajieJuwei(t *testing.T, m Model) model.NodeCode {
	for c, n := range m.w.names {
		if n == "花街居委会" && c.Level() == model.LevelVillage {
			return c
		}
	}
	t.Fatal("no 花街居委会")
	return ""
}

// The county room's directive pane names each micro-grid as the town
// seat does (its rows had an empty unit column: the county room holds no
// micro-grid's name), and b's question names the unit.
func TestCountyRoomNamesTheUnits(t *testing.T) {
	f := yongkangFixture(t)
	ctx := context.Background()
	town := f.model(t, "zh", 120, 40)
	juwei := huajieJuwei(t, town)
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{juwei}, false, "", f.operator(t))
	require.NoError(t, err)
	d, units, err := f.db.IssueDirective(ctx, "逐户核查", []model.NodeCode{juwei}, 2*time.Hour, f.operator(t), false)
	require.NoError(t, err)
	first := units[0].Unit
	seat := countySeat(t, f)
	for _, lang := range []string{"zh", "en"} {
		m := countyRoom(t, f, seat, lang, 120, 40)
		m = runLine(t, m, "directives")
		cur, ok := m.dir.current()
		require.True(t, ok, lang)
		require.Equal(t, d.ID, cur.d.ID)
		line := unitLine(m, first)
		require.NotEmpty(t, line, "%s: the unit named\n%s", lang, m.View())
		checkScreen(t, m, 120, 40, false)
		m = keys(t, m, "b")
		require.True(t, m.q.active(), lang)
		assert.Contains(t, m.View(), "花街居委会 "+short(first), "%s: the question names the unit", lang)
		checkScreen(t, m, 120, 40, false)
	}
}

// b on a gap names it once: 上京岭村 01-03（空缺）, not （(空缺)）.
func TestSignOnBehalfNamesAGapOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	_, _, err = f.db.IssueDirective(ctx, "转移低洼户", []model.NodeCode{shangjing}, 90*time.Minute, f.operator(t), false)
	require.NoError(t, err)
	st, err := f.db.WartimeStatus(ctx, shangjing)
	require.NoError(t, err)
	var units []model.NodeCode
	gap := -1
	for _, u := range st.Units {
		if u.MicroGrid.Village() == shangjing {
			if u.Worker == 0 && gap < 0 {
				gap = len(units)
			}
			units = append(units, u.MicroGrid)
		}
	}
	require.GreaterOrEqual(t, gap, 0, "上京岭村 has a gap")
	for _, lang := range []string{"zh", "en"} {
		m := villageRoom(t, f, f.seat(t), lang, 120, 40, false)
		m = runLine(t, m, "directives")
		cur, _ := m.dir.current()
		require.Equal(t, units, func() (out []model.NodeCode) {
			for _, u := range cur.units {
				out = append(out, u.Unit)
			}
			return out
		}())
		for range gap {
			m = keys(t, m, "j")
		}
		m = keys(t, m, "b")
		require.True(t, m.q.active())
		want := map[string]string{"zh": "上京岭村 " + short(units[gap]) + "（空缺）", "en": "上京岭村 " + short(units[gap]) + " (gap)"}[lang]
		view := m.View()
		assert.Contains(t, view, want)
		assert.NotContains(t, view, "（(")
		assert.NotContains(t, view, "((")
		checkScreen(t, m, 120, 40, false)
	}
}

// Every phone in the micro-grids' rows is whole on every terminal once a
// unit is signed on its behalf (English 80x24 cut them: "03:10 on behalf"
// took the room, 杨坤 19991765…); the row still marks the signature.
func TestVillageRoomPhonesWholeWhenSignedOnBehalf(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d, units, cadre := villageDirective(t, f)
	_, err := f.db.SignDirective(ctx, d.ID, units[0].MicroGrid, cadre.ID)
	require.NoError(t, err)
	phones := map[model.NodeCode]string{}
	for _, u := range units {
		if u.Worker != 0 {
			p, err := f.db.Person(ctx, u.Worker)
			require.NoError(t, err)
			phones[u.MicroGrid] = p.Phone
		}
	}
	for _, tm := range terminals() {
		t.Run(tm.name("rows"), func(t *testing.T) {
			m := villageRoom(t, f, model.SeatOf(cadre), tm.lang, tm.w, tm.h, tm.wide)
			m = runLine(t, m, "directives")
			shown := 0
			for _, u := range units {
				line := unitLine(m, u.MicroGrid)
				if line == "" {
					continue
				}
				shown++
				assert.Contains(t, line, phones[u.MicroGrid], "%s: the phone whole", u.MicroGrid)
			}
			assert.GreaterOrEqual(t, shown, 2)
			assert.Contains(t, unitLine(m, units[0].MicroGrid), m.wl.OnBehalf, "marked signed on its behalf")
			tm.check(t, m)
		})
	}
}

// The worker's cell, when it must give way, cuts the name before the
// phone.
func TestWorkerCellKeepsThePhone(t *testing.T) {
	p := &demoConsole(t, "en", 80, 24).common.p
	assert.Equal(t, "李… 18847036461", strings.TrimRight(p.fitWorker("李斌锋 18847036461", 15), " "))
	assert.Equal(t, "李斌锋 18847036461  ", p.fitWorker("李斌锋 18847036461", 20))
	assert.Equal(t, 8, p.w.Of(p.fitWorker("李斌锋 18847036461", 8)), "too narrow for the phone: cut")
	assert.Equal(t, "(gap)", strings.TrimRight(p.fitWorker("(gap)", 8), " "))
}
