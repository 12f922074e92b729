package store

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's schedule is on the hub: its wartime status counts the town's
// rooms by the town's own shifts, as the town does (it counted them by
// the flags: the duty officer's on duty, the cadre's off), duty now and
// duty list read the town's shifts, their swap and handover under the
// hub's numbers, and the hub refuses to schedule, swap or hand over in
// the town's rooms.
func TestFedTownsScheduleStaffsTheHubsRooms(t *testing.T) {
	tw, hub, officer := floodedCounty(t, false)
	_, err := tw.s.AddShifts(tw.ctx, []model.Shift{
		{Room: village, Person: tw.cadre.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)},
		{Room: village, Person: tw.cadre.ID, From: t0.Add(time.Hour), To: t0.Add(25 * time.Hour)},
		{Room: town, Person: tw.duty.ID, From: t0.Add(2 * time.Hour), To: t0.Add(14 * time.Hour)},
	}, tw.duty.ID, "")
	require.NoError(t, err)
	_, err = tw.s.SwapShift(tw.ctx, "S-0001", tw.duty.ID, tw.duty.ID)
	require.NoError(t, err)
	fedSync(t, tw.s, hub)

	rooms := func(s *DB) model.RoomsOnDuty {
		t.Helper()
		st, err := s.WartimeStatus(tw.ctx, town)
		require.NoError(t, err)
		return st.Rooms
	}
	want := rooms(tw.s)
	assert.False(t, want.Town, "the town room's shift is still to come")
	assert.Equal(t, []model.NodeCode{village}, want.Villages, "渎溪村's shift runs")
	assert.Equal(t, want, rooms(hub), "the hub counts the town's rooms by the town's schedule")
	hs, err := hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Equal(t, want, hs.Rooms, "the county room's chain of the town")

	shifts, err := hub.Shifts(tw.ctx, model.ShiftFilter{})
	require.NoError(t, err)
	require.Len(t, shifts, 3)
	assert.Equal(t, town, shifts[0].Room)
	assert.Equal(t, tw.duty.Name, shifts[1].Name, "the swapped shift, held by the duty officer")
	require.Len(t, shifts[1].Swaps, 1)
	from, err := hub.Person(tw.ctx, shifts[1].Swaps[0].From)
	require.NoError(t, err)
	assert.Equal(t, tw.cadre.Name, from.Name, "who held it before, as the hub numbers them")
	evs, err := hub.Events(tw.ctx, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, model.ActShiftSwap, evs[0].Action)
	assert.Equal(t, shifts[1].ID, evs[0].Directive, "the swap names the hub's shift")
	assert.Equal(t, model.ActShift, evs[1].Action)
	assert.Equal(t, "S-0001–S-0003", evs[1].Directive)

	// The duty officer hands the village room over early; the cadre signs
	// for it: the hub's duty now says what the town's does.
	h, err := tw.s.Handover(tw.ctx, village, "平安", tw.duty.ID, false, "")
	require.NoError(t, err)
	_, err = tw.s.AcceptHandover(tw.ctx, h.ID, "", tw.cadre.ID)
	require.NoError(t, err)
	fedSync(t, tw.s, hub)
	duty := func(s *DB) (string, string, bool) {
		t.Helper()
		rds, err := s.Duty(tw.ctx, village, time.Time{})
		require.NoError(t, err)
		require.Len(t, rds, 1)
		return rds[0].Current.Name, rds[0].Next.Name, rds[0].Early.Made()
	}
	mineNow, mineNext, mineEarly := duty(tw.s)
	hubNow, hubNext, hubEarly := duty(hub)
	assert.Equal(t, tw.cadre.Name, mineNow, "handed over early: the incoming officer alone")
	assert.Equal(t, []any{mineNow, mineNext, mineEarly}, []any{hubNow, hubNext, hubEarly})
	copies, err := hub.Handovers(tw.ctx, model.HandoverFilter{Room: village})
	require.NoError(t, err)
	require.Len(t, copies, 1)
	assert.Equal(t, "平安", copies[0].Sheet.Note, "the town's sheet")
	assert.False(t, copies[0].Waiting(), "signed for")
	assert.Equal(t, shifts[1].Seq, copies[0].OutShift, "the hub's shifts")
	assert.Equal(t, shifts[2].Seq, copies[0].InShift)
	requireClean(t, hub)
	requireClean(t, tw.s)

	before := dump(t, hub)
	cadre, officerCopy := shifts[2].Person, shifts[0].Person // the hub's copies of the town's people
	_, err = hub.AddShifts(tw.ctx, []model.Shift{{Room: village, Person: cadre, From: t0.Add(30 * time.Hour), To: t0.Add(40 * time.Hour)}},
		officer.ID, "")
	requireCode(t, err, model.ECONFLICT, "渎溪村 330784114266 is a room of 花街镇, a federated town", "copy")
	requireZh(t, err, "渎溪村 330784114266 是联网镇花街镇的值班室", "副本")
	_, err = hub.SwapShift(tw.ctx, shifts[2].ID, officerCopy, officer.ID)
	requireCode(t, err, model.ECONFLICT, shifts[2].ID+" is a shift of 花街镇")
	requireZh(t, err, "联网镇花街镇的班次")
	_, err = hub.Handover(tw.ctx, village, "", officer.ID, true, "")
	requireCode(t, err, model.ECONFLICT, "a room of 花街镇")
	_, err = hub.AcceptHandover(tw.ctx, copies[0].ID, "", officer.ID)
	requireCode(t, err, model.ECONFLICT, copies[0].ID+" is a handover of 花街镇")
	requireZh(t, err, "联网镇花街镇的交接")
	assert.Equal(t, before, dump(t, hub), "a refusal changes nothing")
}

