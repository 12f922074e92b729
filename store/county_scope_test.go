package store

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// yuandingArea is a patrol area of 东城街道's 园丁社区, patrolled by its
// patroller, imported by its officer.
func (tw *countyTower) yuandingArea(t *testing.T) model.PatrolArea {
	t.Helper()
	a := model.PatrolArea{Code: "P-YD-01", Name: "园丁巡查", Kind: model.KindVillage, Village: yuandingVillage,
		Every: 24 * time.Hour, Patroller: tw.dcPatroller.ID, Checkpoints: []model.Checkpoint{{Code: "A", Name: "社区大门"}}}
	_, _, err := tw.s.ImportAreas(tw.ctx, []model.PatrolArea{a}, tw.dcOfficer.ID, "yd.csv")
	require.NoError(t, err)
	return a
}

// findingIDs are the ids of fs, in their order.
func findingIDs(fs []model.Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	return ids
}

// TestFindingsOfATown: on a file of two towns, the findings a filter's
// node selects are those of areas in its subtree (a QA: 花街镇's desk
// listed 东城街道's findings), waiting or found since; the county's node,
// or none, selects both towns'.
func TestFindingsOfATown(t *testing.T) {
	tw := newCountyTower(t)
	tw.yuandingArea(t)
	theirs, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-YD-01", Checkpoint: "A", Category: "ecology", Text: "河边有人焚烧垃圾", By: tw.dcPatroller.ID}, "")
	require.NoError(t, err)
	ours, _, err := tw.s.AddFinding(tw.ctx, model.FindingReport{Area: "P-DX-01", Checkpoint: "C1", Category: "ecology", Text: "枯枝", By: tw.patroller.ID}, "")
	require.NoError(t, err)

	for _, tc := range []struct {
		node model.NodeCode
		want []string
	}{
		{town, []string{ours.ID}},
		{village, []string{ours.ID}},
		{dongchengTwn, []string{theirs.ID}},
		{yuandingVillage, []string{theirs.ID}},
		{yongkang, []string{theirs.ID, ours.ID}},
		{"", []string{theirs.ID, ours.ID}},
	} {
		for _, f := range []model.FindingFilter{{Open: true, Node: tc.node}, {Since: t0.Add(-time.Hour), Node: tc.node}} {
			got, err := tw.s.Findings(tw.ctx, f)
			require.NoError(t, err)
			assert.Equal(t, tc.want, findingIDs(got), "%+v", f)
		}
	}
	_, err = tw.s.Findings(tw.ctx, model.FindingFilter{Open: true, Node: "33078x"})
	requireCode(t, err, model.EINVALID)
}

// TestImportEventsStandWhereTheyImported: each import's event stands at
// the node it imported into (a QA: an import of 东城街道's areas had no
// node, so 花街镇's console listed it): the village of its areas or
// people, the town of several villages, the county over two towns; a
// rotation at its grids'. A scope's events (NodeCode.Contains) leave
// out another town's.
func TestImportEventsStandWhereTheyImported(t *testing.T) {
	tw := newCountyTower(t)
	last := func() model.Event {
		t.Helper()
		evs, err := tw.s.Events(tw.ctx, 0, 1)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, model.ActImport, evs[0].Action)
		return evs[0]
	}
	area := func(code string, v model.NodeCode, p model.PersonID) model.PatrolArea {
		return model.PatrolArea{Code: code, Name: "巡查", Kind: model.KindVillage, Village: v, Every: 24 * time.Hour,
			Patroller: p, Checkpoints: []model.Checkpoint{{Code: "A"}}}
	}
	tw.yuandingArea(t)
	assert.Equal(t, yuandingVillage, last().Node, "东城街道's areas: its village")
	assert.False(t, town.Contains(last().Node), "not 花街镇's")

	yd2 := yuandingVillage[:9] + "002"
	_, err := tw.s.ImportNodes(tw.ctx, []model.Node{{Code: yd2, Level: model.LevelVillage, Name: "金城社区", Parent: dongchengTwn},
		{Code: yd2 + "-01", Level: model.LevelGrid, Name: "金城第1网格", Parent: yd2},
		{Code: yuandingVillage + "-02", Level: model.LevelGrid, Name: "园丁第2网格", Parent: yuandingVillage}}, tw.dcOfficer.ID, "dc.csv")
	require.NoError(t, err)
	assert.Equal(t, dongchengTwn, last().Node, "two villages of 东城街道: the town")
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{{Code: yd2 + "-02", Level: model.LevelGrid, Name: "金城第2网格", Parent: yd2},
		{Code: grid01[:12] + "-09", Level: model.LevelGrid, Name: "渎溪第9网格", Parent: village}}, tw.county.ID, "two.csv")
	require.NoError(t, err)
	assert.Equal(t, yongkang, last().Node, "grids of two towns: their county")

	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "园丁二", Phone: "13900000011", Node: yuandingGrid, Roles: []model.Role{model.RoleGridWorkerFull}},
		{Name: "金城一", Phone: "13900000012", Node: yd2 + "-01", Roles: []model.Role{model.RoleGridWorkerFull}}}, tw.dcOfficer.ID, "roster.csv")
	require.NoError(t, err)
	assert.Equal(t, dongchengTwn, last().Node, "people of two villages of 东城街道: the town")

	_, _, err = tw.s.ImportAreas(tw.ctx, []model.PatrolArea{area("P-YD-02", yuandingVillage, tw.dcPatroller.ID), area("P-DX-09", village, tw.patroller.ID)},
		tw.county.ID, "both.csv")
	require.NoError(t, err)
	assert.Equal(t, yongkang, last().Node, "the county's areas in two towns: the county")
	moved := area("P-YD-02", yd2, tw.dcPatroller.ID)
	_, _, err = tw.s.ImportAreas(tw.ctx, []model.PatrolArea{moved}, tw.dcOfficer.ID, "")
	require.NoError(t, err)
	assert.Equal(t, dongchengTwn, last().Node, "an area moved between villages: both")

	_, err = tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "园丁扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{yuandingGrid}, {yuandingVillage + "-02"}}, Start: t0, Every: 1}, tw.dcOfficer.ID, "")
	require.NoError(t, err)
	assert.Equal(t, yuandingVillage, last().Node, "a rotation over 园丁社区's grids")
}

