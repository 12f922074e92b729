package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// formKind says what a form is for; the root turns its values into a
// command when it is submitted.
type formKind int

const (
	formReport formKind = iota + 1
	formDispatch
	formEscalateTo
	formReopen
	formClose
)

// field is one line of a form: free text, or a choice cycled with ←/→.
type field struct {
	name    string // the key the root reads
	label   string
	input   textinput.Model
	choices []string // non-nil: a choice field
	display []string // how each choice is shown
	choice  int
	// fresh: the text is the value the form was opened with, untouched: a
	// default, which the first character typed replaces (enter and tab
	// keep it; an arrow or backspace starts editing it). Drawn selected
	// while the field has focus.
	fresh bool
	// typing: a control sequence typed into the field and not yet ended,
	// held so that all of it is dropped (typedSequence).
	typing model.Typing
}

func (f field) value() string {
	if f.choices != nil {
		return f.choices[f.choice]
	}
	return strings.TrimSpace(f.input.Value())
}

// form is a small modal: fields, a focused one, submit and cancel. It
// remembers its starting values, so it knows whether it is half-filled.
type form struct {
	kind    formKind
	title   string
	target  string // the incident id it acts on, if any
	fields  []field
	focus   int
	initial []string
	err     string
	// lost: how many runes of the last key the focused field's limit did
	// not take; the root says so (onFormKey) rather than drop them unseen.
	lost int
	// parked: a submit was refused for no field of the form's (the link
	// cut, a send that failed, a rule): no field is in focus, so that the
	// y meant for the question the officer expected, or what they type
	// next, does not land in the field it was sent from. enter or y sends
	// it again; tab, shift+tab, an arrow or backspace goes back to that
	// field; esc is as ever. What is typed meanwhile is not taken, and
	// counted (ignored) for the form to say so.
	parked  bool
	ignored int
}

func newTextField(name, label, value, placeholder string, limit int) field {
	in := textinput.New()
	in.Cursor.SetMode(cursor.CursorStatic) // no blinking: nothing on screen moves by itself
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.SetValue(value)
	return field{name: name, label: label, input: in, fresh: value != ""}
}

func newChoiceField(name, label string, choices, display []string, initial int) field {
	return field{name: name, label: label, choices: choices, display: display, choice: initial}
}

func newForm(kind formKind, title, target string, fields ...field) form {
	f := form{kind: kind, title: title, target: target, fields: fields}
	for _, fl := range fields {
		f.initial = append(f.initial, fl.value())
	}
	f.setFocus(0)
	return f
}

func (f *form) setFocus(i int) {
	f.focus = (i + len(f.fields)) % len(f.fields)
	for j := range f.fields {
		if f.fields[j].choices != nil {
			continue
		}
		if j == f.focus {
			f.fields[j].input.Focus()
		} else {
			f.fields[j].input.Blur()
		}
	}
}

// refused shows why the form was not filed (why, in the console's words)
// and puts the cursor on the field err names (model.Error.Field), if the
// form has it.
func (f *form) refused(why string, err error) {
	f.err, f.parked, f.ignored = why, true, 0
	name := model.ErrorField(err)
	for i, fl := range f.fields {
		if fl.name == name && name != "" {
			f.setFocus(i)
			f.parked = false
		}
	}
	if f.parked {
		f.fields[f.focus].input.Blur()
	}
}

// parkedKey is a key to a parked form (form.parked): enter or y sends it
// again, esc cancels, a key that moves or edits goes back to the field it
// was sent from (and does nothing more), and anything typed is not taken.
func (f form) parkedKey(msg tea.KeyMsg, k formKeys) (form, formResult) {
	switch {
	case key.Matches(msg, k.cancel):
		return f, formCancelled
	case key.Matches(msg, k.submit), msg.Type == tea.KeyRunes && len(msg.Runes) == 1 && (msg.Runes[0] == 'y' || msg.Runes[0] == 'Y'):
		f.ignored = 0
		return f, formSubmitted
	case msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace:
		f.ignored += max(len(msg.Runes), 1)
		return f, formEditing
	}
	f.parked, f.ignored = false, 0
	f.setFocus(f.focus)
	return f, formEditing
}

