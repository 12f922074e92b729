package model_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func activation(t *testing.T, scope ...model.NodeCode) model.Activation {
	t.Helper()
	a, _, err := model.Activate(model.Activation{}, 1, model.ReasonTyphoon, scope, false, "", dutyOfficer.ID, t0, nil)
	require.NoError(t, err)
	return a
}

func TestParseScope(t *testing.T) {
	got, err := model.ParseScope([]string{"town"}, town)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town}, got)

	got, err = model.ParseScope([]string{"330784114266，330784114200、330784114266；330784114200\u3000330784114266"}, town)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{otherVil, duxi}, got, "codes typed with Chinese punctuation")

	got, err = model.ParseScope([]string{" 全镇 "}, town)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town}, got, "the console in Chinese offers 全镇")

	got, err = model.ParseScope([]string{"330784114266,330784114200", "330784114266"}, town)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{otherVil, duxi}, got, "sorted, duplicates dropped")

	got, err = model.ParseScope([]string{"330784114266", "town"}, town)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town}, got, "a village inside the town adds nothing")

	for _, bad := range [][]string{nil, {""}, {"330784114266-02"}, {"33078411426"}, {"county"}, {"全县"}} {
		_, err := model.ParseScope(bad, town)
		requireCode(t, err, model.EINVALID)
		assert.Contains(t, err.Error(), "scope")
		requireZh(t, err, "范围：")
	}
	_, err = model.ParseScope([]string{"town"}, "")
	requireCode(t, err, model.EINVALID)
	requireZh(t, err, "范围：")
	assert.Equal(t, "scope", model.ErrorField(err))
}

// The activation's note names its scope as the console names nodes, not
// by the codes; a node the names do not know keeps its code.
func TestActivateNamesItsScope(t *testing.T) {
	names := map[model.NodeCode]string{town: "花街镇", duxi: "渎溪村", otherVil: "倪宅村"}
	_, ev, err := model.Activate(model.Activation{}, 1, model.ReasonTyphoon, []model.NodeCode{town}, false, "", dutyOfficer.ID, t0,
		func(c model.NodeCode) string { return names[c] })
	require.NoError(t, err)
	assert.Equal(t, "W-0001：防台，范围 花街镇 330784114", ev.NoteZh)
	assert.Equal(t, "W-0001: typhoon, scope 花街镇 330784114", ev.Note)

	_, ev, err = model.Activate(model.Activation{}, 2, model.ReasonFlood, []model.NodeCode{duxi, otherVil, "330784114299"}, true, "", dutyOfficer.ID, t0,
		func(c model.NodeCode) string { return names[c] })
	require.NoError(t, err)
	assert.Equal(t, "W-0002：防汛（演练），范围 倪宅村 330784114200、渎溪村 330784114266、330784114299", ev.NoteZh, "in code order; an unknown node by its code")
	assert.Equal(t, "W-0002: flood (drill), scope 倪宅村 330784114200, 渎溪村 330784114266, 330784114299", ev.Note)

	_, ev, err = model.Activate(model.Activation{}, 3, model.ReasonFire, []model.NodeCode{town}, false, "", dutyOfficer.ID, t0, nil)
	require.NoError(t, err)
	assert.Equal(t, "W-0003：火灾，范围 "+string(town), ev.NoteZh, "no names: the codes")
}

func TestActivateAndEnd(t *testing.T) {
	a, ev, err := model.Activate(model.Activation{}, 3, model.ReasonFlood, []model.NodeCode{duxi}, true, "演练", dutyOfficer.ID, t0, nil)
	require.NoError(t, err)
	assert.Equal(t, "W-0003", a.ID)
	assert.True(t, a.Active())
	assert.True(t, a.Drill)
	assert.True(t, a.Covers(duxiG02M3))
	assert.False(t, a.Covers(otherGrid))
	assert.Equal(t, model.ActActivate, ev.Action)
	assert.Equal(t, "W-0003", ev.Directive)
	assert.Contains(t, ev.Note, "flood (drill)")

	_, _, err = model.Activate(a, 4, model.ReasonFire, []model.NodeCode{town}, false, "", dutyOfficer.ID, t0, nil)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "already active")
	requireZh(t, err, "W-0003（防汛）", "已在运行")

	ended, ev, err := a.End(dutyOfficer.ID, t0.Add(3*time.Hour))
	require.NoError(t, err)
	assert.False(t, ended.Active())
	assert.Equal(t, model.ActDeactivate, ev.Action)
	// The English note writes the time as the Chinese one and every
	// other figure of the console do (model.FormatWait), not 3h0m0s.
	assert.Equal(t, "W-0003 ended after 3h00m", ev.Note)
	assert.Equal(t, "W-0003，历时 3h00m", ev.NoteZh)
	_, ev, err = a.End(dutyOfficer.ID, t0.Add(12*time.Second))
	require.NoError(t, err)
	assert.Equal(t, "W-0003 ended after 12s", ev.Note, "a short one in seconds, as wartime report says it (a QA read 0s)")

	_, _, err = ended.End(dutyOfficer.ID, t0)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err, "没有战时状态")
	_, _, err = model.Activate(ended, 4, model.ReasonFire, []model.NodeCode{town}, false, "", dutyOfficer.ID, t0, nil)
	assert.NoError(t, err, "after the end a new activation may start")

	_, _, err = model.Activate(model.Activation{}, 1, "hail", []model.NodeCode{town}, false, "", 1, t0, nil)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err, `原因 "hail"`)
	assert.Equal(t, "reason", model.ErrorField(err))
	_, _, err = model.Activate(model.Activation{}, 1, model.ReasonFire, nil, false, "", 1, t0, nil)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err, "范围：为空")
	assert.Equal(t, "scope", model.ErrorField(err))
	_, _, err = model.Activate(model.Activation{}, 1, model.ReasonFire, []model.NodeCode{town}, false, string(make([]rune, model.MaxNoteRunes+1)), 1, t0, nil)
	requireCode(t, err, model.EINVALID, "note: at most 500 characters")
	requireZh(t, err, "备注：最多 500 字")
	assert.Equal(t, "note", model.ErrorField(err))
}

