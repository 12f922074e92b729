// Package ui is gridcmd's console: a bubbletea v1 program with live panes
// for the command chain, the grid tower, the incident queue and the event
// ticker. It speaks only model.Service; every action goes through the same
// store code as its command-line twin.
package ui

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"gridcmd/model"
)

// Minimum terminal size.
const (
	MinWidth  = 80
	MinHeight = 24
)

// Options configure the console: the local one, or one seat of it. Lang,
// AmbiguousWide and ASCII are the seat's language and width settings.
type Options struct {
	Lang          string // zh or en
	AmbiguousWide bool   // East Asian ambiguous characters are two columns (and the borders ASCII)
	ASCII         bool   // ASCII borders and markers only
	Location      *time.Location
	Now           func() time.Time // default svc.Now
	NoSweep       bool             // leave the clocks to another process
	// Reconnect: when the feed ends (the gridcmd this console is attached
	// to stopped), subscribe again until it is back, then reload.
	Reconnect bool
	// TakeFile, for an attached console (Reconnect), takes the database
	// itself once the server it was attached to is gone, as a console
	// opened on a free file does (the file's lock, the clocks, the local
	// API), or says why not; :take asks the officer first (cut.go). The
	// console then quits with TookFile true. nil: it cannot.
	TakeFile func() error
	// Carried is the work a console that took the file (:take) had not
	// filed (Model.Carry): this console gives it back as its own failed
	// work, once its snapshot is in.
	Carried Carry
	// Notice is said once, as the console's first flash, once its
	// snapshot is in (in the seat's language): what happened before it
	// opened that the officer should know.
	Notice string
	// Renderer is the terminal the styles are built for: a seat's own;
	// nil for lipgloss.DefaultRenderer(), the terminal gridcmd runs in.
	Renderer *lipgloss.Renderer
	// Seat is where the console sits (model.SeatOf, model.NoSeat): who
	// acts, the room's node (the console shows its subtree and nothing
	// above it; "" for the whole file), the town "the town" means there,
	// and why it may not act when it is read-only.
	Seat model.Seat
	// HoldsFile: this console holds the database (the other commands go
	// through its local API), so q asks before it lets go.
	HoldsFile bool
	// Attached, with HoldsFile, counts the consoles attached to this one
	// through its local API (its event stream's followers): q says they
	// lose their live link. nil: not known.
	Attached func() int
	// SSH: the console is a seat served over SSH (package seat), run by the
	// gridcmd that holds the file, for a terminal elsewhere: :take means
	// nothing there, and is neither offered nor done.
	SSH bool
	// Seats, with HoldsFile, counts the SSH seats this console serves
	// (ssh.enabled): q says they close with it. nil: it serves none.
	Seats func() int
	// Bell rings the terminal once for a severity I report or an incident
	// turning red (config ui.bell), on BellTo (nil: standard output).
	Bell   bool
	BellTo io.Writer
	// Replay starts the console replaying the event log, read only
	// (gridcmd replay); leaving the replay quits.
	Replay *ReplayOptions
	// Tick is the step of the console's clock: the header's clock and the
	// countdowns are redrawn every Tick (default a second; from a minute
	// on the clock shows no seconds, and the countdowns and waits are
	// shown in whole steps, "<1m" under one: wait.go). Everything the feed
	// brings shows at once whatever the step. TickOffset shifts the steps,
	// so that many seats do not all redraw at the same instant.
	Tick       time.Duration
	TickOffset time.Duration
	// FedLinks, when federation is on (issue 16), returns the federation's
	// links as they stand: on a town, its uplink (Role "town"); on the
	// county's hub, one per town (Role "hub"), each with its Town set. The
	// console calls it once the snapshot is in and then on every tick, in
	// a command of its own (never while drawing), one call at a time, so it
	// may ask the transport and take a moment; it must not block for long,
	// since the next call waits for it. The town room's header then shows
	// the uplink (上联 正常, 上联中断 12m，待同步 3,412 条) and a room above
	// the towns' towns table each town's events behind and the age of its
	// newest event, a cut link marked. nil: federation off, nothing shown.
	FedLinks func() []model.FedLink
}

// Notice is a message from what runs the console (a seat's server) for
// the status line, shown for For: an idle seat's warning before it closes.
type Notice struct {
	Text string
	For  time.Duration
}

type flash struct {
	id   int
	text string
	err  bool
	// keep: a refusal that says the record may not be as it was (the
	// server did not answer, the call may have been done): a form opened
	// next is said over, since it may be the retry.
	keep bool
}

