package ui

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// atGrid is m with the tower's cursor on the grid named name.
func atGrid(t *testing.T, m Model, name string) Model {
	t.Helper()
	var grid model.NodeCode
	for c, n := range m.w.names {
		if c.Level() == model.LevelGrid && n == name {
			grid = c
		}
	}
	require.NotEmpty(t, grid)
	m.tower.expanded[grid.Village()] = true
	m.tower.flatten(&m.w)
	for i, r := range m.tower.rows {
		if r.code == grid {
			m.tower.cursor = i
		}
	}
	require.Equal(t, grid, m.tower.selected())
	return m
}

// The QA finding: with 渎溪村 02 selected in the tower, n and typing
// 渎溪村 02 gave "渎溪村 02渎溪村 02" and an error. A pre-filled value is a
// default: the first character typed replaces it; enter and tab keep it
// (tabbing away and back too); an arrow or backspace edits it.
func TestPrefilledPlaceIsADefault(t *testing.T) {
	m := atGrid(t, demoConsole(t, "zh", 120, 40), "渎溪村 02")
	node := func(m Model) string { return m.form.values()["node"] }

	got := typeText(t, keys(t, m, "n"), "渎溪村 02")
	assert.Equal(t, "渎溪村 02", node(got), "typed over the default")
	got = typeText(t, keys(t, m, "n"), "阔塘后村 02")
	assert.Equal(t, "阔塘后村 02", node(got))
	got = typeText(t, keys(t, m, "n", "tab", "shift+tab"), "阔塘后村 02")
	assert.Equal(t, "阔塘后村 02", node(got), "untouched after tab away and back")

	got = keys(t, m, "n", "enter")
	assert.Equal(t, "渎溪村 02", node(got), "enter keeps it")
	assert.Equal(t, 1, got.form.focus)
	got = keys(t, m, "n", "tab", "tab", "tab")
	got = typeText(t, got, "山塘水位上涨")
	got = keys(t, got, "enter", "enter")
	require.True(t, got.q.active(), "submitted with the default: %s", got.form.err)

	got = keys(t, m, "n", "backspace")
	assert.Equal(t, "渎溪村 0", node(got), "backspace edits it")
	got = typeText(t, keys(t, m, "n", "left"), "x")
	assert.Equal(t, "渎溪村 0x2", node(got), "an arrow edits it")
	got = typeText(t, keys(t, m, "n", "backspace"), "3")
	assert.Equal(t, "渎溪村 03", node(got), "once edited, typing goes where the cursor is")
	assert.False(t, keys(t, m, "n").form.dirty(), "the default is no change")
}

// The same rule in every form with a pre-filled text field: the
// directive's deadline and targets, the activation's scope, the desk's
// node and incident.
func TestEveryPrefilledFieldIsADefault(t *testing.T) {
	f := newFixture(t)
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
	require.NoError(t, err)
	m := f.model(t, "en", 120, 40)
	m = update(t, m, loadWartime(f.db, "")())
	got := keys(t, m, "d", "tab")
	require.Equal(t, "2h", got.form.values()["deadline"])
	got = typeText(t, got, "90m")
	assert.Equal(t, "90m", got.form.values()["deadline"])
	got = typeText(t, keys(t, got, "tab"), "渎溪村")
	assert.Equal(t, "渎溪村", got.form.values()["to"])

	m = f.model(t, "zh", 120, 40)
	got = keys(t, m, "W", "tab")
	require.Equal(t, "全镇", got.form.values()["scope"])
	got = typeText(t, got, "渎溪村")
	assert.Equal(t, "渎溪村", got.form.values()["scope"])

	pf := patrolFixture(t)
	opt := pf.options(t, "zh")
	opt.Seat = pf.seatOf(t, demo.Liaison)
	m = loaded(t, pf.db, opt, 120, 40)
	got = keys(t, m, ":", "desk", "enter", "p")
	require.True(t, got.formActive)
	require.NotEmpty(t, got.form.values()["node"])
	got = typeText(t, got, "330784114266-02")
	assert.Equal(t, "330784114266-02", got.form.values()["node"])
}

// With a village selected in the tower, n's place is that village (a
// village-level report is valid), as with a grid.
func TestReportFormTakesTheTowersVillage(t *testing.T) {
	m := demoConsole(t, "zh", 120, 40)
	for i, r := range m.tower.rows {
		if r.code.Level() == model.LevelVillage && m.w.names[r.code] == "渎溪村" {
			m.tower.cursor = i
		}
	}
	require.Equal(t, model.LevelVillage, m.tower.selected().Level())
	m = keys(t, m, "n")
	require.True(t, m.formActive)
	assert.Equal(t, "渎溪村", m.form.values()["node"])
}
