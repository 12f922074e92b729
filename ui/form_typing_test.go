package ui

import (
	"context"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// sent sends keys as they are, the form's field their only reader.
func sent(t *testing.T, m Model, ks ...tea.KeyMsg) Model {
	t.Helper()
	for _, k := range ks {
		m = update(t, m, k)
	}
	return m
}

// titleSequence is 详情 ESC ] 0 ; p w n e d BEL 第二行 (tmux send-keys -l
// $'详情\x1b]0;pwned\x07第二行') as bubbletea v1.3.10's reader delivers
// it: the runes before, alt+], the payload's runes, ctrl+g, the runes
// after.
var titleSequence = []tea.KeyMsg{
	{Type: tea.KeyRunes, Runes: []rune("详情")},
	{Type: tea.KeyRunes, Runes: []rune("]"), Alt: true},
	{Type: tea.KeyRunes, Runes: []rune("0;pwned")},
	{Type: tea.KeyCtrlG},
	{Type: tea.KeyRunes, Runes: []rune("第二行")},
}

// filedText files a report from the form with details typed by ks and
// returns the details the store holds.
func filedText(t *testing.T, f fixture, title string, ks ...tea.KeyMsg) string {
	t.Helper()
	sub := f.db.Subscribe()
	defer sub.Close()
	m := keys(t, f.model(t, "zh", 120, 40), "n")
	m = typeText(t, m, "渎溪村 02")
	m = keys(t, m, "tab", "tab", "tab")
	m = typeText(t, m, title)
	m = sent(t, keys(t, m, "tab"), ks...)
	require.Equal(t, "text", m.form.fields[m.form.focus].name)
	m = keys(t, m, "enter")
	require.True(t, m.q.active(), "asked")
	m = pump(t, keys(t, m, "y"), sub, f.db)
	list, err := f.db.Incidents(context.Background(), model.IncidentFilter{Node: "330784114266-02"})
	require.NoError(t, err)
	for _, inc := range list {
		if inc.Title == title {
			return inc.Text
		}
	}
	t.Fatalf("no report %q filed", title)
	return ""
}

// An escape sequence typed into a form's field is dropped whole, as the
// command line and the CSV import drop it (model.CleanText): a QA typed
// 详情 ESC ]0;pwned BEL 第二行 into the details and the store kept
// 详情]0;pwned第二行.
func TestFormDropsTypedEscapeSequences(t *testing.T) {
	f := newFixture(t)
	assert.Equal(t, "详情第二行", filedText(t, f, "转义一", titleSequence...))

	// Pasted (bracketed paste: one message, the ESC in it), and ended by
	// ESC \ (alt+\).
	assert.Equal(t, "详情第二行", filedText(t, f, "转义二",
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("详情\x1b]0;pwned\x07第二行"), Paste: true}))
	assert.Equal(t, "详情第二行", filedText(t, f, "转义三",
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("详情")}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]"), Alt: true},
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2;x")}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(`\`), Alt: true},
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("第二行")}))

	// An unfinished CSI loses its introducer alone, as CleanText's rule
	// has it: "ESC [12:00 到达" keeps "12:00 到达"; the key that ends
	// the field (enter) still submits.
	assert.Equal(t, "12:00 到达", filedText(t, f, "转义四",
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("["), Alt: true}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("12:00")},
		tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("到达")}))
}

// runeKeys are s typed one key a character.
func runeKeys(s string) []tea.KeyMsg {
	var out []tea.KeyMsg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

// altBracket is alt+], which opens a control string (OSC) only BEL or ST
// ends.
var altBracket = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]"), Alt: true}

// An alt+] pressed by accident does not swallow what is typed after it: a
// sequence that has gone on too long to be a terminal's is given up, its
// introducer dropped and what was held typed (model.Typing): after a few
// keys of one character, at an input method's Chinese, at a paste, at the
// end of the field. A QA review: a whole note could vanish.
func TestFormGivesUpATypedSequence(t *testing.T) {
	f := newFixture(t)
	assert.Equal(t, "called the police", filedText(t, f, "误按一", append([]tea.KeyMsg{altBracket}, runeKeys("called the police")...)...))
	assert.Equal(t, "已联系交警", filedText(t, f, "误按二", altBracket, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("已联系交警")}))
	assert.Equal(t, "ok", filedText(t, f, "误按三", altBracket, runeKeys("o")[0], runeKeys("k")[0]))
	assert.Equal(t, "粘贴的文字", filedText(t, f, "误按四", altBracket, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("粘贴的文字"), Paste: true}))
	// A pasted block's own sequence still goes whole.
	assert.Equal(t, "ab", filedText(t, f, "误按五", altBracket, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a\x1b]0;pwned\x07b"), Paste: true}))
}

// The note a question takes, the same: alt+] then "ok" and enter puts the
// note "ok" (the question waited for a note that showed nothing).
func TestNoteGivesUpATypedSequence(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "zh", 120, 40)
	m = find(t, m, "330国道货物撒落")
	inc, _ := m.selectedIncident()
	m = keys(t, m, "N")
	m = sent(t, m, append([]tea.KeyMsg{altBracket}, runeKeys("ok")...)...)
	m = keys(t, m, "enter", "y")
	assert.Equal(t, "ok", timelineLast(t, f, inc.ID).Note)
}

// The text input's own alt keys stay keys: alt+b moves a word back, and
// what is typed then goes in there, not into a sequence.
func TestFormAltKeysStayKeys(t *testing.T) {
	m := keys(t, demoConsole(t, "zh", 120, 40), "n", "tab", "tab", "tab")
	m = typeText(t, m, "ab cd")
	m = sent(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("b"), Alt: true})
	m = typeText(t, m, "X")
	assert.Equal(t, "ab Xcd", m.form.values()["title"])
	// A sequence still under way when tab moves on is ended there, as
	// at the end of the field: none of it follows into the next one.
	m = sent(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]"), Alt: true}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("0;t")})
	m = keys(t, m, "tab")
	m = typeText(t, m, "下一栏")
	assert.Equal(t, "ab Xcd", m.form.values()["title"])
	assert.Equal(t, "下一栏", m.form.values()["text"])
}

// The note a question takes (N) drops a typed sequence whole, as a form's
// field does: stored "已联系交警" with nothing of ESC ] 0 ; t BEL.
func TestNoteDropsTypedEscapeSequences(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "zh", 120, 40)
	m = find(t, m, "330国道货物撒落")
	inc, _ := m.selectedIncident()
	m = keys(t, m, "N")
	m = sent(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("已联系")},
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]"), Alt: true},
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("0;pwned")}, tea.KeyMsg{Type: tea.KeyCtrlG},
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("交警")})
	m = keys(t, m, "enter", "y")
	assert.Equal(t, "已联系交警", timelineLast(t, f, inc.ID).Note)

	// Left open when enter ends the note, an unfinished CSI loses its
	// introducer alone: "12:00" stays.
	m = keys(t, m, "N")
	m = sent(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("到场 ")},
		tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("["), Alt: true}, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("12:00")})
	_ = keys(t, m, "enter", "y")
	assert.Equal(t, "到场 12:00", timelineLast(t, f, inc.ID).Note)
}
