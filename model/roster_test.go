package model_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

const (
	rg01 model.NodeCode = "330784114266-01"
	rg02 model.NodeCode = "330784114266-02"
	rg03 model.NodeCode = "330784114266-03"
)

func rosterPerson(id model.PersonID, name, phone string, node model.NodeCode, roles ...model.Role) model.Person {
	return model.Person{ID: id, Name: name, Phone: phone, Node: node, Roles: roles}
}

// asRow is p as a roster file gives it: no id, changed by edit.
func asRow(p model.Person, edit func(*model.Person)) model.Person {
	p.ID = 0
	if edit != nil {
		edit(&p)
	}
	return p
}

// rosterStored is the roster the plans below match against: 钱七 holds
// posts at two grids.
func rosterStored() []model.Person {
	return []model.Person{
		rosterPerson(4, "王五", "13905790011", rg01, model.RoleGridWorkerPart),
		rosterPerson(5, "李四", "13905790012", rg01, model.RoleGridLeader),
		rosterPerson(6, "赵六", "13905790013", rg02, model.RoleMicroGridWorker),
		rosterPerson(7, "钱七", "13905790014", rg01, model.RoleContactPerson),
		rosterPerson(8, "钱七", "13905790014", rg02, model.RoleContactPerson),
	}
}

type planned struct {
	action model.RosterAction
	id     model.PersonID
	diff   []string
	other  int
}

func requirePlan(t *testing.T, want []planned, plan []model.RosterRow) {
	t.Helper()
	require.Len(t, plan, len(want))
	for i, w := range want {
		got := planned{plan[i].Action, plan[i].Person.ID, plan[i].Diff, plan[i].Other}
		assert.Equal(t, w, got, "row %d", i+1)
	}
}

// A row is the entry of its name, phone and node (the same, or a change
// of its roles, on-duty flag, ...); else a new entry: the same name and
// phone at another node is another post, the same phone and node under
// another name another person on the phone. A row repeated is once;
// repeated otherwise, a clash.
func TestPlanRosterMatches(t *testing.T) {
	s := rosterStored()
	plan := model.PlanRoster(s, []model.Person{
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridWorkerFull} }), // 王五 made full-time
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridWorkerFull} }), // the same row again
		asRow(s[1], func(p *model.Person) { p.Node = rg02 }),                                    // 李四 at grid 02 too
		asRow(s[3], func(p *model.Person) { p.Name = "钱柒" }),                                    // 钱七's phone at grid 01, another name
		asRow(s[4], nil), // 钱七's post at grid 02, as it stands
		rosterPerson(0, "孙八", "13905790015", rg03, model.RoleGridLeader),                    // new
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridLeader} }), // 王五 again, otherwise
	})
	requirePlan(t, []planned{
		{model.RosterChange, 4, []string{"roles"}, 0},
		{model.RosterRepeat, 0, nil, 1},
		{model.RosterAdd, 0, nil, 0},
		{model.RosterAdd, 0, nil, 0},
		{model.RosterSame, 8, nil, 0},
		{model.RosterAdd, 0, nil, 0},
		{model.RosterClash, 0, []string{"roles"}, 1},
	}, plan)
	assert.Equal(t, []model.Person{s[1]}, plan[2].PostOf, "李四's post at grid 01 stays")
	assert.Empty(t, plan[3].PostOf)
	assert.Equal(t, []model.Person{s[3], s[4]}, plan[3].PhoneOf)
	assert.Empty(t, plan[5].PostOf)

	// Roles are a set: the same roles in another order are the same.
	twoRoles := rosterPerson(9, "周九", "13905790019", rg01, model.RoleGridLeader, model.RoleContactPerson)
	plan = model.PlanRoster([]model.Person{twoRoles}, []model.Person{
		asRow(twoRoles, func(p *model.Person) { p.Roles = []model.Role{model.RoleContactPerson, model.RoleGridLeader} }),
	})
	requirePlan(t, []planned{{model.RosterSame, 9, nil, 0}}, plan)
}