func TestRoleFor(t *testing.T) {
	cycle := []model.WartimeRole{model.WartimeVanguard, model.WartimeResponder, model.WartimeSpecialist}
	assert.Equal(t, model.WartimeVanguard, model.RoleFor("330784114266-02-01", cycle))
	assert.Equal(t, model.WartimeResponder, model.RoleFor("330784114266-02-02", cycle))
	assert.Equal(t, model.WartimeSpecialist, model.RoleFor("330784114266-02-03", cycle))
	assert.Equal(t, model.WartimeVanguard, model.RoleFor("330784114266-02-04", cycle))
	assert.Equal(t, model.WartimeResponder, model.RoleFor("330784114266-02-05", []model.WartimeRole{model.WartimeResponder}))
	assert.Equal(t, model.WartimeVanguard, model.RoleFor("330784114266-02-01", nil), "no cycle: the default")
}

func TestCanDraft(t *testing.T) {
	a := activation(t, duxi)
	sameVillage := reservist
	sameVillage.Node = duxiG01
	otherVillage := reservist
	otherVillage.Node = otherGrid
	cases := []struct {
		name    string
		act     model.Activation
		p       model.Person
		micro   model.NodeCode
		staffed bool
		drafted bool
		code    string
		msg     string
	}{
		{"same grid", a, reservist, duxiG02M3, false, false, "", ""},
		{"same village", a, sameVillage, duxiG02M3, false, false, "", ""},
		{"other village", a, otherVillage, duxiG02M3, false, false, model.ECONFLICT, "same grid, else the same village"},
		{"not a reserve", a, gridWorker, duxiG02M3, false, false, model.ECONFLICT, "not in the reserve pool"},
		{"staffed", a, reservist, duxiG02M3, true, false, model.ECONFLICT, "already has a worker"},
		{"drafted twice", a, reservist, duxiG02M3, false, true, model.ECONFLICT, "already drafted"},
		{"not a micro-grid", a, reservist, duxiG02, false, false, model.EINVALID, "not a micro-grid"},
		{"outside scope", a, reservist, "330784114200-01-01", false, false, model.ECONFLICT, "outside the wartime scope"},
		{"peacetime", model.Activation{}, reservist, duxiG02M3, false, false, model.ECONFLICT, "no wartime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := model.CanDraft(c.act, c.p, c.micro, c.staffed, c.drafted, nil)
			if c.code == "" {
				assert.NoError(t, err)
				return
			}
			requireCode(t, err, c.code)
			assert.Contains(t, err.Error(), c.msg)
			requireZh(t, err)
		})
	}
}

