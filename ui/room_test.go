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

// countyRoom is the console of the county's duty officer on f, with its
// wartime read.
func countyRoom(t *testing.T, f fixture, seat model.Seat, lang string, w, h int) Model {
	t.Helper()
	opt := f.options(t, lang)
	opt.Seat = seat
	m := loaded(t, f.db, opt, w, h)
	require.NoError(t, m.loadErr)
	return update(t, m, loadWartime(f.db, m.scope)())
}

// The county room's wartime chain of its one town in wartime counts who
// staffs the town's rooms as the town's own room does (1 of 1, 27 of 27):
// the county room holds none of the town's people, so the store counts
// them (WartimeStatus.Rooms), once showing 0 on duty.
func TestCountyRoomChainStaffsTheTownsRooms(t *testing.T) {
	f := yongkangFixture(t)
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	town := f.model(t, "en", 120, 40)
	town = update(t, town, loadWartime(f.db, town.scope)())
	require.True(t, town.wt.active())
	assert.Equal(t, 1, town.wtc.fig.rows[0].staffed)
	assert.Equal(t, 27, town.wtc.fig.rows[1].staffed, "the demo's 27 cadres are on duty")

	county := countyRoom(t, f, countySeat(t, f), "en", 120, 40)
	require.True(t, county.wt.active(), "one town in wartime: the chain is its")
	for i := range 3 {
		assert.Equal(t, town.wtc.fig.rows[i].units, county.wtc.fig.rows[i].units, "row %d", i)
		assert.Equal(t, town.wtc.fig.rows[i].staffed, county.wtc.fig.rows[i].staffed, "row %d", i)
	}
	view := county.View()
	assert.Regexp(t, `town room +1 +1 `, view)
	assert.Regexp(t, `(village rooms|villages) +27 +27 `, view, "whole words at the pane's width")
	assert.NotContains(t, view, "village ro…")

	// A village's seat counts its own village room.
	duxiCadre, err := f.db.People(context.Background(), model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
	require.NoError(t, err)
	require.NotEmpty(t, duxiCadre)
	opt := f.options(t, "en")
	opt.Seat = model.SeatOf(duxiCadre[0])
	village := loaded(t, f.db, opt, 120, 40)
	village = update(t, village, loadWartime(f.db, village.scope)())
	assert.Equal(t, 1, village.wtc.fig.rows[0].staffed, "the town room above it is staffed")
	assert.Equal(t, [2]int{1, 1}, [2]int{village.wtc.fig.rows[1].units, village.wtc.fig.rows[1].staffed}, "its own village room")
}

// Rooms nobody counted (a replay's earlier activation) read — in both
// languages, never 0.
func TestChainSaysWhatItCannotKnow(t *testing.T) {
	f := newFixture(t)
	a, err := f.db.Activate(context.Background(), model.ReasonFlood, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		m := f.model(t, lang, 120, 40)
		m.wt = wartime{status: model.WartimeStatus{Active: a}}
		m.wartimeTurned()
		m.tell(m.wtc, countMsg{})
		unknown := regexp.MustCompile(`(town room|town|village rooms|villages|镇指挥室|村指挥室) +[0-9]+ +— `)
		assert.Len(t, unknown.FindAllString(m.View(), -1), 2, lang)
		checkScreen(t, m, 120, 40, false)
	}
}

// At 80 columns the chain's rows take their short words whole (villages,
// not village ro…); at 120 the long ones fit.
func TestChainLabelsAreWholeWords(t *testing.T) {
	f := newFixture(t)
	_, err := f.db.Activate(context.Background(), model.ReasonFlood, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	for _, w := range []int{80, 120} {
		m := f.model(t, "en", w, 40)
		m = update(t, m, loadWartime(f.db, m.scope)())
		view := m.View()
		if w == 80 {
			assert.Regexp(t, `│ town +1 +1 `, view)
			assert.Regexp(t, `│ villages +27 +27 `, view)
		} else {
			assert.Regexp(t, `│ town room +1 +1 `, view)
			assert.Regexp(t, `│ village rooms +27 +27 `, view)
		}
		checkScreen(t, m, w, 40, false)
	}
}

// townNames are the towns of the table in its order.
func townNames(m Model) []string {
	var out []string
	for _, r := range m.towns.rows() {
		out = append(out, r.town.Name)
	}
	return out
}

// The towns table puts the towns that need the room first — in wartime,
// then by red, then by open incidents — and the others after them in code
// order (花街镇, the only town with incidents, was row 13 of 14); the
// cursor stays on its town as the order changes, and enter opens that town.
func TestTownsTableNeedsFirst(t *testing.T) {
	f := yongkangFixture(t)
	ctx := context.Background()
	m := countyRoom(t, f, countySeat(t, f), "zh", 120, 40)
	codeOrder := func(names []string) {
		t.Helper()
		codes := map[string]model.NodeCode{}
		for _, n := range m.roomTowns() {
			codes[n.Name] = n.Code
		}
		for i := 1; i < len(names); i++ {
			assert.Less(t, codes[names[i-1]], codes[names[i]], "quiet towns in code order: %v", names)
		}
	}
	_ = m.View() // the runtime draws after each message: the cursor takes its town
	names := townNames(m)
	require.Len(t, names, 14)
	assert.Equal(t, "花街镇", names[0], "the town with incidents first")
	codeOrder(names[1:])
	assert.Equal(t, 0, m.towns.cursor, "the cursor on the first row")
	assert.Empty(t, m.towns.sel, "no town chosen yet")

	// 芝英镇 goes to wartime: it comes first, before the town with red
	// incidents; the cursor, no town chosen, stays on the first row.
	zhiying := model.NodeCode("330784115")
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{zhiying}, true, "", m.seat.Person.ID)
	require.NoError(t, err)
	m = update(t, m, loadWartime(f.db, m.scope)())
	_ = m.View()
	names = townNames(m)
	assert.Equal(t, []string{"芝英镇", "花街镇"}, names[:2])
	codeOrder(names[2:])
	assert.Equal(t, 0, m.towns.cursor, "on the town most in need")
	assert.Regexp(t, `▌芝英镇 `, m.View())

	// The officer moves to 东城街道; a report in 西城街道 puts it above: the
	// cursor stays on 东城街道, a row lower.
	m = keys(t, m, "j", "j")
	require.Equal(t, dongcheng, m.towns.sel)
	require.Equal(t, 2, m.towns.cursor)
	xicheng := model.NodeCode("330784002")
	kids := m.w.tower.Nodes[xicheng].Children
	require.NotEmpty(t, kids)
	_, err = f.db.Report(ctx, model.Report{Node: kids[0], Category: "traffic", Severity: model.SeverityIII,
		Title: "西城路面塌陷", Reporter: m.seat.Person.ID})
	require.NoError(t, err)
	m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
	_ = m.View()
	names = townNames(m)
	assert.Equal(t, []string{"芝英镇", "花街镇", "西城街道", "东城街道"}, names[:4])
	assert.Equal(t, dongcheng, m.towns.sel)
	assert.Equal(t, 3, m.towns.cursor, "the cursor followed its town")
	assert.Regexp(t, `▌东城街道 `, m.View())
	m = keys(t, m, "enter")
	assert.Equal(t, dongcheng, m.seat.Town, "enter opens the town under the cursor")
}

// The towns table has the rows the screen has: every town of the county
// from 36 rows, in wartime from 40 and 10 of 14 at 36 (it showed 6 of 14
// at 40 rows and 5 at 36).
func TestTownsTableHeight(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	shown := func(m Model) int {
		t.Helper()
		n := 0
		for _, tn := range m.roomTowns() {
			if regexp.MustCompile(`│[ ▌]` + tn.Name + ` `).MatchString(m.View()) {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		w, h, peace, war int
	}{{80, 24, 5, 0}, {100, 36, 14, 10}, {120, 40, 14, 14}, {200, 60, 14, 14}} {
		m := countyRoom(t, f, seat, "en", c.w, c.h)
		assert.Equal(t, c.peace, shown(m), "peacetime %dx%d", c.w, c.h)
		checkScreen(t, m, c.w, c.h, false)
	}
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, true, "", f.operator(t))
	require.NoError(t, err)
	for _, c := range []struct {
		w, h, peace, war int
	}{{80, 24, 5, 0}, {100, 36, 14, 10}, {120, 40, 14, 14}, {200, 60, 14, 14}} {
		m := countyRoom(t, f, seat, "en", c.w, c.h)
		require.True(t, m.wt.active())
		assert.Equal(t, c.war, shown(m), "wartime %dx%d", c.w, c.h)
		checkScreen(t, m, c.w, c.h, false)
	}
}

// Every header of the towns table is whole at 80, 120 and 200 columns, in
// both languages, with federation and without (升级/时 read 升级/ at 120).
func TestTownsTableHeadersFit(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	cut := model.FedLink{Role: "hub", Town: dongcheng, Pending: 3412, LastAckSeq: 7, LagSeconds: 760, CutSince: base.Add(-12 * time.Minute)}
	up := model.FedLink{Role: "hub", Town: huajie, Connected: true, LastAckSeq: 812, LagSeconds: 3.4}
	for _, lang := range []string{"zh", "en"} {
		lab := labels(lang)
		for _, fed := range []bool{false, true} {
			for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
				name := fmt.Sprintf("%s/fed=%v/%dx%d", lang, fed, sz[0], sz[1])
				opt := f.options(t, lang)
				opt.Seat = county
				if fed {
					opt = fedOptions(opt, linksOf(cut, up))
				}
				m := loaded(t, f.db, opt, sz[0], sz[1])
				checkScreen(t, m, sz[0], sz[1], false)
				var head string
				for _, l := range strings.Split(m.View(), "\n") {
					if strings.Contains(l, " "+lab.ColTown+" ") && strings.Contains(l, lab.Open) {
						head = l
						break
					}
				}
				require.NotEmpty(t, head, name)
				heads := []string{lab.Open, lab.Red, lab.ColWartime}
				if fed {
					heads = append(heads, lab.ColBehind, lab.ColLink)
				}
				if sz[0] >= 120 {
					heads = append(heads, lab.EscPerHour, lab.ColPassOn)
				}
				for _, h := range heads {
					assert.Regexp(t, ` `+regexp.QuoteMeta(h)+`( |│)`, head, "%s: %q whole", name, h)
				}
				assert.NotContains(t, head, "…", name)
				// The rows' names are whole too.
				assert.Regexp(t, `[ ▌]东城街道 `, m.View(), name)
			}
		}
	}
}

// The table does not scroll the towns in need off the top as the order
// changes under a cursor the officer moved down: the window stays, and a
// chosen town pushed out of it gives the cursor to the town now under it,
// so that enter never opens a town the officer cannot see.
func TestTownsTableKeepsItsWindow(t *testing.T) {
	f := yongkangFixture(t)
	m := countyRoom(t, f, countySeat(t, f), "zh", 80, 24)
	_ = m.View()
	h := m.towns.height
	require.Less(t, h, 14, "fewer rows than towns")
	for range h - 1 {
		m = keys(t, m, "j")
	}
	require.Equal(t, h-1, m.towns.cursor)
	chosen := m.towns.sel
	rows := m.towns.rows()
	below := rows[len(rows)-1].town.Code // a quiet town off the window
	kids := m.w.tower.Nodes[below].Children
	require.NotEmpty(t, kids)
	_, err := f.db.Report(context.Background(), model.Report{Node: kids[0], Category: "traffic", Severity: model.SeverityIII,
		Title: "路面塌陷", Reporter: m.seat.Person.ID})
	require.NoError(t, err)
	m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
	view := m.View()
	assert.Zero(t, m.towns.offset, "the window stays at the top")
	assert.Contains(t, view, "花街镇", "the town in need still drawn")
	assert.Equal(t, h-1, m.towns.cursor, "the cursor keeps its row")
	rows = m.towns.rows()
	assert.NotEqual(t, chosen, m.towns.sel, "the chosen town left the window")
	assert.Equal(t, rows[h-1].town.Code, m.towns.sel, "enter opens the town under the cursor")
	checkScreen(t, m, 80, 24, false)
}

// In the county room W acts on the town selected in the tower: a town in
// wartime is asked to end it, a town in peacetime gets the form; with the
// tower on the county, as the room opens, and towns in wartime, W asks to
// end them all, and does.
func TestCountyRoomWartimeKeyEnds(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	acts, err := f.db.ActivateTowns(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie, dongcheng}, false, "", seat.Person.ID)
	require.NoError(t, err)
	require.Len(t, acts, 2)
	idOf := map[model.NodeCode]string{}
	for _, a := range acts {
		idOf[a.Scope[0]] = a.ID
	}
	onTower := func(m Model, node model.NodeCode) Model { return towerOn(t, m, node) }
	for _, lang := range []string{"zh", "en"} {
		m := countyRoom(t, f, seat, lang, 120, 40)
		require.Len(t, m.wt.status.Towns, 2, lang)
		// As the room opens (the towns table focused, the tower on the
		// county): every town's.
		require.Equal(t, yongkang, m.tower.selected(), lang)
		q := keys(t, m, "W")
		require.False(t, q.formActive, "%s: no form: the towns in wartime are asked to end", lang)
		assert.Contains(t, q.View(), q.say("end wartime in all 2 towns of the room", "结束本室全部 2 个镇街的战时"), lang)
		// The tower on 花街镇: its wartime alone.
		endHuajie := q.say("end wartime "+idOf[huajie]+" in 花街镇", "结束花街镇的战时 "+idOf[huajie])
		q = keys(t, onTower(m, huajie), "W")
		assert.Contains(t, q.View(), endHuajie, lang)
		// A village of 花街镇 (the tower opened on it): still its town's
		// wartime, never every town's.
		vm := keys(t, onTower(m, huajie), "l")
		for i := 0; vm.tower.selected().Level() != model.LevelVillage && i < 5; i++ {
			vm = keys(t, vm, "j")
		}
		require.Equal(t, huajie, vm.tower.selected().Town(), lang)
		require.Equal(t, model.LevelVillage, vm.tower.selected().Level(), lang)
		q = keys(t, vm, "W")
		assert.Contains(t, q.View(), endHuajie, "%s: a village selected ends its town's wartime alone", lang)
		// A town in peacetime: the form, for that town.
		on := onTower(m, "330784003") // 江南街道
		q = keys(t, on, "W")
		require.True(t, q.formActive, lang)
		assert.Equal(t, "江南街道", q.form.fields[1].value(), "%s: the form's scope is the town chosen, by its name", lang)
	}
	m := countyRoom(t, f, seat, "en", 120, 40)
	m = keys(t, m, "W", "y")
	assert.Empty(t, m.wt.status.Towns, "both ended")
	assert.Contains(t, m.View(), "wartime ended in 2 towns")

	// One refused among them: what was done is still said beside it.
	mm, _ := m.onDeactivatedTowns(deactivatedTownsMsg{ended: 2, queued: []string{"花街镇"},
		err: model.Errorf(model.ECONFLICT, "no wartime is active").Zh("当前没有战时状态")})
	assert.Equal(t, "wartime ended in 2 towns; sent to 1 towns to end: 花街镇; no wartime is active", mm.(Model).flash.text)
	assert.True(t, mm.(Model).flash.err)
}

