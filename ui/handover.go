package ui

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// The handover (交接班) overlay: the sheet made from the records. Shown to
// the outgoing officer at the shift change (or on :handover) as a
// preview: enter hands over (the sheet is stored, an event). Then, or when
// a handover waits in the room, y is the incoming officer signing for it.
//
// A preview follows the record while it is on screen: when the feed brings
// an event of the room, or the clock turns a light (the world's, or one of
// the sheet's own incidents running out), it is made again, once for a
// burst (sheetSettle after the first), kept where it was scrolled to. And
// what enter files is what the officer read: the hand-over carries the
// digest of the sheet on screen (model.HandoverSheet.Digest), the store
// refuses it in the same write when the sheet made there says something
// else, and the console then shows the sheet as it is now, to read again.

// handoverPane shows one handover's sheet.
type handoverPane struct {
	c    *common
	h    model.Handover
	note string // the note the preview was made with
	// opens is when a preview made early in the shift may be handed over
	// (an hour before its end); zero when it may be now. ends is the end of
	// the shift a preview hands over (zero: not known).
	opens, ends   time.Time
	offset        int
	width, height int
	keys          handoverKeys
	follow        sheetFollow
}

// sheetFollow is how a preview keeps up with the record: live while the
// pane holds a preview that follows it; gen names that preview (a new one
// drops what was asked for the old); armed while the settling wait runs,
// pending while the sheet is being made again, stale when the record
// moved meanwhile, missed when it moved while the pane was not on screen.
type sheetFollow struct {
	live, armed, pending, stale, missed bool
	gen                                 int
	made                                time.Time // when it was last asked to be made again
}

// sheetSettle is how long a preview waits after the first event of a
// burst before it is made again: the rest of the burst comes in the same
// read, and the sheet changes once. Under a steady feed it is made again
// at most every sheetEvery: each is the whole shift's log read again (over
// the local API when attached), and what enter files is the sheet read
// anyway (the digest).
const (
	sheetSettle = 250 * time.Millisecond
	sheetEvery  = 2 * time.Second
)

type handoverKeys struct{ give, sign key.Binding }

func newHandoverPane(c *common, lang string) *handoverPane {
	give, sign := sayIn(lang, "hand over", "交班"), sayIn(lang, "sign for it", "接班签收")
	return &handoverPane{c: c, keys: handoverKeys{
		give: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", give)),
		sign: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", sign)),
	}}
}

// Messages: the sheet to show, and what the pane asks of the root.
type (
	handoverMsg struct {
		h       model.Handover
		preview bool
		note    string
		opens   time.Time // a preview's: when it may be handed over
		ends    time.Time // a preview's: when the shift it hands over ends
		err     error
		// refresh: the preview gen made again as the record moved (kept
		// where it was scrolled to); give: the answer to enter.
		refresh bool
		gen     int
		give    bool
	}
	// sheetDueMsg: the settling wait of preview gen ran out.
	sheetDueMsg  struct{ gen int }
	handoversMsg struct {
		hs  []model.Handover
		err error
	}
	acceptedMsg struct {
		h   model.Handover
		err error
	}
	// giveHandoverMsg: store the previewed handover, if its sheet is
	// still the one read (seen, its digest).
	giveHandoverMsg struct {
		room model.NodeCode
		note string
		seen string
	}
	// signHandoverMsg: the incoming officer signs for handover h, at
	// their console or the outgoing officer's desk (Handover.SignsAt).
	signHandoverMsg struct{ h model.Handover }
	checkedInMsg    struct {
		room model.NodeCode
		err  error
	}
)

func (m handoverMsg) failed() error  { return m.err }
func (m handoversMsg) failed() error { return m.err }
func (m acceptedMsg) failed() error  { return m.err }
func (m checkedInMsg) failed() error { return m.err }

// previewHandover makes the sheet of room's shift change without storing
// it, with the change it is for read from the room's duty as it stands
// (not the console's copy, which a seat may not have read yet): when the
// shift ends and from when it may be handed over.
func previewHandover(svc model.Service, room model.NodeCode, note string, by model.PersonID) tea.Cmd {
	return func() tea.Msg { return makePreview(svc, room, note, by) }
}

