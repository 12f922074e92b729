package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The QA finding: the ':' line stopped at 32 characters without a word,
// so ":handover a01 … a12" kept a01 … a06 and ":replay 2026-12-07 20:00
// 2026-12-07 20:20 60x" could not be typed. The line takes the longest
// command (:handover with a note at its limit), scrolls within the width,
// and says when its limit drops what is typed.
func TestCommandLineTakesTheLongestCommand(t *testing.T) {
	var words []string
	for i := 1; i <= 12; i++ {
		words = append(words, fmt.Sprintf("a%02d", i))
	}
	for _, c := range []struct {
		lang string
		w, h int
	}{{"zh", 80, 24}, {"en", 120, 40}} {
		m := demoConsole(t, c.lang, c.w, c.h)
		for _, line := range []string{"handover " + strings.Join(words, " "), "replay 2026-12-07 20:00 2026-12-07 20:20 60x"} {
			got := typeText(t, keys(t, m, ":"), line)
			assert.Equal(t, line, got.cmdInput.Value())
		}

		// A note at its limit, in Han characters: whole on the line, its
		// end on screen, the screen whole.
		note := strings.Repeat("长", model.MaxNoteRunes-1) + "尾"
		line := "handover " + note
		got := typeText(t, keys(t, m, ":"), line)
		require.Equal(t, line, got.cmdInput.Value())
		status := lastLine(got)
		assert.Contains(t, status, "长长长尾", "the end of the line is on screen")
		checkScreen(t, got, c.w, c.h, false)
		said := got.say(fmt.Sprintf("the line takes %d characters at most: 1 not taken", cmdLimit),
			fmt.Sprintf("命令行最多 %d 字，超出的 1 字未录入", cmdLimit))
		assert.NotContains(t, got.View(), said)

		// One more: not taken, and said.
		got = update(t, got, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
		assert.Equal(t, line, got.cmdInput.Value())
		assert.Contains(t, got.View(), said)
		checkScreen(t, got, c.w, c.h, false)
		// A paste comes in pieces: what each dropped adds up.
		more := update(t, got, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("yz")})
		assert.Contains(t, more.View(), got.say(fmt.Sprintf("the line takes %d characters at most: 3 not taken", cmdLimit),
			fmt.Sprintf("命令行最多 %d 字，超出的 3 字未录入", cmdLimit)))
		got = keys(t, got, "backspace")
		assert.NotContains(t, got.View(), said, "the next key clears it")

		// The line runs whole: the preview carries the whole note.
		got = keys(t, got, "尾", "enter")
		require.Equal(t, overlayHandover, got.overlay)
		assert.Equal(t, note, got.handover.note)
	}
}
