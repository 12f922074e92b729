package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// dutyTower is the wartime tower with a second duty officer and a cadre of
// the second village.
type dutyTower struct {
	*wtTower
	officer2, cadreB model.Person
}

func newDutyTower(t testing.TB) dutyTower {
	t.Helper()
	w := newWtTower(t)
	more, err := w.s.ImportPeople(w.ctx, []model.Person{
		{Name: "林值班", Phone: "13800000051", Node: town, Roles: []model.Role{model.RoleDutyOfficer}},
		{Name: "楼村干", Phone: "13800000052", Node: vB, Roles: []model.Role{model.RoleVillageCadre}},
	}, model.System, "duty roster")
	require.NoError(t, err)
	return dutyTower{wtTower: w, officer2: more[0], cadreB: more[1]}
}

func (d dutyTower) shift(p model.Person, room model.NodeCode, from, to time.Time) model.Shift {
	return model.Shift{Room: room, Person: p.ID, From: from, To: to}
}

// townChange is the town room's two shifts that meet at change: the duty
// officer's from from, the second officer's until to.
func (d dutyTower) townChange(from, change, to time.Time) []model.Shift {
	return []model.Shift{d.shift(d.duty, town, from, change), d.shift(d.officer2, town, change, to)}
}

func TestShiftsAndDuty(t *testing.T) {
	d := newDutyTower(t)
	change := t0.Add(3 * time.Hour) // 12:00
	added, err := d.s.AddShifts(d.ctx, append(d.townChange(change.Add(-12*time.Hour), change, change.Add(12*time.Hour)),
		d.shift(d.cadre, vA, t0, t0.Add(24*time.Hour))), d.duty.ID, "week 48")
	require.NoError(t, err)
	require.Len(t, added, 3)
	assert.Equal(t, "S-0001", added[0].ID)
	assert.Equal(t, "林值班", added[1].Name)
	assert.Equal(t, "13800000051", added[1].Phone)

	evs, err := d.s.Events(d.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActShift, evs[0].Action)
	assert.Equal(t, "S-0001–S-0003", evs[0].Directive)
	assert.Contains(t, evs[0].NoteZh, "week 48")
	assert.Contains(t, evs[0].NoteZh, "花街镇 各指挥室 排班 3 个", "the rooms by name, not by code")
	assert.Contains(t, evs[0].Note, "3 shifts in the rooms of 花街镇")

	// Refusals change nothing: overlapping a stored shift, or one of the
	// same request; someone who may not staff the room; no such room.
	before := dump(t, d.s)
	_, err = d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.cadre, vA, t0.Add(23*time.Hour), t0.Add(30*time.Hour))}, d.duty.ID, "")
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Contains(t, model.ErrorMessage(err), "S-0003")
	_, err = d.s.AddShifts(d.ctx, []model.Shift{
		d.shift(d.cadreB, vB, t0, t0.Add(8*time.Hour)),
		d.shift(d.cadreB, vB, t0.Add(7*time.Hour), t0.Add(9*time.Hour)),
	}, d.duty.ID, "")
	requireCode(t, err, model.ECONFLICT)
	_, err = d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.cadreB, vA, t0.Add(48*time.Hour), t0.Add(50*time.Hour))}, d.duty.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	_, err = d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.cadre, vA, t0.Add(48*time.Hour), t0.Add(50*time.Hour))}, d.gridWorker.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	_, err = d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.duty, "330784114299", t0.Add(48*time.Hour), t0.Add(50*time.Hour))}, d.duty.ID, "")
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, before, dump(t, d.s))
	// Touching ends are not an overlap.
	_, err = d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.cadreB, vA, t0.Add(24*time.Hour), t0.Add(48*time.Hour))}, d.duty.ID, "")
	requireCode(t, err, model.EFORBIDDEN) // cadreB is not of vA
	_, err = d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.cadre, vA, t0.Add(24*time.Hour), t0.Add(48*time.Hour))}, d.cadre.ID, "")
	require.NoError(t, err, "a cadre schedules their own village's room")
	evs, err = d.s.Events(d.ctx, 0, 1)
	require.NoError(t, err)
	assert.Contains(t, evs[0].NoteZh, "在 渎溪村 村指挥室 值班")

	d.reopen(t)
	rds, err := d.s.Duty(d.ctx, "", t0)
	require.NoError(t, err)
	require.Len(t, rds, 3, "the town room and the two village rooms")
	assert.Equal(t, town, rds[0].Room)
	assert.Equal(t, "花街镇", rds[0].RoomName)
	assert.Equal(t, d.duty.ID, rds[0].Current.Person)
	assert.Equal(t, d.officer2.ID, rds[0].Next.Person)
	assert.Equal(t, d.cadre.ID, rds[2].Current.Person, "330784114266 sorts after 330784114201")
	assert.False(t, rds[1].Current.Scheduled(), "nobody in 花街村's room")

	rd, err := d.s.Duty(d.ctx, town, change)
	require.NoError(t, err)
	assert.Equal(t, d.officer2.ID, rd[0].Current.Person)
	assert.Equal(t, d.duty.ID, rd[0].Outgoing.Person, "not handed over: still on duty")

	shifts, err := d.s.Shifts(d.ctx, model.ShiftFilter{Room: town, From: change.Add(time.Hour)})
	require.NoError(t, err)
	require.Len(t, shifts, 1)
	assert.Equal(t, "S-0002", shifts[0].ID)

	// A swap: the town room's next shift to the first officer... who holds the one before; fine.
	sw, err := d.s.SwapShift(d.ctx, "s-2", d.duty.ID, d.officer2.ID)
	require.NoError(t, err)
	assert.Equal(t, d.duty.ID, sw.Person)
	assert.Equal(t, d.officer2.ID, sw.Swapped)
	evs, err = d.s.Events(d.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActShiftSwap, evs[0].Action)
	_, err = d.s.SwapShift(d.ctx, "S-0002", d.cadre.ID, d.duty.ID)
	requireCode(t, err, model.EFORBIDDEN)
	_, err = d.s.SwapShift(d.ctx, "S-0099", d.cadre.ID, d.duty.ID)
	requireCode(t, err, model.ENOTFOUND)
	_, err = d.s.SwapShift(d.ctx, "X-1", d.cadre.ID, d.duty.ID)
	requireCode(t, err, model.EINVALID)
	requireClean(t, d.s)
}

