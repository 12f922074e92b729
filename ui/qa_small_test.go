package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// The gaps list names a reserve's kind in the console's language: English
// words in English, not model's key (party_activist).
func TestGapsNameTheReserveKindInEnglish(t *testing.T) {
	f := newFixture(t)
	m, _ := wartimeModel(t, f, "en", 120, 40)
	m = runLine(t, m, "gaps")
	require.Equal(t, overlayGaps, m.overlay)
	view := m.View()
	assert.Contains(t, view, "(party activist)")
	assert.NotContains(t, view, "party_activist")
	assert.NotContains(t, view, "入党积极分子")
}

// A filter with a token it cannot read is refused: enter does not keep it
// (the line stays open to mend it, the title does not say it as kept), and
// why is said whole, above the line when it does not fit after it.
func TestFilterWithAnUnreadableTokenIsRefusedWhole(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		m := demoConsole(t, lang, 120, 40)
		m = keys(t, m, "/")
		m = typeText(t, m, "sev:V")
		m = keys(t, m, "enter")
		assert.True(t, m.filterActive, lang+": enter refused, the line kept")
		view := m.View()
		assert.Contains(t, view, m.say("sev:v: not a severity (I, II, III, IV)", "级别:v：不是等级（I、II、III、IV）"), lang)
		assert.NotContains(t, view, m.say("Filter: sev:V", "筛选：sev:V"), lang+": not kept")
		assert.Equal(t, 40, strings.Count(view, "\n")+1, lang)
		m = keys(t, m, "esc")
		assert.False(t, m.filterActive)
		assert.Equal(t, "", m.queue.filter, lang+": esc clears it")
	}
}

// Wartime over some villages says so in the header (the whole town's says
// no scope), at 120 columns and still at 80.
func TestWartimeHeaderSaysAPartialScope(t *testing.T) {
	for _, c := range []struct {
		lang, want string
	}{{"zh", "战时 防台 2 村社 自 03:10"}, {"en", "WARTIME typhoon 2 villages since 03:10"}} {
		f := newFixture(t)
		sub := f.db.Subscribe()
		m := f.model(t, c.lang, 120, 40)
		m = update(t, m, loadWartime(f.db, "")())
		m = keys(t, m, "W", "enter")
		m = typeText(t, m, "渎溪村,倪宅村")
		m = keys(t, m, "enter", "enter", "enter")
		require.Contains(t, m.View(), "y/n")
		m = keys(t, m, "y")
		require.True(t, m.wt.active())
		m = pump(t, m, sub, f.db)
		sub.Close()
		assert.Len(t, m.wt.status.Active.Scope, 2)
		head := strings.SplitN(m.View(), "\n", 2)[0]
		assert.Contains(t, head, c.want, c.lang)
		m = update(t, m, keyMsgSize(80, 30))
		head = strings.SplitN(m.View(), "\n", 2)[0]
		assert.Contains(t, head, strings.TrimSuffix(c.want, " 03:10"), c.lang+" at 80 columns")
	}
}

// Wartime over the whole town names no scope in the header.
func TestWartimeHeaderOverTheTownNamesNoScope(t *testing.T) {
	m, _ := wartimeModel(t, newFixture(t), "zh", 120, 40)
	head := strings.SplitN(m.View(), "\n", 2)[0]
	assert.Contains(t, head, "战时 防台 自 03:10")
}

// A form opened while the tower or the chain has the focus is the only
// pane marked as focused.
func TestAFormIsTheOnlyFocusMarker(t *testing.T) {
	for _, focus := range []paneID{paneTower, paneChain} {
		f := newFixture(t)
		m := f.model(t, "zh", 120, 40)
		m = update(t, m, loadWartime(f.db, "")())
		for i := 0; m.focus != focus && i < 8; i++ {
			m = keys(t, m, "tab")
		}
		require.Equal(t, focus, m.focus)
		require.Equal(t, 1, strings.Count(m.View(), "▶"))
		m = keys(t, m, "W")
		require.True(t, m.formActive)
		assert.Equal(t, 1, strings.Count(m.View(), "▶"), "one focus marker: the form's")
		assert.Contains(t, m.View(), "▶ 启动战时")
	}
}

// A form opened right after an outcome shows its keys at once: the
// outcome gives way; a refusal (the officer may be trying again) stays
// over the form's keys until it expires.
func TestAFormOpensOverAnOutcomeWithItsKeys(t *testing.T) {
	for _, k := range []string{"n", "W"} {
		m := demoConsole(t, "zh", 120, 40)
		m, _ = m.flashInfo("已征调 李永静 补入 枫源村 03-03")
		m = keys(t, m, k)
		require.True(t, m.formActive, k)
		assert.NotContains(t, lastLine(m), "已征调", k)
		assert.Contains(t, lastLine(m), "esc 取消", k+": the form's keys")

		m = demoConsole(t, "zh", 120, 40)
		m, _ = m.flashErr(model.Errorf(model.EUNAVAIL, "cut").Zh("请求可能已完成：请先查看再重试"))
		m = keys(t, m, k)
		require.True(t, m.formActive, k)
		assert.Contains(t, lastLine(m), "请先查看再重试", k+": a refusal stays")

		// A refusal of what was typed before (a QA: :tier 镇, then W)
		// gives way: it is not about the form.
		m = demoConsole(t, "zh", 120, 40)
		m = keys(t, m, ":")
		m = typeText(t, m, "tier 不是层级")
		m = keys(t, m, "enter")
		require.True(t, m.flash.err, "the :tier line is refused")
		m = keys(t, m, k)
		require.True(t, m.formActive, k)
		assert.Contains(t, lastLine(m), "esc 取消", k+": the form's keys")
	}
}