// Model is the root of the console. It holds the panes, in a focus ring
// and as the overlays of the right-hand column, and routes to them: sizes
// (layout), keys (an active input first, then the global keys, then the
// focused pane or the open overlay) and data (to the pane that owns it,
// whatever has focus). What the panes read is in common, which only the
// root writes.
type Model struct {
	*common
	svc model.Service
	sub model.Subscription
	// reach: the activations' and directives' reach read so far, for the
	// feed and the snapshot (reachCache); the console's copies share it.
	reach *reachCache
	// The feed ended and the console is subscribing again (Options.Reconnect);
	// retry is the wait before the next attempt. ownSub: sub is one the
	// console opened itself, to close (Close).
	feedDown bool
	retry    time.Duration
	ownSub   bool
	took     bool // :take holds the file here: the console quit for that (cut.go)
	opt      Options
	r        *lipgloss.Renderer
	fkeys    formKeys
	lkeys    lineKeys
	cmds     commandTable

	width, height int
	rightW, bodyH int // the right-hand column, where the overlays and forms go
	statusH       int // the status line's lines when layout ran (statusLines)
	loadErr       error
	// heard: the feed's batches that came before the first snapshot, kept
	// to be applied on it (their commits may have come after its reads).
	heard []eventsMsg

	// The store's figures for the header (header.go), read again when an
	// event may have changed them or the clock moved one out of its window;
	// figPending while a read is on its way, figStale if the record changed
	// meanwhile.
	fig                  model.Figures
	figPending, figStale bool
	// fedPending: a call of Options.FedLinks is on its way (federation.go).
	fedPending bool

	ring     [paneCount]pane    // the focus ring; ring[paneChain] is wtc in wartime
	overlays [overlayCount]pane // by overlayID; none at overlayNone
	// The same panes by name, for what the root asks of them.
	chain  *chainPane
	wtc    *wtChainPane
	tower  *towerPane
	queue  *queuePane
	ticker *tickerPane
	dir    *directivePane
	towns  *townsPane
	detail *detailPane
	roster *rosterPane
	help   *helpPane
	gaps   *gapsPane
	after  *afterPane
	points *pointsPane
	// The patrol flow's overlays (patrols.go, desk.go).
	patrols *patrolsPane
	desk    *deskPane

	handover *handoverPane
	// The seat room's duty (duty.go): who is on duty, and which sheet the
	// console has shown by itself at a shift change (once each).
	duty       model.RoomDuty
	dutyLoaded bool
	autoShown  string
	// roomsAsked is the moment of the schedule's change to the wartime
	// rooms' staffing the console has read the wartime again for (roomsDue).
	roomsAsked time.Time
	// A replay (replay.go): the one running, and the one asked for while
	// the log is read.
	rp               *replayState
	replayWant       *ReplayOptions
	replayStandalone bool

	form       form
	formActive bool
	q          question        // the status line's question (question.go)
	noteInput  textinput.Model // the note a question takes

	// The work behind the commands on their way, and the work whose send
	// failed while the officer was busy, to come back (held.go).
	held, waiting []held
	heldSeq       int
	taking        bool // :take answered yes: the file is being taken

	back []place // the way back (nav.go)

	filterActive bool
	filterFrom   place // where the operator was when / opened
	filterInput  textinput.Model
	cmdActive    bool
	cmdInput     textinput.Model
	cmdHistory   []string // the ':' lines run, oldest first
	cmdPos       int      // where up and down are in it; len(cmdHistory): the line being typed
	cmdNote      string   // what the line says above it until the next key: a send that failed, a limit hit
	cmdLost      int      // what the line's limit dropped, said until a key it takes whole
	ranLine      string   // the line enter ran last, as typed

	flash   flash
	flashID int

	split splitRune // a character bubbletea's reader cut in two (typed.go)

	// smallLost counts the keys not taken while the terminal was too
	// small (small.go): the screen says so, and the console once back.
	smallLost int
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
	r := opt.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	g := unicodeGlyphs
	if opt.ASCII || opt.AmbiguousWide {
		g = asciiGlyphs
	}
	c := &common{
		p:    painter{st: NewStyles(r, DefaultTheme()), g: g, w: Width{AmbiguousWide: opt.AmbiguousWide}, lab: labels(opt.Lang)},
		wl:   wartimeLabels(opt.Lang),
		keys: NewKeyMap(opt.Lang), loc: opt.Location, seat: opt.Seat, scope: opt.Seat.Scope(),
		now: opt.Now(), step: opt.Tick, focus: paneQueue,
	}
	m := Model{
		common: c, svc: svc, sub: sub, reach: newReachCache(), opt: opt, r: r, fkeys: newFormKeys(opt.Lang, g.LeftRight), lkeys: newLineKeys(), cmds: newCommands(),
		filterInput: newInput(r, "/", 64), cmdInput: newInput(r, ":", cmdLimit), noteInput: newInput(r, "", model.MaxNoteRunes),
		chain: newChainPane(c), wtc: newWtChainPane(c), tower: newTowerPane(c), queue: newQueuePane(c),
		ticker: newTickerPane(c), dir: newDirectivePane(c, opt.Lang), detail: newDetailPane(c), roster: newRosterPane(c),
		gaps: newGapsPane(c, opt.Lang), after: newAfterPane(c), handover: newHandoverPane(c, opt.Lang),
		points:  newPointsPane(c, opt.Lang),
		patrols: newPatrolsPane(c, opt.Lang), desk: newDeskPane(c, opt.Lang),
	}
	if opt.Replay != nil {
		m.replayWant, m.replayStandalone = opt.Replay, true
	}
	if opt.SSH {
		m.cmds = m.cmds.hide("take") // the gridcmd serving the seat holds the file (askTakeFile)
	}
	m.help = newHelpPane(c, m.cmds.list(), m.cmds.aliasList())
	m.towns = newTownsPane(c)
	m.ring = [paneCount]pane{paneChain: m.chain, paneTower: m.tower, paneQueue: m.queue, paneEvents: m.ticker, paneDirectives: m.dir, paneTowns: m.towns}
	if c.aboveTowns() {
		c.focus = paneTowns // a room's first pane
	}
	m.overlays = [overlayCount]pane{overlayDetail: m.detail, overlayRoster: m.roster, overlayHelp: m.help,
		overlayGaps: m.gaps, overlayAfter: m.after, overlayHandover: m.handover, overlayPatrols: m.patrols, overlayDesk: m.desk,
		overlayPoints: m.points}
	return m
}

// cmdLimit is how many characters the ':' line takes: its longest command,
// :handover with a note at its limit.
const cmdLimit = len("handover ") + model.MaxNoteRunes

// newInput is a one-line text input on the status line, drawn by r.
func newInput(r *lipgloss.Renderer, prompt string, limit int) textinput.Model {
	in := textinput.New()
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Prompt = prompt
	in.CharLimit = limit
	restyle(&in, r)
	return in
}

// restyle draws a text input with r rather than the global renderer.
func restyle(in *textinput.Model, r *lipgloss.Renderer) {
	in.PromptStyle, in.TextStyle = r.NewStyle(), r.NewStyle()
	in.PlaceholderStyle = r.NewStyle().Foreground(lipgloss.Color("240"))
	in.CompletionStyle = r.NewStyle().Foreground(lipgloss.Color("240"))
	in.Cursor.Style, in.Cursor.TextStyle = r.NewStyle(), r.NewStyle()
}

// Init loads the snapshot, starts the feed, the clock and the sweeper.
func (m Model) Init() tea.Cmd {
	if m.replayWant != nil {
		return tea.Batch(loadHistory(m.svc, m.scope, m.opt.Lang), tick(m.now, time.Second, 0))
	}
	return tea.Batch(loadSnapshot(m.svc, m.scope, m.reach), loadWartime(m.svc, m.scope), m.InitLoaded())
}

