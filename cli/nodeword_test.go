package cli_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
)

// TestNodeWordsAsTyped: --scope and --to refuse a malformed code as --node
// does; a micro-grid named "渎溪村 02" is one of grid 02's, never micro-grid
// 02 of every grid; a grid's name without its village ("01网格") is refused
// naming what was typed and the names that work.
func TestNodeWordsAsTyped(t *testing.T) {
	e := demoEnv(t)
	const malformed = `node code "33078411426": must start with the official`
	fails(t, e.run("incidents", "--node", "33078411426"), cli.ExitUsage, "--node: "+malformed)
	fails(t, e.run("wartime", "on", "--reason", "typhoon", "--scope", "33078411426", "--yes"), cli.ExitUsage, "--scope: "+malformed)
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	fails(t, e.run("directive", "issue", "--to", "33078411426", "--text", "x", "--deadline", "2h"), cli.ExitUsage, "--to: "+malformed)
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")

	r := e.run("directive", "ack", "D-0001", "--unit", "渎溪村 02")
	fails(t, r, cli.ExitUsage, "--unit", "渎溪村 02-01 330784114266-02-01", "渎溪村 02-02 330784114266-02-02")
	assert.NotContains(t, r.err, "渎溪村 01-02", "micro-grid 02 of grid 01 is not 渎溪村 02")

	fails(t, e.run("people", "--node", "01网格"), cli.ExitUsage, `--node: node "01网格": a grid or micro-grid is named after its village`, "倪宅村 01 330784114200-01")
	fails(t, e.run("people", "--node", "02-03"), cli.ExitUsage, `node "02-03"`, "named after its village", "倪宅村 02-03 330784114200-02-03")
}

// TestDutyImportRoomNames: a schedule's room cell takes the room's name as
// the console shows it as well as its code; an ambiguous name is refused,
// the row and the candidates named, and nothing is scheduled.
func TestDutyImportRoomNames(t *testing.T) {
	e := demoEnv(t)
	cadre := e.people("--node", "330784114266", "--role", "village_cadre")[0]
	good := e.write("names.csv", "值班室,值班员,开始,结束\n渎溪村,"+cadre.ID+",2030-01-01 08:00,2030-01-02 08:00\n花街镇,P5,2030-01-01 08:00,2030-01-01 20:00\n")
	assert.Contains(t, e.ok("duty", "import", good), "2 shifts scheduled")
	var shifts []struct {
		Room string `json:"room"`
	}
	e.okJSON(&shifts, "duty", "list", "--from", "2030-01-01 00:00", "--json")
	require.Len(t, shifts, 2)
	assert.ElementsMatch(t, []string{"330784114266", "330784114"}, []string{shifts[0].Room, shifts[1].Room})

	bad := e.write("bad.csv", "room,person,from,to\ntown,P5,2030-01-02 08:00,2030-01-02 20:00\n花街,P5,2030-01-03 08:00,2030-01-03 20:00\n")
	fails(t, e.run("duty", "import", bad), cli.ExitUsage, "bad.csv:3", `node "花街" is ambiguous`, "花街镇 330784114", "花街村 330784114220")
	e.okJSON(&shifts, "duty", "list", "--from", "2030-01-01 00:00", "--json")
	assert.Len(t, shifts, 2, "nothing of bad.csv is scheduled")
	grid := e.write("grid.csv", "room,person,from,to\n渎溪村 02,P5,2030-01-03 08:00,2030-01-03 20:00\n")
	fails(t, e.run("duty", "import", grid), cli.ExitUsage, "grid.csv:2", "330784114266-02 is a grid")
	one := e.write("one.csv", "room,person,from,to\n渎溪村,P5,2030-01-05 08:00,2030-01-05 20:00\n")
	assert.Contains(t, e.ok("duty", "import", one), "1 shift scheduled (")
	empty := e.write("empty.csv", "room,person,from,to\n ,P5,2030-01-03 08:00,2030-01-03 20:00\n")
	fails(t, e.run("duty", "import", empty), cli.ExitUsage, "empty.csv:2: room: empty; give the town (town, 全镇) or a village")
}

