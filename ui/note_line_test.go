package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The QA finding: once a note was typed after N, its keys (enter 完成 esc
// 取消) became a lone … at the line's right edge, as if the note were cut:
// the note, padded out to the width of a line of its own, pushed them off
// the question's line. Whether the note shares the question's line or has
// one of its own, its keys end the line whole, and what is typed shows
// (its end, on a line of its own).
func TestNoteLineKeepsItsKeys(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		lang, label, keys string
		width             int
	}{
		{"zh", "备注：", "enter 完成  esc 取消", 80}, {"zh", "备注：", "enter 完成  esc 取消", 120},
		{"en", "note: ", "enter done  esc cancel", 80}, {"en", "note: ", "enter done  esc cancel", 120},
	} {
		m := f.model(t, c.lang, c.width, 30)
		m = keys(t, m, "N")
		require.True(t, m.q.editing, "%s: N asks for the note first: %s", c.lang, m.flash.text)
		typed := ""
		for _, piece := range []string{"路面", "已清理", "完毕", "等待交警到场确认后恢复通行", "clear"} {
			m = typeText(t, m, piece)
			typed += piece
			lines := strings.Split(m.View(), "\n")
			last := strings.TrimRight(lines[len(lines)-1], " ")
			assert.True(t, strings.HasSuffix(last, c.keys), "%s %d after %q: the keys end the line: %q", c.lang, c.width, typed, last)
			require.Contains(t, last, c.label)
			note := last[strings.LastIndex(last, c.label):]
			assert.NotContains(t, note, m.p.g.More, "%s %d after %q: nothing cut", c.lang, c.width, typed)
			assert.Contains(t, last, piece, "%s %d: what is typed shows", c.lang, c.width)
			checkScreen(t, m, c.width, 30, false)
		}
	}

	// A screen as wide as the question and the note without the cursor's
	// cell (the cursor would push the keys' last letter off), from the
	// start or resized to it from a wider one.
	m := typeText(t, keys(t, f.model(t, "zh", 120, 30), "N"), "路面")
	exact := m.p.w.Of(" " + m.q.text + "  备注：路面  enter 完成  esc 取消")
	for _, m := range []Model{typeText(t, keys(t, f.model(t, "zh", exact, 30), "N"), "路面"), update(t, m, keyMsgSize(exact, 30))} {
		lines := strings.Split(m.View(), "\n")
		last := lines[len(lines)-1]
		assert.True(t, strings.HasSuffix(strings.TrimRight(last, " "), "enter 完成  esc 取消"), last)
		assert.Contains(t, last, "备注：路面")
		checkScreen(t, m, exact, 30, false)
	}
}