// q on the console that holds the file, with consoles attached to it
// through its local API, says how many lose their live link and stop
// their clocks until one takes the file; whole over two lines at 80
// columns, its y/n kept.
func TestQuitSaysTheAttachedConsolesLoseTheirLink(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 2, "2 consoles attached to it lose their live link and stop their clocks until one :takes the file"},
		{"en", 1, "1 console attached to it loses its live link and stops its clocks until it :takes the file"},
		{"zh", 3, "连接到它的 3 个控制台将失去实时连接、时限暂停，直到其中一个输入 :take 接管"},
	} {
		m := demoConsole(t, c.lang, 80, 24)
		m.opt.HoldsFile = true
		m.opt.Attached = func() int { return c.n }
		m = keys(t, m, "q")
		require.True(t, m.q.active())
		lines := strings.Split(m.View(), "\n")
		said := strings.TrimSpace(lines[len(lines)-2]) + " " + strings.TrimSpace(lines[len(lines)-1])
		assert.Contains(t, strings.Join(strings.Fields(said), " "), c.want, c.lang)
		assert.True(t, strings.HasSuffix(strings.TrimRight(lines[len(lines)-1], " "), "y/n"), c.lang)
	}
	m := demoConsole(t, "en", 80, 24)
	m.opt.HoldsFile = true
	m.opt.Attached = func() int { return 0 }
	m = keys(t, m, "q")
	assert.Contains(t, m.q.text, "the other commands reach it through this console", "none attached")
}

// :replay reads a date followed by a time as one moment, as it reads
// 2026-11-29T02:30.
func TestReplayReadsADateAndATimeApart(t *testing.T) {
	m := demoConsole(t, "zh", 120, 40)
	m = runLine(t, m, "replay 2026-11-29 02:30 2026-11-29 03:00 120x")
	require.NotNil(t, m.rp, "not refused: %s", m.flash.text)
	assert.Equal(t, 120.0, m.rp.speed)
	assert.Equal(t, time.Date(2026, 11, 29, 2, 30, 0, 0, shanghai), m.rp.at)
	assert.Equal(t, time.Date(2026, 11, 29, 3, 0, 0, 0, shanghai), m.rp.to)
	m = keys(t, m, "esc")
	require.Nil(t, m.rp)
	m = runLine(t, m, "replay 2026-11-29 02:30 03:00")
	require.NotNil(t, m.rp, "a date and a time, then a time: %s", m.flash.text)
	assert.Equal(t, time.Date(2026, 11, 29, 2, 30, 0, 0, shanghai), m.rp.at)
}

// :tier takes the tier names the filter's tier: takes, the short ones
// shown at 80 columns too (a QA: ':tier 镇' was refused in English words
// while '/层级:镇' was taken), and refuses in the console's language.
func TestTierCommandTakesTheFiltersNames(t *testing.T) {
	for _, c := range []struct{ lang, arg, want string }{
		{"zh", "镇", "层级:镇指挥室"}, {"zh", "专班", "层级:专班"}, {"zh", "tf", "层级:专班"},
		{"en", "vill", "tier:village"}, {"en", "镇指挥室", "tier:town"}, {"en", "taskforce", "tier:taskforce"},
	} {
		m := demoConsole(t, c.lang, 120, 40)
		m = keys(t, m, ":")
		m = typeText(t, m, "tier "+c.arg)
		m = keys(t, m, "enter")
		assert.False(t, m.flash.err, "%s: %s", c.arg, m.flash.text)
		assert.Equal(t, c.want, m.queue.filter, c.arg)
	}
	m := demoConsole(t, "zh", 120, 40)
	m = keys(t, m, ":")
	m = typeText(t, m, "tier 乡")
	m = keys(t, m, "enter")
	assert.Equal(t, ":tier 乡：不是层级（网格、村社、镇指挥室或镇、专班）", m.flash.text)
}

// The ':' line's tab hint follows what is typed, whole, at every width
// (the input padded itself to the line's end, and the hint was cut to a
// lone '…' at the right edge).
func TestCommandLineHintFollowsTheText(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		m := demoConsole(t, "en", w, 24+(w-80)/5)
		m = keys(t, m, ":")
		m = typeText(t, m, "re")
		last := strings.TrimRight(lastLine(m), " ")
		assert.True(t, strings.HasSuffix(last, "tab replay"), "%d: %q", w, last)
		assert.NotContains(t, last, "…", w)
		checkScreen(t, m, w, 24+(w-80)/5, false)
	}
}

