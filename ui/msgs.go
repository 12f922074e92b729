package ui

import (
	"context"
	"slices"
	"sort"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// failure is a store's answer that may be a refusal: the routers of the
// answers that only say what they did flash it before they look further.
type failure interface{ failed() error }

// failedOf is the refusal msg carries, if it is a failure; else nil.
func failedOf(msg tea.Msg) error {
	if f, ok := msg.(failure); ok {
		return f.failed()
	}
	return nil
}

// How much of the log the console keeps in memory, and how long it gathers
// a burst of committed events into one message (bubbletea v1 calls View
// after every message).
const (
	eventsKept     = 500
	eventPages     = 10 // how many pages of eventsKept a seat's snapshot reads back at most (seatEvents)
	coalesceWindow = 80 * time.Millisecond
)

// snapshot is everything the console shows, read in one go.
type snapshot struct {
	// counted: a room above the towns reads its subtree down to the villages
	// with the stored figures (model.Subtree), nothing beneath and nobody on
	// the roster; nodes are the same nodes. nil: the whole subtree was read.
	counted   []model.CountedNode
	nodes     []model.Node
	above     []model.Node // a scope below the village: its village and grid, for their names only
	town      model.Node   // a scope below the town: its town, for its name only (a wartime's scope)
	people    []model.Person
	incidents []model.Incident // open and resolved (closed ones are archived)
	events    []model.Event    // newest first
}

type snapshotMsg struct {
	scope model.NodeCode // what was read: a snapshot of a scope the console has left is dropped
	snap  snapshot
	err   error
}

// eventsMsg is a coalesced burst of committed events with the incidents
// they changed, as the commits left them.
type eventsMsg struct {
	events  []model.Event
	changed []model.Incident
	reach   reachOf // of its wartime events that reach into the scope from above
	lost    bool    // the feed overflowed: reload everything
	closed  bool
	err     error
}

type tickMsg time.Time

type actionDoneMsg struct {
	act model.Action
	inc model.Incident
	err error
}

type reportedMsg struct {
	inc model.Incident
	err error
}

func (m actionDoneMsg) failed() error { return m.err }
func (m reportedMsg) failed() error   { return m.err }

type timelineMsg struct {
	id     string
	events []model.Event
	err    error
}

type sweptMsg struct{ err error }

// closedMsg: the closed incidents of the scope, for a filter with all.
type closedMsg struct {
	incs []model.Incident
	err  error
}

// loadClosed reads the closed incidents of the scope's subtree.
func loadClosed(svc model.Service, scope model.NodeCode) tea.Cmd {
	return func() tea.Msg {
		incs, err := svc.Incidents(context.Background(), model.IncidentFilter{Status: model.StatusClosed, Node: scope})
		return closedMsg{incs: incs, err: err}
	}
}

type flashExpiredMsg struct{ id int }

// loadSnapshot reads nodes, people, the live incidents and recent events
// of the scope's subtree ("" for the whole tower), the events' reach
// through reach (seatEvents).
func loadSnapshot(svc model.Service, scope model.NodeCode, reach *reachCache) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		var s snapshot
		var err error
		if roomScope(scope) {
			if s.counted, err = svc.Subtree(ctx, scope, int(model.LevelVillage-scope.Level())); err != nil {
				return snapshotMsg{scope: scope, err: err}
			}
			s.nodes = make([]model.Node, len(s.counted))
			for i, n := range s.counted {
				s.nodes[i] = n.Node
			}
		} else {
			if s.nodes, err = svc.Nodes(ctx, scope); err != nil {
				return snapshotMsg{scope: scope, err: err}
			}
			// A grid's seat names its nodes "渎溪村 02-01" and itself
			// "渎溪村 02网格", as the town does: the names above it.
			for _, c := range []model.NodeCode{scope.Village(), scope.Grid()} {
				if c != "" && !scope.Contains(c) {
					n, err := svc.Node(ctx, c)
					if err != nil {
						return snapshotMsg{scope: scope, err: err}
					}
					s.above = append(s.above, n)
				}
			}
			if t := scope.Town(); t != "" && t != scope {
				if s.town, err = svc.Node(ctx, t); err != nil {
					return snapshotMsg{scope: scope, err: err}
				}
			}
			if s.people, err = svc.People(ctx, model.PeopleFilter{Node: scope}); err != nil {
				return snapshotMsg{scope: scope, err: err}
			}
		}
		if s.incidents, err = svc.Incidents(ctx, model.IncidentFilter{Open: true, Node: scope}); err != nil {
			return snapshotMsg{scope: scope, err: err}
		}
		resolved, err := svc.Incidents(ctx, model.IncidentFilter{Status: model.StatusResolved, Node: scope})
		if err != nil {
			return snapshotMsg{scope: scope, err: err}
		}
		s.incidents = append(s.incidents, resolved...)
		if s.events, err = seatEvents(ctx, svc, scope, reach); err != nil {
			return snapshotMsg{scope: scope, err: err}
		}
		return snapshotMsg{scope: scope, snap: s}
	}
}

