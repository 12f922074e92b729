package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// twoTownDirectives is the town room in lang at w x h, in wartime with two
// directives to the whole town, "first" then "second", the directive pane
// focused.
func twoTownDirectives(t *testing.T, lang string, w, h int) Model {
	t.Helper()
	f := newFixture(t)
	townWartime(t, f, huajie, "first")
	_, _, err := f.db.IssueDirective(context.Background(), "second", []model.NodeCode{huajie}, time.Hour, f.operator(t), false)
	require.NoError(t, err)
	m := update(t, f.model(t, lang, w, h), loadWartime(f.db, "")())
	return runLine(t, m, "directives")
}

// [ and ] move as the title's n/N counts (1/N the newest): ] to the older,
// [ to the newer; at either end they say so, and leave the pane as it was
// (] on the oldest used to put its rows back to the top, and say nothing);
// the footer and the help say which way each goes.
func TestDirectiveKeysGoWhereTheCounterSays(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		say := func(en, zh string) string { return map[string]string{"en": en, "zh": zh}[lang] }
		m := twoTownDirectives(t, lang, 120, 40)
		cur, ok := m.dir.current()
		require.True(t, ok)
		require.Equal(t, "second", cur.d.Text, "the newest first")
		newest := cur.d.ID
		require.Contains(t, titleLine(t, m, newest), " 1/2 ")

		m = keys(t, m, "[")
		assert.Equal(t, 0, m.dir.selected, lang)
		assert.Contains(t, m.flash.text, newest, lang)
		assert.Contains(t, m.flash.text, say("is the newest directive (1/2)", "已是最新一条指令（1/2）"), lang)
		assert.Contains(t, lastLine(m), m.flash.text, "%s: on the status line", lang)

		m = keys(t, m, "]")
		cur, _ = m.dir.current()
		require.Equal(t, "first", cur.d.Text, "%s: ] goes to the older", lang)
		assert.Contains(t, titleLine(t, m, cur.d.ID), " 2/2 ", lang)
		m = keys(t, m, "j")
		require.Equal(t, 1, m.dir.offset, "%s: the rows scrolled", lang)
		m = keys(t, m, "]")
		assert.Equal(t, 1, m.dir.selected, lang)
		assert.Equal(t, 1, m.dir.offset, "%s: ] on the oldest leaves the rows where they were", lang)
		assert.Contains(t, m.flash.text, cur.d.ID+say(" is the oldest directive (2/2)", " 已是最早一条指令（2/2）"), lang)

		m = keys(t, m, "[")
		cur, _ = m.dir.current()
		assert.Equal(t, newest, cur.d.ID, "%s: [ goes to the newer", lang)

		m = update(t, m, flashExpiredMsg{id: m.flash.id})
		assert.Contains(t, lastLine(m), say("R resend to silent  [ ] newer/older", "R 向未签收重发  [ ] 较新/较早"), "%s: R first, then the pane's own", lang)
		m = keys(t, m, "?")
		assert.Regexp(t, regexp.QuoteMeta("[/h")+" +"+say("newer directive", "较新一条指令"), m.View(), lang)
		assert.Regexp(t, regexp.QuoteMeta("]/l")+" +"+say("older directive", "较早一条指令"), m.View(), lang)
		assert.NotContains(t, m.View(), say("expand", "展开"), "%s: h and l are the pane's there", lang)
	}
}

// With one directive, [ and ] both say it is the only one.
func TestDirectiveKeysOnTheOnlyDirective(t *testing.T) {
	f := newFixture(t)
	townWartime(t, f, huajie, "first")
	m := runLine(t, update(t, f.model(t, "en", 80, 24), loadWartime(f.db, "")()), "directives")
	for _, k := range []string{"[", "]"} {
		m = keys(t, m, k)
		assert.Contains(t, m.flash.text, "D-0001 is the only directive", k)
	}
}

