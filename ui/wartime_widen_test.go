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

// villageWartime is the demo with 渎溪村's wartime begun by its cadre and a
// directive of it with one unit signed, and the cadre.
func villageWartime(t *testing.T, f fixture) (model.Activation, model.Directive, model.Person) {
	t.Helper()
	ctx := context.Background()
	cadres, err := f.db.People(ctx, model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
	require.NoError(t, err)
	require.NotEmpty(t, cadres)
	a, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{duxi}, false, "", cadres[0].ID)
	require.NoError(t, err)
	d, units, err := f.db.IssueDirective(ctx, "逐户核查", []model.NodeCode{duxi}, 2*time.Hour, cadres[0].ID, false)
	require.NoError(t, err)
	_, err = f.db.SignDirective(ctx, d.ID, units[0].Unit, model.System)
	require.NoError(t, err)
	return a, d, cadres[0]
}

// In the town room, W during 渎溪村's wartime offers a choice, widen it to
// the town or end it (the QA could only end it, closing its directive);
// the question names what the widening takes in and what carries on, n
// goes back to the choice, and y widens it: the header and the chain then
// show the town, the directive runs on.
func TestTownRoomWidensAVillagesWartime(t *testing.T) {
	for _, c := range []struct {
		lang, choices, question, detail, chainBefore, chainAfter, after string
	}{
		{"zh", "[扩至全镇] 结束战时 ", "扩大战时 W-0001：由渎溪村扩至全镇，新增 26 个村社、221 个微网格、",
			"照常运行：在岗微网格 11 个、D-0001 已签 1/11、征调储备 0 人", "战时指挥链 ────────────── 渎溪村 ─╮", "战时指挥链 ───────────────────────╮",
			"扩大范围 11-29 03:10   渎溪村 → 花街镇   新增 26 个村社、221 个微网格、"},
		{"en", "[widen to the whole town] end it ", "widen wartime W-0001 from 渎溪村 to the whole town, taking in 26 villages, 221 micro-grids, ",
			"carrying on: 11 micro-grids on duty, D-0001 1/11 signed, 0 drafted reserves", "Wartime chain", "Wartime chain",
			"widened 11-29 03:10   渎溪村 → 花街镇"},
	} {
		f := newFixture(t)
		a, d, _ := villageWartime(t, f)
		sub := f.db.Subscribe()
		m := update(t, f.model(t, c.lang, 120, 40), loadWartime(f.db, "")())
		require.Equal(t, []model.NodeCode{duxi}, m.wt.status.Active.Scope)
		assert.Contains(t, m.View(), c.chainBefore)
		assert.Contains(t, headerOf(m), "渎溪村", "the header names the part")

		m = keys(t, m, "W")
		require.True(t, m.formActive, "W offers the choice")
		assert.Contains(t, m.View(), c.choices)
		assert.Contains(t, footerLine(m), map[string]string{"zh": "←/→ 选择", "en": "←/→ choose"}[c.lang], "its keys on screen")
		m = keys(t, m, "enter")
		require.True(t, m.q.active())
		assert.True(t, strings.HasPrefix(m.q.text, c.question), m.q.text)
		assert.Equal(t, c.detail, m.q.detail)
		assert.Contains(t, m.View(), "y/n")
		m = keys(t, m, "n")
		require.True(t, m.formActive, "n goes back to the choice")
		m = keys(t, m, "enter", "y")
		m = pump(t, m, sub, f.db)
		sub.Close()

		st, err := f.db.WartimeStatus(context.Background(), "")
		require.NoError(t, err)
		assert.Equal(t, a.ID, st.Active.ID)
		assert.Equal(t, []model.NodeCode{huajie}, st.Active.Scope, "widened")
		assert.Equal(t, []model.NodeCode{huajie}, m.wt.status.Active.Scope)
		assert.Contains(t, m.View(), c.chainAfter)
		assert.NotContains(t, headerOf(m), "渎溪村", "the header: the whole town")
		assert.Equal(t, 232, m.wtc.fig.rows[2].units, "the chain counts the town's micro-grids")
		_, units, err := f.db.Directive(context.Background(), d.ID)
		require.NoError(t, err)
		assert.Len(t, units, 11, "the directive keeps its units")
		require.NotEmpty(t, m.wt.directives)
		assert.Equal(t, 1, m.wt.directives[0].sum.Signed, "and its signature")
		checkScreen(t, m, 120, 40, false)

		// Over the whole town now, W asks to end it; the after-action
		// summary says the widening.
		m = keys(t, m, "W")
		require.False(t, m.formActive)
		m = keys(t, m, "y")
		require.Equal(t, overlayAfter, m.overlay)
		assert.Contains(t, m.View(), c.after)
	}
}

