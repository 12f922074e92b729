package cli_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/demo"
)

var (
	yongkang = filepath.Join("..", "data", "yongkang-villages.csv")
	huajie   = filepath.Join("..", "data", "huajie-villages.csv")
)

func TestImportVillagesYongkang(t *testing.T) {
	e := newEnv(t)
	out := e.ok("import", "villages", yongkang)
	assert.Regexp(t, `^`+regexp.QuoteMeta(yongkang)+`: 452 villages read; [1-9][0-9]* nodes added, 0 already present\n$`, out)
	assert.FileExists(t, e.db, "importing villages creates the database")

	s := e.stats()
	assert.Equal(t, 14, s.Towns)
	assert.Equal(t, 452, s.Villages)
	assert.Positive(t, s.Grids)
	assert.Greater(t, s.MicroGrids, s.Grids)
	assert.Zero(t, s.People.Total)
	assert.Equal(t, 1, s.Counties)
	assert.Equal(t, 1, s.Cities)
	assert.Equal(t, 1, s.Provinces)
	// One tower: the province, its city, the county, then the 14 towns.
	var towers []*towerJSON
	e.okJSON(&towers, "tower", "--json", "--depth", "0")
	require.Len(t, towers, 1)
	assert.Equal(t, towerJSON{Code: "33", Name: "浙江省", Level: "province", Households: towers[0].Households,
		Open: 0, Worst: "none"}, *towers[0])
	e.okJSON(&towers, "tower", "--json", "--depth", "2")
	require.Len(t, towers[0].Children, 1)
	require.Equal(t, "金华市", towers[0].Children[0].Name)
	county := towers[0].Children[0].Children
	require.Len(t, county, 1)
	assert.Equal(t, "永康市", county[0].Name)
	assert.Equal(t, "county", county[0].Level)
	villages := 0
	e.okJSON(&towers, "tower", "330784", "--json")
	require.Len(t, towers, 1)
	assert.Len(t, towers[0].Children, 14, "14 towns")
	for _, town := range towers[0].Children {
		assert.Equal(t, "town", town.Level)
		var one []*towerJSON
		e.okJSON(&one, "tower", town.Code, "--json")
		villages += len(one[0].Children)
	}
	assert.Equal(t, 452, villages)

	// Again: nothing new.
	out = e.ok("import", "villages", yongkang)
	assert.Regexp(t, `: 452 villages read; 0 nodes added, [1-9][0-9]* already present\n$`, out)
	assert.Equal(t, s, e.stats())
	e.ok("check")
}

func TestImportVillagesGridsPerVillage(t *testing.T) {
	e := newEnv(t)
	e.ok("import", "villages", huajie, "--grids-per-village", "2")
	s := e.stats()
	assert.Equal(t, 1, s.Towns)
	assert.Equal(t, 27, s.Villages)
	assert.Equal(t, 54, s.Grids)

	for _, n := range []string{"-1", "100", "two"} {
		fails(t, e.run("import", "villages", huajie, "--grids-per-village", n), cli.ExitUsage, "--grids-per-village")
	}
	assert.Equal(t, s, e.stats())
}

// --divisions-only imports the county's divisions and villages and no
// generated grids: a federation hub's file, whose towns bring their own.
func TestImportVillagesDivisionsOnly(t *testing.T) {
	e := newEnv(t)
	out := e.ok("import", "villages", yongkang, "--divisions-only")
	assert.Regexp(t, `: 452 villages read; [0-9]+ nodes added, 0 already present\n$`, out)
	s := e.stats()
	assert.Equal(t, 14, s.Towns)
	assert.Equal(t, 452, s.Villages)
	assert.Zero(t, s.Grids)
	assert.Zero(t, s.MicroGrids)
	var evs []eventJSON
	e.okJSON(&evs, "timeline", "export", "--format", "json")
	require.Len(t, evs, 1)
	assert.Equal(t, yongkang+"：1 个省、1 个市、1 个县市、14 个镇、452 个村社", evs[0].NoteZh, "the file's name, no English words")
	fails(t, e.run("import", "villages", yongkang, "--divisions-only", "--grids-per-village", "2"), cli.ExitUsage, "--divisions-only")
	assert.Equal(t, s, e.stats())
	e.ok("check")
}

