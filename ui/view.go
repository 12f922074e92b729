package ui

import (
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// message is a screen that says one thing, wrapped, from its middle line.
func (m Model) message(msg string) string {
	p := &m.p
	lines := make([]string, m.height)
	for i := range lines {
		lines[i] = strings.Repeat(" ", m.width)
	}
	wrapped := wordWrap(p.w, msg, m.width)
	top := max(min(m.height/2, m.height-len(wrapped)), 0) // from the middle, up as far as it needs
	for i, l := range wrapped {
		if top+i < m.height {
			lines[top+i] = p.w.Fit(l, m.width, "")
		}
	}
	return strings.Join(lines, "\n")
}

// View draws the whole screen. Every line is exactly m.width columns.
func (m Model) View() string {
	if m.width == 0 {
		return ""
	}
	if m.tooSmall() {
		return m.message(m.smallText())
	}
	if m.loadErr != nil {
		return m.message("gridcmd: " + m.errText(m.loadErr))
	}
	if !m.w.loaded {
		// Not "no open incidents" over empty panes while the first
		// snapshot is read (seconds on a busy machine or a large file).
		return m.message(m.say("gridcmd: reading the records…", "gridcmd：正在读取数据…"))
	}
	m.formShown = m.formActive // the form holds the focus: no pane says it has it
	left := vjoin(m.ring[paneChain].View(), m.tower.View())
	body := hjoin(left, m.right())
	status := m.statusLines()
	for range len(status) - m.statusH {
		// More status lines than layout made room for (a View before
		// Update saw them: tests that draw a model they set by hand):
		// the body's last lines give way.
		body = body[:strings.LastIndexByte(body, '\n')]
	}
	return vjoin(m.header(), body, vjoin(status...))
}

// statusLines is the status line: one, or two when a question does not fit
// one (it wraps rather than lose its y/n; up to four for a question with a
// detail) or the ':' line lists its candidates above it; a note (why, in the error's colour) above them
// where status says one.
func (m Model) statusLines() []string {
	s := m.status()
	var lines []string
	if s.note != "" {
		lines = m.noteLines(s.note)
	}
	switch s.rest {
	case statusQuestion:
		return append(lines, m.questionLines()...)
	case statusMenu:
		return append(lines, s.menu, m.footer())
	case statusLongFlash:
		return append(lines, m.flashLines()...)
	}
	return append(lines, m.footer())
}

// statusHeight is how many lines the status line takes as the screen is
// now, 1 while nothing is drawn: statusLines' count, from the same status
// but without drawing the footer, which costs more than every message
// should pay (Update asks after each one).
func (m *Model) statusHeight() int {
	if m.width == 0 || m.tooSmall() || m.loadErr != nil {
		return 1
	}
	s := m.status()
	n := 0
	if s.note != "" {
		n = len(m.noteWrap(s.note))
	}
	switch s.rest {
	case statusQuestion:
		if plain, _ := m.questionLine(); m.p.w.Of(plain) > m.width {
			if m.q.detail != "" && !m.q.editing {
				return n + len(m.detailLines()) // questionLines: the question, then its detail
			}
			return n + 2 // questionLines: over two
		}
	case statusMenu, statusLongFlash:
		return n + 2
	}
	return n + 1
}

// statusShown is what the status line says (status): a note or not above
// the rest, and the rest.
type statusShown struct {
	note string     // said above the rest, in the error's colour (noteLines); "" for none
	rest statusRest // what follows it
	menu string     // statusMenu's candidates
}

// statusRest is what the status line says below its note, if any.
type statusRest int

const (
	statusFooter    statusRest = iota // the footer: one line
	statusQuestion                    // the question: one line or two (questionLines)
	statusMenu                        // the ':' line's candidates, over the footer
	statusLongFlash                   // a flash too long for one line, over two (flashLines)
)

// status decides what the status line says, for statusLines to draw and
// statusHeight to count: a question (after why it failed, or what its
// note lost); a filter's error too long to follow its prompt above the
// prompt; the ':' line's note or candidates above it; a long flash; else
// the footer.
func (m *Model) status() statusShown {
	if m.q.active() {
		s := statusShown{note: m.q.failed, rest: statusQuestion}
		if s.note == "" && m.q.lost > 0 {
			s.note = m.lostNote()
		}
		return s
	}
	if m.filterActive && m.queue.q.err != nil && !m.filterErrInline() {
		// A token it cannot read: why, whole, above the filter's line.
		return statusShown{note: m.errText(m.queue.q.err)}
	}
	if m.cmdActive {
		if m.cmdNote != "" {
			return statusShown{note: m.cmdNote}
		}
		if menu := m.cmdMenu(); menu != "" {
			return statusShown{rest: statusMenu, menu: menu}
		}
	}
	if !m.inputActive() && m.flash.text != "" && m.p.w.Of(" "+m.flash.text) > m.width {
		return statusShown{rest: statusLongFlash}
	}
	return statusShown{}
}

// flashLines are a flash too long for one line (a refusal saying why, at
// 80 columns) over two, broken between words where it can be; what does
// not fit two is cut.
func (m Model) flashLines() []string {
	p := &m.p
	st := p.st.StatusInfo
	if m.flash.err {
		st = p.st.StatusError
	}
	first, rest := m.flashSplit(m.flash.text)
	return []string{st.Render(p.w.Fit(first, m.width, "")), st.Render(p.w.Fit(rest, m.width, p.g.More))}
}

// flashSplit is a flash's text over two lines as flashLines draws them,
// before the second is cut to the width: the first broken between words
// where one ends past its middle.
func (m Model) flashSplit(flash string) (first, rest string) {
	p := &m.p
	// Cut and measured in its written form (Width.shown): Trunc writes
	// that form, so the rest is taken from the same string.
	text := p.w.shown(" " + flash)
	first = p.w.Trunc(text, m.width, "")
	if sp := strings.LastIndex(first, " "); sp > len(first)/2 {
		first = first[:sp]
	}
	return first, " " + strings.TrimLeft(text[len(first):], " ")
}

// flashFits reports whether a flash of this text is whole on the status
// line: on one line, or on flashLines' two.
func (m Model) flashFits(flash string) bool {
	if m.p.w.Of(" "+flash) <= m.width {
		return true
	}
	_, rest := m.flashSplit(flash)
	return m.p.w.Of(rest) <= m.width
}

// questionLines are the question on one line, or on two; a question with
// a detail on up to four (detailLines).
func (m Model) questionLines() []string {
	p := &m.p
	plain, styled := m.questionLine()
	if p.w.Of(plain) <= m.width {
		return []string{m.fitLine(styled)}
	}
	if m.q.editing {
		// The question above, the note being typed below.
		_, in := m.questionLineEditing()
		return []string{p.st.Prompt.Render(p.w.Fit(" "+m.q.text, m.width, p.g.More)), m.fitLine(in)}
	}
	if m.q.detail != "" {
		lines := m.detailLines()
		for i, l := range lines {
			lines[i] = p.st.Prompt.Render(p.w.Fit(l, m.width, ""))
		}
		return lines
	}
	// The question's words over two lines, its keys at the end of the
	// second whatever is cut.
	cut := strings.LastIndex(plain, "  y/n")
	// The words in their written form (Width.shown), as Trunc writes
	// them: the second line starts where the first ends in the same
	// string (a ZWJ or a flag in the stored text made it repeat words).
	text, hint := p.w.shown(plain[:cut]), plain[cut:]
	first := p.w.Trunc(text, m.width, "")
	if sp := strings.LastIndex(first, " "); sp > 0 && len(first) < len(text) &&
		p.w.Of(" "+strings.TrimLeft(text[sp:], " "))+p.w.Of(hint) <= m.width {
		first = first[:sp] // between words, when the rest still fits
	}
	rest := " " + strings.TrimLeft(text[len(first):], " ")
	rest = p.w.Trunc(rest, m.width-p.w.Of(hint), p.g.More)
	return []string{p.st.Prompt.Render(p.w.Fit(first, m.width, "")), p.st.Prompt.Render(p.w.Fit(rest+hint, m.width, ""))}
}

// right is the right-hand column: the queue and the ticker (and the
// directive in wartime), or whatever overlay or form is open.
func (m Model) right() string {
	if m.formActive {
		return m.p.box(m.form.title, "", m.form.View(&m.p, m.rightW-2), m.rightW, m.bodyH, true)
	}
	if m.overlay != overlayNone {
		return m.overlays[m.overlay].View()
	}
	if m.wt.active() {
		if m.wartimeTowns() {
			return vjoin(m.towns.View(), m.queue.View(), m.dir.View(), m.ticker.View())
		}
		return vjoin(m.queue.View(), m.dir.View(), m.ticker.View())
	}
	if m.aboveTowns() {
		return vjoin(m.towns.View(), m.queue.View(), m.ticker.View())
	}
	return vjoin(m.queue.View(), m.ticker.View())
}

// footer is the status line: a prompt, a flash, or the next keys.
func (m Model) footer() string {
	switch {
	case m.formActive && m.flash.text != "":
		return m.flashFooter() // a refusal, a lost feed: said over the form's keys until it expires
	case m.formActive && m.linkCut():
		return m.readOnlyFooter(m.cutLine(), "", 0)
	case m.formActive:
		return m.formFooter()
	case m.filterActive:
		return m.filterFooter()
	case m.cmdActive:
		return m.commandFooter()
	case m.flash.text != "":
		return m.flashFooter()
	case m.rp != nil && m.overlay == overlayNone:
		return m.replayFooter()
	}
	return m.keysFooter()
}

// filterFooter is the filter's prompt, with its error or what it takes;
// an error too long to follow the prompt is said above it (statusLines),
// and the prompt says esc clears.
func (m Model) filterFooter() string {
	p := &m.p
	if err := m.queue.q.err; err != nil {
		if m.filterErrInline() {
			return m.fitLine(" " + m.filterInput.View() + "  " + p.st.StatusError.Render(m.errText(err)))
		}
		return m.fitLine(" " + m.filterInput.View() + "  " + p.st.Dim.Render(m.say("esc clear", "esc 清除")))
	}
	return m.fitLine(" " + m.filterInput.View() + "  " + p.st.Dim.Render(m.say(
		"words, tier: status: sev: platform: red mine all  enter keep  esc clear",
		"关键词，层级: 状态: 级别: 平台: 超时 我的 全部  enter 保留  esc 清除")))
}

// filterErrInline reports whether the filter's error fits whole after its
// prompt.
func (m Model) filterErrInline() bool {
	return m.p.ofStyled(" "+m.filterInput.View()+"  ")+m.p.w.Of(m.errText(m.queue.q.err)) <= m.width
}

// commandFooter is the : prompt, with what tab would complete it to.
func (m Model) commandFooter() string {
	hint := ""
	if v := strings.TrimSpace(m.cmdInput.Value()); v != "" {
		if c := m.cmds.complete(m, v); c != v {
			hint = "  tab " + c
		}
	}
	in := m.cmdInput
	if w := m.p.w.Of(in.Value()) + 1; hint != "" && 1+w+m.p.w.Of(hint) <= m.width && w < in.Width {
		// The input pads itself to its width: as wide as what is typed
		// (and the cursor), so that the hint follows it on the line.
		in.Width = w
	} else {
		hint = ""
	}
	return m.fitLine(" " + in.View() + m.p.st.Dim.Render(hint))
}

// flashFooter is the flash: an outcome, or an error in its colour.
func (m Model) flashFooter() string {
	p := &m.p
	st := p.st.StatusInfo
	if m.flash.err {
		st = p.st.StatusError
	}
	return st.Render(p.w.Fit(" "+m.flash.text, m.width, p.g.More))
}

// footerItem is a key as the footer shows it, and its width.
func (m Model) footerItem(k key.Binding) (string, int) { return m.footerWords(k, false) }

// footerWords is a key as the footer shows it, in its help's full words
// or, short, in fewer (keyShort: "a ack"), and its width.
func (m Model) footerWords(k key.Binding, short bool) (string, int) {
	p := &m.p
	h := footerHelp(k, short)
	return p.st.Key.Render(" "+h.Key) + p.st.KeyDesc.Render(" "+h.Desc+" "), m.footerWidth(k, short)
}

// footerWidth is footerWords' width, without drawing it: the footer asks
// it of every key, in both words, to fit them.
func (m Model) footerWidth(k key.Binding, short bool) int {
	h := footerHelp(k, short)
	return m.p.w.Of(" " + h.Key + " " + h.Desc + " ")
}

// footerHelp is k's help as the footer words it: short (keyShort) or full.
func footerHelp(k key.Binding, short bool) key.Help {
	h := k.Help()
	if s, ok := keyShort[h.Desc]; ok && short {
		h.Desc = s
	}
	return h
}

// formFooter is an open form's keys (formKeys.footer): what the keys do
// in the form, whatever pane is behind it. On a narrow screen some give
// way; enter and esc stay.
func (m Model) formFooter() string {
	keys, giveWay := m.fkeys.footer(m.form)
	shown := make([]bool, len(keys))
	widths := make([]int, len(keys))
	used := 0
	for i, k := range keys {
		widths[i] = m.footerWidth(k, false)
		shown[i] = true
		used += widths[i]
	}
	for _, i := range giveWay {
		if used <= m.width {
			break
		}
		shown[i] = false
		used -= widths[i]
	}
	if used > m.width {
		return m.p.w.Fit("", m.width, "")
	}
	var b strings.Builder
	for i, k := range keys {
		if shown[i] {
			s, _ := m.footerItem(k)
			b.WriteString(s)
		}
	}
	return b.String() + strings.Repeat(" ", m.width-used)
}

// keysFooter is the next keys. The last two (help, quit) always show; the
// others as room allows, the actions on an incident first, in the order
// they are listed.
func (m Model) keysFooter() string {
	p := &m.p
	keys := m.shortHelp()
	split := max(len(keys)-2, 0)
	tail, tailW := "", 0
	for _, k := range keys[split:] {
		s, w := m.footerItem(k)
		tail, tailW = tail+s, tailW+w
	}
	if !m.seat.Acts() {
		return m.readOnlyFooter(m.errText(m.seat.ReadOnly), tail, tailW)
	}
	if m.linkCut() {
		return m.readOnlyFooter(m.cutLine(), tail, tailW)
	}
	head := keys[:split]
	rank := m.keyRanks(head)
	order := make([]int, len(head))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[order[a]] < rank[order[b]] })
	short := make([]bool, len(head))
	shown, used := m.fitKeys(head, order, tailW, false)
	if s, u := m.fitKeys(head, order, tailW, true); m.wordsCost(shown, s, rank) {
		shown, used = s, u
		for i := range short {
			short[i] = true
		}
		// The room left gives keys their full words back, first first.
		for _, i := range order {
			ws := m.footerWidth(head[i], true)
			if wf := m.footerWidth(head[i], false); shown[i] && used+wf-ws+tailW <= m.width {
				short[i], used = false, used+wf-ws
			}
		}
	}
	if used+tailW > m.width {
		return p.w.Fit("", m.width, "")
	}
	var b strings.Builder
	for i, k := range head {
		if shown[i] {
			s, _ := m.footerWords(k, short[i])
			b.WriteString(s)
		}
	}
	return b.String() + tail + strings.Repeat(" ", m.width-used-tailW)
}

