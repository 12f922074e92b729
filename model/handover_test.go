package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// history is a fixed night in the town room: the outgoing shift ran from
// 20:00 to 08:00 (the sheet is made at 07:55), with open incidents at each
// tier, a supervision, escalations, a wartime activation with a directive
// some units have not signed for, and a silent gateway.
func history(t *testing.T) model.SheetInput {
	from := time.Date(2026, 11, 28, 20, 0, 0, 0, loc)
	made := time.Date(2026, 11, 29, 7, 55, 0, 0, loc)
	inc := func(seq uint64, id string, tr model.Tier, st model.Status, since time.Duration, sev model.Severity, node model.NodeCode) model.Incident {
		i := at(t, tr, st)
		p := model.DefaultPolicy()
		i.Seq, i.ID, i.Severity, i.Node = seq, id, sev, node
		i.TierSince = made.Add(-since)
		i.AckBy = i.TierSince.Add(p.AckWindow(tr))
		i.DueBy = i.TierSince.Add(p.ResolveWindow(tr, sev))
		return i
	}
	open := []model.Incident{
		inc(1, "HJ-20261128-0001", model.TierGrid, model.StatusAcknowledged, 2*time.Hour, model.SeverityII, duxiG02), // due 1h: red
		inc(2, "HJ-20261128-0002", model.TierGrid, model.StatusAcknowledged, 10*time.Minute, model.SeverityIV, duxiG01),
		inc(3, "HJ-20261129-0003", model.TierTown, model.StatusReported, time.Minute, model.SeverityI, duxi),
		inc(4, "HJ-20261129-0004", model.TierTaskForce, model.StatusReported, 3*time.Hour, model.SeverityII, otherVil), // ack 30m: red
		inc(5, "HJ-20261129-0005", model.TierTaskForce, model.StatusDispatched, time.Hour, model.SeverityII, otherGrid),
		inc(6, "HJ-20261128-0006", model.TierGrid, model.StatusAcknowledged, 3*time.Hour, model.SeverityIII, duxiG10), // due 4h: not red
	}
	open[3].Supervised = true
	resolved := inc(7, "HJ-20261128-0007", model.TierGrid, model.StatusResolved, time.Hour, model.SeverityIII, duxiG02)
	open = append(open, resolved) // not open: left off the sheet

	ev := func(seq uint64, at time.Time, a model.Action, id string, before, after model.State, actor model.PersonID, note string) model.Event {
		name := "system"
		if actor != model.System {
			name = "某人"
		}
		return model.Event{Seq: seq, At: at, Action: a, Incident: id, Node: duxi, Before: before, After: after, Actor: actor, ActorName: name, Note: note}
	}
	townRep := model.State{Tier: model.TierTown, Status: model.StatusReported}
	tf := model.State{Tier: model.TierTaskForce, Status: model.StatusReported}
	events := []model.Event{
		ev(1, from.Add(-time.Minute), model.ActReport, "HJ-20261128-0001", model.State{}, model.State{Tier: model.TierGrid, Status: model.StatusReported}, 13, "before the shift"),
		ev(2, from.Add(time.Hour), model.ActAcknowledge, "HJ-20261128-0001", model.State{}, model.State{}, 11, ""),
		ev(3, from.Add(2*time.Hour), model.ActEscalate, "HJ-20261129-0003", model.State{Tier: model.TierVillage}, townRep, model.System, "village→town"),
		ev(4, from.Add(3*time.Hour), model.ActEscalate, "HJ-20261129-0004", townRep, tf, model.System, "town→taskforce"),
		ev(5, from.Add(4*time.Hour), model.ActSupervise, "HJ-20261129-0004", tf, tf, model.System, "not signed for"),
		ev(6, from.Add(5*time.Hour), model.ActActivate, "", model.State{}, model.State{}, 31, "W-0001: typhoon"),
		ev(7, from.Add(5*time.Hour+time.Minute), model.ActDirective, "", model.State{}, model.State{}, 31, "D-0001"),
		ev(8, from.Add(6*time.Hour), model.ActEscalate, "HJ-20261128-0002", model.State{Tier: model.TierGrid}, model.State{Tier: model.TierVillage}, model.System, "grid→village"),
		ev(9, from.Add(7*time.Hour), model.ActReport, "HJ-20261129-0008", model.State{}, model.State{Tier: model.TierGrid, Status: model.StatusReported}, model.System, "感知网关 gw-1 静默"),
		ev(10, made.Add(time.Minute), model.ActAcknowledge, "HJ-20261129-0003", model.State{}, model.State{}, 31, "after the sheet"),
	}
	act := model.Activation{Seq: 1, ID: "W-0001", Reason: model.ReasonTyphoon, Scope: []model.NodeCode{town}, Since: from.Add(5 * time.Hour)}
	d := model.Directive{Seq: 1, ID: "D-0001", Text: "逐户核查人员去向", Deadline: made.Add(time.Hour)}
	units := []model.DirectiveUnit{
		{Directive: 1, Unit: "330784114266-02-02", SignedAt: from.Add(6 * time.Hour)},
		{Directive: 1, Unit: "330784114266-02-03"},
		{Directive: 1, Unit: "330784114266-01-01", SignedAt: from.Add(6 * time.Hour), Done: 60, Of: 60, CompletedAt: from.Add(7 * time.Hour)},
		{Directive: 1, Unit: "330784114266-01-02"},
	}
	d2 := model.Directive{Seq: 2, ID: "D-0002", Text: "全部签收的指令"}
	signedAll := []model.DirectiveUnit{{Directive: 2, Unit: "330784114266-01-01", SignedAt: made}}
	return model.SheetInput{
		Room: town, RoomName: "花街镇 镇指挥室", From: from, To: made, Open: open, Events: events,
		Names:   func(c model.NodeCode) string { return "名" + string(c[len(c)-2:]) },
		Wartime: model.WartimeStatus{Active: act, Units: make([]model.UnitStatus, 232), Staffed: 226, Gaps: 6},
		Live:    []model.DirectiveUnits{{Directive: d, Units: units}, {Directive: d2, Units: signedAll}},
		Silences: []model.Silence{
			{Kind: model.SilenceGateway, Name: "gw-2", Node: duxi, Since: from.Add(7 * time.Hour), Incident: "HJ-20261129-0009"},
			{Kind: model.SilenceRoom, Name: "渎溪村", Node: duxi, Since: from.Add(2 * time.Hour), Incident: "HJ-20261129-0010"},
		},
		Note: "  330国道货车抛锚\x1b[2J，已通知交警  ",
	}
}

