package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Below 80x24 a form's text is not typed into unseen, nor lost: input is
// paused and the screen says so, with the form kept and the keys not
// taken counted, in either language; q typed there is a letter, not quit
// (a QA saw text typed at 60x20 dropped without a word). Back at a size
// it draws, the form is as it was and the status line says how many keys
// were not taken.
func TestTooSmallPausesInput(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ lang, paused, kept, lost, quit, back string }{
		{"zh", "输入已暂停", "表单已保留", "期间的 5 次按键未录入", "ctrl+c 退出", "终端过小期间的 5 次按键未录入"},
		{"en", "Input is paused", "the form is kept as typed", "5 keys typed meanwhile were not taken", "ctrl+c quits",
			"5 keys typed while the terminal was too small were not taken"},
	} {
		m := f.model(t, c.lang, 120, 40)
		m = keys(t, m, "n")
		m = typeText(t, m, "渎溪村 02")
		m = keys(t, m, "enter", "enter", "enter")
		m = typeText(t, m, "路灯")
		require.Equal(t, "路灯", m.form.values()["title"])

		m = update(t, m, keyMsgSize(60, 20))
		next, cmd := m.Update(keyMsg("q"))
		m = next.(Model)
		if cmd != nil {
			_, quit := cmd().(tea.QuitMsg)
			require.False(t, quit, "%s: q in a form is a letter, not quit", c.lang)
		}
		m = typeText(t, m, "uick")
		require.True(t, m.formActive, c.lang)
		assert.Equal(t, "路灯", m.form.values()["title"], "%s: nothing typed unseen", c.lang)
		view := strings.Join(strings.Fields(m.View()), "")
		for _, want := range []string{"60x20", c.paused, c.kept, c.lost, c.quit} {
			assert.Contains(t, view, strings.Join(strings.Fields(want), ""), c.lang)
		}

		m = update(t, m, keyMsgSize(120, 40))
		require.True(t, m.formActive, c.lang)
		assert.Equal(t, "路灯", m.form.values()["title"], c.lang)
		assert.Contains(t, footerLine(m), c.back, c.lang)
		m = typeText(t, m, "坏了")
		assert.Equal(t, "路灯坏了", m.form.values()["title"], "%s: typing goes on", c.lang)

		// With no input open, q on the small screen still quits.
		m = keys(t, m, "esc", "y")
		require.False(t, m.formActive, c.lang)
		m = update(t, m, keyMsgSize(60, 20))
		assert.Contains(t, strings.Join(strings.Fields(m.View()), ""), strings.Join(strings.Fields(c.paused), ""), c.lang)
		_, cmd = m.Update(keyMsg("q"))
		require.NotNil(t, cmd, c.lang)
		_, quit := cmd().(tea.QuitMsg)
		assert.True(t, quit, c.lang)
	}
}
