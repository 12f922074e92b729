package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// A handover given early puts both in the header until it is signed for,
// the incoming officer first, and the incoming officer alone once signed
// for, with the shift after theirs next, though the clock has not reached
// the change (a QA: the header kept the outgoing officer alone throughout).
func TestEarlyHandoverInTheHeader(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(shifts), 3)
	cur, nxt, after := shifts[0], shifts[1], shifts[2]
	f.clock.Set(cur.To.Add(-30 * time.Minute))
	o := f.options(t, "zh")
	o.Seat = f.seatOf(t, cur.Person)
	m := New(f.db, nil, o)
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
	head := func() string {
		t.Helper()
		m = update(t, m, loadDuty(f.db, demo.Town, time.Time{})())
		return strings.Split(m.View(), "\n")[0]
	}
	assert.Contains(t, head(), "值班 "+cur.Name+" ")

	_, err = f.db.Handover(ctx, demo.Town, "", cur.Person, false, "")
	require.NoError(t, err)
	h := head()
	assert.Contains(t, h, "值班 "+nxt.Name+"+"+cur.Name+"（交接中）")
	assert.Contains(t, h, "下一班 "+after.Name)

	_, err = f.db.AcceptHandover(ctx, "", demo.Town, nxt.Person)
	require.NoError(t, err)
	h = head()
	assert.Contains(t, h, "值班 "+nxt.Name+" ")
	assert.NotContains(t, h, "交接中")
	assert.Contains(t, h, "下一班 "+after.Name)
}