func TestBuildSheet(t *testing.T) {
	in := history(t)
	s := model.BuildSheet(in)
	assert.Equal(t, town, s.Room)
	assert.Equal(t, in.From, s.From)
	assert.Equal(t, in.To, s.To)

	// Open incidents by tier, the top tier first, red first within a tier.
	tiers := make([]model.Tier, len(s.Open))
	for i, st := range s.Open {
		tiers[i] = st.Tier
	}
	assert.Equal(t, []model.Tier{model.TierTaskForce, model.TierTown, model.TierVillage, model.TierGrid}, tiers)
	ids := func(st model.SheetTier) []string {
		var out []string
		for _, i := range st.Incidents {
			out = append(out, i.ID)
		}
		return out
	}
	assert.Equal(t, 2, s.Open[0].Open)
	assert.Equal(t, 1, s.Open[0].Red)
	assert.Equal(t, []string{"HJ-20261129-0004", "HJ-20261129-0005"}, ids(s.Open[0]))
	assert.True(t, s.Open[0].Incidents[0].Red)
	assert.True(t, s.Open[0].Incidents[0].Supervised)
	assert.Equal(t, "名01", s.Open[0].Incidents[1].NodeName)
	assert.Equal(t, []string{"HJ-20261129-0003"}, ids(s.Open[1]))
	assert.Equal(t, 0, s.Open[2].Open)
	assert.Empty(t, s.Open[2].Incidents)
	assert.Equal(t, 3, s.Open[3].Open, "the resolved one is left off")
	assert.Equal(t, 1, s.Open[3].Red)
	assert.Equal(t, []string{"HJ-20261128-0001", "HJ-20261128-0006", "HJ-20261128-0002"}, ids(s.Open[3]),
		"red first, then the least time left")
	open, red := s.Counts()
	assert.Equal(t, 6, open)
	assert.Equal(t, 2, red)

	// The shift's events: only those within it.
	require.Len(t, s.Supervisions, 1)
	assert.Equal(t, "HJ-20261129-0004", s.Supervisions[0].Incident)
	assert.Equal(t, map[model.Action]int{
		model.ActAcknowledge: 1, model.ActEscalate: 3, model.ActSupervise: 1, model.ActActivate: 1,
		model.ActDirective: 1, model.ActReport: 1,
	}, s.Changes)
	var notable []string
	for _, e := range s.Notable {
		notable = append(notable, string(e.Action)+" "+e.Incident)
	}
	assert.Equal(t, []string{
		"report HJ-20261129-0008", // the system opened it (a silence)
		"directive ",
		"activate ",
		"escalate HJ-20261129-0004",
		"escalate HJ-20261129-0003",
	}, notable, "newest first; the climb to the village is not notable")

	// Wartime and the directives not every unit signed for.
	require.NotNil(t, s.Wartime)
	assert.Equal(t, model.SheetWartime{ID: "W-0001", Reason: model.ReasonTyphoon, Since: in.From.Add(5 * time.Hour), MicroGrids: 232, Staffed: 226, Gaps: 6}, *s.Wartime)
	require.Len(t, s.Directives, 1, "the fully signed one is left off")
	d := s.Directives[0]
	assert.Equal(t, "D-0001", d.ID)
	assert.Equal(t, 4, d.Units)
	assert.Equal(t, 2, d.Signed)
	assert.Equal(t, 1, d.Done)
	assert.Equal(t, 2, d.Silent)
	assert.Equal(t, []model.NodeCode{"330784114266-01-02", "330784114266-02-03"}, d.SilentUnits)

	// Silences, the longest first, and the note as given (cleaned).
	require.Len(t, s.Silences, 2)
	assert.Equal(t, model.SilenceRoom, s.Silences[0].Kind)
	assert.Equal(t, "  330国道货车抛锚\x1b[2J，已通知交警  ", s.Note, "BuildSheet keeps the note; NewHandover cleans it")

	h, hev, err := model.NewHandover(3, shift(10, officerA, in.From, in.To.Add(5*time.Minute)), shift(11, officerB, in.To.Add(5*time.Minute), in.To.Add(12*time.Hour)), officerA, s, in.To)
	require.NoError(t, err)
	assert.Equal(t, "330国道货车抛锚，已通知交警", h.Sheet.Note)
	assert.Equal(t, "H-0003", h.ID)
	assert.Equal(t, model.ActHandover, hev.Action)
	assert.Equal(t, "H-0003：值班员甲 交班给 值班员乙：在办 6，超时 2，督办 1，静默 2", hev.NoteZh)
	assert.True(t, h.Waiting())
}

