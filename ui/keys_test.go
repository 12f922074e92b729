package ui

import (
	"context"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestHelpAndKeyMapAgree: every binding of the key map is in the help, once,
// with keys and words; and the help shows nothing that is not in the map.
func TestHelpAndKeyMapAgree(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) { helpAndKeyMapAgree(t, NewKeyMap(lang)) })
	}
}

func helpAndKeyMapAgree(t *testing.T, km KeyMap) {
	v := reflect.ValueOf(km)
	fields := map[string]string{}
	for i := 0; i < v.NumField(); i++ {
		b := v.Field(i).Interface().(key.Binding)
		require.NotEmpty(t, b.Keys(), "%s has no keys", v.Type().Field(i).Name)
		require.NotEmpty(t, b.Help().Key, "%s has no help key", v.Type().Field(i).Name)
		require.NotEmpty(t, b.Help().Desc, "%s has no help text", v.Type().Field(i).Name)
		fields[strings.Join(b.Keys(), ",")] = v.Type().Field(i).Name
	}
	seen := map[string]int{}
	for _, b := range km.all() {
		k := strings.Join(b.Keys(), ",")
		_, ok := fields[k]
		assert.True(t, ok, "help shows %q, which is not in the key map", b.Help().Key)
		seen[k]++
	}
	for k, name := range fields {
		assert.Equal(t, 1, seen[k], "%s must appear in the help exactly once", name)
	}
	for _, b := range km.ShortHelp() {
		_, ok := fields[strings.Join(b.Keys(), ",")]
		assert.True(t, ok, "the footer shows %q, which is not in the key map", b.Help().Key)
	}
	// No two bindings share a key.
	owner := map[string]string{}
	for k, name := range fields {
		for _, one := range strings.Split(k, ",") {
			if prev, dup := owner[one]; dup {
				t.Errorf("key %q is bound to both %s and %s", one, prev, name)
			}
			owner[one] = name
		}
	}
}

func TestMovementAndPanes(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	require.Equal(t, paneQueue, m.focus)
	first, _ := m.queue.selected()
	m = keys(t, m, "j", "j")
	assert.Equal(t, 2, m.queue.cursor)
	m = keys(t, m, "k")
	assert.Equal(t, 1, m.queue.cursor)
	m = keys(t, m, "G")
	assert.Equal(t, len(m.queue.rows)-1, m.queue.cursor)
	m = keys(t, m, "g")
	sel, _ := m.queue.selected()
	assert.Equal(t, first, sel)

	m = keys(t, m, "tab")
	assert.Equal(t, paneEvents, m.focus)
	m = keys(t, m, "tab")
	assert.Equal(t, paneChain, m.focus)
	m = keys(t, m, "tab")
	assert.Equal(t, paneTower, m.focus)
	m = keys(t, m, "shift+tab")
	assert.Equal(t, paneChain, m.focus)
	m = keys(t, m, "tab")

	// The tower: the town is open; moving selects a village and scopes the
	// queue to it; enter opens it, h closes it and then climbs to the parent.
	m = keys(t, m, "j")
	village := m.tower.selected()
	assert.Equal(t, model.LevelVillage, village.Level())
	assert.Equal(t, village, m.queue.scope)
	for _, s := range m.queue.rows {
		assert.True(t, village.Contains(m.w.at(s.seq).Node))
	}
	rows := len(m.tower.rows)
	m = keys(t, m, "enter")
	assert.Greater(t, len(m.tower.rows), rows, "enter opens the village")
	m = keys(t, m, "j")
	assert.Equal(t, model.LevelGrid, m.tower.selected().Level())
	m = keys(t, m, "h")
	assert.Equal(t, village, m.tower.selected(), "h on a closed node climbs to its parent")
	m = keys(t, m, "h")
	assert.Equal(t, rows, len(m.tower.rows), "h on an open node closes it")
	m = keys(t, m, "esc")
	assert.Equal(t, model.NodeCode(""), m.queue.scope, "esc clears the scope")
}

