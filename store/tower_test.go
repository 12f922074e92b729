package store

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

func TestNodesRoundTrip(t *testing.T) {
	tw := newTower(t)
	want := tinyNodes()
	byCode := map[model.NodeCode]model.Node{}
	for _, n := range want {
		byCode[n.Code] = n
	}
	for _, n := range want {
		got, err := tw.s.Node(tw.ctx, n.Code)
		require.NoError(t, err)
		assert.Equal(t, n, got)
	}
	all, err := tw.s.Nodes(tw.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town, village, grid01, micro011, micro012, grid02, micro021, grid10, micro101},
		codesOf(all))

	sub, err := tw.s.Nodes(tw.ctx, grid01)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{grid01, micro011, micro012}, codesOf(sub), "grid 01 is not grid 10's prefix")
	sub, err = tw.s.Nodes(tw.ctx, grid10)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{grid10, micro101}, codesOf(sub))

	_, err = tw.s.Node(tw.ctx, "330784114266-05")
	requireCode(t, err, model.ENOTFOUND)
	assert.Contains(t, err.Error(), "330784114266-05")
	_, err = tw.s.Nodes(tw.ctx, "330784114266-05")
	requireCode(t, err, model.ENOTFOUND)
	_, err = tw.s.Nodes(tw.ctx, "33-x")
	requireCode(t, err, model.EINVALID)
}

func TestImportNodes(t *testing.T) {
	tw := newTower(t)
	events := func() int {
		evs, err := tw.s.Events(tw.ctx, 0, 1000)
		require.NoError(t, err)
		return len(evs)
	}
	n0 := events()

	// Again: nothing to add, no event.
	n, err := tw.s.ImportNodes(tw.ctx, tinyNodes(), model.System, "")
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	assert.Equal(t, n0, events())

	// New grid 03 with two micro-grids, the parent in the batch: one event
	// about the shallowest node.
	g3 := village.Child(3)
	add := []model.Node{
		{Code: g3.Child(2), Level: model.LevelMicroGrid, Name: "3-2", Parent: g3, Households: 50},
		{Code: g3, Level: model.LevelGrid, Name: "第3网格", Parent: village},
		{Code: g3.Child(1), Level: model.LevelMicroGrid, Name: "3-1", Parent: g3, Households: 70},
		{Code: grid01, Level: model.LevelGrid, Name: "already there", Parent: village},
	}
	n, err = tw.s.ImportNodes(tw.ctx, add, tw.duty.ID, "re-cut")
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, model.ActImport, evs[0].Action)
	assert.Equal(t, g3, evs[0].Node)
	assert.Equal(t, "re-cut: 1 grid, 2 micro-grids", evs[0].Note)
	assert.Equal(t, "re-cut：1 个网格、2 个微网格", evs[0].NoteZh)
	assert.Equal(t, tw.duty.ID, evs[0].Actor)
	assert.Equal(t, "陈值班", evs[0].ActorName)
	got, err := tw.s.Node(tw.ctx, grid01)
	require.NoError(t, err)
	assert.Equal(t, "渎溪第1网格", got.Name, "a stored node is left as it is")

	// All or nothing: one orphan refuses the whole batch.
	before := dump(t, tw.s)
	g4 := village.Child(4)
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{
		{Code: g4, Level: model.LevelGrid, Name: "第4网格", Parent: village},
		{Code: village.Child(5).Child(1), Level: model.LevelMicroGrid, Name: "orphan", Parent: village.Child(5)},
	}, model.System, "")
	requireCode(t, err, model.ENOTFOUND)
	assert.Contains(t, err.Error(), "330784114266-05")
	requireZh(t, err)
	assert.Equal(t, before, dump(t, tw.s))

	// Invalid nodes and unknown actors are refused before anything is written.
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{{Code: g4, Level: model.LevelVillage, Name: "x", Parent: village}}, model.System, "")
	requireCode(t, err, model.EINVALID)
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{{Code: g4, Level: model.LevelGrid, Name: "a", Parent: village},
		{Code: g4, Level: model.LevelGrid, Name: "b", Parent: village}}, model.System, "")
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{{Code: g4, Level: model.LevelGrid, Name: "a", Parent: village}}, 999, "")
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, before, dump(t, tw.s))

	// Text that could drive a terminal is cleaned on the way in; a name that
	// is nothing else is refused.
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{{Code: g4, Level: model.LevelGrid, Name: "\x07\x1b[2J", Parent: village}}, model.System, "")
	requireCode(t, err, model.EINVALID)
	n, err = tw.s.ImportNodes(tw.ctx, []model.Node{{Code: g4, Level: model.LevelGrid, Name: "\x1b[31m第4网格\x1b[0m\u202e",
		Parent: village, Tags: []string{"\x1b]0;pwned\x07", "沿河"}}}, model.System, "")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, err = tw.s.Node(tw.ctx, g4)
	require.NoError(t, err)
	assert.Equal(t, "第4网格", got.Name)
	assert.Equal(t, []string{"沿河"}, got.Tags)
	requireClean(t, tw.s)
}

