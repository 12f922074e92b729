package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
	for _, ok := range [][]string{at("P1", "330784001001"), at("P1", "330784114266"), at("P4", "330784001001"), at("P2", "330784114266"),
		append(at("P1", "330784001001"), "--by", "P6")} {
		assert.Regexp(t, `^HJ-\d{8}-\d{4}\n$`, e.ok(ok...), "%v", ok)
	}
	// An area of 东城街道 does not take 花街镇's patroller.
	areas := e.write("areas.csv", "area,name,kind,village,every,patroller,checkpoint\nP-YD-01,园丁巡查,village,330784001001,daily,P3,C1\n")
	fails(t, e.run("--as", "P1", "import", "patrol-areas", areas), cli.ExitUsage,
		"area P-YD-01: 花街巡护 (P3) is a patroller of 花街镇 330784114; the area lies in 园丁社区 330784001001 of 东城街道 330784001")
}
