package model_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestParseNodeCode(t *testing.T) {
	tests := []struct {
		in    string
		want  model.NodeCode
		level model.Level
		err   string // part of the message; "" for success
	}{
		{in: "330784114", want: town, level: model.LevelTown},
		{in: "33", want: "33", level: model.LevelProvince},
		{in: "3307", want: "3307", level: model.LevelCity},
		{in: "330784", want: "330784", level: model.LevelCounty},
		{in: "330784-01", err: "takes no grid segments"},
		{in: "3", err: "9- or 12-digit"},
		{in: "33078", err: "9- or 12-digit"},
		{in: "330784114266", want: duxi, level: model.LevelVillage},
		{in: "330784114266-02", want: duxiG02, level: model.LevelGrid},
		{in: "330784114266-02-03", want: duxiG02M3, level: model.LevelMicroGrid},
		{in: "330784114266-02-03-04", want: duxiUnit, level: model.LevelHousehold},
		{in: "330784114266-99-99-99", want: "330784114266-99-99-99", level: model.LevelHousehold},
		{in: "  330784114266-02\t", want: duxiG02, level: model.LevelGrid},

		{in: "", err: "empty"},
		{in: "   ", err: "empty"},
		{in: "3307841142", err: "9- or 12-digit"},          // 10 digits
		{in: "33078411426", err: "9- or 12-digit"},         // 11 digits
		{in: "3307841142660", err: "9- or 12-digit"},       // 13 digits
		{in: "33078411", err: "9- or 12-digit"},            // 8 digits
		{in: "330784114266-00", err: "two digits, 01-99"},  // no grid 00
		{in: "330784114266-1", err: "two digits, 01-99"},   // one digit
		{in: "330784114266-001", err: "two digits, 01-99"}, // three digits
		{in: "330784114266-0a", err: "two digits, 01-99"},
		{in: "330784114266-", err: "two digits, 01-99"},
		{in: "330784114266--01", err: "two digits, 01-99"},
		{in: "330784114266-01-02-03-04", err: "too many segments"}, // 5 segments
		{in: "330784114-01", err: "takes no grid segments"},
		{in: "330784114-", err: "takes no grid segments"},
		{in: "33078411426a", err: "9- or 12-digit"},
		{in: "abcdefghijkl", err: "9- or 12-digit"},
		{in: "-01", err: "9- or 12-digit"},
		{in: "３３０７８４１１４", err: "9- or 12-digit"}, // full-width digits
		{in: "330784114266 -01", err: "9- or 12-digit"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := model.ParseNodeCode(tt.in)
			if tt.err != "" {
				requireCode(t, err, model.EINVALID, tt.err)
				requireZh(t, err, "节点代码")
				assert.Equal(t, "node", model.ErrorField(err))
				assert.Empty(t, got)
				assert.Equal(t, model.Level(0), model.NodeCode(tt.in).Level())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.level, got.Level())
		})
	}
}

func TestLevelString(t *testing.T) {
	assert.Equal(t, "town", model.LevelTown.String())
	assert.Equal(t, "village", model.LevelVillage.String())
	assert.Equal(t, "grid", model.LevelGrid.String())
	assert.Equal(t, "micro_grid", model.LevelMicroGrid.String())
	assert.Equal(t, "household_unit", model.LevelHousehold.String())
	assert.Equal(t, "province", model.LevelProvince.String())
	assert.Equal(t, "city", model.LevelCity.String())
	assert.Equal(t, "county", model.LevelCounty.String())
	assert.Equal(t, "level(0)", model.Level(0).String())
	assert.Equal(t, "level(9)", model.Level(9).String())
	for l, above := range map[model.Level]bool{model.LevelProvince: true, model.LevelCity: true, model.LevelCounty: true,
		model.LevelTown: false, model.LevelVillage: false, 0: false} {
		assert.Equal(t, above, l.AboveTown(), l)
	}
}