// A handover too large for a record goes up without its sheet: the hub
// still has who handed over to whom, and when.
func TestFedLargeHandoverGoesUpWithoutItsSheet(t *testing.T) {
	tw, hub, _ := floodedCounty(t, false)
	_, err := tw.s.AddShifts(tw.ctx, []model.Shift{
		{Room: village, Person: tw.duty.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)},
		{Room: village, Person: tw.cadre.ID, From: t0.Add(time.Hour), To: t0.Add(25 * time.Hour)},
	}, tw.duty.ID, "")
	require.NoError(t, err)
	defer func(b int) { fedHandoverBudget = b }(fedHandoverBudget)
	fedHandoverBudget = 100
	h, err := tw.s.Handover(tw.ctx, village, "平安", tw.duty.ID, false, "")
	require.NoError(t, err)
	fedSync(t, tw.s, hub)
	copies, err := hub.Handovers(tw.ctx, model.HandoverFilter{Room: village})
	require.NoError(t, err)
	require.Len(t, copies, 1)
	assert.Empty(t, copies[0].Sheet.Note, "no sheet")
	assert.Equal(t, [2]string{h.OutgoingName, h.InName}, [2]string{copies[0].OutgoingName, copies[0].InName})
	assert.True(t, copies[0].MadeAt.Equal(h.MadeAt))
	assert.True(t, copies[0].Waiting())
	requireClean(t, hub)
}

// A batch of shifts larger than a record carries is logged in parts, each
// event naming the shifts its record carries up: the hub has them all.
func TestFedLargeScheduleGoesUpWhole(t *testing.T) {
	tw, _ := busyTown(t)
	hub, _ := countyHub(t, tw)
	var batch []model.Shift
	for i := range 1200 {
		from := t0.Add(time.Duration(i) * time.Hour)
		batch = append(batch, model.Shift{Room: village, Person: tw.cadre.ID, From: from, To: from.Add(time.Hour)})
	}
	added, err := tw.s.AddShifts(tw.ctx, batch, tw.duty.ID, "import duty.csv")
	require.NoError(t, err)
	require.Len(t, added, 1200)
	evs, err := tw.s.Events(tw.ctx, 0, 3)
	require.NoError(t, err)
	var named []string
	for _, ev := range evs {
		require.Equal(t, model.ActShift, ev.Action)
		named = append(named, ev.Directive)
	}
	assert.Equal(t, []string{"S-1001–S-1200", "S-0501–S-1000", "S-0001–S-0500"}, named, "newest first")
	assert.Contains(t, evs[0].Note, "200 shifts in 渎溪村")
	for _, r := range pending(t, tw.s, 0) {
		assert.Less(t, len(r.Data), 100<<10, "record %d", r.Seq)
	}
	fedSync(t, tw.s, hub)
	got, err := hub.Shifts(tw.ctx, model.ShiftFilter{Room: village})
	require.NoError(t, err)
	assert.Len(t, got, 1200)
	requireClean(t, hub)
}