// A review found the import taking a row that shares two of name, phone
// and node with an entry for a change of the third: a new colleague on
// the village office's landline became 张三 renamed (his id, tokens, keys
// and shifts then 李四's), without the shared-phone warning; 张三 at a
// second village moved him there, his first post lost. Each is a new
// entry now, warned of; only the id column renames, re-phones or moves.
func TestPlanRosterTakesNoIdentityByTwoOfThree(t *testing.T) {
	const office model.NodeCode = "330784114266"
	zhang := rosterPerson(4, "张三", "0579-87654321", office, model.RoleVillageCadre)
	plan := model.PlanRoster([]model.Person{zhang}, []model.Person{
		rosterPerson(0, "李四", "0579-87654321", office, model.RoleVillageCadre), // a colleague on the landline
		rosterPerson(0, "张三", "0579-87654321", rg02, model.RoleGridLeader),     // 张三's second post
	})
	requirePlan(t, []planned{{model.RosterAdd, 0, nil, 0}, {model.RosterAdd, 0, nil, 0}}, plan)
	assert.Equal(t, []model.Person{zhang}, plan[0].PhoneOf, "two names on one phone are warned of")
	assert.Equal(t, []model.Person{zhang}, plan[1].PostOf)
	assert.Empty(t, plan[1].PhoneOf, "one person's posts share the phone")

	// 张三 with another phone at his node: his new phone, or a namesake?
	// Refused, unless the file gives 张三 as he stands too.
	other := rosterPerson(0, "张三", "13905790099", office, model.RoleVillageCadre)
	plan = model.PlanRoster([]model.Person{zhang}, []model.Person{other})
	requirePlan(t, []planned{{model.RosterAmbiguous, 0, nil, 0}}, plan)
	assert.Equal(t, []model.Person{zhang}, plan[0].Candidates)
	plan = model.PlanRoster([]model.Person{zhang}, []model.Person{other, asRow(zhang, nil)})
	requirePlan(t, []planned{{model.RosterAdd, 0, nil, 0}, {model.RosterSame, 4, nil, 0}}, plan)
}

// A row with an id is that entry as it should stand: a new name, phone or
// node is a change of it; an id the roster lacks, an id given twice
// otherwise, an entry given without its id and with it otherwise, or
// another entry's name, phone and node are refused.
func TestPlanRosterByID(t *testing.T) {
	s := rosterStored()
	withID := func(p model.Person, edit func(*model.Person)) model.Person {
		id := p.ID
		p = asRow(p, edit)
		p.ID = id
		return p
	}
	plan := model.PlanRoster(s, []model.Person{
		withID(s[1], func(p *model.Person) { p.Node = rg02 }),           // 李四 moved
		withID(s[2], func(p *model.Person) { p.Phone = "13905790099" }), // 赵六's new phone
		withID(s[3], func(p *model.Person) { p.Name = "钱柒" }),           // 钱七 renamed at grid 01
		asRow(s[3], nil),  // and given as he stood
		withID(s[4], nil), // 钱七 at grid 02, by id, as he stands
		rosterPerson(99, "周九", "13905790019", rg01, model.RoleGridLeader),             // no P99
		withID(s[1], func(p *model.Person) { p.Node = rg03 }),                         // 李四 again, elsewhere
		withID(s[0], func(p *model.Person) { p.Name, p.Phone = "李四", "13905790012" }), // 王五 made 李四 at 01 ...
	})
	requirePlan(t, []planned{
		{model.RosterChange, 5, []string{"node"}, 0},
		{model.RosterChange, 6, []string{"phone"}, 0},
		{model.RosterChange, 7, []string{"name"}, 0},
		{model.RosterClash, 7, []string{"name"}, 3},
		{model.RosterSame, 8, nil, 0},
		{model.RosterUnknown, 99, nil, 0},
		{model.RosterClash, 5, []string{"node"}, 1},
		{model.RosterChange, 4, []string{"name", "phone"}, 0}, // ... as 李四 has left
	}, plan)
	assert.Equal(t, s[1], plan[0].Was)

	plan = model.PlanRoster(s, []model.Person{withID(s[0], func(p *model.Person) { p.Name, p.Phone = "李四", "13905790012" })})
	requirePlan(t, []planned{{model.RosterTaken, 4, nil, 0}}, plan)
	assert.Equal(t, []model.Person{s[1]}, plan[0].Candidates, "李四 is there")

	plan = model.PlanRoster(s, []model.Person{asRow(s[0], nil), withID(s[0], nil)})
	requirePlan(t, []planned{{model.RosterSame, 4, nil, 0}, {model.RosterClash, 4, []string{"id"}, 1}}, plan)
}

// The same person at a node of neither post is a third post, whichever
// posts the file gives.
func TestPlanRosterPosts(t *testing.T) {
	s := rosterStored()
	plan := model.PlanRoster(s, []model.Person{
		asRow(s[1], func(p *model.Person) { p.Node = rg02 }), // 李四 at grid 02 ...
		asRow(s[1], nil), // ... and at grid 01 still
		asRow(s[3], func(p *model.Person) { p.Node = rg03 }), // 钱七 at grid 03
	})
	requirePlan(t, []planned{
		{model.RosterAdd, 0, nil, 0},
		{model.RosterSame, 5, nil, 0},
		{model.RosterAdd, 0, nil, 0},
	}, plan)
	assert.Equal(t, []model.Person{s[3], s[4]}, plan[2].PostOf)
	assert.Equal(t, model.RosterTally{Rows: 3, Added: 2, Posts: 2, Same: 1}, model.TallyRoster(plan))
}

