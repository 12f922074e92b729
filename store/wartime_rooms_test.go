package store

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// WartimeStatus counts who staffs the town's and the villages' wartime
// rooms from the people the file holds, and a hub counts a federated
// town's rooms from the town's people as the town sent them: the county
// room shows what the town's own room shows (it once showed 0 on duty).
func TestWartimeStatusCountsTheRoomsOnDuty(t *testing.T) {
	tw := newTower(t)
	_, err := tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "值班村干", Phone: "13800000099", Node: village,
		Roles: []model.Role{model.RoleVillageCadre}, OnDuty: true}}, model.System, "test")
	require.NoError(t, err)
	st, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, model.RoomsOnDuty{}, st.Rooms, "peacetime: nothing counted")

	_, err = tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	want := model.RoomsOnDuty{Counted: true, Town: true, Villages: []model.NodeCode{village}}
	st, err = tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, want, st.Rooms)

	hub := newHub(t, tw)
	_, err = hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"}}, model.System, "test: the county")
	require.NoError(t, err)
	// The county's own duty officer, on duty at the hub, staffs no room of the town's.
	_, err = hub.ImportPeople(tw.ctx, []model.Person{{Name: "县值班", Phone: "13800000001", Node: "330784",
		Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true}}, model.System, "test")
	require.NoError(t, err)
	applyAll(t, tw, hub)
	for _, scope := range []model.NodeCode{"330784", town, ""} {
		hs, err := hub.WartimeStatus(tw.ctx, scope)
		require.NoError(t, err)
		assert.Equal(t, want, hs.Rooms, "the hub's copy over %q", scope)
	}
}

// In wartime a village room with a duty schedule is staffed while one of
// its shifts runs, as duty now says, whatever its cadres' on-duty flags
// (the chain once counted the flags alone): 花街村's shift with its cadre
// off duty staffs it, 渎溪村's cadre on duty with no shift running leaves it
// unstaffed; a room with no schedule is counted by the flags. Changes is
// when a shift of the rooms next begins or ends.
func TestWartimeVillageRoomsStaffedByTheSchedule(t *testing.T) {
	w := newWtTower(t)
	people, err := w.s.ImportPeople(w.ctx, []model.Person{{Name: "花村干", Phone: "13800000051", Node: vB,
		Roles: []model.Role{model.RoleVillageCadre}}}, model.System, "a cadre of 花街村, off duty")
	require.NoError(t, err)
	cadreB := people[0]
	w.activate(t, town)
	rooms := func() model.RoomsOnDuty {
		t.Helper()
		st, err := w.s.WartimeStatus(w.ctx, town)
		require.NoError(t, err)
		return st.Rooms
	}
	assert.Equal(t, []model.NodeCode{vA}, rooms().Villages, "no schedule: 渎溪村's cadre on duty")

	_, err = w.s.AddShifts(w.ctx, []model.Shift{
		{Room: vB, Person: cadreB.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)},
		{Room: vA, Person: w.cadre.ID, From: t0.Add(2 * time.Hour), To: t0.Add(26 * time.Hour)},
	}, w.duty.ID, "")
	require.NoError(t, err)
	r := rooms()
	assert.Equal(t, []model.NodeCode{vB}, r.Villages, "花街村 by its shift, 渎溪村 not before its shift")
	assert.True(t, r.Changes.Equal(t0.Add(time.Hour)), "花街村's shift ends first: %s", r.Changes)

	w.clock.Set(t0.Add(2 * time.Hour))
	r = rooms()
	assert.Equal(t, []model.NodeCode{vA}, r.Villages, "花街村's shift over, 渎溪村's running")
	assert.True(t, r.Changes.Equal(t0.Add(26*time.Hour)), "%s", r.Changes)
	rds, err := w.s.Duty(w.ctx, "", time.Time{})
	require.NoError(t, err)
	for _, rd := range rds {
		if rd.Room.Level() == model.LevelVillage {
			assert.Equal(t, rd.Current.Scheduled(), slices.Contains(r.Villages, rd.Room), "duty now and the chain agree on %s", rd.Room)
		}
	}

	w.clock.Set(t0.Add(27 * time.Hour))
	r = rooms()
	assert.Empty(t, r.Villages, "both schedules over: nobody on a shift")
	assert.True(t, r.Changes.IsZero(), "no shift ahead")
	requireClean(t, w.s)
}
