package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestPatrolsEarnPoints: the patrol service's own events earn by the
// shipped indicators: a patrol done earns its patroller 巡护 +2 (one ended
// incomplete nothing), a building sweep on rotation earns its reporter
// 清村扫楼 +2, a patrol rotation nothing; check and rebuild agree.
func TestPatrolsEarnPoints(t *testing.T) {
	tw := newPatrolTower(t)
	m := model.MonthOf(tw.clock.Now(), cst)
	_, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	for _, cp := range []string{"C1", "C2", "C3"} {
		tw.clock.Advance(10 * time.Minute)
		_, _, err = tw.s.PatrolCheckIn(tw.ctx, "X-0001", cp, nil, tw.patroller.ID, "")
		require.NoError(t, err)
	}
	_, _, err = tw.s.EndPatrol(tw.ctx, "X-0001", tw.patroller.ID, "")
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
