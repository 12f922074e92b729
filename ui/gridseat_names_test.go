package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The QA finding: a grid leader (P2468 陈敏健, 渎溪村 02) could not file a
// report by the place the form pre-fills, 渎溪村 02 (nor 渎溪村 02-01):
// the seat's names lacked the village above the grid, and the refusal
// named the grid "02". Both names resolve in the grid's seat now; a place
// outside the grid is refused naming the grid as the header does.
func TestGridSeatFilesByName(t *testing.T) {
	f := newFixture(t)
	opt := f.options(t, "zh")
	opt.Seat = f.seatOf(t, 2468)
	require.Equal(t, duxi+"-02", opt.Seat.Node)
	m := loaded(t, f.db, opt, 120, 40)
	require.NoError(t, m.loadErr)

	for _, c := range []struct {
		place string
		want  model.NodeCode
	}{{"", duxi + "-02"}, {"渎溪村 02-01", duxi + "-02-01"}} {
		got := keys(t, m, "n")
		require.Equal(t, "渎溪村 02", got.form.values()["node"], "the grid is the default")
		if c.place != "" {
			got = typeText(t, got, c.place)
		}
		got = keys(t, got, "enter", "enter", "enter")
		got = typeText(t, got, "楼道堆放杂物")
		got = keys(t, got, "enter", "enter")
		require.True(t, got.q.active(), "%q: asked, not refused: %s", c.place, got.form.err)
		r, err := got.reportFrom(got.form.values())
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Node)
	}

	got := typeText(t, keys(t, m, "n"), "渎溪村 01")
	got = keys(t, got, "enter", "enter", "enter")
	got = typeText(t, got, "楼道堆放杂物")
	got = keys(t, got, "enter", "enter")
	require.False(t, got.q.active())
	assert.Contains(t, got.form.err, "在渎溪村 02网格没有这个名称的节点", "the grid named as the header names it")
}
