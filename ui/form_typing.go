package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// A control sequence typed into a form's field goes as the command line
// and the CSV files drop it (model.CleanText), whole. bubbletea's reader
// takes the sequence apart: ESC ] 0 ; t i t l e BEL arrives as alt+],
// then the runes "0;title", then ctrl+g; the text input would keep
// "]0;title". So the keys that type are judged as the bytes they came
// from (keyBytes) by model.Typing, which holds a sequence begun until it
// ends, and only the text around it reaches the input. A key that does not
// type (enter, tab, an arrow) ends the field's sequence as the end of the
// text does. The text input's own alt keys (alt+b, alt+f, alt+d: a word
// back, forward, deleted) stay keys.
//
// A sequence that has gone on too long to be a terminal's (an alt+]
// pressed by accident, then a note typed) is given up: its introducer is
// dropped and what was held is typed (model.Typing's rule: more than
// model.HeldKeys keys of one character, a key of Chinese or another
// character beyond ASCII, a bracketed paste, or the field ending after a
// key of one character). A bracketed paste is judged on its own as
// CleanText judges a text; the console's keys are asText by then, so the
// caller says which keys were pasted.

// typedSequence passes a key to the focused text field through
// model.Typing: it returns the key to handle, which is the text the
// sequence rule leaves of it as typed runes, or ok false when nothing is
// left of it (part of a sequence). pasted: the key is a bracketed paste.
func (f form) typedSequence(msg tea.KeyMsg, pasted bool) (_ form, _ tea.KeyMsg, _ tea.Cmd, ok bool) {
	fl := &f.fields[f.focus]
	var pre string
	var cmd tea.Cmd
	fl.typing, pre, msg, ok = throughTyping(fl.typing, msg, pasted, inputAltKeys(fl.input))
	if pre != "" {
		f, cmd = f.typed(textKey(pre))
	}
	return f, msg, cmd, ok
}

// throughTyping judges a key by the sequence rule (model.Typing t), as
// typed or, when pasted, as a bracketed paste: pre is text to type before
// the key (what of an ended sequence stays: an unfinished CSI's
// parameters, a sequence given up), k the key to handle then, ok false
// when nothing is left of the key (part of a sequence). alt are the
// input's own alt keys, which stay keys.
func throughTyping(t model.Typing, msg tea.KeyMsg, pasted bool, alt []key.Binding) (_ model.Typing, pre string, k tea.KeyMsg, ok bool) {
	b, types := keyBytes(msg)
	switch {
	case !types && t.Open():
		t, pre = t.End()
		return t, pre, msg, true
	case !types, !t.Open() && (!hasSequence(b) || key.Matches(msg, alt...)):
		return t, "", msg, true
	}
	var text string
	if pasted {
		t, text = t.Paste(b)
	} else {
		t, text = t.Key(b)
	}
	if text == "" {
		return t, "", msg, false
	}
	return t, "", textKey(text), true
}

// keyBytes are the bytes the terminal sent for a key that types: its runes
// (after ESC with alt), a space, or BEL, CAN or SUB (ctrl+g, ctrl+x,
// ctrl+z), which end a control string. types is false for any other key.
func keyBytes(msg tea.KeyMsg) (b string, types bool) {
	switch msg.Type {
	case tea.KeyRunes:
		b = string(msg.Runes)
	case tea.KeySpace:
		b = " "
	case tea.KeyCtrlG, tea.KeyCtrlX, tea.KeyCtrlZ:
		b = string(rune(msg.Type))
	default:
		return "", false
	}
	if msg.Alt {
		b = "\x1b" + b
	}
	return b, true
}

// hasSequence reports whether b holds ESC or a C1 control: a sequence
// starts in it.
func hasSequence(b string) bool {
	return strings.IndexFunc(b, func(r rune) bool { return r == 0x1b || r >= 0x80 && r <= 0x9f }) >= 0
}

// inputAltKeys are the text input's bindings an alt key may match.
func inputAltKeys(in textinput.Model) []key.Binding {
	km := in.KeyMap
	return []key.Binding{km.WordBackward, km.WordForward, km.DeleteWordBackward, km.DeleteWordForward}
}

// textKey is text as typed runes: all of it text, whatever word it spells
// (asText).
func textKey(text string) tea.KeyMsg {
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true}
}