// after is tea.Tick, for every timer of the console. It and waitEvents are
// never inlined, so each makes its commands from one piece of code: the
// tests tell those commands apart by it, and drive time and the feed
// themselves.
//
//go:noinline
func after(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd { return tea.Tick(d, fn) }

// waitEvents blocks for the next committed batch, gathers whatever else
// arrives within the coalescing window, and takes the incidents the burst
// touched from its batches (changedIn), and the reach of the wartime
// events that reach into scope from above (reachCache.lookUp: read again
// for an activation the burst widens). The root re-arms
// it after each message.
//
//go:noinline
func waitEvents(sub model.Subscription, svc model.Service, scope model.NodeCode, reach *reachCache) tea.Cmd {
	if sub == nil {
		return nil
	}
	return func() tea.Msg {
		first, ok := <-sub.C()
		if !ok {
			return eventsMsg{closed: true}
		}
		burst := []model.Batch{first}
		timer := time.NewTimer(coalesceWindow)
		defer timer.Stop()
	gather:
		for {
			select {
			case b, ok := <-sub.C():
				if !ok {
					break gather
				}
				burst = append(burst, b)
			case <-timer.C:
				break gather
			}
		}
		if sub.Lost() {
			reach.forgetAll()
			return eventsMsg{lost: true}
		}
		parts := make([][]model.Event, len(burst))
		for i, b := range burst {
			parts[i] = b.Events
		}
		evs := slices.Concat(parts...)
		reach.widened(evs) // a widened activation's scope is read again
		changed, err := changedIn(burst, evs, svc)
		if err != nil {
			// Could not read what changed: reload everything rather than
			// drop the burst.
			return eventsMsg{lost: true}
		}
		sort.Slice(evs, func(i, j int) bool { return evs[i].Seq > evs[j].Seq })
		return eventsMsg{events: evs, changed: changed, reach: reach.lookUp(context.Background(), svc, scope, evs)}
	}
}

// changedIn is the incidents the events evs of burst name, each once, in
// the order first named, at its latest value in the burst's batches. A
// batch carries every incident its events name; one that does not (a
// server from before batches carried them) has the incident read from svc.
func changedIn(burst []model.Batch, evs []model.Event, svc model.Service) ([]model.Incident, error) {
	latest := map[string]model.Incident{}
	for _, b := range burst {
		for _, inc := range b.Incidents {
			latest[inc.ID] = inc
		}
	}
	seen := map[string]bool{}
	var changed []model.Incident
	for _, e := range evs {
		if e.Incident == "" || seen[e.Incident] {
			continue
		}
		seen[e.Incident] = true
		inc, ok := latest[e.Incident]
		if !ok {
			var err error
			if inc, err = svc.Incident(context.Background(), e.Incident); err != nil {
				return nil, err
			}
		}
		changed = append(changed, inc)
	}
	return changed, nil
}

// resubscribeMsg: time to subscribe again; resubscribedMsg: the new feed,
// nil if the server is not back yet.
type (
	resubscribeMsg  struct{}
	resubscribedMsg struct{ sub model.Subscription }
)

func resubscribeAfter(d time.Duration) tea.Cmd {
	return after(d, func(time.Time) tea.Msg { return resubscribeMsg{} })
}

// resubscribe asks the service for a new feed. A feed that is lost from the
// start (the service could not open it: the server is not back) is closed
// and counts as none.
func resubscribe(svc model.Service) tea.Cmd {
	return func() tea.Msg {
		sub := svc.Subscribe()
		if sub.Lost() {
			sub.Close()
			return resubscribedMsg{}
		}
		return resubscribedMsg{sub: sub}
	}
}

// tick fires on the next whole step of the clock (a second, unless
// Options.Tick says otherwise), shifted by offset.
func tick(now time.Time, step, offset time.Duration) tea.Cmd {
	return after(nextTick(now, step, offset).Sub(now), func(t time.Time) tea.Msg { return tickMsg(t) })
}

// nextTick is the first whole step after now, shifted by offset.
func nextTick(now time.Time, step, offset time.Duration) time.Time {
	if step <= 0 {
		step = time.Second
	}
	return now.Add(-offset).Truncate(step).Add(step).Add(offset)
}

// sweep applies the clocks (auto-escalation, supervision) in the store; what
// it changes arrives through the subscription like any other commit.
func sweep(svc model.Service) tea.Cmd {
	return func() tea.Msg {
		_, err := svc.Sweep(context.Background())
		return sweptMsg{err: err}
	}
}

func act(svc model.Service, id string, c model.Command) tea.Cmd {
	return func() tea.Msg {
		inc, err := svc.Act(context.Background(), id, c)
		return actionDoneMsg{act: c.Action, inc: inc, err: err}
	}
}

// addNote adds the operator's note to the incident's timeline.
func addNote(svc model.Service, id, text string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		inc, err := svc.Note(context.Background(), id, text, by)
		return actionDoneMsg{act: model.ActNote, inc: inc, err: err}
	}
}

func report(svc model.Service, r model.Report) tea.Cmd {
	return func() tea.Msg {
		inc, err := svc.Report(context.Background(), r)
		return reportedMsg{inc: inc, err: err}
	}
}

func loadTimeline(svc model.Service, id string) tea.Cmd {
	return func() tea.Msg {
		evs, err := svc.Timeline(context.Background(), id)
		return timelineMsg{id: id, events: evs, err: err}
	}
}

func expireFlash(id int, wait time.Duration) tea.Cmd {
	return after(wait, func(time.Time) tea.Msg { return flashExpiredMsg{id: id} })
}

// seatEvents are the newest events (eventsKept at most) that concern scope,
// read back through the log a page at a time until the seat has its fill,
// eventPages pages at most: a village's room among its town's, or its
// county's, events sees its own from further back than the file's last
// page, and its start still does not grow with the file.
func seatEvents(ctx context.Context, svc model.Service, scope model.NodeCode, reach *reachCache) ([]model.Event, error) {
	var out []model.Event
	before := uint64(0)
	for page := 0; page < eventPages; page++ {
		evs, err := svc.Events(ctx, before, eventsKept)
		if err != nil {
			return nil, err
		}
		out = append(out, scopeEvents(scope, evs, reach.lookUp(ctx, svc, scope, evs))...)
		if len(out) >= eventsKept || len(evs) < eventsKept {
			break
		}
		before = evs[len(evs)-1].Seq
	}
	return out[:min(len(out), eventsKept)], nil
}
