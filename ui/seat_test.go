package ui

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/data"
	"gridcmd/importer"
	"gridcmd/model"
)

// Codes of the Yongkang file.
const (
	yongkang  model.NodeCode = "330784"
	huajie    model.NodeCode = "330784114"
	dongcheng model.NodeCode = "330784001" // 东城街道, the county's first town by code
)

// yongkangFixture is the Huajie demo inside the Yongkang county file: the
// county's 452 villages around it (14 towns, 东城街道 first by code), the
// villages outside Huajie through the generator, as 'gridcmd import
// villages' makes them.
func yongkangFixture(t *testing.T) fixture {
	t.Helper()
	f := newFixture(t)
	rows, err := importer.ParseVillages("yongkang-villages.csv", bytes.NewReader(data.YongkangVillages))
	require.NoError(t, err)
	var nodes []model.Node
	for _, n := range importer.Generate(rows, importer.GenRule{}) {
		if n.Code == huajie || !huajie.Contains(n.Code) {
			nodes = append(nodes, n)
		}
	}
	_, err = f.db.ImportNodes(context.Background(), nodes, model.System, "test: the Yongkang list")
	require.NoError(t, err)
	return f
}

// headerOf is the console's first line.
func headerOf(m Model) string { return strings.SplitN(m.View(), "\n", 2)[0] }

// A duty officer of 花街镇 in the county's file: the console opens on the
// 花街镇 town room, and W with 全镇 covers 花街镇 (27 villages, 232
// micro-grids), never 东城街道, the first town by code.
func TestTownSeatInTheCountyFile(t *testing.T) {
	f := yongkangFixture(t)
	ctx := context.Background()
	for _, lang := range []string{"zh", "en"} {
		m := f.model(t, lang, 120, 40)
		require.NoError(t, m.loadErr)
		h := headerOf(m)
		assert.Contains(t, h, "花街镇", lang)
		assert.NotContains(t, h, "东城街道", lang)
		_, inDongcheng := m.w.nodes[dongcheng]
		assert.False(t, inDongcheng, "the town seat loads its town, not the county")
	}

	m := f.model(t, "en", 120, 40)
	m = update(t, m, loadWartime(f.db, m.scope)())
	m = keys(t, m, "W", "enter", "enter", "enter", "enter")
	assert.Contains(t, m.View(), "over 27 villages, 232 micro-grids,")
	m = keys(t, m, "y")
	st, err := f.db.WartimeStatus(ctx, huajie)
	require.NoError(t, err)
	require.True(t, st.Active.Active())
	assert.Equal(t, []model.NodeCode{huajie}, st.Active.Scope)
	st, err = f.db.WartimeStatus(ctx, dongcheng)
	require.NoError(t, err)
	assert.False(t, st.Active.Active(), "东城街道 stays in peacetime")
}

// With no operator the console opens read-only over the file, says why and
// what to do in its language, and refuses every action with that reason.
func TestReadOnlySeat(t *testing.T) {
	f := yongkangFixture(t)
	for _, c := range []struct{ lang, mark, why string }{
		{"en", "READ-ONLY", "gridcmd import roster FILE.csv, then --as P.."},
		{"zh", "只读", "gridcmd import roster 文件.csv，再以 --as P.. 启动"},
	} {
		opt := f.options(t, c.lang)
		opt.Seat = model.NoSeat("", model.NoOperator())
		lines := strings.Split(loaded(t, f.db, opt, 80, 24).View(), "\n")
		assert.Contains(t, lines[len(lines)-1], c.why, "whole at 80 columns")
		m := loaded(t, f.db, opt, 120, 40)
		require.NoError(t, m.loadErr)
		assert.Contains(t, headerOf(m), c.mark)
		assert.Contains(t, m.View(), c.why, "the status line says why")
		for _, k := range []string{"W", "n", "a"} {
			m = keys(t, m, k)
			assert.False(t, m.formActive, k)
			assert.Equal(t, m.errText(model.NoOperator()), m.flash.text, k)
		}
		m = keys(t, m, "esc")
		_, err := f.db.WartimeStatus(context.Background(), "")
		require.NoError(t, err)
	}
}

// countySeat is the seat of a duty officer placed at 永康市 (roster node
// 330784), imported into f.
func countySeat(t *testing.T, f fixture) model.Seat {
	t.Helper()
	ps, err := f.db.ImportPeople(context.Background(), []model.Person{{Name: "县值班", Phone: "13800000001",
		Node: yongkang, Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true}}, model.System, "test: county officer")
	require.NoError(t, err)
	require.Len(t, ps, 1)
	return model.SeatOf(ps[0])
}

