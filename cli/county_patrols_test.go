package cli_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/cli"
)

// countyPatrols is countyEnv with a patrol area and a finding waiting in
// each of two towns, and a rotation over each one's grids: 花街镇's
// P-DX-01 (渎溪村, its patroller P3) and R-0001, 东城街道's P-YD-01 (园丁社区,
// its patroller P7) and R-0002.
func countyPatrols(t *testing.T) *env {
	e := countyEnv(t)
	e.ok("import", "roster", e.write("more.csv", "name,phone,role,node,reserve_kind,on_duty\n东城巡护,13800000007,patroller,330784001,,no\n"))
	e.ok("--as", "P2", "import", "patrol-areas", e.write("dx.csv", "area,name,kind,village,every,patroller,checkpoint\nP-DX-01,渎溪后山林,forest,330784114266,daily,P3,C1\n"))
	e.ok("--as", "P4", "import", "patrol-areas", e.write("yd.csv", "area,name,kind,village,every,patroller,checkpoint\nP-YD-01,园丁巡查,village,330784001001,daily,P7,C1\n"))
	e.ok("finding", "add", "--area", "P-DX-01", "--checkpoint", "C1", "--category", "fire", "--text", "冒烟", "--by", "P3")
	e.ok("finding", "add", "--area", "P-YD-01", "--checkpoint", "C1", "--category", "fire", "--text", "焚烧垃圾", "--by", "P7")
	e.ok("--as", "P2", "rotation", "add", "--name", "渎溪扫楼", "--activity", "sweep", "--groups", "330784114266-01;330784114266-02", "--start", "2026-11-01")
	e.ok("--as", "P4", "rotation", "add", "--name", "园丁扫楼", "--activity", "sweep", "--groups", "330784001001-01;330784001001-02", "--start", "2026-11-01")
	return e
}

// codesOf are the values of key in a JSON list's objects, in order.
func codesOf(list []map[string]any, key string) []string {
	var out []string
	for _, x := range list {
		out = append(out, x[key].(string))
	}
	return out
}

// TestPatrolBoardIsTheOperatorsTown: on a county file, patrol areas,
// patrol rates, rotation list and finding list read the operator's room
// (a QA: 花街镇's officer was shown 东城街道's areas, and the desk's count
// was the whole file's): a town's officer their town's, the county's
// officer both towns'; --node chooses the subtree, by code or by name, and
// an unknown one is refused.
func TestPatrolBoardIsTheOperatorsTown(t *testing.T) {
	e := countyPatrols(t)
	areas := func(args ...string) []string {
		t.Helper()
		var list []map[string]any
		e.okJSON(&list, append(args, "patrol", "areas", "--json")...)
		return codesOf(list, "code")
	}
	findings := func(args ...string) []string {
		t.Helper()
		var list []map[string]any
		e.okJSON(&list, append(args, "finding", "list", "--open", "--json")...)
		return codesOf(list, "area")
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--as", "P2"}, []string{"P-DX-01"}},
		{[]string{"--as", "P4"}, []string{"P-YD-01"}},
		{[]string{"--as", "P1"}, []string{"P-DX-01", "P-YD-01"}},
		{[]string{"--as", "P1", "--node", "东城街道"}, []string{"P-YD-01"}},
		{[]string{"--as", "P2", "--node", "330784"}, []string{"P-DX-01", "P-YD-01"}},
		{[]string{"--as", "P4", "--node", "330784114266"}, []string{"P-DX-01"}},
	} {
		global, node := tc.args[:2], tc.args[2:]
		assert.Equal(t, tc.want, areas(append(global, node...)...), "%v", tc.args)
		var rates struct {
			ByKind map[string]any `json:"by_kind"`
		}
		e.okJSON(&rates, append(append(global, "patrol", "rates", "--json"), node...)...)
		var kinds []string
		for _, a := range tc.want {
			kinds = append(kinds, map[string]string{"P-DX-01": "forest", "P-YD-01": "village"}[a])
		}
		assert.ElementsMatch(t, kinds, slices.Collect(maps.Keys(rates.ByKind)), "%v: the rates are of the areas'", tc.args)
		assert.Equal(t, tc.want, findings(append(global, node...)...), "%v", tc.args)
		var rotations []map[string]any
		e.okJSON(&rotations, append(append(global, "rotation", "list", "--json"), node...)...)
		var names []string
		for _, a := range tc.want {
			names = append(names, map[string]string{"P-DX-01": "渎溪扫楼", "P-YD-01": "园丁扫楼"}[a])
		}
		assert.Equal(t, names, codesOf(rotations, "name"), "%v", tc.args)
	}
	fails(t, e.run("--as", "P1", "patrol", "areas", "--node", "无此村"), cli.ExitUsage, `--node`)
	fails(t, e.run("--as", "P1", "finding", "list", "--node", "330784999"), cli.ExitUsage, "--node")
}
