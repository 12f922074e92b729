package cli_test

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"gridcmd/cli"
	"gridcmd/model"
)

type pointsOut struct {
	Month      string `json:"month"`
	Indicators []struct {
		Key    string `json:"key"`
		Zh     string `json:"zh"`
		Points int    `json:"points"`
	} `json:"indicators"`
	People []cli.PersonPointsJSON `json:"people"`
	Grids  []struct {
		Node        string  `json:"node"`
		Name        string  `json:"name"`
		Total       int     `json:"total"`
		Leader      int     `json:"leader"`
		Workers     int     `json:"workers"`
		LeaderShare float64 `json:"leader_share"`
		Previous    int     `json:"previous"`
		Trend       int     `json:"trend"`
	} `json:"grids"`
	MicroGrids []map[string]any `json:"micro_grids"`
	Villages   []map[string]any `json:"villages"`
}

func (e *env) points(args ...string) pointsOut {
	e.t.Helper()
	var p pointsOut
	e.okJSON(&p, append([]string{"points", "--json"}, args...)...)
	return p
}

func (p pointsOut) of(id string) (total, balance int, by map[string]int) {
	for _, x := range p.People {
		if x.Person == id {
			return x.Total, x.Balance, x.Points
		}
	}
	return 0, 0, nil
}