// remakeHandover makes preview gen again, as the record stands now.
func remakeHandover(svc model.Service, room model.NodeCode, note string, by model.PersonID, gen int) tea.Cmd {
	return func() tea.Msg {
		msg := makePreview(svc, room, note, by)
		msg.refresh, msg.gen = true, gen
		return msg
	}
}

// makePreview is previewHandover's read.
func makePreview(svc model.Service, room model.NodeCode, note string, by model.PersonID) handoverMsg {
	ctx := context.Background()
	msg := handoverMsg{preview: true, note: note}
	if msg.h, msg.err = svc.Handover(ctx, room, note, by, true, ""); msg.err != nil {
		return msg
	}
	rds, err := svc.Duty(ctx, room, time.Time{})
	if err != nil {
		msg.err = err
		return msg
	}
	if len(rds) > 0 {
		msg.ends, msg.opens = rds[0].HandoverWindow()
	}
	return msg
}

// giveHandover hands over, if the sheet made now is the one read (seen).
func giveHandover(svc model.Service, room model.NodeCode, note string, by model.PersonID, seen string) tea.Cmd {
	return func() tea.Msg {
		h, err := svc.Handover(context.Background(), room, note, by, false, seen)
		return handoverMsg{h: h, note: note, err: err, give: true}
	}
}

func loadHandovers(svc model.Service, room model.NodeCode) tea.Cmd {
	return func() tea.Msg {
		hs, err := svc.Handovers(context.Background(), model.HandoverFilter{Room: room})
		return handoversMsg{hs: hs, err: err}
	}
}

func acceptHandover(svc model.Service, id string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		h, err := svc.AcceptHandover(context.Background(), id, "", by)
		return acceptedMsg{h: h, err: err}
	}
}

func checkIn(svc model.Service, room model.NodeCode, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		return checkedInMsg{room: room, err: svc.CheckIn(context.Background(), room, by)}
	}
}

func (hp *handoverPane) SetSize(w, h int) { hp.width, hp.height = w, max(h, 1) }

func (hp *handoverPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case handoverMsg:
		if msg.refresh {
			hp.h, hp.opens, hp.ends = msg.h, msg.opens, msg.ends
			hp.offset = scrolled(hp.offset, 0, len(hp.lines()), hp.height-2)
			break
		}
		hp.h, hp.note, hp.opens, hp.ends, hp.offset = msg.h, msg.note, msg.opens, msg.ends, 0
		hp.follow = sheetFollow{live: msg.preview, gen: hp.follow.gen + 1}
	case acceptedMsg:
		if msg.h.ID == hp.h.ID {
			hp.h = msg.h
		}
	case tea.KeyMsg:
		hp.offset = scrolled(hp.offset, hp.c.keys.step(msg), len(hp.lines()), hp.height-2)
	}
	return hp, nil
}

// early reports whether the sheet is a preview made before its shift may
// be handed over.
func (hp *handoverPane) early() bool {
	return !hp.h.Made() && hp.c.now.Before(hp.opens)
}

// asks: enter hands over a preview; y signs for a handover waiting.
func (hp *handoverPane) asks(msg tea.KeyMsg) tea.Msg {
	switch {
	case key.Matches(msg, hp.keys.give) && !hp.h.Made() && !hp.early():
		return giveHandoverMsg{room: hp.h.Room, note: hp.note, seen: hp.h.Sheet.Digest()}
	case key.Matches(msg, hp.keys.sign) && hp.h.Waiting():
		return signHandoverMsg{h: hp.h}
	}
	return nil
}

func (hp *handoverPane) Title() string {
	l := hp.c.p.lab
	t := "Handover"
	if l.Lang == "zh" {
		t = "交接班"
	}
	if hp.h.Made() {
		return t + " " + hp.h.ID
	}
	if l.Lang == "zh" {
		return t + "（预览）"
	}
	return t + " (preview)"
}

func (hp *handoverPane) ShortHelp() []key.Binding {
	k := hp.c.keys
	out := []key.Binding{k.Back, k.Down, k.Up}
	switch {
	case !hp.h.Made() && !hp.early():
		out = append(out, hp.keys.give)
	case hp.h.Waiting():
		out = append(out, hp.keys.sign)
	}
	return append(out, k.Help, k.Quit)
}

func (hp *handoverPane) FullHelp() [][]key.Binding {
	return append(without(hp.c.keys.FullHelp(), hp.keys.give), []key.Binding{hp.keys.give, hp.keys.sign})
}