// AddShifts names the shift of the batch it refuses (Error.Item, from 1)
// and its room by name with its code, whatever the rule: the scheduler's
// scope, model.CheckRoom and CheckShift, no such room, an overlap with a
// stored shift (named by its id) or with an earlier shift of the batch
// (named by its place in the batch, Error.Other: it has no id); nothing is
// stored.
func TestAddShiftsNamesTheShiftRefused(t *testing.T) {
	d := newDutyTower(t)
	_, err := d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.cadre, vA, t0, t0.Add(8*time.Hour))}, d.duty.ID, "")
	require.NoError(t, err) // S-0001
	before := dump(t, d.s)
	okB := d.shift(d.cadreB, vB, t0, t0.Add(8*time.Hour))
	day2 := t0.Add(24 * time.Hour)
	for _, tc := range []struct {
		name         string
		by           model.Person
		batch        []model.Shift
		code         string
		item, other  int
		en, zh, none string
	}{
		{"scope", d.cadreB, []model.Shift{okB, d.shift(d.cadre, vA, day2, day2.Add(time.Hour))}, model.EFORBIDDEN, 2, 0,
			"楼村干 may not schedule shifts in 渎溪村 330784114266", "楼村干 不能为 渎溪村 330784114266 排班", ""},
		{"not a room", d.duty, []model.Shift{okB, d.shift(d.duty, vA.Child(1), day2, day2.Add(time.Hour))}, model.EINVALID, 2, 0,
			"room 330784114266-01 is a grid", "值班室 330784114266-01", ""},
		{"no such room", d.duty, []model.Shift{okB, d.shift(d.duty, "330784114299", day2, day2.Add(time.Hour))}, model.ENOTFOUND, 2, 0,
			"no node 330784114299", "网格塔中没有节点 330784114299", ""},
		{"may not staff", d.duty, []model.Shift{okB, d.shift(d.cadreB, vA, day2, day2.Add(time.Hour))}, model.EFORBIDDEN, 2, 0,
			"may not hold a shift in 渎溪村 330784114266", "不能在 渎溪村 330784114266 值班", ""},
		{"too long", d.duty, []model.Shift{okB, d.shift(d.cadre, vA, day2, day2.Add(model.MaxShift+time.Hour))}, model.EINVALID, 2, 0,
			"shift in 渎溪村 330784114266: ", "渎溪村 330784114266 的班次：长", ""},
		{"stored", d.duty, []model.Shift{okB, d.shift(d.cadre, vA, t0.Add(7*time.Hour), t0.Add(9*time.Hour))}, model.ECONFLICT, 2, 0,
			"in 渎溪村 330784114266 overlaps S-0001 (胡村干, ", "在 渎溪村 330784114266 的班与 S-0001（胡村干，", ""},
		{"batch", d.duty, []model.Shift{okB, d.shift(d.cadre, vA, day2, day2.Add(time.Hour)), d.shift(d.cadreB, vB, t0.Add(7*time.Hour), t0.Add(9*time.Hour))},
			model.ECONFLICT, 3, 1, "in 花街村 330784114201 overlaps shift 1 of this batch (楼村干, ", "在 花街村 330784114201 的班与本批第 1 个班次（楼村干，", "S-0"},
	} {
		_, err := d.s.AddShifts(d.ctx, tc.batch, tc.by.ID, "")
		requireCode(t, err, tc.code)
		requireZh(t, err, tc.zh)
		assert.Contains(t, model.ErrorMessage(err), tc.en, tc.name)
		item, other := model.ErrorItem(err)
		assert.Equal(t, tc.item, item, "%s: the shift refused", tc.name)
		assert.Equal(t, tc.other, other, "%s: the shift of the batch it names", tc.name)
		if tc.none != "" {
			assert.NotContains(t, model.ErrorMessage(err), tc.none, "%s: no id of a shift never stored", tc.name)
			assert.NotContains(t, model.ErrorMessageZh(err), tc.none, tc.name)
		}
		assert.Equal(t, before, dump(t, d.s), "%s: nothing stored", tc.name)
	}
	_, err = d.s.AddShifts(d.ctx, []model.Shift{okB, d.shift(d.cadreB, vB, t0.Add(8*time.Hour), t0.Add(9*time.Hour)),
		d.shift(d.cadreB, vB, t0.Add(8*time.Hour+30*time.Minute), t0.Add(10*time.Hour))}, d.duty.ID, "")
	requireZh(t, err, "的班与本批第 2 个班次（楼村干，")
	_, other := model.ErrorItem(err)
	assert.Equal(t, 2, other, "the shift of the batch it names, not the first")
	_, err = d.s.AddShifts(d.ctx, []model.Shift{okB}, d.duty.ID, "bad \xff")
	requireCode(t, err, model.EINVALID)
	item, _ := model.ErrorItem(err)
	assert.Equal(t, 0, item, "a refusal of the note is of no shift")
}