func TestDirectiveRules(t *testing.T) {
	a := activation(t, town)
	d, err := model.NewDirective(a, 3, "逐户核查人员去向\x1b[2J", []model.NodeCode{duxi, town}, 2*time.Hour, 10*time.Minute, dutyOfficer.ID, t0, nil)
	require.NoError(t, err)
	assert.Equal(t, "D-0003", d.ID)
	assert.Equal(t, "逐户核查人员去向", d.Text, "cleaned")
	assert.Equal(t, []model.NodeCode{town}, d.Targets)
	assert.Equal(t, t0.Add(10*time.Minute), d.SignBy)
	assert.Equal(t, t0.Add(2*time.Hour), d.Deadline)

	refusals := []struct {
		act      model.Activation
		text     string
		targets  []model.NodeCode
		deadline time.Duration
		code     string
		field    string // the input the refusal names; "" for a refusal of the state
	}{
		{model.Activation{}, "x", []model.NodeCode{town}, time.Hour, model.ECONFLICT, ""},
		{a, "  ", []model.NodeCode{town}, time.Hour, model.EINVALID, "text"},
		{a, string(make([]rune, 201)), []model.NodeCode{town}, time.Hour, model.EINVALID, "text"},
		{a, "x", nil, time.Hour, model.EINVALID, "to"},
		{a, "x", []model.NodeCode{town}, 0, model.EINVALID, "deadline"},
		{activation(t, duxi), "x", []model.NodeCode{otherVil}, time.Hour, model.ECONFLICT, "to"},
	}
	for i, r := range refusals {
		_, err := model.NewDirective(r.act, 1, r.text, r.targets, r.deadline, time.Minute, 1, t0, nil)
		requireCode(t, err, r.code)
		requireZh(t, err)
		assert.Equal(t, r.field, model.ErrorField(err), "refusal %d", i)
	}

	u := model.DirectiveUnit{Directive: d.Seq, Unit: duxiG02M3, SentAt: t0}
	s, changed := u.Sign(microWorker.ID, false, t0.Add(time.Minute))
	assert.True(t, changed)
	assert.True(t, s.Signed())
	again, changed := s.Sign(microWorker.ID, false, t0.Add(2*time.Minute))
	assert.False(t, changed, "signing twice is harmless")
	assert.Equal(t, s, again)

	p, err := u.Progress(model.ProgressReport{Done: 30, Of: 63, By: microWorker.ID}, t0.Add(5*time.Minute))
	require.NoError(t, err)
	assert.True(t, p.Signed(), "progress signs for it")
	assert.False(t, p.Complete())
	p, err = p.Progress(model.ProgressReport{Done: 63, Of: 63, By: microWorker.ID}, t0.Add(50*time.Minute))
	require.NoError(t, err)
	assert.True(t, p.Complete())
	assert.Equal(t, t0.Add(50*time.Minute), p.CompletedAt)
	_, err = p.Progress(model.ProgressReport{Done: 10, Of: 63, By: microWorker.ID}, t0)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err, "已完成该指令")
	for _, bad := range [][2]int{{1, 0}, {-1, 5}, {6, 5}} {
		_, err := u.Progress(model.ProgressReport{Done: bad[0], Of: bad[1], By: 1}, t0)
		requireCode(t, err, model.EINVALID)
		requireZh(t, err, "进展")
	}
}

func TestDirectiveSweep(t *testing.T) {
	a := activation(t, town)
	d, err := model.NewDirective(a, 1, "x", []model.NodeCode{town}, 2*time.Hour, 10*time.Minute, 1, t0, nil)
	require.NoError(t, err)
	u := model.DirectiveUnit{Directive: 1, Unit: duxiG02M3, SentAt: t0}
	assert.Equal(t, t0.Add(10*time.Minute), u.NextUnitCheck(d))
	_, ok := u.SweepUnit(d, t0.Add(10*time.Minute-time.Second))
	assert.False(t, ok, "before the sign-for deadline nothing climbs")
	u, ok = u.SweepUnit(d, t0.Add(10*time.Minute))
	require.True(t, ok)
	assert.Equal(t, model.TierVillage, u.Escalated)
	assert.Equal(t, t0.Add(20*time.Minute), u.NextUnitCheck(d))
	_, ok = u.SweepUnit(d, t0.Add(19*time.Minute))
	assert.False(t, ok)
	u, ok = u.SweepUnit(d, t0.Add(20*time.Minute))
	require.True(t, ok)
	assert.Equal(t, model.TierTown, u.Escalated)
	assert.True(t, u.NextUnitCheck(d).IsZero())
	_, ok = u.SweepUnit(d, t0.Add(5*time.Hour))
	assert.False(t, ok, "the town is the top")

	signed, _ := model.DirectiveUnit{Unit: duxiG02M3}.Sign(1, false, t0)
	_, ok = signed.SweepUnit(d, t0.Add(time.Hour))
	assert.False(t, ok, "a signed unit never climbs")
	assert.True(t, signed.NextUnitCheck(d).IsZero())
}

func TestSummarize(t *testing.T) {
	a := activation(t, town)
	d, err := model.NewDirective(a, 1, "x", []model.NodeCode{town}, 2*time.Hour, 10*time.Minute, 1, t0, nil)
	require.NoError(t, err)
	mk := func(unit model.NodeCode, signedAfter time.Duration, done bool, esc model.Tier) model.DirectiveUnit {
		u := model.DirectiveUnit{Directive: 1, Unit: unit, Escalated: esc}
		if signedAfter > 0 {
			u.SignedAt = t0.Add(signedAfter)
		}
		if done {
			u.Done, u.Of, u.CompletedAt = 5, 5, t0.Add(time.Hour)
		}
		return u
	}
	units := []model.DirectiveUnit{
		mk("330784114266-01-01", 1*time.Minute, true, ""),
		mk("330784114266-01-02", 3*time.Minute, false, ""),
		mk("330784114266-02-01", 0, false, model.TierTown),
		mk("330784114200-01-01", 2*time.Minute, true, ""),
		mk("330784114200-01-02", 0, false, model.TierVillage),
	}
	s := model.Summarize(d, units, 3)
	assert.Equal(t, 5, s.Units)
	assert.Equal(t, 3, s.Signed)
	assert.Equal(t, 2, s.Done)
	assert.Equal(t, 2, s.Escalated)
	assert.Equal(t, 2*time.Minute, s.SignMedian)
	assert.Equal(t, 3*time.Minute, s.SignWorst)
	require.Len(t, s.Villages, 2)
	assert.Equal(t, model.VillageProgress{Village: otherVil, Units: 2, Signed: 1, Done: 1, Escalated: model.TierVillage}, s.Villages[0])
	assert.Equal(t, model.VillageProgress{Village: duxi, Units: 3, Signed: 2, Done: 1, Escalated: model.TierTown}, s.Villages[1])
	require.Len(t, s.Slowest, 3)
	assert.Equal(t, model.NodeCode("330784114200-01-02"), s.Slowest[0].Unit, "silent units first")
	assert.Equal(t, model.NodeCode("330784114266-02-01"), s.Slowest[1].Unit)
	assert.Equal(t, model.NodeCode("330784114266-01-02"), s.Slowest[2].Unit, "then the latest signature")
}