// A town's joint rotation and its activity reports are on the hub: the
// board lists the rotation with the day's reports. The hub refuses a
// report on it, and a rotation of its own over the town's grids.
func TestFedTownsRotationsAreOnTheHub(t *testing.T) {
	tw, _ := busyTown(t)
	y, m, d := t0.In(cst).Date()
	r, err := tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "夜间治安巡察", Activity: model.ActivityPatrol,
		Groups: [][]model.NodeCode{{grid01}, {grid02}}, Start: time.Date(y, m, d, 0, 0, 0, 0, cst), Every: 1}, tw.duty.ID, "")
	require.NoError(t, err)
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "巡至村口", tw.worker01.ID)
	require.NoError(t, err)
	hub, officer := countyHub(t, tw)

	rs, err := hub.Rotations(tw.ctx)
	require.NoError(t, err)
	require.Len(t, rs, 1, "the town's rotation")
	assert.Equal(t, r.Name, rs[0].Name)
	assert.Equal(t, r.Groups, rs[0].Groups)
	b, err := hub.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	require.Len(t, b.Rotations, 1)
	assert.Equal(t, 1, b.Rotations[0].Reports, "the worker's report counts on the county's board")
	evs, err := hub.Events(tw.ctx, 0, 3)
	require.NoError(t, err)
	assert.Equal(t, []model.Action{model.ActFedDuty, model.ActFedDuty}, []model.Action{evs[0].Action, evs[1].Action},
		"the duty snapshot (the rotation, then its end) the town's outbox logged on its first run")
	assert.Equal(t, rs[0].ID, evs[1].Directive, "the snapshot's part names the hub's rotation")
	assert.Equal(t, model.ActRotationPatrol, evs[2].Action)
	assert.Equal(t, rs[0].ID, evs[2].Ref)
	requireClean(t, hub)

	before := dump(t, hub)
	_, err = hub.RotationReport(tw.ctx, rs[0].ID, "x", officer.ID)
	requireCode(t, err, model.ECONFLICT, "rotation "+rs[0].ID+" is over grids of 花街镇, a federated town", "copy")
	requireZh(t, err, "联网镇花街镇的网格", "副本")
	_, err = hub.AddRotation(tw.ctx, model.JointRotation{Name: "县里的轮值", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{grid01}, {grid10}}, Start: t0, Every: 1}, officer.ID, "")
	requireCode(t, err, model.ECONFLICT, "县里的轮值", "花街镇")
	assert.Equal(t, before, dump(t, hub))
}