// A county officer's console opens on the county's room: the tower starts
// at the county with its 14 towns; :town 花街镇 (or enter on it in the
// tower) turns the room to 花街镇, and esc turns it back.
func TestCountySeatSwitchesTowns(t *testing.T) {
	f := yongkangFixture(t)
	opt := f.options(t, "zh")
	opt.Seat = countySeat(t, f)
	m := loaded(t, f.db, opt, 120, 40)
	require.NoError(t, m.loadErr)
	assert.Contains(t, headerOf(m), "永康市  社会治理中心")
	require.Equal(t, []model.NodeCode{yongkang}, m.w.tower.Roots)
	assert.Len(t, m.w.tower.Nodes[yongkang].Children, 14)
	assert.Len(t, m.roomTowns(), 14)
	view := m.View()
	for _, town := range []string{"永康市", "东城街道", "花街镇"} {
		assert.Contains(t, view, town)
	}

	// Its first pane is the towns table: a row per town, enter turns to it.
	assert.Equal(t, paneTowns, m.focus)
	rows := townRows(m.common, m.roomTowns())
	require.Len(t, rows, 14)
	hj := slices.IndexFunc(m.roomTowns(), func(n model.Node) bool { return n.Code == huajie })
	assert.Equal(t, m.w.tower.Nodes[huajie].Open, rows[hj].open)
	assert.Positive(t, rows[hj].open)
	assert.Regexp(t, `花街镇 +`+fmt.Sprint(rows[hj].open)+` +`+fmt.Sprint(rows[hj].red)+` `, loaded(t, f.db, opt, 200, 60).View())

	// The room reads its subtree down to the villages, with the stored
	// figures, and nobody on the roster; the rest as it is opened.
	assert.True(t, m.w.tower.Nodes[yongkang].Counted)
	assert.Equal(t, 1261, m.w.tower.Nodes[huajie].Staff, "花街镇's staff from the stored counts")
	assert.Empty(t, m.w.people)
	for c := range m.w.nodes {
		assert.LessOrEqual(t, c.Level(), model.LevelVillage, c)
	}
	// Its queue: what waits at the town tier and above, and what is red.
	require.NotEmpty(t, m.queue.rows)
	for _, k := range m.queue.rows {
		inc, _ := m.w.get(k.seq)
		assert.True(t, !inc.Status.Open() || roomQueue(inc, m.now), inc.ID)
	}
	assert.Less(t, len(m.queue.rows), len(m.w.incs), "the grid and village tiers' own work stays with the towns")

	// Opening a village reads its grids.
	m = runLine(t, m, "tower")
	for m.tower.selected() != huajie {
		m = keys(t, m, "j")
	}
	m = keys(t, m, "l", "j")
	village := m.tower.selected()
	require.Equal(t, model.LevelVillage, village.Level())
	require.False(t, m.w.tower.Nodes[village].Loaded())
	m = keys(t, m, "l")
	assert.True(t, m.w.tower.Nodes[village].Loaded())
	assert.NotEmpty(t, m.w.tower.Nodes[village].Children)
	m = keys(t, m, "j")
	assert.Equal(t, model.LevelGrid, m.tower.selected().Level(), "the village's grids are in the tower")
	m = keys(t, m, "esc")

	m = runLine(t, m, "town 花街镇")
	assert.Equal(t, huajie, m.seat.Town)
	assert.Equal(t, huajie, m.scope)
	assert.Contains(t, headerOf(m), "花街镇")
	assert.NotContains(t, headerOf(m), "永康市")
	assert.Regexp(t, `渎溪村 0[1-4] `, m.View(), "the queue names the grids again, not the room's villages")
	_, inDongcheng := m.w.nodes[dongcheng]
	assert.False(t, inDongcheng, "the town's room holds the town")
	assert.Equal(t, huajie, m.town(), "全镇 is 花街镇 here")

	m = keys(t, m, "esc")
	assert.Equal(t, model.NodeCode(""), m.seat.Town)
	assert.Contains(t, headerOf(m), "永康市  社会治理中心")
	assert.NotContains(t, headerOf(m), "金建兰", "the town's duty officer is not the room's")
	assert.Equal(t, paneTowns, m.focus, "back in the room, on its towns")
	assert.Equal(t, model.NodeCode(""), m.town(), "全镇 means no town in the county's room")

	assert.Equal(t, huajie, m.tower.selected(), "back on the town it came from")

	// Enter on a town in the tower turns to it too: the next one, 芝英镇.
	m = keys(t, runLine(t, m, "tower"), "j", "enter")
	zhiying := model.NodeCode("330784115")
	assert.Equal(t, zhiying, m.seat.Town)
	assert.Contains(t, headerOf(m), "芝英镇")
	assert.Contains(t, headerOf(m), "县值班", "the operator is named wherever the room turns")

	// An unknown town is refused, naming it.
	m = runLine(t, m, "town 无此镇")
	assert.Contains(t, m.flash.text, "无此镇")
	assert.Equal(t, zhiying, m.seat.Town)
}

