package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// WartimeStatus counts who staffs the town's and the villages' wartime
// rooms from the people the file holds, and a hub counts a federated
// town's rooms from the town's people as the town sent them: the county
// room shows what the town's own room shows (it once showed 0 on duty).
func TestWartimeStatusCountsTheRoomsOnDuty(t *testing.T) {
	tw := newTower(t)
	_, err := tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "值班村干", Phone: "13800000099", Node: village,
		Roles: []model.Role{model.RoleVillageCadre}, OnDuty: true}}, model.System, "test")
	require.NoError(t, err)
	st, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, model.RoomsOnDuty{}, st.Rooms, "peacetime: nothing counted")

	_, err = tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	want := model.RoomsOnDuty{Counted: true, Town: true, Villages: []model.NodeCode{village}}
	st, err = tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, want, st.Rooms)

	hub := newHub(t, tw)
	_, err = hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"}}, model.System, "test: the county")
	require.NoError(t, err)
	// The county's own duty officer, on duty at the hub, staffs no room of the town's.
	_, err = hub.ImportPeople(tw.ctx, []model.Person{{Name: "县值班", Phone: "13800000001", Node: "330784",
		Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true}}, model.System, "test")
	require.NoError(t, err)
	applyAll(t, tw, hub)
	for _, scope := range []model.NodeCode{"330784", town, ""} {
		hs, err := hub.WartimeStatus(tw.ctx, scope)
		require.NoError(t, err)
		assert.Equal(t, want, hs.Rooms, "the hub's copy over %q", scope)
	}
}
