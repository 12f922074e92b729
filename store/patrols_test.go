package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// patrolTower is the tiny tower with a liaison, a second patroller and two
// patrol areas of Duxi: a daily forest of three checkpoints assigned to
// the tower's patroller, and a weekly reservoir assigned to the second.
type patrolTower struct {
	*tower
	liaison, patroller2 model.Person
}

func newPatrolTower(t *testing.T) *patrolTower {
	t.Helper()
	tw := &patrolTower{tower: newTower(t)}
	people, err := tw.s.ImportPeople(tw.ctx, []model.Person{
		{Name: "楼联络", Phone: "13800000009", Node: town, Roles: []model.Role{model.RoleLiaison}},
		{Name: "金巡护", Phone: "13800000010", Node: town, Roles: []model.Role{model.RolePatroller}},
	}, model.System, "patrol roster")
	require.NoError(t, err)
	tw.liaison, tw.patroller2 = people[0], people[1]
	// The areas were added the evening before, so today is their first
	// day due.
	tw.clock.Set(t0.Add(-12 * time.Hour))
	added, replaced, err := tw.s.ImportAreas(tw.ctx, []model.PatrolArea{
		{Code: "p-dx-01", Name: "渎溪后山林", Kind: model.KindForest, Village: village, Every: 24 * time.Hour, Patroller: tw.patroller.ID,
			Checkpoints: []model.Checkpoint{{Code: "C1", Name: "山脚"}, {Code: "C2", Name: "防火道"}, {Code: "C3", Name: "山顶", Loc: &model.LatLon{Lat: 28.93, Lon: 120.08}}}},
		{Code: "P-DX-02", Name: "渎溪水库", Kind: model.KindReservoir, Village: village, Every: 7 * 24 * time.Hour, Patroller: tw.patroller2.ID,
			Checkpoints: []model.Checkpoint{{Code: "D1", Name: "大坝"}}},
	}, tw.duty.ID, "")
	require.NoError(t, err)
	require.Equal(t, 2, added)
	require.Zero(t, replaced)
	tw.clock.Set(t0)
	return tw
}

func TestPatrolAreasImport(t *testing.T) {
	tw := newPatrolTower(t)
	areas, err := tw.s.Areas(tw.ctx)
	require.NoError(t, err)
	require.Len(t, areas, 2)
	assert.Equal(t, "P-DX-01", areas[0].Code, "codes in canonical form, in code order")
	assert.Equal(t, t0.Add(-12*time.Hour), areas[0].Since)
	assert.Equal(t, &model.LatLon{Lat: 28.93, Lon: 120.08}, areas[0].Checkpoints[2].Loc)

	// Importing again replaces and keeps Since.
	a := areas[0]
	a.Name, a.Checkpoints = "渎溪后山", a.Checkpoints[:2]
	added, replaced, err := tw.s.ImportAreas(tw.ctx, []model.PatrolArea{a}, tw.duty.ID, "re-survey")
	require.NoError(t, err)
	assert.Equal(t, 0, added)
	assert.Equal(t, 1, replaced)
	areas, err = tw.s.Areas(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, "渎溪后山", areas[0].Name)
	assert.Len(t, areas[0].Checkpoints, 2)
	assert.Equal(t, t0.Add(-12*time.Hour), areas[0].Since, "a replaced area keeps when it was first added")

	before := dump(t, tw.s)
	for name, tc := range map[string]struct {
		area  model.PatrolArea
		code  string
		field string
	}{
		"unknown village": {model.PatrolArea{Code: "P-X", Name: "x", Kind: model.KindRiver, Village: "330784114299", Every: 24 * time.Hour,
			Checkpoints: []model.Checkpoint{{Code: "A"}}}, model.ENOTFOUND, "village"},
		"not a patroller": {model.PatrolArea{Code: "P-X", Name: "x", Kind: model.KindRiver, Village: village, Every: 24 * time.Hour,
			Patroller: tw.leader01.ID, Checkpoints: []model.Checkpoint{{Code: "A"}}}, model.EINVALID, "patroller"},
		"nobody": {model.PatrolArea{Code: "P-X", Name: "x", Kind: model.KindRiver, Village: village, Every: 24 * time.Hour,
			Patroller: 999, Checkpoints: []model.Checkpoint{{Code: "A"}}}, model.ENOTFOUND, "patroller"},
		"bad every": {model.PatrolArea{Code: "P-X", Name: "x", Kind: model.KindRiver, Village: village, Every: 5 * time.Hour,
			Checkpoints: []model.Checkpoint{{Code: "A"}}}, model.EINVALID, "every"},
	} {
		// With a good area before it: all or nothing.
		_, _, err := tw.s.ImportAreas(tw.ctx, []model.PatrolArea{areas[1], tc.area}, tw.duty.ID, "")
		require.Error(t, err, name)
		assert.Equal(t, tc.code, model.ErrorCode(err), name)
		assert.Equal(t, tc.field, model.ErrorField(err), name)
	}
	_, _, err = tw.s.ImportAreas(tw.ctx, []model.PatrolArea{areas[1], areas[1]}, tw.duty.ID, "")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err), "an area twice")
	assert.Equal(t, before, dump(t, tw.s), "a refused import changes nothing")
	requireClean(t, tw.s)
}