func TestHandoverFlow(t *testing.T) {
	d := newDutyTower(t)
	change := t0.Add(3 * time.Hour) // 12:00
	_, err := d.s.AddShifts(d.ctx, d.townChange(t0.Add(-9*time.Hour), change, change.Add(12*time.Hour)), d.duty.ID, "")
	require.NoError(t, err)
	inc, err := d.s.Report(d.ctx, model.Report{Node: vA.Child(1), Category: "traffic", Severity: model.SeverityII, Title: "330国道货物撒落", Reporter: d.gridWorker.ID})
	require.NoError(t, err)

	_, err = d.s.Handover(d.ctx, town, "", d.duty.ID, false, "")
	requireCode(t, err, model.ECONFLICT) // three hours before the change
	requireZh(t, err)
	early, err := d.s.Handover(d.ctx, town, "", d.duty.ID, true, "")
	require.NoError(t, err, "a preview at any time in the shift")
	assert.Equal(t, d.officer2.ID, early.Incoming)
	assert.Equal(t, 1, early.Sheet.Changes[model.ActReport])

	d.clock.Set(change.Add(-20 * time.Minute))
	_, err = d.s.Sweep(d.ctx) // the report climbs; the sheet counts it
	require.NoError(t, err)
	before := dump(t, d.s)
	preview, err := d.s.Handover(d.ctx, town, "夜里平稳", d.duty.ID, true, "")
	require.NoError(t, err)
	assert.Empty(t, preview.ID, "a dry run stores nothing")
	assert.Equal(t, before, dump(t, d.s))
	assert.Equal(t, "夜里平稳", preview.Sheet.Note)

	_, err = d.s.Handover(d.ctx, town, "", d.gridWorker.ID, false, "")
	requireCode(t, err, model.EFORBIDDEN)
	h, err := d.s.Handover(d.ctx, town, "330国道有货车抛锚，已通知交警", d.duty.ID, false, "")
	require.NoError(t, err)
	assert.Equal(t, "H-0001", h.ID)
	assert.Equal(t, d.duty.ID, h.Outgoing)
	assert.Equal(t, d.officer2.ID, h.Incoming)
	assert.Equal(t, "林值班", h.InName)
	open, _ := h.Sheet.Counts()
	assert.Equal(t, 1, open)
	assert.Equal(t, t0.Add(-9*time.Hour), h.Sheet.From)
	assert.Equal(t, 1, h.Sheet.Changes[model.ActReport])
	assert.Equal(t, 1, h.Sheet.Changes[model.ActEscalate])
	var ids []string
	for _, st := range h.Sheet.Open {
		for _, i := range st.Incidents {
			ids = append(ids, i.ID+" "+i.NodeName)
		}
	}
	assert.Equal(t, []string{inc.ID + " 渎溪村 01"}, ids)

	_, err = d.s.Handover(d.ctx, town, "", d.duty.ID, false, "")
	requireCode(t, err, model.ECONFLICT) // handed over already
	requireZh(t, err)

	// After the change, until B signs, both are on duty.
	d.clock.Set(change.Add(5 * time.Minute))
	rd, err := d.s.Duty(d.ctx, town, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, d.officer2.ID, rd[0].Current.Person)
	assert.Equal(t, d.duty.ID, rd[0].Outgoing.Person)
	assert.Equal(t, "H-0001", rd[0].Pending.ID)

	_, err = d.s.AcceptHandover(d.ctx, "", town, d.duty.ID)
	requireCode(t, err, model.EFORBIDDEN)
	got, err := d.s.AcceptHandover(d.ctx, "", town, d.officer2.ID)
	require.NoError(t, err)
	assert.Equal(t, change.Add(5*time.Minute), got.AcceptedAt)
	_, err = d.s.AcceptHandover(d.ctx, "", town, d.officer2.ID)
	requireCode(t, err, model.ECONFLICT)
	_, err = d.s.AcceptHandover(d.ctx, "H-0001", "", d.officer2.ID)
	requireCode(t, err, model.ECONFLICT)

	rd, err = d.s.Duty(d.ctx, town, time.Time{})
	require.NoError(t, err)
	assert.False(t, rd[0].Outgoing.Scheduled(), "signed for: the new officer alone")
	assert.False(t, rd[0].Pending.Made())
	// As it stood before it was signed for.
	rd, err = d.s.Duty(d.ctx, town, change.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, d.duty.ID, rd[0].Outgoing.Person)

	d.reopen(t)
	hs, err := d.s.Handovers(d.ctx, model.HandoverFilter{Room: town})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.Equal(t, "330国道有货车抛锚，已通知交警", hs[0].Sheet.Note)
	assert.Equal(t, cst, hs[0].Sheet.To.Location())
	assert.Equal(t, h.Sheet.Open[3].Incidents, hs[0].Sheet.Open[3].Incidents)
	hs, err = d.s.Handovers(d.ctx, model.HandoverFilter{At: change.Add(-30 * time.Minute)})
	require.NoError(t, err)
	assert.Empty(t, hs, "none made by then")

	evs, err := d.s.Events(d.ctx, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, model.ActHandoverAccept, evs[0].Action)
	assert.Equal(t, model.ActHandover, evs[1].Action)
	assert.Equal(t, "H-0001", evs[1].Directive)
	requireClean(t, d.s)
}

