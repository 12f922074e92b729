package store

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// walk starts the patroller's patrol of the forest (P-DX-01) on s, which
// the store numbers id, and checks in at its three checkpoints, every
// apart on the clock.
func (tw *patrolTower) walk(t *testing.T, s *DB, id string, every time.Duration) {
	t.Helper()
	_, _, err := s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	for _, cp := range []string{"C1", "C2", "C3"} {
		tw.clock.Advance(every)
		_, _, err = s.PatrolCheckIn(tw.ctx, id, cp, nil, tw.patroller.ID, "")
		require.NoError(t, err)
	}
}

// TestPatrolsEarnPoints: the patrol service's own events earn by the
// shipped indicators: a patrol done earns its patroller 巡护 +2 (one ended
// incomplete nothing), a building sweep on rotation earns its reporter
// 清村扫楼 +2, a patrol rotation nothing; check and rebuild agree.
func TestPatrolsEarnPoints(t *testing.T) {
	tw := newPatrolTower(t)
	m := model.MonthOf(tw.clock.Now(), cst)
	tw.walk(t, tw.s, "X-0001", 10*time.Minute)
	_, _, err := tw.s.EndPatrol(tw.ctx, "X-0001", tw.patroller.ID, "")
	require.NoError(t, err)
	_, _, err = tw.s.StartPatrol(tw.ctx, "P-DX-02", tw.patroller2.ID, "")
	require.NoError(t, err)
	_, _, err = tw.s.EndPatrol(tw.ctx, "X-0002", tw.patroller2.ID, "")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"patrol": 2}, pointsOf(t, tw.s, m, tw.patroller.ID).By)
	assert.Empty(t, pointsOf(t, tw.s, m, tw.patroller2.ID).By, "ended incomplete")

	r, err := tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "渎溪联合扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{grid01}, {grid02, grid10}}, Start: t0.Add(-24 * time.Hour)}, tw.duty.ID, "")
	require.NoError(t, err)
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "清查出租房 12 户", tw.leader02.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, pointsOf(t, tw.s, m, tw.leader02.ID).By["sweep"])

	requireClean(t, tw.s)
	rb, err := tw.s.RebuildPoints(tw.ctx)
	require.NoError(t, err)
	assert.Zero(t, rb.Changed)
}

// TestThePatrollersWorkEarnsThePatroller: the liaison passes on a
// patroller's hazard finding and ends the patroller's complete patrol. The
// incident is the patroller's (its reporter, source patrol), filed by the
// liaison; the patroller earns 信息采集 for it, 隐患排查 when it is
// resolved, and 巡护 for the patrol; the liaison earns nothing. check,
// rebuild and a reopen agree.
func TestThePatrollersWorkEarnsThePatroller(t *testing.T) {
	tw := newPatrolTower(t)
	m := model.MonthOf(tw.clock.Now(), cst)
	tw.walk(t, tw.s, "X-0001", 10*time.Minute)
	f, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Checkpoint: "C3", Category: "hazard",
		Text: "山顶护栏断裂", By: tw.patroller.ID}, "")
	require.NoError(t, err)
	tw.clock.Advance(5 * time.Minute)
	_, inc, err := tw.s.PassFinding(tw.ctx, f.ID, village, "", 0, tw.liaison.ID)
	require.NoError(t, err)
	assert.Equal(t, tw.patroller.ID, inc.Reporter, "the finder's incident")
	assert.Equal(t, model.SourcePatrol, inc.Source, "it keeps its source")
	tl := tw.timeline(t, inc.ID)
	require.NotEmpty(t, tl)
	assert.Equal(t, model.ActReport, tl[0].Action)
	assert.Equal(t, tw.liaison.ID, tl[0].Actor, "the liaison filed it")
	assert.Equal(t, tw.patroller.ID, tl[0].Subject, "for the patroller")

	// The patroller walked off without ending it; the liaison ends it.
	tw.clock.Advance(time.Hour)
	p, _, err := tw.s.EndPatrol(tw.ctx, "X-0001", tw.liaison.ID, "")
	require.NoError(t, err)
	require.True(t, p.Complete())

	act := func(a model.Action) {
		t.Helper()
		_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: a, By: tw.cadre.ID, Note: "护栏已修复"})
		require.NoError(t, err)
	}
	act(model.ActAcknowledge)
	act(model.ActResolve)

	check := func(s *DB) {
		t.Helper()
		assert.Equal(t, map[string]int{"report": 1, "hazard": 3, "patrol": 2}, pointsOf(t, s, m, tw.patroller.ID).By)
		assert.Empty(t, pointsOf(t, s, m, tw.liaison.ID).By, "passing on and ending earn the liaison nothing")
	}
	check(tw.s)
	requireClean(t, tw.s)
	rb, err := tw.s.RebuildPoints(tw.ctx)
	require.NoError(t, err)
	assert.Zero(t, rb.Changed, "rebuild = kept")
	check(tw.s)

	require.NoError(t, tw.s.Close())
	check(openAt(t, tw.path, tw.clock))
}

