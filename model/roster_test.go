package model_test

import (
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
// of its roles, on-duty flag, ...); else the one entry not matched yet
// that shares two of the three (a move, a new phone, a new name); else a
// new entry. A row repeated is once; repeated otherwise, a clash.
func TestPlanRosterMatches(t *testing.T) {
	s := rosterStored()
	plan := model.PlanRoster(s, []model.Person{
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridWorkerFull} }), // 王五 made full-time
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridWorkerFull} }), // the same row again
		asRow(s[1], func(p *model.Person) { p.Node = rg02 }),                                    // 李四 moved to grid 02
		asRow(s[2], func(p *model.Person) { p.Phone = "13905790099"; p.OnDuty = true }),         // 赵六's new phone, on duty
		asRow(s[3], func(p *model.Person) { p.Name = "钱柒" }),                                    // 钱七 renamed, at grid 01
		asRow(s[4], nil), // 钱七's post at grid 02, as it stands
		rosterPerson(0, "孙八", "13905790015", rg03, model.RoleGridLeader),                    // new
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridLeader} }), // 王五 again, otherwise
	})
	requirePlan(t, []planned{
		{model.RosterChange, 4, []string{"roles"}, 0},
		{model.RosterRepeat, 0, nil, 1},
		{model.RosterChange, 5, []string{"node"}, 0},
		{model.RosterChange, 6, []string{"phone", "on_duty"}, 0},
		{model.RosterChange, 7, []string{"name"}, 0},
		{model.RosterSame, 8, nil, 0},
		{model.RosterAdd, 0, nil, 0},
		{model.RosterClash, 0, []string{"roles"}, 1},
	}, plan)
	assert.Equal(t, s[1], plan[2].Was)
	assert.Equal(t, rg02, plan[2].Person.Node)

	// Roles are a set: the same roles in another order are the same.
	twoRoles := rosterPerson(9, "周九", "13905790019", rg01, model.RoleGridLeader, model.RoleContactPerson)
	plan = model.PlanRoster([]model.Person{twoRoles}, []model.Person{
		asRow(twoRoles, func(p *model.Person) { p.Roles = []model.Role{model.RoleContactPerson, model.RoleGridLeader} }),
	})
	requirePlan(t, []planned{{model.RosterSame, 9, nil, 0}}, plan)
}

// A row that keeps an entry as it is matches it first, so another row of
// the same person at a new node is a second post, not a move; a row that
// could move either of two posts is ambiguous.
func TestPlanRosterPosts(t *testing.T) {
	s := rosterStored()
	plan := model.PlanRoster(s, []model.Person{
		asRow(s[1], func(p *model.Person) { p.Node = rg02 }), // 李四 at grid 02 ...
		asRow(s[1], nil), // ... and at grid 01 still
		asRow(s[3], func(p *model.Person) { p.Node = rg03 }), // 钱七 at grid 03: from 01 or from 02?
	})
	requirePlan(t, []planned{
		{model.RosterAdd, 0, nil, 0},
		{model.RosterSame, 5, nil, 0},
		{model.RosterAmbiguous, 0, nil, 0},
	}, plan)
	require.Len(t, plan[2].Candidates, 2)
	assert.Equal(t, []model.PersonID{7, 8}, []model.PersonID{plan[2].Candidates[0].ID, plan[2].Candidates[1].ID})
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
	plan = model.PlanRoster(withSun, []model.Person{asRow(withSun[0], func(p *model.Person) { p.Name = "王伍" })})
	require.Len(t, plan[0].PhoneOf, 1, "a new name on a shared phone is")
	assert.Equal(t, model.PersonID(9), plan[0].PhoneOf[0].ID)

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
	plan := model.PlanRoster(s, []model.Person{
		asRow(s[0], func(p *model.Person) { p.Roles = []model.Role{model.RoleGridWorkerFull} }),
		asRow(s[3], func(p *model.Person) { p.Name = "钱柒" }),
		asRow(s[3], func(p *model.Person) { p.Name = "钱柒"; p.OnDuty = true }),
		asRow(s[3], func(p *model.Person) { p.Node = rg03 }),
		rosterPerson(0, "孙八", "13905790015", rg03, model.RoleGridLeader),
	})
	err := model.RosterRefusal(plan[0], false, names, row)
	require.NotNil(t, err)
	assert.Equal(t, model.ECONFLICT, err.Code)
	assert.Equal(t, "would change P4 王五 (13905790011, 渎溪村 01 330784114266-01): roles grid_worker_pt → grid_worker_ft; pass --update to change it", err.Message)
	assert.Equal(t, "将改动 P4 王五（13905790011，渎溪村 01 330784114266-01）：角色 兼职网格员 → 专职网格员；要改动请加 --update", err.MessageZh)
	assert.Nil(t, model.RosterRefusal(plan[0], true, names, row), "with update")

	err = model.RosterRefusal(plan[1], false, names, row)
	assert.Contains(t, err.Message, "name 钱七 → 钱柒; pass --update to change it (if they are two people, list P7's row as it stands too)")
	assert.Contains(t, err.MessageZh, "姓名 钱七 → 钱柒；要改动请加 --update（若是两个人，请把 P7 原有的一行也列上）")

	err = model.RosterRefusal(plan[2], true, names, row)
	assert.Equal(t, model.EINVALID, err.Code)
	assert.Equal(t, "钱柒 (13905790014) at 渎溪村 01 330784114266-01 is on line 3 too, with other on_duty: give each entry once", err.Message)
	assert.Equal(t, "钱柒（13905790014，渎溪村 01 330784114266-01）在第 3 行也有，在岗不同：每人每个节点只写一行", err.MessageZh)

	err = model.RosterRefusal(model.PlanRoster(s, []model.Person{plan[3].Person})[0], true, names, row)
	assert.Equal(t, "钱七 (13905790014) at 330784114266-03 matches 2 entries on the roster (P7 钱七 (13905790014, 渎溪村 01 330784114266-01); P8 钱七 (13905790014, 渎溪村 02 330784114266-02)): list each of them as it should stand", err.Message)
	assert.Contains(t, err.MessageZh, "与名册上 2 人都对得上（P7 钱七（13905790014，渎溪村 01 330784114266-01）；P8")

	assert.Nil(t, model.RosterRefusal(plan[4], false, names, row), "an addition")
}