func TestPeopleRoundTrip(t *testing.T) {
	tw := newTower(t)
	for i, want := range tinyPeople() {
		got, err := tw.s.Person(tw.ctx, model.PersonID(i+1))
		require.NoError(t, err)
		want.ID = model.PersonID(i + 1)
		assert.Equal(t, want, got)
	}
	all, err := tw.s.People(tw.ctx, model.PeopleFilter{})
	require.NoError(t, err)
	assert.Len(t, all, len(tinyPeople()))

	sub, err := tw.s.People(tw.ctx, model.PeopleFilter{Node: grid01})
	require.NoError(t, err)
	assert.Equal(t, []model.PersonID{tw.leader01.ID, tw.worker01.ID, tw.micro.ID}, idsOf(sub))
	sub, err = tw.s.People(tw.ctx, model.PeopleFilter{Node: village, Role: model.RoleGridLeader})
	require.NoError(t, err)
	assert.Equal(t, []model.PersonID{tw.leader02.ID, tw.leader01.ID}, idsOf(sub))
	sub, err = tw.s.People(tw.ctx, model.PeopleFilter{Role: "值班员"})
	require.NoError(t, err)
	assert.Equal(t, []model.PersonID{tw.duty.ID}, idsOf(sub))

	_, err = tw.s.Person(tw.ctx, 404)
	requireCode(t, err, model.ENOTFOUND)
	assert.Contains(t, err.Error(), "P404")
}

// PeopleOf reads the people of a list at once: each once, in id order, as
// Person reads them; an id the roster does not hold is refused as by
// Person; none, no one.
func TestPeopleOf(t *testing.T) {
	tw := newTower(t)
	ids := []model.PersonID{tw.micro.ID, tw.duty.ID, tw.micro.ID, tw.cadre.ID}
	got, err := tw.s.PeopleOf(tw.ctx, ids)
	require.NoError(t, err)
	assert.Equal(t, []model.Person{tw.duty, tw.cadre, tw.micro}, got)
	assert.Equal(t, tw.micro.ID, ids[0], "the list given is not changed")
	none, err := tw.s.PeopleOf(tw.ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = tw.s.PeopleOf(tw.ctx, []model.PersonID{tw.duty.ID, 404})
	requireCode(t, err, model.ENOTFOUND)
	assert.Contains(t, err.Error(), "P404")
}

func TestImportPeople(t *testing.T) {
	tw := newTower(t)
	added, err := tw.s.ImportPeople(tw.ctx, []model.Person{
		// Same name, phone and node as a stored person: skipped.
		{Name: "王网格员", Phone: "13800000005", Node: grid01, Roles: []model.Role{model.RoleGridWorkerFull}},
		// A spaced phone, a role twice, a reserve kind by its Chinese name: stored canonical.
		{Name: " 郑网格员 ", Phone: "+86 138 0000 0009", Node: grid10, Roles: []model.Role{model.RoleGridLeader, model.RoleGridLeader}},
		// Twice in one import: once.
		{Name: "钱志愿", Phone: "13800000010", Node: micro101, Roles: []model.Role{model.RoleReserve}, Reserve: "志愿者"},
		{Name: "钱志愿", Phone: "13800000010", Node: micro101, Roles: []model.Role{model.RoleReserve}, Reserve: "志愿者"},
		// Same name and phone at another node: a different entry.
		{Name: "王网格员", Phone: "13800000005", Node: grid10, Roles: []model.Role{model.RoleGridWorkerPart}},
	}, tw.duty.ID, "spring roster")
	require.NoError(t, err)
	require.Len(t, added, 3)
	n := model.PersonID(len(tinyPeople()))
	assert.Equal(t, []model.PersonID{n + 1, n + 2, n + 3}, idsOf(added))
	assert.Equal(t, model.Person{ID: n + 1, Name: "郑网格员", Phone: "13800000009", Node: grid10,
		Roles: []model.Role{model.RoleGridLeader}}, added[0])
	assert.Equal(t, model.ReserveVolunteer, added[1].Reserve)
	got, err := tw.s.Person(tw.ctx, n+1)
	require.NoError(t, err)
	assert.Equal(t, added[0], got)
	assert.True(t, got.Has(model.RoleGridLeader))

	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, "spring roster: 3 people (2 skipped, already on the roster)", evs[0].Note)
	assert.Equal(t, "spring roster：3 人（2 人已在名册，跳过）", evs[0].NoteZh)
	assert.Equal(t, village.Child(10), evs[0].Node)

	// All or none: a person at an unknown node refuses the lot.
	before := dump(t, tw.s)
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{
		{Name: "甲", Phone: "13800000011", Node: grid02, Roles: []model.Role{model.RoleGridWorkerPart}},
		{Name: "乙", Phone: "13800000012", Node: village.Child(7), Roles: []model.Role{model.RoleGridWorkerPart}},
	}, model.System, "")
	requireCode(t, err, model.ENOTFOUND)
	assert.Contains(t, err.Error(), "330784114266-07")
	requireZh(t, err)
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "\x1b[8m", Phone: "13800000014", Node: grid02, Roles: []model.Role{model.RoleGridWorkerPart}}}, model.System, "")
	requireCode(t, err, model.EINVALID) // nothing left of the name once cleaned
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "戊", Phone: "13800000015", Node: grid02, Roles: []model.Role{model.RoleReserve}, Reserve: "hero"}}, model.System, "")
	requireCode(t, err, model.EINVALID)
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "丁", Phone: "13800000013", Node: grid02, Roles: []model.Role{"网格长"}}}, model.System, "")
	requireCode(t, err, model.EINVALID) // model.Person.Validate wants role keys
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "丙", Phone: "12345", Node: grid02, Roles: []model.Role{model.RoleGridWorkerPart}}}, model.System, "")
	requireCode(t, err, model.EINVALID)
	assert.Equal(t, before, dump(t, tw.s))
	requireClean(t, tw.s)
}

