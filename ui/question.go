package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// One rule for every action that changes the record: it asks once on the
// status line, naming what it will do ("办结 HJ-…-0038 渎溪村 02
// 330国道货物撒落？"), and y does it; n or esc leaves everything as it was.
// An action that takes a note lets tab add one on the same line; a note the
// action needs (N) is typed first. A question too long for the line wraps
// onto a second one rather than lose its y/n.

// question is the status line's question.
type question struct {
	text string
	yes  func(m Model, note string) (Model, tea.Cmd)
	// note: tab types an optional note; needNote: the note is the point
	// (N), typed before the question is put; editing: it is being typed.
	note, needNote, editing bool
	// back: n returns to the form the question came from.
	back bool
	// free: it changes no record (quit, discard a form), so a read-only
	// seat may be asked it.
	free bool
	// detail follows the question (a room's towns, each with what it
	// reaches there): on a second line of its own when the two do not fit
	// one, cut where that line ends, before the keys.
	detail string
	// failed: the question came back after its send failed (held.go),
	// what failed shown above it.
	failed string
	// lost: how many characters the note's last key could not add (its
	// limit), said above the line until the next key.
	lost int
	// typing holds a control sequence begun in the note until it ends,
	// so that all of it is dropped (throughTyping), as a form's field.
	typing model.Typing
}

func (q question) active() bool { return q.yes != nil }

// ask puts a y/n question on the status line, in answer to a key. It never
// replaces a question already waiting.
func (m Model) ask(text string, yes func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	return m.put(question{text: text, yes: func(m Model, _ string) (Model, tea.Cmd) { return yes(m) }})
}

// askFree asks as ask does a question that changes no record (quit,
// discard a half-filled form): a read-only seat is asked it too.
func (m Model) askFree(text string, yes func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	return m.put(question{text: text, yes: func(m Model, _ string) (Model, tea.Cmd) { return yes(m) }, free: true})
}

// askFormDetail asks as askForm does, detail after the question (on a
// line of its own when they do not fit one).
func (m Model) askFormDetail(text, detail string, yes func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	m.formActive = false
	return m.put(question{text: text, detail: detail, yes: func(m Model, _ string) (Model, tea.Cmd) { return yes(m) }, back: true})
}

// askNote asks as ask does; tab adds an optional note, which yes gets.
func (m Model) askNote(text string, yes func(Model, string) (Model, tea.Cmd)) (Model, tea.Cmd) {
	return m.put(question{text: text, yes: yes, note: true})
}

// askForm asks about what a form was filled in for: n goes back to the
// form, as it was.
func (m Model) askForm(text string, yes func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	m.formActive = false
	return m.put(question{text: text, yes: func(m Model, _ string) (Model, tea.Cmd) { return yes(m) }, back: true})
}

// askWriting has the note typed first (N: the note is the action), then
// asks.
func (m Model) askWriting(text string, yes func(Model, string) (Model, tea.Cmd)) (Model, tea.Cmd) {
	m, cmd := m.put(question{text: text, yes: yes, note: true, needNote: true, editing: true})
	m.noteInput.SetValue("")
	return m, tea.Batch(cmd, m.noteInput.Focus())
}

// put puts q on the status line. A read-only seat is asked nothing that
// changes the record: it is refused with its reason instead, before any
// question (the keys that act are refused before their forms: acting,
// openForm).
func (m Model) put(q question) (Model, tea.Cmd) {
	if m.q.active() {
		return m, nil
	}
	if err := m.mayAct(); !q.free && err != nil {
		return m.flashErr(err)
	}
	m.q = q
	m.noteInput.SetValue("")
	m.noteInput.Blur()
	return m, nil
}

// askLater asks a question that comes back from the store after a while (a
// directive's dry run). By then the operator may have opened a form or
// another prompt; the question would take the keys meant for them (a "y"
// typed into a field must not send anything), so it is not asked. back:
// it is about the form last sent (m.form), and n goes back to it.
func (m Model) askLater(text string, back bool, yes func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	if m.q.active() || m.inputActive() {
		return m.flashErr(refusal(model.ECONFLICT,
			"not asked: another prompt is open; finish it and try again",
			"另有提示或表单未完成，请完成后再试"))
	}
	return m.put(question{text: text, yes: func(m Model, _ string) (Model, tea.Cmd) { return yes(m) }, back: back})
}

