package demo_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
	"gridcmd/store"
)

// testClock is a store's clock the test sets.
type testClock struct{ nanos atomic.Int64 }

func (c *testClock) Now() time.Time      { return time.Unix(0, c.nanos.Load()) }
func (c *testClock) Set(t time.Time)     { c.nanos.Store(t.UnixNano()) }
func (c *testClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// maxEscalationsPerHour bounds the escalations (by anyone, the clocks
// included: the header's esc/h) of the feed at its default pace. DOMAIN.md:
// grids govern in peacetime, daily work stays in one platform, and only
// complex or cross-platform work climbs; above the 82 grids there are 27
// village rooms and one town command room. At a report every 4 s (900 an
// hour, a busy day pressed into an hour) that is at most one report in 15
// leaving its grid: one escalation a minute, about two an hour for each
// village room, and the sketch's calm night (esc/h 5) well within reach at
// a slower pace.
const maxEscalationsPerHour = 60

// The feed's logic, on a test clock, for half an hour of the demo at its
// default pace (a report every 4 s on average), the clocks swept every
// second as the console does: open incidents hover around the sketch's few
// dozen instead of growing without bound, escalations stay under
// maxEscalationsPerHour, no minor (III, IV) report climbs to the task force
// by itself, and every kind of step still shows: acknowledgements,
// pass-ons, climbs on a breached deadline, supervision, dispatches,
// resolutions and reports closed as invalid.
func TestFeedSteadyState(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{}
	loc := time.FixedZone("CST", 8*3600)
	base := time.Date(2026, 11, 29, 3, 10, 0, 0, loc)
	clock.Set(base)
	db, err := store.Open(filepath.Join(t.TempDir(), "steady.db"), store.Options{Timeout: time.Second, Now: clock.Now, Location: loc})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, demo.Load(ctx, db, clock.Set, 1, base))

	sub := db.Subscribe()
	defer sub.Close()
	f := demo.NewFeed(db, 1, 4*time.Second)
	require.NoError(t, f.Start(ctx, base))

	actions := map[model.Action]int{}
	var passOns, climbs, escalations int
	var minorToTaskForce []string
	sev := map[string]model.Severity{}
	drain := func() {
		for {
			select {
			case b := <-sub.C():
				for _, inc := range b.Incidents {
					sev[inc.ID] = inc.Severity
				}
				for _, e := range b.Events {
					actions[e.Action]++
					if e.Action != model.ActEscalate {
						continue
					}
					escalations++
					switch {
					case e.Actor != model.System:
						passOns++
					default:
						climbs++
						if e.After.Tier == model.TierTaskForce && sev[e.Incident] >= model.SeverityIII {
							minorToTaskForce = append(minorToTaskForce, e.Incident)
						}
					}
				}
			default:
				return
			}
		}
	}

	const half = 30 * time.Minute
	var open []int
	for at := base; !at.After(base.Add(half)); at = at.Add(time.Second) {
		clock.Set(at)
		f.Advance(ctx, at)
		_, err := db.Sweep(ctx)
		require.NoError(t, err)
		drain()
		if at.Sub(base)%time.Minute == 0 {
			list, err := db.Incidents(ctx, model.IncidentFilter{Open: true})
			require.NoError(t, err)
			open = append(open, len(list))
			fig, err := db.Figures(ctx, "")
			require.NoError(t, err)
			assert.LessOrEqual(t, fig.EscalationsLastHour, maxEscalationsPerHour, "the header's esc/h at %s", at.Format("15:04"))
		}
	}
	require.False(t, sub.Lost(), "the test fell behind the store")
	t.Logf("open each minute: %v", open)
	t.Logf("steps: %v; escalations %d (%d passed on, %d by the clock)", actions, escalations, passOns, climbs)

	for i, n := range open {
		assert.True(t, n >= 15 && n <= 60, "%d open at minute %d: want 15 to 60", n, i)
	}
	assert.LessOrEqual(t, escalations*int(time.Hour/half), maxEscalationsPerHour, "escalations in the half hour, per hour")
	assert.Empty(t, minorToTaskForce, "minor reports climbed to the task force by themselves")

	assert.Greater(t, actions[model.ActReport], 300, "a report every 4 s or so")
	assert.Positive(t, actions[model.ActAcknowledge], "acknowledgements")
	assert.Positive(t, passOns, "grid leaders pass some on")
	assert.Positive(t, climbs, "some are left to climb when their deadline passes")
	assert.Positive(t, actions[model.ActSupervise], "supervision")
	assert.Positive(t, actions[model.ActDispatch], "dispatches")
	assert.Positive(t, actions[model.ActResolve], "resolutions")
	assert.Positive(t, actions[model.ActInvalid], "some closed as invalid")
	requireClean(t, db)
}
