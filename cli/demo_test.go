package cli_test

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/demo"
)

func TestInitDemoFigures(t *testing.T) {
	e := newEnv(t)
	out := e.ok("init", "--demo", "--at", demoAt)
	assert.Contains(t, out, e.db)
	assert.Contains(t, out, "40 incidents")

	s := e.stats()
	assert.Equal(t, 1, s.Towns)
	assert.Equal(t, 27, s.Villages)
	assert.Equal(t, 82, s.Grids)
	assert.Equal(t, 232, s.MicroGrids)
	assert.Positive(t, s.HouseholdUnits)
	assert.Positive(t, s.Households)
	assert.Equal(t, 1035, s.People.GridStaff)
	assert.Equal(t, 226, s.People.MicroGridWorkers)
	assert.Equal(t, 13, s.People.Patrollers)
	assert.Equal(t, 6, s.People.DutyOfficers)
	assert.Positive(t, s.People.Reserves)
	assert.Equal(t, 40, s.Incidents.Total)
	assert.Positive(t, s.Incidents.Open)
	assert.LessOrEqual(t, s.Incidents.Overdue, s.Incidents.Open)

	// The text table carries the same figures.
	table := e.ok("stats")
	assert.Regexp(t, `(?m)^grids\s+82$`, table)
	assert.Regexp(t, `(?m)^  grid staff\s+1035$`, table)
}