// onField is err naming field as the one in error (model.FieldError): a
// refusal read for one field of a form that the reader names otherwise
// ("scope" read for to).
func onField(err error, field string) error { return model.FieldError(err, field) }

// dirty reports whether anything was changed since the form opened.
func (f form) dirty() bool {
	for i, fl := range f.fields {
		if fl.value() != f.initial[i] {
			return true
		}
	}
	return false
}

// has reports whether the form has a field of this name.
func (f form) has(name string) bool {
	for _, fl := range f.fields {
		if fl.name == name {
			return true
		}
	}
	return false
}

func (f form) values() map[string]string {
	m := make(map[string]string, len(f.fields))
	for _, fl := range f.fields {
		m[fl.name] = fl.value()
	}
	return m
}

// formResult is what a key did to the form.
type formResult int

const (
	formEditing formResult = iota
	formSubmitted
	formCancelled
)

// Update handles a key (pasted: a bracketed paste, typedSequence). Enter
// on a field that is not the last moves on, except in one-field forms;
// enter on the last submits.
func (f form) Update(msg tea.KeyMsg, pasted bool, k formKeys) (form, formResult, tea.Cmd) {
	fl := &f.fields[f.focus]
	f.lost = 0
	if f.parked {
		f, res := f.parkedKey(msg, k)
		return f, res, nil
	}
	if fl.choices == nil {
		var cmd tea.Cmd
		var ok bool
		if f, msg, cmd, ok = f.typedSequence(msg, pasted); !ok {
			return f, formEditing, cmd
		}
	}
	switch {
	case key.Matches(msg, k.cancel):
		return f, formCancelled, nil
	case key.Matches(msg, k.submit):
		if f.focus < len(f.fields)-1 {
			f.setFocus(f.focus + 1)
			return f, formEditing, nil
		}
		return f, formSubmitted, nil
	case key.Matches(msg, k.next):
		f.setFocus(f.focus + 1)
		return f, formEditing, nil
	case key.Matches(msg, k.prev):
		f.setFocus(f.focus - 1)
		return f, formEditing, nil
	case fl.choices != nil && key.Matches(msg, k.left):
		fl.choice = (fl.choice + len(fl.choices) - 1) % len(fl.choices)
		return f, formEditing, nil
	case fl.choices != nil && key.Matches(msg, k.right):
		fl.choice = (fl.choice + 1) % len(fl.choices)
		return f, formEditing, nil
	case fl.choices != nil:
		// A typed digit picks a choice directly (1-9).
		if key.Matches(msg, k.pick) && int(msg.Runes[0]-'1') < len(fl.choices) {
			fl.choice = int(msg.Runes[0] - '1')
		}
		return f, formEditing, nil
	}
	f, cmd := f.typed(msg)
	return f, formEditing, cmd
}

// typed is a key to the focused text field's input.
func (f form) typed(msg tea.KeyMsg) (form, tea.Cmd) {
	fl := &f.fields[f.focus]
	if fl.fresh {
		fl.fresh = false
		if msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace {
			fl.input.SetValue("") // typed over the default
		}
	}
	var cmd tea.Cmd
	had := fl.input.Value()
	fl.input, cmd = fl.input.Update(msg)
	f.err = ""
	f.lost = notTaken(fl.input, had, msg)
	return f, cmd
}

// notTaken is how many runes of a typed key an input's limit did not take
// (in, after the key; had, its value before): its owner says so rather
// than drop them unseen.
func notTaken(in textinput.Model, had string, msg tea.KeyMsg) int {
	if in.CharLimit <= 0 || msg.Type != tea.KeyRunes && msg.Type != tea.KeySpace {
		return 0
	}
	now := utf8.RuneCountInString(in.Value())
	if took := now - utf8.RuneCountInString(had); now >= in.CharLimit && took < len(msg.Runes) {
		return len(msg.Runes) - took
	}
	return 0
}

