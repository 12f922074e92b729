package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChoiceRowsShowEveryChoice is the QA finding on the forms' choice
// rows: the pass-on form at 120 columns showed "民生 …" with 交通 behind
// the …, the wartime reason at 80 columns "fire …" with other behind it. A
// row that does not fit wraps: every choice is in the form whichever is
// chosen, the chosen one in brackets, and the form fits its box.
func TestChoiceRowsShowEveryChoice(t *testing.T) {
	pf, f := patrolFixture(t), newFixture(t)
	for _, tm := range terminals([2]int{80, 24}, [2]int{120, 40}) {
		if tm.wide {
			continue
		}
		for _, tc := range []struct {
			name string
			m    Model
		}{
			{"pass", keys(t, consoleAt(t, pf, tm.lang, tm.w, tm.h, false), ":", "desk", "enter", "p")},
			{"wartime", keys(t, f.model(t, tm.lang, tm.w, tm.h), "W")},
			{"report", keys(t, f.model(t, tm.lang, tm.w, tm.h), "n")},
		} {
			t.Run(tm.name(tc.name), func(t *testing.T) { everyChoiceShown(t, tc.m, tm) })
		}
	}
}

// everyChoiceShown walks every choice of every choice field of m's form.
func everyChoiceShown(t *testing.T, m Model, tm terminal) {
	require.True(t, m.formActive)
	for i := range m.form.fields {
		for m.form.focus != i {
			m = keys(t, m, "tab")
		}
		fl := m.form.fields[i]
		for range fl.choices {
			fl = m.form.fields[i]
			rows := m.form.View(&m.p, m.rightW-2)
			assert.LessOrEqual(t, len(rows), m.bodyH-2, "the form fits its box")
			plain := ansi.Strip(strings.Join(rows, "\n"))
			for j, d := range fl.display {
				mark := `[ ]` + regexp.QuoteMeta(d) + `[ \n]`
				if j == fl.choice {
					mark = `\[` + regexp.QuoteMeta(d) + `\]`
				}
				assert.Regexp(t, mark, plain, "%s shown while %s is chosen", d, fl.display[fl.choice])
			}
			assert.NotContains(t, plain, "…")
			checkScreen(t, m, tm.w, tm.h, false)
			m = keys(t, m, "right")
		}
	}
}