// fitKeys is which of keys the footer has room for beside the tail (tailW
// wide), given room in order (keyRanks'), in full words or short ones,
// and the width they take.
func (m Model) fitKeys(keys []key.Binding, order []int, tailW int, short bool) ([]bool, int) {
	shown := make([]bool, len(keys))
	used := 0
	for _, i := range order {
		if w := m.footerWidth(keys[i], short); used+w+tailW <= m.width {
			shown[i] = true
			used += w
		}
	}
	return shown, used
}

// wordsCost reports whether the full words (full: the keys they leave
// room for) cost a key that short words (short) keep, other than moving
// about, which the help lists: the footer then speaks in short words. On
// an 80-column line the actions, the filter and the ':' line all keep
// their place that way, in either language.
func (m Model) wordsCost(full, short []bool, rank []int) bool {
	for i := range full {
		if short[i] && !full[i] && rank[i] < moving {
			return true
		}
	}
	return false
}

// readOnlyFooter is the footer of a console that may not act (a read-only
// seat, an attached console whose link is cut): it says why, and what to
// do, where the keys were: whole, before the help and quit keys (tail,
// tailW wide) if they leave it room.
func (m Model) readOnlyFooter(text, tail string, tailW int) string {
	p := &m.p
	why := " " + text
	if p.w.Of(why)+tailW <= m.width {
		return p.st.StatusError.Render(p.w.Fit(why, m.width-tailW, "")) + tail
	}
	return p.st.StatusError.Render(p.w.Fit(why, m.width, p.g.More))
}