func TestReserveCandidates(t *testing.T) {
	reserve := func(id model.PersonID, at model.NodeCode) model.Person {
		return model.Person{ID: id, Name: "储备" + id.String(), Node: at, Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVolunteer}
	}
	inGrid := reserve(1, duxiG02)        // the gap's own grid
	atMicro := reserve(2, duxiG02+"-01") // another micro-grid of that grid
	inVillage := reserve(3, duxiG01)     // another grid of the village
	atVillage := reserve(4, duxi)        // the village itself
	elsewhere := reserve(5, otherGrid)   // another village
	atTown := reserve(6, town)           // above every village
	inGrid2 := reserve(7, duxiUnit)      // a household unit of the grid
	notReserve := gridWorker             // grid staff, not in the pool
	people := []model.Person{inVillage, elsewhere, inGrid, atTown, atVillage, notReserve, atMicro, inGrid2}

	tests := []struct {
		name    string
		micro   model.NodeCode
		people  []model.Person
		drafted map[model.PersonID]bool
		want    []model.Person
	}{
		{"own grid first, then the village, each in roster order", duxiG02M3, people, nil,
			[]model.Person{inGrid, atMicro, inGrid2, inVillage, atVillage}},
		{"the drafted are not candidates", duxiG02M3, people, map[model.PersonID]bool{inGrid.ID: true, inVillage.ID: true},
			[]model.Person{atMicro, inGrid2, atVillage}},
		{"the other village's gap", "330784114200-01-02", people, nil, []model.Person{elsewhere}},
		{"a village nobody in the pool lives in", "330784114201-01-01", people, nil, nil},
		{"no roster", duxiG02M3, nil, nil, nil},
		{"a grid is no gap", duxiG02, people, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, model.ReserveCandidates(tt.micro, tt.people, tt.drafted))
		})
	}
}

func TestDrafted(t *testing.T) {
	drafts := []model.Draft{
		{Person: 1, MicroGrid: duxiG02M3, At: t0},
		{Person: 2, MicroGrid: duxiG01 + "-01", At: t0, Released: t0.Add(time.Hour)},
		{Person: 3, MicroGrid: duxiG01 + "-02", At: t0},
	}
	assert.Equal(t, map[model.PersonID]bool{1: true, 3: true}, model.Drafted(drafts))
	assert.Empty(t, model.Drafted(nil))
}

// Progress: of is bounded by the unit's households (MaxProgressOf when
// they are not known), done never goes down without a note, and each
// refusal names its field and says it in Chinese.
func TestDirectiveProgressBounds(t *testing.T) {
	u := model.DirectiveUnit{Directive: 1, Unit: duxiG02M3, SentAt: t0}
	by := microWorker.ID
	at := t0.Add(5 * time.Minute)
	refusals := []struct {
		name        string
		from        model.DirectiveUnit
		r           model.ProgressReport
		code, field string
		zh          string
	}{
		{"of above the households", u, model.ProgressReport{Done: 1, Of: 64, Households: 63, By: by}, model.EINVALID, "of", "共 63 户"},
		{"of absurd, households unknown", u, model.ProgressReport{Done: 1, Of: math.MaxInt64, By: by}, model.EINVALID, "of", "总数最多 10000"},
		{"done absurd", u, model.ProgressReport{Done: math.MaxInt64 - 1, Of: 63, Households: 63, By: by}, model.EINVALID, "done", "进展"},
		{"of zero", u, model.ProgressReport{Done: 0, Of: 0, By: by}, model.EINVALID, "of", "进展 0/0：总数应大于 0"},
		{"done negative", u, model.ProgressReport{Done: -1, Of: 5, By: by}, model.EINVALID, "done", "进展 -1/5：已完成应在 0 到 5 之间"},
		{"done above of", u, model.ProgressReport{Done: 70, Of: 61, Households: 63, By: by}, model.EINVALID, "done", "已完成应在 0 到 61 之间"},
		{"done down without a note", model.DirectiveUnit{Unit: duxiG02M3, Done: 40, Of: 63, SignedAt: t0, SignedBy: by},
			model.ProgressReport{Done: 30, Of: 63, Households: 63, By: by}, model.ECONFLICT, "done", "已报告完成 40；报低需附备注"},
		{"done down, a blank note", model.DirectiveUnit{Unit: duxiG02M3, Done: 40, Of: 63, SignedAt: t0, SignedBy: by},
			model.ProgressReport{Done: 30, Of: 63, Note: " \u200b ", By: by}, model.ECONFLICT, "done", "报低需附备注"},
		{"a note too long", model.DirectiveUnit{Unit: duxiG02M3, Done: 40, Of: 63, SignedAt: t0, SignedBy: by},
			model.ProgressReport{Done: 30, Of: 63, Note: strings.Repeat("注", model.MaxNoteRunes+1), By: by}, model.EINVALID, "note", "备注：501 字"},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			got, err := r.from.Progress(r.r, at)
			requireCode(t, err, r.code)
			requireZh(t, err, r.zh)
			assert.Equal(t, r.field, model.ErrorField(err))
			assert.Equal(t, r.from, got, "a refusal changes nothing")
		})
	}

	// Within the bounds: up to the households, and down with a note.
	p, err := u.Progress(model.ProgressReport{Done: 63, Of: 63, Households: 63, By: by}, at)
	require.NoError(t, err)
	assert.True(t, p.Complete())
	p, err = u.Progress(model.ProgressReport{Done: 40, Of: model.MaxProgressOf, By: by}, at)
	require.NoError(t, err)
	p, err = p.Progress(model.ProgressReport{Done: 30, Of: 63, Households: 63, Note: "复核：10 户重复登记", By: by}, at)
	require.NoError(t, err)
	assert.Equal(t, 30, p.Done)
	p, err = p.Progress(model.ProgressReport{Done: 30, Of: 63, Households: 63, By: by}, at)
	require.NoError(t, err, "the same figure again needs no note")
	assert.Equal(t, 30, p.Done)
}

