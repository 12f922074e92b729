package importer

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/data"
	"gridcmd/model"
)

func huajieRows(t *testing.T) []VillageRow {
	t.Helper()
	rows, err := ParseVillages("huajie-villages.csv", bytes.NewReader(data.HuajieVillages))
	require.NoError(t, err)
	return rows
}

// checkTree asserts that every node validates, codes are unique and in
// order, and every parent precedes its children.
func checkTree(t *testing.T, nodes []model.Node) map[model.NodeCode]model.Node {
	t.Helper()
	by := map[model.NodeCode]model.Node{}
	for i, n := range nodes {
		require.NoError(t, n.Validate())
		_, dup := by[n.Code]
		require.False(t, dup, "duplicate %s", n.Code)
		if n.Parent != "" {
			_, ok := by[n.Parent]
			require.True(t, ok, "parent of %s not before it", n.Code)
		}
		if i > 0 {
			require.Less(t, nodes[i-1].Code, n.Code)
		}
		if n.Level == model.LevelHousehold {
			require.Positive(t, n.Households, n.Code)
		} else {
			require.Zero(t, n.Households, n.Code)
		}
		by[n.Code] = n
	}
	return by
}

func TestGenerateDefaultRule(t *testing.T) {
	rows := huajieRows(t)
	nodes := Generate(rows, GenRule{})
	by := checkTree(t, nodes)

	count := map[model.Level]int{}
	children := map[model.NodeCode]int{}
	households := map[model.NodeCode]int{} // per micro-grid
	for _, n := range nodes {
		count[n.Level]++
		children[n.Parent]++
		if n.Level == model.LevelHousehold {
			assert.GreaterOrEqual(t, n.Households, MinUnitHouseholds, n.Code)
			assert.LessOrEqual(t, n.Households, MaxUnitHouseholds, n.Code)
			households[n.Parent] += n.Households
		}
	}
	assert.Equal(t, 1, count[model.LevelTown])
	assert.Equal(t, 27, count[model.LevelVillage])
	for _, r := range rows {
		code, _ := strconv.ParseUint(string(r.Code), 10, 64)
		assert.Equal(t, 2+int(code%3), children[r.Code], "grids of %s", r.Code)
	}
	for c, n := range by {
		switch n.Level {
		case model.LevelGrid:
			assert.Contains(t, []int{2, 3}, children[c], "micro-grids of %s", c)
		case model.LevelMicroGrid:
			assert.GreaterOrEqual(t, households[c], 50, c)
			assert.LessOrEqual(t, households[c], 80, c)
		}
	}
	// Both counts of micro-grids appear.
	assert.Greater(t, count[model.LevelMicroGrid], 2*count[model.LevelGrid])
	assert.Less(t, count[model.LevelMicroGrid], 3*count[model.LevelGrid])

	g := by["330784114266-02"]
	assert.Equal(t, "02网格", g.Name)
	assert.Equal(t, "01微网格", by["330784114266-02-01"].Name)
	assert.Equal(t, "01包联组", by["330784114266-02-01-01"].Name)
}

func TestGenerateDeterministic(t *testing.T) {
	rows := huajieRows(t)
	a := Generate(rows, GenRule{Seed: 7})
	// The same rows in another order give the same nodes.
	rev := make([]VillageRow, len(rows))
	for i, r := range rows {
		rev[len(rows)-1-i] = r
	}
	assert.Equal(t, a, Generate(rev, GenRule{Seed: 7}))
	assert.NotEqual(t, a, Generate(rows, GenRule{Seed: 8}))
}

func TestGenerateYongkang(t *testing.T) {
	rows, err := ParseVillages("yongkang-villages.csv", bytes.NewReader(data.YongkangVillages))
	require.NoError(t, err)
	nodes := Generate(rows, GenRule{Seed: 1})
	checkTree(t, nodes)
	count := map[model.Level]int{}
	for _, n := range nodes {
		count[n.Level]++
	}
	assert.Equal(t, 14, count[model.LevelTown])
	assert.Equal(t, 452, count[model.LevelVillage])
}

// TestGenerateCodesTwoDigit covers the g1/g10 case: with ten or more grids,
// codes are zero-padded so "-01" is never a prefix of "-10".
func TestGenerateCodesTwoDigit(t *testing.T) {
	rows := huajieRows(t)[:1]
	nodes := Generate(rows, GenRule{GridsPerVillage: 12})
	by := checkTree(t, nodes)
	g1, g10 := model.NodeCode("330784114001-01"), model.NodeCode("330784114001-10")
	require.Contains(t, by, g1)
	require.Contains(t, by, g10)
	assert.Equal(t, "10网格", by[g10].Name)
	for c, n := range by {
		lvl, err := model.ParseNodeCode(string(c))
		require.NoError(t, err)
		assert.Equal(t, n.Level, lvl.Level())
		if n.Level >= model.LevelGrid {
			assert.Regexp(t, `^330784114001(-(0[1-9]|[1-9][0-9])){1,3}$`, string(c))
		}
		// Containment follows the tree, never a mere string prefix.
		assert.Equal(t, strings.HasPrefix(string(c), string(g1)+"-") || c == g1, g1.Contains(c), c)
		if c != g10 && !strings.HasPrefix(string(c), string(g10)+"-") {
			assert.False(t, g10.Contains(c), c)
		}
	}
	assert.Len(t, Generate(rows, GenRule{GridsPerVillage: 500}), len(Generate(rows, GenRule{GridsPerVillage: 99})))
}

func TestHouseholdUnits(t *testing.T) {
	micro := model.NodeCode("330784114266-02-01")
	for hh := 12; hh <= 300; hh++ {
		for seed := int64(0); seed < 5; seed++ {
			units := HouseholdUnits(micro, hh, seed)
			sum := 0
			for i, u := range units {
				require.NoError(t, u.Validate())
				require.Equal(t, micro.Child(i+1), u.Code)
				require.GreaterOrEqual(t, u.Households, MinUnitHouseholds, "hh %d seed %d", hh, seed)
				require.LessOrEqual(t, u.Households, MaxUnitHouseholds, "hh %d seed %d", hh, seed)
				sum += u.Households
			}
			require.Equal(t, hh, sum)
		}
	}
	assert.Empty(t, HouseholdUnits(micro, 0, 1))
	one := HouseholdUnits(micro, 11, 1)
	require.Len(t, one, 1)
	assert.Equal(t, 11, one[0].Households)
	big := HouseholdUnits(micro, 5000, 1)
	assert.Len(t, big, 99)
}

func TestSyntheticList(t *testing.T) {
	var b bytes.Buffer
	towns, err := WriteSyntheticList(&b, SyntheticVillagesPerCity+1)
	require.NoError(t, err)
	assert.Equal(t, 166, towns)
	rows, err := ParseVillages("synthetic.csv", &b)
	require.NoError(t, err)
	require.Len(t, rows, SyntheticVillagesPerCity+1)
	assert.Equal(t, model.NodeCode(SyntheticTown), rows[0].TownCode)
	assert.Equal(t, SyntheticCity, rows[0].CityCode)
	assert.Equal(t, "9902", rows[len(rows)-1].CityCode, "the 3,301st village opens a second city")
	div := Divisions(rows)
	checkTree(t, div)
	assert.Equal(t, model.Node{Code: "99", Level: model.LevelProvince, Name: "测试省"}, div[0])
}
