package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
)

// A review found an import taking a row that shares two of name, phone
// and node with an entry for a change of the third: 李四, a new colleague
// on the village office's landline, became 张三 renamed with --update (张三's
// id, and all that hangs on it, then 李四's), and 张三 at a second grid was
// moved there, his office post lost. Now both are added: the colleague
// warned of on the phone, the second post said so; 张三 stays as he was.
// A row of 张三's name at his node with another phone is refused until the
// id column says it is his new phone; with it, written.
func TestImportRosterKeepsIdentities(t *testing.T) {
	e := newEnv(t)
	e.ok("init")
	e.ok("import", "villages", huajie)
	const head = "name,phone,role,node\n"
	e.ok("import", "roster", e.write("first.csv", head+"钱值班,13905790002,duty_officer,330784114\n张三,0579-87654321,村干部,330784114266\n"))
	entries := func() map[string]personJSON {
		m := map[string]personJSON{}
		for _, p := range e.people() {
			m[p.ID] = p
		}
		return m
	}
	before := entries()
	require.Equal(t, "张三", before["P2"].Name)

	both := e.write("both.csv", head+"李四,0579-87654321,村干部,330784114266\n张三,0579-87654321,网格长,330784114266-02\n")
	r := e.run("import", "roster", both, "--update")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, "gridcmd: warning: "+both+":2: 李四's phone 0579-87654321 is also that of P2 张三 (0579-87654321, 渎溪村 330784114266); line 3 (张三): two people on one phone, or a typo?\n"+
		"gridcmd: warning: "+both+":3: 张三's phone 0579-87654321 is also that of line 2 (李四): two people on one phone, or a typo?\n", r.err)
	assert.Equal(t, both+":3: added P4 张三 (0579-87654321, 渎溪村 02 330784114266-02): another post of P2 at 渎溪村 330784114266 "+
		"(a move instead? the moved entry's id in the row's id column, with --update)\n"+
		both+": 2 people read; 2 added (1 another post of a person on the roster), 0 already on the roster\n", r.out)
	after := entries()
	assert.Equal(t, before["P2"], after["P2"], "张三 as he was")
	assert.Equal(t, "李四", after["P3"].Name)
	assert.Equal(t, "330784114266-02", after["P4"].Node)

	// 张三's new phone? Refused, saying how; by the id column, written.
	phone := e.write("phone.csv", head+"张三,13905790077,村干部,330784114266\n")
	fails(t, e.run("import", "roster", phone, "--update"), cli.ExitRefused,
		phone+":2: 张三 (13905790077) at 渎溪村 330784114266: P2 张三 (0579-87654321, 渎溪村 330784114266) is there with another phone: "+
			"for P2's new phone, write P2 in the row's id column and pass --update; for two people of one name, list P2's row as it stands too")
	assert.Equal(t, after, entries(), "refused whole")
	byID := e.write("byid.csv", "编号,"+head+"P2,张三,13905790077,村干部,330784114266\n")
	assert.Equal(t, byID+":2: updated P2 张三 (0579-87654321, 渎溪村 330784114266): phone 0579-87654321 → 13905790077\n"+
		byID+": 1 people read; 0 added, 1 updated, 0 already on the roster\n", e.ok("import", "roster", byID, "--update"))
	assert.Equal(t, "13905790077", entries()["P2"].Phone)
}