// A signature by someone who is not one of the unit's own is on its
// behalf (代签); it counts as signed but not in the sign-for times.
func TestSignOnBehalf(t *testing.T) {
	drafted := model.Person{ID: 52, Name: "志愿者甲", Node: duxiG02, Roles: []model.Role{model.RoleReserve}}
	for _, c := range []struct {
		p      model.Person
		worker model.PersonID
		want   bool
	}{
		{microWorker, microWorker.ID, false}, // the unit's wartime worker
		{microWorker, 0, false},              // at the micro-grid, even with no worker on duty
		{contactPerson, microWorker.ID, false},
		{drafted, drafted.ID, false}, // a reserve drafted into the unit serves it
		{drafted, microWorker.ID, true},
		{gridWorker, microWorker.ID, true}, // the grid above
		{gridLeader, 0, true},
		{villageCadre, microWorker.ID, true}, // the village room, by phone
		{dutyOfficer, microWorker.ID, true},
		{system, microWorker.ID, true},
	} {
		assert.Equal(t, c.want, model.SignsOnBehalf(c.p, duxiG02M3, c.worker), "%s (worker %s)", c.p.Name, c.worker)
	}

	u := model.DirectiveUnit{Directive: 1, Unit: duxiG02M3, SentAt: t0}
	s, changed := u.Sign(villageCadre.ID, true, t0.Add(time.Minute))
	require.True(t, changed)
	assert.True(t, s.OnBehalf)
	assert.Equal(t, villageCadre.ID, s.SignedBy)
	again, changed := s.Sign(microWorker.ID, false, t0.Add(2*time.Minute))
	assert.False(t, changed)
	assert.Equal(t, s, again, "a signature once made stands")
	p, err := u.Progress(model.ProgressReport{Done: 3, Of: 63, By: gridWorker.ID, OnBehalf: true}, t0.Add(3*time.Minute))
	require.NoError(t, err)
	assert.True(t, p.OnBehalf, "progress reported for the unit signs on its behalf")

	a := activation(t, town)
	d, err := model.NewDirective(a, 1, "x", []model.NodeCode{town}, 2*time.Hour, 10*time.Minute, 1, t0, nil)
	require.NoError(t, err)
	own := func(unit model.NodeCode, after time.Duration) model.DirectiveUnit {
		return model.DirectiveUnit{Directive: 1, Unit: unit, SignedAt: t0.Add(after), SignedBy: microWorker.ID}
	}
	behalf := func(unit model.NodeCode, after time.Duration) model.DirectiveUnit {
		u := own(unit, after)
		u.SignedBy, u.OnBehalf = villageCadre.ID, true
		return u
	}
	units := []model.DirectiveUnit{
		own("330784114266-01-01", 20*time.Minute),
		behalf("330784114266-01-02", time.Minute),
		behalf("330784114266-02-01", 2*time.Minute),
		behalf("330784114266-02-02", 3*time.Minute),
		own("330784114266-02-03", 30*time.Minute),
	}
	s2 := model.Summarize(d, units, 0)
	assert.Equal(t, 5, s2.Signed)
	assert.Equal(t, 3, s2.OnBehalf)
	assert.Equal(t, 30*time.Minute, s2.SignMedian, "the median is of the units' own signatures (20m, 30m), not 2m")
	assert.Equal(t, 30*time.Minute, s2.SignWorst)
	s3 := model.Summarize(d, units[1:4], 0)
	assert.Zero(t, s3.SignMedian, "no unit signed itself")
	assert.Equal(t, 3, s3.OnBehalf)
}