// InitLoaded is Init for a console already Loaded: its clock, its feed and
// the store's figures, without reading the snapshot and the wartime state
// a second time.
func (m Model) InitLoaded() tea.Cmd {
	cmds := []tea.Cmd{loadFigures(m.svc, m.scope), tick(m.now, m.opt.Tick, m.opt.TickOffset)}
	if m.w.loaded {
		// Loaded read the snapshot without running what it asks for: the
		// room's duty (a seat over SSH showed nobody on duty, and its
		// handover preview did not know when the shift ends).
		cmds = append(cmds, loadDuty(m.svc, m.dutyRoom(), time.Time{}))
	}
	if m.sub != nil {
		cmds = append(cmds, waitEvents(m.sub, m.svc, m.scope, m.reach))
	}
	if !m.opt.NoSweep {
		cmds = append(cmds, sweep(m.svc))
	}
	return tea.Batch(cmds...)
}

// layout is the only place that does size arithmetic. A status line of
// more than one (statusH, up to four: a note of two over a question that
// wraps, the ':' line's candidates, a refusal over two lines) takes
// its rows from the panes at the bottom, the tower and the ticker, and from
// an overlay's or a form's height, so that every border stays on screen;
// the panes above them keep theirs (full: the body under one status line).
func (m *Model) layout() {
	full := m.height - 2
	short := max(m.statusH-1, 0)
	body := full - short
	leftW := min(max(m.width*32/100, 34), 46)
	rightW := m.width - leftW
	m.rightW, m.bodyH = rightW, body
	m.chain.SetSize(leftW, chainHeight)
	m.wtc.SetSize(leftW, chainHeight)
	m.tower.SetSize(leftW, body-chainHeight-3)
	if m.wt.active() {
		// Wartime: the queue, the live directive, the ticker; above them a
		// room above the towns keeps its towns table when it has the rows.
		rest := full
		if m.wartimeTowns() {
			townsH := townsHeight(full, townsRestWartime, len(m.townList))
			m.towns.SetSize(rightW, townsH-3)
			rest -= townsH
		}
		queueH := rest * 7 / 20
		dirH := rest * 2 / 5
		m.queue.SetSize(rightW, queueH-3)
		m.dir.SetSize(rightW, dirH-3)
		m.ticker.SetSize(rightW, rest-queueH-dirH-2-short)
	} else if m.aboveTowns() {
		// A room above the towns: the towns table, the queue, the ticker.
		townsH := townsHeight(full, townsRestPeace, len(m.townList))
		queueH := (full - townsH) * 3 / 5
		m.towns.SetSize(rightW, townsH-3)
		m.queue.SetSize(rightW, queueH-3)
		m.ticker.SetSize(rightW, full-townsH-queueH-2-short)
	} else {
		queueH := full * 3 / 5
		m.queue.SetSize(rightW, queueH-3)
		m.ticker.SetSize(rightW, full-queueH-2-short)
	}
	m.gaps.SetSize(rightW, body-4)
	// The inputs on the status line scroll within the width they have:
	// the filter's leaves room for its help; the ':' line's takes the line
	// (" :", the cursor), a tab hint after a short one.
	m.filterInput.Width = max(m.width-30, 8)
	m.cmdInput.Width = max(m.width-4, 8)
	m.detail.SetSize(rightW, body-2)
	m.roster.SetSize(rightW, body-3)
	m.help.SetSize(rightW, body)
	m.after.SetSize(rightW, body)
	m.points.SetSize(rightW, body)
	m.handover.SetSize(rightW, body)
	m.patrols.SetSize(rightW, body)
	m.desk.SetSize(rightW, body)
}

func (m Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// tell hands a data message to the pane that owns it, at once.
func (m Model) tell(p pane, msg tea.Msg) tea.Cmd {
	_, cmd := p.Update(msg)
	return cmd
}

// Update routes each message (update); whatever moved the focus off the
// ticker, it shows the newest again.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	mm, ok := next.(Model)
	if !ok {
		return next, cmd
	}
	if mm.focus != paneEvents && mm.ticker != nil {
		// The focus left the ticker (a key, a resize, wartime beginning
		// or ending, a room's turn): it shows the newest again (arrived).
		mm.ticker.snap()
	}
	n := mm.statusHeight()
	if !mm.skipped(mm.focus) && n == mm.statusH {
		return next, cmd // as it is: a Model put back in next is a copy of it (some 16 KB)
	}
	if mm.skipped(mm.focus) {
		// The pane focused is not in this layout (wartime began or ended,
		// the screen shrank), or no longer (esc back to a place from
		// before wartime ended): the queue has the focus.
		mm.focus = paneQueue
	}
	if n != mm.statusH {
		// A question that wraps came or went: the panes at the bottom
		// give it their rows (layout).
		mm.statusH = n
		mm.layout()
	}
	return mm, cmd
}

// update routes: window size to layout, keys to onKey, and each data
// message to the root's handler of it, which tells the panes that own it.
func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.onResize(msg)
	case tea.KeyMsg:
		m.split = splitRune{} // a key between stray bytes: they were no character (typed.go)
		next, cmd := m.onKey(msg)
		return m.returnWaiting(next, cmd)
	case heldMsg:
		return m.onHeld(msg)
	case wartimeMsg:
		if m.rp != nil {
			return m, nil // the live state, read before the replay began
		}
		return m.onWartimeMsg(msg)
	case activatedMsg, activatedTownsMsg, deactivatedMsg, deactivatedTownsMsg, widenedMsg, wideningMsg, directiveIssuedMsg, resentMsg, draftMsg, draftedMsg, afterActionMsg,
		releaseMsg, releasedMsg, signForMsg, signedForMsg, directiveSaysMsg:
		return m.onWartimeMsg(msg)
	case snapshotMsg, closedMsg, figuresMsg, eventsMsg, resubscribeMsg, resubscribedMsg, tickMsg, fedLinksMsg:
		return m.onLiveMsg(msg)
	case dutyMsg, historyMsg, handoverMsg, handoversMsg, giveHandoverMsg, signHandoverMsg, acceptedMsg, checkedInMsg, sheetDueMsg,
		actionDoneMsg, reportedMsg, openIncidentMsg, shownMsg, filterTierMsg, focusTownMsg, loadChildrenMsg, childrenMsg,
		timelineMsg, pointsMsg, wantPointsMsg, patrolLoadedMsg, deskAskMsg, deskDoneMsg, reportNodeMsg:
		return m.onPaneMsg(msg)
	case sweptMsg, refusedMsg, Notice, flashExpiredMsg:
		return m.onFlashMsg(msg)
	case tookFileMsg:
		return m.onTookFile(msg)
	}
	if c, ok := strayByte(msg); ok {
		return m.onStrayByte(c)
	}
	return m, nil
}

