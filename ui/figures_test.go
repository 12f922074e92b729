package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// headerFigureText is the header line, where esc/h and pass-on p50 are.
func headerFigureText(m Model) string {
	header, _, _ := strings.Cut(m.View(), "\n")
	return header
}

// wantFigures is how the header says the store's figures.
func wantFigures(m Model, st model.Stats) string {
	passOn := "-"
	if st.Incidents.PassOnReports > 0 {
		passOn = model.FormatWait(time.Duration(st.Incidents.PassOnP50Seconds) * time.Second)
	}
	return fmt.Sprintf("%s %d  %s %s", m.p.lab.EscPerHour, st.Incidents.EscalationsLastHour, m.p.lab.PassOn, passOn)
}

// TestHeaderFiguresHoldPastSignatures: the header's esc/h and pass-on p50
// are the store's, the numbers gridcmd stats prints, and 600 and more
// directive signatures (each an event in the log) change neither, in a
// console reloading after the burst or opened after it. They used to be
// counted over the last 500 events the console kept, which the signatures
// filled.
func TestHeaderFiguresHoldPastSignatures(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.model(t, "zh", 120, 40)
	st, err := f.db.Stats(ctx)
	require.NoError(t, err)
	require.Positive(t, st.Incidents.EscalationsLastHour, "the demo's night has escalations in the last hour")
	require.Positive(t, st.Incidents.PassOnReports)
	assert.Contains(t, headerFigureText(m), wantFigures(m, st))

	op := f.operator(t)
	_, err = f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{m.town()}, true, "", op)
	require.NoError(t, err)
	signed := 0
	for i := 0; i < 3; i++ {
		d, units, err := f.db.IssueDirective(ctx, fmt.Sprintf("指令%d", i), []model.NodeCode{m.town()}, 2*time.Hour, op, false)
		require.NoError(t, err)
		for _, u := range units {
			_, err := f.db.SignDirective(ctx, d.ID, u.Unit, op)
			require.NoError(t, err)
			signed++
		}
	}
	require.GreaterOrEqual(t, signed, 600)
	after, err := f.db.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, st.Incidents.EscalationsLastHour, after.Incidents.EscalationsLastHour, "signatures are no escalations")

	m = update(t, m, eventsMsg{lost: true}) // a burst this size overflows the feed: the console reloads
	assert.Contains(t, headerFigureText(m), wantFigures(m, after))
	fresh := f.model(t, "zh", 120, 40)
	assert.Contains(t, headerFigureText(fresh), wantFigures(fresh, after))
	en := f.model(t, "en", 120, 40)
	assert.Contains(t, headerFigureText(en), wantFigures(en, after))
}

// TestHeaderFiguresFollowTheClock: an escalation leaving the hour changes
// esc/h with no event at all: the console reads the figures again when the
// store said they would change.
func TestHeaderFiguresFollowTheClock(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "en", 120, 40)
	require.False(t, m.fig.NextChange.IsZero())
	f.clock.Set(m.fig.NextChange)
	m = update(t, m, tickMsg(f.clock.Now()))
	st, err := f.db.Stats(context.Background())
	require.NoError(t, err)
	assert.Contains(t, headerFigureText(m), wantFigures(m, st))
	assert.Equal(t, f.clock.Now(), m.fig.At, "read again at the tick")
}
