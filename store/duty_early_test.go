package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A handover made early (within the hour before the change) hands the
// room over: both are on duty until it is signed for, the incoming officer
// first; once signed for, the incoming officer alone, though the clock has
// not reached the change, and the outgoing one may not hand the same
// shift over again (a QA: duty now still named the outgoing officer, and
// H-0002 was given for the shift H-0001 had handed over).
func TestEarlyHandoverHandsTheRoomOver(t *testing.T) {
	d := newDutyTower(t)
	change := t0.Add(3 * time.Hour)
	shifts := append(d.townChange(t0.Add(-9*time.Hour), change, change.Add(12*time.Hour)),
		d.shift(d.duty, town, change.Add(12*time.Hour), change.Add(24*time.Hour)))
	added, err := d.s.AddShifts(d.ctx, shifts, d.duty.ID, "")
	require.NoError(t, err)
	duty := func() model.RoomDuty {
		t.Helper()
		rds, err := d.s.Duty(d.ctx, town, time.Time{})
		require.NoError(t, err)
		require.Len(t, rds, 1)
		return rds[0]
	}

	d.clock.Set(change.Add(-30 * time.Minute))
	h, err := d.s.Handover(d.ctx, town, "", d.duty.ID, false, "")
	require.NoError(t, err)
	rd := duty()
	assert.Equal(t, added[1].ID, rd.Current.ID, "handed over: the incoming officer on duty")
	assert.Equal(t, added[0].ID, rd.Outgoing.ID, "with the outgoing one until it is signed for")
	assert.Equal(t, h.ID, rd.Pending.ID)
	assert.Equal(t, added[2].ID, rd.Next.ID)
	_, err = d.s.Handover(d.ctx, town, "", d.duty.ID, false, "")
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, model.ErrorMessage(err), "waits for")

	d.clock.Set(change.Add(-25 * time.Minute))
	_, err = d.s.AcceptHandover(d.ctx, "", town, d.officer2.ID)
	require.NoError(t, err)
	rd = duty()
	assert.Equal(t, d.officer2.ID, rd.Current.Person, "signed for: the incoming officer alone")
	assert.False(t, rd.Outgoing.Scheduled())
	assert.False(t, rd.Pending.Made())
	assert.Equal(t, h.ID, rd.Early.ID)
	assert.Equal(t, added[2].ID, rd.Next.ID, "next: the shift after the incoming one")

	_, err = d.s.Handover(d.ctx, town, "", d.duty.ID, false, "")
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Contains(t, model.ErrorMessage(err), "handed over to 林值班 early ("+h.ID)
	assert.Contains(t, model.ErrorMessageZh(err), "已提前交班给 林值班（"+h.ID)
	hs, err := d.s.Handovers(d.ctx, model.HandoverFilter{Room: town, Limit: 5})
	require.NoError(t, err)
	assert.Len(t, hs, 1, "no second handover of the shift")

	// Past the change it stays so.
	d.clock.Set(change.Add(time.Minute))
	rd = duty()
	assert.Equal(t, d.officer2.ID, rd.Current.Person)
	assert.False(t, rd.Outgoing.Scheduled())
	requireClean(t, d.s)
}

// In wartime the town room is staffed while the schedule has an officer on
// duty in it, as duty now says, though no duty officer of the town is on
// duty on the roster (a QA: the sheet said "town room not staffed" while
// duty now named the officer on duty).
func TestWartimeTownRoomStaffedByTheSchedule(t *testing.T) {
	clock := newClock()
	s := openAt(t, filepath.Join(t.TempDir(), "gridcmd.db"), clock)
	ctx := t.Context()
	_, err := s.ImportNodes(ctx, wtNodes(), model.System, "tower")
	require.NoError(t, err)
	people, err := s.ImportPeople(ctx, []model.Person{
		{Name: "陈值班", Phone: "13800000001", Node: town, Roles: []model.Role{model.RoleDutyOfficer}},
	}, model.System, "roster")
	require.NoError(t, err)
	officer := people[0]
	_, err = s.Activate(ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", officer.ID)
	require.NoError(t, err)
	st, err := s.WartimeStatus(ctx, town)
	require.NoError(t, err)
	assert.False(t, st.Rooms.Town, "nobody on duty: not staffed")

	_, err = s.AddShifts(ctx, []model.Shift{{Room: town, Person: officer.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)}}, officer.ID, "")
	require.NoError(t, err)
	st, err = s.WartimeStatus(ctx, town)
	require.NoError(t, err)
	assert.True(t, st.Rooms.Town, "the schedule's officer on duty staffs the town room")
	clock.Set(t0.Add(2 * time.Hour))
	st, err = s.WartimeStatus(ctx, town)
	require.NoError(t, err)
	assert.False(t, st.Rooms.Town, "the shift over: not staffed")
}

// And the other way: a duty officer of the town on duty on the roster
// does not staff a town room whose schedule has nobody on duty, as duty
// now says nobody is (the village rooms likewise: their cadres).
func TestWartimeTownRoomUnstaffedByTheSchedule(t *testing.T) {
	w := newWtTower(t)
	require.True(t, w.duty.OnDuty)
	w.activate(t, town)
	st, err := w.s.WartimeStatus(w.ctx, town)
	require.NoError(t, err)
	assert.True(t, st.Rooms.Town, "no schedule: the officer on duty staffs it")

	_, err = w.s.AddShifts(w.ctx, []model.Shift{{Room: town, Person: w.duty.ID, From: t0.Add(time.Hour), To: t0.Add(13 * time.Hour)}}, w.duty.ID, "")
	require.NoError(t, err)
	st, err = w.s.WartimeStatus(w.ctx, town)
	require.NoError(t, err)
	assert.False(t, st.Rooms.Town, "the schedule has nobody on duty before 1h")
	rds, err := w.s.Duty(w.ctx, town, time.Time{})
	require.NoError(t, err)
	assert.False(t, rds[0].Current.Scheduled(), "as duty now says")
	w.clock.Set(t0.Add(time.Hour))
	st, err = w.s.WartimeStatus(w.ctx, town)
	require.NoError(t, err)
	assert.True(t, st.Rooms.Town, "its shift runs")
}
