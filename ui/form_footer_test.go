package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// footerLine is the screen's last line.
func footerLine(m Model) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-1]
}

// While a form is open the footer shows the form's keys, not the queue's
// (a letter is typed there, not acted on): enter (next, or submit on the
// last field), tab, ←/→ on a choice (as the replay and :gaps name them:
// the Chinese footer said left/right), and esc to cancel, which stays on
// the narrowest screen in either language.
func TestFormFooterShowsTheFormsKeys(t *testing.T) {
	f := newFixture(t)
	words := map[string]struct{ next, submit, cancel, choose, tab, queue string }{
		"zh": {"enter 下一项", "enter 提交", "esc 取消", "←/→ 选择", "tab 下一栏", "a 签收"},
		"en": {"enter next", "enter submit", "esc cancel", "←/→ choose", "tab next field", "a ack"},
	}
	for _, lang := range []string{"zh", "en"} {
		w := words[lang]
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			for _, open := range []string{"n", "W"} {
				m := f.model(t, lang, sz[0], sz[1])
				m = keys(t, m, open)
				require.True(t, m.formActive, "%s %s %v", open, lang, sz)
				foot := footerLine(m)
				assert.Contains(t, foot, w.next, "%s %s %v", open, lang, sz)
				assert.Contains(t, foot, w.cancel, "%s %s %v", open, lang, sz)
				assert.Contains(t, foot, w.tab, "%s %s %v", open, lang, sz)
				assert.NotContains(t, foot, w.queue, "%s %s %v", open, lang, sz)
				assert.NotContains(t, m.View(), "下一项/提交")
				checkScreen(t, m, sz[0], sz[1], false)

				// Onto a choice, then the last field: enter submits there.
				for m.form.fields[m.form.focus].choices == nil && m.form.focus < len(m.form.fields)-1 {
					m = keys(t, m, "tab")
				}
				if m.form.fields[m.form.focus].choices != nil {
					assert.Contains(t, footerLine(m), w.choose, "%s %s %v", open, lang, sz)
					assert.NotContains(t, footerLine(m), "left/right", "%s %s %v", open, lang, sz)
					assert.Contains(t, footerLine(m), w.cancel, "%s %s %v", open, lang, sz)
				}
				for m.form.focus != len(m.form.fields)-1 {
					m = keys(t, m, "tab")
				}
				foot = footerLine(m)
				assert.Contains(t, foot, w.submit, "%s %s %v", open, lang, sz)
				assert.Contains(t, foot, w.cancel, "%s %s %v", open, lang, sz)
				checkScreen(t, m, sz[0], sz[1], false)

				m = keys(t, m, "esc")
				if m.q.active() {
					m = keys(t, m, "y")
				}
				require.False(t, m.formActive)
				assert.Contains(t, footerLine(m), w.queue, "the queue's keys again")
			}
		}
	}
}

// Where the arrows are not drawn (ASCII, or ambiguous characters wide)
// the footer names them in words, as the replay's does.
func TestFormFooterNamesTheArrowsInASCII(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"zh", "en"} {
		opt := f.options(t, lang)
		opt.ASCII = true
		m := keys(t, loaded(t, f.db, opt, 120, 40), "n", "tab")
		require.NotNil(t, m.form.fields[m.form.focus].choices, lang)
		assert.Contains(t, footerLine(m), map[string]string{"zh": "left/right 选择", "en": "left/right choose"}[lang], lang)
		assert.NotContains(t, footerLine(m), "←", lang)
	}
}