func TestStatsJSONShape(t *testing.T) {
	e := demoEnv(t)
	var m map[string]any
	e.okJSON(&m, "stats", "--json")
	assert.ElementsMatch(t, []string{"provinces", "cities", "counties", "towns", "villages", "grids", "micro_grids", "household_units", "households", "people", "incidents"}, keys(m))
	require.IsType(t, map[string]any{}, m["people"])
	assert.ElementsMatch(t, []string{"total", "grid_staff", "micro_grid_workers", "reserves", "patrollers", "duty_officers"}, keys(m["people"].(map[string]any)))
	require.IsType(t, map[string]any{}, m["incidents"])
	assert.ElementsMatch(t, []string{"total", "open", "overdue", "escalations_last_hour", "pass_on_p50_seconds", "pass_on_reports"},
		keys(m["incidents"].(map[string]any)))
	for k, v := range m {
		if k != "people" && k != "incidents" {
			assert.IsType(t, float64(0), v, k)
		}
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestInitRefusesADatabaseWithData(t *testing.T) {
	e := demoEnv(t)
	before := e.stats()
	people := e.ok("people", "--json")

	for _, args := range [][]string{
		{"init", "--demo", "--at", demoAt},
		{"init", "--demo", "--seed", "2"},
		{"init"},
	} {
		r := e.run(args...)
		fails(t, r, cli.ExitUsage, e.db, "already holds data", "nothing was changed")
	}
	assert.Equal(t, before, e.stats())
	assert.Equal(t, people, e.ok("people", "--json"), "the roster changed")
}

func TestInitEmptyThenDemo(t *testing.T) {
	e := newEnv(t)
	out := e.ok("init")
	assert.Contains(t, out, "created "+e.db+" (empty)")
	assert.FileExists(t, e.db)
	s := e.stats()
	assert.Zero(t, s.Towns+s.Villages+s.People.Total+s.Incidents.Total)
	assert.Contains(t, e.ok("init"), "exists and is empty")

	// An empty file may still take the demo.
	out = e.ok("init", "--demo", "--at", demoAt)
	assert.Contains(t, out, "filled "+e.db)
	assert.Equal(t, 27, e.stats().Villages)
}

func TestInitBadAt(t *testing.T) {
	e := newEnv(t)
	fails(t, e.run("init", "--demo", "--at", "yesterday"), cli.ExitUsage, "--at", "RFC 3339")
	assert.NoFileExists(t, e.db)
	fails(t, e.run("init", "--demo", "--seed", "x"), cli.ExitUsage, "--seed")
}

func TestDemoIsDeterministic(t *testing.T) {
	a, b, c := newEnv(t), newEnv(t), newEnv(t)
	a.initDemo(1)
	b.initDemo(1)
	c.initDemo(2)

	towerA, towerB := a.ok("tower", "--json", "--depth", "-1"), b.ok("tower", "--json", "--depth", "-1")
	assert.Equal(t, towerA, towerB, "tower --json of the same seed differs")
	assert.Equal(t, a.ok("tower", "--json"), b.ok("tower", "--json"))
	peopleA, peopleB := a.ok("people", "--json"), b.ok("people", "--json")
	assert.Equal(t, peopleA, peopleB, "people --json of the same seed differs")

	// Another seed: the same figures, other names (and other household
	// counts, hence another number of contact persons).
	assert.NotEqual(t, peopleA, c.ok("people", "--json"))
	la, lc := a.people("--role", "grid_leader"), c.people("--role", "grid_leader")
	require.Len(t, la, 82)
	require.Len(t, lc, 82)
	differ := 0
	for i := range la {
		assert.Equal(t, la[i].Node, lc[i].Node)
		if la[i].Name != lc[i].Name {
			differ++
		}
	}
	assert.Greater(t, differ, 41, "seed 2 should give the grid leaders mostly other names")
	sa, sc := a.stats(), c.stats()
	sa.People.Total, sc.People.Total = 0, 0
	sa.HouseholdUnits, sc.HouseholdUnits, sa.Households, sc.Households = 0, 0, 0, 0
	sa.Incidents.Overdue, sc.Incidents.Overdue = 0, 0
	assert.Equal(t, sa, sc, "another seed, the same figures")
}

func TestTower(t *testing.T) {
	e := demoEnv(t)

	var top []*towerJSON
	e.okJSON(&top, "tower", "--json")
	require.Len(t, top, 1)
	town := top[0]
	assert.Equal(t, string(demo.Town), town.Code)
	assert.Equal(t, "花街镇", town.Name)
	assert.Equal(t, "town", town.Level)
	require.Len(t, town.Children, 27, "--depth 1 by default: the villages")
	for _, v := range town.Children {
		assert.Equal(t, "village", v.Level)
		assert.Empty(t, v.Children, "--depth 1 shows no grids")
	}
	staff := 0
	for _, v := range town.Children {
		staff += v.Staff
	}
	assert.Equal(t, 1035+226, town.Staff, "grid staff and micro-grid workers")
	assert.Equal(t, town.Staff, staff, "the town's staff is its villages' sum")

	var duxi []*towerJSON
	e.okJSON(&duxi, "tower", string(demo.Duxi), "--depth", "-1", "--json")
	require.Len(t, duxi, 1)
	assert.Equal(t, "渎溪村", duxi[0].Name)
	require.Len(t, duxi[0].Children, 4, "渎溪村 has a 4th grid")
	g := duxi[0].Children[1]
	assert.Equal(t, string(demo.ArticleGrid), g.Code)
	assert.NotEmpty(t, g.Children)
	assert.Equal(t, "micro_grid", g.Children[0].Level)
	assert.NotEmpty(t, g.Children[0].Children, "household units at --depth -1")

	var only []*towerJSON
	e.okJSON(&only, "tower", string(demo.ArticleGrid), "--depth", "0", "--json")
	require.Len(t, only, 1)
	assert.Empty(t, only[0].Children)

	text := e.ok("tower", string(demo.Duxi))
	assert.Contains(t, text, "渎溪村")
	assert.Contains(t, text, string(demo.ArticleGrid))
	assert.Regexp(t, `^node\s+code\s+level`, text)

	fails(t, e.run("tower", "330784114999"), cli.ExitRefused, "330784114999")
	fails(t, e.run("tower", "not-a-code"), cli.ExitUsage, "not-a-code")
	fails(t, e.run("tower", string(demo.Duxi), string(demo.Town)), cli.ExitUsage, "tower")
	fails(t, e.run("tower", "--depth", "x"), cli.ExitUsage, "--depth", "gridcmd tower --help")
	// -1 is every level (the flag's help says so); a depth below it is a
	// mistake, not every level too.
	fails(t, e.run("tower", "--depth", "-2"), cli.ExitUsage, "--depth -2", "-1 for all")
	fails(t, e.run("tower", string(demo.Duxi), "--depth", "-30", "--json"), cli.ExitUsage, "--depth -30")
}

func TestPeople(t *testing.T) {
	e := demoEnv(t)

	officers := e.people("--role", "duty_officer")
	require.Len(t, officers, 6)
	onDuty := 0
	for _, p := range officers {
		assert.Equal(t, []string{"duty_officer"}, p.Roles)
		assert.Equal(t, string(demo.Town), p.Node)
		assert.Regexp(t, `^P[0-9]+$`, p.ID)
		if p.OnDuty {
			onDuty++
		}
	}
	assert.Equal(t, 2, onDuty)
	assert.Equal(t, officers, e.people("--role", "值班员"), "a role by its Chinese name")
	assert.Len(t, e.people("--role", "patroller"), 13)

	// A node's subtree: the article's grid and what lies beneath it.
	sub := e.people("--node", string(demo.ArticleGrid))
	require.NotEmpty(t, sub)
	leaders := 0
	for _, p := range sub {
		assert.True(t, p.Node == string(demo.ArticleGrid) || strings.HasPrefix(p.Node, string(demo.ArticleGrid)+"-"), p.Node)
		assert.NotEmpty(t, p.NodeName)
		for _, r := range p.Roles {
			if r == "grid_leader" {
				leaders++
			}
		}
	}
	assert.Equal(t, 1, leaders)
	leader := e.people("--node", string(demo.ArticleGrid), "--role", "grid_leader")
	require.Len(t, leader, 1)
	assert.Equal(t, "渎溪村 02", leader[0].NodeName, "the console's name")
	assert.Len(t, e.people("--node", string(demo.Duxi), "--role", "grid_leader"), 4)

	text := e.ok("people", "--role", "duty_officer")
	assert.Regexp(t, `^id\s+name\s+roles`, text)
	assert.Contains(t, text, "on duty")

	fails(t, e.run("people", "--role", "captain"), cli.ExitUsage, `role "captain"`)
	fails(t, e.run("people", "--node", "330784114999"), cli.ExitRefused, "330784114999")
	fails(t, e.run("people", "--node", "xyz"), cli.ExitUsage, "xyz")
	fails(t, e.run("people", "extra"), cli.ExitUsage, "extra")
}

func TestNoDatabaseYet(t *testing.T) {
	e := newEnv(t)
	for _, args := range [][]string{{"stats"}, {"tower"}, {"people"}, {"incidents"}, {"show", "HJ-20261129-0001"}, {"check"}, {"import", "roster", "x.csv"}} {
		r := e.run(args...)
		fails(t, r, cli.ExitUsage, "no database at "+e.db, "gridcmd init --demo", "gridcmd import villages")
	}
	assert.NoFileExists(t, e.db, "reading must not create the database")
}

// init --demo builds beside the target and renames: nothing else is left
// in the folder, and the target is only there once complete.
func TestInitDemoLeavesNoTempFile(t *testing.T) {
	e := demoEnv(t)
	entries, err := os.ReadDir(e.dir)
	require.NoError(t, err)
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	assert.Equal(t, []string{"gridcmd.db"}, names)
}

// The demo's loading line is in the console's language: Chinese by
// default, English with --lang en. (No terminal here: once loaded, the
// console cannot open, and the demo ends with that.)
func TestDemoLoadingLineFollowsTheLanguage(t *testing.T) {
	newEnv(t) // no config: the defaults
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--feed=false"}, "gridcmd demo：正在加载花街镇演示数据及此前数周的记录…"},
		{[]string{"--lang", "en", "demo", "--feed=false"}, "gridcmd demo: loading the Huajie demo and the weeks before it…"},
	} {
		r, _ := runBinary(t, time.Minute, c.args...)
		first, _, _ := strings.Cut(r.err, "\n")
		assert.Equal(t, c.want, first, "%s", r)
	}
}