// TestTimelineExportBareTime: --from 21:30 is today's 21:30 in the town's
// zone (yesterday's when still to come), as the console's :replay reads it.
func TestTimelineExportBareTime(t *testing.T) {
	e := demoEnv(t)
	e.ok("report", "--node", "渎溪村 02", "--category", "traffic", "--severity", "II", "--title", "刚报的事件")
	zone, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	since := time.Now().In(zone).Add(-2 * time.Minute)
	bare := e.ok("timeline", "export", "--from", since.Format("15:04"), "--format", "csv")
	assert.Equal(t, e.ok("timeline", "export", "--from", since.Format("2006-01-02 15:04"), "--format", "csv"), bare)
	assert.Contains(t, bare, "刚报的事件")
	rows, err := csv.NewReader(strings.NewReader(bare)).ReadAll()
	require.NoError(t, err)
	for _, row := range rows[1:] {
		assert.GreaterOrEqual(t, row[1], since.Format("2006-01-02T15:04"), "today's events only, not the demo's night")
	}
	assert.Contains(t, e.ok("timeline", "export", "--help"), "last 21:30 up to now")
	fails(t, e.run("timeline", "export", "--from", "25:00", "--format", "csv"), cli.ExitUsage, `--from: "25:00" is not a time: want 21:30 (today`)
}

// TestTimelineExportReversed: a window whose --to is before its --from is
// refused naming both, bare times or whole, in the console's words
// (model.Lookback, as :replay refuses it). A bare time is the last such
// time up to now, never a time still to come: at 00:51 "--from 05:00 --to
// 02:00" is yesterday's 05:00 to yesterday's 02:00 and refused, by replay
// and timeline export alike, as the console refuses it (a review saw the
// command line play 12-07 05:00 to 12-08 02:00, and export it).
func TestTimelineExportReversed(t *testing.T) {
	e := demoEnv(t)
	zone, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	now := time.Now().In(zone)
	if now.Hour() == 0 && now.Minute() < 30 || now.Hour() == 23 && now.Minute() > 30 {
		t.Skip("too near midnight for bare times")
	}
	refused := func(what string, from, to time.Time) string {
		return what + " from " + from.Format("01-02 15:04") + " to " + to.Format("01-02 15:04") + ": the end must come after the start"
	}
	from, to := now.Add(-10*time.Minute), now.Add(-20*time.Minute)
	r := e.run("timeline", "export", "--from", from.Format("2006-01-02 15:04"), "--to", to.Format("2006-01-02 15:04"))
	fails(t, r, cli.ExitUsage, refused("export", from, to))
	assert.Empty(t, r.out, "not even the header")
	fails(t, e.run("replay", "--from", from.Format("2006-01-02 15:04"), "--to", to.Format("2006-01-02 15:04")), cli.ExitUsage, refused("replay", from, to))
	fails(t, e.run("timeline", "export", "--from", "2026-11-29 03:00", "--to", "2026-11-29 02:00", "--format", "json"), cli.ExitUsage,
		"export from 11-29 03:00 to 11-29 02:00: the end must come after the start")

	// A bare --to still to come after the --from is now: the window up to
	// now, never the future (a review: it was refused, naming yesterday).
	e.ok("report", "--node", "渎溪村 02", "--category", "traffic", "--severity", "II", "--title", "刚报的事件")
	soon := now.Add(10 * time.Minute)
	out := e.ok("timeline", "export", "--from", from.Format("15:04"), "--to", soon.Format("15:04"))
	assert.Contains(t, out, "刚报的事件", "up to now")

	// A bare --to after a dated --from is the first such time after it,
	// not today's (a review's finding): the demo's night's 22:00 hour, not
	// days of it; after midnight, the next day's.
	for _, c := range []struct{ from, to, end, hour string }{
		{"2026-11-28 22:00", "23:00", "2026-11-28T23:00", "2026-11-28T22"},
		{"2026-11-28 23:00", "01:00", "2026-11-29T01:00", "2026-11-29T00"},
	} {
		var evs []eventJSON
		e.okJSON(&evs, "timeline", "export", "--from", c.from, "--to", c.to, "--format", "json")
		require.NotEmpty(t, evs, c.from)
		last := evs[len(evs)-1].At
		assert.Less(t, last, c.end, "%s --to %s", c.from, c.to)
		assert.True(t, strings.HasPrefix(last, c.hour), "%s --to %s: up to its end, %s", c.from, c.to, last)
	}
}

