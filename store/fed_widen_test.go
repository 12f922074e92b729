package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Codes of the second village the federation's widening tests add.
const (
	village2 = model.NodeCode("330784114201")
	micro2   = model.NodeCode("330784114201-01-01")
)

// villageWartime is the busy town with a second village (花街村, one
// micro-grid with its worker) and 渎溪村's wartime, and the county's hub
// holding the town's records, with the county's officer.
func villageWartime(t *testing.T) (*tower, *DB, model.Person, model.Activation) {
	t.Helper()
	tw, _ := busyTown(t)
	_, err := tw.s.ImportNodes(tw.ctx, []model.Node{
		{Code: village2, Level: model.LevelVillage, Name: "花街村", Parent: town},
		{Code: village2.Child(1), Level: model.LevelGrid, Name: "花街第1网格", Parent: village2},
		{Code: micro2, Level: model.LevelMicroGrid, Name: "花街1-1微网格", Parent: village2.Child(1), Households: 40},
	}, model.System, "second village")
	require.NoError(t, err)
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "郑微网格", Phone: "13800000009", Node: micro2,
		Roles: []model.Role{model.RoleMicroGridWorker}}}, model.System, "")
	require.NoError(t, err)
	a, err := tw.s.Activate(tw.ctx, model.ReasonTyphoon, []model.NodeCode{village}, false, "", tw.duty.ID)
	require.NoError(t, err)
	hub, officer := countyHub(t, tw)
	return tw, hub, officer, a
}

// The town widens its village's wartime to the town: the record goes up
// as the other wartime records do, and the hub's copy shows the new
// scope, the widening, the units taken in, and the widen event under the
// hub's id of the activation.
func TestFedTownsWideningShowsOnTheHub(t *testing.T) {
	tw, hub, _, a := villageWartime(t)
	st, err := hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	require.Len(t, st.Towns, 1)
	assert.Equal(t, []model.NodeCode{village}, st.Active.Scope)
	hubID := st.Active.ID

	_, err = tw.s.Widen(tw.ctx, a.ID, []model.NodeCode{town}, tw.duty.ID)
	require.NoError(t, err)
	fedSync(t, tw.s, hub)
	want, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	st, err = hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	require.Len(t, st.Towns, 1)
	assert.Equal(t, hubID, st.Active.ID, "the same activation on the hub")
	assert.Equal(t, []model.NodeCode{town}, st.Active.Scope)
	require.Len(t, st.Active.Widened, 1)
	assert.Equal(t, []model.NodeCode{village}, st.Active.Widened[0].From)
	officers, err := hub.People(tw.ctx, model.PeopleFilter{Node: town, Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	require.Len(t, officers, 1)
	assert.Equal(t, officers[0].ID, st.Active.Widened[0].By, "by the hub's copy of the town's officer")
	assert.Equal(t, want.Active.Widened[0].MicroGrids, st.Active.Widened[0].MicroGrids)
	assert.Equal(t, want.Active.MicroGrids, st.Active.MicroGrids)
	assert.Len(t, st.Units, len(want.Units), "the unit taken in, on the hub")
	assert.Equal(t, want.Staffed, st.Staffed)
	evs, err := hub.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, model.ActWiden, evs[0].Action)
	assert.Equal(t, hubID, evs[0].Directive, "the hub's id of the activation")
	requireClean(t, hub)
}

// The county widens a federated town's village wartime to the town: the
// hub's copy is not changed, the widening goes down as a command the town
// applies once (by its own rules, in the county officer's name), and comes
// back up.
func TestFedCountyWidensATownsWartimeAsACommand(t *testing.T) {
	tw, hub, officer, _ := villageWartime(t)
	_, err := hub.Widen(tw.ctx, "", []model.NodeCode{town}, officer.ID)
	requireCode(t, err, model.EQUEUED)
	assert.Equal(t, "sent to 花街镇, waiting for it to act (command 1)", model.ErrorMessage(err))
	st, err := hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{village}, st.Active.Scope, "the hub's copy is not changed")

	cmds := commands(t, hub, 0)
	require.Len(t, cmds, 1)
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	require.NoError(t, tw.s.FedCommand(tw.ctx, cmds[0]))
	ts, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town}, ts.Active.Scope, "the town's wartime widened")
	evs, err := tw.s.Events(tw.ctx, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, model.ActWiden, evs[0].Action)
	assert.Equal(t, "县值班", evs[0].ActorName)
	assert.Contains(t, evs[0].NoteZh, "上级下行命令 1，县值班 下达")
	assert.NotEqual(t, model.ActWiden, evs[1].Action, "widened once")

	fedSync(t, tw.s, hub)
	st, err = hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Equal(t, []model.NodeCode{town}, st.Active.Scope, "the county sees the town's wartime widened")
	requireClean(t, hub)
	requireClean(t, tw.s)
}
