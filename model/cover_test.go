package model_test

import (
	"cmp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Micro-grids of the wartime fixture: three in Duxi (two in grid 1, one in
// grid 2) and one in the other village.
const (
	duxiG01M1  model.NodeCode = "330784114266-01-01"
	duxiG01M2  model.NodeCode = "330784114266-01-02"
	otherG01M1 model.NodeCode = "330784114200-01-01"
)

// coverNodes is towerNodes with more micro-grids: households are held at
// micro-grids (duxiG01M1), at their household units (duxiG01M2, duxiG02M3)
// and at a grid (otherGrid) and a village (otherVil) above them.
func coverNodes() []model.Node {
	return append(towerNodes(),
		model.Node{Code: duxiG01M1, Level: model.LevelMicroGrid, Name: "微网格1", Parent: duxiG01, Households: 60},
		model.Node{Code: duxiG01M2, Level: model.LevelMicroGrid, Name: "微网格2", Parent: duxiG01},
		model.Node{Code: duxiG01M2 + "-01", Level: model.LevelHousehold, Name: "包联户1", Parent: duxiG01M2, Households: 8},
		model.Node{Code: duxiG01M2 + "-02", Level: model.LevelHousehold, Name: "包联户2", Parent: duxiG01M2, Households: 9},
		model.Node{Code: otherG01M1, Level: model.LevelMicroGrid, Name: "微网格1", Parent: otherGrid, Households: 50},
	)
}

func TestTowerCover(t *testing.T) {
	tw := model.BuildTower(coverNodes(), nil, nil, nil)
	// Households: Duxi 70 (at grid 1) + 60 + 17 + 14 (micro-grid 3 and its
	// units) = 161; the other village 55 (at its grid) + 50 = 105.
	duxiUnits := []model.CoveredUnit{{Code: duxiG01M1, Households: 60}, {Code: duxiG01M2, Households: 17}, {Code: duxiG02M3, Households: 14}}
	otherUnits := []model.CoveredUnit{{Code: otherG01M1, Households: 50}}
	whole := model.ScopeCover{Villages: 2, Households: 266, Units: append(slices.Clone(otherUnits), duxiUnits...)}
	tests := []struct {
		name  string
		scope []model.NodeCode
		want  model.ScopeCover
	}{
		{"the town", []model.NodeCode{town}, whole},
		{"one village", []model.NodeCode{duxi}, model.ScopeCover{Villages: 1, Households: 161, Units: duxiUnits}},
		{"villages in any order", []model.NodeCode{duxi, otherVil}, whole},
		{"a village inside the town counts once", []model.NodeCode{duxi, town}, whole},
		{"a grid", []model.NodeCode{duxiG01}, model.ScopeCover{Households: 147, Units: duxiUnits[:2]}},
		{"a micro-grid", []model.NodeCode{duxiG02M3}, model.ScopeCover{Households: 14, Units: duxiUnits[2:]}},
		{"nothing", nil, model.ScopeCover{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tw.Cover(tt.scope)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.want.Units), got.MicroGrids())
			// What the console counted with Count and the rolled-up
			// households, for a scope without overlaps.
			if slices.IsSorted(tt.scope) && len(tt.scope) == 1 {
				cnt := tw.Count(tt.scope[0])
				assert.Equal(t, cnt[model.LevelVillage], got.Villages)
				assert.Equal(t, cnt[model.LevelMicroGrid], got.MicroGrids())
				assert.Equal(t, tw.Nodes[tt.scope[0]].Households, got.Households)
			}
			// CoverNodes over every node in code order is the same.
			nodes := coverNodes()
			slices.SortFunc(nodes, func(a, b model.Node) int { return cmp.Compare(a.Code, b.Code) })
			assert.Equal(t, got, model.CoverNodes(tt.scope, slices.Values(nodes)))
		})
	}

	_, err := tw.Cover([]model.NodeCode{duxi, "330784114999"})
	requireCode(t, err, model.ENOTFOUND, "scope: no node 330784114999 in the tower")
	requireZh(t, err, "范围：网格塔中没有节点 330784114999")
	assert.Equal(t, "scope", model.ErrorField(err))

	// A node the tower does not link (its grid is missing) is still under
	// its village's code, as a store's scan of the code's prefix finds it.
	orphan := model.Node{Code: "330784114266-05-01", Level: model.LevelMicroGrid, Name: "微网格1", Parent: "330784114266-05", Households: 4}
	tw = model.BuildTower(append(coverNodes(), orphan), nil, nil, nil)
	got, err := tw.Cover([]model.NodeCode{duxi})
	require.NoError(t, err)
	assert.Equal(t, model.ScopeCover{Villages: 1, Households: 165,
		Units: append(slices.Clone(duxiUnits), model.CoveredUnit{Code: orphan.Code, Households: 4})}, got)
}

func TestCoverNodesSkipsWhatIsOutside(t *testing.T) {
	nodes := []model.Node{
		{Code: otherVil, Level: model.LevelVillage, Households: 1},
		{Code: otherG01M1, Level: model.LevelMicroGrid, Households: 2},
		{Code: duxi, Level: model.LevelVillage},
		{Code: duxiG02M3, Level: model.LevelMicroGrid, Households: 3},
		{Code: duxiUnit, Level: model.LevelHousehold, Households: 4},
		// A household unit whose micro-grid is not given counts for the
		// scope, not for the micro-grid before it.
		{Code: "330784114266-02-04-01", Level: model.LevelHousehold, Households: 5},
	}
	got := model.CoverNodes([]model.NodeCode{duxi}, slices.Values(nodes))
	assert.Equal(t, model.ScopeCover{Villages: 1, Households: 12, Units: []model.CoveredUnit{{Code: duxiG02M3, Households: 7}}}, got)
}

func TestScopeCoverGaps(t *testing.T) {
	tw := model.BuildTower(coverNodes(), nil, nil, nil)
	c, err := tw.Cover([]model.NodeCode{town})
	require.NoError(t, err)
	worker := func(id model.PersonID, at model.NodeCode) model.Person {
		return model.Person{ID: id, Node: at, Roles: []model.Role{model.RoleMicroGridWorker}}
	}
	tests := []struct {
		name   string
		people []model.Person
		want   []model.NodeCode
	}{
		{"nobody", nil, []model.NodeCode{otherG01M1, duxiG01M1, duxiG01M2, duxiG02M3}},
		{"one worker", []model.Person{microWorker}, []model.NodeCode{otherG01M1, duxiG01M1, duxiG01M2}},
		{"two at one micro-grid", []model.Person{worker(1, duxiG01M1), worker(2, duxiG01M1)}, []model.NodeCode{otherG01M1, duxiG01M2, duxiG02M3}},
		{"everyone placed", []model.Person{worker(1, duxiG01M1), worker(2, duxiG01M2), worker(3, otherG01M1), microWorker}, nil},
		// Only a micro-grid worker at the micro-grid itself fills it.
		{"a grid worker at a micro-grid", []model.Person{{ID: 4, Node: duxiG01M1, Roles: []model.Role{model.RoleGridWorkerFull}}},
			[]model.NodeCode{otherG01M1, duxiG01M1, duxiG01M2, duxiG02M3}},
		{"a micro-grid worker below it", []model.Person{worker(5, duxiUnit)}, []model.NodeCode{otherG01M1, duxiG01M1, duxiG01M2, duxiG02M3}},
		{"a micro-grid worker at its grid", []model.Person{worker(6, duxiG01)}, []model.NodeCode{otherG01M1, duxiG01M1, duxiG01M2, duxiG02M3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.Gaps(tt.people))
		})
	}
}