// onLiveMsg handles the live state: the snapshot, the closed incidents, the
// figures, the federation's links, the feed of events and its clock. A
// replay keeps the log's.
func (m Model) onLiveMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case snapshotMsg:
		if m.rp != nil {
			return m, nil
		}
		m = m.onSnapshot(msg)
		m, c := m.refreshFigures()
		m, fc := m.wantFedLinks()
		if n := m.opt.Notice; n != "" {
			m.opt.Notice = ""
			var nc tea.Cmd
			m, nc = m.flashInfo(n)
			fc = tea.Batch(fc, nc)
		}
		if carried := m.opt.Carried.work; len(carried) > 0 {
			m.opt.Carried = Carry{} // given back once
			m.waiting = append(slices.Clone(m.waiting), carried...)
		}
		return m.returnWaiting(m, tea.Batch(c, fc, m.wantClosed(), loadDuty(m.svc, m.dutyRoom(), time.Time{})))
	case closedMsg:
		if msg.err != nil {
			return m.flashErr(msg.err)
		}
		m.w.setClosed(scopeIncidents(m.scope, msg.incs))
		m.tell(m.queue, loadedMsg{})
		return m, nil
	case figuresMsg:
		if m.rp != nil {
			return m, nil // a replay's figures are the log's at its time
		}
		return m.onFigures(msg)
	case eventsMsg:
		return m.onEvents(msg)
	case resubscribeMsg:
		return m, resubscribe(m.svc)
	case resubscribedMsg:
		return m.onResubscribed(msg)
	case tickMsg:
		if m.rp != nil {
			return m.onReplayTick(time.Time(msg))
		}
		return m.onTick()
	case fedLinksMsg:
		return m.onFedLinks(msg)
	}
	return m, nil
}

// onPaneMsg handles what the panes asked for and what they load: the duty,
// the history, the handovers, the actions' outcomes, an incident to open,
// the towns' children, the timeline, the points, the patrols and the desk.
func (m Model) onPaneMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case dutyMsg:
		return m.onDuty(msg)
	case historyMsg:
		return m.onHistory(msg)
	case handoverMsg, handoversMsg, giveHandoverMsg, signHandoverMsg, acceptedMsg, checkedInMsg, sheetDueMsg:
		return m.onHandoverMsg(msg)
	case actionDoneMsg, reportedMsg:
		return m.onActed(msg)
	case openIncidentMsg:
		return m.openDetail(msg.seq, msg.id)
	case shownMsg:
		return m.onShown(msg)
	case filterTierMsg:
		return m.filterTier(msg.tier)
	case focusTownMsg:
		return m.focusTown(msg.town)
	case loadChildrenMsg:
		return m, loadChildren(m.svc, m.scope, msg.node)
	case childrenMsg:
		return m.onChildren(msg)
	case reportNodeMsg:
		return m.onReportNode(msg)
	case timelineMsg:
		if m.rp != nil {
			msg.events = replayedTimeline(msg.events, m.now)
		}
		return m, m.tell(m.detail, msg)
	case pointsMsg:
		return m.onPoints(msg)
	case wantPointsMsg:
		return m.openPoints(msg.month)
	case patrolLoadedMsg, deskAskMsg, deskDoneMsg:
		return m.onPatrolMsg(msg)
	}
	return m, nil
}

// onFlashMsg handles what the status line says: a refusal, a notice from
// outside, a sweep's error, and a flash's time running out.
func (m Model) onFlashMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case sweptMsg:
		if msg.err != nil {
			return m.flashErr(msg.err)
		}
	case refusedMsg:
		return m.flashErr(msg.err)
	case Notice:
		m.flashID++
		m.flash = flash{id: m.flashID, text: msg.Text, err: true}
		return m, expireFlash(m.flashID, msg.For)
	case flashExpiredMsg:
		if msg.id == m.flash.id {
			m.flash = flash{}
		}
	}
	return m, nil
}

func (m Model) onSnapshot(msg snapshotMsg) Model {
	if msg.scope != m.scope {
		return m // the room turned since it was asked for
	}
	if msg.err != nil {
		m.loadErr = msg.err
		return m
	}
	m.loadErr = nil
	m.noteTowns(msg.snap.nodes)
	m = m.catchUp()
	old := m.w.events
	m.w = newWorld(msg.snap)
	m.noteFlaggedDuty()
	m.w.rollUp(m.now)
	for _, b := range m.heard {
		m.w.apply(scopeEvents(m.scope, b.events, b.reach), scopeIncidents(m.scope, b.changed), m.now)
	}
	m.heard = nil
	m.tell(m.ticker, newEventsMsg{newerThan(m.w.events, old)})
	m.tell(m.tower, loadedMsg{})
	m.tell(m.queue, loadedMsg{})
	m.tell(m.wtc, countMsg{})
	return m
}

// heardBeforeSnapshot keeps a batch of the feed that came before the first
// snapshot, to be applied on it: the world it would change is not there
// yet. A batch that asks for everything again (the feed overflowed) asks
// for the snapshot again and drops what was kept: that snapshot is read
// after all of it.
func (m Model) heardBeforeSnapshot(msg eventsMsg, next tea.Cmd, need eventsNeed) (tea.Model, tea.Cmd) {
	if need.reload {
		m.heard = nil
		return m, tea.Batch(loadSnapshot(m.svc, m.scope, m.reach), loadWartime(m.svc, m.scope), next)
	}
	m.heard = append(slices.Clip(m.heard), msg)
	if need.wartime {
		return m, tea.Batch(next, loadWartime(m.svc, m.scope))
	}
	return m, next
}