// --dry-run shows the whole plan whatever --update says: each row added,
// updated (with --update), refused, by its line, then the counts; it
// writes nothing, and ends as the import would (refused, saying why). A
// review saw it refuse per change without --update, and the refusal
// point at --dry-run, the flag just given.
func TestImportRosterDryRunShowsThePlan(t *testing.T) {
	e := newEnv(t)
	e.ok("init")
	e.ok("import", "villages", huajie)
	const head = "name,phone,role,node\n"
	e.ok("import", "roster", e.write("first.csv", head+"钱值班,13905790002,duty_officer,330784114\n王五,13905790011,兼职网格员,330784114266-01\n"))
	people := e.ok("people", "--json")
	plan := e.write("plan.csv", head+
		"王五,13905790011,专职网格员,330784114266-01\n"+ // a change
		"孙八,13905790015,网格长,330784114266-02\n"+ // new
		"钱值班,13905790002,duty_officer,330784114\n"+ // as it stands
		"孙八,13905790015,网格长,330784114265-01\n"+ // new, 孙八's second post
		"孙八,13905790015,兼职网格员,330784114266-02\n") // line 3 otherwise

	r := e.run("import", "roster", plan, "--dry-run")
	require.Equal(t, cli.ExitUsage, r.code, "%s: a clash is a bad file, as in the import", r)
	assert.Equal(t, plan+":2: would update P2 王五 (13905790011, 渎溪村 01 330784114266-01): roles grid_worker_pt → grid_worker_ft (with --update)\n"+
		plan+":3: would add 孙八 (13905790015, 渎溪村 02 330784114266-02)\n"+
		plan+":5: would add 孙八 (13905790015, 凤凰村 01 330784114265-01)\n"+
		plan+":6: refused: 孙八 (13905790015) at 渎溪村 02 330784114266-02 is on line 3 too, with other roles: give each entry once\n"+
		plan+": 5 people read; 2 added, 1 updated with --update, 1 already on the roster, 1 refused (dry run: nothing written)\n", r.out)
	assert.Equal(t, "gridcmd: "+plan+": the import would be refused: 2 rows (lines 2, 6): nothing would be imported; pass --update to make the changes\n", r.err)
	assert.Equal(t, people, e.ok("people", "--json"), "a dry run writes nothing")
	r = e.run("import", "roster", plan, "--update")
	require.Equal(t, cli.ExitUsage, r.code, "%s", r)
	assert.Empty(t, r.out)
	assert.Equal(t, "gridcmd: "+plan+":6: 孙八 (13905790015) at 渎溪村 02 330784114266-02 is on line 3 too, with other roles: give each entry once\n", r.err, "the import, refused")

	// Without the clash, with --update: the plan, and success.
	ok := e.write("ok.csv", head+"王五,13905790011,专职网格员,330784114266-01\n孙八,13905790015,网格长,330784114266-02\n")
	assert.Equal(t, ok+":2: would update P2 王五 (13905790011, 渎溪村 01 330784114266-01): roles grid_worker_pt → grid_worker_ft\n"+
		ok+":3: would add 孙八 (13905790015, 渎溪村 02 330784114266-02)\n"+
		ok+": 2 people read; 1 added, 1 updated, 0 already on the roster (dry run: nothing written)\n", e.ok("import", "roster", ok, "--dry-run", "--update"))
	assert.Equal(t, people, e.ok("people", "--json"))

	// In Chinese.
	e.speak("zh")
	r = e.run("import", "roster", plan, "--dry-run")
	require.Equal(t, cli.ExitUsage, r.code, "%s", r)
	assert.Contains(t, r.out, plan+" 第 2 行：将更新 P2 王五（13905790011，渎溪村 01 330784114266-01）：角色 兼职网格员 → 专职网格员（需加 --update）\n")
	assert.Contains(t, r.out, plan+" 第 3 行：将新增 孙八（13905790015，渎溪村 02 330784114266-02）\n")
	assert.Contains(t, r.out, plan+" 第 6 行：被拒：孙八（13905790015，渎溪村 02 330784114266-02）在第 3 行也有，角色不同：每人每个节点只写一行\n")
	assert.Contains(t, r.out, plan+"：读入 5 人；新增 2 人，更新 1 人（需加 --update），1 人已在名册，1 行被拒（试运行：未写入）\n")
	assert.Contains(t, r.err, plan+"：导入将被拒：2 行（第 2、6 行），不会导入任何人员；要改动请加 --update\n")
}