func TestPatrolFlow(t *testing.T) {
	tw := newPatrolTower(t)
	sub := tw.s.Subscribe()
	defer sub.Close()

	p, dup, err := tw.s.StartPatrol(tw.ctx, "p-dx-01", tw.patroller.ID, "")
	require.NoError(t, err)
	assert.False(t, dup)
	assert.Equal(t, "X-0001", p.ID)
	assert.Equal(t, 3, p.Checkpoints)
	_, _, err = tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller2.ID, "")
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "not their area")
	_, _, err = tw.s.StartPatrol(tw.ctx, "P-DX-09", tw.patroller.ID, "")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err))
	_, _, err = tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.liaison.ID, "")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "the area is being patrolled")

	for i, cp := range []string{"C1", "c2", "C3"} {
		tw.clock.Advance(20 * time.Minute)
		p, _, err = tw.s.PatrolCheckIn(tw.ctx, "x-1", cp, nil, tw.patroller.ID, "")
		require.NoError(t, err, cp)
		assert.Equal(t, i+1, p.Checked())
	}
	assert.Equal(t, t0.Add(60*time.Minute), p.Completed, "done at the last checkpoint")
	running, err := tw.s.Patrols(tw.ctx, model.PatrolFilter{Active: true})
	require.NoError(t, err)
	require.Len(t, running, 1)

	b, err := tw.s.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, model.KindRate{Due: 1, Done: 1}, b.Rates.KindRate, "the forest is due today and done; the weekly reservoir, added this week, is first due next Sunday")

	tw.clock.Advance(5 * time.Minute)
	p, _, err = tw.s.EndPatrol(tw.ctx, "X-0001", tw.patroller.ID, "")
	require.NoError(t, err)
	assert.False(t, p.Active())
	running, err = tw.s.Patrols(tw.ctx, model.PatrolFilter{Active: true})
	require.NoError(t, err)
	assert.Empty(t, running)

	// The events, each with its actor and the patrol.
	var got []model.Action
	for len(got) < 5 {
		select {
		case batch := <-sub.C():
			for _, ev := range batch.Events {
				got = append(got, ev.Action)
				assert.Equal(t, tw.patroller.ID, ev.Actor)
				assert.Equal(t, "X-0001", ev.Ref)
				assert.Equal(t, village, ev.Node)
			}
		case <-time.After(time.Second):
			t.Fatalf("events: got %v", got)
		}
	}
	assert.Equal(t, []model.Action{model.ActPatrolStart, model.ActCheckIn, model.ActCheckIn, model.ActCheckIn, model.ActPatrolDone}, got)
	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, "X-0001", evs[0].Ref, "the reference is stored with the event")

	// A second patrol, ended early: patrol_end.
	p2, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-02", tw.patroller2.ID, "")
	require.NoError(t, err)
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p2.ID, "D1", &model.LatLon{Lat: 91}, tw.patroller2.ID, "")
	assert.Equal(t, "location.lat", model.ErrorField(err))
	p2, _, err = tw.s.EndPatrol(tw.ctx, p2.ID, tw.liaison.ID, "")
	require.NoError(t, err, "the liaison ends a patrol")
	assert.False(t, p2.Complete())
	evs, err = tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActPatrolEnd, evs[0].Action)
	assert.Equal(t, tw.liaison.ID, evs[0].Actor)

	tw.reopen(t)
	all, err := tw.s.Patrols(tw.ctx, model.PatrolFilter{})
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, p, all[0])
	requireClean(t, tw.s)
}