// catchUp brings the console's clock to now when what arrives (a batch
// of the feed, an action's answer, a snapshot) is newer than the last
// tick: with a long Tick (a seat's minute) an incident filed since would
// otherwise have waited a negative time and its countdown run long.
func (m Model) catchUp() Model {
	if now := m.opt.Now(); now.After(m.now) {
		m.now = now
	}
	return m
}

func (m Model) onTick() (tea.Model, tea.Cmd) {
	m.now = m.opt.Now()
	cmds := []tea.Cmd{tick(m.now, m.opt.Tick, m.opt.TickOffset)}
	if m.w.loaded {
		if m.w.lightsDue(m.now) {
			m.w.turnedRed = false
			m.w.rollUp(m.now)
			cmds = append(cmds, m.ringing(nil, nil), m.followSheet())
		}
	}
	if m.handover.sheetDue(m.now) {
		cmds = append(cmds, m.followSheet())
	}
	if m.figuresDue(m.now) {
		var c tea.Cmd
		m, c = m.refreshFigures()
		cmds = append(cmds, c)
	}
	if !m.opt.NoSweep {
		cmds = append(cmds, sweep(m.svc))
	}
	if m.dutyDue(m.now) {
		m.dutyLoaded = false // read once per handoff
		cmds = append(cmds, loadDuty(m.svc, m.dutyRoom(), time.Time{}))
	}
	if m.roomsDue(m.now) {
		m.roomsAsked = m.wt.status.Rooms.Changes // read once per change
		cmds = append(cmds, loadWartime(m.svc, m.scope))
	}
	m, pc := m.patrolsOnTick()
	m, fc := m.wantFedLinks()
	return m, tea.Batch(append(cmds, pc, fc)...)
}

// onActed shows what the operator's own action or report made of the
// incident, before the feed brings it, or the refusal.
func (m Model) onActed(msg tea.Msg) (tea.Model, tea.Cmd) {
	if err := failedOf(msg); err != nil {
		return m.flashErr(err)
	}
	var inc model.Incident
	var text string
	switch msg := msg.(type) {
	case actionDoneMsg:
		inc = msg.inc
		text = fmt.Sprintf(m.say("%s %s: %s %s", "%s 已%s，现为%s「%s」"), inc.ID, m.p.lab.Action[msg.act],
			m.p.lab.Tier[inc.Tier], m.p.lab.Status[inc.Status])
	case reportedMsg:
		inc = msg.inc
		text = fmt.Sprintf(m.say("%s %s: %s", "%s 已%s：%s"), inc.ID, m.p.lab.Action[model.ActReport], inc.Title)
	}
	m = m.catchUp()
	m.w.change([]model.Incident{inc}, m.now)
	m.tell(m.queue, changedMsg{[]model.Incident{inc}})
	return m.flashInfo(text)
}

func (m Model) onEvents(msg eventsMsg) (tea.Model, tea.Cmd) {
	if msg.closed {
		return m.onFeedClosed()
	}
	next := waitEvents(m.sub, m.svc, m.scope, m.reach)
	if m.rp != nil {
		return m, next // the replay shows the log; leaving it reads the live state afresh
	}
	if msg.err != nil {
		mm, c := m.flashErr(msg.err)
		return mm, tea.Batch(c, next)
	}
	need := needsOf(msg)
	if !m.w.loaded {
		return m.heardBeforeSnapshot(msg, next, need)
	}
	var sheet tea.Cmd
	if msg.lost || m.sheetMoved(msg.events) {
		sheet = m.followSheet()
	}
	if need.reload {
		return m, tea.Batch(loadSnapshot(m.svc, m.scope, m.reach), loadWartime(m.svc, m.scope), next, sheet)
	}
	m = m.catchUp()
	var dutyCmd tea.Cmd
	if need.duty {
		dutyCmd = loadDuty(m.svc, m.dutyRoom(), time.Time{})
	}
	changed := scopeIncidents(m.scope, msg.changed)
	m.w.turnedRed = false
	evs := scopeEvents(m.scope, msg.events, msg.reach)
	m.tell(m.ticker, newEventsMsg{m.w.apply(evs, changed, m.now)})
	m.form = m.escalateFormNow(m.form) // another seat's escalation under an open E form
	m.tell(m.queue, changedMsg{changed})
	m.tell(m.wtc, countMsg{})
	cmds := []tea.Cmd{next, dutyCmd, sheet, m.ringing(evs, changed), m.pointsChanged(msg.events)}
	if need.figures {
		var c tea.Cmd
		m, c = m.refreshFigures()
		cmds = append(cmds, c)
	}
	if need.wartime {
		cmds = append(cmds, loadWartime(m.svc, m.scope))
	}
	m, pc := m.patrolsOnEvents(msg.events)
	cmds = append(cmds, pc)
	if m.overlay == overlayDetail {
		for _, inc := range changed {
			if inc.ID == m.detail.id {
				cmds = append(cmds, loadTimeline(m.svc, inc.ID))
			}
		}
	}
	return m, tea.Batch(cmds...)
}

// eventsNeed is what a batch of the feed asks the console to read again:
// the whole snapshot (the roster changed: imports, and wartime's on-duty
// flags), the wartime state, the figures, the duty schedule. A lost batch
// asks all but the schedule.
type eventsNeed struct{ reload, wartime, figures, duty bool }

func needsOf(msg eventsMsg) eventsNeed {
	n := eventsNeed{reload: msg.lost, wartime: msg.lost, figures: msg.lost}
	for _, e := range msg.events {
		n.figures = n.figures || movesFigures(e)
		n.duty = n.duty || isDutyEvent(e)
		n.wartime = n.wartime || isWartimeEvent(e)
		switch e.Action {
		case model.ActImport, model.ActActivate, model.ActWiden, model.ActDeactivate, model.ActDraft, model.ActRelease:
			n.reload = true
		}
	}
	return n
}

