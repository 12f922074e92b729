package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A village's wartime widened to the whole town (a QA, "blocks in a
// typhoon": the town could only end it, closing its directive): the same
// activation, its directive with its targets and signatures, its drafted
// reserve, and the micro-grids taken in staffed as at activation; a new
// directive may go to the village taken in; the after-action summary
// keeps the widening.
func TestWidenKeepsWhatRuns(t *testing.T) {
	w := newWtTower(t)
	a := w.activate(t, vA)
	d, _ := w.issue(t, "逐户核查", vA)
	w.clock.Advance(time.Minute)
	w.sign(t, d.ID, a011)
	_, err := w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.duty.ID)
	require.NoError(t, err)
	w.clock.Advance(9 * time.Minute)
	require.False(t, w.person(t, w.workers[b011].ID).OnDuty)

	wider, err := w.s.Widen(w.ctx, "", []model.NodeCode{town}, w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, a.ID, wider.ID, "the same activation")
	assert.Equal(t, a.Since, wider.Since)
	assert.Equal(t, []model.NodeCode{town}, wider.Scope)
	assert.Equal(t, 2, wider.Villages)
	assert.Equal(t, 8, wider.MicroGrids)
	assert.Equal(t, a.Households+275, wider.Households)
	assert.Equal(t, []model.Widening{{At: t0.Add(10 * time.Minute), By: w.duty.ID, From: []model.NodeCode{vA},
		Villages: 1, MicroGrids: 4, Households: 275}}, wider.Widened)

	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActWiden, ev.Action)
	assert.Equal(t, a.ID, ev.Directive)
	assert.Equal(t, town, ev.Node)
	assert.Equal(t, "W-0001 widened from 渎溪村 330784114266 to 花街镇 330784114; takes in 1 village, 4 micro-grids (1 without a worker), 275 households; "+
		"1 directive (their targets as issued) and 1 drafted reserve carry on", ev.Note)
	assert.Equal(t, "W-0001 范围由 渎溪村 330784114266 扩大至 花街镇 330784114；新增 1 个村社、4 个微网格（1 个缺员）、275 户；1 条指令（下达范围不变）和 1 名征调储备照常运行", ev.NoteZh)

	// The directive runs on as it was: its targets, its units, the signature.
	got, units, err := w.s.Directive(w.ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{vA}, got.Targets)
	assert.Len(t, units, 4)
	assert.True(t, w.unit(t, d.ID, a011).Signed())
	st, err := w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, wider, st.Active)
	assert.Len(t, st.Units, 8, "the micro-grids taken in are units")
	assert.Equal(t, 7, st.Staffed, "vA's three, the drafted reserve and vB's three")
	assert.Equal(t, 1, st.Gaps, "vB's gap")
	require.Len(t, st.Drafts, 1)
	assert.True(t, st.Drafts[0].Released.IsZero(), "the draft stays")
	assert.True(t, w.person(t, w.workers[b011].ID).OnDuty, "the workers taken in go on duty")
	assert.True(t, w.person(t, w.reserveA.ID).OnDuty)

	// A new directive may go to the village taken in.
	d2, units2 := w.issue(t, "清点物资", vB)
	assert.Len(t, units2, 4)

	w.clock.Advance(time.Hour)
	x, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, wider.Widened, x.Activation.Widened)
	require.Len(t, x.Directives, 2)
	assert.Equal(t, d.ID, x.Directives[0].ID)
	assert.Equal(t, 1, x.Directives[0].Signed)
	assert.Equal(t, d2.ID, x.Directives[1].ID)
	assert.False(t, w.person(t, w.workers[b011].ID).OnDuty, "the flags of the units taken in are put back too")
	w.reopen(t)
	stored, err := w.s.AfterAction(w.ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, x, stored)
	requireClean(t, w.s)
}

