package importer

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

var known = map[model.NodeCode]bool{
	"330784114": true, "330784114266": true, "330784114266-02": true, "330784114266-02-01": true,
}

func inTower(c model.NodeCode) bool { return known[c] }

func TestParseRosterEnglish(t *testing.T) {
	in := "name,phone,role,node,reserve_kind,on_duty,comment\n" +
		"陈建国,138 0579 1234,grid_leader,330784114266-02,,yes,\n" +
		"王丽,+8613905791234,grid_worker_ft;网格长,330784114266-02,,1,x\n" +
		"李明,0579-87123456,Duty_Officer,330784114,,TRUE,\n" +
		"张小芳,15857901234,reserve,330784114266-02,volunteer,,\n" +
		"胡海,18657901234,微网格员、包联人；micro_grid_worker,330784114266-02-01,,否,\n"
	people, err := ParseRoster("roster.csv", strings.NewReader(in), inTower)
	require.NoError(t, err)
	assert.Equal(t, []model.Person{
		{Name: "陈建国", Phone: "13805791234", Node: "330784114266-02", Roles: []model.Role{model.RoleGridLeader}, OnDuty: true},
		{Name: "王丽", Phone: "13905791234", Node: "330784114266-02", Roles: []model.Role{model.RoleGridWorkerFull, model.RoleGridLeader}, OnDuty: true},
		{Name: "李明", Phone: "0579-87123456", Node: "330784114", Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true},
		{Name: "张小芳", Phone: "15857901234", Node: "330784114266-02", Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVolunteer},
		{Name: "胡海", Phone: "18657901234", Node: "330784114266-02-01", Roles: []model.Role{model.RoleMicroGridWorker, model.RoleContactPerson}},
	}, people)
}

func TestParseRosterChinese(t *testing.T) {
	for _, phone := range []string{"电话", "手机"} {
		for _, node := range []string{"节点", "网格编码"} {
			in := "\ufeff在岗,储备类型,节点X,姓名,角色," + phone + "," + node + "\r\n" +
				"是,,,徐爽,网格长,13805791234,330784114266-02\r\n" +
				"否,入党积极分子,,应伟,储备力量,13905791234,330784114266-02\r\n" +
				",,,楼芳,兼职网格员,13705791234,330784114266-02\r\n"
			people, err := ParseRoster("花名册.csv", strings.NewReader(in), inTower)
			require.NoError(t, err, phone+node)
			assert.Equal(t, []model.Person{
				{Name: "徐爽", Phone: "13805791234", Node: "330784114266-02", Roles: []model.Role{model.RoleGridLeader}, OnDuty: true},
				{Name: "应伟", Phone: "13905791234", Node: "330784114266-02", Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveActivist},
				{Name: "楼芳", Phone: "13705791234", Node: "330784114266-02", Roles: []model.Role{model.RoleGridWorkerPart}},
			}, people)
		}
	}
}

// The language of a person's seat: lang (语言), zh or en, empty for the
// config's.
func TestParseRosterLang(t *testing.T) {
	in := "姓名,电话,角色,节点,语言\n王丽,13905791234,村干部,330784114266,英文\n应伟,13805791234,网格长,330784114266-02,zh_CN.UTF-8\n楼芳,13705791234,网格长,330784114266-02,\n"
	people, err := ParseRoster("r.csv", strings.NewReader(in), inTower)
	require.NoError(t, err)
	require.Len(t, people, 3)
	assert.Equal(t, []string{"en", "zh", ""}, []string{people[0].Lang, people[1].Lang, people[2].Lang})
}

func TestParseRosterNilNodes(t *testing.T) {
	in := "name,phone,role,node\n吕强,13805791234,patroller,330784113\n"
	people, err := ParseRoster("r.csv", strings.NewReader(in), nil)
	require.NoError(t, err)
	assert.Len(t, people, 1)
}

func TestParseRosterErrors(t *testing.T) {
	const head = "name,phone,role,node,reserve_kind,on_duty\n"
	const ok = "陈建国,13805791234,grid_leader,330784114266-02,,yes\n"
	tests := []struct{ name, in, want string }{
		{"unknown node", head + ok + "王丽,13905791234,grid_leader,330784114266-09,,\n",
			`r.csv:3: node 330784114266-09 is not in the tower`},
		{"malformed node", head + "王丽,13905791234,grid_leader,330784114266-9,,\n",
			`r.csv:2: node code "330784114266-9": segments after the village code are two digits, 01-99`},
		{"missing column", "name,role,node\n王丽,grid_leader,330784114266-02\n",
			`r.csv:1: missing column "phone"`},
		{"two phone columns", "姓名,电话,手机,角色,节点\n",
			`r.csv:1: columns 2 ("电话") and 3 ("手机") both give phone`},
		{"column count", head + ok + ok + "王丽,13905791234\n",
			`r.csv:4: 2 columns, want 6 as in the header`},
		{"bad phone", head + "王丽,1390579123,grid_leader,330784114266-02,,\n",
			`r.csv:2: phone "1390579123": want an 11-digit mobile (1xxxxxxxxxx) or a landline (0579-xxxxxxxx)`},
		{"invalid UTF-8", head + "王\xff丽,13905791234,grid_leader,330784114266-02,,\n",
			`r.csv:2: column name: invalid UTF-8`},
		{"unknown role", head + ok + "王丽,13905791234,grid_leader;队长,330784114266-02,,\n",
			`r.csv:3: role "队长": want one of duty_officer, village_cadre, grid_leader, grid_worker_ft, grid_worker_pt, micro_grid_worker, contact_person, patroller, liaison, reserve`},
		{"grid worker of neither kind", head + ok + "王丽,13905791234,网格员,330784114266-02,,\n",
			`r.csv:3: role "网格员": a grid worker is full-time or part-time: want 专职网格员 (grid_worker_ft) or 兼职网格员 (grid_worker_pt)`},
		{"empty role", head + "王丽,13905791234,；,330784114266-02,,\n",
			`r.csv:2: role is empty`},
		{"empty name", head + "\x1b[0m,13905791234,grid_leader,330784114266-02,,\n",
			`r.csv:2: name is empty`},
		{"bad on_duty", head + "王丽,13905791234,grid_leader,330784114266-02,,maybe\n",
			`r.csv:2: on_duty "maybe": want yes or no (是/否, true/false, 1/0)`},
		{"bad reserve kind", head + "王丽,13905791234,reserve,330784114266-02,hero,\n",
			`r.csv:2: reserve kind "hero": want party_activist, volunteer or active_villager`},
		{"reserve without kind", head + "王丽,13905791234,reserve,330784114266-02,,\n",
			`r.csv:2: person 王丽: a reserve needs a reserve kind, and only a reserve has one`},
		{"empty file", "", `r.csv: empty file; want a header line naming the columns (name,phone,role,node,reserve_kind,on_duty,lang,id)`},
		{"bad lang", "name,phone,role,node,lang\n王丽,13905791234,grid_leader,330784114266-02,fr\n",
			`r.csv:2: language "fr": want zh or en`},
		{"bad id", "name,phone,role,node,id\n王丽,13905791234,grid_leader,330784114266-02,王丽\n",
			`r.csv:2: person id "王丽": want P followed by a number, e.g. P12`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			people, err := ParseRoster("r.csv", strings.NewReader(tt.in), inTower)
			assert.EqualError(t, err, tt.want)
			assert.Equal(t, model.EINVALID, model.ErrorCode(err))
			assert.Nil(t, people)
		})
	}
}