func TestGatewaySilenceAndReturn(t *testing.T) {
	d := newDutyTower(t)
	_, err := d.s.AddHeartbeat(d.ctx, model.Heartbeat{Name: "gw-duxi", Node: vA.Child(1), Every: 10 * time.Minute}, d.gridWorker.ID)
	requireCode(t, err, model.EFORBIDDEN)
	h, err := d.s.AddHeartbeat(d.ctx, model.Heartbeat{Name: "gw-duxi", Node: vA.Child(1), Every: 10 * time.Minute}, d.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, t0, h.Since)
	_, err = d.s.AddHeartbeat(d.ctx, model.Heartbeat{Name: "gw-duxi", Node: vA, Every: time.Minute}, d.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	_, err = d.s.AddHeartbeat(d.ctx, model.Heartbeat{Name: "gw-x", Node: "330784114266-09", Every: time.Minute}, d.duty.ID)
	requireCode(t, err, model.ENOTFOUND)

	d.clock.Advance(9 * time.Minute)
	_, err = d.s.Beat(d.ctx, "gw-duxi", d.gridWorker.ID) // heard at 09:09
	require.NoError(t, err)
	_, err = d.s.Beat(d.ctx, "gw-duxi", d.cadreB.ID)
	requireCode(t, err, model.EFORBIDDEN)
	_, err = d.s.Beat(d.ctx, "gw-none", d.gridWorker.ID)
	requireCode(t, err, model.ENOTFOUND)

	// watch/next was 09:10, before the heartbeat: one sweep finds nothing
	// and moves it on to 09:19; from then idle sweeps commit nothing.
	d.clock.Advance(9*time.Minute + 59*time.Second)
	evs := sweep(t, d.s)
	assert.Empty(t, evs)
	writes := txWrites(d.s)
	for i := 0; i < 3; i++ {
		evs = sweep(t, d.s)
		assert.Empty(t, evs)
	}
	assert.Equal(t, writes, txWrites(d.s), "nothing due: an idle sweep commits nothing")

	d.clock.Advance(time.Second) // 09:19: silent
	evs = sweep(t, d.s)
	require.Len(t, evs, 1)
	assert.Equal(t, model.ActReport, evs[0].Action)
	inc, err := d.s.Incident(d.ctx, evs[0].Incident)
	require.NoError(t, err)
	assert.Equal(t, model.SourceWatchdog, inc.Source)
	assert.Equal(t, vA.Child(1), inc.Node)
	assert.Equal(t, model.TierGrid, inc.Tier)
	assert.Contains(t, inc.Title, "gw-duxi")
	list, err := d.s.Heartbeats(d.ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, inc.ID, list[0].Incident)
	assert.Equal(t, model.HeartbeatSilent, list[0].State(d.clock.Now()))

	// Silent for long: still one incident (it climbs by the tiers' own clocks).
	for i := 0; i < 6; i++ {
		d.clock.Advance(10 * time.Minute)
		evs = sweep(t, d.s)
		for _, e := range evs {
			assert.NotEqual(t, model.ActReport, e.Action, "one incident per silence")
		}
	}

	// The next heartbeat resolves it by itself, with an event.
	sub := d.s.Subscribe()
	defer sub.Close()
	back, err := d.s.Beat(d.ctx, "gw-duxi", d.gridWorker.ID)
	require.NoError(t, err)
	assert.Zero(t, back.IncidentSeq)
	b := <-sub.C()
	require.Len(t, b.Events, 1)
	assert.Equal(t, model.ActResolve, b.Events[0].Action)
	assert.Equal(t, model.System, b.Events[0].Actor)
	assert.Contains(t, b.Events[0].NoteZh, "自动办结")
	require.Len(t, b.Incidents, 1)
	assert.Equal(t, model.StatusResolved, b.Incidents[0].Status)

	// Silent again, then an alert from beneath it: heard, resolved.
	d.clock.Advance(10 * time.Minute)
	evs = sweep(t, d.s)
	require.Len(t, evs, 1)
	second := evs[0].Incident
	assert.NotEqual(t, inc.ID, second)
	_, err = d.s.Alert(d.ctx, model.Alert{Device: "lock-7", Kind: "lock", Node: vA.Child(1).Child(1), By: d.gridWorker.ID})
	require.NoError(t, err)
	got, err := d.s.Incident(d.ctx, second)
	require.NoError(t, err)
	assert.Equal(t, model.StatusResolved, got.Status)

	require.NoError(t, d.s.RemoveHeartbeat(d.ctx, "gw-duxi", d.duty.ID))
	requireCode(t, d.s.RemoveHeartbeat(d.ctx, "gw-duxi", d.duty.ID), model.ENOTFOUND)
	d.clock.Advance(24 * time.Hour)
	evs = sweep(t, d.s)
	for _, e := range evs {
		assert.NotEqual(t, model.SourceWatchdog, e.Action)
	}
	requireClean(t, d.s)
}

func TestRoomSilenceInWartime(t *testing.T) {
	d := newDutyTower(t)
	// Peacetime watches no room.
	d.clock.Advance(5 * time.Hour)
	evs := sweep(t, d.s)
	assert.Empty(t, evs)

	act := d.activate(t, town)
	var writes int64
	d.clock.Advance(time.Hour)
	mustReport(t, d.wtTower, vA.Child(1)) // a grid worker's report is no action of the room
	_, err := d.s.Report(d.ctx, model.Report{Node: vA, Category: "flood", Severity: model.SeverityII, Title: "河道水位上涨", Reporter: d.cadre.ID})
	require.NoError(t, err) // the village room of vA acts at +1h
	writes = txWrites(d.s)
	evs = sweep(t, d.s)
	assert.Empty(t, evs)
	assert.Equal(t, writes, txWrites(d.s), "nothing due before a silence has passed: the sweep commits nothing")

	d.clock.Set(act.Since.Add(2*time.Hour - time.Second))
	evs = sweep(t, d.s)
	for _, e := range evs {
		assert.NotEqual(t, model.ActReport, e.Action)
	}
	d.clock.Set(act.Since.Add(2 * time.Hour)) // vB has been silent since wartime began
	evs = sweep(t, d.s)
	silences := openedBy(t, d.s, evs)
	require.Len(t, silences, 1, "vA acted an hour ago")
	assert.Equal(t, vB, silences[0].Node)
	assert.Equal(t, model.TierTown, silences[0].Tier)
	assert.Equal(t, model.SourceWatchdog, silences[0].Source)
	assert.Equal(t, "花街村村指挥室静默（战时超过 2h 无操作或报到）", silences[0].Title)

	d.clock.Set(act.Since.Add(3 * time.Hour)) // vA silent now too
	evs = sweep(t, d.s)
	reports := 0
	for _, e := range evs {
		if e.Action == model.ActReport {
			reports++
			assert.Equal(t, vA, e.Node)
		}
	}
	assert.Equal(t, 1, reports)

	// A check-in for vB (by the duty officer, on the phone with it) ends its silence at the next sweep.
	requireCode(t, d.s.CheckIn(d.ctx, vB, d.cadre.ID), model.EFORBIDDEN)
	require.NoError(t, d.s.CheckIn(d.ctx, vB, d.duty.ID))
	evs = sweep(t, d.s)
	require.Len(t, evs, 1)
	assert.Equal(t, model.ActResolve, evs[0].Action)
	assert.Equal(t, silences[0].ID, evs[0].Incident)

	// The handover sheet of the town room lists the silence still open.
	_, err = d.s.AddShifts(d.ctx, d.townChange(t0, d.clock.Now().Add(30*time.Minute), d.clock.Now().Add(12*time.Hour)), d.duty.ID, "")
	require.NoError(t, err)
	h, err := d.s.Handover(d.ctx, town, "", d.duty.ID, true, "")
	require.NoError(t, err)
	require.Len(t, h.Sheet.Silences, 1)
	assert.Equal(t, model.SilenceRoom, h.Sheet.Silences[0].Kind)
	assert.Equal(t, vA, h.Sheet.Silences[0].Node)
	require.NotNil(t, h.Sheet.Wartime)
	assert.Equal(t, act.ID, h.Sheet.Wartime.ID)

	// A cadre of vA acts: its silence ends too.
	d.clock.Advance(time.Minute)
	_, err = d.s.Report(d.ctx, model.Report{Node: vA, Category: "flood", Severity: model.SeverityIII, Title: "堤坝巡查正常", Reporter: d.cadre.ID})
	require.NoError(t, err)
	evs = sweep(t, d.s)
	resolved := 0
	for _, e := range evs {
		if e.Action == model.ActResolve {
			resolved++
		}
	}
	assert.Equal(t, 1, resolved)
	requireClean(t, d.s)
}

func mustReport(t testing.TB, w *wtTower, node model.NodeCode) string {
	t.Helper()
	inc, err := w.s.Report(w.ctx, model.Report{Node: node, Category: "traffic", Severity: model.SeverityIII, Title: "占道", Reporter: w.gridWorker.ID})
	require.NoError(t, err)
	return inc.ID
}

// A task force incident that stays red is supervised again every
// deadlines.resupervise, each an event, through the store's sweep and
// across a reopening of the file.
func TestResupervisionInTheStore(t *testing.T) {
	tw := newTower(t)
	inc := tw.report(t, grid01, tw.worker01.ID, "山林火情")
	_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActEscalate, By: tw.duty.ID, To: model.TierTaskForce})
	require.NoError(t, err)
	_, err = tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.duty.ID})
	require.NoError(t, err)
	due := t0.Add(12 * time.Hour) // severity II at the task force
	var notes []string
	for at := due.Add(-time.Minute); at.Before(due.Add(150 * time.Minute)); at = at.Add(10 * time.Minute) {
		tw.clock.Set(at)
		evs := sweep(t, tw.s)
		for _, e := range evs {
			notes = append(notes, e.At.Format("15:04")+" "+string(e.Action))
		}
		if at.After(due.Add(time.Hour)) && at.Before(due.Add(70*time.Minute)) {
			tw.reopen(t)
		}
	}
	assert.Equal(t, []string{"21:09 supervise", "22:09 supervise", "23:09 supervise"}, notes)
	got := tw.incident(t, inc.ID)
	assert.Equal(t, 3, got.Supervisions)
	assert.Equal(t, due.Add(9*time.Minute+3*time.Hour), got.NextSupervision)
	requireClean(t, tw.s)
}

