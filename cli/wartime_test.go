package cli_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/demo"
	"gridcmd/store"
)

// lastEventSeq is the seq of the newest event in the log.
func (e *env) lastEventSeq() uint64 {
	e.t.Helper()
	db, err := store.Open(e.db, store.Options{Timeout: time.Second})
	require.NoError(e.t, err)
	defer db.Close()
	evs, err := db.Events(context.Background(), 0, 1)
	require.NoError(e.t, err)
	require.Len(e.t, evs, 1)
	return evs[0].Seq
}

func (e *env) wartimeStatus() wartimeStatusJSON {
	e.t.Helper()
	var st wartimeStatusJSON
	e.okJSON(&st, "wartime", "status", "--json")
	return st
}

// pipeStdin makes the process's stdin a pipe holding content (not a
// terminal) for the rest of the test.
func pipeStdin(t *testing.T, content string) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	_, err = w.WriteString(content)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	old := os.Stdin
	os.Stdin = r
	t.Cleanup(func() {
		os.Stdin = old
		r.Close()
	})
}

func gapCodes() []string {
	var out []string
	for _, g := range demo.Build(1).Gaps {
		out = append(out, string(g))
	}
	return out
}

var onLine = regexp.MustCompile(`^W-0001 wartime typhoon active since [0-9-]{10} [0-9:]{5}: 27 villages, 232 micro-grids \(226 staffed, 6 gaps\), [0-9]+ households\n$`)

func TestWartimeOnStatusOff(t *testing.T) {
	e := demoEnv(t)

	// Peacetime.
	assert.Equal(t, "peacetime: no wartime is active\n", e.ok("wartime", "status"))
	var raw map[string]any
	e.okJSON(&raw, "wartime", "status", "--json")
	assert.ElementsMatch(t, []string{"active", "micro_grids", "staffed", "gaps", "gap_units", "drafted_reserves", "roles", "towns"}, keys(raw))
	st := e.wartimeStatus()
	assert.False(t, st.Active)
	assert.NotNil(t, st.GapUnits)
	assert.NotNil(t, st.Drafted)

	out := e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--note", "台风", "--yes")
	assert.Regexp(t, onLine, out)

	e.okJSON(&raw, "wartime", "status", "--json")
	assert.ElementsMatch(t, []string{"active", "activation", "micro_grids", "staffed", "gaps", "gap_units",
		"drafted_reserves", "reason", "scope", "since", "roles", "towns"}, keys(raw))
	st = e.wartimeStatus()
	assert.True(t, st.Active)
	require.NotNil(t, st.Activation)
	assert.Equal(t, "W-0001", st.Activation.ID)
	assert.Equal(t, "台风", st.Activation.Note)
	assert.False(t, st.Activation.Drill)
	assert.Equal(t, "P1", st.Activation.By)
	assert.Equal(t, e.stats().Households, st.Activation.Households)
	assert.Equal(t, "typhoon", st.Reason)
	assert.Equal(t, []string{string(demo.Town)}, st.Scope)
	assert.Equal(t, st.Activation.Since, st.Since)
	assert.Equal(t, 232, st.MicroGrids)
	assert.Equal(t, 226, st.Staffed)
	assert.Equal(t, 6, st.Gaps)
	assert.Equal(t, gapCodes(), st.GapUnits)
	assert.Empty(t, st.Drafted)
	assert.Equal(t, 226, st.Roles["vanguard"]+st.Roles["responder"]+st.Roles["specialist"])

	table := e.ok("wartime", "status")
	assert.Contains(t, table, "232 in scope, 226 staffed, 6 gaps")
	assert.Contains(t, table, gapCodes()[0])

	// Every micro-grid worker is on duty in wartime.
	for _, p := range e.people("--role", "micro_grid_worker") {
		assert.True(t, p.OnDuty, p.Name)
	}

	fails(t, e.run("wartime", "on", "--reason", "flood", "--scope", "town", "--yes"), cli.ExitRefused, "W-0001 (typhoon) is already active")

	out = e.ok("wartime", "off", "--yes")
	assert.Contains(t, out, "W-0001 typhoon, scope 330784114:")
	assert.Contains(t, out, "incidents opened 0, resolved 0; person-times 0; reserves drafted 0")
	assert.Contains(t, out, "no directives")
	assert.False(t, e.wartimeStatus().Active)
	on := 0
	for _, p := range e.people("--role", "micro_grid_worker") {
		if p.OnDuty {
			on++
		}
	}
	assert.Less(t, on, 226, "the flags are back as they were")

	var x afterActionJSON
	e.okJSON(&x, "wartime", "report", "--json")
	assert.Equal(t, "W-0001", x.Activation.ID)
	assert.NotEmpty(t, x.Activation.Ended)
	assert.False(t, x.Running)
	assert.NotNil(t, x.Directives)
	e.okJSON(&x, "wartime", "report", "W-0001", "--json")
	assert.Equal(t, "W-0001", x.Activation.ID)

	// A drill, over two villages given either way.
	out = e.ok("wartime", "on", "--reason", "fire", "--scope", string(demo.Duxi)+",330784114200", "--drill", "--yes")
	assert.Contains(t, out, "W-0002 wartime fire (drill) active since")
	assert.Contains(t, out, ": 2 villages, ")
	st = e.wartimeStatus()
	assert.True(t, st.Activation.Drill)
	assert.Equal(t, []string{"330784114200", string(demo.Duxi)}, st.Scope)
	e.ok("wartime", "off", "--yes")
	e.ok("wartime", "on", "--reason", "other", "--scope", string(demo.Duxi), "330784114200", "--yes")
	assert.Equal(t, []string{"330784114200", string(demo.Duxi)}, e.wartimeStatus().Scope)
}