func (hp *handoverPane) View() string {
	lines := hp.lines()
	if hp.offset < len(lines) {
		lines = lines[hp.offset:]
	}
	return hp.c.p.box(hp.Title(), "esc", lines, hp.width, hp.height, true)
}

// lines renders the sheet in the console's language, every line fitted.
func (hp *handoverPane) lines() []string {
	t := hp.sheetText()
	t.shift()
	t.note()
	t.openIncidents()
	t.supervisions()
	t.wartime()
	t.silences()
	t.duringShift()
	return t.out
}

// sheetText gathers the handover sheet's lines as the pane renders them:
// in the console's language, each fitted inside the box.
type sheetText struct {
	hp    *handoverPane
	p     *painter
	zh    bool
	inner int
	out   []string
}

func (hp *handoverPane) sheetText() *sheetText {
	p := &hp.c.p
	return &sheetText{hp: hp, p: p, zh: p.lab.Lang == "zh", inner: hp.width - 2}
}

// say picks the console's language.
func (t *sheetText) say(en, cn string) string {
	if t.zh {
		return cn
	}
	return en
}

// add appends a plain line, fitted.
func (t *sheetText) add(s string) {
	t.out = append(t.out, " "+t.p.w.Fit(s, t.inner-1, t.p.g.More))
}

// section starts a part of the sheet: a blank line, then its heading.
func (t *sheetText) section(s string) {
	t.out = append(t.out, "")
	t.head(s)
}

func (t *sheetText) head(s string) {
	t.out = append(t.out, " "+t.p.st.PaneTitle.Render(t.p.w.Fit(s, t.inner-1, t.p.g.More)))
}

func (t *sheetText) clock(at time.Time) string { return at.In(t.hp.c.loc).Format("01-02 15:04") }

// shift is who hands over to whom, the shift's hours, and where the
// handing over stands.
func (t *sheetText) shift() {
	p, h, s := t.p, t.hp.h, t.hp.h.Sheet
	t.add(fmt.Sprintf("%s  %s %s %s", model.RoomName(s.Room, s.RoomName, t.zh), h.OutgoingName, p.g.Arrow, h.InName))
	if h.Made() || t.hp.ends.IsZero() {
		t.add(fmt.Sprintf("%s %s %s %s", t.say("shift", "班次"), t.clock(s.From), p.g.Arrow, t.clock(s.To)))
	} else { // a preview: the shift's own end, and how far the sheet goes (below where the line is short)
		span := fmt.Sprintf("%s %s %s %s", t.say("shift", "班次"), t.clock(s.From), p.g.Arrow, t.clock(t.hp.ends))
		asOf := t.say("as of ", "截至 ") + s.To.In(t.hp.c.loc).Format("15:04")
		if p.w.Of(span+"  "+asOf) <= t.inner-1 {
			t.add(span + "  " + asOf)
		} else {
			t.add(span)
			t.add("  " + asOf)
		}
	}
	switch {
	case !h.AcceptedAt.IsZero():
		t.add(fmt.Sprintf(t.say("signed for by %s at %s", "%s 已于 %s 签收"), h.InName, t.clock(h.AcceptedAt)))
	case h.Made():
		t.out = append(t.out, " "+p.st.StatusError.Render(p.w.Fit(fmt.Sprintf(t.say("waiting for %s to sign for it: y", "等待 %s 签收：按 y"), h.InName), t.inner-1, p.g.More)))
	case t.hp.early():
		t.add(fmt.Sprintf(t.say("preview: hand over from %s", "预览：%s 起方可交班"), t.clock(t.hp.opens)))
	default:
		for _, l := range wordWrap(t.p.w, t.say("not handed over yet: enter hands over (the sheet is recorded)", "尚未交班：按 enter 交班（交班单将存档）"), t.inner-1) {
			t.add(l) // whole at 80 columns too: it says what enter does
		}
	}
}

// note is the outgoing officer's own words, which come first.
func (t *sheetText) note() {
	s := t.hp.h.Sheet
	if s.Note == "" {
		return
	}
	t.section(t.say("Note", "交班说明"))
	for _, para := range strings.Split(s.Note, "\n") {
		for _, l := range wordWrap(t.p.w, para, t.inner-2) {
			t.add(l)
		}
	}
}