// The watchdog's silence of a town's patroller reaches the hub's copy of
// the patrol (its report names no patrol), and the patroller's next
// check-in ends it there too.
func TestFedTownsPatrolSilenceReachesTheHub(t *testing.T) {
	tw := newPatrolTower(t)
	p, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	hub, _ := countyHub(t, tw.tower)
	tw.clock.Advance(3 * time.Hour)
	sweep(t, tw.s)
	mine, err := tw.s.Patrol(tw.ctx, p.ID)
	require.NoError(t, err)
	require.NotEmpty(t, mine.Silence, "the town's watchdog found it silent")
	fedSync(t, tw.s, hub)

	copies, err := hub.Patrols(tw.ctx, model.PatrolFilter{Active: true})
	require.NoError(t, err)
	require.Len(t, copies, 1)
	require.NotEmpty(t, copies[0].Silence, "the hub's copy is silent")
	inc, err := hub.Incident(tw.ctx, copies[0].Silence)
	require.NoError(t, err)
	assert.Equal(t, copies[0].SilenceSeq, inc.Seq, "the hub's copy of the silence")
	assert.Equal(t, model.SourceWatchdog, inc.Source)
	assert.True(t, copies[0].Silent(tw.clock.Now(), time.Hour))
	evs, err := hub.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, inc.ID, evs[0].Incident)
	assert.Empty(t, evs[0].Ref, "the event as the town logged it")
	requireClean(t, hub)

	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C1", nil, tw.patroller.ID, "")
	require.NoError(t, err)
	fedSync(t, tw.s, hub)
	copies, err = hub.Patrols(tw.ctx, model.PatrolFilter{Active: true})
	require.NoError(t, err)
	require.Len(t, copies, 1)
	assert.Empty(t, copies[0].Silence, "heard again")
	inc, err = hub.Incident(tw.ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, model.StatusResolved, inc.Status)
	requireClean(t, hub)
}

// syncAsBefore applies what hub lacks of town's log as a town federated
// before its duty was: its records carry no shifts, handovers or
// rotations, and its outbox logs no duty snapshot.
func syncAsBefore(t testing.TB, town, hub *DB) {
	t.Helper()
	meta := func(put bool) {
		require.NoError(t, town.db.Update(func(tx *bolt.Tx) error {
			if put {
				return tx.Bucket(bucketMeta).Put(metaFedDutySent, u64(1))
			}
			return tx.Bucket(bucketMeta).Delete(metaFedDutySent)
		}))
	}
	meta(true)
	defer meta(false)
	code, err := town.FedTown(t.Context())
	require.NoError(t, err)
	applied, err := hub.FedApplied(t.Context(), code)
	require.NoError(t, err)
	recs := pending(t, town, applied)
	for i, r := range recs {
		var w map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(r.Data, &w))
		delete(w, "shifts")
		delete(w, "handover")
		delete(w, "rotation")
		recs[i].Data, err = json.Marshal(w)
		require.NoError(t, err)
	}
	_, err = hub.FedApply(t.Context(), recs)
	require.NoError(t, err)
}

