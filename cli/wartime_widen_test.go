package cli_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/demo"
)

// The QA's typhoon: 渎溪村's cadre put the village in wartime and it has a
// directive running; the town's wartime on is refused with the choice,
// the village's cadre may not widen it to the town, and the town's
// officer widens it: asked first (refused without a terminal, saying
// what it takes in and what carries on), then done with --yes, the
// directive carrying on; the status, the report and the timeline export
// show the widening.
func TestWartimeWiden(t *testing.T) {
	e := demoEnv(t)
	pipeStdin(t, "y\n") // not a terminal: even a "y" there confirms nothing
	cadres := e.people("--node", string(demo.Duxi), "--role", "village_cadre")
	require.NotEmpty(t, cadres)
	cadre := cadres[0].ID
	e.ok("--as", cadre, "wartime", "on", "--reason", "typhoon", "--scope", "渎溪村", "--yes")
	e.ok("directive", "issue", "--to", "渎溪村", "--text", "逐户核查", "--deadline", "2h")
	e.ok("directive", "ack", "D-0001", "--unit", "渎溪村 01-01")

	fails(t, e.run("--lang", "en", "wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes"), cli.ExitRefused,
		"wartime W-0001 (typhoon) is already active over 渎溪村 330784114266 since ",
		"widen it to take in 花街镇 330784114, its directives, signatures and drafted reserves carrying on (gridcmd wartime widen")
	fails(t, e.run("--lang", "en", "--as", cadre, "wartime", "widen", "--scope", "town", "--yes"), cli.ExitRefused,
		"may act only within 渎溪村 330784114266; 花街镇 330784114 is outside it")
	fails(t, e.run("--lang", "en", "wartime", "widen", "--scope", "town"), cli.ExitUsage,
		"wartime widen: would widen W-0001 (typhoon, since ",
		"from 渎溪村 330784114266 to 花街镇 330784114, taking in 26 villages, 221 micro-grids (6 without a worker), ",
		"; carrying on: 11 micro-grids on duty, D-0001 1/11 signed, 0 drafted reserves; stdin is not a terminal, so nothing was done: pass --yes")
	fails(t, e.run("--lang", "zh", "wartime", "widen", "--scope", "全镇"), cli.ExitUsage,
		"wartime widen: 将扩大战时 W-0001（防台，自 ", "由 渎溪村 330784114266 扩至 花街镇 330784114，新增 26 个村、221 个微网格（6 个没有网格员）、",
		"照常运行：在岗微网格 11 个、D-0001 已签 1/11、征调储备 0 人；标准输入不是终端，未做任何操作：确认请加 --yes")
	assert.Equal(t, []string{string(demo.Duxi)}, e.wartimeStatus().Scope, "nothing done without confirmation")

	out := e.ok("--lang", "en", "wartime", "widen", "--scope", "town", "--yes")
	assert.Regexp(t, `^W-0001 widened to 花街镇 330784114: 27 villages, 232 micro-grids \(226 staffed, 6 gaps\), [0-9]+ households; `+
		`took in 26 villages, 221 micro-grids, [0-9]+ households; its directives keep their targets\n$`, out)
	st := e.wartimeStatus()
	assert.Equal(t, []string{string(demo.Town)}, st.Scope)
	assert.Equal(t, 232, st.MicroGrids)
	assert.Equal(t, 226, st.Staffed)
	require.NotNil(t, st.Activation)
	require.Len(t, st.Activation.Widened, 1)
	assert.Equal(t, []string{string(demo.Duxi)}, st.Activation.Widened[0].From)
	assert.Equal(t, 221, st.Activation.Widened[0].MicroGrids)
	var d directiveJSON
	e.okJSON(&d, "directive", "show", "D-0001", "--json")
	assert.Equal(t, []string{string(demo.Duxi)}, d.Targets, "the directive keeps its targets")
	assert.Equal(t, 11, d.Units)
	assert.Equal(t, 1, d.Signed, "and its signature")
	e.ok("directive", "issue", "--to", "town", "--text", "清点物资", "--deadline", "2h") // a new one to the wider scope

	fails(t, e.run("--lang", "en", "wartime", "widen", "--scope", "渎溪村", "--yes"), cli.ExitRefused,
		"W-0001 already covers 渎溪村 330784114266 (its scope: 花街镇 330784114); nothing to widen")
	assert.Contains(t, e.ok("--lang", "en", "wartime", "status"), "渎溪村 330784114266 → 花街镇 330784114 (took in 26 villages, 221 micro-grids, ")
	report := e.ok("--lang", "en", "wartime", "report")
	assert.Contains(t, report, "widened ")
	assert.Contains(t, report, "渎溪村 330784114266 → 花街镇 330784114 (took in 26 villages, 221 micro-grids, ")

	rows, err := csv.NewReader(strings.NewReader(e.ok("timeline", "export", "--format", "csv"))).ReadAll()
	require.NoError(t, err)
	var widen []string
	for _, r := range rows {
		if r[4] == "widen" {
			widen = r
		}
	}
	require.NotNil(t, widen, "the timeline export has the widening")
	assert.Equal(t, "扩大战时范围", widen[5])
	assert.Equal(t, "W-0001", widen[8])
	assert.Equal(t, string(demo.Town), widen[9])
	assert.Contains(t, widen[15], "W-0001 widened from 渎溪村 330784114266 to 花街镇 330784114; takes in 26 villages, 221 micro-grids (6 without a worker)")
	assert.Contains(t, widen[16], "W-0001 范围由 渎溪村 330784114266 扩大至 花街镇 330784114")

	e.ok("wartime", "off", "--yes")
	fails(t, e.run("--lang", "en", "wartime", "widen", "W-0001", "--scope", "town", "--yes"), cli.ExitRefused, "W-0001 is no longer active")
	fails(t, e.run("--lang", "en", "wartime", "widen", "--scope", "town", "--yes"), cli.ExitRefused,
		"no wartime is active in 花街镇 330784114: nothing to widen; start one instead")
	fails(t, e.run("wartime", "widen", "--yes"), cli.ExitUsage, "missing --scope")
}