// TestPointsMigrateToSubject: a file of the schema before the points paid
// the subject, its rules the shipped ones of then (信息采集 and 巡护 to the
// actor) and its log the events of then (a patrol the liaison ended names
// no patroller, and earned the liaison 巡护). Opened under the shipped
// rules of now, it migrates without asking for a points.from: the stored
// rules become the shipped ones, every total stays as it was (rebuild =
// kept, check clean), and from then on a patrol the liaison ends earns its
// patroller.
func TestPointsMigrateToSubject(t *testing.T) {
	tw := newPatrolTower(t)
	require.NoError(t, tw.s.Close())
	old := model.DefaultPoints().Set()
	old.Indicators = slices.Clone(old.Indicators)
	for i, in := range old.Indicators {
		if in.Key == "report" || in.Key == "patrol" {
			old.Indicators[i].To = "" // as released with schema 11
		}
	}
	require.False(t, old.Same(model.DefaultPoints().Set()))
	edit := func(fn func(tx *bolt.Tx) error) {
		t.Helper()
		raw, err := bolt.Open(tw.path, 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, raw.Update(fn))
		require.NoError(t, raw.Close())
	}
	edit(func(tx *bolt.Tx) error {
		v, err := encodeRuleSet(old)
		require.NoError(t, err)
		return tx.Bucket(bucketPointsRules).Put(u64(0), v)
	})
	then := testOptions(tw.clock)
	then.Policy = model.DefaultPolicy()
	then.Policy.Points.Indicators = old.Indicators // the shipped config.yaml of then
	s, err := Open(tw.path, then)
	require.NoError(t, err)
	m := model.MonthOf(tw.clock.Now(), cst)
	tw.walk(t, s, "X-0001", 0)
	_, _, err = s.EndPatrol(tw.ctx, "X-0001", tw.liaison.ID, "")
	require.NoError(t, err)
	_, err = s.Report(tw.ctx, model.Report{Node: grid01, Category: "traffic", Severity: model.SeverityIII, Title: "a", Reporter: tw.worker01.ID})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	// The patrol's end as schema 11 wrote it: no subject.
	edit(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			ev, err := decodeEvent(getU64(k), v, cst)
			require.NoError(t, err)
			if ev.Action == model.ActPatrolDone {
				ev.Subject = 0
				nv, err := encodeEvent(ev)
				require.NoError(t, err)
				require.NoError(t, tx.Bucket(bucketEvents).Put(k, nv))
			}
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(schemaBefore(t, migratePointsSubject12)))
	})
	before := map[model.PersonID]map[string]int{
		tw.liaison.ID: {"patrol": 2}, tw.patroller.ID: {}, tw.worker01.ID: {"report": 1},
	}

	o := testOptions(tw.clock)
	o.Policy = model.DefaultPolicy() // the shipped config.yaml: the rules of now, from the beginning
	s, err = Open(tw.path, o)
	require.NoError(t, err, "no points.from asked for")
	t.Cleanup(func() { _ = s.Close() })
	rules, err := s.PointRules(tw.ctx)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	assert.True(t, rules[0].Same(model.DefaultPoints().Set()), "the stored rules are the shipped ones")
	for p, by := range before {
		got := pointsOf(t, s, m, p).By
		if len(by) == 0 {
			assert.Empty(t, got, "%d", p)
		} else {
			assert.Equal(t, by, got, "%d: what the old event earned stays", p)
		}
	}
	requireClean(t, s)
	rb, err := s.RebuildPoints(tw.ctx)
	require.NoError(t, err)
	assert.Zero(t, rb.Changed, "rebuild = kept")

	// From now on the patroller earns for the patrol the liaison ends.
	tw.walk(t, s, "X-0002", 0)
	_, _, err = s.EndPatrol(tw.ctx, "X-0002", tw.liaison.ID, "")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"patrol": 2}, pointsOf(t, s, m, tw.patroller.ID).By)
	assert.Equal(t, map[string]int{"patrol": 2}, pointsOf(t, s, m, tw.liaison.ID).By, "the old patrol's only")
	requireClean(t, s)
}

