package ui

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The QA finding: the county room's n could not file at a grid: "园丁社区
// 01" was "no node is named so", and its code "not filed: no node … in the
// tower": the room reads its towns down to the villages, not their grids.
// The form reads the village the place names from the store, as the
// command line's report --node does, and files there, in any town of the
// room; a place that is not there is still refused, on the form.
func TestCountyRoomReportsAtAGrid(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	yuanding := dongcheng + "001" // 园丁社区
	for _, c := range []struct {
		lang, place, asked string
		want               model.NodeCode
	}{
		{"zh", "园丁社区 01", "上报 园丁社区 01 ", yuanding + "-01"},
		{"en", "园丁社区01-02", "at 园丁社区 01-02:", yuanding + "-01-02"},
		{"zh", string(yuanding) + "-02", "上报 园丁社区 02 ", yuanding + "-02"},
		{"zh", "渎溪村 02", "上报 渎溪村 02 ", duxi + "-02"}, // another town's grid
	} {
		m := countyRoom(t, f, seat, c.lang, 80, 30)
		_, loaded := m.w.nodes[c.want]
		require.False(t, loaded, "the room has not read the grids")
		m = fileReport(t, m, c.place)
		require.True(t, m.q.active(), "%s: asked, not refused: %s", c.place, m.form.err)
		assert.Contains(t, m.q.text, c.asked, c.place)
		m = keys(t, m, "y")
		require.False(t, m.flash.err, m.flash.text)
		incs, err := f.db.Incidents(context.Background(), model.IncidentFilter{Node: c.want, Open: true})
		require.NoError(t, err)
		var at []model.NodeCode
		for _, inc := range incs {
			if inc.Title == "路灯损坏" {
				at = append(at, inc.Node)
			}
		}
		assert.Contains(t, at, c.want, c.place)
	}

	// The village opened in the tower (l): its grids read, not their
	// micro-grids.
	m := update(t, countyRoom(t, f, seat, "zh", 80, 30), loadChildrenMsg{node: yuanding})
	require.Contains(t, m.w.nodes, yuanding+"-01")
	m = fileReport(t, m, "园丁社区 01-01")
	require.True(t, m.q.active(), m.form.err)
	assert.Contains(t, m.q.text, "上报 园丁社区 01-01 ")

	m = fileReport(t, countyRoom(t, f, seat, "zh", 80, 30), "园丁社区 09")
	assert.False(t, m.q.active())
	assert.Contains(t, m.form.err, "没有这个名称的节点")
	m = fileReport(t, countyRoom(t, f, seat, "zh", 80, 30), string(yuanding)+"-09")
	assert.False(t, m.q.active())
	assert.Contains(t, m.form.err, "网格塔中没有节点 "+string(yuanding)+"-09")
}

// fileReport fills the new report form (n) at place and sends it.
func fileReport(t *testing.T, m Model, place string) Model {
	t.Helper()
	m = keys(t, m, "n")
	require.True(t, m.formActive)
	m = typeText(t, m, place)
	m = keys(t, m, "enter", "enter", "enter")
	m = typeText(t, m, "路灯损坏")
	return keys(t, m, "enter", "enter")
}