// TestPointsCommands: the ranking, manual entries by a person with the
// right, a redemption never below zero, rebuild, check, the scorecards.
func TestPointsCommands(t *testing.T) {
	e := demoEnv(t)
	p := e.points("--month", "2026-11")
	assert.Equal(t, "2026-11", p.Month)
	require.Len(t, p.Indicators, 10)
	require.NotEmpty(t, p.People)
	assert.Equal(t, 1, p.People[0].Rank)
	assert.GreaterOrEqual(t, p.People[0].Total, p.People[len(p.People)-1].Total)
	assert.Len(t, p.Villages, 27)
	// A grid's split is always there, a leader's 0 too; a micro-grid has none.
	var raw struct {
		Grids      []map[string]any `json:"grids"`
		MicroGrids []map[string]any `json:"micro_grids"`
	}
	e.okJSON(&raw, "points", "--json", "--month", "2026-11")
	require.NotEmpty(t, raw.Grids)
	zero := 0
	for _, g := range raw.Grids {
		for _, k := range []string{"leader", "workers", "leader_share"} {
			assert.Contains(t, g, k, g["node"])
		}
		if g["leader"] == 0.0 {
			zero++
		}
	}
	assert.Positive(t, zero, "a grid whose leader earned nothing this month")
	require.NotEmpty(t, raw.MicroGrids)
	for _, g := range raw.MicroGrids {
		assert.NotContains(t, g, "leader")
	}

	worker := e.personAt("330784114266-02", "grid_worker_ft")
	cadre := e.personAt("330784114266", "village_cadre")
	_, before, _ := p.of(worker)
	decBefore, _, _ := e.points("--month", "2026-12").of(worker) // the real clock's month, whatever its clocks did

	var ev struct {
		Action  string `json:"action"`
		Actor   string `json:"actor"`
		Subject string `json:"subject"`
		Points  int    `json:"points"`
		Note    string `json:"note"`
	}
	e.okJSON(&ev, "points", "grant", "--person", worker, "--points", "25", "--reason", "网格协商周 议事记录整理", "--by", cadre, "--json")
	assert.Equal(t, "points_grant", ev.Action)
	assert.Equal(t, cadre, ev.Actor)
	assert.Equal(t, worker, ev.Subject)
	assert.Equal(t, 25, ev.Points)
	out := e.ok("points", "deduct", "--person", worker, "--points", "3", "--reason", "台账未按时更新", "--by", cadre)
	assert.Contains(t, out, "points_deduct")
	assert.Contains(t, out, "-3")

	// Who may not, and what is not a grant.
	leader := e.personAt("330784114266-02", "grid_leader")
	fails(t, e.run("points", "grant", "--person", worker, "--points", "5", "--reason", "x", "--by", leader), cli.ExitRefused, "only a duty officer")
	fails(t, e.run("points", "grant", "--person", worker, "--points", "5", "--reason", "x", "--by", worker), cli.ExitRefused, "their own points")
	fails(t, e.run("points", "grant", "--person", worker, "--points", "500", "--reason", "x", "--by", cadre), cli.ExitUsage, "points 500")
	fails(t, e.run("points", "deduct", "--person", worker, "--points", "-3", "--reason", "x"), cli.ExitUsage, "--points -3")
	fails(t, e.run("points", "grant", "--person", worker), cli.ExitUsage, "--points", "--reason")
	fails(t, e.run("points", "--month", "2026-13"), cli.ExitUsage, "--month", "2026-13")
	fails(t, e.run("points", "--node", "330784114266-99"), cli.ExitRefused, "no node")

	p = e.points("--month", "2026-12", "--node", "330784114266-02")
	total, balance, by := p.of(worker)
	assert.Equal(t, decBefore+22, total, "this month (December, the real clock's): the grant and the deduction")
	assert.Equal(t, decBefore+22+before, balance)
	assert.Equal(t, 22, by["manual"])
	for _, x := range p.People {
		assert.True(t, strings.HasPrefix(x.Node, "330784114266-02"), x.Node)
	}

	// Redeeming consumes the threshold, and never goes below zero.
	var red struct {
		Benefit string `json:"benefit"`
		Points  int    `json:"points"`
		Balance int    `json:"balance"`
	}
	e.okJSON(&red, "points", "redeem", "--person", worker, "--benefit", "dining", "--by", cadre, "--json")
	assert.Equal(t, "dining", red.Benefit)
	assert.Equal(t, 20, red.Points)
	assert.Equal(t, balance-20, red.Balance)
	fails(t, e.run("points", "redeem", "--person", worker, "--benefit", "education", "--by", cadre), cli.ExitRefused, "education needs 80")
	fails(t, e.run("points", "redeem", "--person", worker, "--benefit", "spa", "--by", cadre), cli.ExitUsage, "--benefit", "dining")
	_, balance, _ = e.points("--month", "2026-12").of(worker)
	assert.Equal(t, red.Balance, balance)

	// The text ranking names the indicators and the teams.
	text := e.ok("--lang", "zh", "points", "--month", "2026-12", "--node", "330784114266")
	assert.Contains(t, text, "信息采集")
	assert.Contains(t, text, "grid teams")
	assert.Contains(t, text, "leader share")
	assert.Regexp(t, `(?m)^1\s+`+worker+`\s`, text)

	assert.Contains(t, e.ok("points", "rebuild"), "0 changed")
	assert.Contains(t, e.ok("check"), ": ok")

	// Scorecards: the JSON carries the counts, the rates, the index and the grade.
	var cards struct {
		Month      string           `json:"month"`
		Role       string           `json:"role"`
		Scorecards []map[string]any `json:"scorecards"`
	}
	e.okJSON(&cards, "scorecard", "--role", "grid_leader", "--month", "2026-11", "--json")
	assert.Equal(t, "grid_leader", cards.Role)
	require.Len(t, cards.Scorecards, 82)
	first := cards.Scorecards[0]
	for _, k := range []string{"person", "name", "node", "arrived", "pending", "passed_on_time", "red", "pass_on_rate", "not_red_rate", "index", "grade", "grade_zh"} {
		assert.Contains(t, first, k)
	}
	assert.Contains(t, e.ok("scorecard", "--role", "网格员", "--month", "2026-11"), "valid_rate")
	assert.Contains(t, e.ok("scorecard", "--role", "village", "--month", "2026-11"), "resolve_rate")
	fails(t, e.run("scorecard", "--role", "mayor"), cli.ExitUsage, "--role", "grid_worker, grid_leader or village")
	fails(t, e.run("scorecard"), cli.ExitUsage, "--role")
}

// TestInvalidCommand closes an open report as invalid, with a note.
func TestInvalidCommand(t *testing.T) {
	e := demoEnv(t)
	var incs []incidentJSON
	e.okJSON(&incs, "incidents", "--json", "--status", "reported")
	require.NotEmpty(t, incs)
	id := incs[0].ID
	fails(t, e.run("invalid", id), cli.ExitRefused, "needs a note")
	var inc incidentJSON
	e.okJSON(&inc, "invalid", id, "--note", "重复上报", "--json")
	assert.Equal(t, "closed", inc.Status)
	assert.Empty(t, inc.ResolvedAt)
}