// The rooms on duty: the town room is staffed by any of the town's duty
// officers on duty, a village room by one of its own cadres on duty, in
// the scope; others are passed over.
func TestCountRoomsOnDuty(t *testing.T) {
	on := func(p model.Person) model.Person { p.OnDuty = true; return p }
	off := func(p model.Person) model.Person { p.OnDuty = false; return p }
	elsewhere := on(dutyOfficer)
	elsewhere.ID, elsewhere.Node = 32, "330784001" // 东城街道's officer
	atTown := on(villageCadre)
	atTown.ID, atTown.Node = 23, town // a cadre placed at the town: no village room
	atGrid := on(villageCadre)
	atGrid.ID, atGrid.Node = 24, duxiG02 // a cadre placed at a grid of the village
	cadreOfficer := on(villageCadre)
	cadreOfficer.Roles = []model.Role{model.RoleVillageCadre, model.RoleDutyOfficer}
	whole, duxiOnly := activation(t, town), activation(t, duxi)
	rooms := func(town bool, villages ...model.NodeCode) model.RoomsOnDuty {
		return model.RoomsOnDuty{Counted: true, Town: town, Villages: villages}
	}
	for _, c := range []struct {
		name   string
		a      model.Activation
		people []model.Person
		want   model.RoomsOnDuty
	}{
		{"nobody", whole, nil, rooms(false)},
		{"officer and two cadres", whole, []model.Person{dutyOfficer, on(villageCadre), on(otherCadre)}, rooms(true, otherVil, duxi)},
		{"off duty", whole, []model.Person{off(dutyOfficer), villageCadre, otherCadre}, rooms(false)},
		{"another town's officer", whole, []model.Person{elsewhere}, rooms(false)},
		{"two cadres of one village", whole, []model.Person{on(villageCadre), atGrid}, rooms(false, duxi)},
		{"a cadre outside the scope", duxiOnly, []model.Person{dutyOfficer, on(villageCadre), on(otherCadre)}, rooms(true, duxi)},
		{"a cadre at the town", whole, []model.Person{atTown}, rooms(false)},
		{"a cadre who is also a duty officer", whole, []model.Person{cadreOfficer}, rooms(true, duxi)},
		{"not a room's role", whole, []model.Person{on(gridLeader), on(microWorker)}, rooms(false)},
	} {
		assert.Equal(t, c.want, model.CountRoomsOnDuty(c.a, c.people, nil), c.name)
	}
}

// StaffsTownRoom is the town room's rule of CountRoomsOnDuty, which the
// console's header names by: a duty officer of the town on duty, placed
// anywhere in it.
func TestStaffsTownRoom(t *testing.T) {
	on := func(p model.Person) model.Person { p.OnDuty = true; return p }
	off := func(p model.Person) model.Person { p.OnDuty = false; return p }
	atVillage := on(dutyOfficer)
	atVillage.Node = duxi
	cadreOfficer := on(villageCadre)
	cadreOfficer.Roles = []model.Role{model.RoleVillageCadre, model.RoleDutyOfficer}
	whole := activation(t, town)
	for _, c := range []struct {
		name string
		p    model.Person
		town model.NodeCode
		want bool
	}{
		{"on duty", on(dutyOfficer), town, true},
		{"placed at a village of the town", atVillage, town, true},
		{"a cadre who is also a duty officer", cadreOfficer, town, true},
		{"off duty", off(dutyOfficer), town, false},
		{"another town", on(dutyOfficer), "330784001", false},
		{"no town", on(dutyOfficer), "", false},
		{"a cadre", on(villageCadre), town, false},
	} {
		assert.Equal(t, c.want, c.p.StaffsTownRoom(c.town), c.name)
		assert.Equal(t, c.p.StaffsTownRoom(town), model.CountRoomsOnDuty(whole, []model.Person{c.p}, nil).Town, "%s: as CountRoomsOnDuty counts", c.name)
	}
}

// A room with a duty schedule is staffed while one of its shifts runs,
// whatever its people's on-duty flags say; one without a schedule by the
// flags, as before.
func TestCountRoomsOnDutyByTheSchedule(t *testing.T) {
	on := func(p model.Person) model.Person { p.OnDuty = true; return p }
	whole, duxiOnly := activation(t, town), activation(t, duxi)
	rooms := func(town bool, villages ...model.NodeCode) model.RoomsOnDuty {
		return model.RoomsOnDuty{Counted: true, Town: town, Villages: villages}
	}
	cadres := []model.Person{on(villageCadre), otherCadre} // 渎溪村's on duty, 倪宅村's off
	for _, c := range []struct {
		name      string
		a         model.Activation
		scheduled map[model.NodeCode]bool
		want      model.RoomsOnDuty
	}{
		{"no schedule: the flags", whole, nil, rooms(false, duxi)},
		{"a shift runs in 倪宅村, its cadre off duty", whole, map[model.NodeCode]bool{otherVil: true}, rooms(false, otherVil, duxi)},
		{"no shift runs in 渎溪村, its cadre on duty", whole, map[model.NodeCode]bool{duxi: false}, rooms(false)},
		{"both by the schedule", whole, map[model.NodeCode]bool{duxi: false, otherVil: true}, rooms(false, otherVil)},
		{"a shift outside the scope", duxiOnly, map[model.NodeCode]bool{otherVil: true}, rooms(false, duxi)},
		{"a room's shift that is no village's", whole, map[model.NodeCode]bool{duxiG02: true}, rooms(false, duxi)},
	} {
		assert.Equal(t, c.want, model.CountRoomsOnDuty(c.a, cadres, c.scheduled), c.name)
	}
	// The town room likewise, in a village's wartime too.
	for _, a := range []model.Activation{whole, duxiOnly} {
		officer := []model.Person{on(dutyOfficer)}
		assert.True(t, model.CountRoomsOnDuty(a, officer, nil).Town, "no schedule: the officer on duty")
		assert.False(t, model.CountRoomsOnDuty(a, officer, map[model.NodeCode]bool{town: false}).Town, "no shift runs")
		assert.True(t, model.CountRoomsOnDuty(a, nil, map[model.NodeCode]bool{town: true}).Town, "a shift runs, nobody on duty")
	}
}