func TestImportVillagesBadFiles(t *testing.T) {
	e := newEnv(t)
	e.ok("import", "villages", huajie)
	before := e.stats()

	// Each file starts with a good row of a town not yet stored, so a
	// partial import would show in the stats.
	const head = "code,name,town_code,town_name\n"
	const good = "330784115001,新村,330784115,新镇\n"
	for _, tt := range []struct {
		name, content string
		line          int
		want          string
	}{
		{"wrong column count", head + good + "330784115002,另村,330784115\n", 3, "3 columns, want 4"},
		{"village not under its town", head + good + "330784116002,另村,330784115,新镇\n", 3, "not under town code"},
		{"invalid UTF-8", head + good + "330784115002,\xff\xfe村,330784115,新镇\n", 3, "invalid UTF-8"},
		{"missing column", "code,name,town_code\n330784115001,新村,330784115\n", 1, `missing column "town_name"`},
		{"short village code", head + good + "33078411500,另村,330784115,新镇\n", 3, "12 digits"},
		{"bare quote", head + good + "330784115002,另\"村,330784115,新镇\n", 3, "quote"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := e.write(strings.ReplaceAll(tt.name, " ", "-")+".csv", tt.content)
			r := e.run("import", "villages", file)
			fails(t, r, cli.ExitUsage, fmt.Sprintf("%s:%d: ", file, tt.line), tt.want)
			assert.Equal(t, before, e.stats(), "nothing from a bad file is imported")
		})
	}

	fails(t, e.run("import", "villages", e.write("empty.csv", "")), cli.ExitUsage, "empty file")
	fails(t, e.run("import", "villages", e.path("missing.csv")), cli.ExitUsage, "missing.csv")
	fails(t, e.run("import", "villages"), cli.ExitUsage, "import villages: want one CSV file")
	fails(t, e.run("import", "vilages", huajie), cli.ExitUsage, `unknown command "vilages"`, "patrol-areas or roster or rotations or villages")
	assert.Equal(t, before, e.stats())

	// A bad file never creates a database.
	e2 := newEnv(t)
	fails(t, e2.run("import", "villages", e2.write("bad.csv", head+"x,y,z,w\n")), cli.ExitUsage, "bad.csv:2: ")
	assert.NoFileExists(t, e2.db)
}

