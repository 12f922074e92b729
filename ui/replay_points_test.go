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

	// The pane's [ and ] (its footer's keys) step its months, not the
	// replay's clock (they scrubbed it by ten minutes).
	month := m.points.month
	m = keys(t, m, "[")
	assert.Equal(t, month.Prev(), m.points.month, "the month before")
	assert.True(t, m.rp.at.Equal(base), "the replay stays at 03:10")
	m = keys(t, m, "]")
	assert.Equal(t, month, m.points.month)
	assert.Equal(t, live, strings.Join(m.points.lines, "\n"))

	if m.rp.paused {
		m = keys(t, m, " ")
	}
	for range 10 { // 03:20, played on: past the grant and the report
		m = update(t, m, tickMsg(f.clock.Now()))
	}
	require.True(t, m.rp.at.Equal(base.Add(10*time.Minute)), "%v", m.rp.at)
	require.Equal(t, overlayPoints, m.overlay)
	assert.Equal(t, later, strings.Join(m.points.lines, "\n"), "played past them: read again")
	m = keys(t, m, "esc", "[") // the pane closed, the replay's [ again: 03:10
	require.True(t, m.rp.at.Equal(base), "%v", m.rp.at)
	assert.Equal(t, live, pointsNow(t, m), "scrubbed back")

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

// Likewise :gaps in a replay: ←/→ choose its reserve, as its hint says,
// and leave the replay's clock where it is.
func TestReplayGapsTakeTheirArrows(t *testing.T) {
	f := newFixture(t)
	m, _ := wartimeModel(t, f, "en", 120, 40) // at 03:10
	f.clock.Advance(10 * time.Minute)
	m = runLine(t, m, "replay 03:11 03:19")
	require.NotNil(t, m.rp)
	require.True(t, m.wt.active())
	m = runLine(t, m, "gaps")
	require.Equal(t, overlayGaps, m.overlay, m.flash.text)
	at := m.rp.at
	first := gapRows(&m.w, m.wt)[0]
	require.GreaterOrEqual(t, len(first.candidates), 2)
	m = keys(t, m, "right")
	assert.Contains(t, m.View(), "["+first.candidates[1].Name+"(", "the next reserve")
	m = keys(t, m, "left")
	assert.Contains(t, m.View(), "["+first.candidates[0].Name+"(", "the first again")
	assert.True(t, m.rp.at.Equal(at), "the replay stays at %v: %v", at, m.rp.at)
}