// The wartime chain over part of the town says which part in its title,
// beside the header's count of the whole town (a QA read its incidents,
// 2, against the header's 25); over the whole town it says none. W's
// question to end it says the part too.
func TestWartimeChainNamesAPartScope(t *testing.T) {
	for _, c := range []struct {
		scope []model.NodeCode
		want  string
	}{{[]model.NodeCode{duxi}, "战时指挥链 ────────────── 渎溪村 ─╮"}, {[]model.NodeCode{huajie}, "战时指挥链 ───────────────────────╮"},
		{[]model.NodeCode{duxi, "330784114200"}, "战时指挥链 ────────────── 2 村社 ─╮"}} {
		f := newFixture(t)
		_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, c.scope, false, "", f.operator(t))
		require.NoError(t, err)
		m := update(t, f.model(t, "zh", 120, 40), loadWartime(f.db, "")())
		require.True(t, m.wt.active())
		assert.Contains(t, m.View(), c.want)
		if len(c.scope) > 1 {
			// A village's seat: its chain is its own village's, as its
			// header counts, and the title does not name the wartime's 2.
			cadres, err := f.db.People(context.Background(), model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
			require.NoError(t, err)
			o := f.options(t, "zh")
			o.Seat = model.SeatOf(cadres[0])
			v := update(t, loaded(t, f.db, o, 120, 40), loadWartime(f.db, duxi)())
			assert.Contains(t, v.View(), "战时指挥链 ───────────────────────╮")
		}
		// W asks to end it naming the part it covers (over a part, the
		// town room chooses end over widen first).
		m = keys(t, m, "W")
		if c.scope[0] != huajie {
			require.True(t, m.formActive, "over a part: widen it or end it")
			m = keys(t, m, "left", "enter")
		}
		require.True(t, m.q.active())
		switch {
		case len(c.scope) > 1: // not "结束2 个村社" run together
			assert.True(t, strings.HasPrefix(m.q.text, "结束这 2 个村社的战时 W-0001（防台，自 "), m.q.text)
		case c.scope[0] == duxi:
			assert.True(t, strings.HasPrefix(m.q.text, "结束渎溪村的战时 W-0001（防台，自 "), m.q.text)
		default:
			assert.True(t, strings.HasPrefix(m.q.text, "结束战时 W-0001（防台，自 "), m.q.text)
		}
	}
}

// A handover waiting to be signed for is signed at the incoming officer's
// console or the outgoing officer's desk, never from a third seat in the
// incoming officer's name (a QA signed H-0004 from a grid worker's
// console, recorded as the incoming officer's).
func TestHandoverSignedOnlyAtTheDesks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	cur := shifts[0]
	f.clock.Set(cur.To.Add(time.Second))
	h, err := f.db.Handover(ctx, demo.Town, "", cur.Person, false, "")
	require.NoError(t, err)
	require.True(t, h.Waiting())

	workers, err := f.db.People(ctx, model.PeopleFilter{Node: duxi, Role: model.RoleGridWorkerPart})
	require.NoError(t, err)
	require.NotEmpty(t, workers)
	for _, c := range []struct {
		who  model.PersonID
		sign bool
	}{{workers[0].ID, false}, {h.Incoming, true}} {
		o := f.options(t, "en")
		o.Seat = f.seatOf(t, c.who)
		m := loaded(t, f.db, o, 120, 40)
		m = update(t, m, handoverMsg{h: h})
		m.overlay = overlayHandover
		m = keys(t, m, "y")
		got, err := f.db.Handovers(ctx, model.HandoverFilter{})
		require.NoError(t, err)
		if !c.sign {
			assert.True(t, got[0].Waiting(), "not signed from a third console")
			assert.Contains(t, m.flash.text, h.ID+" is for "+h.InName+" to sign for, at their console or "+h.OutgoingName+"'s desk")
			continue
		}
		assert.False(t, got[0].Waiting(), "signed at the incoming officer's own console")
		assert.Equal(t, h.Incoming, got[0].AcceptedBy)
	}
}

// A grid's seat pressing W is told at once that wartime is the village
// room's or the town room's to start, not asked a question over "0
// villages" and refused after y (a QA).
func TestGridSeatDoesNotStartWartime(t *testing.T) {
	f := newFixture(t)
	leaders, err := f.db.People(context.Background(), model.PeopleFilter{Node: duxi, Role: model.RoleGridLeader})
	require.NoError(t, err)
	require.NotEmpty(t, leaders)
	o := f.options(t, "zh")
	o.Seat = f.seatOf(t, leaders[0].ID)
	require.Equal(t, model.LevelGrid, o.Seat.Level())
	m := loaded(t, f.db, o, 120, 40)
	m = update(t, m, loadWartime(f.db, m.scope)())
	m = keys(t, m, "W")
	assert.False(t, m.formActive, "no form")
	assert.False(t, m.q.active(), "no question")
	assert.Contains(t, m.flash.text, "的席位不能启动战时：战时范围为全镇或村社，由村指挥室或镇指挥室启动")
}
