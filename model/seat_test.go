package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestSeatOf(t *testing.T) {
	officer := func(node model.NodeCode) model.Person {
		return model.Person{ID: 7, Name: "值班", Node: node, Roles: []model.Role{model.RoleDutyOfficer}}
	}
	tests := []struct {
		p          model.Person
		node, town model.NodeCode
		level      model.Level
		above      bool
	}{
		{officer(town), town, town, model.LevelTown, false},
		{officer(duxi), town, town, model.LevelTown, false}, // an officer placed in a village sits in its town's room
		{officer("330784"), "330784", "", model.LevelCounty, true},
		{officer("3307"), "3307", "", model.LevelCity, true},
		{officer("33"), "33", "", model.LevelProvince, true},
		{model.Person{ID: 8, Node: duxi, Roles: []model.Role{model.RoleVillageCadre}}, duxi, town, model.LevelVillage, false},
		{model.Person{ID: 9, Node: duxiG02, Roles: []model.Role{model.RoleGridLeader}}, duxiG02, town, model.LevelGrid, false},
	}
	for _, tt := range tests {
		s := model.SeatOf(tt.p)
		assert.Equal(t, tt.p, s.Person)
		assert.Equal(t, tt.node, s.Node, tt.p.Node)
		assert.Equal(t, tt.town, s.Town, tt.p.Node)
		assert.Equal(t, tt.node, s.Scope(), "a village room shows its village, not its town")
		assert.Equal(t, tt.level, s.Level())
		assert.Equal(t, tt.above, s.AboveTown())
		assert.True(t, s.Acts())
		assert.Equal(t, s.Node, tt.p.Scope(), "the seat is where the person may report")
	}
}

func TestNoSeat(t *testing.T) {
	s := model.NoSeat("", model.NoOperator())
	assert.False(t, s.Acts())
	assert.Zero(t, s.Person.ID)
	requireCode(t, s.ReadOnly, model.EFORBIDDEN, "no operator")
	assert.Contains(t, model.ErrorMessage(s.ReadOnly), "gridcmd import roster")
	assert.Contains(t, model.ErrorMessage(s.ReadOnly), "--as P..")
	requireZh(t, s.ReadOnly, "gridcmd import roster 文件.csv")
	assert.Equal(t, town, model.NoSeat(town, model.NoOperator()).Town)
}

// TestReadOnlySeat: a console with no operator reads the file's one root as
// that root's room (a province file opens as a province room, by its
// stored figures); over several roots or none, the whole file.
func TestReadOnlySeat(t *testing.T) {
	for _, tt := range []struct {
		roots []model.NodeCode
		node  model.NodeCode
		level model.Level
	}{
		{[]model.NodeCode{"33"}, "33", model.LevelProvince},
		{[]model.NodeCode{town}, town, model.LevelTown},
		{[]model.NodeCode{"33", "44"}, "", model.Level(0)},
		{nil, "", model.Level(0)},
	} {
		s := model.ReadOnlySeat(tt.roots, model.NoOperator())
		assert.Equal(t, tt.node, s.Node, "%v", tt.roots)
		assert.Equal(t, tt.level, s.Level(), "%v", tt.roots)
		assert.False(t, s.Acts())
	}
}

// TestSeatFocus: a county room turns to one of its towns and back; a town
// room cannot leave its town; a town outside the room is refused.
func TestSeatFocus(t *testing.T) {
	county := model.SeatOf(model.Person{ID: 1, Node: "330784", Roles: []model.Role{model.RoleDutyOfficer}})
	in, err := county.Focus(town, nil)
	require.NoError(t, err)
	assert.Equal(t, town, in.Town)
	assert.Equal(t, town, in.Scope())
	back, err := in.Focus("", nil)
	require.NoError(t, err)
	assert.Equal(t, model.NodeCode("330784"), back.Scope())

	_, err = county.Focus("330783001", nil)
	requireCode(t, err, model.EFORBIDDEN, "not under this room")
	requireZh(t, err, "辖区")
	_, err = county.Focus(duxi, nil)
	requireCode(t, err, model.EINVALID, "not a town")

	seat := model.SeatOf(model.Person{ID: 2, Node: town, Roles: []model.Role{model.RoleDutyOfficer}})
	_, err = seat.Focus("330784001", nil)
	requireCode(t, err, model.EFORBIDDEN, "cannot leave its town")
	requireZh(t, err, "不能离开本镇")
	_, err = seat.Focus("", nil)
	requireCode(t, err, model.EFORBIDDEN, "cannot leave its town")
	same, err := seat.Focus(town, nil)
	require.NoError(t, err)
	assert.Equal(t, seat, same)
	// Named where the caller knows the names (a QA: the console said
	// 本席位是 330784114 的指挥室).
	names := map[model.NodeCode]string{town: "花街镇", "330784001": "东城街道"}
	_, err = seat.Focus("330784001", func(c model.NodeCode) string { return names[c] })
	assert.Equal(t, "this seat is the room of 花街镇 "+string(town)+": it cannot leave its town", err.Error())
	requireZh(t, err, "本席位是 花街镇 "+string(town)+" 的指挥室，不能离开本镇")
	_, err = county.Focus("330783001", func(c model.NodeCode) string { return map[model.NodeCode]string{"330784": "永康市"}[c] })
	assert.Equal(t, "330783001 is not under this room (永康市 330784)", err.Error())

	for node, zh := range map[model.NodeCode]string{town: "综合信息指挥室", "330784": "社会治理中心",
		"3307": "社会治理中心", "33": "社会治理中心", "": "全部镇街"} {
		_, got := model.SeatRoomName(node, false)
		assert.Equal(t, zh, got, node)
	}
	en, _ := model.SeatRoomName("330784", false)
	assert.Equal(t, "county governance centre", en)
	assert.Equal(t, model.NodeCode("330784"), model.SeatRoom(model.Person{Node: "330784", Roles: []model.Role{model.RoleDutyOfficer}}))
}