// Two people of different names on one phone, on the roster or in the
// file, are named on the rows that add or change an entry.
func TestPlanRosterSharedPhones(t *testing.T) {
	s := rosterStored()
	plan := model.PlanRoster(s, []model.Person{
		rosterPerson(0, "孙八", "13905790011", rg03, model.RoleGridLeader), // 王五's phone
		rosterPerson(0, "吴十", "13905790011", rg02, model.RoleGridLeader), // and again
		rosterPerson(0, "吴十", "13905790011", rg02, model.RoleGridLeader), // a repeat is named once
		asRow(s[1], nil), // 李四 as he stands: not a new claim on anything
	})
	requirePlan(t, []planned{
		{model.RosterAdd, 0, nil, 0},
		{model.RosterAdd, 0, nil, 0},
		{model.RosterRepeat, 0, nil, 2},
		{model.RosterSame, 5, nil, 0},
	}, plan)
	require.Len(t, plan[0].PhoneOf, 1)
	assert.Equal(t, model.PersonID(4), plan[0].PhoneOf[0].ID)
	assert.Equal(t, []int{2}, plan[0].PhoneRows)
	assert.Equal(t, []int{1}, plan[1].PhoneRows)
	assert.Nil(t, plan[2].PhoneOf)
	assert.Nil(t, plan[3].PhoneOf)

	// A sharing the roster has already is not warned of again when a row
	// changes no name or phone.
	withSun := append(rosterStored(), rosterPerson(9, "孙八", "13905790011", rg03, model.RoleGridLeader))
	plan = model.PlanRoster(withSun, []model.Person{asRow(withSun[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridWorkerFull} })})
	requirePlan(t, []planned{{model.RosterChange, 4, []string{"roles"}, 0}}, plan)
	assert.Empty(t, plan[0].PhoneOf)
	renamed := withSun[0]
	renamed.Name = "王伍"
	plan = model.PlanRoster(withSun, []model.Person{renamed})
	requirePlan(t, []planned{{model.RosterChange, 4, []string{"name"}, 0}}, plan)
	assert.Equal(t, []model.Person{withSun[5]}, plan[0].PhoneOf, "a new name on a shared phone is; the entry renamed is not another person")

	// One person's posts at two nodes share a phone and a name: no one else.
	plan = model.PlanRoster(s, []model.Person{asRow(s[3], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridLeader} })})
	requirePlan(t, []planned{{model.RosterChange, 7, []string{"roles"}, 0}}, plan)
	assert.Empty(t, plan[0].PhoneOf)
}