// A town whose four-week schedule (two officers in the town room, half
// hours in 渎溪村's, more than a record's 500 shifts) was imported, and
// a handover made and not signed for, before it federated its duty: its first shift swapped
// since (in the third week) does not make the hub count the town room by
// that one copy (unstaffed, or "schedule ended"); the hub counts the
// town's rooms by the flags, and duty now has no schedule, until the
// town's duty snapshot has all come, in parts. Then it counts them, and
// says who is on duty, as the town does.
func TestFedHubCountsByTheFlagsUntilTheTownsScheduleHasCome(t *testing.T) {
	tw, _ := busyTown(t)
	_, err := tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	second, err := tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "丁值班", Phone: "13800000009", Node: town,
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	base := t0.Add(-2 * time.Hour)
	var towns, halves []model.Shift
	for i := range 56 {
		p := tw.duty.ID
		if i%2 == 1 {
			p = second[0].ID
		}
		from := base.Add(time.Duration(i) * 12 * time.Hour)
		towns = append(towns, model.Shift{Room: town, Person: p, From: from, To: from.Add(12 * time.Hour)})
	}
	for i := range 28 * 48 {
		from := base.Add(time.Duration(i) * 30 * time.Minute)
		halves = append(halves, model.Shift{Room: village, Person: tw.cadre.ID, From: from, To: from.Add(30 * time.Minute)})
	}
	for _, batch := range [][]model.Shift{towns, halves} {
		_, err = tw.s.AddShifts(tw.ctx, batch, tw.duty.ID, "import duty.csv")
		require.NoError(t, err)
	}
	hub := newHub(t, tw)
	_, err = hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"}}, model.System, "")
	require.NoError(t, err)
	syncAsBefore(t, tw.s, hub)

	// Day 15, still before: the town room's officer hands over; 渎溪村's
	// running half hour changes hands (the cadre before it hands over to
	// the duty officer, not yet).
	tw.clock.Advance(15 * 24 * time.Hour)
	_, err = tw.s.Handover(tw.ctx, town, "平安", tw.duty.ID, false, "")
	require.NoError(t, err)
	_, err = tw.s.SwapShift(tw.ctx, "S-0781", tw.duty.ID, tw.duty.ID)
	require.NoError(t, err)
	syncAsBefore(t, tw.s, hub)
	// Then the town federates its duty: it swaps a shift of the week.
	_, err = tw.s.SwapShift(tw.ctx, model.FormatShiftID(36), tw.duty.ID, tw.duty.ID)
	require.NoError(t, err)

	rooms := func(s *DB) model.RoomsOnDuty {
		t.Helper()
		st, err := s.WartimeStatus(tw.ctx, town)
		require.NoError(t, err)
		return st.Rooms
	}
	duty := func(s *DB, room model.NodeCode) model.RoomDuty {
		t.Helper()
		rds, err := s.Duty(tw.ctx, room, time.Time{})
		require.NoError(t, err)
		require.Len(t, rds, 1)
		return rds[0]
	}
	mine := rooms(tw.s)
	require.True(t, mine.Town, "by the schedule")
	require.Equal(t, []model.NodeCode{village}, mine.Villages)
	require.False(t, mine.Changes.IsZero())
	byFlags := model.RoomsOnDuty{Counted: true, Town: true} // the duty officer's on duty, the cadre's off

	defer func(b int) { fedDutyBudget = b }(fedDutyBudget)
	fedDutyBudget = 16 << 10
	applied, err := hub.FedApplied(tw.ctx, town)
	require.NoError(t, err)
	recs := pending(t, tw.s, applied)
	require.Greater(t, len(recs), 3, "the swap, the snapshot's parts, its end")
	for i, r := range recs {
		var w fedWire
		require.NoError(t, json.Unmarshal(r.Data, &w))
		assert.Equal(t, i == len(recs)-1, w.DutySynced, "record %d", i)
		_, err = hub.FedApply(tw.ctx, []model.FedRecord{r})
		require.NoError(t, err)
		if i == len(recs)-1 {
			break
		}
		assert.Equal(t, byFlags, rooms(hub), "record %d: by the flags until the schedule has all come", i)
		rd := duty(hub, town)
		assert.False(t, rd.Current.Scheduled() || rd.Next.Scheduled() || rd.Ended.Scheduled(), "record %d: no schedule in duty now", i)
	}
	evs, err := tw.s.Events(tw.ctx, 0, len(recs))
	require.NoError(t, err)
	assert.Equal(t, model.ActShiftSwap, evs[len(recs)-1].Action)
	var parts []string
	for _, e := range evs[1 : len(recs)-1] {
		parts = append([]string{e.Directive}, parts...)
	}
	assert.Equal(t, []string{"S-0030–S-0056", "S-0780–S-1279", "S-1280–S-1400", "H-0001"}, parts,
		"each room's shifts from the one before the running one, in ranges of at most 500, the open handover, cut at 16 kB")
	assert.Equal(t, "duty schedule for the county sent: 648 shifts (each room's from the one before its current), 1 open handover, 0 joint rotations", evs[0].Note)
	assert.Equal(t, "排班已报送上级：班次 648 个（各值班室自当前班的上一班起），未了交接 1 个，轮值 0 个", evs[0].NoteZh)

	assert.Equal(t, mine, rooms(hub), "by the town's schedule")
	for _, room := range []model.NodeCode{town, village} {
		m, h := duty(tw.s, room), duty(hub, room)
		assert.True(t, m.Outgoing.Scheduled(), "%s: the officer before still handing over", room)
		assert.Equal(t, []string{m.Current.Name, m.Outgoing.Name, m.Next.Name}, []string{h.Current.Name, h.Outgoing.Name, h.Next.Name}, room)
		assert.Equal(t, m.Pending.Made(), h.Pending.Made(), room)
		ahead := model.ShiftFilter{Room: room, From: tw.clock.Now()}
		ms, err := tw.s.Shifts(tw.ctx, ahead)
		require.NoError(t, err)
		hs, err := hub.Shifts(tw.ctx, ahead)
		require.NoError(t, err)
		assert.Len(t, hs, len(ms), "%s: every shift running or to come", room)
		assert.Equal(t, m.Outgoing.From, h.Outgoing.From, room)
	}
	assert.True(t, duty(hub, town).Pending.Made(), "the handover waiting to be signed for, made before")
	requireClean(t, hub)
	requireClean(t, tw.s)

	// The snapshot is logged once.
	last := lastEventSeq(t, tw.s)
	assert.Empty(t, pending(t, tw.s, last))
	tw.reopen(t)
	assert.Empty(t, pending(t, tw.s, last))
}

