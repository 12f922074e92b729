package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// figureTower is the tiny tower with reports filed on grid 01 and moved
// on: acknowledged after 1m, 2m, 4m and escalated by the grid leader after
// 3m, by the clock after 2m, one left waiting; and one on the village tier
// (no pass-on). Reports are filed 5 minutes apart, from t0.
func figureTower(t *testing.T) *tower {
	t.Helper()
	tw := newTower(t)
	act := func(id string, a model.Action, by model.PersonID) {
		t.Helper()
		_, err := tw.s.Act(tw.ctx, id, model.Command{Action: a, By: by})
		require.NoError(t, err)
	}
	for i, step := range []struct {
		wait time.Duration
		act  model.Action // "" the clock's escalation, "-" nothing
	}{
		{time.Minute, model.ActAcknowledge}, {3 * time.Minute, model.ActEscalate}, {2 * time.Minute, ""},
		{2 * time.Minute, model.ActAcknowledge}, {4 * time.Minute, model.ActAcknowledge}, {0, "-"},
	} {
		tw.clock.Set(t0.Add(time.Duration(i) * 5 * time.Minute))
		inc := tw.report(t, grid01, tw.worker01.ID, fmt.Sprintf("r%d", i))
		tw.clock.Advance(step.wait)
		switch step.act {
		case "":
			sweep(t, tw.s)
		case "-":
		default:
			act(inc.ID, step.act, tw.leader01.ID)
		}
	}
	v := tw.report(t, village, tw.cadre.ID, "at the village")
	act(v.ID, model.ActAcknowledge, tw.cadre.ID)
	act(v.ID, model.ActEscalate, tw.cadre.ID) // an escalation, but no pass-on
	return tw
}

// figures are the store's figures over scope at its clock.
func (tw *tower) figures(t *testing.T, scope model.NodeCode) model.Figures {
	t.Helper()
	f, err := tw.s.Figures(tw.ctx, scope)
	require.NoError(t, err)
	return f
}

// TestFigures: the escalations of the last hour and the median pass-on of
// the last day, from the indexes the writer keeps, the same in Stats; the
// window slides with the clock (NextChange says when); check agrees.
func TestFigures(t *testing.T) {
	tw := figureTower(t)
	tw.clock.Set(t0.Add(30 * time.Minute))
	f := tw.figures(t, "")
	assert.Equal(t, 3, f.EscalationsLastHour, "grid leader, clock, cadre")
	assert.Equal(t, 5, f.PassOnReports)
	assert.Equal(t, 2*time.Minute, f.PassOnP50, "1m 2m 2m 3m 4m")
	assert.Equal(t, t0.Add(30*time.Minute), f.At)
	assert.Equal(t, t0.Add(8*time.Minute+time.Hour), f.NextChange, "the first escalation leaves the hour at 10:08")

	st, err := tw.s.Stats(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Incidents.EscalationsLastHour)
	assert.Equal(t, int64(120), st.Incidents.PassOnP50Seconds)
	assert.Equal(t, 5, st.Incidents.PassOnReports)

	// A seat's subtree: grid 01 only.
	f = tw.figures(t, grid01)
	assert.Equal(t, 2, f.EscalationsLastHour)
	assert.Equal(t, 5, f.PassOnReports)
	f = tw.figures(t, grid02)
	assert.Zero(t, f.EscalationsLastHour)
	assert.Zero(t, f.PassOnReports)
	assert.True(t, f.NextChange.IsZero())

	// An hour on, the escalations have left the window; the day keeps the
	// pass-ons. A day on, nothing is left.
	tw.clock.Set(t0.Add(2 * time.Hour))
	f = tw.figures(t, "")
	assert.Zero(t, f.EscalationsLastHour)
	assert.Equal(t, 5, f.PassOnReports)
	tw.clock.Set(t0.Add(25 * time.Hour))
	f = tw.figures(t, "")
	assert.Zero(t, f.PassOnReports)
	assert.Zero(t, f.PassOnP50)
	requireClean(t, tw.s)

	_, err = tw.s.Figures(tw.ctx, "bogus")
	requireCode(t, err, model.EINVALID)
}

// TestFiguresHoldPastABusyLog: a thousand other events (notes, here) after
// the escalations change nothing; only the clock does.
func TestFiguresHoldPastABusyLog(t *testing.T) {
	tw := figureTower(t)
	tw.clock.Set(t0.Add(30 * time.Minute))
	before := tw.figures(t, "")
	inc := tw.report(t, grid02, tw.leader02.ID, "busy")
	for i := 0; i < 1000; i++ {
		_, err := tw.s.Note(tw.ctx, inc.ID, fmt.Sprintf("note %d", i), tw.duty.ID)
		require.NoError(t, err)
	}
	after := tw.figures(t, "")
	assert.Equal(t, before, after)
}

// TestCheckFindsFiguresAstray: an index entry the log does not have, and
// one the log has that is missing, are both reported.
func TestCheckFindsFiguresAstray(t *testing.T) {
	tw := figureTower(t)
	requireClean(t, tw.s)
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketIdxPassOn).Cursor().First()
		require.NoError(t, tx.Bucket(bucketIdxPassOn).Delete(k))
		return tx.Bucket(bucketIdxEscalations).Put(escKey(t0, 999, 1), []byte(grid01))
	}))
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	require.Len(t, problems, 2, "%q", problems)
	assert.Contains(t, problems[0], "idx_escalations: entry")
	assert.Contains(t, problems[1], "idx_pass_on: missing the entry")
}

