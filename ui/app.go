// Package ui is gridcmd's console: a bubbletea v1 program with live panes
// for the command chain, the grid tower, the incident queue and the event
// ticker. It speaks only model.Service; every action goes through the same
// store code as its command-line twin.
package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// Minimum terminal size.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Options configure the console.
type Options struct {
	Lang          string // zh or en
	Operator      model.PersonID
	AmbiguousWide bool
	ASCII         bool
	Location      *time.Location
	Now           func() time.Time // default svc.Now
	NoSweep       bool             // leave the clocks to another process
	// Reconnect: when the feed ends (the gridcmd this console is attached
	// to stopped), subscribe again until it is back, then reload.
	Reconnect bool
}

type paneID int

const (
	paneChain paneID = iota
	paneTower
	paneQueue
	paneEvents
	paneDirectives // wartime only
	paneCount
)

type overlayID int

const (
	overlayNone overlayID = iota
	overlayDetail
	overlayRoster
	overlayHelp
	overlayGaps
	overlayAfter
)

type flash struct {
	id   int
	text string
	err  bool
}

// Model is the root of the console.
type Model struct {
	svc model.Service
	sub model.Subscription
	// The feed ended and the console is subscribing again (Options.Reconnect);
	// retry is the wait before the next attempt. ownSub: sub is one the
	// console opened itself, to close (Close).
	feedDown bool
	retry    time.Duration
	ownSub   bool
	opt      Options
	keys     KeyMap
	fkeys    formKeys
	p        painter

	width, height int
	now           time.Time
	w             world
	ev            eventFigures
	loadErr       error

	chain  chainPane
	wtc    wtChainPane
	dir    directivePane
	gaps   gapsPane
	wt     wartime
	wtFig  wtFigures
	after  model.AfterAction
	wl     wtLabels
	tower  towerPane
	queue  queuePane
	ticker tickerPane
	detail detailPane
	roster rosterPane

	focus      paneID
	overlay    overlayID
	helpOffset int // the help scrolls on a small terminal

	form       form
	formActive bool
	confirm    string // a y/n question waiting for an answer
	onConfirm  func(Model) (Model, tea.Cmd)

	filterActive bool
	filterInput  textinput.Model
	cmdActive    bool
	cmdInput     textinput.Model

	flash   flash
	flashID int
}

// New builds the console on svc. sub is the store's event feed; the caller
// closes it after the program ends.
func New(svc model.Service, sub model.Subscription, opt Options) Model {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.Now == nil {
		opt.Now = svc.Now
	}
	g := unicodeGlyphs
	if opt.ASCII || opt.AmbiguousWide {
		g = asciiGlyphs
	}
	fi := textinput.New()
	fi.Cursor.SetMode(cursor.CursorStatic)
	fi.Prompt = "/"
	fi.CharLimit = 64
	ci := textinput.New()
	ci.Cursor.SetMode(cursor.CursorStatic)
	ci.Prompt = ":"
	ci.CharLimit = 32
	m := Model{
		svc: svc, sub: sub, opt: opt, keys: NewKeyMap(opt.Lang), fkeys: newFormKeys(),
		p:     painter{st: NewStyles(DefaultTheme()), g: g, w: Width{AmbiguousWide: opt.AmbiguousWide}, lab: labels(opt.Lang)},
		now:   opt.Now(),
		tower: newTowerPane(), queue: newQueuePane(),
		focus:       paneQueue,
		filterInput: fi, cmdInput: ci,
	}
	m.ticker.loc, m.detail.loc, m.dir.loc = opt.Location, opt.Location, opt.Location
	m.wl = wartimeLabels(opt.Lang)
	return m
}

// Init loads the snapshot, starts the feed, the clock and the sweeper.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{loadSnapshot(m.svc), loadWartime(m.svc), tick(m.now)}
	if m.sub != nil {
		cmds = append(cmds, waitEvents(m.sub, m.svc))
	}
	if !m.opt.NoSweep {
		cmds = append(cmds, sweep(m.svc))
	}
	return tea.Batch(cmds...)
}

