package model_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// countedTower is a county with one town, two villages, a grid, a
// micro-grid and a household unit, with people and incidents on them.
func countedFixture() ([]model.Node, []model.Person, []model.Incident) {
	nodes := []model.Node{
		{Code: "330784", Level: model.LevelCounty, Name: "永康市"},
		{Code: town, Level: model.LevelTown, Name: "花街镇", Parent: "330784"},
		{Code: duxi, Level: model.LevelVillage, Name: "渎溪村", Parent: town},
		{Code: otherVil, Level: model.LevelVillage, Name: "倪宅村", Parent: town},
		{Code: duxiG02, Level: model.LevelGrid, Name: "02网格", Parent: duxi},
		{Code: duxiG02 + "-03", Level: model.LevelMicroGrid, Name: "03微网格", Parent: duxiG02},
		{Code: duxiUnit, Level: model.LevelHousehold, Name: "04包联组", Parent: duxiG02 + "-03", Households: 8},
	}
	people := []model.Person{gridLeader, gridWorker, dutyOfficer}
	incs := []model.Incident{
		{Node: duxiUnit, Tier: model.TierGrid, Status: model.StatusReported},
		{Node: otherVil, Tier: model.TierVillage, Status: model.StatusAcknowledged},
		{Node: duxi, Tier: model.TierTown, Status: model.StatusResolved},
	}
	return nodes, people, incs
}

func TestRecountTower(t *testing.T) {
	nodes, people, incs := countedFixture()
	c := model.RecountTower(nodes, people, incs)
	assert.Equal(t, model.Counts{Children: 1, Households: 8, People: 3, Staff: 2, Villages: 2, MicroGrids: 1,
		Open: [model.TierCount]int{1, 1, 0, 0}}, c["330784"])
	assert.Equal(t, model.Counts{Children: 1, Households: 8, People: 2, Staff: 2, Villages: 1, MicroGrids: 1,
		Open: [model.TierCount]int{1, 0, 0, 0}}, c[duxi], "the resolved one is not open")
	assert.Equal(t, model.Counts{Households: 8, Open: [model.TierCount]int{1, 0, 0, 0}}, c[duxiUnit])
	assert.Equal(t, 2, c["330784"].OpenTotal())
}

// TestCountedTower: a tower of the county and its town only takes its
// figures from the counts, puts an open incident beneath on the nearest
// loaded node, takes the villages in later (Graft), and reaches a scope by
// the stored figures, town by town.
func TestCountedTower(t *testing.T) {
	nodes, people, incs := countedFixture()
	c := model.RecountTower(nodes, people, incs)
	counted := func(codes ...model.NodeCode) []model.CountedNode {
		var out []model.CountedNode
		for _, n := range nodes {
			if slices.Contains(codes, n.Code) {
				out = append(out, model.CountedNode{Node: n, Counts: c[n.Code]})
			}
		}
		return out
	}
	tw := model.BuildCountedTower(counted(town, "330784"))
	assert.Equal(t, []model.NodeCode{"330784"}, tw.Roots)
	tn := tw.Nodes[town]
	assert.Equal(t, 8, tn.Households)
	assert.Equal(t, 2, tn.Staff)
	assert.True(t, tn.HasChildren())
	assert.False(t, tn.Loaded())
	tw.RollUp(slices.Values(incs), func(model.Incident) model.Light { return model.LightRed })
	assert.Equal(t, 2, tn.Open, "both open incidents, from beneath, on the town")
	assert.Equal(t, 2, tn.Red)

	tw.Graft(counted(duxi, otherVil, duxiG02))
	assert.Equal(t, []model.NodeCode{otherVil, duxi}, tn.Children, "in code order")
	assert.True(t, tn.Loaded())
	assert.Equal(t, []model.NodeCode{duxiG02}, tw.Nodes[duxi].Children)
	tw.RollUp(slices.Values(incs), func(model.Incident) model.Light { return model.LightRed })
	assert.Equal(t, 1, tw.Nodes[duxi].Open)
	assert.Equal(t, 1, tw.Nodes[duxiG02].Open)
	assert.Equal(t, 2, tn.Open)

	r, err := tw.Reach([]model.NodeCode{duxi, town})
	require.NoError(t, err)
	assert.Equal(t, model.Reach{Towns: []model.TownReach{{Town: town, Villages: 2, MicroGrids: 1, Households: 8}},
		Villages: 2, MicroGrids: 1, Households: 8}, r, "the village is inside the town: counted once")
	r, err = tw.Reach([]model.NodeCode{"330784"})
	require.NoError(t, err)
	assert.Equal(t, []model.TownReach{{Town: town, Villages: 2, MicroGrids: 1, Households: 8}}, r.Towns)
	_, err = tw.Reach([]model.NodeCode{"330784114999"})
	requireCode(t, err, model.ENOTFOUND, "330784114999")
}