func TestDetailView(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	inc, _ := m.selectedIncident()
	m = keys(t, m, "enter")
	require.Equal(t, overlayDetail, m.overlay)
	require.NotEmpty(t, m.detail.timeline, "the timeline loads")
	view := m.View()
	assert.Contains(t, view, "Incident "+inc.ID)
	assert.Contains(t, view, "Timeline")
	assert.Contains(t, view, inc.Title)
	m = keys(t, m, "esc")
	assert.Equal(t, overlayNone, m.overlay)
}

func TestFilter(t *testing.T) {
	m := demoConsole(t, "zh", 120, 40)
	all := len(m.queue.rows)
	m = keys(t, m, "/")
	m = typeText(t, m, "330国道")
	require.Len(t, m.queue.rows, 1, "Chinese input filters the queue")
	assert.Equal(t, "330国道货物撒落", m.w.at(m.queue.rows[0].seq).Title)
	m = keys(t, m, "enter")
	assert.False(t, m.filterActive)
	assert.Contains(t, m.View(), "筛选：330国道", "the filter kept, named in the title")
	m = keys(t, m, "esc")
	assert.Len(t, m.queue.rows, all, "esc clears the filter")

	m = keys(t, m, "/")
	m = typeText(t, m, "渎溪")
	for _, s := range m.queue.rows {
		assert.Contains(t, m.w.names[m.w.at(s.seq).Node], "渎溪", "a node name matches")
	}
	m = keys(t, m, "esc")
	m = keys(t, m, "/")
	m = typeText(t, m, "traffic")
	for _, s := range m.queue.rows {
		assert.Equal(t, model.Category("traffic"), m.w.at(s.seq).Category)
	}
}

func TestCommandLine(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	m = keys(t, m, ":")
	m = typeText(t, m, "ro")
	m = keys(t, m, "tab")
	assert.Equal(t, "roster", m.cmdInput.Value(), "tab completes")
	m = keys(t, m, "enter")
	require.Equal(t, overlayRoster, m.overlay)
	assert.Contains(t, m.View(), "Roster")
	assert.Contains(t, m.View(), "duty officer")

	m = runLine(t, m, "tower")
	assert.Equal(t, overlayNone, m.overlay)
	assert.Equal(t, paneTower, m.focus)

	m = runLine(t, m, "bogus")
	assert.Contains(t, m.View(), "unknown command :bogus")

	next, cmd := keys(t, m, ":").Update(keyMsg("q"))
	m = next.(Model)
	_, cmd = m.Update(keyMsg("enter"))
	assert.Equal(t, tea.Quit(), cmd(), ":q quits")
}

// find moves the queue's cursor to the incident with this title.
func find(t *testing.T, m Model, title string) Model {
	t.Helper()
	for i, s := range m.queue.rows {
		if m.w.at(s.seq).Title == title {
			m.queue.cursor = i
			return m
		}
	}
	t.Fatalf("no incident %q in the queue", title)
	return m
}

func stored(t *testing.T, f fixture, id string) model.Incident {
	t.Helper()
	inc, err := f.db.Incident(context.Background(), id)
	require.NoError(t, err)
	return inc
}

