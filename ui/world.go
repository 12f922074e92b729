package ui

import (
	"strings"
	"time"

	"gridcmd/model"
)

// world is what the console has loaded, kept current by the event feed.
// Only the root's Update touches it.
type world struct {
	nodes  map[model.NodeCode]model.Node
	names  map[model.NodeCode]string // model.DisplayNames by code: "渎溪村 02-01"
	people []model.Person
	byID   map[model.PersonID]model.Person
	incs   []model.Incident // unordered; a slice, as the chain's figures walk it every change
	pos    map[uint64]int   // seq -> index in incs
	byRef  map[string]uint64
	events []model.Event // newest first
	towns  idTowns       // the incident ids' prefixes seen, in incidents and events
	tower  model.Tower
	root   string     // the root's name on one line: "渎溪村 02网格" for a grid's seat
	town   model.Node // the town above a seat below it, for its name (placeName)
	loaded bool
	// flagged: the people who keep the town room a room above the towns
	// looks into staffed by their flags (model.Person.StaffsTownRoom),
	// read as the people load or the room turns (noteFlaggedDuty), for
	// the header (flaggedDuty), which is drawn every frame.
	flagged []string

	// The closed incidents, read from the store when the filter asks for
	// all of them (closedLoaded); kept current by put from then on.
	closed       map[uint64]model.Incident
	closedLoaded bool

	nodeList []model.Node     // as loaded, for the names (nodeNames)
	above    []model.Node     // a scope below the village: its village and grid, whose names its nodes' names begin with
	nn       *model.NodeNames // built the first time a name is typed

	// What the clock changes: the incident figures and the tower's lights
	// are recomputed when data arrives or when some light turns, not on
	// every tick.
	inc incidentFigures
	// turnedRed: an incident not red before turned red in a count since the
	// root last cleared it (the bell).
	turnedRed bool
	nextLight time.Time
	countedAt time.Time // the clock the tower's lights were counted at
}

func newWorld(s snapshot) world {
	w := world{
		nodes:    make(map[model.NodeCode]model.Node, len(s.nodes)),
		names:    model.DisplayNames(append(s.above[:len(s.above):len(s.above)], s.nodes...), model.NameByCode),
		people:   s.people,
		byID:     make(map[model.PersonID]model.Person, len(s.people)),
		incs:     make([]model.Incident, 0, len(s.incidents)),
		pos:      make(map[uint64]int, len(s.incidents)),
		byRef:    make(map[string]uint64, len(s.incidents)),
		events:   tickerEvents(s.events),
		loaded:   true,
		nodeList: s.nodes,
		town:     s.town,
		above:    s.above,
	}
	for _, n := range s.nodes {
		w.nodes[n.Code] = n
	}
	for _, p := range s.people {
		w.byID[p.ID] = p
	}
	for _, e := range w.events {
		w.towns.note(e.Incident)
	}
	for _, inc := range s.incidents {
		w.put(inc)
	}
	if s.counted != nil {
		w.tower = model.BuildCountedTower(s.counted)
	} else {
		w.tower = model.BuildTower(s.nodes, s.people, nil, nil)
	}
	if len(w.tower.Roots) > 0 {
		raw := make(map[model.NodeCode]string, len(s.above)+1)
		for _, n := range s.above {
			raw[n.Code] = n.Name
		}
		root := w.tower.Nodes[w.tower.Roots[0]].Node
		raw[root.Code] = root.Name
		w.root = model.DisplayName(root, model.NameByGrid, func(c model.NodeCode) string { return raw[c] })
	}
	return w
}

// nodeNames resolves names typed for nodes within town (model.NodeNames):
// a grid's seat names its nodes after the village and the grid above it
// ("渎溪村 02", "渎溪村 02-01"), so those go in for their names.
func (w *world) nodeNames(town model.NodeCode) model.NodeNames {
	if w.nn == nil {
		nn := model.NewNodeNames(append(w.above[:len(w.above):len(w.above)], w.nodeList...), town)
		w.nn = &nn
	}
	return *w.nn
}

// graft puts the children of a node the officer opened, read later, into
// the tower, and counts the open incidents again (those counted on the
// node now belong beneath it). Their names resolve from then on.
func (w *world) graft(kids []model.CountedNode, now time.Time) {
	w.tower.Graft(kids)
	all := make([]model.Node, 0, len(w.nodes)+len(kids))
	for _, n := range w.nodes {
		all = append(all, n)
	}
	for _, k := range kids {
		if _, ok := w.tower.Nodes[k.Code]; ok {
			w.nodes[k.Code] = k.Node
			all = append(all, k.Node)
		}
	}
	w.names = model.DisplayNames(all, model.NameByCode)
	w.nodeList, w.nn = all, nil
	w.rollUp(now)
}

// nameOrCode is a node as the console names it (its display name), its
// code where the console knows no name for it.
func (w *world) nameOrCode(c model.NodeCode) string {
	if n := w.names[c]; n != "" {
		return n
	}
	return string(c)
}