// onFeedClosed: the feed ended (a server this console was attached to
// stopped). Say so, rather than look live and show stale figures, and, when
// attached, look for the server again.
func (m Model) onFeedClosed() (tea.Model, tea.Cmd) {
	m.feedDown = true
	if !m.opt.Reconnect {
		m.flashID++
		m.flash = flash{id: m.flashID, err: true, text: m.say(
			"live feed lost: the figures on screen are no longer updated; restart gridcmd",
			"实时数据已中断：屏幕上的数字不再更新，请重启 gridcmd")}
		return m, nil
	}
	if !m.flash.err {
		m.flash = flash{} // the status line says it while the link is cut (cutLine)
	} // a refusal stays until it expires (an action cut mid-call: "look before you try again")
	m.retry = firstRetry
	return m, resubscribeAfter(m.retry)
}

func (m Model) flashInfo(s string) (Model, tea.Cmd) {
	m.flashID++
	m.flash = flash{id: m.flashID, text: s}
	return m, expireFlash(m.flashID, 5*time.Second)
}

// flashErr shows a refusal; a command a hub queued for a federated town
// (model.FedQueued) is not one, and reads as news: sent, waiting for the
// town to act.
func (m Model) flashErr(err error) (Model, tea.Cmd) {
	if model.IsFedQueued(err) {
		return m.flashInfo(m.queuedText(err)) // queued.go
	}
	m.flashID++
	keep := model.ErrorCode(err) == model.EUNAVAIL || model.MaybeDone(err)
	m.flash = flash{id: m.flashID, text: m.errText(err), err: true, keep: keep}
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
	return mm, tea.Batch(c, loadSnapshot(m.svc, m.scope, m.reach), loadWartime(m.svc, m.scope), waitEvents(m.sub, m.svc, m.scope, m.reach))
}

// Close closes the feed the console opened itself after the one it was
// given ended; the caller closes the one it gave.
func (m Model) Close() {
	if m.ownSub && m.sub != nil {
		m.sub.Close()
	}
}

// onKey routes a key: to an open question or input first, then to the
// global keys, then to the open overlay or the focused pane.
func (m Model) onKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	// bubbletea v1 delivers runes that arrive together (fast typing, a
	// script) as one message: ":gaps" rather than ":" then "gaps". Outside a
	// text input every rune is a key of its own, so take them one by one;
	// the first may open an input that takes the rest. In an input they are
	// text, whatever word they spell: "end" is not the End key (typed.go).
	pasted := msg.Paste // a bracketed paste, not runs typed together (model.Typing tells them apart)
	if m.inputActive() {
		msg = asText(msg)
	}
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
	if key.Matches(msg, m.lkeys.interrupt) {
		if m.formActive && m.form.dirty() && !m.q.active() {
			return m.askFree(m.say("discard the half-filled form and quit?", "表单尚未提交，放弃并退出？"),
				func(m Model) (Model, tea.Cmd) { return m, tea.Quit })
		}
		if lost := m.unfiledLost(); lost != "" && !m.q.active() {
			// A second ctrl+c, over the question, quits.
			return m.askFree(m.say("quit gridcmd? ", "退出 gridcmd？")+lost, func(m Model) (Model, tea.Cmd) { return m, tea.Quit })
		}
		return m, tea.Quit
	}
	switch {
	case m.q.active():
		return m.onQuestionKey(msg, pasted)
	case m.tooSmall():
		return m.onSmallKey(msg) // small.go
	case m.formActive:
		return m.onFormKey(msg, pasted)
	case m.filterActive:
		return m.onFilterKey(msg)
	case m.cmdActive:
		return m.onCmdKey(msg)
	}
	if m.rp != nil {
		if next, cmd, ok := m.onReplayKey(msg); ok {
			return next, cmd
		}
	}
	if next, cmd, ok := m.onGlobalKey(msg); ok {
		return next, cmd
	}
	return m.toFocused(msg)
}

// onGlobalKey handles the keys that mean the same whatever has focus.
func (m Model) onGlobalKey(msg tea.KeyMsg) (tea.Model, tea.Cmd, bool) {
	k := m.keys
	var next tea.Model // set by each case: making it m up front would box m for every key
	var cmd tea.Cmd
	if err := m.mayAct(); err != nil && m.acting(msg) {
		next, cmd = m.flashErr(err)
		return next, cmd, true
	}
	switch {
	case key.Matches(msg, k.Quit):
		next, cmd = m.quit()
	case key.Matches(msg, k.Help):
		next, cmd = m.toggleHelp()
	case key.Matches(msg, k.Command):
		next, cmd = m.openCommandLine()
	case key.Matches(msg, k.Filter):
		next, cmd = m.openFilter()
	case key.Matches(msg, k.NextPane), key.Matches(msg, k.PrevPane):
		next = m.cycleFocus(key.Matches(msg, k.PrevPane))
	case key.Matches(msg, k.Back):
		next, cmd = m.onBackKey()
	case key.Matches(msg, k.New):
		next, cmd = m.openReportForm()
	case key.Matches(msg, k.Wartime):
		next, cmd = m.onWartimeKey()
	case key.Matches(msg, k.Directive):
		next, cmd = m.openDirectiveForm()
	case key.Matches(msg, k.Resend):
		next, cmd = m.onResendKey()
	case key.Matches(msg, k.Sort):
		m.tell(m.queue, sortMsg{})
		next = m
	case key.Matches(msg, k.Ack), key.Matches(msg, k.Escalate), key.Matches(msg, k.EscalateTo),
		key.Matches(msg, k.Dispatch), key.Matches(msg, k.Resolve), key.Matches(msg, k.Reopen), key.Matches(msg, k.Close),
		key.Matches(msg, k.Note):
		next, cmd = m.onIncidentKey(msg)
	default:
		return nil, nil, false
	}
	return next, cmd, true
}

// toggleHelp opens the help, or closes it.
func (m Model) toggleHelp() (Model, tea.Cmd) {
	if m.overlay == overlayHelp {
		return m.goBack()
	}
	return m.openHelp(), nil
}

// openHelp shows every key of the pane in use, from its bindings: the open
// overlay's (x in the gaps list), else the focused pane's ([ ] in the
// directive pane), the global ones among them.
func (m Model) openHelp() Model {
	groups := m.ring[m.focus].FullHelp()
	if m.overlay != overlayNone {
		groups = m.overlays[m.overlay].FullHelp()
	}
	m = m.push()
	m.overlay = overlayHelp
	m.tell(m.help, showHelpMsg{groups: m.seatGroups(groups), top: true})
	return m
}

