package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// tickerHas reports whether the console's ticker holds an event about id
// (an activation's or a directive's).
func tickerHas(m Model, id string) bool {
	for _, e := range m.w.events {
		if e.Directive == id {
			return true
		}
	}
	return false
}

// A village seat's Events pane shows the town's wartime starting over it
// and a directive issued from the town that reaches its village among
// others; not a directive to its neighbours only.
func TestVillageTickerShowsWartimeReachingIt(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		sub := f.db.Subscribe()
		defer sub.Close()
		cadres, err := f.db.People(ctx, model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
		require.NoError(t, err)
		require.NotEmpty(t, cadres)
		var others []model.NodeCode
		nodes, err := f.db.Nodes(ctx, huajie)
		require.NoError(t, err)
		for _, n := range nodes {
			if n.Code.Level() == model.LevelVillage && n.Code != duxi && len(others) < 2 {
				others = append(others, n.Code)
			}
		}
		require.Len(t, others, 2)
		m := villageRoom(t, f, model.SeatOf(cadres[0]), lang, 120, 40, false)

		a, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
		require.NoError(t, err)
		m = pump(t, m, sub, f.db)                                // asks the snapshot again
		m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)()) // which brings the activation
		assert.True(t, tickerHas(m, a.ID), lang+": the town's wartime reaches the village")
		assert.Contains(t, m.ticker.View(), a.ID, lang)

		d, _, err := f.db.IssueDirective(ctx, "逐户核查", []model.NodeCode{others[0], duxi}, 2*time.Hour, f.operator(t), false)
		require.NoError(t, err)
		m = pump(t, m, sub, f.db)
		assert.True(t, tickerHas(m, d.ID), lang+": a directive to the village among others")
		assert.Contains(t, m.ticker.View(), d.ID, lang)

		n, _, err := f.db.IssueDirective(ctx, "清理沟渠", others, 2*time.Hour, f.operator(t), false)
		require.NoError(t, err)
		m = pump(t, m, sub, f.db)
		assert.False(t, tickerHas(m, n.ID), lang+": not the neighbours' directive")
		m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
		assert.True(t, tickerHas(m, d.ID) && tickerHas(m, a.ID), lang+": read again, the same")
		assert.False(t, tickerHas(m, n.ID), lang)
		assert.False(t, strings.Contains(m.ticker.View(), n.ID), lang)
	}
}