// A hand-over given from a preview files the sheet the officer read, or
// nothing: a report since, or an incident turning red since, and it is
// refused (the officer reads the sheet again), in the same write.
func TestHandoverFilesTheSheetRead(t *testing.T) {
	d := newDutyTower(t)
	change := t0.Add(3 * time.Hour)
	_, err := d.s.AddShifts(d.ctx, d.townChange(t0.Add(-9*time.Hour), change, change.Add(12*time.Hour)), d.duty.ID, "")
	require.NoError(t, err)
	_, err = d.s.Report(d.ctx, model.Report{Node: vA.Child(1), Category: "traffic", Severity: model.SeverityII, Title: "330国道货物撒落", Reporter: d.gridWorker.ID})
	require.NoError(t, err)
	d.clock.Set(change.Add(-20 * time.Minute))

	read, err := d.s.Handover(d.ctx, town, "", d.duty.ID, true, "")
	require.NoError(t, err)
	_, err = d.s.Report(d.ctx, model.Report{Node: vA.Child(1), Category: "fire", Severity: model.SeverityI, Title: "fire 1", Reporter: d.gridWorker.ID})
	require.NoError(t, err)
	before := dump(t, d.s)
	_, err = d.s.Handover(d.ctx, town, "", d.duty.ID, false, read.Sheet.Digest())
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Contains(t, model.ErrorMessage(err), "changed since you read it")
	assert.Equal(t, before, dump(t, d.s), "nothing filed")

	// The sheet read again, a moment later, is the one filed.
	read, err = d.s.Handover(d.ctx, town, "", d.duty.ID, true, "")
	require.NoError(t, err)
	d.clock.Set(d.clock.Now().Add(3 * time.Second))
	h, err := d.s.Handover(d.ctx, town, "", d.duty.ID, false, read.Sheet.Digest())
	require.NoError(t, err)
	assert.Equal(t, read.Sheet.Digest(), h.Sheet.Digest())
	open, _ := h.Sheet.Counts()
	assert.Equal(t, 2, open, "the fire is on it")
}