func TestActionsGoThroughTheStore(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "en", 120, 40)

	// a: the report still waiting at the town is signed for.
	m = find(t, m, "电信诈骗预警")
	inc, _ := m.selectedIncident()
	require.Equal(t, model.StatusReported, inc.Status)
	// Every action that changes the record asks first, naming it; n leaves
	// it as it was, y does it.
	m = keys(t, m, "a")
	assert.Contains(t, m.View(), "acknowledge HJ-…-"+inc.ID[len(inc.ID)-4:]+" 杨杭村 03 电信诈骗预警?  y/n")
	assert.Equal(t, model.StatusReported, stored(t, f, inc.ID).Status, "nothing before y")
	m = keys(t, m, "n")
	assert.Equal(t, model.StatusReported, stored(t, f, inc.ID).Status, "n does nothing")
	// enter is no answer: an officer's habit of pressing it must not act
	// (it did, the question saying y/n).
	m = keys(t, m, "a", "enter")
	assert.Equal(t, model.StatusReported, stored(t, f, inc.ID).Status, "enter does nothing")
	assert.True(t, m.q.active(), "the question still waits for y or n")
	m = keys(t, m, "n")
	m = keys(t, m, "a", "y")
	assert.Equal(t, model.StatusAcknowledged, stored(t, f, inc.ID).Status)
	assert.Contains(t, m.View(), inc.ID+" acknowledged")

	// a again is refused by the rules before anything is asked.
	m = keys(t, m, "a")
	assert.Contains(t, m.View(), "already signed for")
	assert.False(t, m.q.active(), "a refusal comes instead of the question")

	// e: one tier up, named in the question; tab adds a note.
	m = keys(t, m, "e")
	assert.Contains(t, m.View(), "→task force?")
	m = keys(t, m, "tab")
	m = typeText(t, m, "已报专班")
	m = keys(t, m, "enter", "y")
	got := stored(t, f, inc.ID)
	assert.Equal(t, model.TierTaskForce, got.Tier)
	assert.Equal(t, model.StatusReported, got.Status)

	// E on a grid-tier incident: pick the town with →, add a note.
	m = find(t, m, "夜间噪音扰民")
	inc, _ = m.selectedIncident()
	require.Equal(t, model.TierGrid, inc.Tier)
	m = keys(t, m, "E", "right")
	m = typeText(t, m, "")
	m = keys(t, m, "tab")
	m = typeText(t, m, "涉及多户")
	m = keys(t, m, "enter")
	assert.False(t, m.formActive)
	assert.Contains(t, m.View(), "→town  note: 涉及多户?  y/n", "the submitted form asks")
	m = keys(t, m, "y")
	got = stored(t, f, inc.ID)
	assert.Equal(t, model.TierTown, got.Tier)

	// s: dispatch needs a department; an empty one keeps the form open.
	m = keys(t, m, "s", "tab", "enter", "enter")
	assert.True(t, m.formActive, "no department: the form stays")
	assert.Contains(t, m.View(), "department")
	assert.Equal(t, "department", m.form.fields[m.form.focus].name, "the cursor on the field refused")
	m = typeText(t, m, "派出所")
	m = keys(t, m, "enter", "enter", "y")
	assert.False(t, m.formActive)
	got = stored(t, f, inc.ID)
	assert.Equal(t, model.StatusDispatched, got.Status)
	assert.Equal(t, "派出所", got.Department)

	// r resolves, o reopens with a note, r again, c closes.
	m = keys(t, m, "r", "y")
	assert.Equal(t, model.StatusResolved, stored(t, f, inc.ID).Status)
	m = keys(t, m, "o", "enter")
	assert.True(t, m.formActive, "reopen needs a note")
	m = typeText(t, m, "群众再次反映")
	m = keys(t, m, "enter", "y")
	assert.Equal(t, model.StatusReported, stored(t, f, inc.ID).Status)
	m = keys(t, m, "a", "y", "r", "y")
	assert.Equal(t, model.StatusResolved, stored(t, f, inc.ID).Status)
	m = keys(t, m, "c")
	m = typeText(t, m, "回访满意")
	m = keys(t, m, "enter", "y")
	assert.Equal(t, model.StatusClosed, stored(t, f, inc.ID).Status)
	_, still := m.w.byRef[inc.ID]
	assert.False(t, still, "a closed incident leaves the queue")

	// Every action was recorded as the operator's.
	tl, err := f.db.Timeline(context.Background(), inc.ID)
	require.NoError(t, err)
	for _, e := range tl[1:] {
		assert.Equal(t, f.operator(t), e.Actor, "%s", e.Action)
	}
}