func TestImportRoster(t *testing.T) {
	e := demoEnv(t)
	before := e.stats()
	grid := string(demo.ArticleGrid)

	en := e.write("roster-en.csv", "name,phone,role,node,reserve_kind,on_duty\n"+
		"张三,13800000001,grid_leader,"+grid+",,yes\n"+
		"李四,0579-87654321,Duty_Officer;liaison,"+string(demo.Town)+",,no\n"+
		"王五,138 0000 0003,reserve,"+grid+",volunteer,\n")
	zh := e.write("roster-zh.csv", "\ufeff姓名,手机,角色,节点,储备类型,在岗\n"+
		"赵六,13800000011,网格长,330784114266-03,,是\n"+
		"钱七,13800000012,专职网格员、微网格员,330784114266-03-01,,否\n"+
		"孙八,+8613800000013,储备力量,330784114266-01,志愿者,\n")

	assert.Equal(t, en+": 3 people read; 3 added, 0 already on the roster\n", e.ok("import", "roster", en))
	assert.Equal(t, zh+": 3 people read; 3 added, 0 already on the roster\n", e.ok("import", "roster", zh))
	// The import's event names the file and what it added, in either
	// language: the note the command gives is the file alone, not English
	// words the Chinese note would carry too ("导入 import roster …").
	var evs []eventJSON
	e.okJSON(&evs, "timeline", "export", "--format", "json")
	require.GreaterOrEqual(t, len(evs), 2)
	for i, file := range []string{en, zh} {
		ev := evs[len(evs)-2+i]
		assert.Equal(t, "import", ev.Action)
		assert.Equal(t, file+": 3 people", ev.Note)
		assert.Equal(t, file+"：3 人", ev.NoteZh)
	}
	after := e.stats()
	assert.Equal(t, before.People.Total+6, after.People.Total)
	assert.Equal(t, before.People.GridStaff+3, after.People.GridStaff)
	assert.Equal(t, before.People.MicroGridWorkers+1, after.People.MicroGridWorkers)
	assert.Equal(t, before.People.Reserves+2, after.People.Reserves)
	assert.Equal(t, before.People.DutyOfficers+1, after.People.DutyOfficers)

	byName := map[string]personJSON{}
	for _, p := range e.people() {
		byName[p.Name] = p
	}
	assert.Equal(t, []string{"duty_officer", "liaison"}, byName["李四"].Roles)
	assert.Equal(t, "0579-87654321", byName["李四"].Phone)
	assert.True(t, byName["张三"].OnDuty)
	assert.Equal(t, "volunteer", byName["王五"].Reserve)
	assert.Equal(t, "13800000003", byName["王五"].Phone)
	assert.Equal(t, []string{"grid_worker_ft", "micro_grid_worker"}, byName["钱七"].Roles)
	assert.Equal(t, "330784114266-03-01", byName["钱七"].Node)
	assert.True(t, byName["赵六"].OnDuty)
	assert.Equal(t, "13800000013", byName["孙八"].Phone)

	// A new grid leader may sign for a report at her grid.
	id := e.report("--node", grid, "--category", "hazard", "--severity", "IV", "--title", "井盖缺失")
	e.ok("ack", id, "--by", byName["张三"].ID)

	// Again: nothing new.
	assert.Equal(t, en+": 3 people read; 0 added, 3 already on the roster\n", e.ok("import", "roster", en))
	assert.Equal(t, zh+": 3 people read; 0 added, 3 already on the roster\n", e.ok("import", "roster", zh))
	assert.Equal(t, after.People, e.stats().People)
}

// Under a Chinese config a bad row reads in Chinese, the line and the
// reason both (a QA saw "name longer than 32 characters" and "node … is
// not in the tower" in English).
func TestImportRosterRefusalsInChinese(t *testing.T) {
	e := demoEnv(t)
	e.speak("zh")
	grid := string(demo.ArticleGrid)
	const head = "name,phone,role,node\n"
	long := strings.Repeat("长", 33)
	for _, tt := range []struct{ name, content, want string }{
		{"long", head + long + ",13800000022,grid_leader," + grid + "\n", "第 2 行：人员 " + long[:20*3] + "…（33 字）：姓名超过 32 字"},
		{"phone", head + "乙,12345,grid_leader," + grid + "\n", `第 2 行：电话 "12345"：应为 11 位手机号`},
		{"node", head + "乙,13800000022,grid_leader,330784114266-09\n", "第 2 行：节点 330784114266-09 不在网格塔中"},
		{"name", head + ",13800000022,grid_leader," + grid + "\n", "第 2 行：姓名为空"},
	} {
		file := e.write(tt.name+".csv", tt.content)
		r := e.run("import", "roster", file)
		fails(t, r, cli.ExitUsage, file+" "+tt.want)
		assert.NotRegexp(t, `\b(name|node|phone|line|want|tower|empty|longer)\b`, strings.TrimPrefix(r.err, "gridcmd: "+file), "no English words")
	}
}