// TestSpaceInNameHint: a node's name typed with its space unquoted leaves
// its number as a stray argument; the refusal says to quote it.
func TestSpaceInNameHint(t *testing.T) {
	e := demoEnv(t)
	fails(t, e.run("incidents", "--node", "渎溪村", "02"), cli.ExitUsage, `unknown command "02"`,
		"; quote a name with a space: --node '渎溪村 02' (or 渎溪村02)")
	fails(t, e.run("directive", "ack", "D-0001", "--unit", "渎溪村", "02-01"), cli.ExitUsage, "got 2 arguments",
		"quote a name with a space: --unit '渎溪村 02-01' (or 渎溪村02-01)")
	fails(t, e.run("directive", "ack", "D-0001", "--unit=渎溪村", "02-01"), cli.ExitUsage, "--unit '渎溪村 02-01'")
	r := e.run("directive", "ack", "D-0001", "D-0002", "--unit", "渎溪村 02-01")
	fails(t, r, cli.ExitUsage, "got 2 arguments")
	assert.NotContains(t, r.err, "quote", "no stray number after the name")
	assert.Contains(t, e.ok("incidents", "--node", "渎溪村02"), "渎溪村 02")
	// In Chinese under zh, as the refusal it follows.
	e.speak("zh")
	fails(t, e.run("directive", "ack", "D-0001", "--unit", "渎溪村", "02-01"), cli.ExitUsage, "却给了 2 个参数",
		"；含空格的名称请加引号：--unit '渎溪村 02-01'（或 渎溪村02-01）")
}

// TestDutyImportRefusalsNameTheRow: a row the rules refuse (an overlap
// with a stored shift or an earlier row, an officer who may not staff the
// room) is named by file and line, its room by the console's name with
// its code; nothing of the file is scheduled; exit 2 as the rules' refusals.
func TestDutyImportRefusalsNameTheRow(t *testing.T) {
	e := demoEnv(t)
	cadre := e.people("--node", "330784114266", "--role", "village_cadre")[0]
	head := "room,person,from,to\n"
	e.ok("duty", "import", e.write("first.csv", head+"渎溪村,"+cadre.ID+",2030-01-01 08:00,2030-01-01 20:00\n"))
	var before []map[string]any
	e.okJSON(&before, "duty", "list", "--from", "2030-01-01 00:00", "--json")
	for _, tt := range []struct{ name, rows, want string }{
		{"stored.csv", "渎溪村," + cadre.ID + ",2030-01-02 08:00,2030-01-02 20:00\n渎溪村," + cadre.ID + ",2030-01-01 19:00,2030-01-01 22:00\n",
			":3: " + cadre.Name + " 01-01 19:00–01-01 22:00 in 渎溪村 330784114266 overlaps S-"},
		{"earlier.csv", "渎溪村," + cadre.ID + ",2030-01-02 08:00,2030-01-02 20:00\n渎溪村," + cadre.ID + ",2030-01-02 19:00,2030-01-02 22:00\n",
			":3: " + cadre.Name + " 01-02 19:00–01-02 22:00 in 渎溪村 330784114266 overlaps line 2's (" + cadre.Name + ", 01-02 08:00–01-02 20:00)"},
		{"room.csv", "渎溪村," + cadre.ID + ",2030-01-02 08:00,2030-01-02 20:00\n小界岭村," + cadre.ID + ",2030-01-03 08:00,2030-01-03 20:00\n",
			":3: " + cadre.Name + " (village_cadre) may not hold a shift in 小界岭村 330784114268: only"},
	} {
		file := e.write(tt.name, head+tt.rows)
		fails(t, e.run("duty", "import", file), cli.ExitRefused, file+tt.want)
		var after []map[string]any
		e.okJSON(&after, "duty", "list", "--from", "2030-01-01 00:00", "--json")
		assert.Len(t, after, len(before), "nothing of %s is scheduled", tt.name)
	}
}
