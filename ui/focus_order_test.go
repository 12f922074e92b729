package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// focusAt is where the focused pane stands on screen: its column (0 the
// left, 1 the right) and the line its title (with the focus mark) is on.
func focusAt(t *testing.T, m Model) [2]int {
	t.Helper()
	for i, line := range strings.Split(m.View(), "\n") {
		if at := strings.Index(line, m.p.g.Focus); at >= 0 {
			col := 0
			if m.p.w.Of(line[:at]) >= m.width-m.rightW {
				col = 1
			}
			return [2]int{col, i}
		}
	}
	t.Fatalf("no pane focused in\n%s", m.View())
	return [2]int{}
}

// tabRound presses key (tab or shift+tab) until the focus is back where it
// started, and returns the panes it went through, the start last.
func tabRound(t *testing.T, m Model, key string) ([]paneID, [][2]int) {
	t.Helper()
	start := m.focus
	var ids []paneID
	var at [][2]int
	for range paneCount + 1 {
		m = keys(t, m, key)
		ids, at = append(ids, m.focus), append(at, focusAt(t, m))
		if m.focus == start {
			return ids, at
		}
	}
	t.Fatalf("%s never came back to %d: %v", key, start, ids)
	return nil, nil
}

// Tab goes round the panes in the order they stand on the screen, the left
// column top to bottom, then the right (the towns table, the queue, the
// directive, the events); shift+tab the other way: in peacetime and in
// wartime, in a town room and in the county's (which keeps its towns table
// in wartime at 120x40). The wartime ring went queue, events, directive,
// and the county's towns table, on top on the right, came last.
func TestTabGoesRoundAsThePanesStand(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	rooms := func(lang string, w, h int) map[string]Model {
		town := update(t, f.model(t, lang, w, h), loadWartime(f.db, "")())
		return map[string]Model{"town": town, "county": countyRoom(t, f, county, lang, w, h)}
	}
	want := map[string][]paneID{
		"peacetime town":   {paneChain, paneTower, paneQueue, paneEvents},
		"peacetime county": {paneChain, paneTower, paneTowns, paneQueue, paneEvents},
		"wartime town":     {paneChain, paneTower, paneQueue, paneDirectives, paneEvents},
		"wartime county":   {paneChain, paneTower, paneTowns, paneQueue, paneDirectives, paneEvents},
	}
	check := func(what string, m Model, want []paneID) {
		ids, at := tabRound(t, m, "tab")
		if want != nil {
			i := max(slices.Index(ids, want[0]), 0) // the round from want's first
			assert.Equal(t, want, append(append([]paneID{}, ids[i:]...), ids[:i]...), what)
		}
		// Round from the pane on top on the left, in screen order.
		first := 0
		for i := range at {
			if at[i][0] < at[first][0] || at[i][0] == at[first][0] && at[i][1] < at[first][1] {
				first = i
			}
		}
		round := append(append([][2]int{}, at[first:]...), at[:first]...)
		for i := 1; i < len(round); i++ {
			p, q := round[i-1], round[i]
			assert.True(t, p[0] < q[0] || p[0] == q[0] && p[1] < q[1], "%s: %v after %v (%v)", what, q, p, ids)
		}
		back, _ := tabRound(t, m, "shift+tab")
		for i := range back[:len(back)-1] {
			assert.Equal(t, ids[len(ids)-2-i], back[i], "%s: shift+tab the other way", what)
		}
	}
	for name, m := range rooms("en", 120, 40) {
		check("peacetime "+name, m, want["peacetime "+name])
	}
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		for name, m := range rooms("zh", size[0], size[1]) {
			require.True(t, m.wt.active(), name)
			what := fmt.Sprintf("wartime %s %dx%d", name, size[0], size[1])
			if size[0] == 120 {
				check(what, m, want["wartime "+name])
			} else {
				check(what, m, nil) // the county's towns table gives way at 24 lines
			}
		}
	}
}
