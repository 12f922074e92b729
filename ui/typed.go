package ui

import (
	"reflect"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
)

// What the operator types reaches the console as bubbletea v1.3.10's
// reader decodes it, and two things in that reader lose typed text when it
// arrives in one burst without bracketed paste (an input method committing
// several characters, fast typing, a script, tmux send-keys):
//
//   - Runes read together come as one KeyMsg, and a KeyMsg's name is its
//     runes: the word "end" typed in a burst is named "end", matches the
//     text input's End binding, and moves the cursor instead of going in;
//     "enter", "tab", "up", "down" and "esc" move through or cancel a form.
//     asText marks such a burst as text.
//   - The reader decodes each read of 256 bytes on its own (key.go,
//     readAnsiInputs and detectOneMsg): a character whose bytes straddle
//     two reads comes as one unknownInputByteMsg per byte, which no model
//     sees as text, and is lost (150 长 typed at once kept 149). splitRune
//     puts those bytes back together.

// asText makes runes that arrived together, while an input takes text, a
// piece of text: marked as a paste, bubbletea names it "[end]", which no
// key binding matches, and the text input inserts its runes as typed.
func asText(msg tea.KeyMsg) tea.KeyMsg {
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 {
		msg.Paste = true
	}
	return msg
}

// strayByte is the byte of a message bubbletea's reader sends for a byte
// it could not decode (its unexported unknownInputByteMsg).
func strayByte(msg tea.Msg) (byte, bool) {
	t := reflect.TypeOf(msg)
	if t == nil || t.Kind() != reflect.Uint8 || t.Name() != "unknownInputByteMsg" ||
		t.PkgPath() != "github.com/charmbracelet/bubbletea" {
		return 0, false
	}
	return byte(reflect.ValueOf(msg).Uint()), true
}

// splitRune holds the bytes of a character cut by a read boundary until
// they make it whole. It is a value, as the model is copied.
type splitRune struct {
	b [utf8.UTFMax]byte
	n int
}

// add takes the next stray byte. It reports the character once its bytes
// are all in; a byte that cannot continue one is dropped, as bubbletea
// drops it.
func (s splitRune) add(c byte) (splitRune, rune, bool) {
	switch {
	case c >= 0xC0: // a leading byte: a character starts
		s = splitRune{n: 1}
		s.b[0] = c
	case c >= 0x80 && s.n > 0 && s.n < len(s.b): // a continuation byte
		s.b[s.n] = c
		s.n++
	default:
		return splitRune{}, 0, false
	}
	if !utf8.FullRune(s.b[:s.n]) {
		return s, 0, false
	}
	r, size := utf8.DecodeRune(s.b[:s.n])
	if r == utf8.RuneError && size <= 1 {
		return splitRune{}, 0, false
	}
	return splitRune{}, r, true
}

// onStrayByte collects a byte bubbletea's reader could not decode; once it
// completes a character, the character is typed.
func (m Model) onStrayByte(c byte) (tea.Model, tea.Cmd) {
	var r rune
	var whole bool
	if m.split, r, whole = m.split.add(c); !whole {
		return m, nil
	}
	return m.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
}
