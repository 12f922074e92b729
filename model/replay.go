package model

import (
	"sort"
	"strings"
	"time"
)

// The night replayed: the event log folded back into the incidents as they
// stood at any moment, for a read-only console that plays the log at a
// chosen speed. Each event is applied with the rule that wrote it (Replay),
// so what the replay shows at T is what the console showed live at T, as
// long as the policy (deadlines.*) is the one the log was written under.

// Replay applies a logged event to the incident as it stood before it, with
// the policy in force then (its Wartime set while wartime was active), and
// returns the incident after it. fresh is the incident as its report made
// it: its fixed fields (id, title, text, category, platform, severity,
// node, reporter, source); Replay takes those from it on the report event.
// An event that changes nothing an incident holds (an alert joining it)
// leaves it as it was.
func (i Incident) Replay(ev Event, fresh Incident, p Policy) Incident {
	switch ev.Action {
	case ActReport:
		n := Incident{
			Seq: fresh.Seq, ID: fresh.ID, Title: fresh.Title, Text: fresh.Text, Category: fresh.Category,
			Platform: fresh.Platform, Severity: fresh.Severity, Node: fresh.Node, Reporter: fresh.Reporter,
			Source: fresh.Source, ReportedAt: ev.At,
		}
		t := ev.After.Tier
		if t.Rank() < 0 {
			t = StartTier(n.Node)
		}
		return n.enterTier(t, ev.At, p)
	case ActAcknowledge:
		i.Status, i.AckedAt = StatusAcknowledged, ev.At
		return i.unsupervise()
	case ActEscalate:
		to := ev.After.Tier
		if to.Rank() < 0 {
			to = i.Tier.Next()
		}
		i = i.enterTier(to, ev.At, p)
		i.Escalations++
		return i
	case ActSupervise:
		i.Supervised = true
		i.Supervisions++
		i.NextSupervision = time.Time{}
		if w := p.ResuperviseWindow(); i.Tier == TierTaskForce && w > 0 {
			i.NextSupervision = ev.At.Add(w)
		}
		return i
	case ActDispatch:
		if i.AckedAt.IsZero() {
			i.AckedAt = ev.At
		}
		if i.Status == StatusReported {
			i = i.unsupervise()
		}
		i.Status, i.DispatchedAt = StatusDispatched, ev.At
		// The note is "platform / department[: note]" (Apply writes it so).
		if plat, rest, ok := strings.Cut(ev.Note, " / "); ok {
			if pl, err := ParsePlatform(plat); err == nil {
				i.Platform = pl
			}
			dept, _, _ := strings.Cut(rest, ": ")
			i.Department = dept
		}
		return i
	case ActResolve:
		i.Status, i.ResolvedAt = StatusResolved, ev.At
		if ev.Actor == System {
			i.Supervised, i.NextSupervision = false, time.Time{}
		}
		return i
	case ActClose:
		i.Status, i.ClosedAt = StatusClosed, ev.At
		return i
	case ActInvalid: // closed as invalid (作废): no case, and no supervision any more
		i.Status, i.ClosedAt = StatusClosed, ev.At
		i.Supervised, i.NextSupervision = false, time.Time{}
		return i
	case ActReopen:
		i = i.enterTier(i.Tier, ev.At, p)
		i.ResolvedAt = time.Time{}
		return i
	}
	return i
}

// History is the event log ready to be replayed: the incidents as their
// reports made them, and the events in log order. State(t) is what stood
// at t; Step moves a replay on.
type History struct {
	fresh  map[uint64]Incident
	events []Event // in log order
	policy Policy
}

// NewHistory takes the incidents (as stored now: only their fixed fields
// are read) and the log's events in any order, and the policy the log was
// written under.
func NewHistory(incidents []Incident, events []Event, p Policy) *History {
	h := &History{fresh: make(map[uint64]Incident, len(incidents)), policy: p}
	for _, inc := range incidents {
		h.fresh[inc.Seq] = inc
	}
	h.events = append([]Event(nil), events...)
	sort.SliceStable(h.events, func(a, b int) bool { return h.events[a].Seq < h.events[b].Seq })
	return h
}

// Span is the time of the first and the last event (zero when none).
func (h *History) Span() (first, last time.Time) {
	if len(h.events) == 0 {
		return time.Time{}, time.Time{}
	}
	return h.events[0].At, h.events[len(h.events)-1].At
}

