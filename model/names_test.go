package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// TestNodeNames: names as the console shows them resolve to codes within
// the town; a unique prefix is enough, an ambiguous one lists the
// candidates.
func TestNodeNames(t *testing.T) {
	nodes := append(coverNodes(), model.Node{Code: "330784115", Level: model.LevelTown, Name: "西溪镇"},
		model.Node{Code: "330784115201", Level: model.LevelVillage, Name: "渎溪村", Parent: "330784115"}) // the same name in another town
	nn := model.NewNodeNames(nodes, town)
	for _, c := range []struct {
		in     string
		levels []model.Level
		want   model.NodeCode
		code   string
		msg    string
	}{
		{in: "渎溪村 02", want: duxiG02},
		{in: "渎溪村02", want: duxiG02},
		{in: "渎溪村 02-03", want: duxiG02M3},
		{in: "渎溪村 渎溪2号网格", want: duxiG02},
		{in: "渎溪村", want: duxi},                             // exact beats the grids' prefix
		{in: "渎溪", want: duxi},                              // its grids match only through it
		{in: "倪宅", want: otherVil},                          // another village of the town
		{in: "330784114266-01", want: duxiG01},              // a code is a code
		{in: "渎溪村 02-03-05", want: "330784114266-02-03-05"}, // a household unit
		{in: "渎溪村 0", code: model.EINVALID, msg: "渎溪村 01 330784114266-01，渎溪村 02 330784114266-02"}, // the grids, not their micro-grids too
		{in: "西溪镇", code: model.ENOTFOUND, msg: "在花街镇没有这个名称的节点"},                                  // another town
		{in: "  ", code: model.EINVALID},
		{in: "渎溪", levels: []model.Level{model.LevelVillage}, want: duxi},
		{in: "渎溪村 02", levels: []model.Level{model.LevelVillage}, code: model.EINVALID, msg: "地点 \"渎溪村 02\" 是网格（330784114266-02）；此处应为村社"}, // a grid's name where a village is wanted: says so
		{in: "渎溪村 02", levels: []model.Level{model.LevelTown, model.LevelVillage}, code: model.EINVALID, msg: "此处应为镇或村社"},
		{in: "渎溪村 02网", levels: []model.Level{model.LevelVillage}, code: model.ENOTFOUND, msg: "没有这个名称的节点"}, // a prefix typed: not said to be a grid
		{in: "330784114266-2", code: model.EINVALID, msg: "村代码之后每段为两位数字 01-99"},                             // a code mistyped: what is wrong with it
		{in: " 33078411426 ", code: model.EINVALID, msg: "应以 9 位或 12 位官方区划代码开头"},                            // not "no node is named so"
		{in: "3307841142xx", code: model.EINVALID, msg: "应以 9 位或 12 位官方区划代码开头"},                             // ASCII, a digit first: a code
		{in: "02-03", code: model.EINVALID, msg: "网格、微网格的名称前应有所属村名"},                                        // a micro-grid without its village
		{in: "3号网格", code: model.ENOTFOUND, msg: "在花街镇没有这个名称的节点"},                                           // not ASCII: a name
	} {
		got, err := nn.Resolve(c.in, c.levels...)
		if c.code != "" {
			assert.Equal(t, c.code, model.ErrorCode(err), c.in)
			assert.Contains(t, model.ErrorMessageZh(err), c.msg, c.in)
			assert.Equal(t, "node", model.ErrorField(err), c.in)
			continue
		}
		assert.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	assert.Equal(t, "渎溪村 02-03", nn.Name(duxiG02M3))

	scope, err := nn.Scope([]string{"渎溪村，倪宅村"}, town)
	assert.NoError(t, err)
	assert.Equal(t, []model.NodeCode{otherVil, duxi}, scope)
	scope, err = nn.Scope([]string{"全镇"}, town)
	assert.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town}, scope)
	_, err = nn.Scope([]string{"渎溪村 02"}, town) // one name, a grid's
	assert.Contains(t, model.ErrorMessage(err), "scope: node \"渎溪村 02\"")
	assert.Equal(t, []string{"330784114266", "330784114200", "渎溪村 02", "倪宅村", "town"},
		model.SplitTargets("330784114266 330784114200，渎溪村 02; 倪宅村、town"))
	_, err = nn.Scope([]string{"渎溪村02"}, town)
	assert.Equal(t, "scope", model.ErrorField(err), "a grid is no scope")

	all := model.NewNodeNames(nodes, "")
	_, err = all.Resolve("渎溪村")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err), "two towns each have a 渎溪村")

	assert.Equal(t, []model.NodeCode{duxi, "330784115201"}, all.VillagesBefore("渎溪村 02"), "both towns' 渎溪村")
	assert.Equal(t, []model.NodeCode{duxi}, nn.VillagesBefore(" 渎溪村02-03"))
	assert.Empty(t, nn.VillagesBefore("渎溪村"), "the village itself, nothing after it")
	assert.Empty(t, nn.VillagesBefore("渎溪 02"), "a prefix of its name is not its name")
	assert.Empty(t, nn.VillagesBefore("花街镇 01"), "a town is no village")
}