// layout is the only place that does size arithmetic.
func (m *Model) layout() {
	body := m.height - 2
	leftW := min(max(m.width*32/100, 34), 46)
	rightW := m.width - leftW
	m.chain.SetSize(leftW, chainHeight)
	m.wtc.SetSize(leftW, chainHeight)
	m.tower.SetSize(leftW, body-chainHeight-3)
	if m.wt.active() {
		// Wartime: the queue, the live directive, the ticker.
		queueH := body * 7 / 20
		dirH := body * 2 / 5
		m.queue.SetSize(rightW, queueH-3)
		m.dir.SetSize(rightW, dirH-3)
		m.ticker.SetSize(rightW, body-queueH-dirH-2)
	} else {
		queueH := body * 3 / 5
		m.queue.SetSize(rightW, queueH-3)
		m.ticker.SetSize(rightW, body-queueH-2)
	}
	m.gaps.SetSize(rightW, body-4)
	// The inputs on the status line scroll within the width they have.
	m.filterInput.Width = max(m.width-30, 8)
	m.cmdInput.Width = max(m.width-30, 8)
	m.detail.SetSize(rightW, body-2)
	m.roster.SetSize(rightW, body-3)
}

func (m Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// Update routes: window size, then data, then keys (an active input first,
// then global keys, then the focused pane).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case snapshotMsg:
		if msg.err != nil {
			m.loadErr = msg.err
			return m, nil
		}
		m.loadErr = nil
		m.w = newWorld(msg.snap)
		m.w.rollUp(m.now)
		m.tower.flatten(&m.w)
		m.queue.rebuild(&m.w)
		m.ev = m.w.computeEventFigures(m.now, m.opt.Location)
		m.wtFig = computeWartimeFigures(&m.w, m.wt)
		return m, nil
	case eventsMsg:
		return m.onEvents(msg)
	case resubscribeMsg:
		return m, resubscribe(m.svc)
	case resubscribedMsg:
		return m.onResubscribed(msg)
	case wartimeMsg, activatedMsg, deactivatedMsg, directiveIssuedMsg, resentMsg, draftedMsg, afterActionMsg:
		return m.onWartimeMsg(msg)
	case tickMsg:
		m.now = m.opt.Now()
		if m.w.loaded {
			if m.w.lightsDue(m.now) {
				m.w.rollUp(m.now)
			}
			m.ev = m.w.computeEventFigures(m.now, m.opt.Location)
		}
		cmds := []tea.Cmd{tick(m.now)}
		if !m.opt.NoSweep {
			cmds = append(cmds, sweep(m.svc))
		}
		return m, tea.Batch(cmds...)
	case sweptMsg:
		if msg.err != nil {
			return m.flashErr(msg.err)
		}
		return m, nil
	case actionDoneMsg:
		if msg.err != nil {
			return m.flashErr(msg.err)
		}
		m.w.change([]model.Incident{msg.inc}, m.now)
		m.queue.update(&m.w, []model.Incident{msg.inc})
		return m.flashInfo(fmt.Sprintf(m.say("%s %s: %s %s", "%s 已%s，现为%s「%s」"), msg.inc.ID, m.p.lab.Action[msg.act],
			m.p.lab.Tier[msg.inc.Tier], m.p.lab.Status[msg.inc.Status]))
	case reportedMsg:
		if msg.err != nil {
			return m.flashErr(msg.err)
		}
		m.w.change([]model.Incident{msg.inc}, m.now)
		m.queue.update(&m.w, []model.Incident{msg.inc})
		return m.flashInfo(fmt.Sprintf(m.say("%s %s: %s", "%s 已%s：%s"), msg.inc.ID, m.p.lab.Action[model.ActReport], msg.inc.Title))
	case timelineMsg:
		if msg.id == m.detail.id && msg.err == nil {
			m.detail.timeline = msg.events
		}
		return m, nil
	case flashExpiredMsg:
		if msg.id == m.flash.id {
			m.flash = flash{}
		}
		return m, nil
	case tea.KeyMsg:
		return m.onKey(msg)
	}
	return m, nil
}