func TestNodeCodeAncestors(t *testing.T) {
	tests := []struct {
		code                        model.NodeCode
		parent, town, village, grid model.NodeCode
	}{
		{"33", "", "", "", ""},
		{"3307", "33", "", "", ""},
		{"330784", "3307", "", "", ""},
		{town, "330784", town, "", ""},
		{duxi, town, town, duxi, ""},
		{duxiG02, duxi, town, duxi, duxiG02},
		{duxiG02M3, duxiG02, town, duxi, duxiG02},
		{duxiUnit, duxiG02M3, town, duxi, duxiG02},
		{"", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			assert.Equal(t, tt.parent, tt.code.Parent(), "Parent")
			assert.Equal(t, tt.town, tt.code.Town(), "Town")
			assert.Equal(t, tt.village, tt.code.Village(), "Village")
			assert.Equal(t, tt.grid, tt.code.Grid(), "Grid")
		})
	}
}

// Over is the nearest node over a set of codes: the one that holds the
// rest, else their village, town, county, ...; "" for none.
func TestOver(t *testing.T) {
	for _, tc := range []struct {
		codes []model.NodeCode
		want  model.NodeCode
	}{
		{nil, ""},
		{[]model.NodeCode{duxiG02}, duxiG02},
		{[]model.NodeCode{duxiG02M3, duxiG02, duxiUnit}, duxiG02},
		{[]model.NodeCode{duxiG02M3, duxi + "-01"}, duxi},
		{[]model.NodeCode{duxiG02, "330784114213-01", duxi}, town},
		{[]model.NodeCode{duxi, "330784001001"}, "330784"},
		{[]model.NodeCode{"330784001001", "330784", duxi}, "330784"},
		{[]model.NodeCode{duxi, "330102001001"}, "33"},
		{[]model.NodeCode{"33", "34"}, ""},
	} {
		assert.Equal(t, tc.want, model.Over(tc.codes), "%v", tc.codes)
	}
}

func TestNodeCodeContains(t *testing.T) {
	tests := []struct {
		c, d model.NodeCode
		want bool
	}{
		{town, town, true},
		{town, duxi, true}, // a town contains its villages
		{town, otherVil, true},
		{town, duxiUnit, true},
		{duxi, duxiG02, true},
		{duxi, duxiUnit, true},
		{duxiG02, duxiG02M3, true},
		{duxiG02, duxiUnit, true},
		{duxiUnit, duxiUnit, true},
		{duxiG01, duxiG10, false}, // fixed width: -01 is no prefix of -10
		{duxiG01, "330784114266-01-01", true},
		{duxiG10, duxiG01, false},
		{duxiG02, duxiG01, false},
		{duxiG02, duxi, false}, // a child does not contain its parent
		{duxi, town, false},
		{duxi, otherVil, false},
		{duxi, otherGrid, false},
		{"330784115", duxi, false}, // another town
		{"", duxi, false},          // the empty code contains nothing
		{"", "", false},
		{duxi, "", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s>%s", tt.c, tt.d), func(t *testing.T) {
			assert.Equal(t, tt.want, tt.c.Contains(tt.d))
		})
	}
}

func TestNodeCodeChild(t *testing.T) {
	assert.Equal(t, duxiG01, duxi.Child(1))
	assert.Equal(t, duxiG10, duxi.Child(10))
	assert.Equal(t, duxiG02M3, duxiG02.Child(3))
	assert.Equal(t, duxiUnit, duxiG02M3.Child(4))
	assert.Equal(t, model.NodeCode("330784114266-99"), duxi.Child(99))
	for _, n := range []int{1, 9, 10, 42, 99} {
		c := duxi.Child(n)
		got, err := model.ParseNodeCode(string(c))
		require.NoError(t, err)
		assert.Equal(t, duxi, got.Parent())
		assert.True(t, duxi.Contains(c))
	}
}