// openIncidents counts the open incidents by tier and lists them, red
// ones marked, the status and the place padded to the widest of them
// across the tiers (display width: a Han character takes two columns).
func (t *sheetText) openIncidents() {
	p, s := t.p, t.hp.h.Sheet
	open, red := s.Counts()
	t.section(fmt.Sprintf(t.say("Open incidents %d, red %d", "在办事件 %d，超时 %d"), open, red))
	statusW, nodeW := 0, 0
	for _, tier := range s.Open {
		for _, i := range tier.Incidents {
			statusW, nodeW = max(statusW, p.w.Of(p.lab.Status[i.Status])), max(nodeW, p.w.Of(i.NodeName))
		}
	}
	for _, tier := range s.Open {
		if tier.Open == 0 {
			continue
		}
		t.add(fmt.Sprintf("%s %d  %s %d", p.lab.Tier[tier.Tier], tier.Open, t.say("red", "超时"), tier.Red))
		for _, i := range tier.Incidents {
			mark := " "
			if i.Red {
				mark = "!"
			}
			t.add(fmt.Sprintf(" %s %-3s %s %s %s %s", mark, i.Severity, shortID(i.ID), p.w.Fit(p.lab.Status[i.Status], statusW, ""),
				p.w.Fit(i.NodeName, nodeW, ""), i.Title))
		}
		if n := tier.Open - len(tier.Incidents); n > 0 {
			t.add(fmt.Sprintf(t.say("   ... and %d more", "   ……另 %d 件"), n))
		}
	}
}

func (t *sheetText) supervisions() {
	s := t.hp.h.Sheet
	t.section(fmt.Sprintf(t.say("Supervisions during the shift %d", "本班督办 %d"), len(s.Supervisions)))
	for _, e := range s.Supervisions {
		t.add(fmt.Sprintf("%s %s %s", e.At.In(t.hp.c.loc).Format("15:04"), shortID(e.Incident), e.NodeName))
	}
}

// wartime is the activation, if any, and the directives' standing.
func (t *sheetText) wartime() {
	s := t.hp.h.Sheet
	if wt := s.Wartime; wt != nil {
		t.section(fmt.Sprintf("%s %s %s %s", t.say("Wartime", "战时"), wt.ID, t.hp.c.wl.Reason[wt.Reason], t.clock(wt.Since)))
		t.add(fmt.Sprintf(t.say("micro-grids %d, staffed %d, gaps %d", "微网格 %d，在岗 %d，缺员 %d"), wt.MicroGrids, wt.Staffed, wt.Gaps))
		if wt.Rooms != nil {
			t.add(t.say(wt.Rooms.Text()))
		}
	} else {
		t.section(t.say("Peacetime: no wartime activation", "平时：未启动战时"))
	}
	for _, d := range s.Directives {
		t.add(fmt.Sprintf(t.say("%s %s: signed %d/%d, done %d, silent %d", "%s %s：签收 %d/%d，完成 %d，未签收 %d"), d.ID, d.Text, d.Signed, d.Units, d.Done, d.Silent))
	}
}

func (t *sheetText) silences() {
	s := t.hp.h.Sheet
	t.section(fmt.Sprintf(t.say("Silences %d", "静默 %d"), len(s.Silences)))
	for _, x := range s.Silences {
		kind := t.say("gateway", "感知网关")
		switch x.Kind {
		case model.SilenceRoom:
			kind = t.say("village room", "村指挥室")
		case model.SilencePatrol:
			kind = t.say("patroller", "巡护员")
		}
		t.add(fmt.Sprintf(t.say("%s %s since %s  %s", "%s %s 自 %s 起  %s"), kind, x.Name, t.clock(x.Since), shortID(x.Incident)))
	}
}

// duringShift is the shift's events counted by action, then the notable
// ones in full.
func (t *sheetText) duringShift() {
	p, s := t.p, t.hp.h.Sheet
	t.section(t.say("During the shift", "本班动态"))
	for _, l := range wordWrap(p.w, changes(s.Changes, p.lab), t.inner-2) {
		t.add(l)
	}
	for _, e := range s.Notable {
		note := e.Note
		if t.zh && e.NoteZh != "" {
			note = e.NoteZh
		}
		line := e.At.In(t.hp.c.loc).Format("15:04") + " " + p.lab.Action[e.Action]
		if label := e.Label(note); label != "" {
			line += " " + shortID(label)
		}
		t.add(line + " " + note)
	}
}