// A refusal says why, in the console's language.
func TestRefusedActionSaysWhy(t *testing.T) {
	for _, tc := range []struct{ lang, ackFirst, resolveFirst string }{
		{"en", "cannot resolve an incident that is reported (acknowledge it first)", "resolve it first"},
		{"zh", "事件为「上报」，不能办结（请先签收）", "（请先办结）"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			m := demoConsole(t, tc.lang, 120, 40)
			m = find(t, m, "电信诈骗预警")
			m = keys(t, m, "r")
			assert.Contains(t, m.View(), tc.ackFirst)
			m = keys(t, m, "c")
			m = keys(t, m, "enter")
			assert.Contains(t, m.View(), tc.resolveFirst)
		})
	}
}

func TestNewReportForm(t *testing.T) {
	f := newFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	m := f.model(t, "zh", 120, 40)
	m = keys(t, m, "n")
	require.True(t, m.formActive)
	// An empty node code is refused and the form keeps what was typed.
	m = keys(t, m, "tab", "right", "tab", "left", "tab")
	m = typeText(t, m, "河道有人电鱼")
	m = keys(t, m, "tab", "enter")
	assert.True(t, m.formActive)
	assert.Contains(t, m.View(), "地点：为空；请填写代码或名称，如 渎溪村 02")
	assert.Equal(t, "河道有人电鱼", m.form.values()["title"], "nothing typed is lost")
	assert.Equal(t, "node", m.form.fields[m.form.focus].name, "the cursor on the field refused")
	// A name that fits two places lists them and keeps the form.
	m = typeText(t, m, "八字墙")
	m = submitForm(t, m)
	assert.True(t, m.formActive)
	assert.Contains(t, m.View(), "八字墙居委会")
	assert.Contains(t, m.View(), "八字墙村")
	// The place by its name, as people say it; the form asks, naming it.
	for range []rune("八字墙") {
		m = keys(t, m, "backspace")
	}
	m = typeText(t, m, "阔塘后村 02")
	m = submitForm(t, m)
	assert.False(t, m.formActive)
	assert.Contains(t, m.View(), "上报 阔塘后村 02 河道有人电鱼（II 生态）？  y/n")
	m = keys(t, m, "y")
	m = pump(t, m, sub, f.db)
	node, err := m.names().Resolve("阔塘后村 02")
	require.NoError(t, err)
	list, err := f.db.Incidents(context.Background(), model.IncidentFilter{Node: node})
	require.NoError(t, err)
	var filed *model.Incident
	for i := range list {
		if list[i].Title == "河道有人电鱼" {
			filed = &list[i]
		}
	}
	require.NotNil(t, filed)
	assert.Equal(t, model.SeverityII, filed.Severity)
	assert.Equal(t, f.operator(t), filed.Reporter)
	assert.Contains(t, m.View(), "河道有人电鱼", "it shows in the queue and the ticker")
}

func TestQuitAsksWhenAFormIsHalfFilled(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	_, cmd := m.Update(keyMsg("q"))
	require.NotNil(t, cmd)
	assert.Equal(t, tea.Quit(), cmd())

	m = keys(t, m, "n")
	m = keys(t, m, "tab", "tab", "tab")
	m = typeText(t, m, "q")
	next, cmd := m.Update(keyMsg("ctrl+c"))
	m = next.(Model)
	assert.Nil(t, cmd, "a half-filled form is not dropped silently")
	assert.Contains(t, m.View(), "discard the half-filled form and quit?  y/n")
	next, _ = m.Update(keyMsg("n"))
	m = next.(Model)
	assert.True(t, m.formActive)
	assert.Equal(t, "q", m.form.values()["title"])
	// esc on a dirty form asks too; y discards.
	m = keys(t, m, "esc")
	assert.Contains(t, m.View(), "discard the half-filled form?  y/n")
	m = keys(t, m, "y")
	assert.False(t, m.formActive)
}

