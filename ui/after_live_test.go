package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// The QA finding: :after while wartime runs showed its end as the zero
// time ("since 12-08 03:38 → 01-01 08:05 (5m43s)"). It says the wartime
// still runs, in the words of gridcmd wartime report; once ended, its end.
func TestAfterActionOfARunningWartime(t *testing.T) {
	for _, c := range []struct {
		lang, w    string
		cols, rows int
	}{{"zh", "→ " + model.StillActiveZh + "  (5m00s)", 80, 24}, {"en", "→ " + model.StillActive + "  (5m00s)", 120, 40}} {
		f := newFixture(t)
		_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
		require.NoError(t, err)
		f.clock.Advance(5 * time.Minute)
		m := f.model(t, c.lang, c.cols, c.rows)
		m = update(t, m, loadWartime(f.db, "")())
		m = runLine(t, m, "after")
		require.Equal(t, overlayAfter, m.overlay, "%s: %s", c.lang, m.flash.text)
		v := m.View()
		assert.Contains(t, v, c.w, c.lang)
		assert.NotContains(t, v, "01-01 08:05", c.lang)
		checkScreen(t, m, c.cols, c.rows, false)

		m = keys(t, m, "esc", "W", "y")
		require.Equal(t, overlayAfter, m.overlay, "%s: ending it shows the summary", c.lang)
		assert.Contains(t, m.View(), "→ "+f.clock.Now().In(shanghai).Format("01-02 15:04"), c.lang)
		assert.False(t, strings.Contains(m.View(), model.StillActive) || strings.Contains(m.View(), model.StillActiveZh), c.lang)
	}
}