func TestPatrolIdempotency(t *testing.T) {
	tw := newPatrolTower(t)
	p, dup, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "start-1")
	require.NoError(t, err)
	require.False(t, dup)
	again, dup, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "start-1")
	require.NoError(t, err)
	assert.True(t, dup, "a retry is answered with the first patrol")
	assert.Equal(t, p.ID, again.ID)
	_, _, err = tw.s.StartPatrol(tw.ctx, "P-DX-02", tw.patroller.ID, "start-1")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "the key with another request")
	assert.Equal(t, "Idempotency-Key", model.ErrorField(err))

	for range 3 {
		p, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C1", nil, tw.patroller.ID, "ci-1")
		require.NoError(t, err)
	}
	assert.Len(t, p.CheckIns, 1, "three tries, one check-in")
	f, dup, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "烟点", By: tw.patroller.ID}, "f-1")
	require.NoError(t, err)
	require.False(t, dup)
	f2, dup, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "烟点", By: tw.patroller.ID}, "f-1")
	require.NoError(t, err)
	assert.True(t, dup)
	assert.Equal(t, f.ID, f2.ID)
	// Another person's key is their own.
	_, dup, err = tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "烟点", By: tw.liaison.ID}, "f-1")
	require.NoError(t, err)
	assert.False(t, dup)
	_, _, err = tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "x", By: tw.patroller.ID}, "bad key\n")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	requireClean(t, tw.s)
}

// TestPatrolWritersConcurrent: patrollers check in at once; every check-in
// lands once.
func TestPatrolWritersConcurrent(t *testing.T) {
	tw := newPatrolTower(t)
	p, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	inParallel(30, 1, func(i, _ int) {
		_, _, err := tw.s.PatrolCheckIn(tw.ctx, p.ID, []string{"C1", "C2", "C3"}[i%3], nil, tw.patroller.ID, "k"+string(rune('a'+i)))
		assert.NoError(t, err)
	})
	p, err = tw.s.Patrol(tw.ctx, p.ID)
	require.NoError(t, err)
	assert.Len(t, p.CheckIns, 30)
	assert.True(t, p.Complete())
	requireClean(t, tw.s)
}