// View draws the form as lines for a box of the given inner width. A
// choice field whose options do not fit one line goes on over more lines,
// under its first.
func (f form) View(p *painter, inner int) []string {
	labelW := 0
	for _, fl := range f.fields {
		labelW = max(labelW, p.w.Of(fl.label))
	}
	valW := max(inner-labelW-5, 8)
	var out []string
	out = append(out, "")
	for i, fl := range f.fields {
		mark := "  "
		if i == f.focus && !f.parked {
			mark = p.st.Prompt.Render(p.g.Cursor) + " "
		}
		label := p.st.ColumnHead.Render(p.w.Fit(fl.label, labelW, ""))
		if fl.choices != nil {
			for j, l := range choiceLines(p, fl.display, fl.choice, valW) {
				if j > 0 {
					mark, label = "  ", strings.Repeat(" ", labelW)
				}
				out = append(out, mark+label+"  "+l)
			}
			continue
		}
		var val string
		if fl.fresh && i == f.focus {
			// A default: drawn selected, as typing replaces it.
			val = p.padStyled(p.st.Selected.Render(p.w.Fit(fl.value(), min(p.w.Of(fl.value()), valW), p.g.More)), valW)
		} else {
			in := fl.input
			in.Width = valW - 1
			val = p.padStyled(in.View(), valW)
			if p.ofStyled(val) > valW {
				val = p.w.Fit(fl.value(), valW, p.g.More)
			}
		}
		out = append(out, mark+label+"  "+val)
	}
	out = append(out, "")
	for _, l := range errLines(p, f.err, inner) {
		out = append(out, p.st.StatusError.Render(l))
	}
	if f.parked {
		for _, l := range errLines(p, f.parkedHint(p.lab.Lang), inner) {
			out = append(out, p.st.Dim.Render(l))
		}
	}
	// The form's keys are on the footer (formFooter), from the bindings.
	return out
}

// parkedHint is what a parked form says under its refusal: how to send it
// again or go back to it, and what was typed meanwhile and not taken.
func (f form) parkedHint(lang string) string {
	if chinese(lang) {
		s := "enter 或 y 重新提交，tab 或方向键返回修改"
		if f.ignored > 0 {
			s += fmt.Sprintf("；其间输入的 %d 个字未录入", f.ignored)
		}
		return s
	}
	s := "enter or y sends it again; tab or an arrow goes back to editing"
	if f.ignored > 0 {
		s += fmt.Sprintf("; %d characters typed meanwhile were not taken", f.ignored)
	}
	return s
}

// formErrLines is how many lines a form's error may take: a failed send
// says what was not filed and why, which rarely fits one.
const formErrLines = 3

// errLines is a form's error over at most formErrLines lines of width
// cells, indented, filled as a sentence (phraseWrap: a quoted place is not
// broken, and the words after it follow on its line); what does not fit
// is cut.
func errLines(p *painter, err string, width int) []string {
	if err == "" {
		return nil
	}
	n := width - 3 // the indent, and a cell before the box's edge
	lines := capped(p.w, phraseWrap(p.w, err, n), n, formErrLines, p.g.More)
	for i, l := range lines {
		lines[i] = p.w.Fit("  "+l, width, p.g.More)
	}
	return lines
}

// filled is s filled over at most most lines of n cells (wordWrap), the
// last ending in more when the rest does not fit.
func filled(w Width, s string, n, most int, more string) []string {
	return capped(w, wordWrap(w, s, n), n, most, more)
}

// capped is lines of n cells at most most of them, the last ending in
// more when some are left out.
func capped(w Width, lines []string, n, most int, more string) []string {
	if len(lines) > most {
		lines[most-1] = w.Trunc(lines[most-1]+" "+more, n, more)
		lines = lines[:most]
	}
	return lines
}

// choiceLines writes a choice field's options, the chosen one in brackets
// and highlighted, on as many lines of width cells as they need: every
// option is on screen whichever is chosen, none hidden behind a "…".
func choiceLines(p *painter, display []string, chosen, width int) []string {
	var out []string
	var line strings.Builder
	used := 0
	for j, d := range display {
		part := p.w.Trunc(" "+d+" ", width, p.g.More)
		if j == chosen {
			part = p.w.Trunc("["+d+"]", width, p.g.More)
		}
		pw := p.w.Of(part)
		if used > 0 && used+pw > width {
			out = append(out, p.padStyled(line.String(), width))
			line.Reset()
			used = 0
		}
		if j == chosen {
			part = p.st.Selected.Render(part)
		}
		line.WriteString(part)
		used += pw
	}
	return append(out, p.padStyled(line.String(), width))
}
