package ui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// ttyFeed runs the console as a bubbletea program reading the bytes a
// terminal would send, without bracketed paste: each string given to type
// is one write, as tmux send-keys -l or an input method's commit makes it.
// bubbletea's own reader parses them. It returns the console once the
// program has ended.
type ttyFeed struct {
	w    *io.PipeWriter
	done chan ended
}

type ended struct {
	m   tea.Model
	err error
}

func newTTYFeed(t *testing.T, m Model) ttyFeed {
	t.Helper()
	r, w := io.Pipe()
	p := tea.NewProgram(m, tea.WithInput(r), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	term := ttyFeed{w: w, done: make(chan ended, 1)}
	go func() {
		final, err := p.Run()
		term.done <- ended{final, err}
	}()
	t.Cleanup(func() { _ = w.Close(); p.Kill() })
	return term
}

func (term ttyFeed) typeIn(t *testing.T, writes ...string) {
	t.Helper()
	for _, s := range writes {
		_, err := term.w.Write([]byte(s))
		require.NoError(t, err)
	}
}

// quit leaves a half-filled form (ctrl+c, then y to its question) and
// returns the console as the program ended.
func (term ttyFeed) quit(t *testing.T) Model {
	t.Helper()
	term.typeIn(t, "\x03", "y")
	select {
	case e := <-term.done:
		require.NoError(t, e.err)
		return e.m.(Model)
	case <-time.After(10 * time.Second):
		t.Fatal("the console did not quit within 10 s")
		return Model{}
	}
}

// TestReportTypedInBursts is the QA finding: a title and a text typed in
// one write each, without bracketed paste, are stored as typed. Before,
// the title lost " end" ("end" read as the End key) and 150 长 kept 149
// (the 86th was cut by bubbletea's 256-byte read).
func TestReportTypedInBursts(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "zh", 120, 40)
	node, err := m.names().Resolve("阔塘后村 02")
	require.NoError(t, err)
	term := newTTYFeed(t, m)
	title := "plain title 👍🏽 end"
	text := strings.Repeat("长", 150)
	term.typeIn(t, "n", "阔塘后村 02", "\t\t\t", title, "\t", text, "\r", "y")

	var filed *model.Incident
	for deadline := time.Now().Add(10 * time.Second); filed == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		list, err := f.db.Incidents(context.Background(), model.IncidentFilter{Node: node})
		require.NoError(t, err)
		for i := range list {
			if strings.HasPrefix(list[i].Title, "plain title") {
				filed = &list[i]
			}
		}
	}
	require.NotNil(t, filed, "the report was not filed")
	assert.Equal(t, title, filed.Title)
	assert.Equal(t, text, filed.Text)
}

// TestCharacterCutByTheRead: a character of 2, 3 or 4 bytes cut by the
// reader's 256-byte read at every place it can be cut is kept whole.
func TestCharacterCutByTheRead(t *testing.T) {
	term := newTTYFeed(t, demoConsole(t, "en", 120, 40))
	term.typeIn(t, "n", "\t\t\t\t") // the details: 2000 characters
	var want strings.Builder
	for _, c := range []string{"é", "长", "👍"} {
		for k := 1; k < len(c); k++ { // k of its bytes in the first read
			s := strings.Repeat("x", 256-k) + c + "y"
			term.typeIn(t, s)
			want.WriteString(s)
		}
	}
	m := term.quit(t)
	assert.Equal(t, want.String(), m.form.values()["text"])
}

// TestBurstIsTextInEveryInput: runes that arrive together are text in
// every input, whatever key name they spell.
func TestBurstIsTextInEveryInput(t *testing.T) {
	// burst types words as bubbletea reads them typed at once: each word
	// one message, the spaces between keys of their own.
	burst := func(t *testing.T, m Model, words ...string) Model {
		for i, w := range words {
			if i > 0 {
				m = update(t, m, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			}
			m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(w)})
		}
		return m
	}
	m := demoConsole(t, "en", 120, 40)
	t.Run("form", func(t *testing.T) {
		words := []string{"end", "home", "enter", "tab", "esc", "up", "down", "left", "right", "delete", "backspace", "ctrl+c", "shift+tab"}
		m := burst(t, keys(t, m, "n", "tab", "tab", "tab"), words...)
		require.True(t, m.formActive)
		assert.Equal(t, "title", m.form.fields[m.form.focus].name)
		assert.Equal(t, strings.Join(words, " "), m.form.values()["title"])
	})
	t.Run("filter", func(t *testing.T) {
		m := burst(t, keys(t, m, "/"), "esc", "enter", "end")
		require.True(t, m.filterActive)
		assert.Equal(t, "esc enter end", m.filterInput.Value())
	})
	t.Run("command line", func(t *testing.T) {
		m := burst(t, keys(t, m, ":"), "tab", "up", "esc")
		require.True(t, m.cmdActive)
		assert.Equal(t, "tab up esc", m.cmdInput.Value())
	})
	t.Run("outside an input each rune is a key", func(t *testing.T) {
		m := update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("nx")})
		require.True(t, m.formActive, "n opened the form")
		assert.Equal(t, "x", m.form.fields[m.form.focus].input.Value(), "x went into it")
	})
}

// TestFormSaysWhatItsLimitDropped: a field's limit does not drop typed text
// silently; the form says how much was not taken.
func TestFormSaysWhatItsLimitDropped(t *testing.T) {
	for _, c := range []struct{ lang, says string }{
		{"zh", "标题最多 200 字，超出的 3 字未录入"},
		{"en", "title: 3 not taken, 200 characters at most"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			m := keys(t, demoConsole(t, c.lang, 120, 40), "n", "tab", "tab", "tab")
			m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("长", model.MaxTitleRunes-2))})
			assert.NotContains(t, m.View(), c.says)
			m = update(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("长长长长长")})
			assert.Equal(t, strings.Repeat("长", model.MaxTitleRunes), m.form.values()["title"])
			assert.Contains(t, m.View(), c.says)
			m = keys(t, m, "backspace")
			assert.NotContains(t, m.View(), c.says, "the next key clears it")
			m = keys(t, m, "长", "长")
			assert.Contains(t, m.View(), strings.Replace(c.says, "3", "1", 1), "one key at the limit is said too")
		})
	}
}

func TestSplitRuneAdd(t *testing.T) {
	for _, c := range []string{"é", "长", "👍"} {
		var s splitRune
		var r rune
		var whole bool
		for i := 0; i < len(c); i++ {
			require.False(t, whole, "%q whole before its last byte", c)
			s, r, whole = s.add(c[i])
		}
		require.True(t, whole)
		assert.Equal(t, []rune(c)[0], r)
	}
	// A continuation byte with no start, and a bad leading byte, are dropped.
	s, _, whole := splitRune{}.add(0x95)
	assert.False(t, whole)
	assert.Equal(t, 0, s.n)
	s, _, whole = splitRune{}.add(0xFF)
	assert.False(t, whole)
	assert.Equal(t, 0, s.n)
	// A new character's start drops an unfinished one.
	s, _, _ = splitRune{}.add(0xE9)
	s, _, whole = s.add(0xC3)
	assert.False(t, whole)
	_, r, whole := s.add(0xA9)
	assert.True(t, whole)
	assert.Equal(t, 'é', r)
}