func TestNodeValidate(t *testing.T) {
	ok := model.Node{Code: duxiG02, Level: model.LevelGrid, Name: "渎溪2号网格", Parent: duxi, Households: 60}
	tests := []struct {
		name string
		edit func(*model.Node)
		err  string
	}{
		{"valid grid", func(*model.Node) {}, ""},
		{"valid town", func(n *model.Node) {
			*n = model.Node{Code: town, Level: model.LevelTown, Name: "花街镇"}
		}, ""},
		{"valid village", func(n *model.Node) {
			*n = model.Node{Code: duxi, Level: model.LevelVillage, Name: "渎溪村", Official: "渎溪村委会", Parent: town}
		}, ""},
		{"valid unit", func(n *model.Node) {
			*n = model.Node{Code: duxiUnit, Level: model.LevelHousehold, Name: "包联户4", Parent: duxiG02M3, Households: 6}
		}, ""},
		{"zero households", func(n *model.Node) { n.Households = 0 }, ""},
		{"bad code", func(n *model.Node) { n.Code = "330784114266-1" }, `node code "330784114266-1"`},
		{"empty code", func(n *model.Node) { n.Code = "" }, "empty"},
		{"level mismatch", func(n *model.Node) { n.Level = model.LevelVillage }, "level village does not match its code (grid)"},
		{"zero level", func(n *model.Node) { n.Level = 0 }, "does not match its code"},
		{"parent mismatch", func(n *model.Node) { n.Parent = otherVil }, `parent "330784114200" does not match`},
		{"missing parent", func(n *model.Node) { n.Parent = "" }, "does not match"},
		{"town with its county", func(n *model.Node) {
			*n = model.Node{Code: town, Level: model.LevelTown, Name: "花街镇", Parent: "330784"}
		}, ""},
		{"town as a root", func(n *model.Node) {
			*n = model.Node{Code: town, Level: model.LevelTown, Name: "花街镇"}
		}, ""},
		{"town under another county", func(n *model.Node) {
			*n = model.Node{Code: town, Level: model.LevelTown, Name: "花街镇", Parent: "330700"}
		}, "parent"},
		{"county as a root", func(n *model.Node) {
			*n = model.Node{Code: "330784", Level: model.LevelCounty, Name: "永康市"}
		}, ""},
		{"county under its city", func(n *model.Node) {
			*n = model.Node{Code: "330784", Level: model.LevelCounty, Name: "永康市", Parent: "3307"}
		}, ""},
		{"empty name", func(n *model.Node) { n.Name = "" }, "name is empty"},
		{"blank name", func(n *model.Node) { n.Name = " \t " }, "name is empty"},
		{"invisible name", func(n *model.Node) { n.Name = "\u200b\ufeff" }, "name is empty"},
		{"negative households", func(n *model.Node) { n.Households = -1 }, "negative households"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := ok
			tt.edit(&n)
			err := n.Validate()
			if tt.err == "" {
				assert.NoError(t, err)
				return
			}
			requireCode(t, err, model.EINVALID, tt.err)
			requireZh(t, err, "节点")
		})
	}
}

// towerNodes is a small Huajie: the town, Duxi with two grids (grid 2 with a
// micro-grid and two household units), and a second village with one grid.
func towerNodes() []model.Node {
	return []model.Node{
		{Code: duxiUnit, Level: model.LevelHousehold, Name: "包联户4", Parent: duxiG02M3, Households: 7},
		{Code: town, Level: model.LevelTown, Name: "花街镇"},
		{Code: otherGrid, Level: model.LevelGrid, Name: "倪宅1号网格", Parent: otherVil, Households: 55},
		{Code: duxi, Level: model.LevelVillage, Name: "渎溪村", Parent: town},
		{Code: duxiG01, Level: model.LevelGrid, Name: "渎溪1号网格", Parent: duxi, Households: 70},
		{Code: duxiG02, Level: model.LevelGrid, Name: "渎溪2号网格", Parent: duxi},
		{Code: duxiG02M3, Level: model.LevelMicroGrid, Name: "微网格3", Parent: duxiG02, Households: 2}, // held at the node itself
		{Code: "330784114266-02-03-05", Level: model.LevelHousehold, Name: "包联户5", Parent: duxiG02M3, Households: 5},
		{Code: otherVil, Level: model.LevelVillage, Name: "倪宅村", Parent: town},
	}
}

