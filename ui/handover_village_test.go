package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The QA finding: the village room's :handover (渎溪村's cadre, P2422, at
// 03:43 in a shift ending 08:00) showed the shift ending now and "尚未交班：
// 按 enter 交班", and enter was refused naming the room by its code. The
// preview reads the change from the room's duty itself: the shift's real
// end, and from when it may be handed over; the refusal names 渎溪村. A
// seat's console made Loaded (over SSH) had never read the duty.
func TestVillageHandoverPreviewSaysWhen(t *testing.T) {
	f := newFixture(t)
	opt := f.options(t, "zh")
	opt.Seat = f.seatOf(t, 2422)
	require.Equal(t, duxi, opt.Seat.Node)
	m := New(f.db, nil, opt)
	m = update(t, m, keyMsgSize(120, 40))
	m = m.Loaded() // as a seat over SSH: the snapshot's own commands not run
	require.False(t, m.dutyLoaded)

	m = runLine(t, m, "handover")
	require.Equal(t, overlayHandover, m.overlay)
	v := m.View()
	assert.Contains(t, v, "班次 11-28 08:00 → 11-29 08:00  截至 03:10", "the shift's own end")
	assert.Contains(t, v, "预览：11-29 07:00 起方可交班")
	assert.NotContains(t, v, "尚未交班")
	m = keys(t, m, "enter")
	hs, err := f.db.Handovers(context.Background(), model.HandoverFilter{})
	require.NoError(t, err)
	assert.Empty(t, hs, "enter hands nothing over before 07:00")
	checkScreen(t, m, 120, 40, false)

	_, err = f.db.Handover(context.Background(), duxi, "", opt.Seat.Person.ID, false, "")
	assert.Equal(t, "应海霞 在 渎溪村 村指挥室 的班 2026-11-29 08:00 结束：07:00 起方可交班", model.ErrorMessageZh(err))
	assert.Equal(t, "应海霞's shift in 渎溪村 village room ends at 2026-11-29 08:00: hand over from 07:00 on", model.ErrorMessage(err))

	// The seat's console reads its room's duty once it runs.
	for _, msg := range run(t, m.InitLoaded(), 3) {
		m = update(t, m, msg)
	}
	assert.True(t, m.dutyLoaded, "InitLoaded reads the duty of a console made Loaded")
	assert.Equal(t, "应海霞", m.duty.Current.Name)
}

// At 80x24 the preview's shift line keeps its end and its time.
func TestVillageHandoverPreviewAt80(t *testing.T) {
	f := newFixture(t)
	opt := f.options(t, "en")
	opt.Seat = f.seatOf(t, 2422)
	m := loaded(t, f.db, opt, 80, 24)
	m = runLine(t, m, "handover")
	require.Equal(t, overlayHandover, m.overlay)
	v := m.View()
	assert.Contains(t, v, "shift 11-28 08:00 → 11-29 08:00 ")
	assert.Contains(t, v, "│   as of 03:10 ", "below, where the line is short")
	assert.Contains(t, v, "preview: hand over from 11-29 07:00")
	assert.False(t, strings.Contains(v, "enter hands over"))
	checkScreen(t, m, 80, 24, false)
}