func TestBuildSheetCapsItsLists(t *testing.T) {
	in := history(t)
	in.Open = nil
	for i := 0; i < 40; i++ {
		inc := at(t, model.TierGrid, model.StatusAcknowledged)
		inc.Seq = uint64(100 + i)
		in.Open = append(in.Open, inc)
	}
	s := model.BuildSheet(in)
	grid := s.Open[len(s.Open)-1]
	assert.Equal(t, 40, grid.Open)
	assert.Len(t, grid.Incidents, model.SheetIncidentsPerTier)
}

// A sheet says who staffs the wartime rooms when they were counted: the
// town room, and the villages of its micro-grids whose room has a cadre on
// duty.
func TestBuildSheetRooms(t *testing.T) {
	in := history(t)
	s := model.BuildSheet(in)
	assert.Nil(t, s.Wartime.Rooms, "not counted: not said")

	in.Wartime.Units = []model.UnitStatus{{MicroGrid: duxiG02M3}, {MicroGrid: "330784114266-01-01"}, {MicroGrid: "330784114200-01-01"}}
	in.Wartime.Rooms = model.RoomsOnDuty{Counted: true, Villages: []model.NodeCode{duxi}}
	s = model.BuildSheet(in)
	require.NotNil(t, s.Wartime.Rooms)
	assert.Equal(t, model.SheetRooms{Town: false, Villages: 2, VillagesStaffed: 1}, *s.Wartime.Rooms)
	en, zh := s.Wartime.Rooms.Text()
	assert.Equal(t, "town room not staffed, village rooms 1/2", en)
	assert.Equal(t, "镇指挥室无人在岗，村指挥室在岗 1/2", zh)

	in.Wartime.Rooms.Town = true
	en, zh = model.BuildSheet(in).Wartime.Rooms.Text()
	assert.Equal(t, "town room staffed, village rooms 1/2", en)
	assert.Equal(t, "镇指挥室有人在岗，村指挥室在岗 1/2", zh)
}