func TestBuildTower(t *testing.T) {
	p := model.DefaultPolicy()
	green := at(t, model.TierGrid, model.StatusReported) // on duxiG02
	yellow := at(t, model.TierVillage, model.StatusAcknowledged)
	yellow.Node = duxiUnit
	red := at(t, model.TierGrid, model.StatusDispatched)
	red.Node = otherGrid
	resolved := at(t, model.TierGrid, model.StatusResolved) // not open: not counted
	resolved.Node = duxiG01
	lights := map[model.NodeCode]model.Light{duxiG02: model.LightGreen, duxiUnit: model.LightYellow, otherGrid: model.LightRed, duxiG01: model.LightRed}
	people := []model.Person{gridLeader, gridWorker, partWorker, microWorker, contactPerson, villageCadre, dutyOfficer, otherLeader}

	tw := model.BuildTower(towerNodes(), people, []model.Incident{green, yellow, red, resolved},
		func(i model.Incident) model.Light { return lights[i.Node] })

	assert.Equal(t, []model.NodeCode{town}, tw.Roots)
	require.Len(t, tw.Nodes, 9)
	assert.Equal(t, []model.NodeCode{duxiG01, duxiG02}, tw.Nodes[duxi].Children)
	assert.Equal(t, []model.NodeCode{otherVil, duxi}, tw.Nodes[town].Children)
	assert.Equal(t, []model.NodeCode{duxiUnit, "330784114266-02-03-05"}, tw.Nodes[duxiG02M3].Children)

	tests := []struct {
		code                            model.NodeCode
		households, staff, people, open int
		red                             int
		worst                           model.Light
	}{
		{duxiUnit, 7, 0, 1, 1, 0, model.LightYellow},
		{"330784114266-02-03-05", 5, 0, 0, 0, 0, model.LightNone},
		{duxiG02M3, 14, 1, 2, 1, 0, model.LightYellow}, // 2 of its own + 7 + 5
		{duxiG02, 14, 4, 5, 2, 0, model.LightYellow},
		{duxiG01, 70, 1, 1, 0, 0, model.LightNone},
		{duxi, 84, 5, 7, 2, 0, model.LightYellow},
		{otherGrid, 55, 0, 0, 1, 1, model.LightRed},
		{otherVil, 55, 0, 0, 1, 1, model.LightRed},
		{town, 139, 5, 8, 3, 1, model.LightRed},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			n := tw.Nodes[tt.code]
			require.NotNil(t, n)
			assert.Equal(t, tt.households, n.Households, "households")
			assert.Equal(t, tt.staff, n.Staff, "staff")
			assert.Equal(t, tt.people, n.People, "people")
			assert.Equal(t, tt.open, n.Open, "open")
			assert.Equal(t, tt.red, n.Red, "red")
			assert.Equal(t, tt.worst, n.Worst, "worst")
		})
	}
	// The node's own figure stays on the embedded Node.
	assert.Equal(t, 2, tw.Nodes[duxiG02M3].Node.Households)

	// Without a light function the incidents still count, with no light.
	tw = model.BuildTower(towerNodes(), nil, []model.Incident{red}, nil)
	assert.Equal(t, 1, tw.Nodes[town].Open)
	assert.Equal(t, 0, tw.Nodes[town].Red)
	assert.Equal(t, model.LightNone, tw.Nodes[town].Worst)

	// The real light function at a time past every deadline: all red.
	late := t0.Add(200 * 24 * p.AckWindow(model.TierGrid))
	tw = model.BuildTower(towerNodes(), nil, []model.Incident{green, yellow, red},
		func(i model.Incident) model.Light { return i.Light(late) })
	assert.Equal(t, 3, tw.Nodes[town].Red)
	assert.Equal(t, model.LightRed, tw.Nodes[town].Worst)
}

// TestCountIncident: taking incidents off the tower and putting them back
// one at a time leaves it as RollUp counts it from scratch, the worst light
// included, which must fall back when the only red one goes.
func TestCountIncident(t *testing.T) {
	light := func(i model.Incident) model.Light { return model.Light(i.Seq % 4) }
	incs := make([]model.Incident, 0, 40)
	codes := []model.NodeCode{duxiG02, duxiUnit, otherGrid, duxiG01, duxiG02M3, duxi, town}
	for i := range 40 {
		inc := at(t, model.TierGrid, model.StatusReported)
		inc.Seq, inc.Node = uint64(i+1), codes[i%len(codes)]
		incs = append(incs, inc)
	}
	tw := model.BuildTower(towerNodes(), nil, incs, light)
	figures := func(tw model.Tower) map[model.NodeCode][3]int {
		out := map[model.NodeCode][3]int{}
		for c, n := range tw.Nodes {
			out[c] = [3]int{n.Open, n.Red, int(n.Worst)}
		}
		return out
	}
	// Move every third one to another node with another light, resolve every
	// fifth, one at a time.
	for i := range incs {
		old := incs[i]
		next := old
		switch {
		case i%5 == 0:
			next.Status = model.StatusResolved
		case i%3 == 0:
			next.Node, next.Seq = codes[(i+2)%len(codes)], old.Seq+1
		default:
			continue
		}
		tw.CountIncident(old.Node, light(old), -1)
		if next.Status.Open() {
			tw.CountIncident(next.Node, light(next), 1)
		}
		incs[i] = next
		want := model.BuildTower(towerNodes(), nil, incs, light)
		require.Equal(t, figures(want), figures(tw), "after incident %d", i)
	}
	// The last red one goes: the worst light falls back.
	mk := func(seq uint64) model.Incident {
		inc := at(t, model.TierGrid, model.StatusReported)
		inc.Seq, inc.Node = seq, duxiG02
		return inc
	}
	green, yellow, red := mk(1), mk(2), mk(3)
	tw = model.BuildTower(towerNodes(), nil, []model.Incident{green, yellow, red}, light)
	require.Equal(t, model.LightRed, tw.Nodes[town].Worst)
	tw.CountIncident(red.Node, light(red), -1)
	assert.Equal(t, model.LightYellow, tw.Nodes[town].Worst)
	assert.Equal(t, 0, tw.Nodes[town].Red)
	tw.CountIncident(yellow.Node, light(yellow), -1)
	assert.Equal(t, model.LightGreen, tw.Nodes[duxiG02].Worst)
	tw.CountIncident(green.Node, light(green), -1)
	assert.Equal(t, model.LightNone, tw.Nodes[town].Worst)
	assert.Equal(t, 0, tw.Nodes[town].Open)
}

