package model_test

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the rotations are tested in zones with daylight time

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	require.NoError(t, err)
	return l
}

// handoffs lists a rotation's shifts as "from→to (length) person".
func handoffs(shifts []model.Shift, loc *time.Location) []string {
	out := make([]string, len(shifts))
	for i, s := range shifts {
		out[i] = fmt.Sprintf("%s→%s %s %s", s.From.In(loc).Format("01-02 15:04 MST"), s.To.In(loc).Format("01-02 15:04 MST"),
			s.To.Sub(s.From), s.Person)
	}
	return out
}

func TestRotationShifts(t *testing.T) {
	shanghai := zone(t, "Asia/Shanghai")
	berlin := zone(t, "Europe/Berlin")
	newYork := zone(t, "America/New_York")
	three := []model.PersonID{1, 2, 3}
	tests := []struct {
		name  string
		rot   model.Rotation
		first time.Time
		days  int
		loc   *time.Location
		want  []string
	}{
		{
			name: "12h from 20:00 crosses midnight, in Shanghai",
			rot:  model.Rotation{Room: town, People: three, Length: 12 * time.Hour, Handoff: "20:00"},
			// Only the date of first matters.
			first: time.Date(2026, 11, 28, 15, 0, 0, 0, shanghai), days: 2, loc: shanghai,
			want: []string{
				"11-28 20:00 CST→11-29 08:00 CST 12h0m0s P1",
				"11-29 08:00 CST→11-29 20:00 CST 12h0m0s P2",
				"11-29 20:00 CST→11-30 08:00 CST 12h0m0s P3",
				"11-30 08:00 CST→11-30 20:00 CST 12h0m0s P1",
			},
		},
		{
			name:  "daily at 08:00 over the spring change: the night of the change is an hour short",
			rot:   model.Rotation{Room: duxi, People: []model.PersonID{7, 8}, Length: 24 * time.Hour, Handoff: "08:00"},
			first: time.Date(2026, 3, 28, 0, 0, 0, 0, berlin), days: 3, loc: berlin,
			want: []string{
				"03-28 08:00 CET→03-29 08:00 CEST 23h0m0s P7",
				"03-29 08:00 CEST→03-30 08:00 CEST 24h0m0s P8",
				"03-30 08:00 CEST→03-31 08:00 CEST 24h0m0s P7",
			},
		},
		{
			name:  "12h at 08:00 and 20:00 over the autumn change: the night is an hour long",
			rot:   model.Rotation{Room: town, People: three, Length: 12 * time.Hour, Handoff: "08:00"},
			first: time.Date(2026, 10, 31, 0, 0, 0, 0, newYork), days: 2, loc: newYork,
			want: []string{
				"10-31 08:00 EDT→10-31 20:00 EDT 12h0m0s P1",
				"10-31 20:00 EDT→11-01 08:00 EST 13h0m0s P2",
				"11-01 08:00 EST→11-01 20:00 EST 12h0m0s P3",
				"11-01 20:00 EST→11-02 08:00 EST 12h0m0s P1",
			},
		},
		{
			name:  "a handoff the spring change skips (02:30) falls an hour later",
			rot:   model.Rotation{Room: town, People: three, Length: 24 * time.Hour, Handoff: "02:30"},
			first: time.Date(2026, 3, 28, 0, 0, 0, 0, berlin), days: 2, loc: berlin,
			want: []string{
				"03-28 02:30 CET→03-29 03:30 CEST 24h0m0s P1",
				"03-29 03:30 CEST→03-30 02:30 CEST 23h0m0s P2",
			},
		},
		{
			name:  "a handoff the autumn change repeats (01:30) falls at the first",
			rot:   model.Rotation{Room: town, People: three, Length: 24 * time.Hour, Handoff: "01:30"},
			first: time.Date(2026, 10, 31, 0, 0, 0, 0, newYork), days: 2, loc: newYork,
			want: []string{
				"10-31 01:30 EDT→11-01 01:30 EDT 24h0m0s P1",
				"11-01 01:30 EDT→11-02 01:30 EST 25h0m0s P2",
			},
		},
		{
			name:  "8h shifts at 06:00 over the spring change",
			rot:   model.Rotation{Room: town, People: three, Length: 8 * time.Hour, Handoff: "06:00"},
			first: time.Date(2026, 3, 28, 0, 0, 0, 0, berlin), days: 1, loc: berlin,
			want: []string{
				"03-28 06:00 CET→03-28 14:00 CET 8h0m0s P1",
				"03-28 14:00 CET→03-28 22:00 CET 8h0m0s P2",
				"03-28 22:00 CET→03-29 06:00 CEST 7h0m0s P3",
			},
		},
		{
			name:  "a weekly rotation",
			rot:   model.Rotation{Room: town, People: []model.PersonID{4, 5}, Length: 168 * time.Hour, Handoff: "09:00"},
			first: time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai), days: 14, loc: shanghai,
			want: []string{
				"11-30 09:00 CST→12-07 09:00 CST 168h0m0s P4",
				"12-07 09:00 CST→12-14 09:00 CST 168h0m0s P5",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.rot.Shifts(tt.first, tt.days, tt.loc)
			require.NoError(t, err)
			assert.Equal(t, tt.want, handoffs(got, tt.loc))
			for i := 1; i < len(got); i++ {
				assert.True(t, got[i-1].To.Equal(got[i].From), "shifts follow one another without a gap")
			}
			for _, s := range got {
				assert.Equal(t, tt.rot.Room, s.Room)
			}
		})
	}
}