func TestLiveFeedAndClock(t *testing.T) {
	f := newFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	m := f.model(t, "en", 120, 40)
	open := m.w.inc.open
	// Another writer files a report: it shows after the feed delivers it.
	inc, err := f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "货车侧翻", Reporter: model.System})
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	assert.Equal(t, open+1, m.w.inc.open)
	assert.Equal(t, inc.Seq, m.queue.rows[0].seq, "a severity I report goes to the top")
	assert.Contains(t, m.View(), "货车侧翻")

	// Two minutes and a second later the clock runs out: the sweep lifts it
	// to the village and the ticker says why.
	f.clock.Advance(2*time.Minute + time.Second)
	m = update(t, m, tickMsg(f.clock.Now()))
	_, err = f.db.Sweep(context.Background())
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	assert.Equal(t, model.TierVillage, m.w.at(inc.Seq).Tier)
	assert.Contains(t, m.View(), "escalated grid→village (deadline passed)")
	assert.Regexp(t, `escalated grid→village \(deadline passed\) +system`, m.View())

	// In Chinese the clock's own actions are the system's too, in Chinese.
	zh := f.model(t, "zh", 120, 40)
	assert.Regexp(t, `网格→村社（超时未签收） +系统`, zh.View())
	assert.NotContains(t, zh.View(), "system")
}

// With a long tick (a seat's minute), what the feed brings between two
// ticks is measured from the time it arrived, not from the last tick: a
// report filed 40 s after the tick has waited 0 s, not -40 s, and its
// countdown is the town's.
func TestFeedBringsTheClockAlong(t *testing.T) {
	f := newFixture(t)
	sub := f.db.Subscribe()
	defer sub.Close()
	m := f.model(t, "en", 120, 40)
	f.clock.Advance(40 * time.Second)
	inc, err := f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "货车侧翻", Reporter: model.System})
	require.NoError(t, err)
	m = pump(t, m, sub, f.db)
	assert.Equal(t, f.clock.Now(), m.now)
	assert.Equal(t, inc.Seq, m.queue.rows[0].seq)
	assert.NotContains(t, m.View(), "-40s")
}

// The feed and the snapshot overlap at start: an event both deliver shows
// once.
func TestOverlappingFeedShowsEventsOnce(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	newest := m.w.events[0]
	n := len(m.w.events)
	next, _ := m.Update(eventsMsg{events: []model.Event{newest}})
	m = next.(Model)
	assert.Len(t, m.w.events, n)
	assert.Equal(t, newest.Seq, m.w.events[0].Seq)
	assert.NotEqual(t, newest.Seq, m.w.events[1].Seq)
}

// Runes that arrive in one read (":roster" typed fast, or sent by a
// script) are keys one by one: the ':' opens the command line and the rest
// goes into it.
func TestRunesArrivingTogether(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(":roster")})
	assert.True(t, m.cmdActive)
	assert.Equal(t, "roster", m.cmdInput.Value())
	m = keys(t, m, "enter")
	assert.Equal(t, overlayRoster, m.overlay)

	m = keys(t, m, "esc")
	m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	assert.Equal(t, 3, m.queue.cursor)
	// In a text input the runes stay together.
	m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/330")})
	assert.True(t, m.filterActive)
	assert.Equal(t, "330", m.filterInput.Value())
}

// On a small terminal the help scrolls, so every key can be read.
func TestHelpScrollsOnASmallTerminal(t *testing.T) {
	m := demoConsole(t, "en", 80, 24)
	m = keys(t, m, "?")
	assert.NotContains(t, m.View(), "resend to silent")
	for i := 0; i < 30; i++ {
		m = keys(t, m, "j")
	}
	assert.Contains(t, m.View(), "resend to silent", "the last group is reachable")
	checkScreen(t, m, 80, 24, false)
}