// onQuestionKey answers the question: y does it (with the note, if one was
// typed), n or esc drops it; tab types a note; while a note is typed, enter
// puts the question and esc drops the note (the question too, when the
// note was the point).
func (m Model) onQuestionKey(msg tea.KeyMsg, pasted bool) (tea.Model, tea.Cmd) {
	lost := m.q.lost
	m.q.lost = 0 // said until the next key that takes all it brings
	q := m.q
	if q.editing {
		var pre string
		var ok bool
		m.q.typing, pre, msg, ok = throughTyping(m.q.typing, msg, pasted, inputAltKeys(m.noteInput))
		if pre != "" {
			if m, _ = m.typeNote(textKey(pre), lost); m.q.lost > 0 {
				lost, m.q.lost = m.q.lost, 0
			}
		}
		if !ok {
			return m, nil
		}
		switch {
		case key.Matches(msg, m.lkeys.accept):
			if q.needNote && model.Blank(m.noteInput.Value()) {
				return m, nil // nothing to add yet
			}
			m.q.editing = false
			m.noteInput.Blur()
			return m, nil
		case key.Matches(msg, m.lkeys.abort):
			if q.needNote {
				return m.dropQuestion(), nil
			}
			m.q.editing = false
			m.noteInput.SetValue("")
			m.noteInput.Blur()
			return m, nil
		}
		return m.typeNote(msg, lost)
	}
	switch {
	case key.Matches(msg, m.lkeys.yes):
		note := strings.TrimSpace(m.noteInput.Value())
		m.q = question{}
		m.noteInput.SetValue("")
		return m.answerYes(q, note)
	case key.Matches(msg, m.lkeys.no):
		if w, typed := m.workOf(q, strings.TrimSpace(m.noteInput.Value())); typed && w.kind == heldNote &&
			q.failed != "" && m.linkCut() && m.opt.TakeFile != nil {
			// A note that came back while nothing can be sent: put aside
			// for :take or the link's return, not dropped.
			w.err = m.mayAct()
			m.waiting = append(slices.Clone(m.waiting), w)
			m.q = question{}
			m.noteInput.SetValue("")
			return m.flashInfo(m.say("the note is kept: it comes back after :take, or once the link is back and you press a key",
				"备注已保留：输入 :take 接管后，或实时恢复后按任意键，将退回原处"))
		}
		return m.dropQuestion(), nil
	case q.note && key.Matches(msg, m.lkeys.complete):
		m.q.editing = true
		return m, m.noteInput.Focus()
	}
	return m, nil
}

// typeNote is a key typed into the question's note: the note scrolls to
// keep what is typed in view, and what its limit drops is said, added to
// what the keys before it dropped (lost: a paste arrives in pieces).
func (m Model) typeNote(msg tea.KeyMsg, lost int) (Model, tea.Cmd) {
	var cmd tea.Cmd
	had := m.noteInput.Value()
	m.noteInput.Width = m.noteWidth()
	m.noteInput, cmd = m.noteInput.Update(msg)
	if n := notTaken(m.noteInput, had, msg); n > 0 {
		m.q.lost = lost + n
	}
	return m, cmd
}

// noteWidth is how many cells the note being typed shows on its own line
// (questionLines' second), between its label and its keys, less the
// cursor's (questionLineEditing counts it): a note longer than that shows
// its end, where it is typed.
func (m Model) noteWidth() int {
	plain, _ := m.questionLineEditing()
	frame := m.p.w.Of(plain) - m.p.w.Of(m.noteInput.Value())
	return max(m.width-frame, 8)
}

// lostNote says what the note's limit dropped.
func (m Model) lostNote() string {
	return m.say(fmt.Sprintf("the note takes %d characters at most: %d not taken", m.noteInput.CharLimit, m.q.lost),
		fmt.Sprintf("备注最多 %d 字，超出的 %d 字未录入", m.noteInput.CharLimit, m.q.lost))
}

