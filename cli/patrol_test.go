package cli_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
)

// TestPatrolCommands walks the patrol flow through the command line: an
// area imported, a patrol started, checked in and ended; findings added,
// passed on, merged and closed; the rates moving as they are.
func TestPatrolCommands(t *testing.T) {
	e := demoEnv(t)
	csv := e.write("areas.csv", "编码,名称,类型,所在村,频次,巡护员,检查点,检查点名称,纬度,经度\n"+
		"p-t-01,渎溪试点林,山林,渎溪村,每日,P7,C1,山脚,28.93,120.08\n"+
		"P-T-01,,,,,,C2,防火道,,\n"+
		"P-T-01,,,,,,C3,山顶,,\n")
	assert.Equal(t, csv+": 1 area read (3 checkpoints); 1 added, 0 replaced\n", e.ok("import", "patrol-areas", csv))
	bad := e.write("bad.csv", "area,name,kind,village,every,checkpoint\nP-X,x,desert,330784114266,daily,C1\n")
	fails(t, e.run("import", "patrol-areas", bad), cli.ExitUsage, bad+":2: area P-X: area kind \"desert\"")

	var areas []map[string]any
	e.okJSON(&areas, "patrol", "areas", "--json")
	require.Len(t, areas, 65, "the demo's 64 and this one")
	var mine map[string]any
	for _, a := range areas {
		if a["code"] == "P-T-01" {
			mine = a
		}
	}
	require.NotNil(t, mine)
	assert.Equal(t, "渎溪村", mine["village_name"])
	assert.Equal(t, "P7", mine["patroller"])
	assert.Len(t, mine["checkpoints"], 3)

	// A patrol: only its patroller (or the liaison) starts it.
	fails(t, e.run("patrol", "start", "P-T-01", "--by", "P8"), cli.ExitRefused, "may not patrol P-T-01")
	var p map[string]any
	e.okJSON(&p, "patrol", "start", "p-t-01", "--by", "P7", "--json")
	id := p["id"].(string)
	assert.Equal(t, "P7", p["patroller"])
	fails(t, e.run("patrol", "checkin", id, "--checkpoint", "C9"), cli.ExitUsage, "checkpoint \"C9\"")
	fails(t, e.run("patrol", "checkin", id, "--checkpoint", "C1", "--lat", "28.9"), cli.ExitUsage, "--lat and --lon")
	fails(t, e.run("patrol", "checkin", id), cli.ExitUsage, "missing --checkpoint")
	assert.Contains(t, e.ok("patrol", "checkin", id, "--checkpoint", "c1", "--lat", "28.93", "--lon", "120.08"), "1/3 checkpoints")
	e.ok("patrol", "checkin", id, "--checkpoint", "C2")
	assert.Contains(t, e.ok("patrol", "checkin", id, "--checkpoint", "C3"), "3/3 checkpoints, done")
	fails(t, e.run("patrol", "checkin", "X-9999", "--checkpoint", "C3"), cli.ExitRefused, "no patrol X-9999")
	assert.Equal(t, id+" P-T-01 ended by P7: 3/3 checkpoints, done\n", e.ok("patrol", "end", id))
	fails(t, e.run("patrol", "end", id), cli.ExitRefused, "ended at")
	var list []map[string]any
	e.okJSON(&list, "patrol", "list", "--json")
	require.Len(t, list, 1)
	assert.Equal(t, true, list[0]["complete"])
	assert.Len(t, list[0]["checkins"], 3)

	// The desk: three findings, passed on, merged, closed.
	add := func(text string) string {
		var f map[string]any
		e.okJSON(&f, "finding", "add", "--area", "P-T-01", "--checkpoint", "C2", "--category", "fire", "--text", text, "--by", "P7", "--json")
		assert.Equal(t, "waiting", f["status"])
		return f["id"].(string)
	}
	f1, f2, f3 := add("防火道旁有人焚烧垃圾"), add("又见烟点"), add("落叶堆积")
	fails(t, e.run("finding", "add", "--area", "P-T-01", "--category", "fire", "--text", "x", "--by", "P8"), cli.ExitRefused, "may not patrol")
	fails(t, e.run("finding", "add", "--area", "P-T-01", "--text", "x"), cli.ExitUsage, "missing --category")
	var open []map[string]any
	e.okJSON(&open, "finding", "list", "--open", "--json")
	assert.Len(t, open, 3)

	fails(t, e.run("finding", "pass", f1, "--node", "330784114200"), cli.ExitUsage, "not in 330784114266")
	fails(t, e.run("finding", "pass", f1, "--node", "330784114266-02", "--by", "P7"), cli.ExitRefused, "only the liaison or a duty officer")
	out := e.ok("finding", "pass", f1, "--node", "330784114266-02", "--severity", "II", "--by", "P20")
	require.Contains(t, out, f1+" passed on as HJ-")
	inc := strings.Fields(out)[4]
	var shown map[string]any
	e.okJSON(&shown, "show", inc, "--json")
	assert.Equal(t, "patrol", shown["source"])
	assert.Equal(t, "II", shown["severity"])
	timeline := shown["timeline"].([]any)
	last := timeline[len(timeline)-1].(map[string]any)
	assert.Equal(t, "finding_pass", last["action"])
	assert.Equal(t, f1, last["ref"])
	assert.Contains(t, e.ok("finding", "merge", f2, "--into", inc, "--by", "P20"), f2+" merged (P-T-01, fire): "+inc)
	fails(t, e.run("finding", "close", f3), cli.ExitUsage, "missing --reason")
	assert.Contains(t, e.ok("finding", "close", f3, "--reason", "季节性落叶，无需处置", "--by", "P20"), f3+" closed")
	fails(t, e.run("finding", "close", f3, "--reason", "again"), cli.ExitRefused, "closed already")
	e.okJSON(&open, "finding", "list", "--open", "--json")
	assert.Empty(t, open)

	// The rates, once the findings are past a (tiny) triage deadline: the
	// closed one is followed up; the others when their incident is resolved.
	t.Setenv("GRIDCMD_PATROL_TRIAGE_DEADLINE", "1ns")
	rates := func() map[string]any {
		var r map[string]any
		e.okJSON(&r, "patrol", "rates", "--json")
		return r
	}
	r := rates()
	var keys []string
	for k := range r {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	assert.Equal(t, []string{"areas_done", "areas_due", "by_kind", "day", "findings", "findings_followed", "follow_up_rate", "patrol_rate"}, keys,
		"exactly the fields of issue 13")
	assert.Equal(t, 3.0, r["findings"])
	assert.Equal(t, 1.0, r["findings_followed"])
	assert.InDelta(t, 1.0/3, r["follow_up_rate"], 1e-9)
	e.ok("ack", inc)
	e.ok("resolve", inc, "--note", "已扑灭")
	r = rates()
	assert.Equal(t, 3.0, r["findings_followed"], "the incident resolved follows up both it carries")
	assert.Equal(t, 1.0, r["follow_up_rate"])
	text := e.ok("patrol", "rates")
	assert.Contains(t, text, "follow-up rate  3/3")
	fails(t, e.run("patrol", "rates", "--day", "yesterday"), cli.ExitUsage, "--day \"yesterday\"")

	// The demo's first day, fixed: 62 due (its weekly reservoirs' week
	// began before they were added), none done at 03:10.
	var first struct {
		Day        string              `json:"day"`
		Due        int                 `json:"areas_due"`
		Done       int                 `json:"areas_done"`
		PatrolRate *float64            `json:"patrol_rate"`
		ByKind     map[string]struct{} `json:"by_kind"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.ok("patrol", "rates", "--day", "2026-11-29", "--json")), &first))
	assert.Equal(t, "2026-11-29", first.Day)
	assert.Equal(t, 62, first.Due)
	assert.Zero(t, first.Done)
	require.NotNil(t, first.PatrolRate)
	assert.Len(t, first.ByKind, 5)
	problems := e.run("check")
	assert.Equal(t, cli.ExitOK, problems.code, "%s", problems)
	// The liaison ending a patrol for its patroller is named as who did
	// it (it printed "ended by P7" for an end by P20).
	e.okJSON(&p, "patrol", "start", "P-T-01", "--by", "P7", "--json")
	id2 := p["id"].(string)
	assert.Equal(t, id2+" P-T-01 ended by P20 for P7: 0/3 checkpoints\n", e.ok("patrol", "end", id2, "--by", "P20"))
}

func TestRotationCommands(t *testing.T) {
	e := demoEnv(t)
	var list []map[string]any
	e.okJSON(&list, "rotation", "list", "--json")
	require.Len(t, list, 3, "the demo's three rotations")
	var r map[string]any
	e.okJSON(&r, "rotation", "add", "--name", "渎溪倪宅联合扫楼", "--activity", "清村扫楼",
		"--groups", "330784114266-01,330784114200-01;330784114266-02", "--start", "2026-11-01", "--json")
	assert.Equal(t, "R-0004", r["id"])
	assert.Equal(t, "sweep", r["activity"])
	fails(t, e.run("rotation", "add", "--name", "x", "--activity", "sweep", "--groups", "330784114266-01;330784114266-99", "--start", "2026-11-01"),
		cli.ExitRefused, "no grid 330784114266-99")
	fails(t, e.run("rotation", "add", "--name", "x", "--activity", "dance", "--groups", "330784114266-01", "--start", "2026-11-01"),
		cli.ExitUsage, "activity \"dance\"")
	fails(t, e.run("rotation", "add", "--name", "x"), cli.ExitUsage, "missing --activity, --groups, --start")

	e.okJSON(&list, "rotation", "list", "--day", "2026-11-29", "--json")
	require.Len(t, list, 4)
	day := list[3]["day"].(map[string]any)
	// From 1 November, a group a day: the 29th is day 28, group 1.
	assert.Equal(t, 1.0, day["group"])
	assert.Equal(t, []any{"330784114266-01", "330784114200-01"}, day["grids"])

	csv := e.write("rot.csv", "轮值名称,活动,组,网格,开始日期\n"+
		"国道交通劝导,交通劝导,1,330784114266-02,2026-11-01\n"+
		"国道交通劝导,交通劝导,2,330784114266-03,2026-11-01\n")
	assert.Contains(t, e.ok("import", "rotations", csv), "1 rotation added: R-0005")
	bad := e.write("bad.csv", "rotation,activity,group,grids,start\nx,sweep,1,330784114266-01,2026-11-01\nx,sweep,2,330784114266-98,2026-11-01\n")
	fails(t, e.run("import", "rotations", bad), cli.ExitUsage, "no grid 330784114266-98")
	e.okJSON(&list, "rotation", "list", "--json")
	require.Len(t, list, 5, "the bad file added nothing")

	// Whoever is on duty today (the tests run on the real clock) reports.
	today := list[3]["day"].(map[string]any)["grids"].([]any)
	var people []map[string]any
	e.okJSON(&people, "people", "--node", today[0].(string), "--role", "grid_leader", "--json")
	require.NotEmpty(t, people)
	out := e.ok("rotation", "report", "R-0004", "--text", "清查出租房 12 户", "--by", people[0]["id"].(string))
	assert.Contains(t, out, "rotation_sweep by "+people[0]["id"].(string))
	fails(t, e.run("rotation", "report", "R-0004", "--by", "P7"), cli.ExitRefused, "is not on R-0004 today")
	e.okJSON(&list, "rotation", "list", "--json")
	assert.Equal(t, 1.0, list[3]["day"].(map[string]any)["reports"])
}

// TestFindingLocationJSON: where a finding was made reads in --json as the
// field API takes it, {"lat","lon"}.
func TestFindingLocationJSON(t *testing.T) {
	e := demoEnv(t)
	var f map[string]any
	e.okJSON(&f, "finding", "add", "--area", "P-266-CZ", "--category", "ecology", "--text", "溪边倾倒垃圾",
		"--lat", "28.93", "--lon", "120.08", "--by", "P16", "--json")
	assert.Equal(t, map[string]any{"lat": 28.93, "lon": 120.08}, f["location"])
	var list []map[string]any
	e.okJSON(&list, "finding", "list", "--open", "--json")
	require.Len(t, list, 1)
	assert.Equal(t, f["location"], list[0]["location"])
}

// TestMissedAreas: the areas missed on a day are known. The demo's first
// day (2026-11-29, its patrollers not yet out at 03:10) is long over when
// the test runs: each of the 62 areas due then is late, none done; the
// day before, nothing was due.
func TestMissedAreas(t *testing.T) {
	e := demoEnv(t)
	var areas []map[string]any
	e.okJSON(&areas, "patrol", "areas", "--day", "2026-11-29", "--late", "--json")
	require.Len(t, areas, 62, "64 areas, less the two weekly reservoirs not yet due")
	for _, a := range areas {
		day := a["today"].(map[string]any)
		assert.Equal(t, "2026-11-29", day["day"])
		assert.Equal(t, 1.0, day["due"], a["code"])
		assert.Equal(t, 0.0, day["done"], a["code"])
		assert.Equal(t, 1.0, day["late"], a["code"])
	}
	e.okJSON(&areas, "patrol", "areas", "--day", "2026-11-29", "--json")
	assert.Len(t, areas, 64, "without --late, every area")
	assert.Contains(t, e.ok("patrol", "areas", "--day", "2026-11-28", "--late"), "no area late on 2026-11-28")
	fails(t, e.run("patrol", "areas", "--day", "29/11"), cli.ExitUsage, "--day \"29/11\"")
}

// The three steps of a patrol (start, checkin, end) read a refusal alike:
// one of the rules, or an area or patrol not found, exits 2; bad input 1.
func TestPatrolStepsRefuseAlike(t *testing.T) {
	e := demoEnv(t)
	id := e.startPilotPatrol()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"start", "P-T-01", "--by", "P8"}, cli.ExitRefused, "may not patrol P-T-01"},
		{[]string{"start", "P-T-01", "--by", "P7"}, cli.ExitRefused, "end it first"},
		{[]string{"start", "P-NONE", "--by", "P7"}, cli.ExitRefused, "P-NONE"},
		{[]string{"start", "NOPE", "--by", "P7"}, cli.ExitUsage, `area "NOPE"`},
		{[]string{"start", "P-T-01", "--by", "P999999"}, cli.ExitRefused, "P999999"},
		{[]string{"checkin", id, "--checkpoint", "C1", "--by", "P8"}, cli.ExitRefused, "it is 李坤文 (P7)'s patrol"},
		{[]string{"checkin", "X-9999", "--checkpoint", "C1"}, cli.ExitRefused, "no patrol X-9999"},
		{[]string{"checkin", id, "--checkpoint", "C9"}, cli.ExitUsage, `checkpoint "C9"`},
		{[]string{"end", id, "--by", "P8"}, cli.ExitRefused, "it is 李坤文 (P7)'s patrol"},
		{[]string{"end", "X-9999"}, cli.ExitRefused, "no patrol X-9999"},
	} {
		fails(t, e.run(append([]string{"patrol"}, c.args...)...), c.code, c.want)
	}
	e.ok("patrol", "end", id)
	fails(t, e.run("patrol", "end", id), cli.ExitRefused, "ended at")
	fails(t, e.run("patrol", "checkin", id, "--checkpoint", "C1"), cli.ExitRefused, "ended at")
}

// The patrol commands read what the others read (a QA): rotation add's
// --groups takes grids by name as the console shows them ("渎溪村 01", not
// split at the space) and refuses --every 0 (it became 1); finding merge's
// --into takes the short id show takes (0057); one of a thing is not
// "1 groups".
func TestPatrolCommandsTakeWhatOthersTake(t *testing.T) {
	e := demoEnv(t)
	var r map[string]any
	e.okJSON(&r, "rotation", "add", "--name", "渎溪倪宅联合扫楼", "--activity", "sweep",
		"--groups", "渎溪村 01，倪宅村 01；330784114266-02、渎溪村 03", "--start", "2026-11-01", "--json")
	assert.Equal(t, []any{[]any{"330784114266-01", "330784114200-01"}, []any{"330784114266-02", "330784114266-03"}}, r["groups"])
	fails(t, e.run("rotation", "add", "--name", "x", "--activity", "sweep", "--groups", "渎溪村 04;渎溪村 99", "--start", "2026-11-01"),
		cli.ExitUsage, "--groups", "渎溪村 99")
	fails(t, e.run("rotation", "add", "--name", "x", "--activity", "sweep", "--groups", "渎溪村 04", "--start", "2026-11-01"),
		cli.ExitUsage, "1 group;")
	fails(t, e.run("rotation", "add", "--name", "x", "--activity", "sweep", "--groups", "渎溪村 04;倪宅村 02", "--start", "2026-11-01", "--every", "0"),
		cli.ExitUsage, "--every 0")
	assert.Equal(t, "R-0005 y: sweep, 2 groups taking turns from 2026-11-01\n",
		e.ok("rotation", "add", "--name", "y", "--activity", "sweep", "--groups", "渎溪村 04;倪宅村 02", "--start", "2026-11-01"))

	csv := e.write("areas.csv", "编码,名称,类型,所在村,频次,巡护员,检查点,检查点名称\np-t-01,渎溪试点林,山林,渎溪村,每日,P7,C1,山脚\n")
	assert.Equal(t, csv+": 1 area read (1 checkpoint); 1 added, 0 replaced\n", e.ok("import", "patrol-areas", csv))
	add := func(text string) string {
		var f map[string]any
		e.okJSON(&f, "finding", "add", "--area", "P-T-01", "--category", "fire", "--text", text, "--by", "P7", "--json")
		return f["id"].(string)
	}
	f1, f2 := add("防火道旁有人焚烧垃圾"), add("又见烟点")
	out := e.ok("finding", "pass", f1, "--node", "渎溪村 02", "--by", "P20")
	inc := strings.Fields(out)[4]
	short := inc[len(inc)-9:] // 1208-0001: a bare 0001 may be of several days
	var shown map[string]any
	e.okJSON(&shown, "show", short, "--json")
	require.Equal(t, inc, shown["id"], "show takes %s", short)
	assert.Contains(t, e.ok("finding", "merge", f2, "--into", short, "--by", "P20"), f2+" merged (P-T-01, fire): "+inc)
	fails(t, e.run("finding", "merge", add("落叶"), "--into", "9999", "--by", "P20"), cli.ExitRefused, "no incident ends in 9999")
}