func TestWartimeRefusals(t *testing.T) {
	e := demoEnv(t)
	pipeStdin(t, "y\n") // not a terminal: even a "y" there confirms nothing

	fails(t, e.run("wartime", "off", "--yes"), cli.ExitRefused, "no wartime is active")
	fails(t, e.run("wartime", "report"), cli.ExitRefused, "no wartime has been activated yet")
	fails(t, e.run("wartime", "on", "--scope", "town", "--yes"), cli.ExitUsage, "missing --reason")
	fails(t, e.run("wartime", "on", "--reason", "storm", "--scope", "town", "--yes"), cli.ExitUsage, "reason \"storm\"")
	fails(t, e.run("wartime", "on", "--reason", "flood", "--yes"), cli.ExitUsage, "--scope: missing")
	fails(t, e.run("wartime", "on", "--reason", "flood", "--scope", "330784114999", "--yes"), cli.ExitRefused, "no node 330784114999")
	fails(t, e.run("wartime", "on", "--reason", "flood", "--scope", "330784114999"), cli.ExitRefused, "no node 330784114999")
	fails(t, e.run("wartime", "on", "--reason", "flood", "--scope", string(demo.ArticleGrid), "--yes"), cli.ExitUsage, "covers a town or villages")
	fails(t, e.run("--lang", "en", "wartime", "on", "--reason", "flood", "--scope", "town"), cli.ExitUsage,
		"wartime on: flood wartime over 花街镇 330784114 would cover 27 villages, 232 micro-grids (6 without a worker)",
		"stdin is not a terminal", "--yes")
	assert.False(t, e.wartimeStatus().Active, "refused without confirmation")
	fails(t, e.run("--lang", "en", "wartime", "on", "--reason", "flood", "--scope", "渎溪村"), cli.ExitUsage,
		"would cover 1 village, 11 micro-grids") // one village, not "1 villages"
	fails(t, e.run("wartime", "on", "--reason", "flood", "--scope", "渎溪村 02"), cli.ExitUsage,
		`node "渎溪村 02" is a grid (330784114266-02); this takes a`) // not "no node is named so; give its name (渎溪村 02)"
	fails(t, e.run("wartime", "bogus"), cli.ExitUsage, "unknown command \"bogus\"")

	fails(t, e.run("directive", "issue", "--to", "town", "--text", "x", "--deadline", "1h"), cli.ExitRefused, "no wartime is active")
	fails(t, e.run("reserve", "draft", "--person", "P279", "--micro-grid", "330784114200-01-03"), cli.ExitRefused, "no wartime is active")

	e.ok("wartime", "on", "--reason", "flood", "--scope", "town", "--yes")
	fails(t, e.run("--lang", "en", "wartime", "off"), cli.ExitUsage, "would end W-0001", "stdin is not a terminal")
	assert.True(t, e.wartimeStatus().Active)

	fails(t, e.run("directive", "issue", "--to", "town"), cli.ExitUsage, "missing --text, --deadline")
	fails(t, e.run("directive", "issue", "--to", "town", "--text", "x", "--deadline", "soon"), cli.ExitUsage, "--deadline")
	fails(t, e.run("directive", "issue", "--to", "330784114999", "--text", "x", "--deadline", "1h"), cli.ExitRefused, "no node 330784114999")
	fails(t, e.run("directive", "show", "D-0009"), cli.ExitRefused, "no directive D-0009")
	fails(t, e.run("directive", "show", "X"), cli.ExitUsage, "directive id \"X\"")
	fails(t, e.run("directive", "show"), cli.ExitUsage, "want one directive id")
	fails(t, e.run("directive", "ack", "D-0001"), cli.ExitUsage, "missing --unit")
	fails(t, e.run("directive", "ack", "D-0001", "--unit", "330784114266-01-01"), cli.ExitRefused, "no directive D-0001")
	fails(t, e.run("directive", "progress", "D-0001", "--unit", "330784114266-01-01"), cli.ExitUsage, "--done N --of M")
	fails(t, e.run("directive", "resend", "D-0001"), cli.ExitRefused, "no directive D-0001")
	fails(t, e.run("reserve", "draft", "--person", "P279"), cli.ExitUsage, "missing --micro-grid")
}

