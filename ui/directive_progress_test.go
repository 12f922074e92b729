package ui

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The QA findings at a micro-grid's seat: p on a directive not signed for
// signed it too without saying so; the form's refusal of a figure out of
// range read "应满足 0 <= 已完成 <= 总数"; and the refusal of a lower figure
// without a note ("报低需附备注说明原因") left the cursor on 已完成. The
// question says it signs (签收并上报) while the unit has not signed; the
// range is said with the total; the lower figure's refusal puts the cursor
// on 备注, the field it wants.
func TestProgressFormSaysWhatItDoes(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			say := func(en, zh string) string { return map[string]string{"en": en, "zh": zh}[lang] }
			f := newFixture(t)
			m, d, u := microSeat(t, f, lang, 80, 24)
			require.False(t, unitOf(t, f, d.ID, u.MicroGrid).Signed())
			m = progress(t, m, "12", "")
			require.True(t, m.q.active(), m.form.err)
			assert.Contains(t, m.q.text, say("sign for "+d.ID+" and report for ", "签收并上报 "), "it signs too, and says so")
			checkScreen(t, m, 80, 24, false)
			m = keys(t, m, "y")
			require.True(t, unitOf(t, f, d.ID, u.MicroGrid).Signed())
			m = update(t, m, loadWartime(f.db, m.scope)())

			m = progress(t, m, "20", "")
			require.True(t, m.q.active(), m.form.err)
			assert.NotContains(t, m.q.text, say("sign for", "签收"), "signed already: it reports only")
			assert.Contains(t, m.q.text, say("report "+d.ID+" for ", "上报 "))
			m = keys(t, m, "n", "esc", "y")

			of := u.Households
			m = progress(t, m, fmt.Sprint(of+9), "")
			require.False(t, m.q.active())
			assert.Contains(t, m.form.err, say(fmt.Sprintf("done must be between 0 and %d", of), fmt.Sprintf("已完成应在 0 到 %d 之间", of)))
			assert.NotContains(t, m.form.err, "<=")
			assert.Equal(t, "done", m.form.fields[m.form.focus].name)
			m = keys(t, m, "esc", "y")

			m = progress(t, m, "5", "")
			require.False(t, m.q.active())
			assert.Contains(t, m.form.err, say("a lower figure needs a note", "报低需附备注"))
			assert.Equal(t, "note", m.form.fields[m.form.focus].name, "the cursor on the note it wants")
			m = typeText(t, m, say("counted twice", "重复统计"))
			m = keys(t, m, "enter")
			require.True(t, m.q.active(), "with the note, asked: %s", m.form.err)
		})
	}
}

// progress opens the progress form (p) on the seat's own unit, puts done
// (and of, when given) in place of what the form holds, and sends it.
func progress(t *testing.T, m Model, done, of string) Model {
	t.Helper()
	m = keys(t, m, "p")
	require.True(t, m.formActive, m.flash.text)
	require.Equal(t, formProgress, m.form.kind)
	m = retype(t, m, done)
	if of != "" {
		m = retype(t, keys(t, m, "tab"), of)
	}
	return submitForm(t, m)
}

// retype clears the field in focus and types s.
func retype(t *testing.T, m Model, s string) Model {
	t.Helper()
	for range m.form.fields[m.form.focus].value() {
		m = keys(t, m, "backspace")
	}
	return typeText(t, m, s)
}
