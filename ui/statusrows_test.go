package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bottomBorders reports whether the screen's line above its status lines
// closes both columns (╰…╯╰…╯), and how many status lines there are.
func bottomBorders(t *testing.T, m Model) (closed bool, status int) {
	t.Helper()
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	status = len(m.statusLines())
	above := lines[len(lines)-1-status]
	return strings.HasPrefix(above, "╰") && strings.HasSuffix(above, "╯") && strings.Count(above, "╰") == 2, status
}

// A question that wraps onto a second line, and a refusal over two, take
// their rows from the panes at the bottom, whose borders stay on screen
// (they were cut off with the body's last line); when the line is one
// again the panes have their rows back.
func TestSecondStatusLineKeepsTheBorders(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "en", 80, 24)
	closed, n := bottomBorders(t, m)
	require.Equal(t, 1, n)
	require.True(t, closed)
	rows := m.tower.height

	m = update(t, m, loadWartime(f.db, "")())
	m = keys(t, m, "W", "enter", "enter", "enter", "enter") // the form as it comes: the whole town
	require.True(t, m.q.active(), "the question is asked")
	closed, n = bottomBorders(t, m)
	require.Equal(t, 2, n, "at 80 columns the whole town's question takes two lines")
	assert.True(t, closed, "the panes' bottom borders above the question")
	assert.Equal(t, rows-1, m.tower.height, "the tower gave a row")
	checkScreen(t, m, 80, 24, false)

	m = keys(t, m, "n", "esc", "y") // not now: back to the form, and out of it
	require.False(t, m.formActive)
	closed, n = bottomBorders(t, m)
	assert.Equal(t, 1, n)
	assert.True(t, closed)
	assert.Equal(t, rows, m.tower.height, "and has it back")

	m = find(t, m, "电信诈骗预警")
	m = keys(t, m, "r") // refused over two lines (TestLongRefusalWraps)
	closed, n = bottomBorders(t, m)
	require.Equal(t, 2, n)
	assert.True(t, closed)
	checkScreen(t, m, 80, 24, false)
}

// Wartime ended with the directive pane focused: the after-action summary
// comes up, and esc back from it gives the focus to the queue, not to the
// directive pane that is no longer on screen (a QA found no pane focused,
// j moving nothing and the directive pane's keys on the footer).
func TestFocusLeavesThePaneWartimeTookAway(t *testing.T) {
	f := newFixture(t)
	townWartime(t, f, huajie, "逐户核查")
	m := f.model(t, "en", 120, 40)
	m = update(t, m, loadWartime(f.db, "")())
	for range paneCount {
		if m.focus == paneDirectives {
			break
		}
		m = keys(t, m, "tab")
	}
	require.Equal(t, paneDirectives, m.focus)
	m = keys(t, m, "W", "y")
	m = update(t, m, loadWartime(f.db, "")())
	require.False(t, m.wt.active(), "wartime ended")
	require.Equal(t, overlayAfter, m.overlay)
	m = keys(t, m, "esc")
	assert.Equal(t, overlayNone, m.overlay)
	assert.Equal(t, paneQueue, m.focus)
	assert.Contains(t, m.View(), "▶ Incidents")
	assert.NotContains(t, m.footer(), "previous directive")
}
