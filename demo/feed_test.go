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

// The feed runs against a real store: it files reports from grid workers,
// and grid leaders, village cadres and duty officers act on them, every
// step through the rules; the file stays consistent.
func TestFeedFilesAndTendsReports(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "feed.db"), store.Options{Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, demo.Load(ctx, db, nil, 1, time.Now()))
	before, err := db.Stats(ctx)
	require.NoError(t, err)

	sub := db.Subscribe()
	defer sub.Close()
	run, stop := context.WithTimeout(ctx, 3*time.Second)
	defer stop()
	done := make(chan struct{})
	go func() { demo.NewFeed(db, 7, 15*time.Millisecond).Run(run); close(done) }()

	actions := map[model.Action]int{}
	passOn := 0
	for run.Err() == nil {
		select {
		case evs := <-sub.C():
			for _, e := range evs {
				actions[e.Action]++
				if e.Action == model.ActEscalate && e.Before.Tier == model.TierGrid && e.Actor != model.System {
					passOn++
				}
			}
		case <-run.Done():
		}
	}
	<-done
	after, err := db.Stats(ctx)
	require.NoError(t, err)
	filed := after.Incidents.Total - before.Incidents.Total
	assert.Greater(t, filed, 20, "reports every few intervals")
	assert.Equal(t, filed, actions[model.ActReport])
	assert.Positive(t, actions[model.ActAcknowledge], "grid leaders sign for some")
	assert.Positive(t, passOn, "grid leaders pass some straight on")
	assert.Positive(t, actions[model.ActResolve], "some are resolved")
	problems, err := db.Check(ctx)
	require.NoError(t, err)
	assert.Empty(t, problems)

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
