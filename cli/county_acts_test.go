package cli_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/cli"
)

// TestActingOnAnotherTownsWork: on a county file (countyEnv, with
// 东城街道's patroller P7 and liaison P8 and 花街镇's liaison P9), 花街镇's
// people take no action on 东城街道's incident, findings or patrol areas
// (gaps a QA left: its duty officer acknowledged, noted and dispatched
// another town's incident, its liaison closed another town's finding, and
// anyone imported another town's areas), each refused naming the person,
// their town, the place and its town; 东城街道's people and the county's
// officer do. An --as not on the roster imports nothing (it imported as the
// system, which every town's rules let through).
func TestActingOnAnotherTownsWork(t *testing.T) {
	e := countyEnv(t)
	e.ok("import", "roster", e.write("more.csv", "name,phone,role,node,reserve_kind,on_duty\n"+
		"东城巡护,13800000007,patroller,330784001,,no\n东城联络,13800000008,liaison,330784001,,no\n花街联络,13800000009,liaison,330784114,,no\n"))
	id := strings.TrimSpace(e.ok("--as", "P4", "report", "--node", "园丁社区", "--category", "fire", "--severity", "III", "--title", "冒烟"))
	other := "at 园丁社区 330784001001: it is in 东城街道 330784001, another town"

	fails(t, e.run("--lang", "en", "--as", "P2", "ack", id), cli.ExitRefused, "花街值班 (P2) of 花街镇 330784114 may not acknowledge "+id+" "+other)
	fails(t, e.run("--lang", "zh", "--as", "P2", "ack", id), cli.ExitRefused,
		"花街值班（P2，花街镇 330784114）不能在 园丁社区 330784001001 签收 "+id+"：该处属 东城街道 330784001，不是其所在镇街")
	fails(t, e.run("--lang", "en", "--as", "P2", "note", id, "已联系"), cli.ExitRefused, "may not add a note to "+id+" "+other)
	fails(t, e.run("--lang", "en", "--as", "P2", "dispatch", id, "--department", "消防"), cli.ExitRefused, "may not dispatch "+id+" "+other)
	fails(t, e.run("--lang", "en", "--as", "P1", "ack", id, "--by", "P5"), cli.ExitRefused, "渎溪村干 (P5) of 花街镇 330784114 may not acknowledge "+id)
	assert.Contains(t, e.ok("--as", "P4", "ack", id), "acknowledged")
	assert.Contains(t, e.ok("--as", "P1", "dispatch", id, "--department", "消防"), "dispatched")

	areas := e.write("areas.csv", "area,name,kind,village,every,patroller,checkpoint\nP-YD-01,园丁巡查,village,330784001001,daily,P7,C1\n")
	fails(t, e.run("--lang", "en", "--as", "P2", "import", "patrol-areas", areas), cli.ExitRefused,
		"花街值班 (P2) of 花街镇 330784114 may not import patrol area P-YD-01 "+other)
	fails(t, e.run("--lang", "en", "--as", "P99", "import", "patrol-areas", areas), cli.ExitRefused, "no person P99")
	assert.Contains(t, e.ok("--as", "P4", "import", "patrol-areas", areas), "1 added")
	// Nor the other imports: the roster, the villages, the rotations.
	fails(t, e.run("--lang", "en", "--as", "P99", "import", "roster", e.write("p99.csv", "name,phone,role,node,reserve_kind,on_duty\n某人,13800000010,grid_worker_pt,330784001001,,no\n")),
		cli.ExitRefused, "no person P99")
	fails(t, e.run("--lang", "en", "--as", "P99", "import", "villages", "../data/huajie-villages.csv"), cli.ExitRefused, "no person P99")
	fails(t, e.run("--lang", "en", "--as", "P99", "import", "rotations", e.write("rot.csv", "rotation,activity,group,grids,start\nx,sweep,1,330784114266-01,2026-11-01\nx,sweep,2,330784114266-02,2026-11-01\n")), cli.ExitRefused, "no person P99")

	assert.Contains(t, e.ok("finding", "add", "--area", "P-YD-01", "--checkpoint", "C1", "--category", "fire", "--text", "冒烟", "--by", "P7"), "F-0001 waiting")
	fails(t, e.run("--lang", "en", "--as", "P9", "finding", "close", "F-0001", "--reason", "无需处置"), cli.ExitRefused,
		"花街联络 (P9) of 花街镇 330784114 may not close F-0001 "+other)
	fails(t, e.run("--lang", "en", "--as", "P9", "finding", "merge", "F-0001", "--into", id), cli.ExitRefused, "may not merge F-0001 "+other)
	fails(t, e.run("--lang", "en", "--as", "P2", "finding", "pass", "F-0001", "--node", "330784001001"), cli.ExitRefused, "may not pass on F-0001 "+other)
	assert.Contains(t, e.ok("--as", "P8", "finding", "merge", "F-0001", "--into", id), "merged")
}