func (m Model) onEvents(msg eventsMsg) (tea.Model, tea.Cmd) {
	if msg.closed {
		// The feed ended (a server this console was attached to stopped):
		// say so, rather than look live and show stale figures, and, when
		// attached, look for the server again.
		m.flashID++
		m.feedDown = true
		if !m.opt.Reconnect {
			m.flash = flash{id: m.flashID, err: true, text: m.say(
				"live feed lost: the figures on screen are no longer updated; restart gridcmd",
				"实时数据已中断：屏幕上的数字不再更新，请重启 gridcmd")}
			return m, nil
		}
		m.flash = flash{id: m.flashID, err: true, text: m.say(
			"live feed lost: the figures on screen are not updated; reconnecting...",
			"实时数据已中断：屏幕上的数字暂不更新，正在重新连接")}
		m.retry = firstRetry
		return m, resubscribeAfter(m.retry)
	}
	next := waitEvents(m.sub, m.svc)
	if msg.err != nil {
		mm, c := m.flashErr(msg.err)
		return mm, tea.Batch(c, next)
	}
	reload, wt := msg.lost, msg.lost
	for _, e := range msg.events {
		switch e.Action {
		case model.ActImport, model.ActActivate, model.ActDeactivate, model.ActDraft:
			// The roster changed (imports, and wartime's on-duty flags).
			reload = true
		}
		if isWartimeEvent(e) {
			wt = true
		}
	}
	if reload {
		return m, tea.Batch(loadSnapshot(m.svc), loadWartime(m.svc), next)
	}
	m.w.apply(msg.events, msg.changed, m.now)
	m.queue.update(&m.w, msg.changed)
	m.ev = m.w.computeEventFigures(m.now, m.opt.Location)
	m.wtFig = computeWartimeFigures(&m.w, m.wt)
	cmds := []tea.Cmd{next}
	if wt {
		cmds = append(cmds, loadWartime(m.svc))
	}
	if m.overlay == overlayDetail {
		for _, inc := range msg.changed {
			if inc.ID == m.detail.id {
				cmds = append(cmds, loadTimeline(m.svc, inc.ID))
			}
		}
	}
	return m, tea.Batch(cmds...)
}

func (m Model) flashInfo(s string) (Model, tea.Cmd) {
	m.flashID++
	m.flash = flash{id: m.flashID, text: s}
	return m, expireFlash(m.flashID, 5*time.Second)
}

func (m Model) flashErr(err error) (Model, tea.Cmd) {
	m.flashID++
	m.flash = flash{id: m.flashID, text: m.errText(err), err: true}
	return m, expireFlash(m.flashID, 8*time.Second)
}

// Reconnecting: the first wait and the longest.
const (
	firstRetry = time.Second
	maxRetry   = 10 * time.Second
)

// onResubscribed takes a new feed, or waits longer for the next attempt.
func (m Model) onResubscribed(msg resubscribedMsg) (tea.Model, tea.Cmd) {
	if msg.sub == nil {
		m.retry = min(2*m.retry, maxRetry)
		return m, resubscribeAfter(m.retry)
	}
	if m.ownSub && m.sub != nil {
		m.sub.Close()
	}
	m.sub, m.ownSub, m.feedDown = msg.sub, true, false
	// Whatever happened meanwhile is in the snapshot.
	mm, c := m.flashInfo(m.say("live feed back", "实时数据已恢复"))
	return mm, tea.Batch(c, loadSnapshot(m.svc), loadWartime(m.svc), waitEvents(m.sub, m.svc))
}

// Close closes the feed the console opened itself after the one it was
// given ended; the caller closes the one it gave.
func (m Model) Close() {
	if m.ownSub && m.sub != nil {
		m.sub.Close()
	}
}

// selectedIncident is the incident actions apply to: the one open in the
// detail view, else the one under the queue's cursor.
func (m Model) selectedIncident() (model.Incident, bool) {
	if m.overlay == overlayDetail {
		inc, ok := m.w.get(m.detail.seq)
		return inc, ok
	}
	seq, ok := m.queue.selected()
	if !ok {
		return model.Incident{}, false
	}
	inc, ok := m.w.get(seq)
	return inc, ok
}