// The refusals of the rows an import cannot take say who, where, what
// differs and what to do, in both languages; a change is refused only
// without update.
func TestRosterRefusal(t *testing.T) {
	s := rosterStored()
	names := func(c model.NodeCode) string {
		return map[model.NodeCode]string{rg01: "渎溪村 01", rg02: "渎溪村 02"}[c]
	}
	row := func(n int) (string, string) { return "line 3", "第 3 行" }
	renamed := s[3]
	renamed.Name = "钱柒"
	plan := model.PlanRoster(s, []model.Person{
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridWorkerFull} }),
		renamed,
		asRow(s[2], func(p *model.Person) { p.OnDuty = true }),
		asRow(s[2], func(p *model.Person) { p.OnDuty = false }),
		rosterPerson(0, "孙八", "13905790015", rg03, model.RoleGridLeader),
		rosterPerson(99, "周九", "13905790019", rg01, model.RoleGridLeader),
	})
	err := model.RosterRefusal(plan[0], false, names, row)
	require.NotNil(t, err)
	assert.Equal(t, model.ECONFLICT, err.Code)
	assert.Equal(t, "would change P4 王五 (13905790011, 渎溪村 01 330784114266-01): roles grid_worker_pt → grid_worker_ft; pass --update to change it", err.Message)
	assert.Equal(t, "将改动 P4 王五（13905790011，渎溪村 01 330784114266-01）：角色 兼职网格员 → 专职网格员；要改动请加 --update", err.MessageZh)
	assert.Nil(t, model.RosterRefusal(plan[0], true, names, row), "with update")

	err = model.RosterRefusal(plan[1], false, names, row)
	assert.Equal(t, "would change P7 钱七 (13905790014, 渎溪村 01 330784114266-01): name 钱七 → 钱柒; pass --update to change it", err.Message)
	assert.Equal(t, "将改动 P7 钱七（13905790014，渎溪村 01 330784114266-01）：姓名 钱七 → 钱柒；要改动请加 --update", err.MessageZh)

	err = model.RosterRefusal(plan[3], true, names, row)
	assert.Equal(t, model.EINVALID, err.Code)
	assert.Equal(t, "赵六 (13905790013) at 渎溪村 02 330784114266-02 is on line 3 too, with other on_duty: give each entry once", err.Message)
	assert.Equal(t, "赵六（13905790013，渎溪村 02 330784114266-02）在第 3 行也有，在岗不同：每人每个节点只写一行", err.MessageZh)

	newPhone := asRow(s[2], func(p *model.Person) { p.Phone = "13905790099" })
	err = model.RosterRefusal(model.PlanRoster(s, []model.Person{newPhone})[0], true, names, row)
	assert.Equal(t, model.ECONFLICT, err.Code)
	assert.Equal(t, "赵六 (13905790099) at 渎溪村 02 330784114266-02: P6 赵六 (13905790013, 渎溪村 02 330784114266-02) is there with another phone: "+
		"for P6's new phone, write P6 in the row's id column and pass --update; for two people of one name, list P6's row as it stands too", err.Message)
	assert.Equal(t, "赵六（13905790099，渎溪村 02 330784114266-02）：P6 赵六（13905790013，渎溪村 02 330784114266-02）在该处，电话不同："+
		"若是 P6 换了电话，请在该行编号列写 P6 并加 --update；若是同名的两个人，请把 P6 原有的一行也列上", err.MessageZh)

	assert.Nil(t, model.RosterRefusal(plan[4], false, names, row), "an addition")

	err = model.RosterRefusal(plan[5], true, names, row)
	assert.Equal(t, model.ENOTFOUND, err.Code)
	assert.Equal(t, "P99 周九 (13905790019) at 渎溪村 01 330784114266-01: the roster has no P99; the id column names an entry to change: leave it empty for a new person", err.Message)
	assert.Equal(t, "P99 周九（13905790019，渎溪村 01 330784114266-01）：名册上没有 P99；编号列指明要改动的人员，新增人员请留空", err.MessageZh)

	// Two namesakes at the node, another phone; an entry given another's
	// name, phone and node.
	twins := append(rosterStored(), rosterPerson(9, "赵六", "13905790016", rg02, model.RoleGridLeader))
	err = model.RosterRefusal(model.PlanRoster(twins, []model.Person{newPhone})[0], true, names, row)
	assert.Contains(t, err.Message, "P6 赵六 (13905790013, 渎溪村 02 330784114266-02); P9 赵六 (13905790016, 渎溪村 02 330784114266-02) are there with other phones: for a new phone of one, write its id")
	assert.Contains(t, err.MessageZh, "在该处，电话不同：若是其中一人换了电话")
	taken := s[0]
	taken.Name, taken.Phone = "李四", "13905790012"
	err = model.RosterRefusal(model.PlanRoster(s, []model.Person{taken})[0], true, names, row)
	assert.Equal(t, "P4 李四 (13905790012) at 渎溪村 01 330784114266-01: P5 李四 (13905790012, 渎溪村 01 330784114266-01) has that name, phone and node already: give each entry once", err.Message)
	assert.Equal(t, "P4 李四（13905790012，渎溪村 01 330784114266-01）：P5 李四（13905790012，渎溪村 01 330784114266-01）的姓名、电话、节点与此相同：每人每个节点只写一行", err.MessageZh)
}

// benchRoster is n people at 100 grids, every tenth on one of the
// villages' landlines.
func benchRoster(n int) []model.Person {
	ps := make([]model.Person, n)
	for i := range ps {
		phone := fmt.Sprintf("139%08d", i)
		if i%10 == 0 {
			phone = fmt.Sprintf("0579-8%07d", i/100)
		}
		ps[i] = model.Person{ID: model.PersonID(i + 1), Name: fmt.Sprintf("人员%d", i), Phone: phone,
			Node: model.NodeCode(fmt.Sprintf("330784114%03d-%02d", 200+i%30, 1+i%99)), Roles: []model.Role{model.RoleGridWorkerPart}}
	}
	return ps
}

// BenchmarkPlanRoster: a town's roster of 20,000 imported first (every
// row an addition) and again (every row the same).
func BenchmarkPlanRoster(b *testing.B) {
	stored := benchRoster(20000)
	rows := make([]model.Person, len(stored))
	for i, p := range stored {
		rows[i] = asRow(p, nil)
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			model.PlanRoster(nil, rows)
		}
	})
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			model.PlanRoster(stored, rows)
		}
	})
}
