package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/internal/demodb"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// The demo with its history, through a real store on the demo's clock:
// every step passes the rules, the morning is the morning it always was,
// and the two months earn plausible points: every indicator the town runs
// without patrols, the drill's, the deliberation week's grants and a few
// redemptions, with scorecards rated for every grid leader.
func TestHistoryEarnsPlausiblePoints(t *testing.T) {
	testkit.SkipShort(t, "loads two months of history")
	ctx := context.Background()
	base := testkit.Night
	db, _ := demodb.Open(t, "demo.db", base, demo.LoadWithHistory)

	// All the history is closed: what is open is the morning's.
	morning := 0
	for _, st := range demo.Script(1, base) {
		if st.Report != nil {
			morning++
		}
	}
	stats, err := db.Stats(ctx)
	require.NoError(t, err)
	assert.Greater(t, stats.Incidents.Total, 10*morning)
	all, err := db.Incidents(ctx, model.IncidentFilter{})
	require.NoError(t, err)
	for _, inc := range all {
		if inc.ReportedAt.Before(base.Add(-7 * time.Hour)) {
			require.Equal(t, model.StatusClosed, inc.Status, "%s %s", inc.ID, inc.Title)
		}
	}

	sums := func(m model.Month) (map[string]int, model.PointsMonth) {
		pm, err := db.Points(ctx, model.PointsQuery{Month: m})
		require.NoError(t, err)
		out := map[string]int{}
		for _, p := range pm.People {
			for k, v := range p.By {
				out[k] += v
			}
			out["redeemed"] += p.Redeemed
		}
		return out, pm
	}
	oct, _ := sums(model.Month{Year: 2026, Mon: time.October})
	for _, k := range []string{"report", "hazard", "sign_on_time", "mediation", "wartime_sign", "wartime_done", "volunteer", "supervision", model.ManualKey} {
		assert.NotZero(t, oct[k], "October earns %s", k)
	}
	assert.Equal(t, 30, oct["volunteer"], "six reserves drafted into the six gaps")
	nov, pm := sums(model.Month{Year: 2026, Mon: time.November})
	assert.Positive(t, nov["report"])
	assert.Equal(t, 100, nov["redeemed"], "five dining benefits")
	assert.Greater(t, pm.People[0].Total, 10)
	grids := model.Teams(model.LevelGrid, pm.People, nil)
	assert.Len(t, grids, demo.Grids)

	cards, err := db.Scorecards(ctx, model.ScoreGridLeader, model.Month{Year: 2026, Mon: time.October}, "")
	require.NoError(t, err)
	rated, graded := 0, map[model.Grade]int{}
	for _, c := range cards {
		if c.Rated {
			rated++
			graded[c.Grade]++
		}
	}
	assert.Equal(t, demo.Grids, rated)
	assert.Greater(t, len(graded), 1, "not every leader gets the same grade")

	requireClean(t, db)
}

// The history is the same for the same seed and base.
func TestHistoryIsDeterministic(t *testing.T) {
	base := testkit.Night
	a, b := demo.History(1, base), demo.History(1, base)
	require.Equal(t, len(a), len(b))
	assert.Greater(t, len(a), 2000)
	assert.NotEqual(t, len(a), len(demo.History(2, base)))
}
