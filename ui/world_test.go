package ui

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// TestChangeMatchesAFullCount holds the incremental roll-up (world.change)
// to the full one: after every burst of changes (every action, incidents
// filed and closed, the clock running so lights turn), the tower's figures
// on every node and the chain's figures are what counting everything again
// gives.
func TestChangeMatchesAFullCount(t *testing.T) {
	snap := bigWorld(t, 2000)
	w := newWorld(snap)
	now := base
	w.rollUp(now)
	p := model.DefaultPolicy()
	duty := model.Person{ID: 1, Name: "值班员", Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true}
	actions := []model.Command{
		{Action: model.ActAcknowledge}, {Action: model.ActEscalate}, {Action: model.ActEscalate, To: model.TierTown},
		{Action: model.ActDispatch, Department: "交警中队"}, {Action: model.ActResolve}, {Action: model.ActClose},
		{Action: model.ActReopen, Note: "新情况"},
	}
	var leaves []model.NodeCode
	for _, n := range snap.nodes {
		if n.Level == model.LevelMicroGrid {
			leaves = append(leaves, n.Code)
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	next := uint64(len(snap.incidents))
	full, incremental := 0, 0
	for step := 0; step < 80; step++ {
		now = now.Add(time.Duration(r.IntN(8)) * time.Second)
		var burst []model.Incident
		for range 1 + r.IntN(6) {
			if r.IntN(5) == 0 { // a new report
				next++
				inc, _, err := testkit.FileReport(next, "", model.Report{Node: leaves[r.IntN(len(leaves))], Category: "traffic",
					Severity: model.SeverityII, Title: "新上报"}, duty, now, p)
				require.NoError(t, err)
				burst = append(burst, inc)
				continue
			}
			inc := w.incs[r.IntN(len(w.incs))]
			for _, c := range burst { // a later change in the burst acts on the earlier one's result
				if c.Seq == inc.Seq {
					inc = c
				}
			}
			c := actions[r.IntN(len(actions))]
			c.By = duty.ID
			changed, _, err := inc.Apply(c, duty, now, p)
			if err != nil {
				continue // not allowed from its status: no change
			}
			burst = append(burst, changed)
		}
		switch {
		case len(burst) == 0:
			// Nothing changed: only the clock ran, as on a tick.
			if w.lightsDue(now) {
				w.rollUp(now)
			}
		case w.lightsDue(now):
			full++
		default:
			incremental++
		}
		w.change(burst, now)

		want := newWorld(snapshot{nodes: snap.nodes, incidents: slices.Clone(w.incs)})
		want.rollUp(now)
		for code, n := range want.tower.Nodes {
			got := w.tower.Nodes[code]
			require.Equal(t, [3]int{n.Open, n.Red, int(n.Worst)}, [3]int{got.Open, got.Red, int(got.Worst)},
				"step %d, node %s: open, red, worst", step, code)
		}
		require.Equal(t, want.inc, w.inc, "step %d: the chain's figures", step)
		require.Equal(t, want.nextLight, w.nextLight, "step %d: the next light to turn", step)
	}
	t.Logf("%d bursts applied one by one, %d counted again because a light had turned", incremental, full)
	require.Positive(t, incremental)
	require.Positive(t, full)
}
