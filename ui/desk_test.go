package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The desk's pass-on form takes a place as the n report form does: by its
// name or its code, pre-filled with the village's name (a QA: 颜宅村 01 was
// refused as not a code, under a label 网格代码 pre-filled with a code).
func TestPassFormTakesPlaceNames(t *testing.T) {
	f := patrolFixture(t)
	m := keys(t, consoleAt(t, f, "zh", 120, 40, false), ":", "desk", "enter", "p")
	require.True(t, m.formActive)
	assert.Equal(t, "渎溪村", m.form.values()["node"], "the village as the console names it")
	view := ansi.Strip(m.View())
	assert.Contains(t, view, "地点")
	assert.NotContains(t, view, "网格代码")

	// A name that is no place: the form stays with the reason.
	m = keys(t, typeText(t, m, "渎溪村 99"), "enter", "enter", "enter")
	require.True(t, m.formActive, "no 渎溪村 99: the form stays")
	assert.Contains(t, m.form.err, "渎溪村 99")
	m = keys(t, m, "esc", "y")
	require.False(t, m.formActive)

	// A grid by its name: asked, then passed on there.
	m = keys(t, typeText(t, keys(t, m, "p"), "渎溪村 01"), "enter", "enter", "enter")
	require.False(t, m.formActive, "%s", m.form.err)
	require.True(t, m.q.active())
	assert.Contains(t, m.View(), "交办为 "+m.w.names["330784114266-01"]+" 的上报")
	m = keys(t, m, "y")
	require.Contains(t, m.flash.text, "已交办为 HJ-")
	id := strings.Fields(m.flash.text)[0]
	x, err := f.db.Finding(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, model.FindingPassed, x.Status)
	inc, err := f.db.Incident(context.Background(), x.Incident)
	require.NoError(t, err)
	assert.Equal(t, model.NodeCode("330784114266-01"), inc.Node)

	// The village's name, as pre-filled, is taken as it stands.
	m = keys(t, m, "p", "enter", "enter", "enter")
	require.False(t, m.formActive, "%s", m.form.err)
	assert.Contains(t, m.View(), "交办为 渎溪村 的上报")
}
