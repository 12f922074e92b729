package ui

import (
	"bytes"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/stretchr/testify/require"
)

// TestGoldenScreen runs the whole console as a bubbletea program (teatest)
// on the Huajie demo with a fixed clock and seed, waits for the first full
// screen, quits, and compares the final View with testdata/<name>.golden.
// Regenerate with: go test ./ui -run TestGoldenScreen -update (then read
// the diff).
func TestGoldenScreen(t *testing.T) {
	for _, c := range []struct {
		name, lang string
		keys       []string
		ready      string // drawn once what the keys asked for has loaded
		w, h       int    // 120x40 when zero
	}{
		{"zh", "zh", nil, "", 0, 0},
		{"en", "en", nil, "", 0, 0},
		{"en_detail", "en", []string{"j", "enter"}, "11-29 03:07:46  escalated", 0, 0}, // the timeline's last line
		{"zh_tower", "zh", []string{"tab", "tab", "tab", "j", "enter"}, "", 0, 0},
		{"zh_80x24", "zh", nil, "", 80, 24},
		{"en_80x24", "en", nil, "", 80, 24},
		{"zh_80x24_resolve", "zh", []string{"j", "j", "j", "r"}, "", 80, 24}, // a question on two lines
		{"en_80x24_detail", "en", []string{"j", "enter"}, "", 80, 24},
	} {
		if c.w == 0 {
			c.w, c.h = 120, 40
		}
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			sub := f.db.Subscribe()
			defer sub.Close()
			m := New(f.db, sub, f.options(t, c.lang))
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(c.w, c.h))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				return bytes.Contains(b, []byte("在办 22")) || bytes.Contains(b, []byte("open 22")) // the snapshot is drawn
			}, teatest.WithDuration(5*time.Second))
			for _, k := range c.keys {
				tm.Send(keyMsg(k))
			}
			if c.ready != "" {
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
					return bytes.Contains(b, []byte(c.ready))
				}, teatest.WithDuration(5*time.Second))
			}
			require.NoError(t, tm.Quit())
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
			golden.RequireEqual(t, []byte(fm.View()))
		})
	}
}