// Who may widen, and what: the village's cadre does not widen their
// village's wartime to the town; nothing to widen, a wartime that covers
// the scope already, one ended, a place not in the tower are refused, in
// both languages, naming the places; a refusal changes nothing.
func TestWidenRefusals(t *testing.T) {
	w := newWtTower(t)
	_, err := w.s.Widen(w.ctx, "", []model.NodeCode{town}, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Equal(t, "no wartime is active in 花街镇 330784114: nothing to widen; start one instead", err.Error())

	a := w.activate(t, vA)
	before := dump(t, w.s)
	for _, c := range []struct {
		id    string
		scope []model.NodeCode
		by    model.PersonID
		code  string
		want  string
		zh    string
	}{
		{"", []model.NodeCode{town}, w.cadre.ID, model.EFORBIDDEN,
			"P2 (胡村干) may act only within 渎溪村 330784114266; 花街镇 330784114 is outside it", "P2（胡村干）只能在 渎溪村 330784114266 内操作；花街镇 330784114 不在其中"},
		{"", []model.NodeCode{vA}, w.duty.ID, model.ECONFLICT,
			"W-0001 already covers 渎溪村 330784114266 (its scope: 渎溪村 330784114266); nothing to widen", "W-0001 已覆盖 渎溪村 330784114266（范围：渎溪村 330784114266）；无需扩大"},
		{"", []model.NodeCode{"330784114299"}, w.duty.ID, model.ENOTFOUND, "scope: no node 330784114299 in the tower", "范围：网格塔中没有节点 330784114299"},
		{"", []model.NodeCode{vA.Child(1)}, w.duty.ID, model.EINVALID, "covers a town or villages", "战时只覆盖镇或村社"},
		{"W-0007", []model.NodeCode{town}, w.duty.ID, model.ENOTFOUND, "no wartime W-0007", "没有战时 W-0007"},
	} {
		_, err := w.s.Widen(w.ctx, c.id, c.scope, c.by)
		requireCode(t, err, c.code)
		assert.Contains(t, err.Error(), c.want)
		assert.Contains(t, model.ErrorMessageZh(err), c.zh)
	}
	assert.Equal(t, before, dump(t, w.s), "refusals change nothing")

	_, err = w.s.Deactivate(w.ctx, a.ID, w.duty.ID)
	require.NoError(t, err)
	w.activate(t, vB)
	_, err = w.s.Widen(w.ctx, a.ID, []model.NodeCode{town}, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Contains(t, err.Error(), "W-0001 is no longer active")
	requireClean(t, w.s)
}

// Activating over the town while a village's wartime runs is refused
// with the choice: widen it, naming what it would take in, or end it.
func TestActivateOverARunningVillageSaysWiden(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, vA)
	_, err := w.s.Activate(w.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "wartime W-0001 (typhoon) is already active over 渎溪村 330784114266 since ")
	assert.Contains(t, err.Error(), ": widen it to take in 花街镇 330784114, its directives, signatures and drafted reserves carrying on (gridcmd wartime widen; W in the town room), or end it first")
	assert.Contains(t, model.ErrorMessageZh(err), "可扩大其范围纳入 花街镇 330784114，指令、签收和征调储备照常运行")
}

// The after-action summary counts the incidents of a village a widening
// took in from the widening on, not from the activation; and the village
// room taken in is watched for silence from the widening, the others'
// clocks running on from the activation.
func TestWidenCountsAndWatchesFromTheWidening(t *testing.T) {
	d := newDutyTower(t)
	act := d.activate(t, vA)
	d.clock.Advance(30 * time.Minute)
	d.reportAt(t, b011, "倒树") // vB, before the widening: not the wartime's
	d.clock.Advance(time.Hour)
	_, err := d.s.Widen(d.ctx, act.ID, []model.NodeCode{town}, d.duty.ID) // at +1h30m
	require.NoError(t, err)
	d.clock.Advance(time.Minute)
	d.reportAt(t, b012, "积水") // after it: the wartime's
	x, err := d.s.AfterAction(d.ctx, act.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, x.IncidentsOpened, "vB's report after the widening only")

	// vA's room has been silent since the activation: at +2h. vB's, taken
	// in at +1h30m: at +3h30m, not at +2h.
	d.clock.Set(act.Since.Add(2 * time.Hour))
	silent := openedBy(t, d.s, sweep(t, d.s))
	require.Len(t, silent, 1)
	assert.Equal(t, vA, silent[0].Node)
	d.clock.Set(act.Since.Add(3*time.Hour + 30*time.Minute - time.Second))
	assert.Empty(t, openedBy(t, d.s, sweep(t, d.s)))
	d.clock.Advance(time.Second)
	silent = openedBy(t, d.s, sweep(t, d.s))
	require.Len(t, silent, 1)
	assert.Equal(t, vB, silent[0].Node)
	requireClean(t, d.s)
}

// A widening after every watched room fell silent (nothing left for the
// sweep to look at) still has the rooms it takes in watched: a silence
// after the widening.
func TestWidenWatchesTheRoomsTakenIn(t *testing.T) {
	d := newDutyTower(t)
	act := d.activate(t, vA)
	d.clock.Set(act.Since.Add(2 * time.Hour))
	require.Len(t, openedBy(t, d.s, sweep(t, d.s)), 1, "vA's room silent")
	d.clock.Advance(10 * time.Minute)
	_, err := d.s.Widen(d.ctx, act.ID, []model.NodeCode{vB}, d.duty.ID)
	require.NoError(t, err)
	d.clock.Advance(2 * time.Hour)
	silent := openedBy(t, d.s, sweep(t, d.s))
	require.Len(t, silent, 1)
	assert.Equal(t, vB, silent[0].Node)
	requireClean(t, d.s)
}
