package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// titleLine is the screen line that carries the directive pane's title.
func titleLine(t *testing.T, m Model, id string) string {
	t.Helper()
	for _, line := range strings.Split(m.View(), "\n") {
		if strings.Contains(line, " "+id) && strings.Contains(line, "╭") {
			return line
		}
	}
	t.Fatalf("no title line for %s in\n%s", id, m.View())
	return ""
}

// The directive pane's title gives way where it must, the way back first,
// then its text: the id, the deadline and the n/N counter stay whole at
// every size, a long text or a short one, focused or not, in a room seen
// from elsewhere (a way back before the title); at 200 columns the text
// is there.
func TestDirectiveTitleKeepsIDDeadlineAndCounter(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	townWartime(t, f, duxi, "逐户核查🌀红字👍 end")
	long := "请各微网格立即逐户核查低洼地带危旧房屋人员去向并劝导转移至安置点，逐一登记在册，不漏一户不漏一人"
	_, _, err := f.db.IssueDirective(ctx, long, []model.NodeCode{duxi}, 3*time.Hour, f.operator(t), false)
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			m := f.model(t, lang, size[0], size[1])
			m = update(t, m, loadWartime(f.db, "")())
			for _, step := range []string{"", "focus", "]"} {
				switch step {
				case "]":
					m = keys(t, m, "]")
				case "focus":
					m = runLine(t, m, "directives")
				}
				cur, ok := m.dir.current()
				require.True(t, ok)
				line := titleLine(t, m, cur.d.ID)
				deadline := map[string]string{"zh": "截止", "en": "deadline"}[lang] + " " + cur.d.Deadline.In(m.loc).Format("15:04")
				what := fmt.Sprintf("%s %dx%d %q: %s", lang, size[0], size[1], step, line)
				assert.Contains(t, line, deadline, what)
				assert.Contains(t, line, fmt.Sprintf(" %d/2 ", m.dir.selected+1), what)
				assert.NotContains(t, line, deadline[:2]+m.p.g.More, what)
				if size[0] == 200 {
					// Room for it: the text (its first words at least) is there.
					assert.Contains(t, line, string([]rune(cur.d.Text)[:6]), what)
				}
				checkScreen(t, m, size[0], size[1], false)
			}
		}
	}
}

// A directive issued while the pane shows the newest comes into view;
// while the officer reads an older one, the pane stays on it (the counter
// shows there are more).
func TestDirectivePaneFollowsTheNewest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m, sub := wartimeModel(t, f, "en", 120, 40)
	issue := func(text string) model.Directive {
		d, _, err := f.db.IssueDirective(ctx, text, []model.NodeCode{duxi}, time.Hour, f.operator(t), false)
		require.NoError(t, err)
		return d
	}
	shown := func(m Model) string {
		cur, ok := m.dir.current()
		require.True(t, ok)
		return cur.d.ID
	}
	d1 := issue("first")
	m = pump(t, m, sub, f.db)
	require.Equal(t, d1.ID, shown(m))
	d2 := issue("second")
	m = pump(t, m, sub, f.db)
	assert.Equal(t, d2.ID, shown(m), "on the newest: follows to the new newest")
	assert.Contains(t, titleLine(t, m, d2.ID), " 1/2 ")

	m = runLine(t, m, "directives")
	m = keys(t, m, "]")
	require.Equal(t, d1.ID, shown(m))
	issue("third")
	m = pump(t, m, sub, f.db)
	assert.Equal(t, d1.ID, shown(m), "on an older one: stays")
	assert.Contains(t, titleLine(t, m, d1.ID), " 3/3 ")

	// On the newest, focused, the cursor moved down its units: the officer
	// is reading it, and it stays (a review's finding: the pane jumped to
	// the new one with the cursor on the old one's row).
	m = keys(t, m, "[", "[")
	d3 := shown(m)
	m = keys(t, m, "j", "j", "j")
	require.Equal(t, 3, m.dir.units.cursor)
	issue("fourth")
	m = pump(t, m, sub, f.db)
	assert.Equal(t, d3, shown(m), "reading the newest: stays")
	assert.Equal(t, 3, m.dir.units.cursor, "on its row")
	// Moving to another directive starts at its top.
	m = keys(t, m, "[")
	assert.Zero(t, m.dir.units.cursor)
	// Not focused, it follows, and starts at the new one's top.
	m = keys(t, m, "j", "j", "tab")
	require.Equal(t, 2, m.dir.units.cursor)
	d5 := issue("fifth")
	m = pump(t, m, sub, f.db)
	assert.Equal(t, d5.ID, shown(m), "not reading: follows")
	assert.Zero(t, m.dir.units.cursor, "from the new one's top")
}

// At 80x24 the footer of the focused directive pane keeps its own keys and
// R (resend) before the incident keys (a QA found R dropped there).
func TestDirectiveFooterKeepsResend(t *testing.T) {
	f := newFixture(t)
	townWartime(t, f, huajie, "逐户核查")
	for lang, want := range map[string]string{"zh": "R 向未签收重发", "en": "R resend"} {
		m := update(t, f.model(t, lang, 80, 24), loadWartime(f.db, "")())
		m = runLine(t, m, "directives")
		assert.Contains(t, lastLine(m), want, lang)
	}
}

// A directive to one village lists its micro-grids: at 80 columns the
// pane's footer says R first, then b, then d, and no incident key, which
// would act on the queue's incident out of sight (a QA found W and d
// dropped for them).
func TestDirectiveFooterAtEighty(t *testing.T) {
	f := newFixture(t)
	townWartime(t, f, duxi, "逐户核查")
	for lang, want := range map[string]string{
		"zh": "R 向未签收重发  b 代签  d 下达指令  W 战时启停",
		"en": "R resend  b sign on behalf  d directive  W wartime  : command  ? help  q quit",
	} {
		m := update(t, f.model(t, lang, 80, 24), loadWartime(f.db, "")())
		m = runLine(t, m, "directives")
		require.Equal(t, paneDirectives, m.focus)
		last := lastLine(m)
		assert.True(t, strings.HasPrefix(last, want), "%s: %q", lang, last)
		assert.NotContains(t, last, map[string]string{"zh": "a 签收", "en": "a acknowledge"}[lang])
		// Nor do they act here on the queue's incident out of sight (a
		// review: the footer hid them and they still asked).
		m = keys(t, m, "a")
		assert.False(t, m.q.active(), lang)
		assert.Contains(t, m.flash.text, map[string]string{"zh": "请先按 tab 切到事件列表", "en": "tab to the incidents first"}[lang])
		m = update(t, m, flashExpiredMsg{id: m.flash.id})
		m = keys(t, m, "?")
		assert.NotRegexp(t, map[string]string{"zh": ` a +签收`, "en": ` a +acknowledge`}[lang], m.View(), "%s: not in the pane's help either", lang)
		require.Equal(t, overlayHelp, m.overlay, lang)
		for _, g := range m.help.groups {
			for _, b := range g {
				assert.NotEqual(t, "a", b.Help().Key, "%s: a is not among the pane's keys", lang)
			}
		}
	}
}

// townWartime puts the town in wartime and issues, from the town room, a
// directive of text to node, due in two hours.
func townWartime(t *testing.T, f fixture, node model.NodeCode, text string) {
	t.Helper()
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	_, _, err = f.db.IssueDirective(ctx, text, []model.NodeCode{node}, 2*time.Hour, f.operator(t), false)
	require.NoError(t, err)
}
