package model

import (
	"maps"
	"sort"
	"time"
)

// A month's points as they stood at a moment of its log (a replay's
// :points): the ledger keeps day totals, so the moment's own day is earned
// again from the log, event by event, by the rules the writer books with.

// FirstOf reports whether no event of before (the events on ev's incident
// before it, in log order) has ev's action: PointFacts.First.
func FirstOf(ev Event, before []Event) bool {
	for _, e := range before {
		if e.Action == ev.Action {
			return false
		}
	}
	return true
}

// HolderOf is the actor of the last acknowledgement (or dispatch of a
// report not yet signed for, which signs for it) of before (the events on
// ev's incident before it, in log order) at the tier ev happened at, System
// if none: PointFacts.Holder.
func HolderOf(ev Event, before []Event) PersonID {
	tier := actTier(ev)
	for i := len(before) - 1; i >= 0; i-- {
		e := before[i]
		if e.Before.Tier != tier {
			continue
		}
		if e.Action == ActAcknowledge || e.Action == ActDispatch && e.Before.Status == StatusReported {
			return e.Actor
		}
	}
	return System
}

// LogFacts answers PointFacts for an event from what was read already: the
// incident it names (nil for none, or one not at hand) and the events on
// that incident before it, in log order.
type LogFacts struct {
	Ev     Event
	Inc    *Incident
	Before []Event
}

func (f LogFacts) Incident() (PersonID, Category, bool) {
	if f.Inc == nil {
		return System, "", false
	}
	return f.Inc.Reporter, f.Inc.Category, true
}

func (f LogFacts) First() bool      { return FirstOf(f.Ev, f.Before) }
func (f LogFacts) Holder() PersonID { return HolderOf(f.Ev, f.Before) }

// PointsAt is the ledger of t's month as it stood at t, for the people of
// a subtree. before is the ledger as it stood when t's local day began, as
// the store gives it: t's month through the day before (Through), or on the
// 1st the month before, whole, whose balances carry over. day are the log's
// events of t's day up to t, in log order, facts what each one's questions
// are answered with; what they earn under r (capped by what each person
// holds so far, as the writer caps) moves before on. people are the
// subtree's: one who earns that day without a line in before gets one.
func PointsAt(before PointsMonth, t time.Time, loc *time.Location, r PointRules, day []Event, facts func(Event) PointFacts, people []Person) PointsMonth {
	month := MonthOf(t, loc)
	out := before
	out.Month, out.Through = month, t.In(loc).Day()
	if out.Through == month.Days() {
		out.Through = 0 // as the store says a whole month
	}
	out.Indicators = r.Indicators(month.Start(loc), month.End(loc))
	out.People = make([]PersonPoints, len(before.People))
	l := NewLedger()
	line := map[PersonID]int{}
	for i, p := range before.People {
		p.By = maps.Clone(p.By)
		if before.Month != month {
			p.By, p.Total, p.Redeemed = map[string]int{}, 0, 0
		}
		for k, v := range p.By {
			l.Month[LedgerKey{month.Key(), p.Person, k}] = v
		}
		out.People[i], line[p.Person] = p, i
	}
	roster := make(map[PersonID]Person, len(people))
	for _, p := range people {
		roster[p.ID] = p
	}
	for _, ev := range day {
		if !r.Names(ev.Action) {
			continue
		}
		for _, e := range l.Apply(r, ev, loc, facts(ev)) {
			i, ok := line[e.Person]
			if !ok {
				p, ok := roster[e.Person]
				if !ok {
					continue // outside the subtree
				}
				out.People = append(out.People, MonthTotals(p, nil, 0))
				i = len(out.People) - 1
				line[e.Person] = i
			}
			out.People[i].earn(e)
		}
	}
	kept := out.People[:0]
	for i, p := range out.People {
		if i < len(before.People) || p.Total != 0 || p.Redeemed != 0 || p.Balance != 0 {
			kept = append(kept, p) // a line added for nothing in the end is not one the store lists
		}
	}
	out.People = kept
	RankPeople(out.People)
	return out
}

// earn books one entry on a person's line.
func (p *PersonPoints) earn(e PointEntry) {
	p.Balance += e.Points
	if e.Indicator == RedeemKey {
		p.Redeemed -= e.Points
		return
	}
	p.Total += e.Points
	if v := p.By[e.Indicator] + e.Points; v != 0 {
		p.By[e.Indicator] = v
	} else {
		delete(p.By, e.Indicator)
	}
}

// DayOf is the log's events of t's local day up to t, in log order, as a
// replay applies them (Step: up to the first one after t).
func (h *History) DayOf(t time.Time, loc *time.Location) []Event {
	lt := t.In(loc)
	start := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	var out []Event
	for _, ev := range h.events {
		if ev.At.After(t) {
			break
		}
		if !ev.At.Before(start) {
			out = append(out, ev)
		}
	}
	return out
}

// Unheld are the public ids of the incidents events name that the history
// does not hold (a scope's replay holds its own), each once.
func (h *History) Unheld(events []Event) []string {
	var out []string
	seen := map[uint64]bool{}
	for _, ev := range events {
		if _, ok := h.fresh[ev.IncidentSeq]; ev.IncidentSeq == 0 || ok || seen[ev.IncidentSeq] {
			continue
		}
		seen[ev.IncidentSeq] = true
		out = append(out, ev.Incident)
	}
	return out
}

// PointFacts answers the points' questions of events (of the history's
// log, in log order) as the writer answered them when it booked each: the
// incident as its report made it (more: those the history does not hold,
// by seq) and the log's events on it before the event.
func (h *History) PointFacts(events []Event, more map[uint64]Incident) func(Event) PointFacts {
	tl := map[uint64][]Event{}
	for _, ev := range events {
		if ev.IncidentSeq != 0 {
			tl[ev.IncidentSeq] = nil
		}
	}
	if len(events) > 0 {
		last := events[len(events)-1].Seq
		for _, ev := range h.events {
			if ev.Seq >= last {
				break
			}
			if on, ok := tl[ev.IncidentSeq]; ok {
				tl[ev.IncidentSeq] = append(on, ev)
			}
		}
	}
	return func(ev Event) PointFacts {
		f := LogFacts{Ev: ev}
		if ev.IncidentSeq == 0 {
			return f
		}
		if inc, ok := h.fresh[ev.IncidentSeq]; ok {
			f.Inc = &inc
		} else if inc, ok := more[ev.IncidentSeq]; ok {
			f.Inc = &inc
		}
		on := tl[ev.IncidentSeq]
		f.Before = on[:sort.Search(len(on), func(i int) bool { return on[i].Seq >= ev.Seq })]
		return f
	}
}
