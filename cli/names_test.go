package cli_test

import (
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/demo"
)

// consoleName is code's name as the console shows it: its village's name,
// then the code's own numbers ("渎溪村 02-03"); a village's or town's own.
func (e *env) consoleName(code string) string {
	e.t.Helper()
	var tw []towerJSON
	e.okJSON(&tw, "tower", code[:min(len(code), 12)], "--depth", "0", "--json")
	require.Len(e.t, tw, 1)
	if len(code) <= 12 {
		return tw[0].Name
	}
	return tw[0].Name + " " + code[13:]
}

// ids are the ids of list, in order.
func ids(list []incidentJSON) []string {
	out := make([]string, len(list))
	for i, inc := range list {
		out[i] = inc.ID
	}
	return out
}

// TestNodeNamesOnEveryFlag: every command that takes a node (a flag or an
// argument) takes its name as the console shows it as well as its code,
// within the operator's town, as report does; an unknown or ambiguous name
// is refused as report refuses it, the candidates named.
func TestNodeNamesOnEveryFlag(t *testing.T) {
	e := demoEnv(t)
	same := func(byName, byCode []string) {
		t.Helper()
		assert.Equal(t, e.ok(byCode...), e.ok(byName...), "%v", byName)
	}

	list := e.incidents("--node", "渎溪村")
	require.NotEmpty(t, list)
	assert.Equal(t, ids(e.incidents("--node", string(demo.Duxi))), ids(list))
	micro := e.consoleName("330784114223-02-03")
	assert.Equal(t, "大屋村 02-03", micro)
	list = e.incidents("--node", micro)
	require.NotEmpty(t, list, "the demo has an incident at 大屋村 02-03")
	assert.Equal(t, ids(e.incidents("--node", "330784114223-02-03")), ids(list))

	same([]string{"people", "--node", "渎溪村 02", "--json"}, []string{"people", "--node", string(demo.ArticleGrid), "--json"})
	same([]string{"tower", "渎溪村"}, []string{"tower", string(demo.Duxi)})
	same([]string{"points", "--node", "渎溪村", "--json"}, []string{"points", "--node", string(demo.Duxi), "--json"})
	same([]string{"scorecard", "--role", "grid_worker", "--node", "渎溪村 02", "--json"},
		[]string{"scorecard", "--role", "grid_worker", "--node", string(demo.ArticleGrid), "--json"})
	same([]string{"duty", "list", "--room", "渎溪村", "--json"}, []string{"duty", "list", "--room", string(demo.Duxi), "--json"})
	same([]string{"duty", "now", "--room", "渎溪村", "--json"}, []string{"duty", "now", "--room", string(demo.Duxi), "--json"})
	same([]string{"wartime", "status", "--town", "花街镇", "--json"}, []string{"wartime", "status", "--town", string(demo.Town), "--json"})
	assert.Contains(t, e.ok("heartbeat", "add", "gw-duxi", "--every", "10m", "--node", "渎溪村 02"), "watching gw-duxi at "+string(demo.ArticleGrid)+":")

	// A finding passed on at the area's village, by name.
	out := e.ok("finding", "add", "--area", "P-001-CZ", "--category", "fire", "--text", "烟点", "--by", "P7")
	f := strings.Fields(out)[0]
	out = e.ok("finding", "pass", f, "--node", "花街居委会", "--by", "P20")
	assert.Regexp(t, `^`+f+` passed on as HJ-\S+ \(330784114001, fire, `, out)

	// Wartime: a reserve drafted into a gap, a directive signed for and
	// reported on, each micro-grid by name.
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	gap := e.wartimeStatus().GapUnits[0]
	reserve := e.people("--role", "reserve", "--node", gap[:12])[0]
	e.ok("reserve", "draft", "--person", reserve.ID, "--micro-grid", e.consoleName(gap))
	drafted := e.wartimeStatus().Drafted
	require.Len(t, drafted, 1)
	assert.Equal(t, gap, drafted[0].MicroGrid)
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")
	cadre := e.personAt(string(demo.Duxi), "village_cadre")
	assert.Regexp(t, `^D-0001 330784114266-01-01: signed for`, e.ok("directive", "ack", "D-0001", "--unit", "渎溪村 01-01", "--by", cadre))
	e.ok("directive", "progress", "D-0001", "--unit", "渎溪村 02-01", "--done", "30", "--of", "69")
	var show directiveJSON
	e.okJSON(&show, "directive", "show", "D-0001", "--json")
	assert.Equal(t, 2, show.Signed)

	// Refusals, as report's.
	fails(t, e.run("incidents", "--node", "渎溪村 0"), cli.ExitUsage, "--node", "ambiguous", "渎溪村 01 330784114266-01")
	// The town's name and villages' own names begin so: ambiguous, not the town.
	fails(t, e.run("incidents", "--node", "花街"), cli.ExitUsage, "--node",
		`node "花街" is ambiguous: 花街镇 330784114, 花街居委会 330784114001, 花街村 330784114220; type more of the name`)
	var town, village []incidentJSON
	e.okJSON(&town, "incidents", "--node", "花街镇", "--json")
	e.okJSON(&village, "incidents", "--node", "花街村", "--json")
	assert.NotEmpty(t, village)
	assert.Greater(t, len(town), len(village), "an exact name still wins")
	for _, x := range village {
		assert.True(t, strings.HasPrefix(x.Node, "330784114220"), x.Node)
	}
	fails(t, e.run("people", "--node", "东城"), cli.ExitUsage, "--node", `node "东城": no node in 花街镇 is named so`)
	fails(t, e.run("tower", "东城"), cli.ExitUsage, `node "东城": no node in 花街镇 is named so`)
	fails(t, e.run("duty", "now", "--room", "渎溪村 02"), cli.ExitUsage, "--room", "330784114266-02 is a grid")
	fails(t, e.run("directive", "ack", "D-0001", "--unit", "渎溪村 02"), cli.ExitUsage, "--unit", "ambiguous", "渎溪村 02-01 330784114266-02-01")
	// A malformed code says what is wrong with it.
	fails(t, e.run("incidents", "--node", "33078411426"), cli.ExitUsage, "--node", "must start with the official")
}

