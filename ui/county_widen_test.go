package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// towerOn is m with the focus on the tower and the tower on node.
func towerOn(t *testing.T, m Model, node model.NodeCode) Model {
	t.Helper()
	for i := 0; m.focus != paneTower && i < int(paneCount); i++ {
		m = keys(t, m, "tab")
	}
	require.Equal(t, paneTower, m.focus)
	m = keys(t, m, "g") // the panes are shared by the copies of a Model: from the top
	for i := 0; m.tower.selected() != node && i < 20; i++ {
		m = keys(t, m, "j")
	}
	require.Equal(t, node, m.tower.selected())
	return m
}

// In the county room, W on a town whose wartime covers part of it (a
// village's room began it) offers what the town room offers, widen it to
// the whole town or end it (the QA could only end it, though the CLI
// widens it). With another town in wartime too the room holds none of
// the town's directives, so what carries on is read for the question;
// y widens it, the directive and its signature running on.
func TestCountyRoomWidensATownsVillageWartime(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := yongkangFixture(t)
		a, d, _ := villageWartime(t, f)
		seat := countySeat(t, f)
		_, err := f.db.ActivateTowns(context.Background(), model.ReasonTyphoon, []model.NodeCode{dongcheng}, false, "", seat.Person.ID)
		require.NoError(t, err)
		m := countyRoom(t, f, seat, lang, 120, 40)
		require.Len(t, m.wt.status.Towns, 2, lang)
		require.Empty(t, m.wt.directives, "%s: two towns in wartime: the room holds no town's directives", lang)

		m = keys(t, towerOn(t, m, huajie), "W")
		require.True(t, m.formActive, "%s: W offers the choice", lang)
		assert.Contains(t, m.View(), m.say("[widen to the whole town] end it ", "[扩至全镇] 结束战时 "), lang)
		m = keys(t, m, "enter")
		require.True(t, m.q.active(), "%s: %s", lang, m.form.err)
		assert.True(t, strings.HasPrefix(m.q.text, m.say("widen wartime "+a.ID+" from 渎溪村 to the whole town, taking in 26 villages, 221 micro-grids, ",
			"扩大战时 "+a.ID+"：由渎溪村扩至全镇，新增 26 个村社、221 个微网格、")), "%s: %s", lang, m.q.text)
		assert.Equal(t, m.say("carrying on: 11 micro-grids on duty, "+d.ID+" 1/11 signed, 0 drafted reserves",
			"照常运行：在岗微网格 11 个、"+d.ID+" 已签 1/11、征调储备 0 人"), m.q.detail, lang)
		m = keys(t, m, "n")
		require.True(t, m.formActive, "%s: n goes back to the choice", lang)
		m = keys(t, m, "enter", "y")

		st, err := f.db.WartimeStatus(context.Background(), huajie)
		require.NoError(t, err)
		assert.Equal(t, a.ID, st.Active.ID, lang)
		assert.Equal(t, []model.NodeCode{huajie}, st.Active.Scope, "%s: widened over the town", lang)
		_, units, err := f.db.Directive(context.Background(), d.ID)
		require.NoError(t, err)
		assert.Len(t, units, 11, "%s: the directive keeps its units", lang)
		assert.Contains(t, m.flash.text, m.say(a.ID+" widened to the whole town", a.ID+" 已扩至全镇"), lang)
		checkScreen(t, m, 120, 40, false)

		// Over the whole town now, W asks to end it.
		m = keys(t, towerOn(t, m, huajie), "W")
		assert.False(t, m.formActive, lang)
		assert.True(t, m.q.active(), lang)
	}
}

// A county's hub widens a federated town's village wartime as it ends
// one: W offers the choice, and y sends the widening down to the town as
// a command (the flash says so); the town widens its own when it takes
// the command.
func TestHubWidensAFederatedTownsVillageWartime(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, _, _ := villageWartime(t, f)
	hub, officer := countyHub(t, f)
	syncHub(t, hub, f)

	opt := Options{Lang: "zh", Seat: model.SeatOf(officer), Location: shanghai, Now: f.clock.Now, NoSweep: true}
	m := loaded(t, hub, opt, 120, 40)
	m = update(t, m, loadWartime(hub, m.scope)())
	require.Len(t, m.wt.status.Towns, 1)
	m = keys(t, towerOn(t, m, huajie), "W")
	require.True(t, m.formActive, "W offers the choice")
	assert.Contains(t, m.View(), "[扩至全镇] 结束战时 ")
	m = keys(t, m, "enter")
	require.True(t, m.q.active(), m.form.err)
	assert.Equal(t, "照常运行：在岗微网格 11 个、D-0001 已签 1/11、征调储备 0 人", m.q.detail, "the hub's copy of the town's wartime")
	m = keys(t, m, "y")
	assert.False(t, m.flash.err, m.flash.text)
	assert.Contains(t, m.flash.text, "花街镇", "sent to the town")

	cmds, err := hub.FedCommandsPending(ctx, 0, 10)
	require.NoError(t, err)
	require.Len(t, cmds, 1)
	require.NoError(t, f.db.FedCommand(ctx, cmds[0]))
	st, err := f.db.WartimeStatus(ctx, huajie)
	require.NoError(t, err)
	assert.Equal(t, a.ID, st.Active.ID)
	assert.Equal(t, []model.NodeCode{huajie}, st.Active.Scope, "the town widened its own")
}