// TestTheDesksOwnFindingEarnsNothing: a finding the liaison filed herself
// (standing in for a patroller) earns her nothing when she passes it on
// (QA: she earned 信息采集 for it), while a patroller's finding she passes
// on still earns the patroller; the report of hers is marked unearned in
// the log, so check, rebuild and a reopen agree, and a report written
// before the mark, which earned, keeps what it earned.
func TestTheDesksOwnFindingEarnsNothing(t *testing.T) {
	tw := newPatrolTower(t)
	m := model.MonthOf(tw.clock.Now(), cst)
	own, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "hazard", Text: "护栏松动", By: tw.liaison.ID}, "")
	require.NoError(t, err)
	theirs, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "烟点", By: tw.patroller.ID}, "")
	require.NoError(t, err)
	_, inc, err := tw.s.PassFinding(tw.ctx, own.ID, village, "", 0, tw.liaison.ID)
	require.NoError(t, err)
	assert.Equal(t, tw.liaison.ID, inc.Reporter, "hers: she found it")
	tl := tw.timeline(t, inc.ID)
	assert.True(t, tl[0].Unearned, "the report of her own finding")
	_, inc2, err := tw.s.PassFinding(tw.ctx, theirs.ID, village, "", 0, tw.liaison.ID)
	require.NoError(t, err)
	assert.False(t, tw.timeline(t, inc2.ID)[0].Unearned, "the patroller's finding earns")

	check := func(s *DB) {
		t.Helper()
		assert.Empty(t, pointsOf(t, s, m, tw.liaison.ID).By, "passing on her own finding earns the liaison nothing")
		assert.Equal(t, map[string]int{"report": 1}, pointsOf(t, s, m, tw.patroller.ID).By)
	}
	check(tw.s)
	requireClean(t, tw.s)
	rb, err := tw.s.RebuildPoints(tw.ctx)
	require.NoError(t, err)
	assert.Zero(t, rb.Changed, "rebuild = kept")
	require.NoError(t, tw.s.Close())
	s := openAt(t, tw.path, tw.clock)
	check(s)

	// A pass of her own written before the mark earned her 信息采集, and
	// keeps it: the log says so, and check and rebuild agree with it.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			ev, err := decodeEvent(getU64(k), v, cst)
			require.NoError(t, err)
			if ev.Unearned {
				ev.Unearned = false
				nv, err := encodeEvent(ev)
				require.NoError(t, err)
				require.NoError(t, tx.Bucket(bucketEvents).Put(k, nv))
			}
		}
		return nil
	}))
	_, err = s.RebuildPoints(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"report": 1}, pointsOf(t, s, m, tw.liaison.ID).By, "an old event earns as it did")
	requireClean(t, s)
}