func TestLiaisonsDesk(t *testing.T) {
	tw := newPatrolTower(t)
	add := func(text string) model.Finding {
		f, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Checkpoint: "C2", Category: "ecology",
			Text: text, Loc: &model.LatLon{Lat: 28.9, Lon: 120.1}, Photo: "img/2026/11/29/0001.jpg", By: tw.patroller.ID}, "")
		require.NoError(t, err)
		tw.clock.Advance(time.Minute)
		return f
	}
	f1, f2, f3 := add("防火道旁有人焚烧垃圾"), add("山脚倾倒建筑垃圾"), add("落叶堆积")
	assert.Equal(t, "F-0001", f1.ID)
	_, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "ecology", Text: "x", By: tw.patroller2.ID}, "")
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "a patroller reports from their own areas")

	open, err := tw.s.Findings(tw.ctx, model.FindingFilter{Open: true})
	require.NoError(t, err)
	assert.Len(t, open, 3)

	// Passed on: an incident at grid 2, source patrol, category as given.
	_, _, err = tw.s.PassFinding(tw.ctx, f1.ID, grid02, "", 0, tw.patroller.ID)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "a patroller does not triage")
	_, _, err = tw.s.PassFinding(tw.ctx, f1.ID, "330784114200", "", 0, tw.liaison.ID)
	assert.Equal(t, "node", model.ErrorField(err), "outside the area's village")
	passed, inc, err := tw.s.PassFinding(tw.ctx, f1.ID, grid02, "fire", model.SeverityII, tw.liaison.ID)
	require.NoError(t, err)
	assert.Equal(t, model.FindingPassed, passed.Status)
	assert.Equal(t, inc.ID, passed.Incident)
	assert.Equal(t, model.SourcePatrol, inc.Source)
	assert.Equal(t, grid02, inc.Node)
	assert.Equal(t, model.Category("fire"), inc.Category)
	assert.Equal(t, model.SeverityII, inc.Severity)
	assert.Equal(t, tw.patroller.ID, inc.Reporter, "the finder's incident (the liaison filed it)")
	assert.Contains(t, inc.Text, "F-0001")
	assert.Contains(t, inc.Text, "img/2026/11/29/0001.jpg")
	tl := tw.timeline(t, inc.ID)
	require.Len(t, tl, 2)
	assert.Equal(t, model.ActReport, tl[0].Action)
	assert.Equal(t, tw.liaison.ID, tl[0].Actor)
	assert.Equal(t, model.ActFindingPass, tl[1].Action)
	assert.Equal(t, "F-0001", tl[1].Ref)
	assert.Equal(t, tw.liaison.ID, tl[1].Actor)
	_, _, err = tw.s.PassFinding(tw.ctx, f1.ID, grid02, "", 0, tw.liaison.ID)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "passed once")

	// Merged into that incident: on its timeline.
	merged, err := tw.s.MergeFinding(tw.ctx, f2.ID, inc.ID, tw.liaison.ID)
	require.NoError(t, err)
	assert.Equal(t, model.FindingMerged, merged.Status)
	tl = tw.timeline(t, inc.ID)
	assert.Equal(t, model.ActFindingMerge, tl[len(tl)-1].Action)
	_, err = tw.s.MergeFinding(tw.ctx, f3.ID, "HJ-20261129-0099", tw.liaison.ID)
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err))

	// Closed with a reason.
	_, err = tw.s.CloseFinding(tw.ctx, f3.ID, "", tw.liaison.ID)
	assert.Equal(t, "reason", model.ErrorField(err))
	closed, err := tw.s.CloseFinding(tw.ctx, f3.ID, "季节性落叶，无需处置", tw.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, model.FindingClosed, closed.Status)

	open, err = tw.s.Findings(tw.ctx, model.FindingFilter{Open: true})
	require.NoError(t, err)
	assert.Empty(t, open, "the desk is clear")

	// The follow-up rate once the triage deadline has passed: the closed
	// one is followed up; the two carried by the open incident are not,
	// until it is resolved.
	tw.clock.Advance(time.Hour)
	b, err := tw.s.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, 3, b.Rates.Findings)
	assert.Equal(t, 1, b.Rates.Followed)
	for _, c := range []model.Command{
		{Action: model.ActAcknowledge, By: tw.leader02.ID}, {Action: model.ActResolve, By: tw.leader02.ID},
	} {
		_, err := tw.s.Act(tw.ctx, inc.ID, c)
		require.NoError(t, err)
	}
	b, err = tw.s.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, 3, b.Rates.Followed, "the incident resolved follows both up")
	all, err := tw.s.Findings(tw.ctx, model.FindingFilter{})
	require.NoError(t, err)
	require.Len(t, all, 3)
	assert.Equal(t, model.StatusResolved, all[0].IncidentStatus)
	requireClean(t, tw.s)
}