func TestRotationRefusals(t *testing.T) {
	ok := model.Rotation{Room: town, People: []model.PersonID{1}, Length: 12 * time.Hour, Handoff: "08:00"}
	for _, tt := range []struct {
		name  string
		edit  func(r *model.Rotation)
		days  int
		field string
	}{
		{"a grid is no room", func(r *model.Rotation) { r.Room = duxiG02 }, 7, "room"},
		{"nobody", func(r *model.Rotation) { r.People = nil }, 7, "people"},
		{"5h does not divide a day", func(r *model.Rotation) { r.Length = 5 * time.Hour }, 7, "length"},
		{"36h is not whole days", func(r *model.Rotation) { r.Length = 36 * time.Hour }, 7, "length"},
		{"90m is not whole hours", func(r *model.Rotation) { r.Length = 90 * time.Minute }, 7, "length"},
		{"25:00 is no time of day", func(r *model.Rotation) { r.Handoff = "25:00" }, 7, "handoff"},
		{"8 is no time of day", func(r *model.Rotation) { r.Handoff = "8" }, 7, "handoff"},
		{"no days", func(*model.Rotation) {}, 0, "weeks"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			_, err := r.Shifts(t0, tt.days, loc)
			require.Error(t, err)
			assert.Equal(t, model.EINVALID, model.ErrorCode(err))
			assert.Equal(t, tt.field, model.ErrorField(err))
			assert.NotEmpty(t, model.ErrorMessageZh(err))
		})
	}
}

func TestParseRoomAndStaff(t *testing.T) {
	r, err := model.ParseRoom("town", town)
	require.NoError(t, err)
	assert.Equal(t, town, r)
	r, err = model.ParseRoom("全镇", town)
	require.NoError(t, err)
	assert.Equal(t, town, r)
	r, err = model.ParseRoom(" 330784114266 ", town)
	require.NoError(t, err)
	assert.Equal(t, duxi, r)
	_, err = model.ParseRoom(string(duxiG02), town)
	assert.Equal(t, "room", model.ErrorField(err))
	_, err = model.ParseRoom("town", "")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))

	assert.True(t, model.MayStaff(dutyOfficer, town))
	assert.True(t, model.MayStaff(dutyOfficer, duxi), "a duty officer may staff a village room of the town")
	assert.True(t, model.MayStaff(villageCadre, duxi))
	assert.False(t, model.MayStaff(villageCadre, otherVil), "a cadre staffs their own village's room only")
	assert.False(t, model.MayStaff(villageCadre, town))
	assert.False(t, model.MayStaff(gridLeader, duxi))
	otherTown := dutyOfficer
	otherTown.Node = "330784001"
	assert.False(t, model.MayStaff(otherTown, town))

	duxiName := func(c model.NodeCode) string { return map[model.NodeCode]string{duxi: "渎溪村"}[c] }
	s := model.Shift{Room: duxi, Person: gridLeader.ID, From: t0, To: t0.Add(time.Hour)}
	err = model.CheckShift(s, gridLeader, nil)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	s.Person = villageCadre.ID
	require.NoError(t, model.CheckShift(s, villageCadre, nil))
	s.To = s.From
	assert.Equal(t, "to", model.ErrorField(model.CheckShift(s, villageCadre, nil)))
	s.To = s.From.Add(model.MaxShift + time.Minute)
	assert.Equal(t, "to", model.ErrorField(model.CheckShift(s, villageCadre, nil)))
	// The room named by its node's name, with its code.
	err = model.CheckShift(s, villageCadre, duxiName)
	assert.Contains(t, model.ErrorMessage(err), "shift in 渎溪村 "+string(duxi)+": ")
	assert.Contains(t, model.ErrorMessageZh(err), "渎溪村 "+string(duxi)+" 的班次")
	s.To = s.From.Add(time.Hour)
	assert.Contains(t, model.ErrorMessage(model.CheckShift(s, gridLeader, duxiName)), "may not hold a shift in 渎溪村 "+string(duxi)+": only")
	assert.Contains(t, model.ErrorMessage(model.CheckShift(s, gridLeader, nil)), "may not hold a shift in "+string(duxi)+": only", "the code alone where the name is not known")
}

