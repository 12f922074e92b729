package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
	"gridcmd/store"
)

// liveDemo is a store on a temp file holding the demo as of now, on the
// real clock, as the feeds run against it; closed when the test ends.
func liveDemo(t *testing.T, name string) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), name), store.Options{Timeout: time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, demo.Load(context.Background(), db, nil, 1, time.Now()))
	return db
}

// start runs f until stop is called or limit (0: no limit) has passed;
// stop ends it and waits for it to return.
func start(ctx context.Context, f interface{ Run(context.Context) }, limit time.Duration) (run context.Context, stop func()) {
	var cancel context.CancelFunc
	if limit > 0 {
		run, cancel = context.WithTimeout(ctx, limit)
	} else {
		run, cancel = context.WithCancel(ctx)
	}
	done := make(chan struct{})
	go func() { f.Run(run); close(done) }()
	return run, func() { cancel(); <-done }
}

// requireClean fails unless the store's check finds nothing amiss.
func requireClean(t *testing.T, db *store.DB) {
	t.Helper()
	problems, err := db.Check(context.Background())
	require.NoError(t, err)
	assert.Empty(t, problems)
}

// The feed runs against a real store: it files reports from grid workers,
// and grid leaders, village cadres and duty officers act on them, every
// step through the rules; the file stays consistent.
func TestFeedFilesAndTendsReports(t *testing.T) {
	ctx := context.Background()
	db := liveDemo(t, "feed.db")
	before, err := db.Stats(ctx)
	require.NoError(t, err)

	sub := db.Subscribe()
	defer sub.Close()
	// The feed runs until it has shown each kind of step (a minute at
	// most, for a slow disk), not for a fixed time.
	run, stop := start(ctx, demo.NewFeed(db, 7, 15*time.Millisecond), time.Minute)
	defer stop()

	actions := map[model.Action]int{}
	passOn := 0
	count := func(evs []model.Event) {
		for _, e := range evs {
			actions[e.Action]++
			if e.Action == model.ActEscalate && e.Before.Tier == model.TierGrid && e.Actor != model.System {
				passOn++
			}
		}
	}
	enough := func() bool {
		return actions[model.ActReport] > 20 && actions[model.ActAcknowledge] > 0 && passOn > 0 && actions[model.ActResolve] > 0
	}
	for run.Err() == nil && !enough() {
		select {
		case b := <-sub.C():
			count(b.Events)
		case <-run.Done():
		}
	}
	stop()
	// The store publishes a batch before its callers get their answers, so
	// once the feed has returned, everything it filed is in the buffer.
	for drained := false; !drained; {
		select {
		case b := <-sub.C():
			count(b.Events)
		default:
			drained = true
		}
	}
	require.False(t, sub.Lost(), "the test fell behind the feed")
	after, err := db.Stats(ctx)
	require.NoError(t, err)
	filed := after.Incidents.Total - before.Incidents.Total
	assert.Greater(t, filed, 20, "reports every few intervals")
	assert.Equal(t, filed, actions[model.ActReport])
	assert.Positive(t, actions[model.ActAcknowledge], "grid leaders sign for some")
	assert.Positive(t, passOn, "grid leaders pass some straight on")
	assert.Positive(t, actions[model.ActResolve], "some are resolved")
	requireClean(t, db)

	// Every report came from a grid worker of the grid it names.
	list, err := db.Incidents(ctx, model.IncidentFilter{})
	require.NoError(t, err)
	for _, inc := range list[before.Incidents.Total:] {
		p, err := db.Person(ctx, inc.Reporter)
		require.NoError(t, err)
		assert.True(t, p.IsGridStaff(), "%s reported by %s", inc.ID, p.Name)
		assert.Equal(t, inc.Node.Grid(), p.Node, "%s", inc.ID)
	}
}