// In the county room d's target is where the tower is, or the town in
// wartime, never "全镇" (the room has no town of its own: it was refused).
func TestCountyRoomDirectiveTarget(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	_, err := f.db.ActivateTowns(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", seat.Person.ID)
	require.NoError(t, err)
	m := countyRoom(t, f, seat, "zh", 120, 40)
	require.True(t, m.wt.active())
	q := keys(t, m, "d")
	require.True(t, q.formActive)
	assert.Equal(t, "花街镇", q.form.values()["to"], "by its name (a QA saw 330784114)")
	q = typeText(t, q, "转移低洼户")
	q = keys(t, q, "enter", "enter", "enter")
	assert.True(t, q.q.active(), "the dry run's question, not a refusal: %s", q.form.err)
}

// The county room's queue holds the town tier and above, and red: empty,
// it does not say there is nothing open while its header counts what waits
// below the town tier (a QA: 'no open incidents' beside 'open 2'), but
// how many wait below, in the room and in a tower scope.
func TestCountyQueueSaysWhatWaitsBelow(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	for _, lang := range []string{"en", "zh"} {
		m := countyRoom(t, f, seat, lang, 120, 40)
		// A village whose open incidents all wait below the town tier,
		// none red.
		below := map[model.NodeCode]int{}
		queued := map[model.NodeCode]bool{}
		for _, inc := range m.w.incs {
			v := inc.Node.Village()
			if !inc.Status.Open() {
				continue
			}
			if roomQueue(inc, m.now) {
				queued[v] = true
			} else {
				below[v]++
			}
		}
		var village model.NodeCode
		for v, n := range below {
			if n > 0 && !queued[v] && (village == "" || v < village) {
				village = v
			}
		}
		require.NotEmpty(t, village, "the demo has a village with only low incidents")
		m.tell(m.queue, scopeMsg{village})
		require.Empty(t, m.queue.rows)
		want := map[string]string{
			"en": fmt.Sprintf("none here at the town tier or above, nor red (%d open below)", below[village]),
			"zh": fmt.Sprintf("此范围内没有镇级及以上或超时的事件（镇以下在办 %d 件）", below[village]),
		}[lang]
		assert.Contains(t, m.View(), want)
		assert.Equal(t, "none at the town tier or above, nor red (3 open below: enter on a town in the towns table)", emptyQueue(labels("en"), "", false, 3))
	}
}
