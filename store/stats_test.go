package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// xiaojie is a second village of the town (小界岭村) with a grid and a
// micro-grid, for the stats of one village beside another.
const (
	xiaojie      model.NodeCode = "330784114201"
	xiaojie01    model.NodeCode = "330784114201-01"
	xiaojieMicro model.NodeCode = "330784114201-01-01"
)

// statsTower is figureTower with 小界岭村 beside 渎溪村, its grid leader and
// worker, three reports there (one closed as invalid) and one of 渎溪村's
// closed as invalid too.
func statsTower(t *testing.T) *tower {
	t.Helper()
	tw := figureTower(t)
	people := testkit.LoadTower(t, tw.s, []model.Node{
		{Code: xiaojie, Level: model.LevelVillage, Name: "小界岭村", Parent: town},
		{Code: xiaojie01, Level: model.LevelGrid, Name: "小界岭第1网格", Parent: xiaojie},
		{Code: xiaojieMicro, Level: model.LevelMicroGrid, Name: "小界岭1-1微网格", Parent: xiaojie01, Households: 41},
	}, []model.Person{
		{Name: "钱网格长", Phone: "13800000011", Node: xiaojie01, Roles: []model.Role{model.RoleGridLeader}},
		{Name: "孙网格员", Phone: "13800000012", Node: xiaojie01, Roles: []model.Role{model.RoleGridWorkerFull}},
	})
	leader, worker := people[0], people[1]
	for i := range 3 {
		inc := tw.report(t, xiaojie01, worker.ID, "小界岭 "+string(rune('a'+i)))
		if i == 0 {
			_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActInvalid, By: leader.ID, Note: "重复上报"})
			require.NoError(t, err)
		}
	}
	dup := tw.report(t, grid01, tw.worker01.ID, "重复")
	_, err := tw.s.Act(tw.ctx, dup.ID, model.Command{Action: model.ActInvalid, By: tw.leader01.ID, Note: "重复上报"})
	require.NoError(t, err)
	return tw
}

// statsBySum is what a seat counted before the store counted a scope: the
// subtree, the people, every incident and the figures, each read through
// the service on its own and summed.
func statsBySum(t *testing.T, tw *tower, scope model.NodeCode) model.Stats {
	t.Helper()
	var st model.Stats
	nodes, err := tw.s.Subtree(tw.ctx, scope, len(model.Levels))
	require.NoError(t, err)
	for _, n := range nodes {
		st.CountNode(n.Node)
	}
	people, err := tw.s.People(tw.ctx, model.PeopleFilter{Node: scope})
	require.NoError(t, err)
	for _, p := range people {
		st.CountPerson(p)
	}
	incs, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{Node: scope})
	require.NoError(t, err)
	st.Incidents.Total = len(incs)
	for _, inc := range incs {
		if inc.Status.Open() {
			st.CountOpen(inc, tw.s.Now())
		}
	}
	f, err := tw.s.Figures(tw.ctx, scope)
	require.NoError(t, err)
	st.SetFigures(f)
	return st
}

// TestStatsInIsTheSum: the store's Stats of a scope are what the four
// reads through the service summed (the seat's old way), for the file, the
// town, each village, a grid and a micro-grid, with closed incidents and
// overdue ones among them; the whole file's are Stats'.
func TestStatsInIsTheSum(t *testing.T) {
	tw := statsTower(t)
	tw.clock.Set(t0.Add(45 * time.Minute)) // some of them past their deadline
	for _, scope := range []model.NodeCode{"", town, village, xiaojie, grid01, grid02, xiaojie01, micro011} {
		got, err := tw.s.StatsIn(tw.ctx, scope)
		require.NoError(t, err)
		assert.Equal(t, statsBySum(t, tw, scope), got, "scope %q", scope)
	}
	whole, err := tw.s.Stats(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, statsBySum(t, tw, ""), whole)
	assert.NotZero(t, whole.Incidents.Overdue, "the fixture has overdue incidents")

	// Pinned, so that a scope counted wrong on both sides does not agree.
	duxi, err := tw.s.StatsIn(tw.ctx, village)
	require.NoError(t, err)
	other, err := tw.s.StatsIn(tw.ctx, xiaojie)
	require.NoError(t, err)
	assert.Equal(t, [2]int{8, 7}, [2]int{duxi.Incidents.Total, duxi.Incidents.Open}, "渎溪村: 6 on grid 01, 1 at the village, 1 closed")
	assert.Equal(t, [2]int{3, 2}, [2]int{other.Incidents.Total, other.Incidents.Open}, "小界岭村: 3, 1 closed")
	assert.Equal(t, [4]int{1, 1, 1, 41}, [4]int{other.Villages, other.Grids, other.MicroGrids, other.Households})
	assert.Equal(t, 2, other.People.Total)
	assert.Equal(t, 11, whole.Incidents.Total)
	assert.Zero(t, other.Incidents.EscalationsLastHour, "the escalations are 渎溪村's")

	_, err = tw.s.StatsIn(tw.ctx, "bogus")
	requireCode(t, err, model.EINVALID)
	_, err = tw.s.StatsIn(tw.ctx, "330784114299")
	requireCode(t, err, model.ENOTFOUND)
}
