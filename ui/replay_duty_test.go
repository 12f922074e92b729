package ui

import (
	"context"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// A replay's header names the officer on duty at the replay's clock: the
// shift as it stood then, not as a swap made later gave it (a QA saw the
// later officer named); and as the replay passes the swap, the header
// follows it.
func TestReplayHeaderNamesWhoWasOnDutyThen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	cur := shifts[0]
	require.True(t, cur.Covers(base))
	officers, err := f.db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	var other model.Person
	for _, p := range officers {
		if p.ID != cur.Person && p.ID != shifts[1].Person && model.MayStaff(p, demo.Town) {
			other = p
			break
		}
	}
	require.NotZero(t, other.ID)
	swapAt := base.Add(5 * time.Minute)
	f.clock.Set(swapAt)
	_, err = f.db.SwapShift(ctx, cur.ID, other.ID, cur.Person)
	require.NoError(t, err)
	f.clock.Set(base.Add(30 * time.Minute))

	for _, lang := range []string{"zh", "en"} {
		o := f.options(t, lang)
		o.Replay = &ReplayOptions{From: base.Add(-30 * time.Minute), To: base.Add(20 * time.Minute), Speed: 60}
		m := New(f.db, nil, o)
		m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		m = update(t, m, loadHistory(f.db, "", lang)())
		require.NotNil(t, m.rp)
		duty := m.say("duty ", "值班 ")
		head := headerOf(m)
		assert.Contains(t, head, duty+cur.Name, "%s: %s held the shift at %s", lang, cur.Name, m.rp.at)
		assert.NotContains(t, head, other.Name, lang)

		m = keys(t, m, "]", "]", "]", "]") // past the swap, at 03:10
		require.True(t, m.rp.at.After(swapAt))
		head = headerOf(m)
		assert.Contains(t, head, duty+other.Name, "%s: the swap at %s passed", lang, swapAt)
		assert.NotContains(t, head, cur.Name, lang)

		m = keys(t, m, "[") // back before it
		assert.Contains(t, headerOf(m), duty+cur.Name, lang)
	}
}