// rewrite changes what record r carries by f, as a town's file holding a
// neighbour's nodes would have built it.
func rewrite(t testing.TB, r *model.FedRecord, f func(w *fedWire)) {
	t.Helper()
	var w fedWire
	require.NoError(t, json.Unmarshal(r.Data, &w))
	f(&w)
	var err error
	r.Data, err = json.Marshal(w)
	require.NoError(t, err)
}

// movedTo is fr, a shift's or a handover's stored record, moved to room.
func movedTo(t testing.TB, fr fedRef, room model.NodeCode) fedRef {
	t.Helper()
	var r map[string]any
	require.NoError(t, json.Unmarshal(fr.Rec, &r))
	r["room"] = string(room)
	var err error
	fr.Rec, err = json.Marshal(r)
	require.NoError(t, err)
	return fr
}

// A town's record may carry a copy that is no node of the town's in the
// hub's file (its file holds a neighbour's nodes: the system schedules,
// and a rotation is set, with no check of the room's town): the hub
// leaves that copy out with an event of its own naming the town, the
// record and what, and applies the rest, the batch and the records after
// it. Its events name no copy in the town's numbers.
func TestFedHubLeavesOutACopyNotOfTheTown(t *testing.T) {
	tw, _ := busyTown(t)
	hub, _ := countyHub(t, tw)
	const neighbour = model.NodeCode("330784115266")
	_, err := tw.s.AddShifts(tw.ctx, []model.Shift{
		{Room: village, Person: tw.duty.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)},
		{Room: village, Person: tw.cadre.ID, From: t0.Add(time.Hour), To: t0.Add(25 * time.Hour)},
	}, tw.duty.ID, "")
	require.NoError(t, err)
	_, err = tw.s.Handover(tw.ctx, village, "平安", tw.duty.ID, false, "")
	require.NoError(t, err)
	y, m, d := t0.In(cst).Date()
	r, err := tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "夜间治安巡察", Activity: model.ActivityPatrol,
		Groups: [][]model.NodeCode{{grid01}, {grid02}}, Start: time.Date(y, m, d, 0, 0, 0, 0, cst), Every: 1}, tw.duty.ID, "")
	require.NoError(t, err)
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "巡至村口", tw.worker01.ID)
	require.NoError(t, err)
	applied, err := hub.FedApplied(tw.ctx, town)
	require.NoError(t, err)
	recs := pending(t, tw.s, applied)
	require.Len(t, recs, 4, "the shifts, the handover, the rotation, its report")
	rewrite(t, &recs[0], func(w *fedWire) { w.Shifts[1] = movedTo(t, w.Shifts[1], neighbour) })
	rewrite(t, &recs[1], func(w *fedWire) { *w.Handover = movedTo(t, *w.Handover, neighbour) })
	for i := 2; i < 4; i++ {
		rewrite(t, &recs[i], func(w *fedWire) {
			rec := json.RawMessage(bytes.Replace(w.Rotation.Rec, []byte(grid02), []byte(neighbour+"-02"), 1))
			w.Rotation.Rec = rec
		})
	}
	n, err := hub.FedApply(tw.ctx, recs)
	require.NoError(t, err, "one bad copy stalls no sync")
	assert.Equal(t, 4, n)

	shifts, err := hub.Shifts(tw.ctx, model.ShiftFilter{})
	require.NoError(t, err)
	require.Len(t, shifts, 2, "the handover's two shifts; the first record's second left out, then kept as the handover's")
	hs, err := hub.Handovers(tw.ctx, model.HandoverFilter{Room: village})
	require.NoError(t, err)
	assert.Empty(t, hs)
	rs, err := hub.Rotations(tw.ctx)
	require.NoError(t, err)
	assert.Empty(t, rs)
	evs, err := hub.Events(tw.ctx, 0, 9)
	require.NoError(t, err)
	var dropped, named []model.Event
	for _, e := range evs[:8] {
		if e.Action == model.ActFedDropped {
			dropped = append(dropped, e)
		} else {
			named = append(named, e)
		}
	}
	require.Len(t, dropped, 4)
	slices.Reverse(dropped)
	for i, what := range []string{"shift S-0002", "handover H-0001", "joint rotation R-0001 (夜间治安巡察)", "joint rotation R-0001 (夜间治安巡察)"} {
		assert.Equal(t, model.System, dropped[i].Actor)
		assert.Equal(t, model.NodeCode(town), dropped[i].Node)
		assert.Equal(t, "record "+model.FedMsgID(town, recs[i].Seq)+" of 花街镇 330784114: "+what+" is at "+string(neighbour)+map[bool]string{true: "-02"}[i >= 2]+
			", no node of the town here; left out (the rest of the record applied)", dropped[i].Note)
		assert.Contains(t, dropped[i].NoteZh, "花街镇 330784114 的记录 "+model.FedMsgID(town, recs[i].Seq)+"：")
		assert.Contains(t, dropped[i].NoteZh, "本库中不是该镇的节点；未收录")
	}
	slices.Reverse(named)
	assert.Equal(t, shifts[0].ID, named[0].Directive, "the shift kept")
	assert.Empty(t, named[1].Directive, "no handover: not the town's H-0001")
	assert.Empty(t, named[2].Ref, "no rotation: not the town's R-0001")
	assert.Empty(t, named[3].Ref)
	b, err := hub.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Empty(t, b.Rotations)
	requireClean(t, hub)

	tw.report(t, micro011, tw.worker01.ID, "之后")
	fedSync(t, tw.s, hub)
	applied, err = hub.FedApplied(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, lastEventSeq(t, tw.s), applied, "the records after it apply")
}

