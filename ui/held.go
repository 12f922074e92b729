package ui

import (
	"slices"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// What the officer typed is not lost to a send that fails. A form (sent
// from its question, or at once, as a directive's dry run), a note typed
// at N or on a question's line (an escalation's reason), and a ':' line
// with words of its own (:handover's note) are held while the command
// that files them is on its way. If its answer is a failure, the work
// comes back as it was, saying it was not filed and why: the form open at
// the field it was sent from, the question on the status line with its
// note (y sends it again), the line. A failure after which what was asked
// may have been done (the server stopped before it answered:
// model.MaybeDone) says so instead. A failure that comes while the officer
// is at something else (another form, a question, the ':' line) does not
// take it from them: the work waits and comes back once they are done.
//
// The link cut while a question was up: y sends nothing, and the work
// comes back with the cut's refusal, as a form submitted after the cut
// stays open (submitForm).

// heldKind is what the officer was at when the work was sent.
type heldKind int

const (
	heldForm heldKind = iota + 1
	heldNote
	heldLine
)

// held is the work behind one command on its way.
type held struct {
	id   int
	kind heldKind
	form form     // heldForm: the form as it was sent
	q    question // heldNote: the question answered
	note string   // heldNote: the note typed
	line string   // heldLine: the ':' line as typed
	err  error    // why it was not filed, once it failed
}

// heldMsg is the answer to a held command.
type heldMsg struct {
	id  int
	msg tea.Msg
}

// hold sends cmd (one call to the store) with w behind it: its answer
// comes back as a heldMsg, and a failure gives w back (onHeld).
func (m Model) hold(w held, cmd tea.Cmd) (Model, tea.Cmd) {
	if cmd == nil {
		return m, nil
	}
	m.heldSeq++
	w.id = m.heldSeq
	m.held = append(slices.Clone(m.held), w)
	id := w.id
	// Said while it is on its way (a slow server), until its outcome is.
	m.flashID++
	m.flash = flash{id: m.flashID, text: m.say("sending…", "正在提交……")}
	return m, tea.Batch(expireFlash(m.flashID, 5*time.Second), func() tea.Msg { return heldMsg{id: id, msg: cmd()} })
}

// withoutHeld is hs without the work of id (a new slice: the model is copied).
func withoutHeld(hs []held, id int) []held {
	out := make([]held, 0, len(hs))
	for _, h := range hs {
		if h.id != id {
			out = append(out, h)
		}
	}
	return out
}

// onHeld takes the answer to a held command. A success (a command a hub
// queued for a town is one) goes where it would have gone, the form it
// came from kept for a question that goes back to it (a directive's dry
// run asks before it is sent) unless the officer is at another; a failure
// gives the work back.
func (m Model) onHeld(msg heldMsg) (tea.Model, tea.Cmd) {
	var w held
	found := false
	for _, h := range m.held {
		if h.id == msg.id {
			w, found = h, true
		}
	}
	m.held = withoutHeld(m.held, msg.id)
	if m.flash.text == m.say("sending…", "正在提交……") && !m.flash.err {
		m.flash = flash{} // answered: its outcome says what happened
	}
	err := failedOf(msg.msg)
	if d, ok := msg.msg.(directiveIssuedMsg); found && ok && d.dryRun && err == nil && m.busy() {
		// Its question cannot be asked over what the officer is at now:
		// the form waits for them, as a failed one does.
		w.err = refusal(model.ECONFLICT, "not asked: another prompt was open; nothing was sent",
			"未询问：另有提示或表单未完成；指令未下达")
		return m.giveBack(w)
	}
	if !found || err == nil || model.IsFedQueued(err) {
		if found && w.kind == heldForm && !m.busy() {
			m.form = w.form
		}
		return m.Update(msg.msg)
	}
	w.err = err
	return m.giveBack(w)
}

// workOf is the work a question's yes sends: the form it was asked from,
// or the note typed on its line; false when nothing was typed for it.
func (m Model) workOf(q question, note string) (held, bool) {
	switch {
	case q.back:
		return held{kind: heldForm, form: m.form}, true
	case q.note && note != "":
		return held{kind: heldNote, q: q, note: note}, true
	}
	return held{}, false
}

// answerYes does what the question asked. Nothing is sent once the link
// is cut: the work typed for it comes back with the cut's refusal, and
// any other question is refused as its key would be now.
func (m Model) answerYes(q question, note string) (tea.Model, tea.Cmd) {
	w, typed := m.workOf(q, note)
	if err := m.mayAct(); err != nil && !q.free {
		if !typed {
			return m.flashErr(err)
		}
		w.err = err
		return m.giveBack(w)
	}
	next, cmd := q.yes(m, note)
	if !typed {
		return next, cmd
	}
	return next.hold(w, cmd)
}

// busy reports whether the officer is at something the work coming back
// would take from them: a question, a form, the filter or the ':' line.
// While the file is being taken (:take answered yes) nothing comes back:
// the work waiting goes to the console run on the file (Carry).
func (m Model) busy() bool { return m.q.active() || m.inputActive() || m.taking }

// notFiled says that nothing was filed, and why; or, when the call may
// have done it, that it is not known whether it was.
func (m Model) notFiled(err error) string {
	if model.MaybeDone(err) {
		return m.say("not known whether filed: ", "不确定是否已提交：") + m.errText(err)
	}
	return m.say("not filed: ", "未提交：") + m.errText(err)
}

// flashNotFiled says on the status line that nothing was filed, and why:
// a hand-over refused or failed leaves its sheet, and its note, on screen.
func (m Model) flashNotFiled(err error) (Model, tea.Cmd) {
	if model.IsFedQueued(err) {
		return m.flashErr(err)
	}
	return m.flashErr(said(model.ErrorCode(err), m.notFiled(err)))
}

// giveBack puts failed work back as it was, saying why; while the officer
// is busy it waits (returnWaiting), and the status line says so.
func (m Model) giveBack(w held) (Model, tea.Cmd) {
	why := m.notFiled(w.err)
	if m.busy() {
		m.waiting = append(slices.Clone(m.waiting), w)
		return m.flashErr(said(model.ErrorCode(w.err), why+m.say(" (it comes back when you are done here)", "（当前操作完成后退回原处）")))
	}
	switch w.kind {
	case heldForm:
		m.form, m.formActive = m.escalateFormNow(w.form), true
		m.form.refused(why, w.err)
	case heldNote:
		m.q = w.q
		m.q.editing, m.q.failed = false, why
		m.noteInput.SetValue(w.note)
		m.noteInput.Blur()
	case heldLine:
		m.cmdActive, m.cmdPos, m.cmdNote = true, len(m.cmdHistory), why
		m.cmdInput.SetValue(w.line)
		m.cmdInput.CursorEnd()
		return m, m.cmdInput.Focus()
	}
	return m, nil
}

// returnWaiting gives back the first work waiting for the officer once
// they are no longer busy (after a key). A form put aside while the link
// is cut (esc, with :take possible) stays aside until the link is back,
// or goes with :take.
func (m Model) returnWaiting(next tea.Model, cmd tea.Cmd) (tea.Model, tea.Cmd) {
	mm, ok := next.(Model)
	if !ok || len(mm.waiting) == 0 || mm.busy() || mm.linkCut() && mm.opt.TakeFile != nil {
		return next, cmd
	}
	w := mm.waiting[0]
	mm.waiting = mm.waiting[1:]
	mm, c := mm.giveBack(w)
	return mm, tea.Batch(cmd, c)
}

// noteLines are what the status line says over a question or the ':' line
// that came back after a failed send (or a limit hit): filled over at most
// two lines, cut after.
func (m Model) noteLines(s string) []string {
	p := &m.p
	lines := m.noteWrap(s)
	for i, l := range lines {
		lines[i] = p.st.StatusError.Render(p.w.Fit(" "+l, m.width, p.g.More))
	}
	return lines
}

// noteWrap is a note's words as noteLines puts them on its lines, unstyled.
func (m Model) noteWrap(s string) []string {
	return filled(m.p.w, s, m.width-1, 2, m.p.g.More)
}
