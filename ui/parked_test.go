package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// While the link is cut, enter on a form's last field is refused: the y
// the officer types next, answering the question they expected, is not
// typed into the details (a QA found "details herey"), nor is anything
// else until they go back to the field; enter or y tries again, tab goes
// back to the field it was sent from, in either language, as does a form
// that comes back from a failed send.
func TestRefusedSubmitTakesNoText(t *testing.T) {
	f := newFixture(t)
	svc := newGoneServer(f)
	for _, c := range []struct{ lang, hint, ignored string }{
		{"zh", "enter 或 y 重新提交", "其间输入的 3 个字未录入"},
		{"en", "enter or y sends it again", "3 characters typed meanwhile were not taken"},
	} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			opt := f.options(t, c.lang)
			opt.Reconnect = true
			m := loaded(t, svc, opt, sz[0], sz[1])
			m = keys(t, m, "n")
			m = typeText(t, m, "渎溪村 02")
			m = keys(t, m, "enter", "enter", "enter")
			m = typeText(t, m, "山塘水位上涨")
			m = keys(t, m, "enter")
			m = typeText(t, m, "details here")
			m = update(t, m, eventsMsg{closed: true})
			m = keys(t, m, "enter")
			require.True(t, m.formActive)
			require.Contains(t, m.form.err, m.say("live link cut", "实时中断"))

			m = keys(t, m, "y")
			assert.Equal(t, "details here", m.form.values()["text"], "%s %v: y is no text", c.lang, sz)
			assert.True(t, m.formActive)
			assert.False(t, m.q.active(), "nothing asked while the link is cut")
			assert.Contains(t, m.form.err, m.say("live link cut", "实时中断"), "refused again")
			m = typeText(t, m, "abc")
			assert.Equal(t, "details here", m.form.values()["text"], "%s %v", c.lang, sz)
			view := strings.Join(strings.Fields(m.View()), "")
			assert.Contains(t, view, strings.Join(strings.Fields(c.hint), ""), "%s %v", c.lang, sz)
			assert.Contains(t, m.form.parkedHint(c.lang), c.ignored, "%s %v: what was typed meanwhile is said", c.lang, sz)
			checkScreen(t, m, sz[0], sz[1], false)

			m = keys(t, m, "tab")
			assert.Equal(t, "text", m.form.fields[m.form.focus].name, "back at the field it was sent from")
			m = typeText(t, m, "!")
			assert.Equal(t, "details here!", m.form.values()["text"], "%s %v: typing goes on", c.lang, sz)
		}
	}

	// A form that comes back from a failed send takes no y as text either.
	fail := &stopping{Service: f.db}
	m := attached(t, f, fail, "zh", 80, 24)
	m = askReport(t, m, "山塘水位上涨")
	require.True(t, m.q.active())
	fail.fail = goneErr()
	m = keys(t, m, "y")
	require.True(t, m.formActive, "the form is back")
	text := m.form.values()["text"]
	m = keys(t, m, "y")
	assert.Equal(t, text, m.form.values()["text"])
	assert.True(t, m.q.active(), "y asks again, as enter does")
}
