package ui

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The wartime chain counts the village rooms staffed by the duty schedule,
// as duty now does, not by the cadres' on-duty flags: past the demo's week
// of shifts no village room is staffed though each village has a cadre on
// duty; a shift scheduled for 渎溪村 with a cadre off duty staffs its room
// as soon as the feed brings it, and its end leaves the room unstaffed
// when the clock gets there, with no event to say so.
func TestWartimeChainStaffsTheVillageRoomsByTheSchedule(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	shifts, err := f.db.Shifts(ctx, model.ShiftFilter{})
	require.NoError(t, err)
	var end time.Time // the end of the villages' schedules
	for _, sh := range shifts {
		if sh.Room.Level() == model.LevelVillage && sh.To.After(end) {
			end = sh.To
		}
	}
	require.False(t, end.IsZero(), "the demo schedules the village rooms")
	cadres, err := f.db.People(ctx, model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
	require.NoError(t, err)
	var off model.Person
	for _, p := range cadres {
		if !p.OnDuty {
			off = p
		}
	}
	require.NotZero(t, off.ID, "渎溪村 has a cadre off duty")

	f.clock.Set(end.Add(time.Hour))
	m := f.model(t, "en", 120, 40)
	m = update(t, m, loadWartime(f.db, m.scope)())
	require.True(t, m.wt.active())
	assert.Equal(t, 0, m.wtc.fig.rows[1].staffed, "no village shift runs, though 27 cadres are on duty")
	assert.Regexp(t, `village rooms +27 +0 `, m.View())

	sub := f.db.Subscribe()
	defer sub.Close()
	from := f.clock.Now()
	_, err = f.db.AddShifts(ctx, []model.Shift{{Room: duxi, Person: off.ID, From: from, To: from.Add(time.Hour)}}, f.operator(t), "")
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	assert.Equal(t, 1, m.wtc.fig.rows[1].staffed, "渎溪村's shift runs, its cadre off duty")
	assert.Regexp(t, `village rooms +27 +1 `, m.View())

	f.clock.Set(from.Add(time.Hour - time.Second))
	m = update(t, m, tickMsg(f.clock.Now()))
	assert.Equal(t, 1, m.wtc.fig.rows[1].staffed, "the shift still runs")
	f.clock.Set(from.Add(time.Hour))
	m = update(t, m, tickMsg(f.clock.Now()))
	assert.Equal(t, 0, m.wtc.fig.rows[1].staffed, "the shift over: read again at its end")
	checkScreen(t, m, 120, 40, false)
}

// Past the end of the town room's duty schedule the header says nobody is
// on duty, as the wartime chain counts the town room unstaffed (it named
// the operator as on duty beside the chain's 0); narrower, in fewer words.
func TestHeaderSaysNobodyOnDutyOnceTheScheduleRunsOut(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: huajie})
		require.NoError(t, err)
		var end time.Time
		for _, sh := range shifts {
			if sh.To.After(end) {
				end = sh.To
			}
		}
		require.False(t, end.IsZero(), "the demo schedules the town room")
		f.clock.Set(end.Add(time.Hour))
		_, err = f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
		require.NoError(t, err)
		m := f.model(t, lang, 200, 60)
		m = update(t, m, loadWartime(f.db, m.scope)())
		require.True(t, m.wt.active(), lang)
		assert.Equal(t, 0, m.wtc.fig.rows[0].staffed, "%s: the chain: the town room unstaffed", lang)

		ended := end.In(shanghai).Format("15:04")
		head := headerOf(m)
		assert.Contains(t, head, m.say("nobody on duty (schedule ended "+ended+")", "无人值班（排班 "+ended+" 已结束）"), lang)
		assert.NotContains(t, head, m.seat.Person.Name, lang)
		checkScreen(t, m, 200, 60, false)

		m = update(t, m, keyMsgSize(120, 40))
		head = headerOf(m)
		assert.Contains(t, head, m.say("nobody on duty", "无人值班"), lang)
		assert.NotContains(t, head, m.seat.Person.Name, lang)
		checkScreen(t, m, 120, 40, false)
	}
}
