package ui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// duxi is 渎溪村, the village of the article's spilled cargo.
const duxi model.NodeCode = "330784114266"

// scopedModel is a console for a seat scoped to node, loaded as Init
// would load it.
func scopedModel(t *testing.T, f fixture, node model.NodeCode, lang string) Model {
	t.Helper()
	opt := f.options(t, lang)
	opt.Seat.Node, opt.Seat.Town = node, node.Town()
	m := New(f.db, nil, opt)
	m = update(t, m, keyMsgSize(120, 40))
	m = update(t, m, loadSnapshot(f.db, node, m.reach)())
	return update(t, m, loadWartime(f.db, node)())
}

// A console scoped to a village shows that village's subtree and its
// incidents, and never a node above it.
func TestScopedToAVillage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := scopedModel(t, f, duxi, "zh")
	require.NoError(t, m.loadErr)

	assert.Equal(t, []model.NodeCode{duxi}, m.w.tower.Roots, "the village is the tower's root")
	for c := range m.w.nodes {
		assert.True(t, duxi.Contains(c), "node %s lies outside the village", c)
	}
	for _, r := range m.tower.rows {
		assert.True(t, duxi.Contains(r.code), "the tower shows %s", r.code)
	}
	for _, p := range m.w.people {
		assert.True(t, duxi.Contains(p.Node), "person %s of %s", p.Name, p.Node)
	}
	for _, e := range m.w.events {
		assert.True(t, e.Node == "" || duxi.Contains(e.Node), "event on %s", e.Node)
	}

	// The queue holds the village's incidents, all of them.
	open, err := f.db.Incidents(ctx, model.IncidentFilter{Open: true, Node: duxi})
	require.NoError(t, err)
	resolved, err := f.db.Incidents(ctx, model.IncidentFilter{Status: model.StatusResolved, Node: duxi})
	require.NoError(t, err)
	require.NotEmpty(t, open, "the demo has open incidents in 渎溪村")
	assert.Len(t, m.queue.rows, len(open)+len(resolved))
	for _, k := range m.queue.rows {
		assert.True(t, duxi.Contains(m.w.at(k.seq).Node))
	}
	assert.Equal(t, len(open), m.w.inc.open, "the figures count the village's incidents")

	view := m.View()
	assert.Contains(t, view, "渎溪村")
	assert.Contains(t, view, "330国道货物撒落")
	for _, above := range []string{"花街镇", "大屋村", "八字墙村", "小界岭村"} {
		assert.NotContains(t, view, above, "a scoped console names nothing outside its village")
	}

	// The roster of the root lists the village's people only.
	m = runLine(t, m, "roster")
	require.Equal(t, overlayRoster, m.overlay)
	require.NotEmpty(t, m.roster.people)
	for _, p := range m.roster.people {
		assert.True(t, duxi.Contains(p.Node))
	}
	checkScreen(t, m, 120, 40, false)
}

// A grid leader's seat names its grid with its village, as the town's
// console does ("渎溪村 02网格", not a bare "02网格" that every village
// has), and its incidents' nodes likewise; the tower stays the grid's.
func TestScopedToAGrid(t *testing.T) {
	f := newFixture(t)
	grid := duxi + "-02"
	for _, lang := range []string{"zh", "en"} {
		m := scopedModel(t, f, grid, lang)
		require.NoError(t, m.loadErr)
		assert.Equal(t, []model.NodeCode{grid}, m.w.tower.Roots)
		for c := range m.w.nodes {
			assert.True(t, grid.Contains(c), "node %s lies outside the grid", c)
		}
		head := strings.Split(m.View(), "\n")[0]
		assert.True(t, strings.HasPrefix(head, " 渎溪村 02网格  "), head)
		require.NotEmpty(t, m.queue.rows, "the demo has an incident in 渎溪村 02网格")
		assert.True(t, strings.HasPrefix(m.w.names[m.w.at(m.queue.rows[0].seq).Node], "渎溪村 02"))
		checkScreen(t, m, 120, 40, false)
	}
}

// What the feed brings from outside the scope stays out of it.
func TestScopedFeed(t *testing.T) {
	f := newFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	m := scopedModel(t, f, duxi, "en")
	rows := len(m.queue.rows)

	outside, err := f.db.Report(context.Background(), model.Report{Node: "330784114001-01", Category: "traffic",
		Severity: model.SeverityI, Title: "outside the village", Reporter: model.System})
	require.NoError(t, err)
	require.False(t, duxi.Contains(outside.Node))
	m = pump(t, m, sub, f.db)
	assert.Len(t, m.queue.rows, rows)
	_, seen := m.w.byRef[outside.ID]
	assert.False(t, seen)
	assert.NotContains(t, m.View(), "outside the village")

	inside, err := f.db.Report(context.Background(), model.Report{Node: duxi + "-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "inside the village", Reporter: model.System})
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	assert.Len(t, m.queue.rows, rows+1)
	assert.Equal(t, inside.Seq, m.queue.rows[0].seq)
	assert.Contains(t, m.View(), "inside the village")
}

// In wartime over the town, a village's console counts and lists its own
// units only.
func TestScopedWartime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonFlood, []model.NodeCode{"330784114"}, true, "", f.operator(t))
	require.NoError(t, err)
	_, _, err = f.db.IssueDirective(ctx, "逐户核查", []model.NodeCode{"330784114"}, 2*time.Hour, f.operator(t), false)
	require.NoError(t, err)
	m := scopedModel(t, f, duxi, "en")
	require.True(t, m.wt.active())

	st, err := f.db.WartimeStatus(ctx, "")
	require.NoError(t, err)
	units, gaps := 0, 0
	for _, u := range st.Units {
		if duxi.Contains(u.MicroGrid) {
			units++
			if u.Worker == 0 {
				gaps++
			}
		}
	}
	require.Less(t, units, len(st.Units))
	assert.Len(t, m.wt.status.Units, units)
	assert.Equal(t, units, m.wtc.fig.rows[2].units)
	assert.Equal(t, gaps, m.wtc.fig.rows[3].units)
	assert.Equal(t, 1, m.wtc.fig.rows[1].units, "one village room")
	for _, r := range gapRows(&m.w, m.wt) {
		assert.True(t, duxi.Contains(r.micro))
	}
	cur, ok := m.dir.current()
	require.True(t, ok)
	assert.Equal(t, units, cur.sum.Units)
	for _, v := range cur.sum.Villages {
		assert.Equal(t, duxi, v.Village)
	}
	checkScreen(t, m, 120, 40, false)
}

// The styles are built on the renderer the options give (a seat's own
// terminal), not on the global one.
func TestStylesOnTheSeatsRenderer(t *testing.T) {
	f := newFixture(t)
	plain := f.model(t, "en", 120, 40)
	assert.NotContains(t, plain.View(), "\x1b[", "the tests' global renderer draws no colour")

	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	opt := f.options(t, "en")
	opt.Renderer = r
	m := loaded(t, f.db, opt, 120, 40)
	view := m.View()
	assert.Contains(t, view, "\x1b[", "the seat's renderer draws colour")
	for _, l := range strings.Split(view, "\n")[:3] {
		assert.Contains(t, l, "\x1b[")
	}
}