// The choice's other way ends it, as W did before, naming the part; a
// village chosen in the tower outside the wartime is offered too.
func TestTownRoomChoiceEndsOrTakesInAVillage(t *testing.T) {
	f := newFixture(t)
	villageWartime(t, f)
	m := update(t, f.model(t, "zh", 80, 24), loadWartime(f.db, "")())
	m = keys(t, m, "W", "left", "enter")
	require.True(t, m.q.active())
	assert.True(t, strings.HasPrefix(m.q.text, "结束渎溪村的战时 W-0001（防台，自 "), m.q.text)
	checkScreen(t, m, 80, 24, false)
	m = keys(t, m, "n", "esc", "y") // the choice changed: discard it
	require.False(t, m.formActive)

	for i, r := range m.tower.rows {
		if r.code == xiaojieling {
			m.tower.cursor = i
		}
	}
	require.Equal(t, xiaojieling, m.tower.selected())
	m = keys(t, m, "W")
	require.True(t, m.formActive)
	assert.Contains(t, m.View(), "纳入小界岭村")
	m = keys(t, m, "right", "enter")
	assert.True(t, strings.HasPrefix(m.q.text, "扩大战时 W-0001：由渎溪村扩至渎溪村、小界岭村，新增 1 个村社、8 个微网格、548 户？"), m.q.text)
	checkScreen(t, m, 80, 24, false)
}

// A village's cadre does not widen their village's wartime: their W asks
// to end it, as before.
func TestVillageRoomWDoesNotOfferWiden(t *testing.T) {
	f := newFixture(t)
	_, _, cadre := villageWartime(t, f)
	o := f.options(t, "zh")
	o.Seat = model.SeatOf(cadre)
	m := update(t, loaded(t, f.db, o, 120, 40), loadWartime(f.db, duxi)())
	m = keys(t, m, "W")
	assert.False(t, m.formActive)
	require.True(t, m.q.active())
	assert.True(t, strings.HasPrefix(m.q.text, "结束渎溪村的战时 W-0001"), m.q.text)
}

// A seat reads the reach of a wartime again when it is widened (the
// cache held it as never changing): 小界岭村's seat, outside 渎溪村's
// wartime, sees nothing of it until the town widens it over the town;
// then the widening, and the end after it, reach the seat.
func TestWideningReadsTheReachAgain(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, _, _ := villageWartime(t, f)
	svc := &reachReads{Service: f.db, reads: map[string]int{}}
	reach := newReachCache()
	evs, err := seatEvents(ctx, svc, xiaojieling, reach)
	require.NoError(t, err)
	for _, e := range evs {
		require.NotEqual(t, a.ID, e.Directive, "渎溪村's wartime does not reach 小界岭村")
	}
	require.Equal(t, 1, svc.of(a.ID))

	sub := f.db.Subscribe()
	defer sub.Close()
	_, err = f.db.Widen(ctx, a.ID, []model.NodeCode{huajie}, f.operator(t))
	require.NoError(t, err)
	msg, ok := waitEvents(sub, svc, xiaojieling, reach)().(eventsMsg)
	require.True(t, ok)
	require.Equal(t, model.ActWiden, msg.events[0].Action)
	assert.Equal(t, reachOf{a.ID: {huajie}}, msg.reach, "read again: the town now")
	assert.Len(t, scopeEvents(xiaojieling, msg.events, msg.reach), 1, "the widening reaches 小界岭村")

	_, err = f.db.Deactivate(ctx, a.ID, f.operator(t))
	require.NoError(t, err)
	msg, ok = waitEvents(sub, svc, xiaojieling, reach)().(eventsMsg)
	require.True(t, ok)
	require.Equal(t, model.ActDeactivate, msg.events[0].Action)
	assert.Len(t, scopeEvents(xiaojieling, msg.events, msg.reach), 1, "so does the end")
	assert.Equal(t, 2, svc.of(a.ID), "read once more, for the widening alone")
}