func TestImportRosterBadFiles(t *testing.T) {
	e := demoEnv(t)
	before := e.stats().People
	grid := string(demo.ArticleGrid)
	const head = "name,phone,role,node\n"
	good := "甲,13800000021,grid_leader," + grid + "\n"
	for _, tt := range []struct {
		name, content string
		line          int
		want          string
	}{
		{"bad phone", head + good + "乙,12345,grid_leader," + grid + "\n", 3, `phone "12345"`},
		{"unknown node", head + good + "乙,13800000022,grid_leader,330784114266-09\n", 3, "330784114266-09 is not in the tower"},
		{"malformed node", head + good + "乙,13800000022,grid_leader,duxi\n", 3, `"duxi"`},
		{"malformed code", head + good + "乙,13800000022,grid_leader,3307841142xx\n", 3, `"3307841142xx"`},
		{"ambiguous name", head + good + "乙,13800000022,village_cadre,花街\n", 3, `node "花街" is ambiguous: 花街镇 330784114, 花街居委会 330784114001, 花街村 330784114220`},
		{"no such name", head + good + "乙,13800000022,village_cadre,无此村\n", 3, `node "无此村"`},
		{"unknown role", head + good + "乙,13800000022,captain," + grid + "\n", 3, `role "captain"`},
		{"unknown role zh", "姓名,电话,角色,节点\n" + "甲,13800000021,网格长," + grid + "\n" + "乙,13800000022,队长," + grid + "\n", 3, `role "队长"`},
		{"reserve without kind", head + good + "乙,13800000022,reserve," + grid + "\n", 3, "reserve kind"},
		{"empty name", head + good + ",13800000022,grid_leader," + grid + "\n", 3, "name is empty"},
		{"missing column", "name,phone,node\n甲,13800000021," + grid + "\n", 1, `missing column "role"`},
		{"wrong column count", head + good + "乙,13800000022,grid_leader\n", 3, "3 columns, want 4"},
		{"invalid UTF-8", head + good + "\xff\xfe,13800000022,grid_leader," + grid + "\n", 3, "invalid UTF-8"},
		// A name of 300 characters is echoed cut, with its length.
		{"300-character name", head + good + strings.Repeat("名", 300) + ",13800000022,grid_leader," + grid + "\n", 3,
			"person " + strings.Repeat("名", 20) + "… (300 characters): name longer than 32 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := e.write(strings.ReplaceAll(tt.name, " ", "-")+".csv", tt.content)
			r := e.run("import", "roster", file)
			fails(t, r, cli.ExitUsage, fmt.Sprintf("%s:%d: ", file, tt.line), tt.want)
			assert.NotContains(t, r.err, strings.Repeat("名", 21), "the refusal echoes no long cell whole")
			assert.Equal(t, before, e.stats().People, "nothing from a bad file is imported")
		})
	}

	// The node column takes the console's names, as duty import's room
	// column does.
	named := e.write("named.csv", head+"丙,13800000023,micro_grid_worker,渎溪村 02-02\n丁,13800000024,village_cadre,渎溪村\n")
	assert.Contains(t, e.ok("import", "roster", named), "2 people read; 2 added")
	at := map[string]string{}
	for _, p := range e.people("--node", "330784114266") {
		at[p.Name+p.Phone] = p.Node
	}
	assert.Equal(t, "330784114266-02-02", at["丙13800000023"])
	assert.Equal(t, "330784114266", at["丁13800000024"])

	// A database of villages only has nobody to act until a roster comes.
	v := newEnv(t)
	v.ok("import", "villages", huajie)
	report := []string{"report", "--node", grid, "--category", "traffic", "--severity", "III", "--title", "x"}
	fails(t, v.run(report...), cli.ExitUsage, "no operator", "gridcmd import roster")
	file := v.write("r.csv", head+"甲,13800000021,duty_officer,"+string(demo.Town)+"\n")
	v.ok("import", "roster", file)
	require.Equal(t, 1, v.stats().People.DutyOfficers)
	id := v.report(report[1:]...)
	assert.Equal(t, "P1", v.show(id).Reporter)
}