// In wartime the feed plays the micro-grids: units with a worker sign for
// the live directive and report progress; gaps and a few silent units do
// not, so escalation has something to show.
func TestFeedSignsDirectivesInWartime(t *testing.T) {
	ctx := context.Background()
	db := liveDemo(t, "feed.db")
	officers, err := db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	by := officers[0].ID
	_, err = db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, true, "", by)
	require.NoError(t, err)
	d, _, err := db.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{demo.Town}, 2*time.Hour, by, false)
	require.NoError(t, err)

	st, err := db.WartimeStatus(ctx, "")
	require.NoError(t, err)
	gap := map[model.NodeCode]bool{}
	answering, silent := 0, 0
	for _, u := range st.Units {
		gap[u.MicroGrid] = u.Worker == 0
		switch {
		case u.Worker == 0:
		case demo.Silent(u.MicroGrid):
			silent++
		default:
			answering++
		}
	}
	require.Positive(t, silent, "some staffed units stay silent, so escalation has something to show")

	// The feed runs until every unit that answers has signed and some report
	// progress (a minute at most, for a slow disk), not for a fixed time.
	_, stop := start(ctx, demo.NewFeed(db, 3, 15*time.Millisecond), 0)
	defer stop()
	require.Eventually(t, func() bool {
		_, units, err := db.Directive(ctx, d.ID)
		if err != nil {
			return false
		}
		signed, progressed := 0, 0
		for _, u := range units {
			if u.Signed() {
				signed++
			}
			if u.Done > 0 {
				progressed++
			}
		}
		return signed >= answering && progressed > 0
	}, time.Minute, 20*time.Millisecond)
	stop()

	_, units, err := db.Directive(ctx, d.ID)
	require.NoError(t, err)
	signed := 0
	for _, u := range units {
		if gap[u.Unit] {
			assert.False(t, u.Signed(), "a gap has nobody to sign")
		}
		if demo.Silent(u.Unit) {
			assert.False(t, u.Signed(), "%s is one the feed leaves silent", u.Unit)
		}
		if u.Signed() {
			signed++
		}
	}
	assert.Equal(t, answering, signed, "every staffed unit but the silent ones signs")
}

// The patrol feed against a real store: patrols start, check in and end,
// findings fill the desk, and an incident passed on from it is signed for,
// resolved and, followed up, closed by a duty officer; the file stays
// consistent.
func TestPatrolFeed(t *testing.T) {
	ctx := context.Background()
	db := liveDemo(t, "patrols.db")
	sub := db.Subscribe()
	defer sub.Close()
	run, stop := start(ctx, demo.NewPatrolFeed(db, 7, 5*time.Millisecond), time.Minute)
	defer stop()

	actions := map[model.Action]int{}
	passed := ""
	resolved, closed := false, false
	rotations := func() int {
		return actions[model.ActRotationPatrol] + actions[model.ActRotationSweep] + actions[model.ActRotationTraffic]
	}
	for run.Err() == nil && !(actions[model.ActPatrolDone] > 0 && actions[model.ActCheckIn] > 5 && closed && rotations() > 0) {
		select {
		case b := <-sub.C():
			for _, e := range b.Events {
				actions[e.Action]++
				if e.Action == model.ActFinding && passed == "" {
					f, err := db.Finding(ctx, e.Ref)
					require.NoError(t, err)
					_, inc, err := db.PassFinding(ctx, e.Ref, f.Village, "", 0, demo.Liaison)
					require.NoError(t, err)
					passed = inc.ID
				}
				if e.Action == model.ActResolve && e.Incident == passed {
					resolved = true
				}
				if e.Action == model.ActClose && e.Incident == passed {
					closed = e.Note != "" && e.Actor != demo.Liaison
				}
			}
		case <-run.Done():
		}
	}
	stop()
	assert.Positive(t, actions[model.ActPatrolStart])
	assert.Positive(t, actions[model.ActPatrolDone])
	assert.GreaterOrEqual(t, actions[model.ActFinding], 3, "the desk fills")
	assert.True(t, resolved, "the incident passed on was resolved")
	assert.True(t, closed, "and closed once followed up, with a note")
	assert.Positive(t, rotations(), "the groups on duty report (Load's reports came before the subscription)")
	requireClean(t, db)
}