// TestMigrateFigures: a file of the schema before the figures' (no figure
// indexes) gets them from its event log at Open, the same as the writer
// would have kept.
func TestMigrateFigures(t *testing.T) {
	tw := figureTower(t)
	tw.clock.Set(t0.Add(30 * time.Minute))
	want := tw.figures(t, "")
	require.NoError(t, tw.s.Close())

	raw, err := bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		require.NoError(t, tx.DeleteBucket(bucketIdxEscalations))
		require.NoError(t, tx.DeleteBucket(bucketIdxPassOn))
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(schemaBefore(t, migrateFigures13)))
	}))
	require.NoError(t, raw.Close())

	s := openAt(t, tw.path, tw.clock)
	got, err := s.Figures(tw.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, 5, got.PassOnReports)
	requireClean(t, s)
}

// TestNote: a note is an event on the incident's timeline by its author;
// the incident stays as it was, closed ones too; a refusal records
// nothing.
func TestNote(t *testing.T) {
	tw := newTower(t)
	inc := tw.report(t, grid02, tw.leader02.ID, "330国道货物撒落")
	tw.clock.Advance(time.Minute)
	got, err := tw.s.Note(tw.ctx, inc.ID, "已联系交警，20分钟到", tw.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, inc, got)
	stored := tw.incident(t, inc.ID)
	assert.Equal(t, inc, stored)
	tl := tw.timeline(t, inc.ID)
	require.Len(t, tl, 2)
	assert.Equal(t, model.ActNote, tl[1].Action)
	assert.Equal(t, "已联系交警，20分钟到", tl[1].Note)
	assert.Equal(t, tw.duty.ID, tl[1].Actor)
	assert.Equal(t, t0.Add(time.Minute), tl[1].At)

	n := eventCount(t, tw.s)
	_, err = tw.s.Note(tw.ctx, inc.ID, "  ", tw.duty.ID)
	requireCode(t, err, model.EINVALID)
	_, err = tw.s.Note(tw.ctx, inc.ID, "not mine", tw.patroller.ID)
	requireCode(t, err, model.EFORBIDDEN)
	_, err = tw.s.Note(tw.ctx, "HJ-20261129-0999", "nobody", tw.duty.ID)
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, n, eventCount(t, tw.s))

	for _, a := range []model.Action{model.ActAcknowledge, model.ActResolve, model.ActClose} {
		_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: a, By: tw.duty.ID})
		require.NoError(t, err)
	}
	_, err = tw.s.Note(tw.ctx, inc.ID, "回访：路面已清理", tw.duty.ID)
	require.NoError(t, err, "a closed incident takes a follow-up note")
	requireClean(t, tw.s)
}

// TestReleaseReserve: a drafted reserve goes home before wartime ends: the
// micro-grid is a gap again, their duty as it was, the release an event;
// they may be drafted again, and the end of wartime still counts the draft.
func TestReleaseReserve(t *testing.T) {
	w := newWtTower(t)
	_, err := w.s.ReleaseReserve(w.ctx, w.reserveA.ID, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	w.activate(t, vA)
	_, err = w.s.ReleaseReserve(w.ctx, w.reserveA.ID, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, model.ErrorMessageZh(err), "当前未被征调")

	_, err = w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.duty.ID)
	require.NoError(t, err)
	require.True(t, w.person(t, w.reserveA.ID).OnDuty)
	w.clock.Advance(10 * time.Minute)
	d, err := w.s.ReleaseReserve(w.ctx, w.reserveA.ID, w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, a022, d.MicroGrid)
	assert.Equal(t, t0.Add(10*time.Minute), d.Released)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActRelease, ev.Action)
	assert.Equal(t, a022, ev.Node)
	assert.Equal(t, "W-0001", ev.Directive)
	assert.Equal(t, "吴志愿 (P11) released from 渎溪村 02-02 330784114266-02-02; it has no worker again", ev.Note)
	assert.Equal(t, "吴志愿（P11）解除征调，渎溪村 02-02 330784114266-02-02 恢复缺员", ev.NoteZh)
	assert.False(t, w.person(t, w.reserveA.ID).OnDuty, "off duty again, as before the draft")

	st, err := w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, 1, st.Gaps)
	assert.Empty(t, model.Drafted(st.Drafts))
	for _, u := range st.Units {
		if u.MicroGrid == a022 {
			assert.Zero(t, u.Worker)
			assert.False(t, u.Drafted)
		}
	}
	_, err = w.s.ReleaseReserve(w.ctx, w.reserveA.ID, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	requireClean(t, w.s)

	// Drafted again, and released by the end of wartime.
	_, err = w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.duty.ID)
	require.NoError(t, err)
	x, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, x.ReservesDrafted)
	assert.False(t, w.person(t, w.reserveA.ID).OnDuty)
	requireClean(t, w.s)
}