// A read begun before a widening dropped the entry does not put the old
// scope back; a feed that lost events drops every entry.
func TestReachCacheDropsWhatAWideningChanged(t *testing.T) {
	rc := newReachCache()
	_, gen, ok := rc.get("W-0001")
	require.False(t, ok)
	rc.widened([]model.Event{{Action: model.ActWiden, Directive: "W-0001"}})
	rc.put("W-0001", []model.NodeCode{duxi}, gen) // read before the widening
	_, _, ok = rc.get("W-0001")
	assert.False(t, ok, "not kept: it may be the scope before the widening")
	_, gen, _ = rc.get("W-0001")
	rc.put("W-0001", []model.NodeCode{huajie}, gen)
	rc.put("D-0001", []model.NodeCode{duxi}, gen)
	codes, _, ok := rc.get("W-0001")
	require.True(t, ok)
	assert.Equal(t, []model.NodeCode{huajie}, codes)
	rc.forgetAll()
	_, _, ok = rc.get("D-0001")
	assert.False(t, ok)
}

// A replay before the widening shows the wartime as it stood then: over
// 渎溪村, with its 11 micro-grids; after it, over the town.
func TestReplayShowsTheScopeAsItStood(t *testing.T) {
	f := newFixture(t)
	a, _, _ := villageWartime(t, f) // at 03:10
	f.clock.Advance(10 * time.Minute)
	_, err := f.db.Widen(context.Background(), a.ID, []model.NodeCode{huajie}, f.operator(t))
	require.NoError(t, err)
	f.clock.Advance(10 * time.Minute)
	for _, c := range []struct {
		line  string
		scope []model.NodeCode
		units int
	}{{":replay 03:15 03:19", []model.NodeCode{duxi}, 11}, {":replay 03:25 03:29", []model.NodeCode{huajie}, 232}} {
		m := update(t, f.model(t, "zh", 120, 40), loadWartime(f.db, "")())
		m = update(t, typeText(t, m, c.line), keyMsg("enter"))
		require.NotNil(t, m.rp, c.line)
		assert.Equal(t, c.scope, m.wt.status.Active.Scope, c.line)
		assert.Len(t, m.wt.status.Units, c.units, c.line)
	}
}

// At 80 columns the widening's question and what carries on are on
// screen whole, in either language (in English the detail was cut): the
// question over the lines it needs, then the detail, y/n at the end.
func TestWidenQuestionFitsEightyColumns(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		villageWartime(t, f)
		m := update(t, f.model(t, lang, 80, 24), loadWartime(f.db, "")())
		m = keys(t, m, "W", "enter")
		require.True(t, m.q.active(), lang)
		screen := strings.Split(m.View(), "\n")
		require.Len(t, screen, 24, lang)
		status := screen[len(screen)-len(m.statusLines()):]
		var words []string
		for _, l := range status {
			assert.NotContains(t, l, "…", "%s: nothing cut", lang)
			words = append(words, strings.TrimSpace(l))
		}
		said := strings.Join(words, " ")
		if lang == "zh" {
			said = strings.Join(words, "")
		}
		assert.Contains(t, said, m.q.text, lang)
		assert.Contains(t, said, m.q.detail, lang)
		assert.True(t, strings.HasSuffix(said, "y/n"), "%s: %q", lang, said)
		checkScreen(t, m, 80, 24, false)
	}
}

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