// TestStatementReadsBack writes the month's statement as XLSX and CSV on
// the demo with its history and reads the cells back: the summary, one
// sheet per village with its people and their points by indicator, the
// benefits they may redeem and the signatures line.
func TestStatementReadsBack(t *testing.T) {
	e := newEnv(t)
	e.ok("init", "--demo", "--history", "--at", demoAt)
	p := e.points("--month", "2026-11")
	require.NotEmpty(t, p.People)

	xlsx := e.path("2026-11.xlsx")
	out := e.ok("--lang", "zh", "points", "statement", "--month", "2026-11", "--out", xlsx)
	assert.Contains(t, out, "29 sheets (the summary, 27 villages and the town)")

	f, err := excelize.OpenFile(xlsx)
	require.NoError(t, err)
	defer f.Close()
	sheets := f.GetSheetList()
	require.Len(t, sheets, 29, "the summary, 27 villages, the town")
	assert.Equal(t, "汇总", sheets[0])
	assert.Contains(t, sheets, "渎溪村")
	assert.Contains(t, sheets, "花街镇")

	summary, err := f.GetRows("汇总")
	require.NoError(t, err)
	assert.Equal(t, "花街镇 2026年11月 网格积分公示", summary[0][0])
	assert.Equal(t, []string{"村社", "代码", "人数", "本月积分", "上月积分", "环比"}, summary[1])
	assert.Len(t, summary, 2+27)

	rows, err := f.GetRows("渎溪村")
	require.NoError(t, err)
	assert.Equal(t, "花街镇 渎溪村 2026年11月 网格积分公示", rows[0][0])
	header := rows[1]
	assert.Equal(t, []string{"排名", "编号", "姓名", "所在网格", "角色"}, header[:5])
	for _, name := range []string{"信息采集", "隐患排查", "按时签收", "矛盾调处", "巡护", "战时签收", "战时进度", "清村扫楼", "志愿服务", "督办扣分"} {
		assert.Contains(t, header, name)
	}
	assert.Equal(t, []string{"本月积分", "本月兑换", "积分余额", "可兑换福利"}, header[len(header)-4:])
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	// Every person of the sheet is of Duxi and matches the ledger.
	people := 0
	for _, r := range rows[2:] {
		if len(r) < 2 || !strings.HasPrefix(r[1], "P") {
			break // excelize leaves out a row's empty cells at its end
		}
		for len(r) < len(header) {
			r = append(r, "")
		}
		people++
		total, balance, _ := p.of(r[1])
		assert.Equal(t, total, atoi(t, r[col("本月积分")]), r[2])
		assert.Equal(t, balance, atoi(t, r[col("积分余额")]), r[2])
		assert.Contains(t, r[3], "渎溪村")
		if balance >= 20 {
			assert.Contains(t, r[col("可兑换福利")], "助餐")
		}
	}
	assert.Greater(t, people, 40, "Duxi's grid staff, cadres and reserves")
	var teams, signature bool
	for _, r := range rows {
		if len(r) > 0 && r[0] == "网格团队" {
			teams = true
			assert.Contains(t, r, "网格长占比")
		}
		if len(r) > 0 && strings.HasPrefix(r[0], "网格长签字") {
			signature = true
		}
	}
	assert.True(t, teams, "the grid teams of the village")
	assert.True(t, signature, "the signatures line")
	town, err := f.GetRows("花街镇")
	require.NoError(t, err)
	assert.Equal(t, "花街镇（镇级） 2026年11月 网格积分公示", town[0][0])
	assert.True(t, strings.HasPrefix(town[len(town)-1][0], "经办人签字"), "the town signs as the town, not as a village: %q", town[len(town)-1][0])

	// The same as CSV, and an existing file only with --force.
	csvPath := e.path("2026-11.csv")
	e.ok("--lang", "zh", "points", "statement", "--month", "2026-11", "--out", csvPath)
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "\ufeff"), "a byte-order mark for Excel")
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	assert.Equal(t, summary[0][0], recs[0][0])
	found := false
	for _, rec := range recs {
		if rec[0] == rows[0][0] {
			found = true
		}
	}
	assert.True(t, found, "Duxi's sheet in the CSV")
	fails(t, e.run("points", "statement", "--month", "2026-11", "--out", csvPath), cli.ExitUsage, "exists", "--force")
	e.ok("points", "statement", "--month", "2026-11", "--out", csvPath, "--force")
	fails(t, e.run("points", "statement", "--month", "2026-11", "--out", e.path("x.pdf")), cli.ExitUsage, ".xlsx or .csv")
	require.NoError(t, os.Mkdir(e.path("dir.xlsx"), 0o700))
	fails(t, e.run("points", "statement", "--month", "2026-11", "--out", e.path("dir.xlsx")), cli.ExitUsage, "not a regular file")
	fails(t, e.run("points", "statement", "--out", xlsx), cli.ExitUsage, "--month")

	// In English, the same sheets with English headers.
	en := e.path("en.xlsx")
	e.ok("--lang", "en", "points", "statement", "--month", "2026-11", "--out", en)
	g, err := excelize.OpenFile(en)
	require.NoError(t, err)
	defer g.Close()
	assert.Equal(t, "Summary", g.GetSheetList()[0])
	erows, err := g.GetRows("渎溪村")
	require.NoError(t, err)
	assert.Equal(t, "rank", erows[1][0])
	assert.Contains(t, erows[1], "information collection")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	neg := strings.HasPrefix(s, "-")
	for _, c := range strings.TrimPrefix(s, "-") {
		require.True(t, c >= '0' && c <= '9', "%q is not a number", s)
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// countyEnv is a county file (Yongkang's villages) with duty officers in
// two towns and the county: P1 the county's, P2 花街镇's, P3 花街镇's
// patroller, P4 东城街道's, P5 a cadre of 渎溪村 (花街镇), P6 a cadre of
// 园丁社区 (东城街道).
func countyEnv(t *testing.T) *env {
	e := newEnv(t)
	e.ok("init")
	e.ok("import", "villages", "../data/yongkang-villages.csv")
	e.ok("import", "roster", e.write("roster.csv", "name,phone,role,node,reserve_kind,on_duty\n"+
		"县值班,13800000001,duty_officer,330784,,yes\n"+
		"花街值班,13800000002,duty_officer,330784114,,yes\n"+
		"花街巡护,13800000003,patroller,330784114,,no\n"+
		"东城值班,13800000004,duty_officer,330784001,,yes\n"+
		"渎溪村干,13800000005,village_cadre,330784114266,,no\n"+
		"园丁村干,13800000006,village_cadre,330784001001,,no\n"))
	return e
}

// csvRecords reads a statement written as CSV.
func csvRecords(t *testing.T, path string) [][]string {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	return recs
}

// On a county file the statement is the town of the person acting, every
// person of it included; a county officer names the town (a QA: the
// statement was titled 东城街道, the file's first town, filed 渎溪村 under
// it and left out 花街镇's patroller).
func TestStatementIsTheOperatorsTown(t *testing.T) {
	e := countyEnv(t)
	month := e.points().Month
	out := e.path("huajie.csv")
	said := e.ok("--lang", "zh", "--as", "P2", "points", "statement", "--month", month, "--out", out)
	assert.Contains(t, said, "2 people", "the patroller and 渎溪村's cadre (a duty officer without points is not listed)")
	recs := csvRecords(t, out)
	assert.True(t, strings.HasPrefix(recs[0][0], "花街镇 "), recs[0][0])
	var ids, titles []string
	for _, r := range recs {
		if len(r) > 1 && strings.HasPrefix(r[1], "P") {
			ids = append(ids, r[1])
		}
		if len(r) == 1 && strings.Contains(r[0], "网格积分公示") {
			titles = append(titles, r[0])
		}
	}
	assert.ElementsMatch(t, []string{"P3", "P5"}, ids)
	assert.Contains(t, titles, "花街镇 渎溪村 "+strings.TrimPrefix(recs[0][0], "花街镇 "))
	for _, r := range recs[2:] {
		if len(r) > 1 && strings.HasPrefix(r[1], "3307") {
			assert.True(t, strings.HasPrefix(r[1], "330784114"), "the summary lists 花街镇's villages only: %v", r)
		}
	}

	// 东城街道's officer gets 东城街道's.
	e.ok("--as", "P4", "points", "statement", "--month", month, "--out", e.path("dongcheng.csv"))
	assert.True(t, strings.HasPrefix(csvRecords(t, e.path("dongcheng.csv"))[0][0], "东城街道 "))

	// The county's officer names the town, one of the county's.
	fails(t, e.run("--as", "P1", "points", "statement", "--month", month, "--out", e.path("county.csv")), cli.ExitUsage, "--town")
	e.ok("--as", "P1", "points", "statement", "--month", month, "--out", e.path("county.csv"), "--town", "花街镇")
	assert.True(t, strings.HasPrefix(csvRecords(t, e.path("county.csv"))[0][0], "花街镇 "))
	fails(t, e.run("--as", "P4", "points", "statement", "--month", month, "--out", e.path("x.csv"), "--town", "330784114"), cli.ExitUsage, "--town")
}

// A month before the first the ledger keeps and one still to come get one
// plain refusal, naming the month typed (a QA: 'points --month 2000-01'
// refused naming 1999-12 in internal words; 'points statement --month
// 2027-05' wrote a posted statement of a month to come).
func TestPointsMonthsOutsideTheLedger(t *testing.T) {
	e := demoEnv(t)
	assert.Equal(t, "2000-01", e.points("--month", "2000-01").Month, "the first month the ledger keeps")
	cur, err := model.ParseMonth(e.points().Month)
	require.NoError(t, err)
	for _, month := range []string{"1999-12", cur.Next().String(), "2999-05"} {
		want := "--month: month " + month + ": the points run from 2000-01 to this month, " + cur.String()
		fails(t, e.run("points", "--month", month), cli.ExitUsage, want)
		fails(t, e.run("scorecard", "--role", "village", "--month", month), cli.ExitUsage, want)
		fails(t, e.run("points", "statement", "--month", month, "--out", e.path(month+".csv")), cli.ExitUsage, want)
		assert.NoFileExists(t, e.path(month+".csv"))
	}
}

// A duty officer grants, deducts and redeems only for the people their
// room's scope holds; 0 points is said to be no grant (a QA: 东城街道's
// officer granted 花街镇's people +5; '--points 0' said 'missing --points').
func TestGrantWithinTheOfficersScope(t *testing.T) {
	e := countyEnv(t)
	for _, act := range []string{"grant", "deduct"} {
		fails(t, e.run("points", act, "--person", "P3", "--points", "5", "--reason", "巡护", "--by", "P4"), cli.ExitRefused, "whose room holds the person's node")
	}
	fails(t, e.run("points", "redeem", "--person", "P3", "--benefit", "dining", "--by", "P4"), cli.ExitRefused, "whose room holds the person's node")
	e.ok("points", "grant", "--person", "P3", "--points", "5", "--reason", "巡护", "--by", "P2")
	e.ok("points", "grant", "--person", "P3", "--points", "3", "--reason", "巡护", "--by", "P1")
	e.ok("points", "grant", "--person", "P6", "--points", "2", "--reason", "值守", "--by", "P4")
	total, _, _ := e.points("--node", "330784114").of("P3")
	assert.Equal(t, 8, total, "花街镇's and the county's grants, not 东城街道's")

	fails(t, e.run("points", "grant", "--person", "P3", "--points", "0", "--reason", "x", "--by", "P2"), cli.ExitUsage, "--points 0: 0 points is not a grant")
	fails(t, e.run("points", "deduct", "--person", "P3", "--points", "0", "--reason", "x", "--by", "P2"), cli.ExitUsage, "0 points is not a deduction")
	fails(t, e.run("points", "grant", "--person", "P3", "--reason", "x", "--by", "P2"), cli.ExitUsage, "--points")
}