// TestImportRosterChanges: a row that matches a person on the roster but
// gives other roles (or, by the id column, another node or another name)
// is refused, naming the line and the change, unless --update (a QA saw 王五 made full-time
// reported as "already on the roster" and left part-time); --dry-run says
// what the import would do and writes nothing; a row given twice and two
// people on one phone are warned of, naming the lines and the person; a
// bare 网格员 is refused, asking which.
func TestImportRosterChanges(t *testing.T) {
	e := newEnv(t)
	e.ok("init")
	e.ok("import", "villages", huajie)
	const head = "name,phone,role,node\n"
	e.ok("import", "roster", e.write("first.csv", head+"钱值班,13905790002,duty_officer,330784114\n王五,13905790011,兼职网格员,330784114266-01\n"))
	roles := func(name string) []string {
		for _, p := range e.people() {
			if p.Name == name {
				return p.Roles
			}
		}
		return nil
	}
	ft := e.write("ft.csv", head+"王五,13905790011,专职网格员,330784114266-01\n王五,13905790011,专职网格员,330784114266-01\n")
	r := e.run("import", "roster", ft)
	require.Equal(t, cli.ExitRefused, r.code, "%s", r)
	assert.Empty(t, r.out)
	assert.Equal(t, "gridcmd: warning: "+ft+":3: the same as line 2: imported once\n"+
		"gridcmd: "+ft+":2: would change P2 王五 (13905790011, 渎溪村 01 330784114266-01): roles grid_worker_pt → grid_worker_ft; pass --update to change it\n", r.err)
	assert.Equal(t, []string{"grid_worker_pt"}, roles("王五"))

	r = e.run("import", "roster", ft, "--update", "--dry-run")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, ft+":2: would update P2 王五 (13905790011, 渎溪村 01 330784114266-01): roles grid_worker_pt → grid_worker_ft\n"+
		ft+": 2 people read; 0 added, 1 updated, 1 already on the roster (dry run: nothing written)\n", r.out)
	assert.Equal(t, []string{"grid_worker_pt"}, roles("王五"), "a dry run writes nothing")

	r = e.run("import", "roster", ft, "--update")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, ft+":2: updated P2 王五 (13905790011, 渎溪村 01 330784114266-01): roles grid_worker_pt → grid_worker_ft\n"+
		ft+": 2 people read; 0 added, 1 updated, 1 already on the roster\n", r.out)
	assert.Equal(t, []string{"grid_worker_ft"}, roles("王五"))

	// A move, a new name, by the entries' ids: each refused by its line,
	// then how many.
	moves := e.write("moves.csv", "id,"+head+"P1,钱值班,13905790002,duty_officer,330784114266\nP2,王伍,13905790011,专职网格员,330784114266-01\n")
	r = e.run("import", "roster", moves)
	require.Equal(t, cli.ExitRefused, r.code, "%s", r)
	assert.Contains(t, r.err, moves+":2: would change P1 钱值班 (13905790002, 花街镇 330784114): node 花街镇 330784114 → 渎溪村 330784114266; pass --update")
	assert.Contains(t, r.err, moves+":3: would change P2 王五 (13905790011, 渎溪村 01 330784114266-01): name 王五 → 王伍; pass --update to change it\n")
	assert.Contains(t, r.err, "gridcmd: "+moves+": 2 rows refused (lines 2, 3): nothing imported; pass --update to make the changes (--dry-run first shows the whole import)")

	// Two people on one phone: imported, each warned of, naming the other.
	shared := e.write("shared.csv", head+"王五,13905790011,专职网格员,330784114266-01\n孙八,13905790011,网格长,330784114266-02\n吴十,13905790011,网格长,330784114265-01\n")
	r = e.run("import", "roster", shared)
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.err, "gridcmd: warning: "+shared+":3: 孙八's phone 13905790011 is also that of P2 王五 (13905790011, 渎溪村 01 330784114266-01); line 4 (吴十): two people on one phone, or a typo?\n")
	assert.Contains(t, r.err, shared+":4: 吴十's phone 13905790011 is also that of P2 王五 (13905790011, 渎溪村 01 330784114266-01); line 3 (孙八)")
	assert.Equal(t, shared+": 3 people read; 2 added, 1 already on the roster\n", r.out)

	fails(t, e.run("import", "roster", e.write("bare.csv", head+"赵六,13905790013,网格员,330784114266-01\n")), cli.ExitUsage,
		`bare.csv:2: role "网格员": a grid worker is full-time or part-time: want 专职网格员 (grid_worker_ft) or 兼职网格员 (grid_worker_pt)`)

	// In Chinese under lang: zh.
	e.speak("zh")
	back := e.write("back.csv", head+"王五,13905790011,兼职网格员,330784114266-01\n")
	fails(t, e.run("import", "roster", back), cli.ExitRefused,
		back+" 第 2 行：将改动 P2 王五（13905790011，渎溪村 01 330784114266-01）：角色 专职网格员 → 兼职网格员；要改动请加 --update")
	assert.Equal(t, back+" 第 2 行：已更新 P2 王五（13905790011，渎溪村 01 330784114266-01）：角色 专职网格员 → 兼职网格员\n"+
		back+"：读入 1 人；新增 0 人，更新 1 人，0 人已在名册\n", e.ok("import", "roster", back, "--update"))
}