// A town's seat cannot leave its town.
func TestTownSeatStaysInItsTown(t *testing.T) {
	f := yongkangFixture(t)
	m := f.model(t, "en", 120, 40)
	m = runLine(t, m, "town 330784001")
	assert.Equal(t, "this seat is the room of 花街镇 330784114: it cannot leave its town", m.flash.text, "named (a QA found the code alone)")
	assert.Equal(t, huajie, m.scope)
	m = runLine(t, m, "town 东城街道")
	assert.Contains(t, m.flash.text, "cannot leave its town", "by name too")
	m = runLine(t, m, "town 花街镇")
	assert.Equal(t, huajie, m.scope, "its own town is no move")
}

// W in the county's room puts its towns on a war footing, one activation
// per town, after a question that names them with what it reaches there.
func TestCountyRoomActivatesTowns(t *testing.T) {
	f := yongkangFixture(t)
	opt := f.options(t, "zh")
	opt.Seat = countySeat(t, f)
	m := loaded(t, f.db, opt, 200, 60)
	m = update(t, m, loadWartime(f.db, m.scope)())
	m = keys(t, m, "W")
	require.True(t, m.formActive)
	assert.Equal(t, "永康市", m.form.values()["scope"], "the scope is the room's towns, by its name")
	m = keys(t, m, "enter", "enter", "enter", "enter")
	require.True(t, m.q.active())
	assert.Contains(t, m.q.text, "14 个镇街各启动一次，共 452 个村社")
	assert.Contains(t, m.q.detail, "花街镇 27/232")
	assert.NotContains(t, m.q.text, "y/n", "the question line says y/n once, itself")
	m = keys(t, m, "y")
	st, err := f.db.WartimeStatus(context.Background(), yongkang)
	require.NoError(t, err)
	assert.Len(t, st.Towns, 14)
	assert.Contains(t, m.flash.text, "14 个镇街已进入战时")
	assert.Contains(t, headerOf(m), "战时 14 个镇街")
}

// Enter on the towns table turns the room to the town under the cursor
// (the first row: the town that needs the room most); the tab ring passes
// the table by in a town's room.
func TestTownsTable(t *testing.T) {
	f := yongkangFixture(t)
	opt := f.options(t, "en")
	opt.Seat = countySeat(t, f)
	m := loaded(t, f.db, opt, 120, 40)
	view := m.View()
	assert.Contains(t, view, "Towns")
	assert.Regexp(t, `town +open +red +esc/h +pass-on +wartime`, view)
	m = keys(t, m, "enter")
	assert.Equal(t, huajie, m.seat.Town, "the first row: the town with incidents")
	for range paneCount * 2 {
		m = keys(t, m, "tab")
		assert.NotEqual(t, paneTowns, m.focus)
	}
	assert.NotContains(t, m.View(), "pass-on  wartime")
}

// Every line of a room's screens fits, in both languages, at every size:
// the room with its towns table, a read-only console, a room turned to a
// town.
func TestRoomScreensFit(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	for _, lang := range []string{"zh", "en"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			opt := f.options(t, lang)
			opt.Seat = county
			m := loaded(t, f.db, opt, sz[0], sz[1])
			checkScreen(t, m, sz[0], sz[1], false)
			m = keys(t, m, "W")
			checkScreen(t, m, sz[0], sz[1], false)
			m = keys(t, m, "enter", "enter", "enter", "enter")
			checkScreen(t, m, sz[0], sz[1], false)
			lines := strings.Split(m.View(), "\n")
			status := lines[len(lines)-len(m.statusLines()):]
			assert.Contains(t, lines[len(lines)-1], "y/n", "the question is whole to its y/n at %d columns", sz[0])
			assert.Equal(t, 1, strings.Count(m.View(), "y/n"), "y/n once, from the question line (%s, %d columns)", lang, sz[0])
			assert.Contains(t, status[0], "452", "the question whole, first (%s, %d columns)", lang, sz[0])
			assert.Contains(t, status[1], "东城街道 ", "the towns follow the question, over up to two lines (%s, %d columns)", lang, sz[0])
			assert.LessOrEqual(t, len(status), 3, "%s, %d columns", lang, sz[0])
			m = keys(t, m, "n", "enter")
			checkScreen(t, m, sz[0], sz[1], false)
			opt.Seat = model.NoSeat("", model.NoOperator())
			checkScreen(t, loaded(t, f.db, opt, sz[0], sz[1]), sz[0], sz[1], false)
		}
	}
}