// TestWartimeAsksInTheLanguage: not at a terminal, wartime on and off
// refuse without --yes in the language of --lang, saying what they would
// have done and to pass --yes: in Chinese for zh (the reference config's),
// in English for en.
func TestWartimeAsksInTheLanguage(t *testing.T) {
	e := demoEnv(t)
	e.speak("zh") // the shipped config's language
	pipeStdin(t, "y\n")
	fails(t, e.run("--lang", "zh", "wartime", "on", "--reason", "flood", "--scope", "渎溪村", "--drill"), cli.ExitUsage,
		"wartime on: 启动防汛战时演练：渎溪村 330784114266 将覆盖 1 个村、11 个微网格（0 个没有网格员）",
		"；标准输入不是终端，未做任何操作：确认请加 --yes")
	fails(t, e.run("wartime", "on", "--reason", "flood", "--scope", "town"), cli.ExitUsage,
		"wartime on: 启动防汛战时：花街镇 330784114 将覆盖 27 个村、232 个微网格（6 个没有网格员）", "确认请加 --yes")
	fails(t, e.run("--lang", "en", "wartime", "on", "--reason", "flood", "--scope", "town"), cli.ExitUsage,
		"wartime on: flood wartime over 花街镇 330784114 would cover 27 villages, 232 micro-grids (6 without a worker)",
		"; stdin is not a terminal, so nothing was done: pass --yes to confirm")
	assert.False(t, e.wartimeStatus().Active)

	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	fails(t, e.run("--lang", "zh", "wartime", "off"), cli.ExitUsage,
		"wartime off: 将结束战时 W-0001（防台，范围 330784114，自 ", "起，已征调储备力量 0 人）；标准输入不是终端，未做任何操作：确认请加 --yes")
	fails(t, e.run("--lang", "en", "wartime", "off"), cli.ExitUsage,
		"wartime off: would end W-0001 (typhoon, scope 330784114, since ", "pass --yes to confirm")
	assert.True(t, e.wartimeStatus().Active)
}