// A grid's seat resolves names within its grid, named after the village
// above it as the console shows them, and a name it does not hold is
// refused naming the grid as the seat's header does ("渎溪村 渎溪2号网格"),
// not a bare "02" (the QA: 在 02没有这个名称的节点).
func TestNodeNamesWithinAGrid(t *testing.T) {
	nn := model.NewNodeNames(coverNodes(), duxiG02)
	for in, want := range map[string]model.NodeCode{"渎溪村 02": duxiG02, "渎溪村 02-03": duxiG02M3, "渎溪村 渎溪2号网格": duxiG02} {
		got, err := nn.Resolve(in)
		assert.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := nn.Resolve("渎溪村 01")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), "another grid of the village lies outside")
	assert.Contains(t, model.ErrorMessageZh(err), "在渎溪村 渎溪2号网格没有这个名称的节点")
	assert.Contains(t, model.ErrorMessage(err), "no node in 渎溪村 渎溪2号网格 is named so")
}

// A prefix that begins the town's name and a village's own name under it
// is ambiguous (the QA's 花街: 花街镇, 花街村, 花街居委会), not the town;
// an exact name still wins, and a grid under 花街村 matches only through it.
func TestNodeNamesPrefixOfTownAndVillage(t *testing.T) {
	nodes := append(coverNodes(),
		model.Node{Code: "330784114201", Level: model.LevelVillage, Name: "花街村", Parent: town},
		model.Node{Code: "330784114001", Level: model.LevelVillage, Name: "花街居委会", Parent: town},
		model.Node{Code: "330784114201-01", Level: model.LevelGrid, Name: "01网格", Parent: "330784114201"})
	nn := model.NewNodeNames(nodes, town)
	_, err := nn.Resolve("花街")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	assert.Equal(t, `node "花街" is ambiguous: 花街镇 330784114, 花街居委会 330784114001, 花街村 330784114201; type more of the name`, model.ErrorMessage(err))
	for in, want := range map[string]model.NodeCode{
		"花街镇": town, "花街村": "330784114201", "花街居": "330784114001", "花街村 0": "330784114201-01", "花街村 01": "330784114201-01",
	} {
		got, err := nn.Resolve(in)
		assert.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err = nn.Resolve("花街", model.LevelVillage)
	assert.Equal(t, model.EINVALID, model.ErrorCode(err), "two villages")
	got, err := nn.Resolve("花街", model.LevelTown)
	assert.NoError(t, err)
	assert.Equal(t, town, got)
}

// TestNodeNamesAsTheConsoleShows: names as the generated ones ("01网格",
// "02微网格" in every grid) resolve as the console shows them; "渎溪村 02"
// is grid 02 and, where a micro-grid is wanted, one of grid 02's, never
// micro-grid 02 of every grid (the old "渎溪村 02微网格"); a grid's or
// micro-grid's name without its village lists what it could be.
func TestNodeNamesAsTheConsoleShows(t *testing.T) {
	nodes := []model.Node{{Code: town, Level: model.LevelTown, Name: "花街镇"}}
	for _, v := range []struct{ code, name string }{{"330784114266", "渎溪村"}, {"330784114223", "大屋村"}} {
		nodes = append(nodes, model.Node{Code: model.NodeCode(v.code), Level: model.LevelVillage, Name: v.name, Parent: town})
		for _, g := range []string{"01", "02"} {
			grid := model.NodeCode(v.code + "-" + g)
			nodes = append(nodes, model.Node{Code: grid, Level: model.LevelGrid, Name: g + "网格", Parent: model.NodeCode(v.code)})
			for _, m := range []string{"01", "02"} {
				nodes = append(nodes, model.Node{Code: grid + model.NodeCode("-"+m), Level: model.LevelMicroGrid, Name: m + "微网格", Parent: grid})
			}
		}
	}
	nn := model.NewNodeNames(nodes, town)
	micro := []model.Level{model.LevelMicroGrid}
	for in, want := range map[string]model.NodeCode{
		"渎溪村 02": "330784114266-02", "渎溪村 02网格": "330784114266-02", "渎溪村 02-01": "330784114266-02-01",
		"渎溪村 02网格 01微网格": "330784114266-02-01",
	} {
		got, err := nn.Resolve(in)
		assert.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := nn.Resolve("渎溪村 02", micro...)
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	assert.Equal(t, `node "渎溪村 02" is ambiguous: 渎溪村 02-01 330784114266-02-01, 渎溪村 02-02 330784114266-02-02; type more of the name`, model.ErrorMessage(err))
	_, err = nn.Resolve("渎溪村 02微网格", micro...)
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), "the old name of micro-grid 02 of every grid")

	_, err = nn.Resolve("01网格")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	assert.Equal(t, `node "01网格": a grid or micro-grid is named after its village, as the console shows it: 大屋村 01 330784114223-01, 渎溪村 01 330784114266-01`, model.ErrorMessage(err))
	_, err = nn.Resolve("02-01", micro...)
	assert.Contains(t, model.ErrorMessage(err), "大屋村 02-01 330784114223-02-01, 渎溪村 02-01 330784114266-02-01")
	_, err = nn.Resolve("01网格", micro...)
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), "no micro-grid is so named")
}
