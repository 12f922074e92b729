package seat

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

// Xiaojie is 小界岭村, another village of the demo's town.
const xiaojie model.NodeCode = "330784114268"

// A village room's stats count its own village only: a report filed in
// another village of the town changes the town's counts and not the
// room's; one filed in the room's village changes both. StatsIn is the
// room's for "", a node of the room's its own, and refused outside it.
func TestScopedStatsLeaveOtherVillagesOut(t *testing.T) {
	db, _ := demodb.Open(t, "scoped.db", base, demo.Load)
	ctx := context.Background()
	officers, err := db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	report := func(node model.NodeCode) {
		t.Helper()
		_, err := db.Report(ctx, model.Report{Node: node, Category: "hazard", Severity: model.SeverityI,
			Title: "变压器冒烟", Reporter: officers[0].ID})
		require.NoError(t, err)
	}
	stats := func(svc model.Service) model.Stats {
		t.Helper()
		st, err := svc.Stats(ctx)
		require.NoError(t, err)
		return st
	}
	room := Scoped(db, duxi)
	before, town := stats(room), stats(db)
	require.NotZero(t, before.Incidents.Total)
	require.Less(t, before.Incidents.Total, town.Incidents.Total)

	report(xiaojie + "-01")
	after := stats(room)
	assert.Equal(t, before.Incidents, after.Incidents, "another village's report")
	assert.Equal(t, town.Incidents.Total+1, stats(db).Incidents.Total)
	assert.Equal(t, town.Incidents.Open+1, stats(db).Incidents.Open)

	report(duxi + "-02")
	after = stats(room)
	assert.Equal(t, [2]int{before.Incidents.Total + 1, before.Incidents.Open + 1}, [2]int{after.Incidents.Total, after.Incidents.Open})

	in, err := room.StatsIn(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, after, in)
	grid, err := room.StatsIn(ctx, duxi+"-02")
	require.NoError(t, err)
	want, err := db.StatsIn(ctx, duxi+"-02")
	require.NoError(t, err)
	assert.Equal(t, want, grid)
	for _, outside := range []model.NodeCode{xiaojie, duxi[:9]} {
		_, err = room.StatsIn(ctx, outside)
		testkit.RequireCode(t, err, model.EFORBIDDEN)
	}
}

// A village room's findings and patrol board are its village's: the
// findings of its areas, the board of its areas and their patrollers (a
// QA: the scoped service handed over the whole file's findings and
// board); a finding of another village is not found, and a list or board
// asked for a node outside the room is refused.
func TestScopedFindingsAndBoardAreTheRooms(t *testing.T) {
	db, _ := demodb.Open(t, "scoped.db", base, demo.Load)
	ctx := context.Background()
	all, err := db.Findings(ctx, model.FindingFilter{})
	require.NoError(t, err)
	require.NotEmpty(t, all)
	v := all[0].Village // a village with a finding
	room := Scoped(db, v)

	mine, err := room.Findings(ctx, model.FindingFilter{})
	require.NoError(t, err)
	require.NotEmpty(t, mine)
	want, err := db.Findings(ctx, model.FindingFilter{Node: v})
	require.NoError(t, err)
	assert.Equal(t, want, mine)
	_, err = room.Finding(ctx, mine[0].ID)
	require.NoError(t, err)
	var elsewhere string
	for _, f := range all {
		if !v.Contains(f.Village) {
			elsewhere = f.ID
		}
	}
	require.NotEmpty(t, elsewhere, "the demo has findings in other villages")
	_, err = room.Finding(ctx, elsewhere)
	testkit.RequireCode(t, err, model.ENOTFOUND)

	whole, err := db.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	b, err := room.PatrolBoard(ctx, time.Time{}, "")
	require.NoError(t, err)
	require.NotEmpty(t, b.Areas)
	assert.Less(t, len(b.Areas), len(whole.Areas))
	for _, a := range b.Areas {
		assert.True(t, v.Contains(a.Area.Village), a.Area.Code)
	}
	wantBoard, err := db.PatrolBoard(ctx, time.Time{}, v)
	require.NoError(t, err)
	assert.Equal(t, wantBoard, b)

	other := duxi
	if v == duxi {
		other = xiaojie
	}
	for _, outside := range []model.NodeCode{other, v.Town()} {
		_, err = room.Findings(ctx, model.FindingFilter{Open: true, Node: outside})
		testkit.RequireCode(t, err, model.EFORBIDDEN)
		_, err = room.PatrolBoard(ctx, time.Time{}, outside)
		testkit.RequireCode(t, err, model.EFORBIDDEN)
	}
}