func TestDirectiveCommands(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")

	// A dry run lists the receivers and the units with nobody on duty, and
	// stores nothing; nor do the other commands that only look.
	before := e.lastEventSeq()
	var dry directiveJSON
	e.okJSON(&dry, "directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h", "--dry-run", "--json")
	assert.True(t, dry.DryRun)
	assert.Equal(t, "D-0001", dry.ID)
	assert.Equal(t, 232, dry.Units)
	assert.Len(t, dry.UnitList, 232)
	assert.Equal(t, gapCodes(), dry.NobodyOnDuty)
	assert.NotEmpty(t, dry.UnitList[0].WorkerName)
	assert.Equal(t, before, e.lastEventSeq(), "a dry run stores nothing")
	text := e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h", "--dry-run")
	assert.Contains(t, text, "dry run, nothing stored: D-0001 would reach 232 micro-grids under 330784114")
	assert.Contains(t, text, "6 with nobody on duty: "+strings.Join(gapCodes(), ", "))
	e.ok("wartime", "status")
	e.ok("wartime", "status", "--json")
	e.ok("wartime", "report")
	fails(t, e.run("directive", "show", "D-0001"), cli.ExitRefused, "no directive D-0001")
	assert.Equal(t, before, e.lastEventSeq())

	var d directiveJSON
	e.okJSON(&d, "directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h", "--json")
	assert.False(t, d.DryRun)
	assert.Equal(t, "D-0001", d.ID)
	assert.Equal(t, 232, d.Units)
	assert.Len(t, d.UnitList, 232)
	assert.Equal(t, []string{string(demo.Town)}, d.Targets)
	assert.Len(t, d.Villages, 27)

	// Signing: by default the micro-grid's own worker.
	unit := "330784114266-02-01"
	worker := e.personAt(unit, "micro_grid_worker")
	out := e.ok("directive", "ack", "D-0001", "--unit", unit)
	assert.Regexp(t, `^D-0001 330784114266-02-01: signed for at [0-9:]{8} by \S+ \(`+worker+`\) \(\S+ after issue\)\n$`, out)
	out = e.ok("directive", "ack", "d-1", "--unit", unit, "--by", "P1")
	assert.Contains(t, out, "already signed for")
	assert.Contains(t, out, "("+worker+")", "the first signature stands")
	var u unitJSON
	e.okJSON(&u, "directive", "ack", "D-0001", "--unit", unit, "--json")
	assert.Equal(t, worker, u.SignedBy)
	assert.Equal(t, worker, u.Worker)
	fails(t, e.run("directive", "ack", "D-0001", "--unit", "330784114266-09-01"), cli.ExitRefused, "D-0001 was not sent to 330784114266-09-01")

	// (The unit has 69 households, the most --of may be.)
	assert.Equal(t, "D-0001 "+unit+": 63/69\n", e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "63", "--of", "69"))
	assert.Equal(t, "D-0001 "+unit+": 69/69, complete\n", e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "69", "--of", "69"))
	fails(t, e.run("directive", "progress", "D-0001", "--unit", unit, "--done", "80", "--of", "69"), cli.ExitUsage, "progress 80/69")
	fails(t, e.run("directive", "progress", "D-0001", "--unit", unit, "--done", "10", "--of", "69"), cli.ExitRefused, "already completed")
	// Progress signs for a unit too.
	e.ok("directive", "progress", "D-0001", "--unit", "330784114266-01-01", "--done", "5", "--of", "60")

	var show directiveJSON
	e.okJSON(&show, "directive", "show", "D-0001", "--json")
	assert.Equal(t, 232, show.Units)
	assert.Equal(t, 2, show.Signed)
	assert.Equal(t, 1, show.Done)
	assert.Len(t, show.UnitList, 232)
	assert.Len(t, show.Slowest, 10)
	assert.Empty(t, show.Slowest[0].SignedAt, "the silent come first")
	assert.GreaterOrEqual(t, show.SignWorstSeconds, show.SignMedianSeconds)
	var duxi villageJSON
	for _, v := range show.Villages {
		if v.Village == string(demo.Duxi) {
			duxi = v
		}
	}
	assert.Equal(t, villageJSON{Village: string(demo.Duxi), Name: "渎溪村", Units: 11, Signed: 2, Done: 1}, duxi)
	text = e.ok("directive", "show", "D-0001")
	assert.Contains(t, text, "signed 2/232, done 1/232, escalated 0; sign-for median")
	assert.Regexp(t, `(?m)^330784114266\s+渎溪村\s+2/11\s+1/11`, text)
	assert.Contains(t, text, "slowest")

	out = e.ok("directive", "resend", "D-0001")
	assert.Regexp(t, `^D-0001 resent to 230 micro-grids that have not signed: 330784114001-01-01, .* and 220 more\n$`, out)
	e.okJSON(&show, "directive", "show", "D-0001", "--json")
	for _, u := range show.UnitList {
		if u.SignedAt == "" {
			assert.Equal(t, 1, u.Resends, u.Unit)
		} else {
			assert.Zero(t, u.Resends, u.Unit)
		}
	}
	// A village cadre resends to the village's own silent units, by
	// default; the town room within a village it names; a village not the
	// cadre's is refused.
	cadre := e.personAt(string(demo.Duxi), "village_cadre")
	out = e.ok("directive", "resend", "D-0001", "--by", cadre)
	assert.Regexp(t, `^D-0001 resent to 9 micro-grids of 渎溪村 330784114266 that have not signed: 330784114266-\d\d-\d\d(, 330784114266-\d\d-\d\d){8}\n$`, out)
	out = e.ok("directive", "resend", "D-0001", "--within", "渎溪村")
	assert.Contains(t, out, "D-0001 resent to 9 micro-grids of 渎溪村 330784114266 that have not signed")
	fails(t, e.run("directive", "resend", "D-0001", "--by", cadre, "--within", "330784114200"), cli.ExitRefused,
		"may act only within 渎溪村 330784114266; 倪宅村 330784114200 is outside it")
	e.okJSON(&show, "directive", "show", "D-0001", "--json")
	for _, u := range show.UnitList {
		if u.SignedAt == "" && strings.HasPrefix(u.Unit, string(demo.Duxi)) {
			assert.Equal(t, 3, u.Resends, u.Unit)
		} else if u.SignedAt == "" {
			assert.Equal(t, 1, u.Resends, u.Unit)
		}
	}

	// A second directive to two villages.
	var d2 directiveJSON
	e.okJSON(&d2, "directive", "issue", "--to", string(demo.Duxi), "--to", "330784114200", "--text", "清点物资", "--deadline", "1h", "--json")
	assert.Equal(t, "D-0002", d2.ID)
	assert.Equal(t, 11+9, d2.Units)
	assert.Equal(t, "D-0002 did not go to any micro-grid of 大屋村 330784114223; nothing to resend\n",
		e.ok("directive", "resend", "D-0002", "--within", "大屋村"), "not 'all 0 have signed'")

	var x afterActionJSON
	e.okJSON(&x, "wartime", "report", "--json")
	assert.True(t, x.Running, "the running summary, as of now")
	require.Len(t, x.Directives, 2)
	assert.Equal(t, "D-0001", x.Directives[0].ID)
	assert.Equal(t, 2, x.Directives[0].Signed)
	assert.NotEmpty(t, x.Directives[0].IssuedAt)
	assert.Equal(t, 2, x.PersonTimes, "two workers on D-0001")

	out = e.ok("wartime", "off", "--yes")
	assert.Regexp(t, `(?m)^D-0001\s+2/232\s+1/232\s+`, out)
	fails(t, e.run("directive", "ack", "D-0001", "--unit", "330784114266-03-01"), cli.ExitRefused, "which ended")
}

