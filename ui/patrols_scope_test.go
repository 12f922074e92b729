package ui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
)

// A town's patrol pane is its own town's board: its areas and patrollers,
// and the findings on its desk (a QA: 花街镇's :patrols listed 东城街道's
// area and patroller, and said "on the desk 2" with one of its own); the
// county room's board holds both towns'.
func TestPatrolPaneIsItsOwnTowns(t *testing.T) {
	f := deskTowns(t)
	town := keys(t, terminal{w: 120, h: 40, lang: "en"}.console(t, f, func(o *Options) { o.Seat = f.seatOf(t, demo.Liaison) }), ":", "patrols", "enter")
	require.Equal(t, huajie, town.scope)
	require.True(t, town.pt.loaded)
	view := ansi.Strip(town.View())
	assert.Contains(t, view, "on the desk 1")
	assert.NotContains(t, view, "东城巡护", "东城街道's patroller is not on 花街镇's board")
	require.NotEmpty(t, town.pt.board.Areas)
	for _, ad := range town.pt.board.Areas {
		assert.True(t, huajie.Contains(ad.Area.Village), "%s at %s", ad.Area.Code, ad.Area.Village)
	}

	opt := f.options(t, "en")
	opt.Seat = countySeat(t, f)
	county := keys(t, loaded(t, f.db, opt, 120, 40), ":", "patrols", "enter")
	assert.Contains(t, ansi.Strip(county.View()), "on the desk 2", "the county room's desk holds every town's")
	assert.Equal(t, len(town.pt.board.Areas)+1, len(county.pt.board.Areas), "and its board every town's areas")
}
