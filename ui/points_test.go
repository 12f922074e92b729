package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// pointsFixture is the demo with a few manual entries on top of the
// morning's points: Duxi's grid 02 workers and its leader.
func pointsFixture(t *testing.T) (fixture, model.PersonID, model.PersonID) {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	people, err := f.db.People(ctx, model.PeopleFilter{Node: "330784114266-02"})
	require.NoError(t, err)
	cadres, err := f.db.People(ctx, model.PeopleFilter{Node: "330784114266", Role: model.RoleVillageCadre})
	require.NoError(t, err)
	var worker, leader model.PersonID
	for _, p := range people {
		switch {
		case p.Has(model.RoleGridWorkerFull) && worker == 0:
			worker = p.ID
		case p.Has(model.RoleGridLeader):
			leader = p.ID
		}
	}
	_, err = f.db.GrantPoints(ctx, worker, 12, "网格协商周", cadres[0].ID)
	require.NoError(t, err)
	_, err = f.db.GrantPoints(ctx, leader, 4, "网格协商周", cadres[0].ID)
	require.NoError(t, err)
	micro, err := f.db.People(ctx, model.PeopleFilter{Node: "330784114266-02-01", Role: model.RoleMicroGridWorker})
	require.NoError(t, err)
	_, err = f.db.GrantPoints(ctx, micro[0].ID, 3, "入户走访", cadres[0].ID)
	require.NoError(t, err)
	return f, worker, leader
}

func TestPointsPane(t *testing.T) {
	f, worker, _ := pointsFixture(t)
	m := f.model(t, "en", 120, 40)
	m = keys(t, m, ":", "p", "o", "i", "n", "t", "s", "enter")
	require.Equal(t, overlayPoints, m.overlay)
	view := m.View()
	assert.Contains(t, view, "Points 2026-11")
	assert.Contains(t, view, "grid teams")
	assert.NotContains(t, view, "loading")
	// Duxi's grid 02 leads the teams: the morning's points and the 16
	// granted, 5 of them its leader's (4 granted, 1 signed for in time).
	lines := strings.Split(view, "\n")
	require.Greater(t, len(lines), 5)
	assert.Regexp(t, `│ 渎溪村 02 +21 +5 +16 +24% [█░]{10} +0 +\+21 *│`, lines[5], "the first team, under its header")
	all := strings.Join(m.points.lines, "\n")
	p, err := f.db.Person(context.Background(), worker)
	require.NoError(t, err)
	assert.Regexp(t, `1 `+p.Name+` 渎溪村 02 +13 +13  grid worker`, all, "first of the people")
	assert.Contains(t, all, "micro-grids")
	// The people and micro-grids are below: G scrolls to the end.
	m = keys(t, m, "G")
	assert.Contains(t, m.View(), "micro-grids")

	// [ and ] step through the months; October had nothing.
	m = keys(t, m, "[")
	assert.Contains(t, m.View(), "Points 2026-10")
	assert.Contains(t, m.View(), "no points this month yet")
	assert.Contains(t, m.View(), " 2026-10 0  2026-09 0  +0", "a month gone by is named, not called this month")
	m = keys(t, m, "]")
	assert.Contains(t, m.View(), "Points 2026-11")
	// esc closes it.
	m = keys(t, m, "esc")
	assert.Equal(t, overlayNone, m.overlay)

	// A month typed with the command; a bad one is refused, naming it.
	m = runLine(t, m, "积分 2026-09")
	assert.Contains(t, m.View(), "Points 2026-09")
	m = runLine(t, m, "points 2026-13")
	assert.Contains(t, m.View(), `month "2026-13"`)
}