func TestPeopleIDsPastByteBoundaries(t *testing.T) {
	tw := newTower(t)
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPeople).SetSequence(250)
	}))
	var batch []model.Person
	for i := 0; i < 300; i++ {
		batch = append(batch, model.Person{Name: fmt.Sprintf("员%03d", i), Phone: fmt.Sprintf("139%08d", i),
			Node: micro011, Roles: []model.Role{model.RoleMicroGridWorker}})
	}
	added, err := tw.s.ImportPeople(tw.ctx, batch, model.System, "")
	require.NoError(t, err)
	assert.Equal(t, model.PersonID(251), added[0].ID)
	assert.Equal(t, model.PersonID(550), added[299].ID)
	list, err := tw.s.People(tw.ctx, model.PeopleFilter{Node: micro011})
	require.NoError(t, err)
	require.Len(t, list, 300)
	for i := 1; i < len(list); i++ {
		require.Less(t, list[i-1].ID, list[i].ID)
	}
	requireClean(t, tw.s)
}

func TestPeopleByNodePrefixCase(t *testing.T) {
	tw := newTower(t)
	// -01 holds a leader and a worker, -01-02 a micro-grid worker, -10 nobody
	// yet; add someone at -10 so a careless prefix would show them.
	added, err := tw.s.ImportPeople(tw.ctx, []model.Person{
		{Name: "十网格长", Phone: "13800000020", Node: grid10, Roles: []model.Role{model.RoleGridLeader}},
	}, model.System, "")
	require.NoError(t, err)
	require.NoError(t, tw.s.db.View(func(tx *bolt.Tx) error {
		assert.Equal(t, []uint64{uint64(tw.leader01.ID), uint64(tw.worker01.ID)}, peopleIn(tx, grid01, true))
		assert.Equal(t, []uint64{uint64(tw.leader01.ID), uint64(tw.worker01.ID), uint64(tw.micro.ID)}, peopleIn(tx, grid01, false))
		assert.Equal(t, []uint64{uint64(tw.micro.ID)}, peopleIn(tx, micro012, true))
		assert.Equal(t, []uint64{uint64(added[0].ID)}, peopleIn(tx, grid10, true))
		assert.Empty(t, peopleIn(tx, village.Child(1).Child(3), false))
		return nil
	}))
	sub, err := tw.s.People(tw.ctx, model.PeopleFilter{Node: grid10})
	require.NoError(t, err)
	assert.Equal(t, []model.PersonID{added[0].ID}, idsOf(sub))
}
