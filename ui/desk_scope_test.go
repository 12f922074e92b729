package ui

import (
	"context"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// deskTowns is the county file with a finding waiting in each of two
// towns: 花街镇's at 渎溪村 (by its patroller P16), 东城街道's at 园丁社区 (by
// a patroller of its own).
func deskTowns(t *testing.T) fixture {
	t.Helper()
	f := yongkangFixture(t)
	ctx := context.Background()
	people, err := f.db.ImportPeople(ctx, []model.Person{{Name: "东城巡护", Phone: "13900000004", Node: dongcheng,
		Roles: []model.Role{model.RolePatroller}}}, model.System, "test: 东城街道's patroller")
	require.NoError(t, err)
	_, _, err = f.db.ImportAreas(ctx, []model.PatrolArea{{Code: "P-YD-01", Name: "园丁巡查", Kind: model.KindVillage,
		Village: "330784001001", Every: 24 * time.Hour, Patroller: people[0].ID, Checkpoints: []model.Checkpoint{{Code: "A"}}}}, model.System, "yd.csv")
	require.NoError(t, err)
	_, _, err = f.db.AddFinding(ctx, model.FindingReport{Area: "P-YD-01", Checkpoint: "A", Category: "hazard", Text: "园丁社区井盖缺失", By: people[0].ID}, "")
	require.NoError(t, err)
	_, _, err = f.db.AddFinding(ctx, model.FindingReport{Area: "P-266-CZ", Checkpoint: "C2", Category: "hazard", Text: "渎溪村口护栏缺失", By: 16}, "")
	require.NoError(t, err)
	return f
}

// A town's desk lists its own town's findings and counts only those (a
// QA: 花街镇's liaison was shown 东城街道's finding, counted in 待分拣 2);
// the county room's desk sees both towns'.
func TestDeskListsItsOwnTown(t *testing.T) {
	f := deskTowns(t)
	town := keys(t, terminal{w: 120, h: 40, lang: "en"}.console(t, f, func(o *Options) { o.Seat = f.seatOf(t, demo.Liaison) }), ":", "desk", "enter")
	require.Equal(t, huajie, town.scope)
	view := ansi.Strip(town.View())
	assert.Contains(t, view, "渎溪村口护栏缺失")
	assert.NotContains(t, view, "园丁社区井盖缺失", "东城街道's finding is not on 花街镇's desk")
	assert.Contains(t, view, "on the desk 1")
	for _, x := range town.pt.findings {
		assert.True(t, huajie.Contains(x.Village), "%s at %s", x.ID, x.Village)
	}

	opt := f.options(t, "en")
	opt.Seat = countySeat(t, f)
	county := keys(t, loaded(t, f.db, opt, 120, 40), ":", "desk", "enter")
	view = ansi.Strip(county.View())
	assert.Contains(t, view, "渎溪村口护栏缺失")
	assert.Contains(t, view, "园丁社区井盖缺失", "the county room sees every town's")
	assert.Contains(t, view, "on the desk 2")
}

// Another town's imports (its roster, its patrol areas) stand at that
// town's nodes, so 花街镇's seat does not list them among its events (a QA:
// an import had no node and showed in every town's ticker); the county
// room's does.
func TestSeatEventsLeaveOutOtherTownsImports(t *testing.T) {
	f := deskTowns(t)
	ctx := context.Background()
	imports := func(scope model.NodeCode) []string {
		evs, err := seatEvents(ctx, f.db, scope, nil)
		require.NoError(t, err)
		var notes []string
		for _, e := range evs {
			if e.Action == model.ActImport {
				notes = append(notes, e.Note)
			}
		}
		return notes
	}
	theirs := []string{"yd.csv; patrol areas: 1 added, 0 replaced", "test: 东城街道's patroller: 1 person"}
	for _, n := range theirs {
		assert.NotContains(t, imports(huajie), n)
		assert.NotContains(t, imports("330784114266"), n, "nor a village's seat of 花街镇")
		assert.Contains(t, imports(yongkang), n)
		assert.Contains(t, imports(dongcheng), n)
	}
}