// An incident turning red is a change of the sheet though no event says
// so: the hand-over of the sheet read before is refused.
func TestHandoverRefusesASheetGoneRed(t *testing.T) {
	d := newDutyTower(t)
	change := t0.Add(3 * time.Hour)
	_, err := d.s.AddShifts(d.ctx, d.townChange(t0.Add(-9*time.Hour), change, change.Add(12*time.Hour)), d.duty.ID, "")
	require.NoError(t, err)
	d.clock.Set(change.Add(-model.HandoverLead)) // the hand-over may be given from now
	inc, err := d.s.Report(d.ctx, model.Report{Node: vA.Child(1), Category: "traffic", Severity: model.SeverityII, Title: "330国道货物撒落", Reporter: d.gridWorker.ID})
	require.NoError(t, err)
	require.True(t, inc.Deadline().Before(change), "it turns red within the hour")
	d.clock.Set(inc.Deadline().Add(-time.Second))
	read, err := d.s.Handover(d.ctx, town, "", d.duty.ID, true, "")
	require.NoError(t, err)
	_, red := read.Sheet.Counts()
	require.Zero(t, red)
	d.clock.Set(inc.Deadline().Add(time.Second))
	_, err = d.s.Handover(d.ctx, town, "", d.duty.ID, false, read.Sheet.Digest())
	requireCode(t, err, model.ECONFLICT)
}