// shift is a stored shift of the town room for the tests.
func shift(seq uint64, p model.Person, from, to time.Time) model.Shift {
	return model.Shift{Seq: seq, ID: model.FormatShiftID(seq), Room: town, Person: p.ID, Name: p.Name, From: from, To: to}
}

var (
	officerA = model.Person{ID: 32, Name: "值班员甲", Phone: "13800000032", Node: town, Roles: []model.Role{model.RoleDutyOfficer}}
	officerB = model.Person{ID: 33, Name: "值班员乙", Phone: "13800000033", Node: town, Roles: []model.Role{model.RoleDutyOfficer}}
)

func TestOnDuty(t *testing.T) {
	change := t0.Add(50 * time.Minute) // 04:00
	a := shift(1, officerA, change.Add(-12*time.Hour), change)
	b := shift(2, officerB, change, change.Add(12*time.Hour))
	c := shift(3, officerA, change.Add(12*time.Hour), change.Add(24*time.Hour))
	shifts := []model.Shift{c, a, b} // any order
	made := model.Handover{Seq: 1, ID: "H-0001", Room: town, OutShift: 1, InShift: 2, Outgoing: a.Person, Incoming: b.Person,
		MadeAt: change.Add(-5 * time.Minute)}
	signed := made
	signed.AcceptedAt, signed.AcceptedBy = change.Add(10*time.Minute), b.Person
	signedEarly := made
	signedEarly.AcceptedAt, signedEarly.AcceptedBy = change.Add(-3*time.Minute), b.Person

	tests := []struct {
		name            string
		handovers       []model.Handover
		at              time.Time
		cur, out, next  uint64
		ended           uint64 // no shift runs: the last that ended
		pending         string
		changeOut, chIn uint64
		changeErr       bool
		// A preview (nothing stored) is the change to come at any time in
		// the shift; where it is 0, the preview is refused as the change.
		previewOut, previewIn uint64
	}{
		{name: "early in A's shift", at: t0.Add(-2 * time.Hour), cur: 1, next: 2, changeErr: true, previewOut: 1, previewIn: 2},
		{name: "within the hour before the change", at: change.Add(-30 * time.Minute), cur: 1, next: 2, changeOut: 1, chIn: 2},
		{name: "after the change, nothing handed over: A is still on duty", at: change.Add(time.Minute), cur: 2, out: 1, next: 3, changeOut: 1, chIn: 2},
		{name: "handed over, not yet signed for", handovers: []model.Handover{signed}, at: change.Add(5 * time.Minute),
			cur: 2, out: 1, next: 3, pending: "H-0001", changeOut: 1, chIn: 2},
		{name: "signed for: B alone", handovers: []model.Handover{signed}, at: change.Add(10 * time.Minute), cur: 2, next: 3, changeErr: true,
			previewOut: 2, previewIn: 3},
		{name: "handed over early, not yet signed for: both on duty, B first", handovers: []model.Handover{made}, at: change.Add(-4 * time.Minute),
			cur: 2, out: 1, next: 3, pending: "H-0001", changeOut: 1, chIn: 2},
		{name: "handed over early and signed for: B alone before the change", handovers: []model.Handover{signedEarly}, at: change.Add(-2 * time.Minute),
			cur: 2, next: 3, changeErr: true, previewOut: 2, previewIn: 3},
		{name: "signed for early, after the change", handovers: []model.Handover{signedEarly}, at: change.Add(time.Minute),
			cur: 2, next: 3, changeErr: true, previewOut: 2, previewIn: 3},
		{name: "before the early handover was made", handovers: []model.Handover{signedEarly}, at: change.Add(-6 * time.Minute),
			cur: 1, next: 2, changeOut: 1, chIn: 2},
		{name: "before the first shift", at: a.From.Add(-time.Minute), next: 1, changeErr: true},
		{name: "after the last", at: c.To, ended: 3, changeErr: true},
		{name: "a day after the last", at: c.To.Add(24 * time.Hour), ended: 3, changeErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd := model.OnDuty(town, append([]model.Shift(nil), shifts...), tt.handovers, tt.at)
			assert.Equal(t, tt.cur, rd.Current.Seq, "current")
			assert.Equal(t, tt.out, rd.Outgoing.Seq, "outgoing")
			assert.Equal(t, tt.next, rd.Next.Seq, "next")
			assert.Equal(t, tt.ended, rd.Ended.Seq, "ended")
			assert.Equal(t, tt.pending, rd.Pending.ID, "pending")
			out, in, err := rd.ShiftChange(tt.at, true)
			switch {
			case tt.previewOut != 0:
				require.NoError(t, err, "a preview")
				assert.Equal(t, tt.previewOut, out.Seq)
				assert.Equal(t, tt.previewIn, in.Seq)
			case tt.changeErr:
				require.Error(t, err, "a preview")
			default:
				require.NoError(t, err, "a preview")
				assert.Equal(t, tt.changeOut, out.Seq)
			}
			out, in, err = rd.ShiftChange(tt.at, false)
			if tt.changeErr {
				require.Error(t, err)
				assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
				assert.NotEmpty(t, model.ErrorMessageZh(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.changeOut, out.Seq)
			assert.Equal(t, tt.chIn, in.Seq)
		})
	}
}

func TestShiftSwap(t *testing.T) {
	s := shift(4, officerA, t0.Add(time.Hour), t0.Add(13*time.Hour))
	got, ev, err := s.Swap(officerB, dutyOfficer, t0)
	require.NoError(t, err)
	assert.Equal(t, officerB.ID, got.Person)
	assert.Equal(t, officerA.ID, got.Swapped)
	assert.Equal(t, model.ActShiftSwap, ev.Action)
	assert.Equal(t, "S-0004", ev.Directive)
	assert.Contains(t, ev.NoteZh, "值班员甲 → 值班员乙")
	assert.Equal(t, []model.ShiftSwap{{At: t0, From: officerA.ID}}, got.Swaps)
	assert.Equal(t, got, got.HeldAt(t0), "swapped by then")
	before := got.HeldAt(t0.Add(-time.Minute))
	assert.Equal(t, officerA.ID, before.Person, "as it stood before the swap")
	assert.Empty(t, before.Swaps)
	assert.Zero(t, before.Swapped)
	assert.Empty(t, before.Name, "the roster's name of the other officer")

	_, _, err = s.Swap(officerA, dutyOfficer, t0)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "already theirs")
	_, _, err = s.Swap(gridLeader, dutyOfficer, t0)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	_, _, err = s.Swap(officerB, dutyOfficer, s.To)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "over")
}

