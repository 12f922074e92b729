package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// ImportRoster: a dry run writes nothing and says what the import would
// do; without Update a row that changes an entry refuses the whole import,
// naming its row; with Update the changes are written (a move re-indexed,
// the per-node counters moved) with the additions, in one event; the
// check stays clean.
func TestImportRoster(t *testing.T) {
	tw := newTower(t)
	worker := tw.worker01 // 王网格员, full-time at grid 01
	partTime := worker
	partTime.ID, partTime.Roles = 0, []model.Role{model.RoleGridWorkerPart}
	moved := tw.leader01 // 李网格长, from grid 01 to grid 10
	moved.ID, moved.Node = 0, grid10
	newcomer := model.Person{Name: "郑网格长", Phone: "13800000009", Node: grid02, Roles: []model.Role{model.RoleGridLeader}}
	same := tw.duty
	same.ID = 0
	rows := []model.Person{partTime, moved, newcomer, same}

	before := dump(t, tw.s)
	plan, err := tw.s.ImportRoster(tw.ctx, rows, model.RosterImport{DryRun: true}, tw.duty.ID, "roster.csv")
	require.NoError(t, err)
	require.Len(t, plan, 4)
	assert.Equal(t, []model.RosterAction{model.RosterChange, model.RosterChange, model.RosterAdd, model.RosterSame},
		[]model.RosterAction{plan[0].Action, plan[1].Action, plan[2].Action, plan[3].Action})
	assert.Equal(t, []string{"roles"}, plan[0].Diff)
	assert.Equal(t, worker.ID, plan[0].Person.ID)
	assert.Equal(t, []string{"node"}, plan[1].Diff)
	assert.Equal(t, before, dump(t, tw.s), "a dry run writes nothing")

	_, err = tw.s.ImportRoster(tw.ctx, rows, model.RosterImport{}, tw.duty.ID, "roster.csv")
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Contains(t, err.Error(), "would change "+worker.ID.String()+" 王网格员 (13800000005, 渎溪村 01 "+string(grid01)+"): roles grid_worker_ft → grid_worker_pt; pass --update")
	item, _ := model.ErrorItem(err)
	assert.Equal(t, 1, item)
	assert.Equal(t, before, dump(t, tw.s), "refused whole")

	staffAt := func(c model.NodeCode) int {
		st, err := tw.s.StatsIn(tw.ctx, c)
		require.NoError(t, err)
		return st.People.Total
	}
	at01, at10 := staffAt(grid01), staffAt(grid10)
	plan, err = tw.s.ImportRoster(tw.ctx, rows, model.RosterImport{Update: true}, tw.duty.ID, "roster.csv")
	require.NoError(t, err)
	require.NotZero(t, plan[2].Person.ID, "the addition has its id")
	got, err := tw.s.Person(tw.ctx, worker.ID)
	require.NoError(t, err)
	assert.Equal(t, []model.Role{model.RoleGridWorkerPart}, got.Roles)
	got, err = tw.s.Person(tw.ctx, tw.leader01.ID)
	require.NoError(t, err)
	assert.Equal(t, grid10, got.Node)
	at := func(c model.NodeCode) []model.PersonID {
		ps, err := tw.s.People(tw.ctx, model.PeopleFilter{Node: c})
		require.NoError(t, err)
		var ids []model.PersonID
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
		return ids
	}
	assert.NotContains(t, at(grid01), tw.leader01.ID, "moved out of grid 01's index")
	assert.Contains(t, at(grid10), tw.leader01.ID)
	assert.Equal(t, at01-1, staffAt(grid01))
	assert.Equal(t, at10+1, staffAt(grid10))

	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActImport, evs[0].Action)
	assert.Equal(t, "roster.csv: 1 person, 2 updated ("+worker.ID.String()+" roles; "+tw.leader01.ID.String()+" node) (1 skipped, already on the roster)", evs[0].Note)
	assert.Equal(t, "roster.csv：1 人，更新 2 人（"+worker.ID.String()+" 角色；"+tw.leader01.ID.String()+" 节点）（1 人已在名册，跳过）", evs[0].NoteZh)
	requireClean(t, tw.s)

	// Again: nothing to do, no event; the plan says so.
	plan, err = tw.s.ImportRoster(tw.ctx, rows, model.RosterImport{}, tw.duty.ID, "roster.csv")
	require.NoError(t, err)
	for _, r := range plan {
		assert.Equal(t, model.RosterSame, r.Action)
	}
	again, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, evs[0].Seq, again[0].Seq)
}

// A clash in the file and an ambiguous row refuse the import even with
// Update, naming the rows.
func TestImportRosterRefusesClashes(t *testing.T) {
	tw := newTower(t)
	a := model.Person{Name: "郑网格长", Phone: "13800000009", Node: grid02, Roles: []model.Role{model.RoleGridLeader}}
	b := a
	b.Roles = []model.Role{model.RoleContactPerson}
	_, err := tw.s.ImportRoster(tw.ctx, []model.Person{a, b}, model.RosterImport{Update: true}, model.System, "")
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	assert.Contains(t, err.Error(), "is on row 1 of this import too, with other roles")
	item, other := model.ErrorItem(err)
	assert.Equal(t, [2]int{2, 1}, [2]int{item, other})

	_, err = tw.s.ImportRoster(tw.ctx, []model.Person{{Name: "甲", Phone: "13800000019", Node: village.Child(7), Roles: []model.Role{model.RoleGridLeader}}},
		model.RosterImport{Update: true}, model.System, "")
	requireCode(t, err, model.ENOTFOUND)
	requireZh(t, err)
}
