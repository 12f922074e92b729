package store

import (
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