// A rotation's shift length: hours, or whole days as the help says (a QA:
// --length 1d was refused).
func TestParseShiftLength(t *testing.T) {
	for in, want := range map[string]time.Duration{"12h": 12 * time.Hour, "1d": 24 * time.Hour, " 7D ": 7 * 24 * time.Hour, "2天": 48 * time.Hour, "168h": 168 * time.Hour} {
		got, err := model.ParseShiftLength(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "1w", "0d", "-1d", "d", "1.5d", "soon"} {
		_, err := model.ParseShiftLength(in)
		require.Error(t, err, in)
		assert.Equal(t, model.EINVALID, model.ErrorCode(err), in)
		assert.NotEmpty(t, model.ErrorMessageZh(err), in)
	}
	l, err := model.ParseShiftLength("1d")
	require.NoError(t, err)
	require.NoError(t, model.Rotation{Room: town, People: []model.PersonID{1}, Length: l, Handoff: "08:00"}.Check())
}

// TestMaySchedule: a county officer schedules the rooms of the county's
// towns without staffing them; a town's officer schedules their own town's
// rooms only, a cadre their village's room.
func TestMaySchedule(t *testing.T) {
	officer := func(node model.NodeCode) model.Person {
		return model.Person{ID: 3, Name: "值班", Node: node, Roles: []model.Role{model.RoleDutyOfficer}}
	}
	cadre := model.Person{ID: 4, Name: "村干", Node: "330784114266", Roles: []model.Role{model.RoleVillageCadre}}
	for _, tc := range []struct {
		p           model.Person
		room        model.NodeCode
		may, staffs bool
	}{
		{officer("330784"), "330784001001", true, false},
		{officer("330784"), "330784114", true, false},
		{officer("3307"), "330784114", true, false},
		{officer("330782"), "330784114", false, false},
		{officer("330784114"), "330784114266", true, true},
		{officer("330784114"), "330784001001", false, false},
		{cadre, "330784114266", true, true},
		{cadre, "330784114", false, false},
	} {
		assert.Equal(t, tc.may, model.MaySchedule(tc.p, tc.room), "%s in %s", tc.p.Node, tc.room)
		assert.Equal(t, tc.staffs, model.MayStaff(tc.p, tc.room), "%s staffs %s", tc.p.Node, tc.room)
	}
}