func TestHandoverAccept(t *testing.T) {
	out := shift(1, officerA, t0.Add(-12*time.Hour), t0)
	in := shift(2, officerB, t0, t0.Add(12*time.Hour))
	_, _, err := model.NewHandover(1, out, in, gridLeader, model.HandoverSheet{}, t0)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "only the outgoing officer or a duty officer hands over")
	requireZh(t, err)
	h, _, err := model.NewHandover(1, out, in, dutyOfficer, model.HandoverSheet{}, t0)
	require.NoError(t, err, "a duty officer of the town may hand over for them")
	long := model.HandoverSheet{Note: string(make([]rune, model.MaxNoteRunes+1))}
	_, _, err = model.NewHandover(1, out, in, officerA, long, t0)
	assert.Equal(t, "note", model.ErrorField(err))

	_, _, err = h.Accept(officerA, t0.Add(time.Minute))
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "only the incoming officer signs for it")
	requireZh(t, err, "值班员乙")
	got, ev, err := h.Accept(officerB, t0.Add(3*time.Minute))
	require.NoError(t, err)
	assert.False(t, got.Waiting())
	assert.Equal(t, officerB.ID, got.AcceptedBy)
	assert.Equal(t, model.ActHandoverAccept, ev.Action)
	assert.Equal(t, "H-0001：值班员乙 签收 值班员甲 的交班，用时 3m00s", ev.NoteZh)
	_, _, err = got.Accept(officerB, t0.Add(4*time.Minute))
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
}

// A sheet's digest stays while only the clock moves within it (the moment
// it was made, the seconds left), and changes with anything it says: an
// incident turning red, one more open, one more event of the shift.
func TestSheetDigest(t *testing.T) {
	in := history(t)
	d := model.BuildSheet(in).Digest()
	assert.Len(t, d, 24)
	assert.Equal(t, d, model.BuildSheet(in).Digest(), "the same records, the same digest")

	later := in
	later.To = in.To.Add(2 * time.Second)
	assert.Equal(t, d, model.BuildSheet(later).Digest(), "two seconds on, nothing turned red: the same sheet")

	red := in
	red.To = in.To.Add(90 * time.Minute) // HJ-20261128-0006's 4h runs out
	assert.NotEqual(t, d, model.BuildSheet(red).Digest(), "an incident turned red")

	more := in
	more.Open = append(append([]model.Incident(nil), in.Open...), in.Open[1])
	more.Open[len(more.Open)-1].Seq, more.Open[len(more.Open)-1].ID = 11, "HJ-20261129-0011"
	assert.NotEqual(t, d, model.BuildSheet(more).Digest(), "one more open")

	acked := in
	acked.Events = append(append([]model.Event(nil), in.Events...),
		model.Event{Seq: 12, At: in.To.Add(-time.Minute), Action: model.ActAcknowledge, Incident: "HJ-20261128-0002", Node: duxi})
	assert.NotEqual(t, d, model.BuildSheet(acked).Digest(), "one more event of the shift")

	noted := in
	noted.Note = "另有情况"
	assert.NotEqual(t, d, model.BuildSheet(noted).Digest(), "another note")
}

// A sheet's event is named by its incident or reference, once: a note that
// begins with the reference (a wartime's, a directive's) is not preceded
// by it again.
func TestSheetEventLabel(t *testing.T) {
	act := model.SheetEvent{Action: model.ActActivate, Ref: "W-0002", Note: "W-0002: typhoon, scope 花街镇", NoteZh: "W-0002：防台，范围 花街镇"}
	assert.Empty(t, act.Label(act.NoteZh))
	assert.Empty(t, act.Label(act.Note))
	shift := model.SheetEvent{Action: model.ActShiftSwap, Ref: "S-0003", Note: "金建兰 for 吴强忠"}
	assert.Equal(t, "S-0003", shift.Label(shift.Note))
	esc := model.SheetEvent{Action: model.ActEscalate, Incident: "HJ-20261129-0004", Note: "情况紧急"}
	assert.Equal(t, "HJ-20261129-0004", esc.Label(esc.Note))
}
