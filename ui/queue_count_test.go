package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The queue's count says its open incidents as the header counts them,
// and the resolved ones it lists after them (to be closed, c) apart: a QA
// read 310 in the pane's border beside the header's 在办 49, 262 of them
// resolved.
func TestQueueCountSaysOpenAsTheHeader(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		m := demoConsole(t, lang, 120, 40)
		open, resolved := 0, 0
		for _, inc := range m.w.incs {
			switch {
			case inc.Status.Open():
				open++
			case inc.Status == model.StatusResolved:
				resolved++
			}
		}
		require.Positive(t, resolved, "the demo's queue lists resolved incidents")
		require.Equal(t, open, m.w.inc.open)
		header, panes, _ := strings.Cut(ansi.Strip(m.View()), "\n")
		assert.Contains(t, header, map[string]string{"zh": fmt.Sprintf("在办 %d", open), "en": fmt.Sprintf("open %d", open)}[lang])
		assert.Contains(t, panes, map[string]string{"zh": fmt.Sprintf(" %d 在办 · %d 已办结 ", open, resolved),
			"en": fmt.Sprintf(" %d open · %d resolved ", open, resolved)}[lang], lang)
	}
}