// An overlap with a shift of the batch names it by its place in the batch
// as given, not by where it lies among the shifts put so far: here the
// one put first was the batch's third (were one skipped or the batch put
// in another order, the two would differ).
func TestVetShiftNamesTheBatchPlace(t *testing.T) {
	d := newDutyTower(t)
	put, err := d.s.AddShifts(d.ctx, []model.Shift{d.shift(d.cadreB, vB, t0, t0.Add(8*time.Hour))}, d.duty.ID, "")
	require.NoError(t, err)
	err = d.s.view(func(tx *bolt.Tx) error {
		_, err := d.s.vetShift(tx, d.duty, d.shift(d.cadreB, vB, t0.Add(7*time.Hour), t0.Add(9*time.Hour)), map[uint64]int{put[0].Seq: 3})
		return err
	})
	requireCode(t, err, model.ECONFLICT)
	_, other := model.ErrorItem(err)
	assert.Equal(t, 3, other)
	en, zh := model.BatchShift(3)
	assert.Contains(t, model.ErrorMessage(err), "overlaps "+en+" (")
	assert.Contains(t, model.ErrorMessageZh(err), "的班与"+zh+"（")
	assert.NotContains(t, model.ErrorMessage(err), put[0].ID)
}

// Duty at a past time is the duty as it stood then (a replay's header,
// duty now --at): the handovers of that change, however many were made
// since, and each shift held by whoever held it then, the swaps made since
// undone (a QA saw a replay's header name the officer a later swap gave
// the shift to).
func TestDutyAtAPastTime(t *testing.T) {
	d := newDutyTower(t)
	// Six shifts of two hours, the duty officer and the second one in
	// turn, each change handed over half an hour before and signed for
	// five minutes after.
	var shifts []model.Shift
	who := []model.Person{d.duty, d.officer2}
	start := t0.Add(-time.Hour)
	for i := 0; i < 6; i++ {
		from := start.Add(time.Duration(2*i) * time.Hour)
		shifts = append(shifts, d.shift(who[i%2], town, from, from.Add(2*time.Hour)))
	}
	_, err := d.s.AddShifts(d.ctx, shifts, d.duty.ID, "")
	require.NoError(t, err)
	change := func(k int) time.Time { return start.Add(time.Duration(2*k) * time.Hour) } // k from 1
	for k := 1; k <= 5; k++ {
		d.clock.Set(change(k).Add(-30 * time.Minute))
		_, err := d.s.Handover(d.ctx, town, "", who[(k-1)%2].ID, false, "")
		require.NoError(t, err, "change %d", k)
		d.clock.Set(change(k).Add(5 * time.Minute))
		_, err = d.s.AcceptHandover(d.ctx, "", town, who[k%2].ID)
		require.NoError(t, err, "change %d", k)
	}
	// The first change, four handovers later: before the signature both
	// were on duty, after it the second officer alone.
	rd, err := d.s.Duty(d.ctx, town, change(1).Add(2*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, d.officer2.ID, rd[0].Current.Person)
	assert.Equal(t, d.duty.ID, rd[0].Outgoing.Person, "not signed for yet")
	assert.Equal(t, "H-0001", rd[0].Pending.ID)
	rd, err = d.s.Duty(d.ctx, town, change(1).Add(10*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, d.officer2.ID, rd[0].Current.Person)
	assert.False(t, rd[0].Outgoing.Scheduled(), "signed for at %s: nobody is handing over", change(1).Add(5*time.Minute))
	assert.False(t, rd[0].Pending.Made())

	// The last shift changes hands twice: at each time before, between
	// and after, the officer who held it then.
	last := change(5)
	d.clock.Set(last.Add(10 * time.Minute))
	_, err = d.s.SwapShift(d.ctx, "S-0006", d.duty.ID, d.duty.ID)
	require.NoError(t, err)
	d.clock.Set(last.Add(20 * time.Minute))
	sw, err := d.s.SwapShift(d.ctx, "S-0006", d.officer2.ID, d.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, []model.ShiftSwap{{At: last.Add(10 * time.Minute), From: d.officer2.ID}, {At: last.Add(20 * time.Minute), From: d.duty.ID}}, sw.Swaps)
	d.reopen(t) // the swaps are kept
	for at, want := range map[time.Time]model.Person{
		last.Add(7 * time.Minute): d.officer2, last.Add(15 * time.Minute): d.duty, last.Add(25 * time.Minute): d.officer2,
	} {
		rd, err := d.s.Duty(d.ctx, town, at)
		require.NoError(t, err)
		assert.Equal(t, want.ID, rd[0].Current.Person, "at %s", at)
		assert.Equal(t, want.Name, rd[0].Current.Name, "at %s", at)
	}
	requireClean(t, d.s)
}