// A shift event, or a part of a snapshot, names the hub's shifts it
// carried as they are numbered here: not as a range of the first to the
// last, which takes in other towns' shifts numbered among them.
func TestFedShiftsNamedByTheHubsOwnIDs(t *testing.T) {
	tw, _ := busyTown(t)
	_, err := tw.s.AddShifts(tw.ctx, []model.Shift{
		{Room: village, Person: tw.cadre.ID, From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)},
		{Room: village, Person: tw.cadre.ID, From: t0.Add(2 * time.Hour), To: t0.Add(3 * time.Hour)},
		{Room: village, Person: tw.cadre.ID, From: t0.Add(3 * time.Hour), To: t0.Add(4 * time.Hour)},
	}, tw.duty.ID, "")
	require.NoError(t, err)
	hub := newHub(t, tw)
	syncAsBefore(t, tw.s, hub)
	two := otherTown(t, tw)
	fedSync(t, two, hub)

	// Huajie federates its duty, having swapped its first shift: the swap
	// comes first (the hub's S-0001), then Xiangzhu schedules (S-0002),
	// then Huajie's snapshot (S-0001 again, S-0003, S-0004).
	_, err = tw.s.SwapShift(tw.ctx, "S-0001", tw.duty.ID, tw.duty.ID)
	require.NoError(t, err)
	applied, err := hub.FedApplied(tw.ctx, town)
	require.NoError(t, err)
	recs := pending(t, tw.s, applied)
	require.Len(t, recs, 3, "the swap, the snapshot's part, its end")
	_, err = hub.FedApply(tw.ctx, recs[:1])
	require.NoError(t, err)
	_, err = two.AddShifts(tw.ctx, []model.Shift{{Room: "330784115", Person: 1, From: t0.Add(time.Hour), To: t0.Add(2 * time.Hour)}}, 1, "")
	require.NoError(t, err)
	fedSync(t, two, hub)
	_, err = hub.FedApply(tw.ctx, recs[1:])
	require.NoError(t, err)

	evs, err := hub.Events(tw.ctx, 0, 4)
	require.NoError(t, err)
	assert.Equal(t, model.ActFedDuty, evs[1].Action)
	assert.Equal(t, "S-0001, S-0003–S-0004", evs[1].Directive)
	assert.Equal(t, "330784115", string(evs[2].Node), "Xiangzhu's shift between")
	assert.Equal(t, "S-0002", evs[2].Directive)
	assert.Equal(t, "S-0001", evs[3].Directive, "the swap")
	requireClean(t, hub)

	for _, c := range []struct {
		seqs []uint64
		want string
	}{
		{nil, ""},
		{[]uint64{7}, "S-0007"},
		{[]uint64{9, 7, 8}, "S-0007–S-0009"},
		{[]uint64{1, 3, 4, 9}, "S-0001, S-0003–S-0004, S-0009"},
		{[]uint64{1, 3, 5, 7, 8}, "S-0001 … S-0008 (5)"},
	} {
		assert.Equal(t, c.want, nameShifts(c.seqs), "%v", c.seqs)
	}
}