// TestPatrolRefusalsNameThePlaces: a check-in or end refused names the
// patrol by its area and village and the checkpoints by their names, in
// both languages (a QA: "may not check in on X-0001: it is P8's patrol",
// "checkpoint "C9": P-DX-01 has C1, C2, C3"); to a person of another town
// it names both towns, as the desk's refusals do.
func TestPatrolRefusalsNameThePlaces(t *testing.T) {
	tw := newCountyTower(t)
	p, _, err := tw.s.StartPatrol(tw.ctx, "P-DX-01", tw.patroller.ID, "")
	require.NoError(t, err)
	id := func(x model.Person) string { return x.Name + " (" + x.ID.String() + ")" }
	idZh := func(x model.Person) string { return x.Name + "（" + x.ID.String() + "）" }
	patrol := "patrol " + p.ID + " of P-DX-01 渎溪后山林 at 渎溪村 330784114266"
	patrolZh := "渎溪村 330784114266 P-DX-01 渎溪后山林 的巡护 " + p.ID
	before := dump(t, tw.s)

	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C1", nil, tw.dcPatroller.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, id(tw.dcPatroller)+" of 东城街道 330784001 may not check in on "+patrol+": it is in 花街镇 330784114, another town; "+
		"only its patroller, "+id(tw.patroller)+", checks in", model.ErrorMessage(err))
	assert.Equal(t, "东城巡护（"+tw.dcPatroller.ID.String()+"，东城街道 330784001）不能在 "+patrolZh+" 打卡：该处属 花街镇 330784114，不是其所在镇街；"+
		"只有其巡护员 "+idZh(tw.patroller)+" 本人可以打卡", model.ErrorMessageZh(err))
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C1", nil, tw.liaison.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, id(tw.liaison)+" may not check in on "+patrol+": it is "+id(tw.patroller)+"'s patrol; only its patroller checks in", model.ErrorMessage(err))
	assert.Equal(t, idZh(tw.liaison)+"不能在 "+patrolZh+" 打卡：这是 "+idZh(tw.patroller)+" 的巡护；只有其巡护员本人可以打卡", model.ErrorMessageZh(err))
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C9", nil, tw.patroller.ID, "")
	requireCode(t, err, model.EINVALID)
	assert.Equal(t, `checkpoint "C9": the checkpoints of P-DX-01 渎溪后山林 at 渎溪村 330784114266 are C1 山脚, C2 防火道, C3 山顶`, model.ErrorMessage(err))
	assert.Equal(t, `检查点 "C9"：渎溪村 330784114266 P-DX-01 渎溪后山林 的检查点为 C1 山脚、C2 防火道、C3 山顶`, model.ErrorMessageZh(err))
	assert.Equal(t, "checkpoint", model.ErrorField(err))

	_, _, err = tw.s.EndPatrol(tw.ctx, p.ID, tw.dcOfficer.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, id(tw.dcOfficer)+" of 东城街道 330784001 may not end "+patrol+": it is in 花街镇 330784114, another town; "+
		"only its patroller, "+id(tw.patroller)+", or the liaison or a duty officer of its town may", model.ErrorMessage(err))
	assert.Equal(t, "东城值班（"+tw.dcOfficer.ID.String()+"，东城街道 330784001）不能结束 "+patrolZh+"：该处属 花街镇 330784114，不是其所在镇街；"+
		"只有其巡护员 "+idZh(tw.patroller)+"，或该镇街的联络员、值班员可以", model.ErrorMessageZh(err))
	_, _, err = tw.s.EndPatrol(tw.ctx, p.ID, tw.worker01.ID, "")
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, id(tw.worker01)+" may not end "+patrol+": it is "+id(tw.patroller)+"'s patrol; only they, the liaison or a duty officer may", model.ErrorMessage(err))
	assert.Equal(t, idZh(tw.worker01)+"不能结束 "+patrolZh+"：这是 "+idZh(tw.patroller)+" 的巡护；只有本人、联络员或值班员可以", model.ErrorMessageZh(err))
	assert.Equal(t, before, dump(t, tw.s), "nothing of a refused check-in or end is written")

	_, _, err = tw.s.EndPatrol(tw.ctx, p.ID, tw.county.ID, "")
	require.NoError(t, err, "the county's officer ends a patrol left running")
	_, _, err = tw.s.PatrolCheckIn(tw.ctx, p.ID, "C1", nil, tw.patroller.ID, "")
	requireCode(t, err, model.ECONFLICT)
	assert.Equal(t, patrol+" ended at "+t0.Format("15:04"), model.ErrorMessage(err))
	assert.Equal(t, patrolZh+" 已于 "+t0.Format("15:04")+" 结束", model.ErrorMessageZh(err))
	_, _, err = tw.s.EndPatrol(tw.ctx, p.ID, tw.patroller.ID, "")
	requireCode(t, err, model.ECONFLICT, patrol+" ended at ")
}