// TestTriageDeadlineSweep: a finding left on the desk climbs to the town
// room's queue at its deadline, by the sweep, once.
func TestTriageDeadlineSweep(t *testing.T) {
	tw := newPatrolTower(t)
	f, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "hazard", Text: "山体有裂缝", By: tw.patroller.ID}, "")
	require.NoError(t, err)
	tw.clock.Advance(59 * time.Minute)
	evs := sweep(t, tw.s)
	assert.Empty(t, evs)

	tw.clock.Advance(time.Minute)
	evs = sweep(t, tw.s)
	require.Len(t, evs, 2)
	assert.Equal(t, model.ActReport, evs[0].Action)
	assert.Equal(t, model.ActEscalate, evs[1].Action)
	assert.Equal(t, f.ID, evs[1].Ref)
	assert.Equal(t, model.System, evs[1].Actor)
	got, err := tw.s.Finding(tw.ctx, f.ID)
	require.NoError(t, err)
	assert.Equal(t, model.FindingEscalated, got.Status)
	inc := tw.incident(t, got.Incident)
	assert.Equal(t, model.TierTown, inc.Tier, "in the town room's queue")
	assert.Equal(t, village, inc.Node)
	assert.Equal(t, model.SourcePatrol, inc.Source)
	assert.Equal(t, model.StatusReported, got.IncidentStatus)
	tl := tw.timeline(t, inc.ID)
	require.Len(t, tl, 2, "the incident's timeline says why it is at the town tier")
	assert.Equal(t, model.ActEscalate, tl[1].Action)
	assert.Equal(t, f.ID, tl[1].Ref)
	assert.Contains(t, tl[1].NoteZh, "内未分拣")
	assert.Equal(t, model.TierTown, tl[1].After.Tier)
	var replayed model.Incident // the replay (model.Incident.Replay) reads the timeline as the live incident is
	for _, ev := range tl {
		replayed = replayed.Replay(ev, inc, tw.s.Policy())
	}
	assert.Equal(t, inc.Tier, replayed.Tier)
	assert.Equal(t, inc.Status, replayed.Status)
	assert.Equal(t, 1, inc.Escalations)
	assert.Equal(t, inc.Escalations, replayed.Escalations)
	town, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{Tier: model.TierTown, Open: true})
	require.NoError(t, err)
	assert.Len(t, town, 1)

	evs = sweep(t, tw.s)
	assert.Empty(t, evs, "once")
	_, err = tw.s.CloseFinding(tw.ctx, f.ID, "迟到的销号", tw.liaison.ID)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err), "it has left the desk")
	requireClean(t, tw.s)
}

func TestRotationsStore(t *testing.T) {
	tw := newPatrolTower(t)
	r, err := tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "渎溪联合扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{grid01}, {grid02, grid10}}, Start: t0.Add(-24 * time.Hour)}, tw.duty.ID, "")
	require.NoError(t, err)
	assert.Equal(t, "R-0001", r.ID)
	_, err = tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "x", Activity: model.ActivityTraffic,
		Groups: [][]model.NodeCode{{grid01}, {"330784114266-05"}}, Start: t0}, tw.duty.ID, "")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), "an unknown grid")

	// Yesterday grid 01, today grids 02 and 10.
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "", tw.worker01.ID)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "grid 01 was on duty yesterday")
	ev, err := tw.s.RotationReport(tw.ctx, r.ID, "清查出租房 12 户", tw.leader02.ID)
	require.NoError(t, err)
	assert.Equal(t, model.ActRotationSweep, ev.Action)
	assert.NotZero(t, ev.Seq)
	_, err = tw.s.RotationReport(tw.ctx, r.ID, "又一轮", tw.reserve.ID)
	require.NoError(t, err)
	b, err := tw.s.PatrolBoard(tw.ctx, time.Time{}, "")
	require.NoError(t, err)
	require.Len(t, b.Rotations, 1)
	assert.Equal(t, 1, b.Rotations[0].Group)
	assert.Equal(t, 2, b.Rotations[0].Reports)
	b, err = tw.s.PatrolBoard(tw.ctx, t0.Add(-24*time.Hour), "")
	require.NoError(t, err)
	assert.Zero(t, b.Rotations[0].Reports, "none yesterday")
	tw.reopen(t)
	rs, err := tw.s.Rotations(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, []model.JointRotation{r}, rs)
	requireClean(t, tw.s)
}

// TestCheckFindsPatrolDrift: check names what can drift between the patrol
// records and their indexes.
func TestCheckFindsPatrolDrift(t *testing.T) {
	tw := newPatrolTower(t)
	p, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "k")
	require.NoError(t, err)
	f, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "烟", By: tw.patroller.ID}, "")
	require.NoError(t, err)
	requireClean(t, tw.s)
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketIdxPatrolsActive).Delete(u64(p.Seq)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketIdxFindingsWaiting).Delete(waitingKey(f)); err != nil {
			return err
		}
		return tx.Bucket(bucketPatrolIdem).Put(patrolIdemKey(tw.patroller.ID, idemEnd, "gone"), idemValue(77, [32]byte{}))
	}))
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	assert.Len(t, problems, 3)
	assert.Contains(t, problems[0]+problems[1]+problems[2], "X-0001")
	assert.Contains(t, problems[0]+problems[1]+problems[2], "F-0001")
	assert.Contains(t, problems[0]+problems[1]+problems[2], "X-0077")
}