// keyRanks is the order the footer gives its keys room, lowest first: the
// pane's own keys (the directive pane's [ and ], the gaps list's x); the
// way back, opening, the filter, the first actions on an incident, a new
// report, the ':' line and wartime (the keys an officer reaches for
// first, kept at 80 columns in either language); the other actions and
// the wartime steps; then moving about (moving), which the help also
// lists.
func (m Model) keyRanks(keys []key.Binding) []int {
	k := m.keys
	first := []key.Binding{k.Back, k.Open, k.Filter, k.Ack, k.Escalate, k.New, k.Command, k.Wartime,
		k.Directive, k.Resend, k.Dispatch, k.Resolve, k.Note, k.EscalateTo, k.Reopen, k.Close, k.Sort}
	if m.focus == paneDirectives && m.overlay == overlayNone {
		// The directive pane's work first: resend, a new directive, wartime.
		first = append([]key.Binding{k.Resend, k.Directive, k.Wartime}, first...)
	}
	global := map[string]bool{}
	for _, group := range k.FullHelp() {
		for _, b := range group {
			global[strings.Join(b.Keys(), ",")] = true
		}
	}
	resend := strings.Join(k.Resend.Keys(), ",")
	rank := func(b key.Binding) int {
		id := strings.Join(b.Keys(), ",")
		switch {
		case id == resend && m.focus == paneDirectives && m.overlay == overlayNone:
			return -2 // the directive pane's first work: before its own keys
		case !global[id]:
			return -1
		}
		for i, f := range first {
			if strings.Join(f.Keys(), ",") == id {
				return i
			}
		}
		return moving
	}
	out := make([]int, len(keys))
	for i, b := range keys {
		out[i] = rank(b)
	}
	return out
}

// moving is the rank of the keys that move about (tab, j/k, h/l): the
// last to have room in the footer.
const moving = 1 << 10

// fitLine pads a styled status line to the width, or, should it be too
// wide, cuts its plain text: a line may never wrap.
func (m Model) fitLine(s string) string {
	if m.p.ofStyled(s) > m.width {
		return m.p.w.Fit(ansi.Strip(s), m.width, m.p.g.More)
	}
	return m.p.padStyled(s, m.width)
}

// shortHelp is the footer's keys: those of the open overlay, else of the
// focused pane; not d and R at a seat that issues no directives
// (seatKeys).
func (m Model) shortHelp() []key.Binding {
	if m.overlay != overlayNone {
		return m.seatKeys(m.overlays[m.overlay].ShortHelp())
	}
	return m.seatKeys(m.ring[m.focus].ShortHelp())
}
