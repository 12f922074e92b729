package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An unknown command's refusal fits the status line: the commands that fit
// after it, whole, and its bracket closed (a QA saw the list cut with …
// and "（可用" never closed); ? lists them all.
func TestUnknownCommandRefusalFits(t *testing.T) {
	f := newFixture(t)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, lang := range []string{"zh", "en"} {
			m := runLine(t, f.model(t, lang, size[0], size[1]), "frobnicate")
			require.True(t, m.flash.err, "%s %v", lang, size)
			text := m.flash.text
			assert.True(t, m.flashFits(text), "%s %v: %q does not fit", lang, size, text)
			close := map[string]string{"zh": "）", "en": ")"}[lang]
			assert.True(t, strings.HasSuffix(text, close), "%s %v: the bracket closes: %q", lang, size, text)
			assert.Contains(t, text, ":incidents", "%s %v: some commands", lang, size)
			var shown strings.Builder
			for _, l := range m.statusLines() {
				shown.WriteString(strings.TrimSpace(ansi.Strip(l)) + " ")
			}
			assert.True(t, strings.HasSuffix(strings.TrimSpace(shown.String()), close), "%s %v: shown whole: %q", lang, size, shown.String())
			checkScreen(t, m, size[0], size[1], false)
		}
	}
	m := runLine(t, f.model(t, "zh", 80, 24), "frobnicate")
	assert.Contains(t, m.flash.text, "? 查看全部", "not all fit 80 columns: ? lists them")
}
