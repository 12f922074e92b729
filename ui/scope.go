package ui

import (
	"context"
	"slices"
	"sync"

	"gridcmd/model"
)

// A seat's scope is a node: its console shows that subtree of the tower
// and nothing above it. The snapshot is read scoped by the service; the
// feed and the wartime state are cut to the scope here. "" is the whole
// tower.

// inScope reports whether code lies at or under scope.
func inScope(scope, code model.NodeCode) bool { return scope == "" || scope.Contains(code) }

// within keeps the xs whose node (by at) lies in scope; the whole slice
// when the scope is the whole tower.
func within[T any](scope model.NodeCode, xs []T, at func(T) model.NodeCode) []T {
	if scope == "" {
		return xs
	}
	out := xs[:0:0]
	for _, x := range xs {
		if inScope(scope, at(x)) {
			out = append(out, x)
		}
	}
	return out
}

// scopeEvents keeps the events on nodes in scope, those on no node, and
// a wartime's start and end and a directive's issue that reach into the
// scope from above it (reaches).
func scopeEvents(scope model.NodeCode, evs []model.Event, reach reachOf) []model.Event {
	return within(scope, evs, func(e model.Event) model.NodeCode {
		if e.Node == "" || reaches(scope, e, reach) {
			return scope
		}
		return e.Node
	})
}

// reachOf is the nodes an activation covers (its scope) or a directive goes
// to (its targets), by id: the event of its start, end or issue is at one
// node (the first of them, or the town of several), which may lie outside
// a village's or a grid's seat it reaches.
type reachOf map[string][]model.NodeCode

// reachesFromAbove reports whether e is an event whose reach is asked for:
// an activation's start, widening or end, or a directive's issue, at a
// node of the scope's town outside the scope.
func reachesFromAbove(scope model.NodeCode, e model.Event) bool {
	switch e.Action {
	case model.ActActivate, model.ActWiden, model.ActDeactivate, model.ActDirective:
		return scope != "" && e.Directive != "" && e.Node != "" && !inScope(scope, e.Node) && e.Node.Town() == scope.Town()
	}
	return false
}

// reaches reports whether e reaches into scope from above it: its
// activation covers, or its directive goes to, a node at or above the
// scope or within it. Not looked up (a replay, a refusal): a wartime at a
// node above the scope covers it; a directive is not taken to.
func reaches(scope model.NodeCode, e model.Event, reach reachOf) bool {
	if !reachesFromAbove(scope, e) {
		return false
	}
	codes, ok := reach[e.Directive]
	if !ok && e.Action != model.ActDirective {
		codes = []model.NodeCode{e.Node}
	}
	for _, c := range codes {
		if c.Contains(scope) || scope.Contains(c) {
			return true
		}
	}
	return false
}

// reachCache is the reach of the activations and directives a console has
// read, by id, so that each is read from the service once, not again for
// every batch of the feed and every page of seatEvents. A directive's
// targets never change (it is written once, as it is issued); an
// activation's scope changes only as it is widened (model.ActWiden), so
// the feed drops an activation's entry when it brings its widen event
// (widened), and everything when it lost events (forgetAll): the next
// look-up reads the scope as it is now. The feed's wait and the
// snapshot's read run beside Update, so it takes a lock; a read begun
// before an entry was dropped does not put back what it read (gen). A
// console's copies share it, and nil keeps nothing (each look-up reads).
type reachCache struct {
	mu    sync.Mutex
	known reachOf
	gen   uint64 // counts the drops
}

func newReachCache() *reachCache { return &reachCache{known: reachOf{}} }

