package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelpColumnsHoldTheirLabels is the QA finding on the English help: at
// 120 columns "escalate to tier" was wrapped under its key ("tier" alone on
// the next line, looking like the next column's), "issue directive" and
// "resend to silent" too. Each label is now whole on its key's line, at 80,
// 120 and 200 columns, in both languages.
func TestHelpColumnsHoldTheirLabels(t *testing.T) {
	f := newFixture(t)
	for _, tm := range terminals() {
		if tm.wide {
			continue
		}
		t.Run(tm.name("help"), func(t *testing.T) {
			m := keys(t, f.model(t, tm.lang, tm.w, tm.h), "?")
			require.Equal(t, overlayHelp, m.overlay)
			rows := ansi.Strip(strings.Join(m.help.lines(), "\n"))
			for _, g := range m.help.groups {
				for _, b := range g {
					h := b.Help()
					assert.Regexp(t, `(?m)(^| )`+regexp.QuoteMeta(h.Key)+` +`+regexp.QuoteMeta(h.Desc)+`( |$)`, rows, "%s %s on one line", h.Key, h.Desc)
				}
			}
			checkScreen(t, m, tm.w, tm.h, false)
			for range 30 {
				m = keys(t, m, "j")
			}
			checkScreen(t, m, tm.w, tm.h, false)
		})
	}
}
