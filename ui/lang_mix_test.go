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

// The hint of :gaps names the keys as the console names them elsewhere
// (the replay's ←/→), not English words in the Chinese line (a QA saw
// "left/right 选择储备力量").
func TestGapsHintNamesTheArrows(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		m, _ := wartimeModel(t, newFixture(t), lang, 120, 40)
		m = runLine(t, m, "gaps")
		require.Equal(t, overlayGaps, m.overlay)
		view := m.View()
		assert.Contains(t, view, m.say("←/→ choose the reserve", "←/→ 选择储备力量"), lang)
		assert.NotContains(t, view, "left/right", lang)
	}
}

// :checkin names the room it checked in by its name, not its code (a QA
// saw 330784114266 已报到).
func TestCheckInNamesTheRoom(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		m := newFixture(t).model(t, lang, 120, 40)
		m = runLine(t, m, "checkin")
		assert.Equal(t, m.say("花街镇 checked in", "花街镇 已报到"), strings.TrimSpace(footerLine(m)), lang)

		f := newFixture(t)
		_, _, cadre := villageDirective(t, f)
		m = villageRoom(t, f, model.SeatOf(cadre), lang, 120, 40, false)
		m = runLine(t, m, "checkin")
		assert.Equal(t, m.say("渎溪村 checked in", "渎溪村 已报到"), strings.TrimSpace(footerLine(m)), lang)
	}
}

// The after-action summary names the wartime's scope in a village's seat
// too, which holds no node above its village (a QA saw W-0002 防台
// 330784114).
func TestAfterActionNamesTheScopeInAVillagesSeat(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		_, _, cadre := villageDirective(t, f)
		st, err := f.db.WartimeStatus(context.Background(), huajie)
		require.NoError(t, err)
		_, err = f.db.Deactivate(context.Background(), st.Active.ID, f.operator(t))
		require.NoError(t, err)
		m := villageRoom(t, f, model.SeatOf(cadre), lang, 120, 40, false)
		m = runLine(t, m, "after")
		require.Equal(t, overlayAfter, m.overlay, lang)
		assert.Contains(t, m.View(), st.Active.ID+"  "+m.wl.Reason[model.ReasonTyphoon]+"  花街镇 330784114", lang)
	}
}

// The county room's wartime form names the scope it proposes, the room's
// own division or the town chosen in the tower, and reads it back (a QA
// saw 330784114 in the form).
func TestCountyRoomWartimeFormNamesTheScope(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	for _, lang := range []string{"zh", "en"} {
		m := countyRoom(t, f, seat, lang, 120, 40)
		q := keys(t, m, "W")
		require.True(t, q.formActive, lang)
		assert.Equal(t, "永康市", q.form.values()["scope"], lang)
		q = keys(t, q, "enter", "enter", "enter", "enter")
		require.True(t, q.q.active(), "%s: asked, not refused: %s", lang, q.form.err)
		assert.Contains(t, q.View(), "14", lang)

		for i := 0; m.focus != paneTower && i < int(paneCount); i++ {
			m = keys(t, m, "tab")
		}
		m = keys(t, m, "g")
		for i := 0; m.tower.selected() != huajie && i < 20; i++ {
			m = keys(t, m, "j")
		}
		require.Equal(t, huajie, m.tower.selected())
		q = keys(t, m, "W")
		require.True(t, q.formActive, lang)
		assert.Equal(t, "花街镇", q.form.values()["scope"], lang)
		q = keys(t, q, "enter", "enter", "enter", "enter")
		require.True(t, q.q.active(), "%s: asked, not refused: %s", lang, q.form.err)
		assert.Contains(t, q.View(), "花街镇", lang)
	}
}

// The town's events pane, which shows no node, says which village's
// micro-grids were silent when a directive's units climb (a QA saw
// "D-0002 escalated 9 micro-grids silent → village room" not saying where).
func TestSilentUnitsEventNamesTheVillage(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		d, _, _ := villageDirective(t, f)
		f.clock.Advance(10*time.Minute + time.Second)
		_, err := f.db.Sweep(context.Background())
		require.NoError(t, err)
		m := f.model(t, lang, 120, 40)
		line := ""
		for _, l := range strings.Split(m.View(), "\n") {
			if strings.Contains(l, briefID(d.ID, m.p.g.More)) && strings.Contains(l, m.p.lab.Action[model.ActEscalate]) {
				line = l
			}
		}
		assert.Contains(t, line, m.say("escalated 渎溪村: 11 micro-grids silent", "升级 渎溪村：11 个微网格未签收"), lang)
	}
}

// The county room's header and wartime chain, in wartime over one of its
// towns, name that town, as the town's header names part of the town (a
// QA saw 永康市 战时 防台 自 03:39, as if the whole county were in
// wartime): at 80 columns too.
func TestCountyRoomNamesTheTownInWartime(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	_, err := f.db.ActivateTowns(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", seat.Person.ID)
	require.NoError(t, err)
	for _, tm := range terminals([2]int{80, 24}, [2]int{120, 40}) {
		t.Run(tm.name("header"), func(t *testing.T) {
			m := tm.console(t, f, func(o *Options) { o.Seat = seat })
			m = update(t, m, loadWartime(f.db, m.scope)())
			require.True(t, m.wt.active(), "one town in wartime: the chain is its")
			assert.Contains(t, headerOf(m), m.say(" WARTIME typhoon 花街镇 ", " 战时 防台 花街镇 "))
			assert.Contains(t, strings.Split(m.View(), "\n")[1], "花街镇", "the chain's title names the town")
			tm.check(t, m)
		})
	}
}

// A console given no language ("") speaks Chinese throughout, the
// console's default, as its words (labels) and say do: every key's help,
// every pane's words. The key maps, the directive pane's own-unit keys
// and nine other panes read "" as English, so its help mixed the two.
func TestNoLanguageIsChinese(t *testing.T) {
	c := &common{p: painter{lab: labels("")}}
	for _, lang := range []string{"", "zh"} {
		assert.Equal(t, "zh", labels(lang).Lang)
		assert.Equal(t, "中", sayIn(lang, "en", "中"))
	}
	type made struct {
		of string
		v  any
	}
	in := func(lang string) []made {
		var f form
		return []made{
			{"NewKeyMap", NewKeyMap(lang)}, {"newDirectiveKeys", newDirectiveKeys(lang)}, {"newOwnUnitKeys", newOwnUnitKeys(lang)},
			{"newDeskKeys", newDeskKeys(lang)}, {"newGapsKeys", newGapsKeys(lang)}, {"newPointsKeys", newPointsKeys(lang)},
			{"newPointsLabels", newPointsLabels(lang)}, {"newReplayKeys", newReplayKeys(lang)}, {"wartimeLabels", wartimeLabels(lang)},
			{"newFormKeys", newFormKeys(lang, "←/→")}, {"patrolActions", patrolActions(lang)}, {"patrolLabels", patrolLabels(lang)},
			{"kindName", kindName(lang, model.KindForest)}, {"parkedHint", f.parkedHint(lang)},
			{"newHandoverPane", newHandoverPane(c, lang).keys},
		}
	}
	zh, none := in("zh"), in("")
	for i := range zh {
		assert.Equal(t, zh[i].v, none[i].v, "%s(\"\") is %s(\"zh\")", zh[i].of, zh[i].of)
	}

	// The whole console: its help, as "zh" draws it.
	f := newFixture(t)
	want := keys(t, f.model(t, "zh", 120, 40), "?").View()
	assert.Equal(t, want, keys(t, f.model(t, "", 120, 40), "?").View())
}
