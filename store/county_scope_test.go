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