// The pane follows the log: a grant while it is open shows at once.
func TestPointsPaneFollowsTheFeed(t *testing.T) {
	f, worker, _ := pointsFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	m := f.model(t, "zh", 120, 40)
	m = keys(t, m, ":", "p", "o", "i", "n", "t", "s", "enter")
	before := m.View()
	assert.Contains(t, before, "积分 2026-11")
	assert.Contains(t, before, "网格团队")
	ctx := context.Background()
	cadres, err := f.db.People(ctx, model.PeopleFilter{Node: "330784114266", Role: model.RoleVillageCadre})
	require.NoError(t, err)
	_, err = f.db.GrantPoints(ctx, worker, 50, "防汛值守", cadres[0].ID)
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	p, err := f.db.Person(ctx, worker)
	require.NoError(t, err)
	assert.Regexp(t, `1 `+p.Name+` 渎溪村 02 +63 +63`, strings.Join(m.points.lines, "\n"), "12 and 50 granted, 1 reported")
	assert.Regexp(t, `渎溪村 02 +71 +5 +66 `, m.View(), "the team's total moved with it")
}

// The points pane at 120x40 in Chinese and 80x24 in English, against
// testdata/TestPointsGolden/*.golden (regenerate with -update).
func TestPointsGolden(t *testing.T) {
	for _, c := range []struct {
		name, lang string
		w, h       int
	}{{"zh_120x40", "zh", 120, 40}, {"en_80x24", "en", 80, 24}} {
		t.Run(c.name, func(t *testing.T) {
			f, _, _ := pointsFixture(t)
			f.clock.Set(base.Add(time.Minute))
			m := f.model(t, c.lang, c.w, c.h)
			m = keys(t, m, ":", "p", "o", "i", "n", "t", "s", "enter")
			checkScreen(t, m, c.w, c.h, false)
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

// The pane reloads for the patrols' events that earn (issue 13's
// patrol_done and rotation_sweep) and not for the rest of their flow.
func TestPointsPaneEarnsOnPatrols(t *testing.T) {
	pp := &pointsPane{cur: model.PointsMonth{Indicators: model.DefaultPoints().Indicators}}
	for a, want := range map[model.Action]bool{
		"patrol_done": true, "rotation_sweep": true, model.ActPointsRedeem: true,
		"patrol_start": false, "checkin": false, "patrol_end": false, "finding": false, "finding_pass": false,
		"finding_merge": false, "finding_close": false, "rotation_patrol": false, "rotation_traffic": false,
	} {
		assert.Equal(t, want, pp.earns([]model.Event{{Action: a}}), a)
	}
}

// A seat scoped to a village sees its village's points only: its people,
// its grid teams, its micro-grids.
func TestPointsForTheSeatsScope(t *testing.T) {
	f, worker, _ := pointsFixture(t)
	m := scopedModel(t, f, duxi, "zh")
	m = keys(t, m, ":", "p", "o", "i", "n", "t", "s", "enter")
	require.Equal(t, overlayPoints, m.overlay)
	require.NotEmpty(t, m.points.cur.People)
	found := false
	for _, x := range append(m.points.cur.People, m.points.prev.People...) {
		assert.True(t, duxi.Contains(x.Node), "%s of %s", x.Name, x.Node)
		found = found || x.Person == worker
	}
	assert.True(t, found, "the Duxi worker granted points")
	for _, l := range m.points.lines {
		for _, other := range []string{"金湖村", "枫源村", "花街镇"} {
			assert.NotContains(t, l, other)
		}
	}
	assert.Regexp(t, `渎溪村 02 +21 `, m.View())
}

// The console refuses a month before the first the ledger keeps and one
// still to come, typed or stepped to, and stays on the month it shows (a
// QA: ':points 2000-01' then '[' went to 1999-12).
func TestPointsPaneStaysWithinTheLedger(t *testing.T) {
	f, _, _ := pointsFixture(t)
	m := f.model(t, "en", 120, 40)
	m = runLine(t, m, "points 2000-01")
	assert.Contains(t, m.View(), "Points 2000-01")
	m = keys(t, m, "[")
	assert.Contains(t, m.View(), "Points 2000-01", "stays on the first month")
	assert.Contains(t, m.View(), "month 1999-12: the points run from 2000-01 to this month, 2026-11")

	m = runLine(t, m, "points 2026-11")
	m = keys(t, m, "]")
	assert.Contains(t, m.View(), "Points 2026-11", "stays on this month")
	assert.Contains(t, m.View(), "month 2026-12: the points run from 2000-01")
	m = runLine(t, m, "points 2027-05")
	assert.Contains(t, m.View(), "month 2027-05: the points run from 2000-01")
}
