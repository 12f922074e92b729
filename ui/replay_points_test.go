package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// pointsNow is :points in a console: the pane's lines.
func pointsNow(t *testing.T, m Model) string {
	t.Helper()
	m = runLine(t, m, "points")
	require.Equal(t, overlayPoints, m.overlay, m.flash.text)
	require.False(t, m.points.loading)
	return strings.Join(m.points.lines, "\n")
}

// :points in a replay shows the month as it stood at the replay's clock, as
// the live console showed it then: points earned after it are not counted
// (a QA saw the month's totals as they are now). The replay's own day is
// earned again from the log up to the clock; stepping on over an event
// that earns reads them again, and so does scrubbing back.
func TestReplayPointsAsTheyStoodThen(t *testing.T) {
	f, worker, leader := pointsFixture(t)
	ctx := context.Background()
	live := pointsNow(t, f.model(t, "en", 120, 40)) // at 03:10

	// After 03:10: a grant, and a report that earns its reporter.
	f.clock.Set(base.Add(3 * time.Minute))
	_, err := f.db.GrantPoints(ctx, worker, 30, "夜间巡查", f.operator(t))
	require.NoError(t, err)
	f.clock.Set(base.Add(4 * time.Minute))
	_, err = f.db.Report(ctx, model.Report{Node: "330784114266-02", Category: "hazard", Severity: model.SeverityIII,
		Title: "井盖缺失", Reporter: leader})
	require.NoError(t, err)
	f.clock.Set(base.Add(10 * time.Minute))
	later := pointsNow(t, f.model(t, "en", 120, 40))
	require.NotEqual(t, live, later, "the points moved after 03:10")

	o := f.options(t, "en")
	o.Replay = &ReplayOptions{From: base.Add(-30 * time.Minute), To: base.Add(10 * time.Minute), Speed: 60}
	m := New(f.db, nil, o)
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = update(t, m, loadHistory(f.db, "", "en")())
	m = keys(t, m, "]", "]", "]") // 03:10
	require.True(t, m.rp.at.Equal(base))
	assert.Equal(t, live, pointsNow(t, m), "the points as the live console showed them at 03:10")

	m = keys(t, m, "]") // 03:20: past the grant and the report
	require.Equal(t, overlayPoints, m.overlay)
	assert.Equal(t, later, strings.Join(m.points.lines, "\n"), "stepped past them: read again")
	m = keys(t, m, "[") // 03:10 again
	assert.Equal(t, live, strings.Join(m.points.lines, "\n"), "scrubbed back: read again")

	// :replay in a live console that had the points open: back from it,
	// the pane is read again as it stands now.
	m = runLine(t, f.model(t, "en", 120, 40), "points")
	m = runLine(t, m, "replay 03:10 03:20")
	require.NotNil(t, m.rp)
	assert.Equal(t, live, pointsNow(t, m))
	m = keys(t, m, "esc", "esc") // the replay's pane, then the replay
	require.Nil(t, m.rp)
	require.Equal(t, overlayPoints, m.overlay)
	assert.Equal(t, later, strings.Join(m.points.lines, "\n"), "the live points again")
}
