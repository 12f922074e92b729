package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The QA finding: after :town 东城 then :town (back to the county), the
// tower's cursor stayed on 东城街道 (its title 镇) while the queue showed
// the whole county, unscoped. Turned back, the room opens on the town it
// came from (TestCountySeatSwitchesTowns) and its queue is scoped to it,
// as the tower's cursor scopes the queue wherever it moves; esc then
// clears the scope, as anywhere.
func TestCountyRoomTurnedBackScopesItsQueueToTheTown(t *testing.T) {
	f := yongkangFixture(t)
	seat := countySeat(t, f)
	for _, back := range [][]string{{":", "town", "enter"}, {"esc"}} {
		m := countyRoom(t, f, seat, "zh", 80, 30)
		require.Equal(t, yongkang, m.tower.selected())
		require.Empty(t, m.queue.scope)
		m = runLine(t, m, "town 花街镇")
		require.Equal(t, huajie, m.seat.Town)
		for _, k := range back {
			if k == "town" {
				m = typeText(t, m, k)
				continue
			}
			m = keys(t, m, k)
		}
		require.True(t, m.aboveTowns(), back)
		require.Equal(t, huajie, m.tower.selected(), back)
		assert.Equal(t, huajie, m.queue.scope, "%v: the queue where the cursor is", back)
		require.NotEmpty(t, m.queue.rows, back)
		for _, k := range m.queue.rows {
			inc, _ := m.w.get(k.seq)
			assert.True(t, huajie.Contains(inc.Node), inc.ID)
		}
		assert.Contains(t, m.View(), "范围 花街镇", back)

		m = keys(t, m, "esc")
		assert.Empty(t, m.queue.scope, "esc clears the scope")
		assert.True(t, m.aboveTowns(), "and stays in the room")
	}
}