// Who may sign for a micro-grid or report its progress, whichever way it
// comes (the field API, the command line, the console's 代签): its wartime
// worker, anyone whose scope covers it (its own worker, the grid and the
// village above, the town, a room above the towns) and the system; no one
// else, not a household contact under it either, refused naming the person
// and the unit.
func TestMaySignFor(t *testing.T) {
	drafted := model.Person{ID: 52, Name: "志愿者甲", Node: duxiG01, Roles: []model.Role{model.RoleReserve}}
	county := model.Person{ID: 32, Name: "县值班", Node: "330784", Roles: []model.Role{model.RoleDutyOfficer}}
	townAtVillage := model.Person{ID: 33, Name: "驻村值班", Node: otherVil, Roles: []model.Role{model.RoleDutyOfficer}}
	otherMicro := model.Person{ID: 42, Name: "微网格员乙", Node: duxiG02.Child(1), Roles: []model.Role{model.RoleMicroGridWorker}}
	for _, c := range []struct {
		p      model.Person
		worker model.PersonID
		want   bool
	}{
		{microWorker, microWorker.ID, true},
		{microWorker, 0, true},
		{drafted, drafted.ID, true}, // a reserve drafted in from another grid serves it
		{drafted, microWorker.ID, false},
		{reservist, 0, true}, // the grid above
		{gridLeader, microWorker.ID, true},
		{partWorker, microWorker.ID, true},
		{villageCadre, microWorker.ID, true},
		{dutyOfficer, microWorker.ID, true},
		{townAtVillage, microWorker.ID, true}, // a duty officer's scope is the town
		{county, microWorker.ID, true},
		{system, 0, true},
		{otherLeader, microWorker.ID, false}, // another grid
		{otherCadre, microWorker.ID, false},  // another village
		{otherMicro, microWorker.ID, false},  // another micro-grid
		{contactPerson, microWorker.ID, false},
	} {
		err := model.MaySignFor(c.p, duxiG02M3, c.worker, nil)
		if c.want {
			assert.NoError(t, err, "%s (worker %s)", c.p.Name, c.worker)
			continue
		}
		require.Error(t, err, "%s (worker %s)", c.p.Name, c.worker)
		assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
		assert.Equal(t, "unit", model.ErrorField(err))
		assert.Equal(t, fmt.Sprintf("%s (%s) may act only within %s; %s is outside it", c.p.ID, c.p.Name, c.p.Node, duxiG02M3), model.ErrorMessage(err))
		assert.Equal(t, fmt.Sprintf("%s（%s）只能在 %s 内操作；%s 不在其中", c.p.ID, c.p.Name, c.p.Node, duxiG02M3), model.ErrorMessageZh(err))
	}
}

// MayResend: a room resends within its own node, the room above to every
// silent unit; within a node outside one's scope, or to all with silent
// units beyond it, is refused.
func TestMayResend(t *testing.T) {
	for _, c := range []struct {
		p      model.Person
		within model.NodeCode
		beyond int
		field  string // "" allowed
	}{
		{villageCadre, duxi, 0, ""},
		{villageCadre, duxiG02, 0, ""},
		{gridLeader, duxiG02, 0, ""},
		{dutyOfficer, "", 0, ""},
		{dutyOfficer, duxi, 0, ""},
		{system, "", 3, ""},
		{villageCadre, "", 0, ""}, // every silent unit lies in the village
		{villageCadre, "", 221, "-"},
		{gridLeader, duxi, 0, "within"},
		{otherCadre, duxi, 0, "within"},
		{contactPerson, duxiG02, 0, "within"},
	} {
		err := model.MayResend(c.p, "D-0002", c.within, c.beyond, nil)
		if c.field == "" {
			assert.NoError(t, err, "%s within %q", c.p.Name, c.within)
			continue
		}
		require.Error(t, err, "%s within %q", c.p.Name, c.within)
		assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
		if c.field == "within" {
			assert.Equal(t, "within", model.ErrorField(err))
			continue
		}
		assert.Equal(t, fmt.Sprintf("D-0002: 221 of its silent micro-grids lie outside %s, where %s (%s) may act: resend within it, or from the room above", c.p.Node, c.p.ID, c.p.Name), model.ErrorMessage(err))
		assert.Contains(t, model.ErrorMessageZh(err), "由上级指挥室重发")
	}
}