// nameOf is a node's display name, or, in a room that has not read so
// deep, its nearest loaded ancestor's.
func (w *world) nameOf(c model.NodeCode) string {
	for ; c != ""; c = c.Parent() {
		if n, ok := w.names[c]; ok {
			return n
		}
	}
	return ""
}

// placeName is node c's display name, the town's above a seat below it
// too (a wartime's scope, which the seat's names do not hold); "" for a
// node the console has not read.
func (w *world) placeName(c model.NodeCode) string {
	if n, ok := w.names[c]; ok {
		return n
	}
	if c != "" && c == w.town.Code {
		return w.town.Name
	}
	return ""
}

// microName is micro-grid u's name, "渎溪村 01-02": the console's name for
// it, else, in a room that holds no micro-grid's name (the county's), its
// village's name and its code within the village.
func (w *world) microName(u model.NodeCode) string {
	if n, ok := w.names[u]; ok {
		return n
	}
	v := u.Village()
	return strings.TrimSpace(w.names[v] + " " + strings.TrimPrefix(string(u), string(v)+"-"))
}

// get returns the live incident seq.
func (w *world) get(seq uint64) (model.Incident, bool) {
	i, ok := w.pos[seq]
	if !ok {
		return model.Incident{}, false
	}
	return w.incs[i], true
}

// find returns incident seq, open, resolved or (if loaded) closed.
func (w *world) find(seq uint64) (model.Incident, bool) {
	if inc, ok := w.get(seq); ok {
		return inc, true
	}
	inc, ok := w.closed[seq]
	return inc, ok
}

// setClosed takes the closed incidents read from the store.
func (w *world) setClosed(incs []model.Incident) {
	w.closed = make(map[uint64]model.Incident, len(incs))
	for _, inc := range incs {
		w.closed[inc.Seq] = inc
		w.towns.note(inc.ID)
	}
	w.closedLoaded = true
}

// put stores a new version of an incident; a closed one leaves the console
// (for the closed ones, if they are loaded).
func (w *world) put(inc model.Incident) {
	w.towns.note(inc.ID)
	i, ok := w.pos[inc.Seq]
	if w.closedLoaded && inc.Status == model.StatusClosed {
		w.closed[inc.Seq] = inc
	}
	if inc.Status == model.StatusClosed {
		if ok {
			last := len(w.incs) - 1
			w.incs[i] = w.incs[last]
			w.pos[w.incs[i].Seq] = i
			w.incs = w.incs[:last]
			delete(w.pos, inc.Seq)
		}
		delete(w.byRef, inc.ID)
		return
	}
	if ok {
		w.incs[i] = inc
	} else {
		w.pos[inc.Seq] = len(w.incs)
		w.incs = append(w.incs, inc)
	}
	w.byRef[inc.ID] = inc.Seq
}

// apply folds a burst of events and the incidents they changed into w and
// its figures (change). Events the snapshot already holds (the feed and the
// snapshot overlap at start) are dropped by their sequence number. It
// returns how many events the ticker gained at its top.
func (w *world) apply(evs []model.Event, changed []model.Incident, now time.Time) int {
	w.change(changed, now)
	if len(w.events) > 0 {
		newest := w.events[0].Seq
		fresh := evs[:0:0]
		for _, e := range evs {
			if e.Seq > newest {
				fresh = append(fresh, e)
			}
		}
		evs = fresh
	}
	evs = tickerEvents(evs)
	for _, e := range evs {
		w.towns.note(e.Incident)
	}
	w.events = append(evs, w.events...)
	if len(w.events) > eventsKept {
		w.events = w.events[:eventsKept]
	}
	return len(evs)
}

// newerThan is how many of evs (newest first) are newer than the newest of
// old: what a snapshot read again brought to the ticker's top.
func newerThan(evs, old []model.Event) int {
	if len(old) == 0 {
		return len(evs)
	}
	n := 0
	for n < len(evs) && evs[n].Seq > old[0].Seq {
		n++
	}
	return n
}

// tickerEvents keeps the events the ticker shows: every one but the
// micro-grids' own signatures and progress reports, which arrive by the
// hundred in wartime and show as the directive pane's bars instead; one
// made on a unit's behalf (代签, a room's own few) is shown.
func tickerEvents(evs []model.Event) []model.Event {
	out := make([]model.Event, 0, len(evs))
	for _, e := range evs {
		if e.OnBehalf || e.Action != model.ActSign && e.Action != model.ActProgress {
			out = append(out, e)
		}
	}
	return out
}

// open yields the open incidents, without copying them into a slice.
func (w *world) open(yield func(model.Incident) bool) {
	for i := range w.incs {
		if w.incs[i].Status.Open() && !yield(w.incs[i]) {
			return
		}
	}
}