// The help names every : command, wrapped at spaces, never cut.
func TestHelpNamesEveryCommand(t *testing.T) {
	f := newFixture(t)
	for _, w := range []int{80, 120} {
		m := f.model(t, "zh", w, 40)
		m = keys(t, m, "?")
		view := m.View()
		for i := 0; i < 40; i++ { // the help scrolls: read it all
			m = keys(t, m, "j")
			view += m.View()
		}
		for _, c := range []string{":incidents", ":tower", ":roster", ":chain", ":events", ":gaps", ":directives", ":after",
			":show", ":tier", ":points", ":patrols", ":desk", ":handover", ":checkin", ":replay", ":town", ":help", ":q", "（tab键补全）"} {
			// A word ends at a space, a bracket, the line's end or the pane's border.
			assert.Regexp(t, regexp.QuoteMeta(c)+`( |（|$|\n|│|\|)`, view, "%s at width %d", c, w)
		}
		checkScreen(t, m, w, 40, false)
	}
}

// A console that cannot load says why, whole and in its language.
func TestLoadErrorSaysWhy(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{{"en", "is closed"}, {"zh", "已关闭"}} {
		f := newFixture(t)
		m := New(f.db, nil, f.options(t, tc.lang))
		m = update(t, m, keyMsgSize(80, 24))
		require.NoError(t, f.db.Close())
		m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
		require.Error(t, m.loadErr)
		view := m.View()
		assert.Contains(t, strings.ReplaceAll(view, "\n", ""), f.db.Path(), "the whole path, wrapped")
		assert.Contains(t, view, tc.want)
		checkScreen(t, m, 80, 24, false)
	}
}

// The detail names category, platform and source in the console's language;
// English adds the command room's Chinese term, once.
func TestDetailNames(t *testing.T) {
	f := newFixture(t)
	m := find(t, f.model(t, "zh", 120, 40), "强降雨致山体滑坡隐患")
	m = keys(t, m, "enter")
	view := m.View()
	assert.Regexp(t, `类别 +防汛 `, view)
	assert.Regexp(t, `平台 +经济生态 `, view)
	assert.NotContains(t, view, "flood")
	assert.NotContains(t, view, "ecology")

	assert.Equal(t, "flood 防汛", named(enLabels, "flood", "防汛"))
	assert.Equal(t, "typhoon_damage", named(enLabels, "typhoon_damage", "typhoon_damage"), "a custom category once")
	assert.Equal(t, "typhoon_damage", named(zhLabels, "typhoon_damage", "typhoon_damage"))
	assert.Equal(t, "sensor", named(zhLabels, "sensor", ""))
}

// The ':' line's help, completion and dispatch read one table: every word
// of it completes to itself and runs, and the help names every command.
func TestCommandTable(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	help := m.cmds.list()
	for _, c := range m.cmds {
		assert.Contains(t, help, c.help())
		for _, w := range append([]string{c.name}, c.aliases...) {
			assert.Equal(t, w, m.cmds.complete(m, w), "%s completes to itself", w)
			got, ok := m.cmds.find(w)
			require.True(t, ok, w)
			assert.Equal(t, c.name, got.name)
		}
		if c.name == "q" {
			continue
		}
		next, _ := m.cmds.run(m, c.name)
		assert.NotContains(t, next.(Model).View(), "unknown command", ":%s", c.name)
		if c.args == "" {
			next, _ = m.cmds.run(m, c.name+" extra")
			assert.Contains(t, next.(Model).View(), "unknown command :"+c.name+" extra", "%s takes no arguments", c.name)
		}
	}
	assert.Equal(t, "quit", m.cmds.complete(m, "qu"))
	assert.Equal(t, "after", m.cmds.complete(m, ""), "the first word in sorted order")
}