func (m Model) onKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	// bubbletea v1 delivers runes that arrive together (fast typing, a
	// script) as one message: ":gaps" rather than ":" then "gaps". Outside a
	// text input every rune is a key of its own, so take them one by one;
	// the first may open an input that takes the rest.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.inputActive() {
		var cmds []tea.Cmd
		var next tea.Model = m
		for _, r := range msg.Runes {
			var c tea.Cmd
			next, c = next.(Model).onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
			cmds = append(cmds, c)
		}
		return next, tea.Batch(cmds...)
	}
	if msg.String() == "ctrl+c" {
		if m.formActive && m.form.dirty() && m.confirm == "" {
			return m.ask(m.say("discard the half-filled form and quit? y/n", "表单尚未提交，放弃并退出？y/n"),
				func(m Model) (Model, tea.Cmd) { return m, tea.Quit })
		}
		return m, tea.Quit
	}
	if m.confirm != "" {
		return m.onConfirmKey(msg)
	}
	if m.tooSmall() {
		if key.Matches(msg, m.keys.Quit) {
			return m, tea.Quit
		}
		return m, nil
	}
	switch {
	case m.formActive:
		return m.onFormKey(msg)
	case m.filterActive:
		return m.onFilterKey(msg)
	case m.cmdActive:
		return m.onCmdKey(msg)
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		if m.overlay == overlayHelp {
			m.overlay = overlayNone
		} else {
			m.overlay, m.helpOffset = overlayHelp, 0
		}
		return m, nil
	case key.Matches(msg, k.Command):
		m.cmdActive = true
		m.cmdInput.SetValue("")
		return m, m.cmdInput.Focus()
	case key.Matches(msg, k.Filter):
		m.overlay = overlayNone
		m.focus = paneQueue
		m.filterActive = true
		m.filterInput.SetValue(m.queue.filter)
		m.filterInput.CursorEnd()
		return m, m.filterInput.Focus()
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		d := 1
		if key.Matches(msg, k.PrevPane) {
			d = int(paneCount) - 1
		}
		m.overlay = overlayNone
		m.focus = (m.focus + paneID(d)) % paneCount
		if m.focus == paneDirectives && !m.wt.active() {
			m.focus = (m.focus + paneID(d)) % paneCount
		}
		return m, nil
	case key.Matches(msg, k.Back):
		return m.back(), nil
	case key.Matches(msg, k.New):
		return m.openReportForm()
	case key.Matches(msg, k.Wartime):
		return m.onWartimeKey()
	case key.Matches(msg, k.Directive):
		return m.openDirectiveForm()
	case key.Matches(msg, k.Resend):
		return m.onResendKey()
	case key.Matches(msg, k.Ack), key.Matches(msg, k.Escalate), key.Matches(msg, k.EscalateTo),
		key.Matches(msg, k.Dispatch), key.Matches(msg, k.Resolve), key.Matches(msg, k.Reopen), key.Matches(msg, k.Close):
		// Only on an incident the operator can see: the queue's or the
		// detail view's, never one hidden behind another overlay.
		if m.overlay != overlayNone && m.overlay != overlayDetail {
			return m.flashErr(model.Errorf(model.ECONFLICT, "%s", m.say(
				"esc back to the incidents first", "请先按 esc 回到事件列表")))
		}
		return m.onActionKey(msg)
	}
	return m.onMoveKey(msg)
}

// inputActive reports whether typed text goes to an input (a form, the
// filter or the command line) rather than to the keys.
func (m Model) inputActive() bool { return m.formActive || m.filterActive || m.cmdActive }

// back closes the overlay, else clears the queue's filter, else its scope.
func (m Model) back() Model {
	switch {
	case m.overlay != overlayNone:
		m.overlay = overlayNone
	case m.queue.filter != "":
		m.queue.filter = ""
		m.queue.rebuild(&m.w)
	case m.queue.scope != "":
		m.queue.scope = ""
		m.queue.rebuild(&m.w)
	}
	return m
}

