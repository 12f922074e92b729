package ui

import (
	"context"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// countyRoom is the console of the county's duty officer on f, with its
// wartime read.
func countyRoom(t *testing.T, f fixture, lang string, w, h int) Model {
	t.Helper()
	opt := f.options(t, lang)
	opt.Seat = countySeat(t, f)
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

	county := countyRoom(t, f, "en", 120, 40)
	require.True(t, county.wt.active(), "one town in wartime: the chain is its")
	for i := range 3 {
		assert.Equal(t, town.wtc.fig.rows[i].units, county.wtc.fig.rows[i].units, "row %d", i)
		assert.Equal(t, town.wtc.fig.rows[i].staffed, county.wtc.fig.rows[i].staffed, "row %d", i)
	}
	view := county.View()
	assert.Regexp(t, `town room +1 +1 `, view)
	assert.Regexp(t, `village ro\S* +27 +27 `, view, "cut to the pane's width")

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
		unknown := regexp.MustCompile(`(town room|village ro\S*|镇指挥室|村指挥室) +[0-9]+ +— `)
		assert.Len(t, unknown.FindAllString(m.View(), -1), 2, lang)
		checkScreen(t, m, 120, 40, false)
	}
}