// Every alias of a ':' command, typed on the ':' line, does what the
// command does, in peacetime and in wartime.
func TestCommandAliasesDispatchLikeTheirCommand(t *testing.T) {
	f := newFixture(t)
	peace := f.model(t, "zh", 120, 40)
	war, _ := wartimeModel(t, f, "zh", 120, 40)
	type outcome struct {
		overlay overlayID
		focus   paneID
		view    string
		quit    bool
	}
	// typed runs the line on m from the queue, as an operator would; the
	// panes are shared, so what it did is read at once.
	typed := func(m Model, line string) outcome {
		m.overlay, m.focus = overlayNone, paneQueue
		m = typeText(t, keys(t, m, ":"), line)
		next, cmd := m.Update(keyMsg("enter"))
		m = next.(Model)
		quit := false
		for _, out := range run(t, cmd, 3) {
			_, quit = out.(tea.QuitMsg)
			m = update(t, m, out)
		}
		return outcome{m.overlay, m.focus, m.View(), quit}
	}
	aliases := 0
	for name, m := range map[string]Model{"peacetime": peace, "wartime": war} {
		for _, c := range m.cmds {
			want := typed(m, c.name)
			for _, a := range c.aliases {
				aliases++
				assert.Equal(t, want, typed(m, a), "%s: :%s does what :%s does", name, a, c.name)
			}
		}
	}
	assert.GreaterOrEqual(t, aliases, 2*len(peace.cmds), "every command has an alias")
	assert.True(t, typed(peace, "退出").quit, ":退出 quits")
	assert.Equal(t, overlayRoster, typed(peace, "名册").overlay)
}

// updateAll hands m the messages one after another before any command they
// return runs, as bubbletea does with keys that arrive together (a script,
// fast typing); then it runs the commands.
func updateAll(t *testing.T, m Model, msgs ...tea.Msg) (Model, []tea.Msg) {
	t.Helper()
	var cmds []tea.Cmd
	for _, msg := range msgs {
		next, cmd := m.Update(msg)
		m, cmds = next.(Model), append(cmds, cmd)
	}
	var out []tea.Msg
	for _, cmd := range cmds {
		out = append(out, run(t, cmd, 3)...)
	}
	return m, out
}

// Enter on the queue opens the detail at once: with j right behind it, the
// detail shows the incident that was under the cursor at enter, and j
// scrolls the detail rather than moving the queue.
func TestEnterOpensTheDetailBeforeTheNextKey(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	seq, ok := m.queue.selected()
	require.True(t, ok)
	cursor := m.queue.cursor
	m, answers := updateAll(t, m, keyMsg("enter"), keyMsg("j"))
	assert.Equal(t, overlayDetail, m.overlay, "the detail is open before j")
	assert.Equal(t, seq, m.detail.seq)
	assert.Equal(t, cursor, m.queue.cursor, "j went to the detail, not the queue")
	for _, a := range answers {
		m = update(t, m, a)
	}
	assert.Equal(t, seq, m.detail.seq)
	assert.Contains(t, m.View(), m.w.at(seq).ID)
}

// q on a console that holds the database asks first: the other commands
// reach the file through it.
func TestQuitAsksWhenTheConsoleHoldsTheFile(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "zh", 80, 24)
	m.opt.HoldsFile = true
	next, cmd := m.Update(keyMsg("q"))
	m = next.(Model)
	assert.Nil(t, cmd, "q does not quit at once")
	assert.Contains(t, m.View(), "退出 gridcmd？")
	assert.Contains(t, m.View(), "y/n", "the y/n stays on the line at 80 columns")
	en := f.model(t, "en", 80, 24)
	en.opt.HoldsFile = true
	en = keys(t, en, "q")
	lines := strings.Split(en.View(), "\n")
	assert.True(t, strings.HasSuffix(strings.TrimRight(lines[len(lines)-2], " "), " through this"), "wrapped between words: %q", lines[len(lines)-2])
	assert.True(t, strings.HasPrefix(lines[len(lines)-1], " console  y/n"), "%q", lines[len(lines)-1])
	m = keys(t, m, "n")
	assert.False(t, m.q.active())
	m = keys(t, m, "q")
	_, cmd = m.Update(keyMsg("y"))
	require.NotNil(t, cmd)
	assert.Equal(t, tea.Quit(), cmd())
	// :q asks too.
	m = typeText(t, keys(t, m, "n", ":"), "q")
	next, cmd = m.Update(keyMsg("enter"))
	m = next.(Model)
	assert.Nil(t, cmd)
	assert.Contains(t, m.View(), "退出 gridcmd？")
}