// shortID drops the town prefix and the year of an incident id, as the
// queue does: HJ-20261129-0012 -> 1129-0012.
func shortID(id string) string {
	if len(id) > 8 && strings.Count(id, "-") == 2 {
		parts := strings.Split(id, "-")
		if len(parts[1]) == 8 {
			return parts[1][4:] + "-" + parts[2]
		}
	}
	return id
}

// changes counts the shift's events by action, in the console's words.
func changes(c map[model.Action]int, l Labels) string {
	var parts []string
	for _, a := range []model.Action{model.ActReport, model.ActAcknowledge, model.ActEscalate, model.ActSupervise, model.ActDispatch,
		model.ActResolve, model.ActClose, model.ActReopen, model.ActAlert, model.ActActivate, model.ActWiden, model.ActDeactivate, model.ActDirective,
		model.ActSign, model.ActProgress, model.ActShiftSwap, model.ActHandover, model.ActHandoverAccept, model.ActCheckIn} {
		if n := c[a]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", l.Action[a], n))
		}
	}
	if len(parts) == 0 {
		if l.Lang == "zh" {
			return "无"
		}
		return "nothing"
	}
	return strings.Join(parts, "  ")
}

// onHandoverMsg routes the handover's messages (a refusal among them is
// flashed).
func (m Model) onHandoverMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ho, ok := msg.(handoverMsg); ok && (ho.refresh || ho.give) {
		return m.onSheetAnswer(ho)
	}
	if err := failedOf(msg); err != nil {
		return m.flashErr(err)
	}
	switch msg := msg.(type) {
	case sheetDueMsg:
		return m.remakeSheet(msg.gen)
	case handoverMsg:
		m.tell(m.handover, msg)
		m.overlay = overlayHandover
		if !msg.preview {
			mm, c := m.flashInfo(fmt.Sprintf(m.say("%s: handed over to %s; waiting for them to sign for it", "%s：已交班给 %s，等待签收"), msg.h.ID, msg.h.InName))
			return mm, tea.Batch(c, loadDuty(m.svc, msg.h.Room, time.Time{}))
		}
		return m, nil
	case handoversMsg:
		if len(msg.hs) == 0 || !msg.hs[0].Waiting() {
			return m, nil
		}
		m.tell(m.handover, handoverMsg{h: msg.hs[0]})
		m.overlay = overlayHandover
		return m, nil
	case giveHandoverMsg:
		if err := m.mayAct(); err != nil {
			return m.flashNotFiled(err) // refused before it is sent, as every action
		}
		return m, giveHandover(m.svc, msg.room, msg.note, m.seat.Person.ID, msg.seen)
	case signHandoverMsg:
		if err := m.mayAct(); err != nil {
			return m.flashErr(err)
		}
		if err := msg.h.SignsAt(m.seat.Person); err != nil {
			return m.flashErr(err) // not in the incoming officer's name from another's console
		}
		return m, acceptHandover(m.svc, msg.h.ID, msg.h.Incoming)
	case acceptedMsg:
		m.tell(m.handover, msg)
		mm, c := m.flashInfo(fmt.Sprintf(m.say("%s signed for by %s: %s is off duty", "%s 已由 %s 签收：%s 下班"), msg.h.ID, msg.h.InName, msg.h.OutgoingName))
		return mm, tea.Batch(c, loadDuty(m.svc, msg.h.Room, time.Time{}))
	case checkedInMsg:
		return m.flashInfo(fmt.Sprintf(m.say("%s checked in", "%s 已报到"), cmp.Or(m.w.nameOf(msg.room), string(msg.room))))
	}
	return m, nil
}

// runHandover is :handover [note]: the waiting handover of the seat's room
// to sign for, else a preview of the sheet to give.
func (m Model) runHandover(args []string) (tea.Model, tea.Cmd) {
	if m.rp != nil {
		return m.flashErr(refusal(model.ECONFLICT, "a replay is read-only: esc back to the live console first", "回放为只读：请先按 esc 回到实时值守"))
	}
	room := m.dutyRoom()
	if room == "" {
		return m.flashErr(refusal(model.ECONFLICT, "no room to hand over", "没有可交接的值班室"))
	}
	if m.duty.Pending.Made() && len(args) == 0 {
		return m, loadHandovers(m.svc, room)
	}
	preview := previewHandover(m.svc, room, strings.Join(args, " "), m.seat.Person.ID)
	if len(args) == 0 {
		return m, preview
	}
	return m.hold(held{kind: heldLine, line: m.ranLine}, preview) // the note comes back on the line if the preview fails
}

