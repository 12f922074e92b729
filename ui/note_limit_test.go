package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A note typed at N past its limit says what it did not take, as the ':'
// line does; at 80 columns the line shows the end being typed, not its
// start cut with "…".
func TestNoteLimitSaid(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		m := f.model(t, lang, 80, 24)
		m = find(t, m, "330国道货物撒落")
		m = keys(t, m, "N")
		long := strings.Repeat("a", model.MaxNoteRunes-50) + strings.Repeat("b", 50) + strings.Repeat("c", 100)
		m = typeText(t, m, long[:300])
		assert.Zero(t, m.q.lost)
		m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(long[300:]), Paste: true})
		view := m.View()
		if lang == "zh" {
			assert.Contains(t, view, "备注最多 500 字，超出的 100 字未录入", lang)
		} else {
			assert.Contains(t, view, "the note takes 500 characters at most: 100 not taken", lang)
		}
		line := view[strings.LastIndex(view, "\n")+1:]
		assert.Contains(t, line, strings.Repeat("b", 40), lang+": the end typed is in view")
		assert.NotContains(t, line, "aaaa", lang)
		assert.NotContains(t, line, "…", lang)
		m = typeText(t, m, "z")
		assert.Equal(t, 101, m.q.lost, lang+": one more key, one more not taken (a paste comes in pieces)")
		m = keys(t, m, "enter")
		require.True(t, m.q.active())
		assert.Zero(t, m.q.lost, lang+": said until the next key")
		assert.NotContains(t, m.View(), "未录入")
		assert.NotContains(t, m.View(), "not taken")
	}
}