// TestImportRosterKeepsWhatTheFileDoesNotSay: a roster file without an
// on_duty (or lang) column takes nobody off duty and changes no one's
// language, with --update too (QA: a file that only added a person refused
// to, and with --update took the duty officer off duty in wartime); an
// empty cell of a column the file has still says no.
func TestImportRosterKeepsWhatTheFileDoesNotSay(t *testing.T) {
	e := newEnv(t)
	e.ok("init")
	e.ok("import", "villages", huajie)
	e.ok("import", "roster", e.write("first.csv", "name,phone,role,node,on_duty,lang\n"+
		"钱值班,13905790002,duty_officer,330784114,yes,en\n王五,13905790011,兼职网格员,330784114266-01,是,\n"))
	of := func(name string) personJSON {
		for _, p := range e.people() {
			if p.Name == name {
				return p
			}
		}
		t.Fatalf("no %s on the roster", name)
		return personJSON{}
	}
	more := e.write("more.csv", "name,phone,role,node\n钱值班,13905790002,duty_officer,330784114\n"+
		"王五,13905790011,专职网格员,330784114266-01\n赵六,13905790012,兼职网格员,330784114266-02\n")
	r := e.run("import", "roster", more, "--update")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, "1 added, 1 updated, 1 already on the roster")
	assert.True(t, of("钱值班").OnDuty)
	assert.Equal(t, "en", of("钱值班").Lang)
	assert.True(t, of("王五").OnDuty, "the role changed, the duty flag kept")
	assert.Equal(t, []string{"grid_worker_ft"}, of("王五").Roles)
	assert.False(t, of("赵六").OnDuty, "a new person: off duty")

	off := e.write("off.csv", "name,phone,role,node,on_duty\n王五,13905790011,专职网格员,330784114266-01,\n")
	e.ok("import", "roster", off, "--update")
	assert.False(t, of("王五").OnDuty, "an empty cell of a column the file has says no")
}

// TestImportRosterByItsKeepers: the roster is kept by the duty officers of
// its town, or above it (QA: a micro-grid worker's --update made a county
// officer a village cadre and himself a duty officer of the county); the
// refusal names who and where, nothing is written.
func TestImportRosterByItsKeepers(t *testing.T) {
	e := newEnv(t)
	e.ok("init")
	e.ok("import", "villages", huajie)
	e.ok("import", "roster", e.write("first.csv", "name,phone,role,node\n"+
		"钱值班,13905790002,duty_officer,330784114\n王五,13905790011,兼职网格员,330784114266-01\n"))
	self := e.write("self.csv", "id,name,phone,role,node\nP2,王五,13905790011,duty_officer,330784114\n")
	fails(t, e.run("--as", "P2", "import", "roster", self, "--update"), cli.ExitRefused,
		"王五 (P2) may not import the roster at 花街镇 330784114: only a duty officer of its town or above it keeps the roster")
	assert.Len(t, e.people("--role", "duty_officer"), 1, "nothing written")
	r := e.run("--as", "P1", "import", "roster", self, "--update")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Len(t, e.people("--role", "duty_officer"), 2, "the town's duty officer may")
}
