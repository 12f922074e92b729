package cli_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/demo"
	"gridcmd/store"
)

// TestStatsHasTheFigures: stats --json has the command room's figures
// (fields only added). The demo's history is a week old by the real clock,
// outside both windows, but the first acting command applies the clocks to
// its reports still waiting: those escalations (and those reports'
// week-long pass-ons) count. Then one more escalation and two more
// pass-ons.
func TestStatsHasTheFigures(t *testing.T) {
	e := demoEnv(t)
	before := e.stats().Incidents
	assert.Zero(t, before.EscalationsLastHour)
	assert.Zero(t, before.PassOnReports)
	grid := string(demo.ArticleGrid)
	var a, b incidentJSON
	e.okJSON(&a, "report", "--node", grid, "--category", "traffic", "--severity", "II", "--title", "货物撒落", "--json")
	e.okJSON(&b, "report", "--node", grid, "--category", "traffic", "--severity", "II", "--title", "车辆抛锚", "--json")
	swept := e.stats().Incidents
	assert.Positive(t, swept.EscalationsLastHour, "the clocks' escalations of the demo's waiting reports")
	e.ok("ack", a.ID)
	e.ok("escalate", b.ID)
	s := e.stats().Incidents
	assert.Equal(t, swept.EscalationsLastHour+1, s.EscalationsLastHour)
	assert.Equal(t, swept.PassOnReports+2, s.PassOnReports)
	assert.Positive(t, s.PassOnP50Seconds)
	assert.Regexp(t, `pass-on p50 \(24 h\)\s+\S+ \(\d+ reports\)`, e.ok("stats"))
}

// TestNoteCommand: gridcmd note adds the operator's words to the timeline
// and changes nothing else; closed incidents take notes too.
func TestNoteCommand(t *testing.T) {
	e := demoEnv(t)
	var inc incidentJSON
	e.okJSON(&inc, "report", "--node", string(demo.ArticleGrid), "--category", "traffic", "--severity", "II", "--title", "货物撒落", "--json")
	out := e.ok("note", inc.ID, "已联系交警，", "20分钟到")
	assert.Equal(t, inc.ID+": note added (reported at the grid tier, unchanged)\n", out)
	got := e.show(inc.ID)
	assert.Equal(t, "reported", got.Status)
	require.Len(t, got.Timeline, 2)
	assert.Equal(t, "note", got.Timeline[1].Action)
	assert.Equal(t, "已联系交警， 20分钟到", got.Timeline[1].Note)
	assert.Equal(t, "P1", got.Timeline[1].Actor)

	fails(t, e.run("note", inc.ID), cli.ExitUsage, "want an incident id and the note")
	fails(t, e.run("note", "nope", "x"), cli.ExitUsage, "incident id")
	fails(t, e.run("note", inc.ID, " "), cli.ExitUsage, "note is empty")
	fails(t, e.run("note", "HJ-20261129-0999", "x"), cli.ExitRefused, "no incident HJ-20261129-0999")
}

// TestReserveRelease: a drafted reserve goes home again, the micro-grid a
// gap again; releasing one not drafted is refused.
func TestReserveRelease(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "epidemic", "--scope", "town", "--yes")
	gap := e.wartimeStatus().GapUnits[0]
	reserve := e.people("--role", "reserve", "--node", gap[:12])[0]
	fails(t, e.run("reserve", "release", "--person", reserve.ID), cli.ExitRefused, "is not drafted now")
	fails(t, e.run("reserve", "release"), cli.ExitUsage, "missing --person")
	e.ok("reserve", "draft", "--person", reserve.ID, "--micro-grid", gap)
	assert.Equal(t, 5, e.wartimeStatus().Gaps)
	out := e.ok("reserve", "release", "--person", reserve.ID)
	assert.Equal(t, reserve.ID+" "+reserve.Name+" released from "+gap+"; it has no worker again\n", out)
	st := e.wartimeStatus()
	assert.Equal(t, 6, st.Gaps)
	require.Len(t, st.Drafted, 1)
	assert.NotEmpty(t, st.Drafted[0].Released)
	e.ok("reserve", "draft", "--person", reserve.ID, "--micro-grid", gap) // drafted again
}

// TestNamesForNodes: report, wartime on and directive issue take names as
// the console shows them, within the operator's town; an ambiguous name
// lists its candidates. The deadline takes a clock time.
func TestNamesForNodes(t *testing.T) {
	e := demoEnv(t)
	var inc incidentJSON
	e.okJSON(&inc, "report", "--node", "渎溪村 02", "--category", "traffic", "--severity", "II", "--title", "货物撒落", "--json")
	assert.Equal(t, string(demo.ArticleGrid), inc.Node)
	e.okJSON(&inc, "report", "--node", "渎溪", "--category", "flood", "--severity", "II", "--title", "溪水上涨", "--json")
	assert.Equal(t, string(demo.Duxi), inc.Node, "a unique prefix")
	fails(t, e.run("report", "--node", "渎溪村 0", "--category", "traffic", "--severity", "II", "--title", "x"),
		cli.ExitUsage, "--node", "ambiguous", "渎溪村 01 330784114266-01")
	fails(t, e.run("report", "--node", "东城", "--category", "traffic", "--severity", "II", "--title", "x"),
		cli.ExitUsage, `node "东城": no node in 花街镇 is named so`)
	fails(t, e.run("report", "--node", "渎溪村 02", "--category", "nope", "--severity", "II", "--title", "x"),
		cli.ExitUsage, "nope")

	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "渎溪村,小界岭村", "--yes")
	st := e.wartimeStatus()
	assert.Equal(t, []string{string(demo.Duxi), "330784114268"}, st.Scope)
	fails(t, e.run("directive", "issue", "--to", "渎溪村 0", "--text", "x", "--deadline", "2h"), cli.ExitUsage, "--to", "ambiguous")

	var d directiveJSON
	e.okJSON(&d, "directive", "issue", "--to", "渎溪村 02", "--text", "逐户核查人员去向", "--deadline", "23:59", "--json")
	assert.Equal(t, []string{string(demo.ArticleGrid)}, d.Targets)
	dl, err := time.Parse(time.RFC3339, d.Deadline)
	require.NoError(t, err)
	assert.Equal(t, "23:59", dl.Format("15:04"))
	assert.True(t, dl.After(time.Now()) && dl.Before(time.Now().Add(24*time.Hour)), "today, or tomorrow if past: %s", dl)
	db, err := store.Open(e.db, store.Options{})
	require.NoError(t, err)
	stored, _, err := db.Directive(context.Background(), d.ID)
	require.NoError(t, db.Close())
	require.NoError(t, err)
	assert.True(t, dl.Equal(stored.Deadline), "a clock time is kept to the minute: %s", stored.Deadline.Format(time.RFC3339Nano))
	fails(t, e.run("directive", "issue", "--to", "town", "--text", "x", "--deadline", "25:00"), cli.ExitUsage, "--deadline", "clock time (04:40)")
}