// TestWartimeRefusalsNameTheNodes: the wartime and directive rules' refusals
// name the nodes as the console does, name with code, where names knows
// them (a review saw "330784114223 is outside the wartime scope
// (330784114266)" on the command line), in English and in Chinese.
func TestWartimeRefusalsNameTheNodes(t *testing.T) {
	names := func(c model.NodeCode) string {
		return map[model.NodeCode]string{town: "花街镇", duxi: "渎溪村", otherVil: "倪宅村", duxiG02: "渎溪村 02", duxiG02M3: "渎溪村 02-03",
			otherGrid: "倪宅村 01", "330784115": "大溪镇"}[c]
	}
	a := activation(t, duxi)
	_, err := model.NewDirective(a, 1, "x", []model.NodeCode{otherVil}, time.Hour, time.Minute, 1, t0, names)
	assert.Equal(t, "to: 倪宅村 330784114200 is outside the wartime scope (渎溪村 330784114266)", model.ErrorMessage(err))
	assert.Equal(t, "下达范围：倪宅村 330784114200 不在战时范围内（渎溪村 330784114266）", model.ErrorMessageZh(err))

	other := reservist
	other.Node = otherGrid
	for _, c := range []struct {
		p       model.Person
		micro   model.NodeCode
		staffed bool
		en, zh  string
	}{
		{reservist, otherGrid + "-01", false, "330784114200-01-01 is outside the wartime scope (渎溪村 330784114266)", "330784114200-01-01 不在战时范围内（渎溪村 330784114266）"},
		{reservist, duxiG02, false, "渎溪村 02 330784114266-02 is not a micro-grid", "渎溪村 02 330784114266-02 不是微网格"},
		{reservist, duxiG02M3, true, "渎溪村 02-03 330784114266-02-03 already has a worker", "渎溪村 02-03 330784114266-02-03 已有微网格员"},
		{other, duxiG02M3, false, "belongs to 倪宅村 01 330784114200-01;", "属于 倪宅村 01 330784114200-01；"},
	} {
		err := model.CanDraft(a, c.p, c.micro, c.staffed, false, names)
		assert.Contains(t, model.ErrorMessage(err), c.en)
		assert.Contains(t, model.ErrorMessageZh(err), c.zh)
	}

	err = model.MaySignFor(otherCadre, duxiG02M3, microWorker.ID, names)
	assert.Equal(t, "P22 (村干部己) may act only within 倪宅村 330784114200; 渎溪村 02-03 330784114266-02-03 is outside it", model.ErrorMessage(err))
	assert.Equal(t, "P22（村干部己）只能在 倪宅村 330784114200 内操作；渎溪村 02-03 330784114266-02-03 不在其中", model.ErrorMessageZh(err))
	err = model.MayCommand(otherCadre, []model.NodeCode{duxi}, "to", names)
	assert.Equal(t, "P22 (村干部己) may act only within 倪宅村 330784114200; 渎溪村 330784114266 is outside it", model.ErrorMessage(err))
	err = model.MayResend(villageCadre, "D-0002", "", 3, names)
	assert.Contains(t, model.ErrorMessage(err), "lie outside 渎溪村 330784114266, where")
	assert.Contains(t, model.ErrorMessageZh(err), "在 渎溪村 330784114266 以外")
	_, err = model.OneTown([]model.NodeCode{duxi, "330784115001"}, "to", names)
	assert.Contains(t, model.ErrorMessage(err), "spans 2 towns (花街镇 330784114, 大溪镇 330784115)")
	assert.Contains(t, model.ErrorMessageZh(err), "跨 2 个镇（花街镇 330784114、大溪镇 330784115）")

	u := model.DirectiveUnit{Unit: duxiG02M3, Done: 40, Of: 60}
	_, err = u.Progress(model.ProgressReport{Done: 30, Of: 60, UnitName: "渎溪村 02-03 330784114266-02-03"}, t0)
	assert.Equal(t, "progress 30/60: 渎溪村 02-03 330784114266-02-03 already reported 40 done; a lower figure needs a note saying why", model.ErrorMessage(err))
	_, err = u.Progress(model.ProgressReport{Done: 30, Of: 60}, t0)
	assert.Contains(t, model.ErrorMessage(err), ": 330784114266-02-03 already reported", "no name: its code")
}

// TestCheckTargetsNamesPlacesAsItsCallerDoes: NewDirective's scope check
// names the places as its caller names them (the console: by name alone),
// each language's list joined by its own separator, on "to"; nil within
// the scope.
func TestCheckTargetsNamesPlacesAsItsCallerDoes(t *testing.T) {
	a := activation(t, duxi, otherVil)
	places := func(cs []model.NodeCode, sep string) string {
		s := make([]string, len(cs))
		for i, c := range cs {
			s[i] = map[model.NodeCode]string{town: "花街镇", duxi: "渎溪村", otherVil: "倪宅村"}[c]
		}
		return strings.Join(s, sep)
	}
	require.NoError(t, model.CheckTargets(a, []model.NodeCode{duxi, otherVil}, places))
	err := model.CheckTargets(a, []model.NodeCode{duxi, town}, places)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Equal(t, "to", model.ErrorField(err))
	assert.Equal(t, "to: 花街镇 is outside the wartime scope (倪宅村, 渎溪村)", model.ErrorMessage(err))
	assert.Equal(t, "下达范围：花街镇 不在战时范围内（倪宅村、渎溪村）", model.ErrorMessageZh(err))
}