func TestReserveDraft(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "epidemic", "--scope", "town", "--yes")
	gap := e.wartimeStatus().GapUnits[0] // 330784114200-01-03
	village := gap[:12]
	var reserve, other personJSON
	for _, p := range e.people("--role", "reserve", "--node", village) {
		if reserve.ID == "" {
			reserve = p
		}
	}
	for _, p := range e.people("--role", "reserve", "--node", string(demo.Duxi)) {
		other = p
	}
	require.NotEmpty(t, reserve.ID)
	assert.False(t, reserve.OnDuty)

	fails(t, e.run("reserve", "draft", "--person", other.ID, "--micro-grid", gap), cli.ExitRefused, "draft from the same grid, else the same village")
	fails(t, e.run("reserve", "draft", "--person", reserve.ID, "--micro-grid", string(demo.ArticleGrid)+"-01"), cli.ExitRefused, "already has a worker")

	out := e.ok("reserve", "draft", "--person", reserve.ID, "--micro-grid", gap)
	assert.Regexp(t, `^`+reserve.ID+` \S+ drafted into `+gap+` \(\S+ \d\d-\d\d\) as (vanguard|responder|specialist)\n$`, out) // the console's name, 倪宅村 01-03
	fails(t, e.run("reserve", "draft", "--person", reserve.ID, "--micro-grid", gap), cli.ExitRefused, "already drafted")

	st := e.wartimeStatus()
	assert.Equal(t, 227, st.Staffed)
	assert.Equal(t, 5, st.Gaps)
	require.Len(t, st.Drafted, 1)
	assert.Equal(t, reserve.ID, st.Drafted[0].Person)
	assert.Equal(t, reserve.Name, st.Drafted[0].Name)
	assert.Equal(t, gap, st.Drafted[0].MicroGrid)
	assert.Empty(t, st.Drafted[0].Released)
	for _, p := range e.people("--role", "reserve", "--node", village) {
		if p.ID == reserve.ID {
			assert.True(t, p.OnDuty)
		}
	}

	e.ok("wartime", "off", "--yes")
	var x afterActionJSON
	e.okJSON(&x, "wartime", "report", "W-0001", "--json")
	assert.Equal(t, 1, x.ReservesDrafted)
	for _, p := range e.people("--role", "reserve", "--node", village) {
		if p.ID == reserve.ID {
			assert.False(t, p.OnDuty, "released at the end")
		}
	}
	problems := e.ok("check")
	assert.Contains(t, problems, "ok")
}