// openCommandLine opens an empty : prompt at the end of its history.
func (m Model) openCommandLine() (Model, tea.Cmd) {
	m.cmdActive = true
	m.cmdPos = len(m.cmdHistory)
	m.cmdInput.SetValue("")
	return m, m.cmdInput.Focus()
}

// openFilter opens the queue's filter on what it holds, from where the
// console is (esc comes back there).
func (m Model) openFilter() (Model, tea.Cmd) {
	m.overlay = overlayNone
	m.focus = paneQueue
	m.filterFrom = m.here()
	m.filterActive = true
	m.filterInput.SetValue(m.queue.filter)
	m.filterInput.CursorEnd()
	return m, m.filterInput.Focus()
}

// onBackKey goes back; with nowhere to go back to in a town, a room above
// it goes back to its towns.
func (m Model) onBackKey() (tea.Model, tea.Cmd) {
	if len(m.back) == 0 && m.overlay == overlayNone && m.queue.filter == "" && m.queue.scope == "" &&
		m.seat.AboveTown() && m.seat.Town != "" {
		return m.focusTown("") // nowhere to go back to in the town: back to the room above it
	}
	return m.goBack()
}

// onIncidentKey acts on an incident, but only on one the operator can see:
// the queue's or the detail view's, never one hidden behind another overlay.
func (m Model) onIncidentKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.overlay != overlayNone && m.overlay != overlayDetail {
		return m.flashErr(refusal(model.ECONFLICT,
			"esc back to the incidents first", "请先按 esc 回到事件列表"))
	}
	if m.overlay == overlayNone && m.focus == paneDirectives {
		// Not the queue's incident, out of sight behind the directive.
		en, zh := m.directivePaneKeys()
		return m.flashErr(refusal(model.ECONFLICT,
			"tab to the incidents first: the directive pane's keys are "+en, "请先按 tab 切到事件列表：指令窗格可用 "+zh))
	}
	return m.onActionKey(msg)
}

// acting reports whether a key acts (reports, wartime, directives, the
// incident actions and notes): what a read-only seat refuses at once, before
// any question or form. The keys of the gaps list and the desk are
// refused the same way where they ask (put, openForm).
func (m Model) acting(msg tea.KeyMsg) bool {
	k := m.keys
	return key.Matches(msg, k.New, k.Wartime, k.Directive, k.Resend,
		k.Ack, k.Escalate, k.EscalateTo, k.Dispatch, k.Resolve, k.Reopen, k.Close, k.Note)
}

// cycleFocus moves the focus round the ring (back: the other way), past
// the directive pane in peacetime, and closes the overlay.
func (m Model) cycleFocus(back bool) Model {
	d := 1
	if back {
		d = len(focusOrder) - 1
	}
	m.overlay = overlayNone
	i := slices.Index(focusOrder[:], m.focus)
	for {
		i = (i + d) % len(focusOrder)
		if m.focus = focusOrder[i]; !m.skipped(m.focus) {
			return m
		}
	}
}

// focusOrder is the ring tab goes round: the panes as they stand on the
// screen (View, right), the left column top to bottom, the chain and the
// tower, then the right, the towns table, the queue, the directive and the
// events; shift+tab the other way.
var focusOrder = [paneCount]paneID{paneChain, paneTower, paneTowns, paneQueue, paneDirectives, paneEvents}

// skipped reports whether the focus ring passes pane id by: the directive
// pane in peacetime, the towns table outside a room above the towns (and
// in its wartime layout on a screen without the rows for it).
func (m Model) skipped(id paneID) bool {
	switch id {
	case paneDirectives:
		return !m.wt.active()
	case paneTowns:
		return !m.aboveTowns() || (m.wt.active() && !m.wartimeTowns())
	}
	return false
}

// wartimeTowns reports whether a room above the towns keeps its towns table
// in the wartime layout: when the screen has the rows for four panes on the
// right (a cut town is in the header on every screen: townsCutFigure).
func (m Model) wartimeTowns() bool {
	return m.aboveTowns() && m.height-2 >= wartimeTownsRows
}

// wartimeTownsRows is the body's height from which the wartime layout of a
// room above the towns keeps the towns table.
const wartimeTownsRows = 34

// toFocused hands a key to the open overlay, else to the focused pane: what
// the pane asks of the root for it is done here and now. What the tower
// selects scopes the queue.
func (m Model) toFocused(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	p := m.ring[m.focus]
	if m.overlay != overlayNone {
		p = m.overlays[m.overlay]
	}
	if a, ok := p.(asker); ok {
		if req := a.asks(msg); req != nil {
			return m.Update(req)
		}
	}
	var cmd tea.Cmd
	if m.overlay != overlayNone {
		m.overlays[m.overlay], cmd = m.overlays[m.overlay].Update(msg)
		return m, cmd
	}
	m.ring[m.focus], cmd = m.ring[m.focus].Update(msg)
	if m.focus == paneTower {
		m.tell(m.queue, scopeMsg{m.tower.selected()})
	}
	return m, cmd
}

// quit ends the console; one that holds the database asks first (q and :q
// alike): the other commands reach the file through it; any console asks
// while work is not filed.
func (m Model) quit() (Model, tea.Cmd) {
	var why []string
	if lost := m.unfiledLost(); lost != "" {
		why = append(why, lost)
	}
	if m.opt.HoldsFile {
		why = append(why, m.holderNote())
		if seats := m.seatsNote(); seats != "" {
			why = append(why, seats)
		}
	}
	if len(why) == 0 {
		return m, tea.Quit
	}
	return m.askFree(m.say("quit gridcmd? ", "退出 gridcmd？")+strings.Join(why, m.say("; ", "；")),
		func(m Model) (Model, tea.Cmd) { return m, tea.Quit })
}

// unfiledLost says what quitting loses while work is not filed (sent and
// not answered, or come back unfiled); "" when nothing is.
func (m Model) unfiledLost() string {
	n := len(m.held) + len(m.waiting)
	if n == 0 {
		return ""
	}
	return m.say(fmt.Sprintf("%d not filed (on its way or come back) is lost with it", n),
		fmt.Sprintf("%d 项未提交的内容（发送中或已退回）将随之丢失", n))
}