func TestBuildTowerOrphansAndGaps(t *testing.T) {
	// A grid whose village is missing becomes a root; people and incidents on
	// a node that is not stored count at the nearest stored ancestor.
	nodes := []model.Node{
		{Code: otherGrid, Level: model.LevelGrid, Name: "倪宅1号网格", Parent: otherVil, Households: 3},
		{Code: town, Level: model.LevelTown, Name: "花街镇"},
		{Code: duxi, Level: model.LevelVillage, Name: "渎溪村", Parent: town, Households: 9},
	}
	inc := at(t, model.TierGrid, model.StatusReported) // on duxiG02, not stored
	tw := model.BuildTower(nodes, []model.Person{microWorker}, []model.Incident{inc}, nil)
	assert.Equal(t, []model.NodeCode{town, otherGrid}, tw.Roots)
	assert.Equal(t, 9, tw.Nodes[duxi].Households)
	assert.Equal(t, 9, tw.Nodes[town].Households)
	assert.Equal(t, 1, tw.Nodes[duxi].Staff)
	assert.Equal(t, 1, tw.Nodes[town].People)
	assert.Equal(t, 1, tw.Nodes[duxi].Open)
	assert.Equal(t, 0, tw.Nodes[otherGrid].Open)

	empty := model.BuildTower(nil, nil, nil, nil)
	assert.Empty(t, empty.Roots)
	assert.Empty(t, empty.Nodes)
	assert.Empty(t, empty.Count(""))
}

func TestTowerWalk(t *testing.T) {
	tw := model.BuildTower(towerNodes(), nil, nil, nil)
	type visit struct {
		code  model.NodeCode
		depth int
	}
	walk := func(root model.NodeCode, depth int) []visit {
		var out []visit
		tw.Walk(root, depth, func(n *model.TowerNode, d int) { out = append(out, visit{n.Code, d}) })
		return out
	}
	all := []visit{
		{town, 0},
		{otherVil, 1}, {otherGrid, 2},
		{duxi, 1}, {duxiG01, 2}, {duxiG02, 2}, {duxiG02M3, 3}, {duxiUnit, 4}, {"330784114266-02-03-05", 4},
	}
	tests := []struct {
		name  string
		root  model.NodeCode
		depth int
		want  []visit
	}{
		{"everything", "", -1, all},
		{"from the town", town, -1, all},
		{"town only", town, 0, []visit{{town, 0}}},
		{"town and villages", town, 1, []visit{{town, 0}, {otherVil, 1}, {duxi, 1}}},
		{"all roots depth 0", "", 0, []visit{{town, 0}}},
		{"village two deep", duxi, 2, []visit{{duxi, 0}, {duxiG01, 1}, {duxiG02, 1}, {duxiG02M3, 2}}},
		{"a leaf", duxiUnit, 5, []visit{{duxiUnit, 0}}},
		{"unknown root", "330784114999", -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, walk(tt.root, tt.depth))
		})
	}
}