// initCounty is the Huajie demo (its officer P1), then the Yongkang
// county's list around it with a county duty officer, whose id it returns.
func (e *env) initCounty() string {
	e.t.Helper()
	e.initDemo(1)
	e.ok("import", "villages", yongkang)
	roster := e.write("roster.csv", "name,phone,role,node,on_duty\n"+
		"县值班,13800000001,duty_officer,330784,yes\n")
	e.ok("import", "roster", roster)
	return e.personAt("330784", "duty_officer")
}

// TestWartimeAcrossTowns: in the Yongkang file a county officer puts the
// whole county into wartime with one command: one activation per town,
// listed before the question and after; status lists them; ending needs
// the id when several towns are in wartime; "town" is the operator's own.
func TestWartimeAcrossTowns(t *testing.T) {
	// The Huajie demo (its officer P1), then the county's list around it.
	e := newEnv(t)
	county := e.initCounty()

	out := e.ok("wartime", "on", "--reason", "flood", "--scope", "330784", "--yes", "--as", county)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 14, out)
	assert.Regexp(t, `^W-0001 wartime flood active since .*: 48 villages, 353 micro-grids`, lines[0], "东城街道 first")

	var st struct {
		Active bool `json:"active"`
		Towns  []struct {
			ID    string   `json:"id"`
			Scope []string `json:"scope"`
		} `json:"towns"`
	}
	e.okJSON(&st, "wartime", "status", "--json")
	assert.True(t, st.Active)
	require.Len(t, st.Towns, 14)
	assert.Equal(t, []string{"330784114"}, st.Towns[12].Scope)
	assert.Contains(t, e.ok("wartime", "status"), "W-0014")

	fails(t, e.run("wartime", "off", "--yes"), cli.ExitUsage, "14 towns are in wartime", "name the one to end")
	out = e.ok("wartime", "off", st.Towns[12].ID, "--yes", "--json")
	assert.Contains(t, out, `"scope": [`)
	var one struct {
		Active     bool `json:"active"`
		Activation struct {
			ID string `json:"id"`
		} `json:"activation"`
	}
	e.okJSON(&one, "wartime", "status", "--town", "330784114", "--json")
	assert.False(t, one.Active, "花街镇 is back in peacetime")
	e.okJSON(&one, "wartime", "status", "--town", "330784001", "--json")
	assert.Equal(t, "W-0001", one.Activation.ID)
	// By its name, whoever asks: --town is a town of the file, not a place
	// in the operator's own town.
	one.Activation.ID = ""
	e.okJSON(&one, "wartime", "status", "--town", "东城街道", "--json")
	assert.Equal(t, "W-0001", one.Activation.ID)

	// Again over the county: 东城街道 is still in wartime, so nothing is done.
	fails(t, e.run("wartime", "on", "--reason", "fire", "--scope", "330784", "--yes", "--as", county), cli.ExitRefused, "东城街道")

	// "town" is the operator's town: Huajie's officer activates Huajie, as
	// the demo made it (27 villages, 232 micro-grids: the county's list
	// generated nothing under villages that had a grid plan).
	out = e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes", "--as", "P1")
	assert.Regexp(t, `^W-0015 wartime typhoon active since .*: 27 villages, 232 micro-grids \(226 staffed, 6 gaps\)`, out)
	fails(t, e.run("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes", "--as", county), cli.ExitUsage, "holds 14 towns")
	e.ok("check")
}