// holderNote is what quitting the console that holds the file does: the
// consoles attached to it (Options.Attached) lose their live link and stop
// their clocks until one takes the file (:take); with none, the other
// commands reach the file through it.
func (m Model) holderNote() string {
	n := 0
	if m.opt.Attached != nil {
		n = m.opt.Attached()
	}
	switch {
	case n == 1:
		return m.say("it holds the database: 1 console attached to it loses its live link and stops its clocks until it :takes the file",
			"数据库由本控制台持有：连接到它的 1 个控制台将失去实时连接、时限暂停，直到它输入 :take 接管")
	case n > 1:
		return m.say(fmt.Sprintf("it holds the database: %d consoles attached to it lose their live link and stop their clocks until one :takes the file", n),
			fmt.Sprintf("数据库由本控制台持有：连接到它的 %d 个控制台将失去实时连接、时限暂停，直到其中一个输入 :take 接管", n))
	}
	return m.say("it holds the database: the other commands reach it through this console",
		"数据库由本控制台持有，其他命令经由它访问")
}

// inputActive reports whether typed text goes to an input (a form, the
// filter or the command line) rather than to the keys.
func (m Model) inputActive() bool {
	return m.formActive || m.filterActive || m.cmdActive || m.q.editing
}

// errText is a refusal in the console's language: in Chinese where the
// error says it in Chinese.
func (m Model) errText(err error) string {
	if m.p.lab.Lang == "zh" {
		return model.ErrorMessageZh(err)
	}
	return model.ErrorMessage(err)
}

// say is en, or zh in a Chinese console.
func (m Model) say(en, zh string) string { return sayIn(m.p.lab.Lang, en, zh) }

// sayIn is en when lang is en, else zh, as labels reads lang.
func sayIn(lang, en, zh string) string {
	if chinese(lang) {
		return zh
	}
	return en
}

// chinese reports whether a console of lang speaks Chinese: any lang but
// en, "" among them (the console's default, as config's is). Every word
// and key made for a lang reads it so (labels, sayIn, the key maps).
func chinese(lang string) bool { return lang != "en" }

func (m Model) openRoster() Model {
	m = m.push()
	m.tell(m.roster, showRosterMsg{m.tower.selected()})
	m.overlay = overlayRoster
	return m
}

func (m Model) onFilterKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.lkeys.accept) && m.queue.q.err != nil:
		return m, nil // a token it cannot read: refused, said whole, the line kept to mend it
	case key.Matches(msg, m.lkeys.accept, m.lkeys.abort):
		m.filterActive = false
		m.filterInput.Blur()
		if key.Matches(msg, m.lkeys.abort) { // esc drops the filter too
			m.tell(m.queue, filterMsg{})
		} else if m.queue.filter != m.filterFrom.filter {
			m = m.pushPlace(m.filterFrom) // esc later brings the queue back as it was
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.filterInput, cmd = m.filterInput.Update(msg)
	m.tell(m.queue, filterMsg{text: m.filterInput.Value(), top: true})
	return m, tea.Batch(cmd, m.wantClosed())
}

// wantClosed reads the closed incidents when the filter asks for all and
// the console does not hold them.
func (m Model) wantClosed() tea.Cmd {
	if m.queue.q.all && !m.w.closedLoaded {
		return loadClosed(m.svc, m.scope)
	}
	return nil
}

// onCmdKey edits the ':' line; tab completes it and enter runs it, both
// from the command table.
func (m Model) onCmdKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	lost := m.cmdLost
	m.cmdNote, m.cmdLost = "", 0
	switch {
	case key.Matches(msg, m.lkeys.abort):
		m.cmdActive = false
		m.cmdInput.Blur()
		return m, nil
	case key.Matches(msg, m.lkeys.complete):
		m.cmdInput.SetValue(m.cmds.complete(m, strings.TrimSpace(m.cmdInput.Value())))
		m.cmdInput.CursorEnd()
		return m, nil
	case key.Matches(msg, m.lkeys.accept):
		m.cmdActive = false
		m.cmdInput.Blur()
		line := strings.TrimSpace(m.cmdInput.Value())
		if line != "" && (len(m.cmdHistory) == 0 || m.cmdHistory[len(m.cmdHistory)-1] != line) {
			m.cmdHistory = append(m.cmdHistory, line)
		}
		m.ranLine = line
		return m.cmds.run(m, line)
	case key.Matches(msg, m.lkeys.older), key.Matches(msg, m.lkeys.newer):
		d := 1
		if key.Matches(msg, m.lkeys.older) {
			d = -1
		}
		m.cmdPos = max(min(m.cmdPos+d, len(m.cmdHistory)), 0)
		line := ""
		if m.cmdPos < len(m.cmdHistory) {
			line = m.cmdHistory[m.cmdPos]
		}
		m.cmdInput.SetValue(line)
		m.cmdInput.CursorEnd()
		return m, nil
	}
	var cmd tea.Cmd
	had := m.cmdInput.Value()
	m.cmdInput, cmd = m.cmdInput.Update(msg)
	if n := notTaken(m.cmdInput, had, msg); n > 0 {
		m.cmdLost = lost + n // a paste arrives in pieces: said whole
		m.cmdNote = m.say(fmt.Sprintf("the line takes %d characters at most: %d not taken", cmdLimit, m.cmdLost),
			fmt.Sprintf("命令行最多 %d 字，超出的 %d 字未录入", cmdLimit, m.cmdLost))
	}
	return m, cmd
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

// refusal is a refusal the console makes itself, in both languages (errText
// shows the console's).
func refusal(code, en, zh string) error { return model.Errorf(code, "%s", en).Zh("%s", zh) }

// said is a refusal in words already in the console's language (its
// labels), the same in either slot.
func said(code, s string) error { return model.Errorf(code, "%s", s).Zh("%s", s) }

// Loaded is m with its snapshot and the wartime state read now, as Init
// has them read in the background: for a console that must answer a key
// at once (a seat leaving its room's shared console for one of its own).
func (m Model) Loaded() Model {
	next, _ := m.Update(loadSnapshot(m.svc, m.scope, m.reach)())
	next, _ = next.(Model).Update(loadWartime(m.svc, m.scope)())
	return next.(Model)
}