// Len is how many events the history holds.
func (h *History) Len() int { return len(h.events) }

// Replayed is the state a replay has reached: the incidents as they stand
// (every one reported so far, closed ones included), the wartime flag, and
// how far into the log it is.
type Replayed struct {
	Incidents map[uint64]Incident
	Wartime   bool
	Next      int // index of the next event to apply
	At        time.Time
}

// Start is the state before the first event.
func (h *History) Start() Replayed {
	return Replayed{Incidents: map[uint64]Incident{}}
}

// Step applies the events up to and including t to r and returns them (in
// log order) with the incidents they changed, each once, as they stand
// after them. A t before r.At changes nothing: start again from Start.
func (h *History) Step(r *Replayed, t time.Time) ([]Event, []Incident) {
	from := r.Next
	var changed []uint64
	seen := map[uint64]bool{}
	for r.Next < len(h.events) && !h.events[r.Next].At.After(t) {
		ev := h.events[r.Next]
		r.Next++
		switch ev.Action {
		case ActActivate:
			r.Wartime = true
		case ActDeactivate:
			r.Wartime = false
		}
		if ev.IncidentSeq == 0 {
			continue
		}
		fresh, ok := h.fresh[ev.IncidentSeq]
		if !ok {
			continue
		}
		p := h.policy
		p.Wartime = r.Wartime
		r.Incidents[ev.IncidentSeq] = r.Incidents[ev.IncidentSeq].Replay(ev, fresh, p)
		if !seen[ev.IncidentSeq] {
			seen[ev.IncidentSeq] = true
			changed = append(changed, ev.IncidentSeq)
		}
	}
	if t.After(r.At) {
		r.At = t
	}
	incs := make([]Incident, len(changed))
	for k, seq := range changed {
		incs[k] = r.Incidents[seq]
	}
	return h.events[from:r.Next], incs
}

// State is the replay at t, from the start: every incident reported by t,
// as it stood (closed ones included), and the events up to t, newest
// first, at most limit of them (0: all).
func (h *History) State(t time.Time, limit int) (Replayed, []Incident, []Event) {
	r := h.Start()
	evs, _ := h.Step(&r, t)
	incs := make([]Incident, 0, len(r.Incidents))
	for _, inc := range r.Incidents {
		incs = append(incs, inc)
	}
	sort.Slice(incs, func(a, b int) bool { return incs[a].Seq < incs[b].Seq })
	n := len(evs)
	if limit > 0 && n > limit {
		n = limit
	}
	newest := make([]Event, n)
	for k := range newest {
		newest[k] = evs[len(evs)-1-k]
	}
	return r, incs, newest
}

// Figures are the command room's figures at t as the store gave them then:
// escalations in (t-1h, t] and the pass-on median over (t-24h, t], by the
// rules the writer keeps its indexes with (Escalated, PassOn), over the
// incidents the log replays, within scope ("" for all). A replay's header
// shows these. NextChange is left zero: a replay reads them at each step.
func (h *History) Figures(t time.Time, scope NodeCode) Figures {
	f := Figures{At: t}
	incs := map[uint64]Incident{}
	wartime := false
	var waits []time.Duration
	for _, ev := range h.events {
		if ev.At.After(t) {
			break
		}
		switch ev.Action {
		case ActActivate:
			wartime = true
		case ActDeactivate:
			wartime = false
		}
		fresh, ok := h.fresh[ev.IncidentSeq]
		if ev.IncidentSeq == 0 || !ok {
			continue
		}
		p := h.policy
		p.Wartime = wartime
		old := incs[ev.IncidentSeq]
		next := old.Replay(ev, fresh, p)
		incs[ev.IncidentSeq] = next
		if scope != "" && !scope.Contains(next.Node) {
			continue
		}
		if at, ok := Escalated(old, next); ok && at.After(t.Add(-EscalationWindow)) && !at.After(t) {
			f.EscalationsLastHour++
		}
		if at, d, ok := PassOn(old, next); ok && at.After(t.Add(-PassOnWindow)) && !at.After(t) {
			waits = append(waits, d)
		}
	}
	f.PassOnReports = len(waits)
	f.PassOnP50 = MedianWait(waits)
	return f
}
