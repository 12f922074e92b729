package demo

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The demo has a week of shifts for the town room and every village room,
// the first officer on duty holding the town room's shift at the demo's
// "now", nobody handing over at the start.
func TestDemoShifts(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	base := time.Date(2026, 11, 29, 3, 10, 0, 0, cst)
	d := Build(1)
	shifts := Shifts(d, base)
	byRoom := map[model.NodeCode][]model.Shift{}
	for _, s := range shifts {
		byRoom[s.Room] = append(byRoom[s.Room], s)
	}
	require.Len(t, byRoom, 1+Villages, "the town room and every village room")
	town := byRoom[Town]
	require.Len(t, town, 14, "a week of 12-hour shifts")
	assert.Equal(t, time.Date(2026, 11, 28, 20, 0, 0, 0, cst), town[0].From)
	assert.True(t, town[0].Covers(base))
	assert.Equal(t, ID(0), town[0].Person, "the first duty officer, on duty")
	assert.True(t, d.People[0].OnDuty)
	assert.Equal(t, time.Date(2026, 12, 5, 20, 0, 0, 0, cst), town[13].To)
	for v, list := range byRoom {
		if v == Town {
			continue
		}
		require.Len(t, list, 7, "%s: a week of 24-hour shifts", v)
		assert.Equal(t, time.Date(2026, 11, 28, 8, 0, 0, 0, cst), list[0].From)
		for i, s := range list {
			p := d.People[s.Person-1]
			require.NoError(t, model.CheckShift(s, p, nil), "%s shift %d", v, i)
			if i > 0 {
				assert.True(t, list[i-1].To.Equal(s.From))
			}
		}
	}
	// Before 08:00 the village rooms' week starts the day before; after it,
	// the same day.
	later := Shifts(d, time.Date(2026, 11, 29, 9, 0, 0, 0, cst))
	for _, s := range later {
		if s.Room != Town {
			assert.Equal(t, time.Date(2026, 11, 29, 8, 0, 0, 0, cst), s.From)
			break
		}
	}
}