// onSheetAnswer takes a preview made again, or the answer to enter. A
// preview made again replaces the one on screen where it was scrolled to;
// one asked for an older preview is dropped. A hand-over refused (the
// sheet changed since it was read, or anything else) says why and shows
// the sheet as it is now.
func (m Model) onSheetAnswer(msg handoverMsg) (tea.Model, tea.Cmd) {
	hp := m.handover
	if msg.give {
		if msg.err == nil {
			msg.give = false
			return m.onHandoverMsg(msg)
		}
		mm, c := m.flashNotFiled(msg.err)
		if !hp.follow.live || mm.rp != nil || model.ErrorCode(msg.err) == model.EUNAVAIL {
			return mm, c // no sheet to read again from a server that is gone
		}
		return mm, tea.Batch(c, previewHandover(mm.svc, hp.h.Room, hp.note, mm.seat.Person.ID))
	}
	if !hp.follow.live || msg.gen != hp.follow.gen {
		return m, nil
	}
	hp.follow.pending = false
	if msg.err != nil {
		hp.follow.live = false // the record moved past it (handed over from elsewhere, say): say why, follow no more
		return m.flashErr(msg.err)
	}
	m.tell(hp, msg)
	if hp.follow.stale {
		hp.follow.stale = false
		return m, m.followSheet()
	}
	return m, nil
}

// followSheet asks for the preview on screen to be made again, once the
// burst has settled; while it is not on screen it is only noted, and made
// again when it is back (sheetBack).
func (m Model) followSheet() tea.Cmd {
	f := &m.handover.follow
	switch {
	case !f.live || m.rp != nil || f.armed:
		return nil
	case m.overlay != overlayHandover:
		f.missed = true
		return nil
	case f.pending:
		f.stale = true
		return nil
	}
	f.armed = true
	gen := f.gen
	return after(sheetWait(m.opt.Now().Sub(f.made)), func(time.Time) tea.Msg { return sheetDueMsg{gen: gen} })
}

// sheetWait is how long a preview made again since ago waits before it is
// made again: the burst's settling, and no sooner than sheetEvery after
// the last.
func sheetWait(since time.Duration) time.Duration {
	if since >= 0 && since < sheetEvery {
		return max(sheetSettle, sheetEvery-since)
	}
	return sheetSettle
}

// sheetBack is the way back to a preview that missed a change while it
// was not on screen.
func (m Model) sheetBack() tea.Cmd {
	if m.overlay != overlayHandover || !m.handover.follow.missed {
		return nil
	}
	m.handover.follow.missed = false
	return m.followSheet()
}

// remakeSheet makes preview gen again, its settling wait over.
func (m Model) remakeSheet(gen int) (tea.Model, tea.Cmd) {
	hp := m.handover
	f := &hp.follow
	if !f.live || gen != f.gen || !f.armed {
		return m, nil
	}
	f.armed, f.pending, f.made = false, true, m.opt.Now()
	return m, remakeHandover(m.svc, hp.h.Room, hp.note, m.seat.Person.ID, gen)
}

// sheetMoved reports whether what the feed brought changes the preview on
// screen: an event in its room's scope (the town room's takes the events
// that name no node too), which the sheet counts if nothing else.
func (m Model) sheetMoved(evs []model.Event) bool {
	if !m.handover.follow.live {
		return false
	}
	room := m.handover.h.Room
	for _, e := range evs {
		if room.Contains(e.Node) || e.Node == "" && room.Level() == model.LevelTown {
			return true
		}
	}
	return false
}

// sheetDue reports whether the clock has turned one of the preview's
// incidents red since it was made (an incident that runs out marks the
// sheet red though no event says so).
func (hp *handoverPane) sheetDue(now time.Time) bool {
	if !hp.follow.live {
		return false
	}
	s := hp.h.Sheet
	for _, t := range s.Open {
		for _, i := range t.Incidents {
			if !i.Red && i.Remaining > 0 && !now.Before(s.To.Add(time.Duration(i.Remaining)*time.Second)) {
				return true
			}
		}
	}
	return false
}
