package cli_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
)

// TestDutyImportOnACountyFile: on a county file (countyEnv) a town's
// officer who names another town's room in a shifts file is told it is
// another town's, the towns named (QA: it read "no node in 花街镇", as if
// it did not exist), and by its code the rules refuse it so; the county's
// officer schedules the rooms of any town of the county, by name.
func TestDutyImportOnACountyFile(t *testing.T) {
	e := countyEnv(t)
	byName := e.write("shifts.csv", "room,person,from,to\n"+
		"渎溪村,P5,2027-01-02 08:00,2027-01-02 20:00\n"+
		"园丁社区,P6,2027-01-02 08:00,2027-01-02 20:00\n")
	fails(t, e.run("--as", "P2", "duty", "import", byName), cli.ExitUsage,
		`shifts.csv:3: room "园丁社区": 园丁社区 330784001001 is a room of 东城街道 330784001, not of 花街镇 330784114 (花街值班's town)`)
	fails(t, e.run("--as", "P2", "duty", "list", "--room", "东城"), cli.ExitUsage,
		`--room: room "东城": 东城街道 330784001 is another town, not 花街镇 330784114 (花街值班's town)`)
	byCode := e.write("codes.csv", "room,person,from,to\n330784001001,P6,2027-01-02 08:00,2027-01-02 20:00\n")
	fails(t, e.run("--as", "P2", "duty", "import", byCode), cli.ExitRefused,
		"codes.csv:2: 花街值班 of 花街镇 330784114 may not schedule shifts in 园丁社区 330784001001: it is a room of 东城街道 330784001, another town")
	// A name no town has is still no name at all.
	fails(t, e.run("--as", "P2", "duty", "list", "--room", "无此村"), cli.ExitUsage, `node "无此村": no node in 花街镇 is named so`)

	county := e.write("county.csv", "room,person,from,to\n"+
		"渎溪村,P5,2027-01-02 08:00,2027-01-02 20:00\n"+
		"园丁社区,P6,2027-01-02 08:00,2027-01-02 20:00\n"+
		"东城街道,P4,2027-01-02 08:00,2027-01-02 20:00\n"+
		"花街镇,P2,2027-01-02 08:00,2027-01-02 20:00\n")
	assert.Contains(t, e.ok("--as", "P1", "duty", "import", county), "county.csv: 4 shifts scheduled")
	assert.Contains(t, e.ok("--as", "P1", "duty", "add", "--person", "P6", "--room", "园丁社区",
		"--from", "2027-01-03 08:00", "--to", "2027-01-03 20:00"), "on duty in 330784001001")
}

// TestReportInAnotherTown: report, as the command line files it, takes a
// reporter of the node's town or the county's officer, and refuses a
// person of another town (QA: report --as P2 filed into 东城街道), naming
// both towns.
func TestReportInAnotherTown(t *testing.T) {
	e := countyEnv(t)
	at := func(by, node string) []string {
		return []string{"--as", by, "report", "--node", node, "--category", "fire", "--severity", "III", "--title", "冒烟"}
	}
	fails(t, e.run(at("P2", "330784001001")...), cli.ExitRefused,
		"花街值班 (P2) of 花街镇 330784114 may not report at 园丁社区 330784001001: it is in 东城街道 330784001, another town")
	fails(t, e.run(append(at("P1", "330784001001"), "--by", "P3")...), cli.ExitRefused, "花街巡护 (P3) of 花街镇 330784114 may not report")
	fails(t, e.run(at("P4", "330784114266")...), cli.ExitRefused, "it is in 花街镇 330784114, another town")
	// Each town's incidents carry its own prefix (a QA saw 东城街道's filed
	// as HJ-…): its name's initials in a file of several towns.
	for _, ok := range [][]string{at("P1", "330784001001"), at("P4", "330784001001"), append(at("P1", "330784001001"), "--by", "P6")} {
		assert.Regexp(t, `^DC-\d{8}-\d{4}\n$`, e.ok(ok...), "%v", ok)
	}
	for _, ok := range [][]string{at("P1", "330784114266"), at("P2", "330784114266")} {
		assert.Regexp(t, `^HJ-\d{8}-\d{4}\n$`, e.ok(ok...), "%v", ok)
	}
	// The county's own reports are not 花街镇's (a QA saw HJ-… at
	// 330784): on the default town_prefix, the county's initials.
	assert.Regexp(t, `^YK-\d{8}-\d{4}\n$`, e.ok(at("P1", "330784")...))
	assert.Regexp(t, `^HJ-\d{8}-\d{4}\n$`, e.ok(at("P1", "330784114266")...))
	// An area of 东城街道 does not take 花街镇's patroller.
	areas := e.write("areas.csv", "area,name,kind,village,every,patroller,checkpoint\nP-YD-01,园丁巡查,village,330784001001,daily,P3,C1\n")
	fails(t, e.run("--as", "P1", "import", "patrol-areas", areas), cli.ExitUsage,
		"area P-YD-01: 花街巡护 (P3) is a patroller of 花街镇 330784114; the area lies in 园丁社区 330784001001 of 东城街道 330784001")
}