func TestTowerCount(t *testing.T) {
	tw := model.BuildTower(towerNodes(), nil, nil, nil)
	assert.Equal(t, map[model.Level]int{
		model.LevelTown: 1, model.LevelVillage: 2, model.LevelGrid: 3,
		model.LevelMicroGrid: 1, model.LevelHousehold: 2,
	}, tw.Count(""))
	assert.Equal(t, tw.Count(""), tw.Count(town))
	assert.Equal(t, map[model.Level]int{
		model.LevelVillage: 1, model.LevelGrid: 2, model.LevelMicroGrid: 1, model.LevelHousehold: 2,
	}, tw.Count(duxi))
	assert.Equal(t, map[model.Level]int{model.LevelGrid: 1}, tw.Count(duxiG01))
	assert.Empty(t, tw.Count("330784114999"))
}

func TestErrors(t *testing.T) {
	assert.Equal(t, "", model.ErrorCode(nil))
	assert.Equal(t, "", model.ErrorMessage(nil))
	plain := errors.New("disk on fire")
	assert.Equal(t, model.EINTERNAL, model.ErrorCode(plain))
	assert.Equal(t, "internal error: disk on fire", model.ErrorMessage(plain))
	e := model.Errorf(model.ENOTFOUND, "incident %s: no such incident", "HJ-20261129-0001")
	assert.Equal(t, "incident HJ-20261129-0001: no such incident", e.Error())
	wrapped := fmt.Errorf("store: %w", e)
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(wrapped))
	assert.Equal(t, "incident HJ-20261129-0001: no such incident", model.ErrorMessage(wrapped))
}

// A node's name on one line, in the three styles the console and the
// command line use.
func TestDisplayName(t *testing.T) {
	nodes := []model.Node{
		{Code: town, Level: model.LevelTown, Name: "花街镇"},
		{Code: duxi, Level: model.LevelVillage, Name: "渎溪村", Parent: town},
		{Code: duxiG02, Level: model.LevelGrid, Name: "02网格", Parent: duxi},
		{Code: duxiG02M3, Level: model.LevelMicroGrid, Name: "03微网格", Parent: duxiG02},
		{Code: duxiUnit, Level: model.LevelHousehold, Name: "包联户4", Parent: duxiG02M3},
	}
	tests := []struct {
		code                  model.NodeCode
		byCode, byVil, byGrid string
	}{
		{town, "花街镇", "花街镇", "花街镇"},
		{duxi, "渎溪村", "渎溪村", "渎溪村"},
		{duxiG02, "渎溪村 02", "渎溪村 02网格", "渎溪村 02网格"},
		{duxiG02M3, "渎溪村 02-03", "渎溪村 03微网格", "渎溪村 02网格 03微网格"},
		{duxiUnit, "渎溪村 02-03-04", "渎溪村 包联户4", "渎溪村 02网格 包联户4"},
	}
	byCode := model.DisplayNames(nodes, model.NameByCode)
	byVil := model.DisplayNames(nodes, model.NameByVillage)
	byGrid := model.DisplayNames(nodes, model.NameByGrid)
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			assert.Equal(t, tt.byCode, byCode[tt.code])
			assert.Equal(t, tt.byVil, byVil[tt.code])
			assert.Equal(t, tt.byGrid, byGrid[tt.code])
		})
	}
	assert.Len(t, byCode, len(nodes))

	// Without its village (and grid) a node keeps the blank where their
	// names would be.
	orphans := []model.Node{nodes[3]}
	assert.Equal(t, " 02-03", model.DisplayNames(orphans, model.NameByCode)[duxiG02M3])
	assert.Equal(t, " 03微网格", model.DisplayNames(orphans, model.NameByVillage)[duxiG02M3])
	assert.Equal(t, "  03微网格", model.DisplayNames(orphans, model.NameByGrid)[duxiG02M3])

	// One node, its names looked up one by one.
	lookups := 0
	name := func(c model.NodeCode) string {
		lookups++
		return map[model.NodeCode]string{duxi: "渎溪村", duxiG02: "02网格"}[c]
	}
	assert.Equal(t, "渎溪村 02网格 03微网格", model.DisplayName(nodes[3], model.NameByGrid, name))
	assert.Equal(t, 2, lookups)
	assert.Equal(t, "花街镇", model.DisplayName(nodes[0], model.NameByGrid, name))
	assert.Equal(t, 2, lookups, "a town names itself")
}