// errText is a refusal in the console's language: in Chinese where the
// error says it in Chinese.
func (m Model) errText(err error) string {
	if m.p.lab.Lang == "zh" {
		return model.ErrorMessageZh(err)
	}
	return model.ErrorMessage(err)
}

func (m Model) say(en, zh string) string {
	if m.p.lab.Lang == "zh" {
		return zh
	}
	return en
}

// ask puts a y/n question on the status line, in answer to a key. It never
// replaces a question already waiting.
func (m Model) ask(q string, yes func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	if m.confirm != "" {
		return m, nil
	}
	m.confirm, m.onConfirm = q, yes
	return m, nil
}

// askLater asks a question that comes back from the store after a while (a
// directive's dry run). By then the operator may have opened a form or
// another prompt; the question would take the keys meant for them (a "y"
// typed into a field must not send anything), so it is not asked.
func (m Model) askLater(q string, yes func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	if m.confirm != "" || m.inputActive() {
		return m.flashErr(model.Errorf(model.ECONFLICT, "%s", m.say(
			"not asked: another prompt is open; finish it and try again",
			"另有提示或表单未完成，请完成后再试")))
	}
	m.confirm, m.onConfirm = q, yes
	return m, nil
}

func (m Model) onConfirmKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch strings.ToLower(msg.String()) {
	case "y", "enter":
		f := m.onConfirm
		m.confirm, m.onConfirm = "", nil
		return f(m)
	case "n", "esc":
		m.confirm, m.onConfirm = "", nil
	}
	return m, nil
}

func (m Model) onMoveKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	step := 0
	switch {
	case key.Matches(msg, k.Down):
		step = 1
	case key.Matches(msg, k.Up):
		step = -1
	case key.Matches(msg, k.PageDown):
		step = 10
	case key.Matches(msg, k.PageUp):
		step = -10
	case key.Matches(msg, k.Top):
		step = -1 << 30
	case key.Matches(msg, k.Bottom):
		step = 1 << 30
	}
	switch m.overlay {
	case overlayDetail:
		m.detail.scroll(step, len(m.detail.lines(m.p, &m.w, m.now)))
		return m, nil
	case overlayRoster:
		m.roster.scroll(step)
		return m, nil
	case overlayHelp:
		total := len(m.helpLines(m.queue.width - 2))
		m.helpOffset = max(min(m.helpOffset+step, total-(m.height-4)), 0)
		return m, nil
	case overlayAfter:
		return m, nil
	case overlayGaps:
		rows := gapRows(&m.w, m.wt)
		if key.Matches(msg, k.Open) {
			return m.draftSelected(rows)
		}
		m.gaps.move(step, len(rows))
		return m, nil
	}
	switch m.focus {
	case paneQueue:
		if key.Matches(msg, k.Open) {
			return m.openDetail()
		}
		m.queue.move(step)
	case paneTower:
		switch {
		case key.Matches(msg, k.Open):
			c := m.tower.selected()
			m.tower.setOpen(&m.w, !m.tower.expanded[c])
		case key.Matches(msg, k.Expand):
			m.tower.setOpen(&m.w, true)
		case key.Matches(msg, k.Collapse):
			m.tower.setOpen(&m.w, false)
		default:
			m.tower.move(step)
		}
		if sel := m.tower.selected(); sel != m.queue.scope {
			m.queue.scope = sel
			m.queue.rebuild(&m.w)
		}
	case paneEvents:
		m.ticker.move(step, len(m.w.events))
	case paneDirectives:
		switch msg.String() {
		case "]", "right", "l":
			m.wt.selected = max(min(m.wt.selected+1, len(m.wt.directives)-1), 0)
			m.dir.offset = 0
		case "[", "left", "h":
			m.wt.selected = max(m.wt.selected-1, 0)
			m.dir.offset = 0
		default:
			if cur, ok := m.wt.current(); ok {
				m.dir.scroll(step, len(cur.sum.Villages)+1)
			}
		}
	}
	return m, nil
}

