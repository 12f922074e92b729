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

// A patroller silent on patrol is on the handover sheet's silences, named
// as a patroller with their patrol, and the sheet fits every screen.
func TestHandoverSheetNamesASilentPatroller(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	areas, err := f.db.Areas(ctx)
	require.NoError(t, err)
	running, err := f.db.Patrols(ctx, model.PatrolFilter{Active: true})
	require.NoError(t, err)
	busy := map[model.PersonID]bool{}
	for _, p := range running {
		busy[p.Patroller] = true
	}
	var area model.PatrolArea
	for _, a := range areas {
		if a.Patroller != 0 && !busy[a.Patroller] {
			area = a
			break
		}
	}
	require.NotZero(t, area.Patroller, "an area whose patroller is not on patrol")
	p, _, err := f.db.StartPatrol(ctx, area.Code, area.Patroller, "")
	require.NoError(t, err)
	who, err := f.db.Person(ctx, area.Patroller)
	require.NoError(t, err)
	at := base.Add(2*time.Hour + time.Minute)
	f.clock.Set(at)
	_, err = f.db.Sweep(ctx)
	require.NoError(t, err)
	p, err = f.db.Patrol(ctx, p.ID)
	require.NoError(t, err)
	require.NotEmpty(t, p.Silence, "the watchdog opened the silence")

	shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	var officer model.PersonID
	for _, s := range shifts {
		if !at.Before(s.From) && at.Before(s.To) {
			officer = s.Person
		}
	}
	require.NotZero(t, officer)
	for _, lang := range []string{"zh", "en"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			o := f.options(t, lang)
			o.Seat = f.seatOf(t, officer)
			m := New(f.db, nil, o)
			m = update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
			m = typeText(t, m, ":handover")
			m = update(t, m, keyMsg("enter"))
			require.Equal(t, overlayHandover, m.overlay, "%s %v", lang, sz)
			var sheet strings.Builder
			for _, l := range m.handover.lines() {
				sheet.WriteString(l + "\n")
			}
			kind := map[string]string{"zh": "巡护员", "en": "patroller"}[lang]
			assert.Contains(t, sheet.String(), kind+" "+who.Name+" "+p.ID, "%s %v", lang, sz)
			checkScreen(t, m, sz[0], sz[1], false)
		}
	}
}
