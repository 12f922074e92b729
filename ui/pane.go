package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// pane is what every pane of the console is (soft-serve's
// common.Component, k9s's views): it takes its keys and its data messages
// in Update, draws itself to exactly the size it was given, and names its
// keys for the footer and the help. A pane is a pointer, and Update returns
// the pane it was called on. It reads what it draws from the root's common
// and never writes it; a key that wants something of the root (open an
// overlay, act on the store) it answers from asks (an asker).
type pane interface {
	Update(msg tea.Msg) (pane, tea.Cmd)
	View() string
	SetSize(w, h int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Title() string
}

// listWindow is a list pane's cursor and the first of its rows it shows:
// the plumbing every list shares (the towns, the tower, the queue, the
// ticker, the gaps, the desk).
type listWindow struct{ cursor, offset int }

// follow moves the cursor by d, keeps it on one of n rows, and scrolls so
// that it is one of the height rows shown.
func (l *listWindow) follow(d, n, height int) {
	l.cursor = max(min(l.cursor+d, n-1), 0)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+height {
		l.offset = l.cursor - height + 1
	}
}

// clampTo keeps the cursor on one of n rows and in view of height rows,
// and scrolls back so that no row is left empty below the last while rows
// are hidden above the first (the list shrank, the pane grew).
func (l *listWindow) clampTo(n, height int) {
	l.follow(0, n, height)
	l.offset = max(min(l.offset, n-height), 0)
}

// scrolled is the first line of a view of height lines over total after
// scrolling it by n from offset, kept within the lines.
func scrolled(offset, n, total, height int) int { return max(min(offset+n, total-height), 0) }

// paneSize is the size layout gives a pane that draws to any height (the
// chain, the wartime chain, the after-action summary), kept as it is.
type paneSize struct{ width, height int }

func (s *paneSize) SetSize(w, h int) { s.width, s.height = w, h }

// paneID is a pane of the focus ring.
type paneID int

const (
	paneChain paneID = iota // the wartime chain while wartime is active
	paneTower
	paneQueue
	paneEvents
	paneDirectives // wartime only
	paneTowns      // a room above the towns only (common.inRoom)
	paneCount
)

// overlayID is what covers the right-hand column, if anything.
type overlayID int

const (
	overlayNone overlayID = iota
	overlayDetail
	overlayRoster
	overlayHelp
	overlayGaps
	overlayAfter
	overlayPoints  // the month's points (ui/points.go)
	overlayPatrols // :patrols (patrols.go)
	overlayDesk    // :desk, the liaison's desk (desk.go)
	overlayHandover
	overlayCount
)

// common is what every pane reads and only the root writes: how to draw,
// the keys, what is loaded, the clock and what has focus. The root holds
// one and every pane a pointer to it.
type common struct {
	p     painter
	wl    wtLabels
	keys  KeyMap
	loc   *time.Location
	seat  model.Seat     // where the console sits; the root changes its focus (:town, esc)
	scope model.NodeCode // seat.Scope(): the subtree on screen; "" for the whole tower
	// townList: a room above the towns' towns, as its snapshot of the whole
	// room had them (kept while it turns to one of them).
	townList []model.Node
	// roomName: a room above the towns' own name (its division's, 永康市),
	// as its snapshot of the whole room had it (kept while it turns).
	roomName string
	// townFig: each town's figures (the store's, as the header's), read
	// with the room's own; nil until they are, and in a replay.
	townFig map[model.NodeCode]model.Figures

	now time.Time
	w   world
	wt  wartime
	pt  patrolData // the patrol pane's and the desk's records
	fed fedLinks   // the federation's links, by town (federation.go)

	// step is how often the clock and the countdowns move (Options.Tick,
	// a second in a replay): wait shows them at its precision (wait.go).
	step time.Duration

	// trail is the way back (the back stack's places), as the breadcrumb
	// before the title of what the operator looks at.
	trail []string
	// trailQueue: the way back's last place is the queue itself, so the
	// queue names itself by its filter after it, not "Incidents" again.
	trailQueue bool

	focus   paneID
	overlay overlayID
	// formShown: a form is drawn over the right (View sets it from the
	// root's formActive before the panes draw): it has the focus.
	formShown bool
}

// crumbed is title after the breadcrumb, when top (the pane is what the
// operator looks at) and there is a way back.
func (c *common) crumbed(title string, top bool) string {
	if !top || len(c.trail) == 0 {
		return title
	}
	sep := " " + c.p.g.Crumb + " "
	return strings.Join(c.trail, sep) + sep + title
}

// focused reports whether pane id has the focus and nothing covers it or
// takes it (an overlay, a form).
func (c *common) focused(id paneID) bool {
	return c.focus == id && c.overlay == overlayNone && !c.formShown
}

// mainHelp is the footer's keys over the main panes.
func (c *common) mainHelp() []key.Binding {
	k := c.keys
	if c.wt.active() {
		return []key.Binding{k.NextPane, k.Down, k.Open, k.Ack, k.Escalate, k.Dispatch, k.Resolve, k.Directive, k.Resend, k.Wartime, k.Command, k.Help, k.Quit}
	}
	return k.ShortHelp()
}

// overlayHelp is the footer's keys over an overlay that only scrolls.
func (c *common) overlayHelp() []key.Binding {
	k := c.keys
	return []key.Binding{k.Back, k.Down, k.Up, k.Help, k.Quit}
}

// mainPane is what the panes of the main row (the chain, the wartime
// chain, the queue, the ticker) share: the root's common, and the keys the
// footer and the help show over them.
type mainPane struct{ c *common }

func (p mainPane) ShortHelp() []key.Binding  { return p.c.mainHelp() }
func (p mainPane) FullHelp() [][]key.Binding { return p.c.keys.FullHelp() }

// scrollPane is what the overlays that only scroll (the roster, the help,
// the after-action summary, the patrols) share: the root's common, and the
// keys the footer and the help show over them.
type scrollPane struct{ c *common }

func (p scrollPane) ShortHelp() []key.Binding  { return p.c.overlayHelp() }
func (p scrollPane) FullHelp() [][]key.Binding { return p.c.keys.FullHelp() }

// The data messages the root hands to the pane that owns them, whatever has
// focus. They are not commands' results: the root calls the pane's Update
// with them at once.
type (
	// loadedMsg: a new snapshot is in common.w.
	loadedMsg struct{}
	// changedMsg: these incidents changed in common.w.
	changedMsg struct{ incs []model.Incident }
	// countMsg: common.w or common.wt changed; count the figures again.
	countMsg struct{}
	// wartimeLoadedMsg: a new wartime state is in common.wt.
	wartimeLoadedMsg struct{}
	// scopeMsg: the tower's selection, which scopes the queue.
	scopeMsg struct{ node model.NodeCode }
	// filterMsg: the / filter's text; top puts the cursor on the first row.
	filterMsg struct {
		text string
		top  bool
	}
	// showMsg: the overlay is opened; start from the top.
	showMsg struct{}
	// showIncidentMsg: the detail shows inc.
	showIncidentMsg struct{ inc model.Incident }
	// showRosterMsg: the roster lists the people of node's subtree.
	showRosterMsg struct{ node model.NodeCode }
	// wantDirectiveMsg: a directive just issued, to show once it arrives.
	wantDirectiveMsg struct{ id string }
)

// asker is a pane some of whose keys ask the root for what only the root
// does. The root calls asks with each key before Update; a request it
// answers is acted on at once, in the same Update (the detail is open
// before the next key arrives, however fast they come), and Update does not
// see the key. nil: the key is the pane's own.
type asker interface {
	asks(msg tea.KeyMsg) tea.Msg
}

// What panes ask of the root, from asks.
type (
	// openIncidentMsg: open the detail of incident seq, id (read from the
	// store when the console does not hold it: a closed one).
	openIncidentMsg struct {
		seq uint64
		id  string
	}
	// filterTierMsg: show the queue of what waits at tier.
	filterTierMsg struct{ tier model.Tier }
	// draftMsg: draft person into the micro-grid.
	draftMsg struct {
		person model.PersonID
		micro  model.NodeCode
	}
	// releaseMsg: release the reserve person, serving in micro.
	releaseMsg struct {
		person model.PersonID
		micro  model.NodeCode
	}
	// refusedMsg: a key could not be done; the footer says why.
	refusedMsg struct{ err error }
)