// A town restored from a backup schedules its room again over the lost
// copy's shifts, between which the lost copy had handed over: the hub
// drops its copies of those shifts, and its copy of the handover names
// them no more (check finds every handover's shifts).
func TestFedLostCopysHandoverLosesItsDroppedShifts(t *testing.T) {
	tw, _ := busyTown(t)
	hub, _ := countyHub(t, tw)
	backup := filepath.Join(t.TempDir(), "backup.db")
	_, err := tw.s.BackupFile(backup)
	require.NoError(t, err)
	cursor := lastEventSeq(t, tw.s)
	require.NoError(t, tw.s.SetFedCursor(tw.ctx, cursor))
	_, err = tw.s.AddShifts(tw.ctx, []model.Shift{
		{Room: village, Person: tw.duty.ID, From: t0.Add(-time.Hour), To: t0.Add(time.Hour)},
		{Room: village, Person: tw.cadre.ID, From: t0.Add(time.Hour), To: t0.Add(25 * time.Hour)},
	}, tw.duty.ID, "")
	require.NoError(t, err)
	_, err = tw.s.Handover(tw.ctx, village, "平安", tw.duty.ID, false, "")
	require.NoError(t, err)
	stream := pending(t, tw.s, 0)
	_, err = hub.FedApply(tw.ctx, stream)
	require.NoError(t, err)
	hs, err := hub.Handovers(tw.ctx, model.HandoverFilter{Room: village})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	require.NotZero(t, hs[0].OutShift)
	require.NoError(t, tw.s.Close())

	restored := openAt(t, backup, tw.clock)
	_, err = restored.FedNumberPast(tw.ctx, stream[cursor:])
	require.NoError(t, err)
	require.NoError(t, restored.SetFedCursor(tw.ctx, stream[len(stream)-1].Seq))
	_, err = restored.AddShifts(tw.ctx, []model.Shift{{Room: village, Person: tw.cadre.ID, From: t0.Add(-time.Hour), To: t0.Add(25 * time.Hour)}},
		tw.duty.ID, "")
	require.NoError(t, err)
	_, err = hub.FedApply(tw.ctx, pending(t, restored, stream[len(stream)-1].Seq))
	require.NoError(t, err)

	shifts, err := hub.Shifts(tw.ctx, model.ShiftFilter{Room: village})
	require.NoError(t, err)
	require.Len(t, shifts, 1, "the restored file's shift alone")
	hs, err = hub.Handovers(tw.ctx, model.HandoverFilter{Room: village})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.Equal(t, [2]uint64{0, 0}, [2]uint64{hs[0].OutShift, hs[0].InShift}, "its shifts are gone")
	assert.Equal(t, "平安", hs[0].Sheet.Note)
	requireClean(t, hub)
}