// dropQuestion answers no: nothing is done, and a question asked from a
// form goes back to it.
func (m Model) dropQuestion() Model {
	if m.q.back {
		m.formActive = true
	}
	m.q = question{}
	m.noteInput.SetValue("")
	m.noteInput.Blur()
	return m
}

// questionLine is the question as the status line shows it: the question,
// the note typed (or being typed), and the keys that answer it.
func (m Model) questionLine() (plain, styled string) {
	p := &m.p
	q := m.q
	text := " " + q.text
	if q.editing {
		plainIn, in := m.questionLineEditing()
		return text + plainIn, p.st.Prompt.Render(text) + in
	}
	if q.detail != "" {
		text += "  " + q.detail
	}
	if n := strings.TrimSpace(m.noteInput.Value()); n != "" {
		text += "  " + m.say("note: ", "备注：") + n
	}
	hint := m.questionKeys()
	return text + hint, p.st.Prompt.Render(text + hint)
}

// questionKeys are the keys that answer the question, as its line ends.
func (m Model) questionKeys() string {
	if m.q.note && !m.q.needNote {
		return m.say("  y/n  tab note", "  y/n  tab 加备注")
	}
	return "  y/n"
}

// detailLines are a question with a detail (what a widening carries on, a
// room's towns) that does not fit one line: the question over at most two
// lines, then the detail over at most two, the keys at the end of the
// last whatever is cut. Plain, each line beginning with a space. At a
// width of one cell or none the lines are wrapped to one cell (wordWrap
// has no lines for less) and left to the caller's Fit to cut.
func (m Model) detailLines() []string {
	p, hint := &m.p, m.questionKeys()
	n := max(m.width-1, 1)
	lines := filled(p.w, m.q.text, n, 2, p.g.More)
	d := wordWrap(p.w, m.q.detail+hint, n)
	if len(d) > 2 || !strings.HasSuffix(d[len(d)-1], strings.TrimSpace(hint)) {
		d = wordWrap(p.w, m.q.detail, n)
		rest := ""
		if len(d) > 1 {
			rest = strings.Join(d[1:], " ")
		}
		if rest == "" {
			hint = strings.TrimLeft(hint, " ")
		}
		d = []string{d[0], p.w.Trunc(rest, n-p.w.Of(hint), p.g.More) + hint}
	}
	out := make([]string, 0, len(lines)+len(d))
	for _, l := range append(lines, d...) {
		out = append(out, " "+l)
	}
	return out
}

// questionLineEditing is the note being typed, with its keys; plain
// counts the cursor's cell after the note. Where the question and the
// note fit one line, the note shows as typed; else it has a line of its
// own, at most as wide as the screen leaves it now (noteWidth when typed,
// before a resize), where it shows its end: either way its keys end the
// line whole (padded out to a line of its own after the question, the
// note pushed them off it).
func (m Model) questionLineEditing() (plain, styled string) {
	hint := m.say("  enter done  esc cancel", "  enter 完成  esc 取消")
	label := m.say("  note: ", "  备注：")
	plain = label + m.noteInput.Value() + " " + hint
	in := m.noteInput
	if room := max(m.width-m.p.w.Of(label+" "+hint), 8); m.p.w.Of(" "+m.q.text+plain) <= m.width {
		in.Width = 0 // as typed, not padded
	} else if in.Width > room {
		in.Width = room
		in.SetCursor(in.Position()) // its end in view again
	}
	return plain, m.p.st.Prompt.Render(label) + in.View() + m.p.st.Dim.Render(hint)
}

// briefID is an incident id as a question names it: HJ-…-0038.
func briefID(id, more string) string {
	parts := strings.Split(id, "-")
	if len(parts) != 3 {
		return id
	}
	return parts[0] + "-" + more + "-" + parts[2]
}

// whatIncident names an incident in a question: its id, where (in a room
// above the towns that has not read so deep, its nearest loaded place),
// and what.
func (m Model) whatIncident(inc model.Incident) string {
	return briefID(inc.ID, m.p.g.More) + " " + m.w.nameOf(inc.Node) + " " + m.p.w.Trunc(inc.Title, 24, m.p.g.More)
}
