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
	evs, err := hub.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActRotationPatrol, evs[0].Action)
	assert.Equal(t, rs[0].ID, evs[0].Ref)
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

// An event names the hub's shifts a record carried as they are numbered
// here: a range only when they follow one another (a town's batch is
// numbered in the order it comes, among other towns' shifts and around
// those mapped before).
func TestFedShiftsNamedByTheHubsOwnIDs(t *testing.T) {
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
