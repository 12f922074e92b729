package store

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/data"
	"gridcmd/demo"
	"gridcmd/importer"
	"gridcmd/internal/testclock"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// TestFedHuajieDemoIntoTheYongkangCounty publishes the Huajie demo (2,240
// nodes, 3,493 people, its incidents and weeks of history) to a hub that
// holds Yongkang's 452 villages first, in batches as the transport takes
// them, and the county's file then has the town as the town has itself.
func TestFedHuajieDemoIntoTheYongkangCounty(t *testing.T) {
	testkit.SkipShort(t, "loads the demo")
	ctx := context.Background()
	clock := testclock.New(t0)
	town := openAt(t, filepath.Join(t.TempDir(), "huajie.db"), clock)
	require.NoError(t, demo.LoadWithHistory(ctx, town, clock.Set, 1, t0))

	hub := openAt(t, filepath.Join(t.TempDir(), "county.db"), clock)
	rows, err := importer.ParseVillages("yongkang-villages.csv", bytes.NewReader(data.YongkangVillages))
	require.NoError(t, err)
	_, err = hub.ImportNodes(ctx, importer.Divisions(rows), model.System, "import villages")
	require.NoError(t, err)

	var after uint64
	biggest, records := 0, 0
	for {
		recs, err := town.FedPending(ctx, after, 500)
		require.NoError(t, err)
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			biggest = max(biggest, len(r.Data))
		}
		n, err := hub.FedApply(ctx, recs)
		require.NoError(t, err)
		require.Equal(t, len(recs), n)
		records += n
		after = recs[len(recs)-1].Seq
	}
	t.Logf("%d records, the largest %d bytes", records, biggest)
	assert.Less(t, biggest, fedMaxRecord)

	code := model.NodeCode("330784114")
	want, err := town.Subtree(ctx, code, 2)
	require.NoError(t, err)
	got, err := hub.Subtree(ctx, code, 2)
	require.NoError(t, err)
	require.Equal(t, len(want), len(got))
	for i := range want {
		assert.Equal(t, want[i].Code, got[i].Code)
		assert.Equal(t, want[i].Counts, got[i].Counts, "%s", want[i].Code)
	}
	wf, err := town.Figures(ctx, code)
	require.NoError(t, err)
	hf, err := hub.Figures(ctx, code)
	require.NoError(t, err)
	assert.Equal(t, wf, hf)
	ws, err := town.WartimeStatus(ctx, code)
	require.NoError(t, err)
	hs, err := hub.WartimeStatus(ctx, "330784")
	require.NoError(t, err)
	assert.Equal(t, len(ws.Towns), len(hs.Towns))
	wo, err := town.Incidents(ctx, model.IncidentFilter{Open: true})
	require.NoError(t, err)
	ho, err := hub.Incidents(ctx, model.IncidentFilter{Open: true, Node: code})
	require.NoError(t, err)
	assert.Equal(t, len(wo), len(ho))
	county, err := hub.Subtree(ctx, "330784", 1)
	require.NoError(t, err)
	assert.Equal(t, 14, county[0].Counts.Children)
	sameDirectives(t, town, hub, code)
	samePatrols(t, town, hub)
	sameDuty(t, town, hub)
	requireClean(t, hub)
}

// sameDuty: the hub has the town's shifts (203) and handovers (none in
// the demo), and its rotations with the day's reports.
func sameDuty(t *testing.T, town, hub *DB) {
	t.Helper()
	ctx := context.Background()
	count := func(s *DB) [2]int {
		shifts, err := s.Shifts(ctx, model.ShiftFilter{})
		require.NoError(t, err)
		hs, err := s.Handovers(ctx, model.HandoverFilter{Limit: 1 << 20})
		require.NoError(t, err)
		return [2]int{len(shifts), len(hs)}
	}
	assert.Equal(t, count(town), count(hub), "shifts, handovers")
	wb, err := town.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	hb, err := hub.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	require.NotEmpty(t, wb.Rotations)
	require.Equal(t, len(wb.Rotations), len(hb.Rotations))
	for i, rd := range wb.Rotations {
		assert.Equal(t, [2]any{rd.Rotation.Name, rd.Reports}, [2]any{hb.Rotations[i].Rotation.Name, hb.Rotations[i].Reports})
	}
}

// sameDirectives: the hub has the town's directives of its latest wartime,
// each as signed for and done as at home.
func sameDirectives(t *testing.T, town, hub *DB, code model.NodeCode) {
	t.Helper()
	ctx := context.Background()
	wd, err := town.Directives(ctx, code)
	require.NoError(t, err)
	hd, err := hub.Directives(ctx, code)
	require.NoError(t, err)
	require.NotEmpty(t, wd, "the demo's history ends in wartime with directives")
	require.Equal(t, len(wd), len(hd))
	for i := range wd {
		_, wu, err := town.Directive(ctx, wd[i].ID)
		require.NoError(t, err)
		_, hu, err := hub.Directive(ctx, hd[i].ID)
		require.NoError(t, err)
		ws, hs := model.Summarize(wd[i], wu, 0), model.Summarize(hd[i], hu, 0)
		assert.Equal(t, wd[i].ID, hd[i].Fed)
		assert.Equal(t, [3]int{ws.Units, ws.Signed, ws.Done}, [3]int{hs.Units, hs.Signed, hs.Done}, wd[i].ID)
	}
}

// samePatrols: the hub's patrol board reads as the town's (rates, areas,
// the desk), and it has as many patrols and findings.
func samePatrols(t *testing.T, town, hub *DB) {
	t.Helper()
	ctx := context.Background()
	wb, err := town.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	hb, err := hub.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, wb.Rates, hb.Rates)
	assert.Equal(t, len(wb.Areas), len(hb.Areas))
	assert.Equal(t, [2]int{wb.Waiting, wb.DeskLate}, [2]int{hb.Waiting, hb.DeskLate})
	for _, f := range []model.PatrolFilter{{}, {Active: true}} {
		wp, err := town.Patrols(ctx, f)
		require.NoError(t, err)
		hp, err := hub.Patrols(ctx, f)
		require.NoError(t, err)
		require.NotEmpty(t, wp, "%+v", f)
		assert.Equal(t, len(wp), len(hp), "%+v", f)
	}
	wf, err := town.Findings(ctx, model.FindingFilter{})
	require.NoError(t, err)
	hf, err := hub.Findings(ctx, model.FindingFilter{})
	require.NoError(t, err)
	require.NotEmpty(t, wf)
	assert.Equal(t, len(wf), len(hf))
}