// get is the reach of id if known, and the generation a read of it begins
// in (put).
func (rc *reachCache) get(id string) ([]model.NodeCode, uint64, bool) {
	if rc == nil {
		return nil, 0, false
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	codes, ok := rc.known[id]
	return codes, rc.gen, ok
}

// put keeps the reach of id read in generation gen, unless an entry was
// dropped since (it may have been read before the widening that dropped
// it).
func (rc *reachCache) put(id string, codes []model.NodeCode, gen uint64) {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.gen == gen {
		rc.known[id] = codes
	}
}

// widened drops the reach of the activations evs widen: their scope grew.
func (rc *reachCache) widened(evs []model.Event) {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, e := range evs {
		if e.Action == model.ActWiden && e.Directive != "" {
			delete(rc.known, e.Directive)
			rc.gen++
		}
	}
}

// forgetAll drops every reach: the feed lost events, a widening perhaps
// among them.
func (rc *reachCache) forgetAll() {
	if rc == nil {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	clear(rc.known)
	rc.gen++
}

// lookUp is the reach of the events of evs that reach into scope from
// above (reachesFromAbove): a few a wartime, each read from svc the first
// time it is asked for. One not read is left out (reaches), and read again
// when next asked for.
func (rc *reachCache) lookUp(ctx context.Context, svc model.Service, scope model.NodeCode, evs []model.Event) reachOf {
	out := reachOf{}
	for _, e := range evs {
		if _, done := out[e.Directive]; done || !reachesFromAbove(scope, e) {
			continue
		}
		codes, gen, ok := rc.get(e.Directive)
		if ok {
			out[e.Directive] = codes
			continue
		}
		if codes, err := readReach(ctx, svc, e); err == nil {
			out[e.Directive] = codes
			rc.put(e.Directive, codes, gen)
		}
	}
	return out
}

// readReach reads the reach of e's activation (its scope as it is now) or
// directive (its targets) from svc.
func readReach(ctx context.Context, svc model.Service, e model.Event) ([]model.NodeCode, error) {
	if e.Action == model.ActDirective {
		d, _, err := svc.Directive(ctx, e.Directive)
		return d.Targets, err
	}
	a, err := svc.AfterAction(ctx, e.Directive)
	return a.Activation.Scope, err
}

// scopeIncidents keeps the incidents on nodes in scope.
func scopeIncidents(scope model.NodeCode, incs []model.Incident) []model.Incident {
	return within(scope, incs, func(inc model.Incident) model.NodeCode { return inc.Node })
}

// scopeUnits keeps a directive's units in scope.
func scopeUnits(scope model.NodeCode, units []model.DirectiveUnit) []model.DirectiveUnit {
	return within(scope, units, func(u model.DirectiveUnit) model.NodeCode { return u.Unit })
}

// scopeDirective is directive d as a seat of scope sees it: its units in
// scope, summed, and how many of the others have not signed (R from the
// seat resends within its scope only and says how many lie beyond); false
// for a directive that reaches none of the scope's micro-grids (a village
// seat lists its own directives, not its neighbour's).
func scopeDirective(scope model.NodeCode, d model.Directive, units []model.DirectiveUnit) (wtDirective, bool) {
	in := scopeUnits(scope, units)
	if len(in) == 0 && len(units) > 0 {
		return wtDirective{}, false
	}
	beyond := 0
	for _, u := range units {
		if !u.Signed() && !inScope(scope, u.Unit) {
			beyond++
		}
	}
	return wtDirective{d: d, units: in, sum: model.Summarize(d, in, 5), beyond: beyond}, true
}

// scopeWartime keeps the units, drafts and staffed village rooms in scope,
// and counts the staffed units and the gaps among them.
func scopeWartime(scope model.NodeCode, st model.WartimeStatus) model.WartimeStatus {
	if scope == "" {
		return st
	}
	st.Units = within(scope, st.Units, func(u model.UnitStatus) model.NodeCode { return u.MicroGrid })
	st.Drafts = within(scope, st.Drafts, func(d model.Draft) model.NodeCode { return d.MicroGrid })
	// The village rooms in scope, or the one above a grid's seat.
	st.Rooms.Villages = slices.DeleteFunc(slices.Clone(st.Rooms.Villages), func(v model.NodeCode) bool {
		return !inScope(scope, v) && !v.Contains(scope)
	})
	return recountUnits(st)
}

// recountUnits counts st's staffed micro-grids and gaps again from its
// units, after some were left out.
func recountUnits(st model.WartimeStatus) model.WartimeStatus {
	st.Staffed, st.Gaps = 0, 0
	for _, u := range st.Units {
		if u.Worker != 0 {
			st.Staffed++
		} else {
			st.Gaps++
		}
	}
	return st
}