// TestDutyNowListsTheOperatorsTown: on a county file duty now lists the
// rooms of the operator's town (QA: a 花街镇 officer read every room of
// the 14 towns), the county's officer every room of the county; --town
// lists a town's, --all every room, and two of --room, --town and --all
// are refused.
func TestDutyNowListsTheOperatorsTown(t *testing.T) {
	e := countyEnv(t)
	rooms := func(args ...string) []string {
		var rds []struct {
			Room string `json:"room"`
		}
		e.okJSON(&rds, append([]string{"duty", "now", "--json"}, args...)...)
		out := make([]string, len(rds))
		for i, r := range rds {
			out[i] = r.Room
		}
		return out
	}
	huajie := rooms("--as", "P2")
	require.Len(t, huajie, 28, "花街镇's town room and its 27 villages'")
	for _, r := range huajie {
		assert.True(t, strings.HasPrefix(r, "330784114"), r)
	}
	assert.Equal(t, "330784114", huajie[0])
	assert.Equal(t, huajie, rooms("--as", "P5"), "a village cadre of 花街镇: the town's rooms")
	all := rooms("--as", "P1")
	assert.Len(t, all, 14+452, "the county's officer: every town's and village's room")
	assert.Equal(t, all, rooms("--as", "P2", "--all"))
	dongcheng := rooms("--as", "P2", "--town", "330784001")
	assert.Equal(t, "330784001", dongcheng[0])
	assert.Equal(t, dongcheng, rooms("--as", "P1", "--town", "东城街道"))
	for _, r := range dongcheng {
		assert.True(t, strings.HasPrefix(r, "330784001"), r)
	}
	assert.Equal(t, []string{"330784114266"}, rooms("--as", "P2", "--room", "渎溪村"))
	fails(t, e.run("--as", "P2", "duty", "now", "--room", "渎溪村", "--all"), cli.ExitUsage, "--room and --all each say which rooms to list")
	fails(t, e.run("--as", "P2", "duty", "now", "--town", "330784999"), cli.ExitUsage, "--town: no node 330784999")
	// --town names a town among the file's, not a place of the operator's
	// own town (QA: a 花街镇 officer's --town 东城街道 was looked up in
	// 花街镇), by the beginning of its name alone as :town; a village is
	// no town.
	assert.Equal(t, dongcheng, rooms("--as", "P2", "--town", "东城街道"))
	assert.Equal(t, dongcheng, rooms("--as", "P2", "--town", "东城"))
	fails(t, e.run("--as", "P2", "duty", "now", "--town", "西"), cli.ExitUsage,
		"town: 西: several towns begin so: 西城街道 330784002, 西溪镇 330784111; type more of the name")
	fails(t, e.run("--as", "P2", "duty", "now", "--town", "渎溪村"), cli.ExitUsage, "town: 渎溪村: no such town in this file")
	assert.Equal(t, all, rooms("--as", "P2", "--town", "永康市"), "a county by its name")
}