// rollUp recounts the open incidents on the tower and in the chain at now,
// and notes when the next SLA light will turn.
func (w *world) rollUp(now time.Time) {
	w.countedAt = now
	f := newIncidentFigures()
	w.nextLight = time.Time{}
	// One pass: the tower's roll-up walks the open incidents, and the chain's
	// figures are counted on the way.
	w.tower.RollUp(func(yield func(model.Incident) bool) {
		w.open(func(inc model.Incident) bool {
			w.count(&f, &inc, now)
			return yield(inc)
		})
	}, func(i model.Incident) model.Light { return i.Light(now) })
	for seq := range f.redSeqs {
		if !w.inc.redSeqs[seq] {
			w.turnedRed = true
			break
		}
	}
	w.inc = f
}

func newIncidentFigures() incidentFigures {
	f := incidentFigures{tiers: make([]tierFigures, len(model.Tiers)), redSeqs: map[uint64]bool{}}
	for i, t := range model.Tiers {
		f.tiers[i].tier = t
	}
	return f
}

// change puts new versions of incidents into w and its figures without
// walking the whole tower again: each one's old figures come off the nodes
// above it and its new ones go on. The chain's figures keep minima (the
// longest wait, the next light to turn), so they are counted again, in a
// pass over the open incidents that walks no tower. The tower holds the
// lights as they were when counted; if one has turned since (lightsDue),
// everything is counted again instead, and so it is when the clock went
// back (the lights could be less grave than when counted).
func (w *world) change(incs []model.Incident, now time.Time) {
	if len(incs) == 0 {
		return
	}
	if !w.loaded || w.lightsDue(now) || now.Before(w.countedAt) {
		for _, inc := range incs {
			w.put(inc)
		}
		w.rollUp(now)
		return
	}
	// The chain's figures change by what each incident takes off and puts
	// on, unless the one taken off held a minimum (the longest wait at its
	// tier, the next light to turn): then they are counted again.
	recount := false
	for _, inc := range incs {
		wasRed := false
		if old, ok := w.get(inc.Seq); ok && old.Status.Open() {
			wasRed = w.inc.redSeqs[old.Seq]
			w.tower.CountIncident(old.Node, old.Light(now), -1)
			if !w.uncount(&w.inc, &old, now) {
				recount = true
			}
		}
		w.put(inc)
		if inc.Status.Open() {
			w.tower.CountIncident(inc.Node, inc.Light(now), 1)
			w.count(&w.inc, &inc, now)
			if !wasRed && w.inc.redSeqs[inc.Seq] {
				w.turnedRed = true
			}
		}
	}
	w.countedAt = now
	if !recount {
		return
	}
	f := newIncidentFigures()
	w.nextLight = time.Time{}
	for i := range w.incs {
		if inc := &w.incs[i]; inc.Status.Open() {
			w.count(&f, inc, now)
		}
	}
	w.inc = f
}

func (w *world) count(f *incidentFigures, inc *model.Incident, now time.Time) {
	f.open++
	if r := inc.Tier.Rank(); r >= 0 {
		tf := &f.tiers[r]
		tf.waiting++
		if tf.since.IsZero() || inc.TierSince.Before(tf.since) {
			tf.since = inc.TierSince
		}
		if inc.Light(now) == model.LightRed {
			tf.red++
			f.red++
			f.redSeqs[inc.Seq] = true
		}
	}
	if c := inc.NextLightChange(now); !c.IsZero() && (w.nextLight.IsZero() || c.Before(w.nextLight)) {
		w.nextLight = c
	}
}

// uncount takes an open incident off the chain's figures, as count put it
// on at now (no light has turned since: change checks). It reports false
// when the incident held a minimum the figures keep, which only a new count
// can find again.
func (w *world) uncount(f *incidentFigures, inc *model.Incident, now time.Time) bool {
	f.open--
	ok := true
	if r := inc.Tier.Rank(); r >= 0 {
		tf := &f.tiers[r]
		tf.waiting--
		if inc.Light(now) == model.LightRed {
			tf.red--
			f.red--
			delete(f.redSeqs, inc.Seq)
		}
		if !inc.TierSince.After(tf.since) {
			ok = false
		}
	}
	if c := inc.NextLightChange(now); !c.IsZero() && !c.After(w.nextLight) {
		ok = false
	}
	return ok
}

// lightsDue reports whether some light has turned since the last roll-up.
func (w *world) lightsDue(now time.Time) bool {
	return !w.nextLight.IsZero() && !now.Before(w.nextLight)
}

// tierFigures is one row of the command chain pane.
type tierFigures struct {
	tier    model.Tier
	waiting int
	since   time.Time // the longest wait began then
	red     int
}

// incidentFigures are counted over the open incidents.
type incidentFigures struct {
	open, red int
	redSeqs   map[uint64]bool // the red ones, to tell one that turns red (world.turnedRed)
	tiers     []tierFigures
}