// TestNamesWithinTheSeat: in the Yongkang file a name is looked up where
// the person acting sits (model.SeatOf), as "town" is: Huajie's officer
// names Huajie's villages and not 东城街道's; the county's officer names
// any town or village of the county.
func TestNamesWithinTheSeat(t *testing.T) {
	e := newEnv(t)
	county := e.initCounty()

	fails(t, e.run("wartime", "on", "--reason", "flood", "--scope", "园丁社区居委会", "--yes", "--as", "P1"),
		cli.ExitUsage, "园丁社区居委会", "in 花街镇")
	out := e.ok("wartime", "on", "--reason", "flood", "--scope", "园丁社区居委会", "--yes", "--as", county)
	assert.Regexp(t, `^W-0001 wartime flood active since .*: 1 village, 5 micro-grids \(0 staffed, 5 gaps\)`, out)
	out = e.ok("wartime", "on", "--reason", "typhoon", "--scope", "花街镇", "--yes", "--as", county)
	assert.Regexp(t, `^W-0002 wartime typhoon active since .*: 27 villages, 232 micro-grids`, out)
	e.ok("directive", "issue", "--to", "渎溪村", "--text", "逐户核查人员去向", "--deadline", "2h", "--as", "P1")
	e.ok("check")
}

// directive progress --note goes through a running server too: the local
// API carries the note, and the server applies the same bounds.
func TestProgressNoteThroughAServer(t *testing.T) {
	e := demoEnv(t)
	srv := e.startServer()
	defer srv.kill()
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")
	const unit = "330784114266-02-01" // 69 households
	assert.Equal(t, "D-0001 "+unit+": 40/69\n", e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "40", "--of", "69"))
	fails(t, e.run("directive", "progress", "D-0001", "--unit", unit, "--done", "30", "--of", "69"), cli.ExitRefused,
		"a lower figure needs a note saying why")
	assert.Equal(t, "D-0001 "+unit+": 30/69\n",
		e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "30", "--of", "69", "--note", "复核：10 户重复登记"))
}

// TestDirectiveTargetsEachExist: a target under another given with it (a
// micro-grid of a village also named) must exist as when given alone, dry
// run or not: it is not absorbed by its village.
func TestDirectiveTargetsEachExist(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	before := e.lastEventSeq()
	for _, to := range []string{"330784114266-99", "渎溪村，330784114266-99", "town,330784114266-01-09", "330784114266-01-09,渎溪村"} {
		for _, dry := range []string{"--dry-run", "--json"} {
			fails(t, e.run("directive", "issue", "--to", to, "--text", "x", "--deadline", "2h", dry), cli.ExitRefused, "to: no node 330784114266-")
		}
	}
	assert.Equal(t, before, e.lastEventSeq(), "nothing issued")
	e.ok("directive", "issue", "--to", "渎溪村，330784114266-01-01", "--text", "x", "--deadline", "2h", "--dry-run")
}

// TestDirectiveRefusalsNameTheNodes: a directive to a place outside the
// wartime's scope is refused naming the place and the scope as the console
// names them, with their codes (a review saw "330784114223 is outside the
// wartime scope (330784114266)" for --to '渎溪村,,大屋村'); so is a
// reserve drafted outside it.
func TestDirectiveRefusalsNameTheNodes(t *testing.T) {
	e := demoEnv(t)
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "渎溪村", "--yes")
	fails(t, e.run("directive", "issue", "--to", "渎溪村,,大屋村", "--text", "逐户核查", "--deadline", "2h"), cli.ExitRefused,
		"to: 大屋村 330784114223 is outside the wartime scope (渎溪村 330784114266)")
	fails(t, e.run("directive", "issue", "--to", "大屋村 01", "--text", "逐户核查", "--deadline", "2h", "--dry-run"), cli.ExitRefused,
		"to: 大屋村 01 330784114223-01 is outside the wartime scope (渎溪村 330784114266)")
}