// TestPatrolBoardOfATown: on a file of two towns, the board of a node is
// its subtree's (a QA: 花街镇's :patrols listed 东城街道's area, patroller
// and rotation, and counted its finding on the desk): the areas whose
// village lies in it, their patrols and findings, its patrollers and the
// rotations over its grids; the county's node, or none, holds both towns.
func TestPatrolBoardOfATown(t *testing.T) {
	tw := newCountyTower(t)
	tw.yuandingArea(t)
	for _, f := range []model.FindingReport{
		{Area: "P-YD-01", Checkpoint: "A", Category: "ecology", Text: "河边有人焚烧垃圾", By: tw.dcPatroller.ID},
		{Area: "P-DX-01", Checkpoint: "C1", Category: "ecology", Text: "枯枝", By: tw.patroller.ID},
		{Area: "P-DX-01", Checkpoint: "C2", Category: "ecology", Text: "倒木", By: tw.patroller.ID},
	} {
		_, _, err := tw.s.AddFinding(tw.ctx, f, "")
		require.NoError(t, err)
	}
	_, _, err := tw.s.StartPatrol(tw.ctx, "P-YD-01", tw.dcPatroller.ID, "")
	require.NoError(t, err)
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{{Code: yuandingVillage + "-02", Level: model.LevelGrid, Name: "园丁第2网格", Parent: yuandingVillage}},
		tw.dcOfficer.ID, "")
	require.NoError(t, err)
	theirs, err := tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "园丁扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{yuandingGrid}, {yuandingVillage + "-02"}}, Start: t0, Every: 1}, tw.dcOfficer.ID, "")
	require.NoError(t, err)
	ours, err := tw.s.AddRotation(tw.ctx, model.JointRotation{Name: "渎溪扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{grid01}, {grid02}}, Start: t0, Every: 1}, tw.duty.ID, "")
	require.NoError(t, err)

	type board struct {
		Areas, Patrollers, Rotations []string
		Waiting, Running             int
	}
	read := func(node model.NodeCode) board {
		t.Helper()
		b, err := tw.s.PatrolBoard(tw.ctx, time.Time{}, node)
		require.NoError(t, err)
		var out board
		for _, a := range b.Areas {
			out.Areas = append(out.Areas, a.Area.Code)
		}
		for _, p := range b.Patrollers {
			out.Patrollers = append(out.Patrollers, p.Person.Name)
			if p.Current.Seq != 0 {
				out.Running++
			}
		}
		for _, r := range b.Rotations {
			out.Rotations = append(out.Rotations, r.Rotation.ID)
		}
		out.Waiting = b.Waiting
		return out
	}
	huajie := board{Areas: []string{"P-DX-01", "P-DX-02"}, Patrollers: []string{tw.patroller.Name, tw.patroller2.Name},
		Rotations: []string{ours.ID}, Waiting: 2}
	dongcheng := board{Areas: []string{"P-YD-01"}, Patrollers: []string{tw.dcPatroller.Name}, Rotations: []string{theirs.ID}, Waiting: 1, Running: 1}
	both := board{Areas: []string{"P-DX-01", "P-DX-02", "P-YD-01"}, Patrollers: []string{tw.patroller.Name, tw.patroller2.Name, tw.dcPatroller.Name},
		Rotations: []string{theirs.ID, ours.ID}, Waiting: 3, Running: 1}
	for node, want := range map[model.NodeCode]board{
		town: huajie, village: huajie, dongchengTwn: dongcheng, yuandingVillage: dongcheng, yongkang: both, "": both,
	} {
		assert.Equal(t, want, read(node), "%q", node)
	}
	_, err = tw.s.PatrolBoard(tw.ctx, time.Time{}, "33078x")
	requireCode(t, err, model.EINVALID)
}

// TestPatrolBoardOfTheCountyListsTownPatrollers: a patroller placed at a
// town's node and assigned no area is on the board of the town, of the
// county above it and of the whole file (a review: the scan jumped past
// the county node's subtree, so the county saw only assigned patrollers).
func TestPatrolBoardOfTheCountyListsTownPatrollers(t *testing.T) {
	tw := newCountyTower(t)
	people, err := tw.s.ImportPeople(tw.ctx, []model.Person{
		{Name: "东城备巡", Phone: "13900000009", Node: dongchengTwn, Roles: []model.Role{model.RolePatroller}},
		{Name: "花街备巡", Phone: "13800000019", Node: town, Roles: []model.Role{model.RolePatroller}},
	}, model.System, "spare patrollers")
	require.NoError(t, err)
	dc, hj := people[0], people[1]
	listed := func(node model.NodeCode) []model.PersonID {
		t.Helper()
		b, err := tw.s.PatrolBoard(tw.ctx, time.Time{}, node)
		require.NoError(t, err)
		var ids []model.PersonID
		for _, p := range b.Patrollers {
			ids = append(ids, p.Person.ID)
		}
		return ids
	}
	for node, want := range map[model.NodeCode][]model.PersonID{
		"":           {dc.ID, hj.ID},
		yongkang:     {dc.ID, hj.ID},
		dongchengTwn: {dc.ID},
		town:         {hj.ID},
	} {
		got := listed(node)
		for _, id := range want {
			assert.Contains(t, got, id, "%q", node)
		}
	}
	assert.NotContains(t, listed(dongchengTwn), hj.ID)
	assert.NotContains(t, listed(town), dc.ID)
}

// TestDutyUnderReadsTheSubtreesRooms: on a file of two towns, DutyUnder a
// node is the duty of the town and village rooms of its subtree, in code
// order, as Duty of every room cut to it; the county's node, or none,
// holds them all; a grid's subtree has no room.
func TestDutyUnderReadsTheSubtreesRooms(t *testing.T) {
	tw := newCountyTower(t)
	_, err := tw.s.AddShifts(tw.ctx, []model.Shift{
		{Room: dongchengTwn, Person: tw.dcOfficer.ID, From: t0.Add(-time.Hour), To: t0.Add(7 * time.Hour)},
		{Room: town, Person: tw.duty.ID, From: t0.Add(-time.Hour), To: t0.Add(7 * time.Hour)},
	}, model.System, "")
	require.NoError(t, err)
	all, err := tw.s.Duty(tw.ctx, "", time.Time{})
	require.NoError(t, err)
	rooms := func(rds []model.RoomDuty) []model.NodeCode {
		return each(rds, func(rd model.RoomDuty) model.NodeCode { return rd.Room })
	}
	require.Equal(t, []model.NodeCode{dongchengTwn, yuandingVillage, town, village}, rooms(all))
	for _, root := range []model.NodeCode{"", yongkang, dongchengTwn, yuandingVillage, town, village, grid01} {
		got, err := tw.s.DutyUnder(tw.ctx, root, time.Time{})
		require.NoError(t, err)
		want := inSubtree(slices.Clone(all), root, func(rd model.RoomDuty) model.NodeCode { return rd.Room })
		if len(want) == 0 {
			assert.Empty(t, got, "%q", root)
			continue
		}
		assert.Equal(t, want, got, "%q", root)
	}
	got, err := tw.s.DutyUnder(tw.ctx, dongchengTwn, time.Time{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, tw.dcOfficer.ID, got[0].Current.Person)
	_, err = tw.s.DutyUnder(tw.ctx, "33078x", time.Time{})
	requireCode(t, err, model.EINVALID)
}