// A read-only seat is refused with its reason before any question or form
// on every way the console changes the record: N, the gaps list's enter
// and x, the desk's forms, and any question put (put); quitting still
// asks.
func TestReadOnlySeatAsksNothing(t *testing.T) {
	f := patrolFixture(t)
	ctx := context.Background()
	duty := f.seat(t).Person.ID
	_, err := f.db.Activate(ctx, model.ReasonFlood, []model.NodeCode{huajie}, false, "", duty)
	require.NoError(t, err)
	acting := f.model(t, "en", 120, 40)
	acting = update(t, acting, loadWartime(f.db, acting.scope)())
	gaps := gapRows(&acting.w, acting.wt)
	require.NotEmpty(t, gaps)
	require.NotEmpty(t, gaps[0].candidates)
	_, err = f.db.DraftReserve(ctx, gaps[0].candidates[0].ID, gaps[0].micro, duty)
	require.NoError(t, err)
	events := eventsNow(t, f)

	opt := f.options(t, "en")
	opt.Seat, opt.HoldsFile = model.NoSeat("", model.NoOperator()), true
	m := loaded(t, f.db, opt, 120, 40)
	m = update(t, m, loadWartime(f.db, m.scope)())
	require.True(t, m.wt.active())
	why := m.errText(model.NoOperator())
	refused := func(step string) {
		t.Helper()
		assert.False(t, m.q.active(), "%s: no question", step)
		assert.False(t, m.formActive, "%s: no form", step)
		assert.Equal(t, why, m.flash.text, "%s: the seat's reason", step)
		assert.NotContains(t, m.View(), "y/n", step)
		m.flash = flash{}
	}
	m = keys(t, m, "N")
	refused("N")
	m = keys(t, m, "W")
	refused("W in wartime")

	m = runLine(t, m, "gaps")
	require.Equal(t, overlayGaps, m.overlay, "the gaps list is there to read")
	m = keys(t, m, "enter")
	refused("enter on a gap")
	for m.overlays[overlayGaps].(*gapsPane).cursor < len(gapRows(&m.w, m.wt))-1 {
		m = keys(t, m, "j")
	}
	m = keys(t, m, "x")
	refused("x on a draft")

	m = keys(t, m, "esc")
	m = runLine(t, m, "desk")
	require.Equal(t, overlayDesk, m.overlay, "the desk is there to read")
	for _, k := range []string{"p", "m", "x"} {
		m = keys(t, m, k)
		refused("the desk's " + k)
	}

	mm, _ := m.ask("anything?", func(m Model) (Model, tea.Cmd) { return m, nil })
	m = mm
	refused("a question put")
	assert.Equal(t, events, eventsNow(t, f), "nothing written")

	m = keys(t, m, "q")
	assert.True(t, m.q.active(), "quitting asks: it changes no record")
}

// eventsNow is how many events the log holds.
func eventsNow(t *testing.T, f fixture) int {
	t.Helper()
	evs, err := f.db.Events(context.Background(), 0, 1<<20)
	require.NoError(t, err)
	return len(evs)
}

// The towns table's escalations and pass-on are the store's figures of each
// town: the header's once the room turns to the town, and stats'.
func TestTownsTableFiguresAreTheStores(t *testing.T) {
	f := yongkangFixture(t)
	opt := f.options(t, "en")
	opt.Seat = countySeat(t, f)
	m := loaded(t, f.db, opt, 120, 40)
	fig, err := f.db.Figures(context.Background(), huajie)
	require.NoError(t, err)
	require.NotZero(t, fig.PassOnReports, "the demo's day has pass-ons")
	rows := townRows(m.common, m.townList)
	i := slices.IndexFunc(m.townList, func(n model.Node) bool { return n.Code == huajie })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, fig.EscalationsLastHour, rows[i].escLastHour)
	assert.Equal(t, fig.PassOnP50, rows[i].passOn)
	assert.Equal(t, fig.PassOnReports, rows[i].passOnN)

	m = runLine(t, m, "town 花街镇")
	assert.Equal(t, huajie, m.seat.Town)
	assert.Equal(t, fig.PassOnP50, m.fig.PassOnP50, "the header once turned to the town")
}