// b on a directive whose rows are villages (the town room's, to the whole
// town) has no micro-grid under a cursor to sign for: it says so, and
// where b signs, rather than do nothing visible. The refusal fits the
// status line's two lines at 80 columns, whole.
func TestSignOnBehalfOverVillageRowsSaysWhy(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		f := newFixture(t)
		townWartime(t, f, huajie, "逐户核查")
		m := runLine(t, update(t, f.model(t, lang, 80, 24), loadWartime(f.db, "")()), "directives")
		m = keys(t, m, "b")
		assert.False(t, m.q.active(), lang)
		require.True(t, m.flash.err, "%s: b refused", lang)
		assert.Contains(t, m.flash.text, "D-0001", lang)
		assert.Contains(t, m.flash.text, map[string]string{"en": "27 villages", "zh": "27 个村"}[lang], lang)
		assert.Contains(t, m.flash.text, "gridcmd directive ack", lang)
		lines := strings.Split(m.View(), "\n")
		status := strings.Join(lines[len(lines)-2:], "")
		assert.NotContains(t, status, m.p.g.More, "%s: whole on two lines", lang)
		assert.Contains(t, status, "gridcmd directive ack --unit", lang)
		checkScreen(t, m, 80, 24, false)
	}
}

// dirPaneLines are the directive pane's lines on screen, its title's
// first: the right-hand column from the line that carries id's title to
// the pane's bottom border.
func dirPaneLines(t *testing.T, m Model, id string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(m.View(), "\n") {
		if len(out) == 0 && !(strings.Contains(line, " "+id) && strings.Contains(line, "╭")) {
			continue
		}
		right, col := line, 0
		for i, r := range line { // the right column starts leftW columns in
			if col == m.width-m.rightW {
				right = line[i:]
				break
			}
			col += m.p.w.Of(string(r))
		}
		out = append(out, right)
		if strings.HasPrefix(right, "╰") {
			break
		}
	}
	require.NotEmpty(t, out, "no pane for %s in\n%s", id, m.View())
	return out
}

// The directive's text, what was ordered, is on screen at every size: in
// the title where it fits whole, else on the pane's first line (cut with
// … only there) and not in the title; the column heads, the rows and the
// total stay below it, within the borders, whether the pane is focused
// or not, its rows villages or micro-grids.
func TestDirectiveTextIsShown(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	long := "请各微网格立即逐户核查低洼地带危旧房屋人员去向并劝导转移至安置点 check every household"
	townWartime(t, f, duxi, "逐户核查人员去向")
	_, _, err := f.db.IssueDirective(ctx, long, []model.NodeCode{huajie}, 3*time.Hour, f.operator(t), false)
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			m := update(t, f.model(t, lang, size[0], size[1]), loadWartime(f.db, "")())
			for _, step := range []string{"", "focus", "]"} { // the long one to the town; the short one to 渎溪村
				switch step {
				case "focus":
					m = runLine(t, m, "directives")
				case "]":
					m = keys(t, m, "]")
				}
				cur, ok := m.dir.current()
				require.True(t, ok)
				what := fmt.Sprintf("%s %dx%d %q", lang, size[0], size[1], step)
				pane := dirPaneLines(t, m, cur.d.ID)
				lead := string([]rune(cur.d.Text)[:8])
				inTitle, onLine := strings.Contains(pane[0], cur.d.Text), strings.Contains(pane[1], lead)
				assert.True(t, inTitle != onLine, "%s: the text in the title whole, or on the first line: %q", what, pane[:2])
				if onLine {
					assert.NotContains(t, pane[0], lead, "%s: not twice", what)
				}
				if size[0] == 80 {
					assert.True(t, onLine, "%s: at 80 columns, on its line", what)
				}
				if size[0] == 200 && cur.d.Text == long {
					assert.True(t, inTitle, "%s: room for it in the title", what)
				}
				heads := map[string]string{"zh": "村社", "en": "village"}[lang]
				if byUnit(cur) {
					heads = m.w.names[duxi]
				}
				body := strings.Join(pane, "\n")
				assert.Contains(t, body, heads, "%s: the column heads", what)
				assert.Contains(t, body, map[string]string{"zh": "合计", "en": "all:"}[lang], "%s: the total", what)
				checkScreen(t, m, size[0], size[1], false)
			}
		}
	}
}