// TestRotationReportedOnceADayByEach: a person of the group on duty
// reports a rotation's day once (QA: two reports in the same second both
// earned 清村扫楼); the second is refused naming the first, earns nothing
// and is not counted; another of the group reports beside them, and the
// group's next turn takes a report again. check stays clean.
func TestRotationReportedOnceADayByEach(t *testing.T) {
	tw := newPatrolTower(t)
	m := model.MonthOf(tw.clock.Now(), cst)
	r, err := tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "渎溪联合扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{grid01}, {grid02, grid10}}, Start: t0.Add(-24 * time.Hour)}, tw.duty.ID, "")
	require.NoError(t, err)
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "清查出租房 12 户", tw.leader02.ID)
	require.NoError(t, err)
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "清查出租房 12 户", tw.leader02.ID) // the same second
	requireCode(t, err, model.ECONFLICT)
	assert.Equal(t, "应网格长 (P3) reported R-0001 渎溪联合扫楼 today already, at 09:00:00: each person of the group on duty reports it once a day",
		model.ErrorMessage(err))
	assert.Equal(t, "应网格长（P3）今天已于 09:00:00 报告过 R-0001 渎溪联合扫楼：值班组每人每天报告一次", model.ErrorMessageZh(err))
	tw.clock.Advance(14*time.Hour + 59*time.Minute) // 23:59, the same day
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "又一轮", tw.leader02.ID)
	requireCode(t, err, model.ECONFLICT)
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "清理楼道杂物 6 处", tw.reserve.ID)
	require.NoError(t, err, "another of the group")
	assert.Equal(t, map[string]int{"sweep": 2}, pointsOf(t, tw.s, m, tw.leader02.ID).By, "once")
	b, err := tw.s.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, 2, b.Rotations[0].Reports)

	tw.clock.Advance(2 * 24 * time.Hour) // two days on: the group's turn again
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "清查出租房 9 户", tw.leader02.ID)
	require.NoError(t, err, "a new day")
	requireClean(t, tw.s)
}

// TestDuplicateRotationRefused: a rotation that gives the same turns as
// one stored (the same activity by the same groups, each the same grids
// in any order, in the same order, from the same day, as many days a
// turn) is refused naming it (QA: a second was taken); one differing in
// any of them is not a duplicate.
func TestDuplicateRotationRefused(t *testing.T) {
	tw := newPatrolTower(t)
	rot := model.JointRotation{Name: "渎溪联合扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{grid01}, {grid02, grid10}}, Start: t0.Add(-24 * time.Hour), Every: 2}
	_, err := tw.s.AddRotation(tw.ctx, rot, tw.duty.ID, "")
	require.NoError(t, err)
	dup := rot
	dup.Name, dup.Groups = "扫楼（重录）", [][]model.NodeCode{{grid01}, {grid10, grid02}}
	_, err = tw.s.AddRotation(tw.ctx, dup, tw.duty.ID, "")
	requireCode(t, err, model.ECONFLICT)
	assert.Equal(t, "rotation 扫楼（重录） duplicates R-0001 渎溪联合扫楼: the same activity (sweep) by the same 2 groups in the same order, from 2026-11-28, every 2 days",
		model.ErrorMessage(err))
	assert.Equal(t, "轮值 扫楼（重录） 与 R-0001 渎溪联合扫楼 重复：同样的 2 个组自 2026-11-28 起每 2 天轮换清村扫楼", model.ErrorMessageZh(err))
	assert.Equal(t, "groups", model.ErrorField(err))

	for name, other := range map[string]func(r *model.JointRotation){
		"another activity": func(r *model.JointRotation) { r.Activity = model.ActivityPatrol },
		"another order":    func(r *model.JointRotation) { r.Groups = [][]model.NodeCode{{grid02, grid10}, {grid01}} },
		"another start":    func(r *model.JointRotation) { r.Start = t0 },
		"another turn":     func(r *model.JointRotation) { r.Every = 1 },
	} {
		r := rot
		other(&r)
		_, err := tw.s.AddRotation(tw.ctx, r, tw.duty.ID, "")
		require.NoError(t, err, name)
	}
	rs, err := tw.s.Rotations(tw.ctx)
	require.NoError(t, err)
	assert.Len(t, rs, 5)
	requireClean(t, tw.s)
}