// migrationOf is the index of the migration that creates bucket: the
// number of the schema without it.
func migrationOf(t *testing.T, bucket []byte) int {
	t.Helper()
	for i := range migrations {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "m.db"), 0o600, nil)
		require.NoError(t, err)
		found := false
		require.NoError(t, db.Update(func(tx *bolt.Tx) error {
			for _, m := range migrations[:i+1] {
				if err := m(tx); err != nil {
					return err
				}
			}
			found = tx.Bucket(bucket) != nil
			return nil
		}))
		require.NoError(t, db.Close())
		if found {
			return i
		}
	}
	t.Fatalf("no migration creates %s", bucket)
	return 0
}

// TestMigrateToPatrols: a file from before the patrol buckets gains them
// and keeps what it held.
func TestMigrateToPatrols(t *testing.T) {
	tw := newTower(t)
	inc := tw.report(t, grid02, tw.worker01.ID, "before the patrols")
	mine := migrationOf(t, bucketPatrolAreas)
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketPatrolAreas, bucketPatrols, bucketIdxPatrolsActive, bucketFindings,
			bucketIdxFindingsWaiting, bucketRotations, bucketRotationReports, bucketPatrolIdem} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(uint64(mine)))
	}))
	tw.reopen(t)
	require.NoError(t, tw.s.db.View(func(tx *bolt.Tx) error {
		v, _ := fileSchema(tx)
		assert.Equal(t, schemaVersion(), v)
		assert.NotNil(t, tx.Bucket(bucketPatrolIdem))
		return nil
	}))
	got := tw.incident(t, inc.ID)
	assert.Equal(t, inc, got)
	areas, err := tw.s.Areas(tw.ctx)
	require.NoError(t, err)
	assert.Empty(t, areas)
	requireClean(t, tw.s)
}

// A re-import may not change the checkpoints of an area being patrolled:
// the patrol would be judged on checkpoints it never had (a QA: after C2,
// an import replaced C1, C2 with C7, C8, C9, and C7 alone made it 2/2,
// done). Names may change; once it ends, the checkpoints may too.
func TestImportAreasKeepsARunningPatrolsCheckpoints(t *testing.T) {
	tw := newPatrolTower(t)
	_, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, "X-0001", "C2", nil, tw.patroller.ID, "")
	require.NoError(t, err)
	areas, err := tw.s.Areas(tw.ctx)
	require.NoError(t, err)
	a := areas[0]
	a.Checkpoints = []model.Checkpoint{{Code: "C7"}, {Code: "C8"}, {Code: "C9"}}
	before := dump(t, tw.s)
	_, _, err = tw.s.ImportAreas(tw.ctx, []model.PatrolArea{areas[1], a}, tw.duty.ID, "pa5.csv")
	require.Error(t, err)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessage(err), "X-0001")
	assert.Contains(t, model.ErrorMessage(err), "P-DX-01")
	assert.Equal(t, before, dump(t, tw.s), "a refused import changes nothing")
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, "X-0001", "C7", nil, tw.patroller.ID, "")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err), "C7 is not a checkpoint of the patrol")

	// The same checkpoints, renamed: taken.
	b := areas[0]
	b.Checkpoints = append([]model.Checkpoint(nil), b.Checkpoints...)
	b.Checkpoints[0].Name = "山脚下"
	_, replaced, err := tw.s.ImportAreas(tw.ctx, []model.PatrolArea{b}, tw.duty.ID, "")
	require.NoError(t, err)
	assert.Equal(t, 1, replaced)

	tw.clock.Advance(time.Minute)
	p, _, err := tw.s.EndPatrol(tw.ctx, "X-0001", tw.patroller.ID, "")
	require.NoError(t, err)
	assert.False(t, p.Complete(), "1 of 3")
	_, replaced, err = tw.s.ImportAreas(tw.ctx, []model.PatrolArea{a}, tw.duty.ID, "pa5.csv")
	require.NoError(t, err, "no patrol runs now")
	assert.Equal(t, 1, replaced)
	requireClean(t, tw.s)
}