func (m Model) openDetail() (tea.Model, tea.Cmd) {
	inc, ok := m.selectedIncident()
	if !ok {
		return m, nil
	}
	m.detail.seq, m.detail.id, m.detail.timeline, m.detail.offset = inc.Seq, inc.ID, nil, 0
	m.overlay = overlayDetail
	return m, loadTimeline(m.svc, inc.ID)
}

func (m Model) openRoster() Model {
	m.roster.load(&m.w, m.tower.selected())
	m.overlay = overlayRoster
	return m
}

func (m Model) onFilterKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "enter":
		m.filterActive = false
		m.filterInput.Blur()
		return m, nil
	case "esc":
		m.filterActive = false
		m.filterInput.Blur()
		m.queue.filter = ""
		m.queue.rebuild(&m.w)
		return m, nil
	}
	var cmd tea.Cmd
	m.filterInput, cmd = m.filterInput.Update(msg)
	if v := m.filterInput.Value(); v != m.queue.filter {
		m.queue.filter = v
		m.queue.cursor = 0
		m.queue.rebuild(&m.w)
	}
	return m, cmd
}

// commands are the ':' line's words (k9s style).
var commands = []string{"after", "chain", "directives", "events", "gaps", "help", "incidents", "q", "quit", "roster", "tower"}

func completeCommand(prefix string) string {
	for _, c := range commands {
		if strings.HasPrefix(c, prefix) {
			return c
		}
	}
	return prefix
}

func (m Model) onCmdKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch msg.String() {
	case "esc":
		m.cmdActive = false
		m.cmdInput.Blur()
		return m, nil
	case "tab":
		m.cmdInput.SetValue(completeCommand(strings.TrimSpace(m.cmdInput.Value())))
		m.cmdInput.CursorEnd()
		return m, nil
	case "enter":
		m.cmdActive = false
		m.cmdInput.Blur()
		return m.runCommand(strings.TrimSpace(m.cmdInput.Value()))
	}
	var cmd tea.Cmd
	m.cmdInput, cmd = m.cmdInput.Update(msg)
	return m, cmd
}

func (m Model) runCommand(c string) (tea.Model, tea.Cmd) {
	switch c {
	case "":
		return m, nil
	case "q", "quit":
		return m, tea.Quit
	case "incidents":
		m.overlay, m.focus = overlayNone, paneQueue
	case "tower":
		m.overlay, m.focus = overlayNone, paneTower
	case "chain":
		m.overlay, m.focus = overlayNone, paneChain
	case "events":
		m.overlay, m.focus = overlayNone, paneEvents
	case "roster":
		return m.openRoster(), nil
	case "gaps":
		if !m.wt.active() {
			return m.flashErr(model.Errorf(model.ECONFLICT, "%s", m.say("no wartime is active: gaps are a wartime list", "当前没有战时状态：缺员清单只在战时列出")))
		}
		m.overlay, m.gaps.cursor, m.gaps.offset = overlayGaps, 0, 0
	case "after":
		return m, loadAfterAction(m.svc)
	case "directives":
		if !m.wt.active() {
			return m.flashErr(model.Errorf(model.ECONFLICT, "%s", m.say("no wartime is active", "当前没有战时状态")))
		}
		m.overlay, m.focus = overlayNone, paneDirectives
	case "help":
		m.overlay = overlayHelp
	default:
		return m.flashErr(model.Errorf(model.EINVALID, "%s", m.say(
			"unknown command :"+c+" (try :incidents :tower :roster :chain :events :gaps :directives :after :help :q)",
			"未知命令 :"+c+"（可用 :incidents :tower :roster :chain :events :gaps :directives :after :help :q）")))
	}
	return m, nil
}

// sortedCategories lists the policy's categories in a stable order.
func sortedCategories(p model.Policy) []string {
	out := make([]string, 0, len(p.Categories))
	for c := range p.Categories {
		out = append(out, string(c))
	}
	sort.Strings(out)
	return out
}
