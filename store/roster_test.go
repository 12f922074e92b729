package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// ImportRoster: a dry run writes nothing and says what the import would
// do; without Update a row that changes an entry refuses the whole import,
// naming its row; with Update the changes are written (a move, by the
// entry's id, re-indexed, the per-node counters moved) with the additions,
// in one event; the check stays clean.
func TestImportRoster(t *testing.T) {
	tw := newTower(t)
	worker := tw.worker01 // 王网格员, full-time at grid 01
	partTime := worker
	partTime.ID, partTime.Roles = 0, []model.Role{model.RoleGridWorkerPart}
	moved := tw.leader01 // 李网格长, from grid 01 to grid 10: by its id
	moved.Node = grid10
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

// The same phone and node under another name (a colleague on the village
// office's landline) and the same name and phone at another node (a
// second post) are new entries: the entry on the roster keeps its name,
// its node and what hangs on its id. A review saw the landline's new
// colleague import as a rename of the entry, with --update.
func TestImportRosterKeepsIdentities(t *testing.T) {
	tw := newTower(t)
	cadre := tw.cadre
	colleague := model.Person{Name: "郑村干部", Phone: cadre.Phone, Node: cadre.Node, Roles: cadre.Roles}
	second := cadre
	second.ID, second.Node, second.Roles = 0, grid02, []model.Role{model.RoleGridLeader}
	plan, err := tw.s.ImportRoster(tw.ctx, []model.Person{colleague, second}, model.RosterImport{Update: true}, tw.duty.ID, "r.csv")
	require.NoError(t, err)
	assert.Equal(t, []model.RosterAction{model.RosterAdd, model.RosterAdd}, []model.RosterAction{plan[0].Action, plan[1].Action})
	assert.NotEqual(t, cadre.ID, plan[0].Person.ID)
	assert.Equal(t, []model.Person{cadre}, plan[0].PhoneOf)
	assert.Equal(t, []model.Person{cadre}, plan[1].PostOf)
	got, err := tw.s.Person(tw.ctx, cadre.ID)
	require.NoError(t, err)
	assert.Equal(t, cadre, got, "the entry as it was")
	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, "r.csv: 2 people (1 a further post of "+cadre.ID.String()+")", evs[0].Note)
	assert.Equal(t, "r.csv：2 人（其中 1 人为 "+cadre.ID.String()+" 的另一岗位）", evs[0].NoteZh)
	requireClean(t, tw.s)

	// A new phone at the same node, without the entry's id: refused,
	// naming it; with the id, written.
	newPhone := tw.leader02
	newPhone.ID, newPhone.Phone = 0, "13800000099"
	_, err = tw.s.ImportRoster(tw.ctx, []model.Person{newPhone}, model.RosterImport{Update: true}, tw.duty.ID, "r.csv")
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Contains(t, err.Error(), "is there with another phone: for "+tw.leader02.ID.String()+"'s new phone, write "+tw.leader02.ID.String()+" in the row's id column")
	newPhone.ID = tw.leader02.ID
	plan, err = tw.s.ImportRoster(tw.ctx, []model.Person{newPhone}, model.RosterImport{Update: true}, tw.duty.ID, "r.csv")
	require.NoError(t, err)
	assert.Equal(t, []string{"phone"}, plan[0].Diff)
	got, err = tw.s.Person(tw.ctx, tw.leader02.ID)
	require.NoError(t, err)
	assert.Equal(t, "13800000099", got.Phone)

	_, err = tw.s.ImportRoster(tw.ctx, []model.Person{{ID: 999, Name: "甲", Phone: "13800000019", Node: grid02, Roles: []model.Role{model.RoleGridLeader}}},
		model.RosterImport{Update: true}, tw.duty.ID, "r.csv")
	requireCode(t, err, model.ENOTFOUND)
	assert.Contains(t, err.Error(), "the roster has no P999")
}

// The import plans on a read of the roster, outside the writer; a person
// written between that read and the write makes the write plan again (a
// stale plan would add 郑网格长 twice). Every write of a person moves the
// roster's rev: an import, an update, a wartime duty flag.
func TestImportRosterPlansAgainWhenTheRosterMoved(t *testing.T) {
	tw := newTower(t)
	zheng := model.Person{Name: "郑网格长", Phone: "13800000009", Node: grid02, Roles: []model.Role{model.RoleGridLeader}}
	list, err := cleanPeople([]model.Person{zheng})
	require.NoError(t, err)
	var plan []model.RosterRow
	var rev uint64
	require.NoError(t, tw.s.view(func(tx *bolt.Tx) error {
		plan, rev, err = planRoster(tx, list, nil)
		return err
	}))
	require.Equal(t, model.RosterAdd, plan[0].Action)

	// Meanwhile another import adds him.
	_, err = tw.s.ImportRoster(tw.ctx, []model.Person{zheng}, model.RosterImport{}, tw.duty.ID, "other.csv")
	require.NoError(t, err)
	var done []model.RosterRow
	_, err = tw.s.write(tw.ctx, tw.s.importRosterFn(list, plan, rev, model.RosterImport{}, tw.duty.ID, "r.csv", &done))
	require.NoError(t, err)
	require.Len(t, done, 1)
	assert.Equal(t, model.RosterSame, done[0].Action, "planned again")
	ps, err := tw.s.People(tw.ctx, model.PeopleFilter{Node: grid02})
	require.NoError(t, err)
	n := 0
	for _, p := range ps {
		if p.Name == zheng.Name {
			n++
		}
	}
	assert.Equal(t, 1, n, "added once")

	revNow := func() uint64 {
		var r uint64
		require.NoError(t, tw.s.view(func(tx *bolt.Tx) error { r = rosterRev(tx); return nil }))
		return r
	}
	before := revNow()
	require.Greater(t, before, rev)
	_, err = tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{village}, false, "", tw.duty.ID)
	require.NoError(t, err)
	assert.Greater(t, revNow(), before, "the duty flags written by wartime")
}