// TestOneDisplayName: the command line names a node as the console does
// (model.NameByCode: "大屋村 02-03", never the "03微网格" every grid of a
// village has), in the tables, show, directive show and the JSON
// node_name, and that name is accepted back.
func TestOneDisplayName(t *testing.T) {
	e := demoEnv(t)
	byCode := regexp.MustCompile(`^\S+ \d\d(-\d\d)*$`)
	list := e.incidents()
	seen := 0
	for _, inc := range list {
		if strings.Count(inc.Node, "-") == 0 {
			continue
		}
		seen++
		assert.Regexp(t, byCode, inc.NodeName, inc.ID)
		assert.Equal(t, e.consoleName(inc.Node), inc.NodeName, inc.ID)
	}
	require.Greater(t, seen, 5)
	const micro = "330784114223-02-03"
	var at incidentJSON
	for _, inc := range list {
		if inc.Node == micro {
			at = inc
		}
	}
	require.NotEmpty(t, at.ID, "the demo has an incident at %s", micro)
	assert.Equal(t, "大屋村 02-03", at.NodeName)
	assert.Contains(t, e.ok("show", at.ID), micro+"  大屋村 02-03\n")
	assert.Regexp(t, `(?m)^\S+\s+`+at.ID+`\s.*\s大屋村 02-03\s`, e.ok("incidents"))
	assert.Contains(t, ids(e.incidents("--node", at.NodeName)), at.ID, "the name shown is accepted back")

	for _, p := range e.people("--node", "330784114266-02-01") {
		assert.Equal(t, "渎溪村 "+p.Node[13:], p.NodeName, p.ID) // 渎溪村 02-01, 渎溪村 02-01-03
	}
	assert.Contains(t, e.ok("scorecard", "--role", "grid_worker", "--node", string(demo.ArticleGrid)), "渎溪村 02 ")

	r := csv.NewReader(strings.NewReader(e.ok("timeline", "export", "--format", "csv")))
	recs, err := r.ReadAll()
	require.NoError(t, err)
	found := false
	for _, rec := range recs[1:] {
		if rec[9] == micro {
			found = true
			assert.Equal(t, "大屋村 02-03", rec[10])
		}
	}
	assert.True(t, found, "the export has the events at %s", micro)

	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	gap := e.wartimeStatus().GapUnits[0]
	assert.Regexp(t, `(?m)^gap\s+`+gap+`  `+regexp.QuoteMeta(e.consoleName(gap))+`$`, e.ok("wartime", "status"))
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")
	assert.Regexp(t, `(?m)^330784114001-01-01\s+花街居委会 01-01\s`, e.ok("directive", "show", "D-0001"), "the slowest units")
}

// TestExportDefusesFormulas: a cell of the CSV export that a spreadsheet
// would read as a formula (=, +, -, @, tab, CR first) starts with ' instead.
func TestExportDefusesFormulas(t *testing.T) {
	e := demoEnv(t)
	const title = `=HYPERLINK("http://evil","点我")`
	id := strings.TrimSpace(e.ok("report", "--node", "330784114266-02", "--category", "fire", "--severity", "IV", "--title", title))
	e.ok("note", id, "@SUM(1+1)")
	r := csv.NewReader(strings.NewReader(e.ok("timeline", "export", "--format", "csv")))
	recs, err := r.ReadAll()
	require.NoError(t, err)
	var titles, notes []string
	for _, rec := range recs[1:] {
		if rec[6] == id {
			titles = append(titles, rec[7])
			notes = append(notes, rec[15])
		}
	}
	require.Len(t, titles, 2, "the report and the note")
	assert.Equal(t, []string{"'" + title, "'" + title}, titles)
	assert.Equal(t, "'@SUM(1+1)", notes[1])
	var evs []map[string]any
	e.okJSON(&evs, "timeline", "export", "--format", "json")
	assert.Equal(t, title, evs[len(evs)-1]["incident_title"], "JSON is not a spreadsheet: the title as it is")
}