// A bad row reads in Chinese too: the line and the reason
// (model.ErrorMessageZh), so an import under a Chinese config shows no
// English words of ours.
func TestParseRosterErrorsInChinese(t *testing.T) {
	const head = "name,phone,role,node\n"
	long := strings.Repeat("长", 33)
	tests := []struct{ name, in, want string }{
		{"long name", head + "陈建国,13805791234,grid_leader,330784114266-02\n" + long + ",13905791234,grid_leader,330784114266-02\n",
			"r.csv 第 3 行：人员 " + strings.Repeat("长", 20) + "…（33 字）：姓名超过 32 字"},
		{"bad phone", head + "王丽,1390579123,grid_leader,330784114266-02\n",
			`r.csv 第 2 行：电话 "1390579123"：应为 11 位手机号（1xxxxxxxxxx）或固定电话（0579-xxxxxxxx）`},
		{"unknown node", head + "王丽,13905791234,grid_leader,330784114266-09\n",
			"r.csv 第 2 行：节点 330784114266-09 不在网格塔中"},
		{"empty name", head + ",13905791234,grid_leader,330784114266-02\n", "r.csv 第 2 行：姓名为空"},
		{"empty role", head + "王丽,13905791234,；,330784114266-02\n", "r.csv 第 2 行：角色为空"},
		{"grid worker of neither kind", head + "王丽,13905791234,网格员,330784114266-02\n",
			`r.csv 第 2 行：角色 "网格员"：网格员分专职与兼职，请写 专职网格员（grid_worker_ft）或 兼职网格员（grid_worker_pt）`},
		{"missing column", "name,role,node\n", `r.csv 第 1 行：缺少列 "phone"`},
		{"column count", head + "王丽,13905791234\n", "r.csv 第 2 行：2 列，应与表头一样为 4 列"},
		{"invalid UTF-8", head + "王\xff丽,13905791234,grid_leader,330784114266-02\n", "r.csv 第 2 行：name 列：不是有效的 UTF-8"},
		{"bad on_duty", "name,phone,role,node,on_duty\n王丽,13905791234,grid_leader,330784114266-02,maybe\n",
			`r.csv 第 2 行：在岗 "maybe"：应为 是/否（yes/no、true/false、1/0）`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRoster("r.csv", strings.NewReader(tt.in), inTower)
			assert.Equal(t, tt.want, model.ErrorMessageZh(err))
			assert.Equal(t, model.EINVALID, model.ErrorCode(err))
		})
	}
}

// A phone typed in full-width digits (a Chinese input method, a
// spreadsheet) is read as its digits (a QA saw １３９０００００００７ refused).
func TestParseRosterFullWidthPhone(t *testing.T) {
	in := "姓名,电话,角色,节点\n" +
		"欧阳长风,１３９０００００００７,网格长,330784114266-02\n" +
		"李明,０５７９－８７１２３４５６,Duty_Officer,330784114\n"
	people, err := ParseRoster("roster.csv", strings.NewReader(in), inTower)
	require.NoError(t, err)
	require.Len(t, people, 2)
	assert.Equal(t, "13900000007", people[0].Phone)
	assert.Equal(t, "0579-87123456", people[1].Phone)
}

// The id column (编号) names the roster entry a row is, as people lists
// it: P12 or 12; empty, none.
func TestParseRosterID(t *testing.T) {
	in := "姓名,电话,角色,节点,编号\n王丽,13905791234,村干部,330784114266,P12\n应伟,13805791234,网格长,330784114266-02,7\n楼芳,13705791234,网格长,330784114266-02, \n"
	people, err := ParseRoster("r.csv", strings.NewReader(in), inTower)
	require.NoError(t, err)
	require.Len(t, people, 3)
	assert.Equal(t, []model.PersonID{12, 7, 0}, []model.PersonID{people[0].ID, people[1].ID, people[2].ID})
}
