package model

import (
	"sort"
	"time"
)

// The patrol rate and the follow-up rate, from the records.
//
// An area is due once per window of its period. Windows are aligned to
// local midnight: a daily area's window is the day; a weekly area's runs
// Monday to Sunday; an area every 3 days has windows of 3 days counted
// from Monday 2024-01-01; one every 12 hours has two windows a day. An
// area is due from its first window that starts at or after it was added
// (Since). A window is due on the day it ends.
//
// A window is done when a patrol of the area completed (checked in at the
// share of checkpoints) inside it; late once it is over without one, or
// while it runs after the area's previous window was late (the area is
// behind); pending otherwise. On a day, the patrol rate is the windows done
// over the windows due.
//
// A finding is counted by the follow-up rate once its triage deadline has
// passed; it is followed up when it was closed with a reason or the
// incident that carries it (passed on, merged, or escalated by the clock)
// is resolved or closed. On a day, the follow-up rate is the findings of
// that day followed up over those counted, both as the records stand at
// the time asked (asOf).

// Window is one period in which an area must be patrolled: [Start, End).
type Window struct{ Start, End time.Time }

// windowEpoch is the Monday the windows of whole days are counted from.
var windowEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// civilDays is the number of calendar days from windowEpoch to the date
// y-m-d, negative before it.
func civilDays(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(windowEpoch) / (24 * time.Hour))
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// midnight is the start of t's day, in t's location.
func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// WindowAt is the window of period every that holds t, in t's location.
func WindowAt(every time.Duration, t time.Time) Window {
	const day = 24 * time.Hour
	d0 := midnight(t)
	if every <= 0 {
		return Window{d0, d0.AddDate(0, 0, 1)}
	}
	if every < day {
		s := d0.Add(t.Sub(d0) / every * every)
		return Window{s, s.Add(every)}
	}
	k := int(every / day)
	y, m, d := t.Date()
	q := floorDiv(civilDays(y, m, d), k) * k
	loc := t.Location()
	return Window{time.Date(2024, 1, 1+q, 0, 0, 0, 0, loc), time.Date(2024, 1, 1+q+k, 0, 0, 0, 0, loc)}
}

// DayWindows are the windows of a that end on day's date (in day's
// location) and are due (they start at or after a.Since), in order.
func (a PatrolArea) DayWindows(day time.Time) []Window {
	const oneDay = 24 * time.Hour
	d0 := midnight(day)
	d1 := d0.AddDate(0, 0, 1)
	var out []Window
	if a.Every <= 0 {
		return nil
	}
	if a.Every < oneDay {
		for s := d0; s.Before(d1); s = s.Add(a.Every) {
			out = append(out, Window{s, s.Add(a.Every)})
		}
	} else if w := WindowAt(a.Every, d1.Add(-time.Nanosecond)); w.End.Equal(d1) {
		out = append(out, w)
	}
	kept := out[:0]
	for _, w := range out {
		if a.dueIn(w) {
			kept = append(kept, w)
		}
	}
	return kept
}

// dueIn reports whether window w is one a must be patrolled in.
func (a PatrolArea) dueIn(w Window) bool { return !w.Start.Before(a.Since) }

// WindowState is where one window of an area stands.
type WindowState int

const (
	WindowPending WindowState = iota // running (or to come), not done yet, the area not behind
	WindowDone                       // a patrol completed in it
	WindowLate                       // over without one, or running while the area is behind
)

func (s WindowState) String() string {
	switch s {
	case WindowDone:
		return "done"
	case WindowLate:
		return "late"
	}
	return "pending"
}

// doneIn reports whether a completion falls in w by asOf.
func doneIn(w Window, completions []time.Time, asOf time.Time) bool {
	for _, c := range completions {
		if !c.Before(w.Start) && c.Before(w.End) && !c.After(asOf) {
			return true
		}
	}
	return false
}

// State is the state of window w of a at asOf, given the completion times
// of a's patrols.
func (a PatrolArea) State(w Window, completions []time.Time, asOf time.Time) WindowState {
	switch {
	case doneIn(w, completions, asOf):
		return WindowDone
	case !asOf.Before(w.End):
		return WindowLate
	case asOf.Before(w.Start):
		return WindowPending
	}
	prev := WindowAt(a.Every, w.Start.Add(-time.Nanosecond))
	if a.dueIn(prev) && !doneIn(prev, completions, asOf) {
		return WindowLate // behind: the last window went by without a patrol
	}
	return WindowPending
}

// AreaDay is one area's day: its windows due that day, done and late, the
// state of the window that holds asOf, and its last completed patrol.
type AreaDay struct {
	Area            PatrolArea
	Due, Done, Late int
	Now             WindowState // the window holding asOf (pending when it is not due)
	LastDone        time.Time   // the last patrol completed at or before asOf; zero if none
}

// KindRate is the patrol figures of one kind of area.
type KindRate struct {
	Due, Done, Late int
}

// Rate is done over due; ok false when nothing is due.
func (k KindRate) Rate() (float64, bool) { return ratio(k.Done, k.Due) }

func ratio(n, d int) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return float64(n) / float64(d), true
}

// PatrolRates are a day's two rates and the findings' weekly count.
type PatrolRates struct {
	Day  time.Time // the day's midnight
	AsOf time.Time
	KindRate
	ByKind map[AreaKind]KindRate
	// Findings are the day's findings past their triage deadline at AsOf;
	// Followed those of them followed up.
	Findings, Followed int
	// Week counts the findings of the 7 days up to the end of the day (or
	// AsOf, if sooner), PrevWeek those of the 7 days before.
	Week, PrevWeek int
}

// PatrolRate is the areas patrolled on time over the areas due.
func (r PatrolRates) PatrolRate() (float64, bool) { return r.Rate() }

// FollowUpRate is the findings followed up over those counted.
func (r PatrolRates) FollowUpRate() (float64, bool) { return ratio(r.Followed, r.Findings) }

// completionsByArea gathers each area's completion times.
func completionsByArea(patrols []Patrol) map[string][]time.Time {
	out := map[string][]time.Time{}
	for _, p := range patrols {
		if p.Complete() {
			out[p.Area] = append(out[p.Area], p.Completed)
		}
	}
	return out
}

// dayOf is the area's day: its windows due on day, their states at asOf.
func (a PatrolArea) dayOf(day, asOf time.Time, completions []time.Time) AreaDay {
	ad := AreaDay{Area: a}
	for _, w := range a.DayWindows(day) {
		ad.Due++
		switch a.State(w, completions, asOf) {
		case WindowDone:
			ad.Done++
		case WindowLate:
			ad.Late++
		}
	}
	if w := WindowAt(a.Every, asOf); a.dueIn(w) {
		ad.Now = a.State(w, completions, asOf)
	}
	for _, c := range completions {
		if !c.After(asOf) && c.After(ad.LastDone) {
			ad.LastDone = c
		}
	}
	return ad
}

// AreaDays is every area's day, in the order of areas.
func AreaDays(day, asOf time.Time, areas []PatrolArea, patrols []Patrol) []AreaDay {
	byArea := completionsByArea(patrols)
	out := make([]AreaDay, len(areas))
	for i, a := range areas {
		out[i] = a.dayOf(day, asOf, byArea[a.Code])
	}
	return out
}

// ComputeRates is the day's rates at asOf. day is any instant of the day
// in the town's location; patrols must include every patrol that may have
// completed in a window ending that day; findings those found from 14
// days before the day to its end (each with its incident's status).
func ComputeRates(day, asOf time.Time, areas []PatrolArea, patrols []Patrol, findings []Finding, p PatrolPolicy) PatrolRates {
	d0 := midnight(day)
	d1 := d0.AddDate(0, 0, 1)
	r := PatrolRates{Day: d0, AsOf: asOf, ByKind: map[AreaKind]KindRate{}}
	for _, ad := range AreaDays(day, asOf, areas, patrols) {
		k := r.ByKind[ad.Area.Kind]
		k.Due, k.Done, k.Late = k.Due+ad.Due, k.Done+ad.Done, k.Late+ad.Late
		r.ByKind[ad.Area.Kind] = k
		r.Due, r.Done, r.Late = r.Due+ad.Due, r.Done+ad.Done, r.Late+ad.Late
	}
	end := d1
	if asOf.Before(end) {
		end = asOf
	}
	weekAgo := end.Add(-7 * 24 * time.Hour)
	twoWeeks := end.Add(-14 * 24 * time.Hour)
	for _, f := range findings {
		switch {
		case f.FoundAt.After(end):
		case f.FoundAt.After(weekAgo):
			r.Week++
		case f.FoundAt.After(twoWeeks):
			r.PrevWeek++
		}
		if f.FoundAt.Before(d0) || !f.FoundAt.Before(d1) || asOf.Before(f.TriageDue(p)) {
			continue
		}
		r.Findings++
		if f.FollowedUp() {
			r.Followed++
		}
	}
	return r
}

// PatrollerDay is a patroller's day on the patrol pane.
type PatrollerDay struct {
	Person    Person
	Areas     int    // areas assigned to them
	Current   Patrol // the patrol running now; zero Seq when none
	LastCheck time.Time
	Silent    bool // on patrol and not heard from for the silence
	Done      int  // patrols completed today
}

// RotationDay is a joint rotation on the day: the group on duty and how
// many activity reports it has filed.
type RotationDay struct {
	Rotation JointRotation
	Group    int // 0-based; -1 before the rotation starts
	Grids    []NodeCode
	Reports  int
}

// PatrolBoard is what the patrol pane shows: the day's rates, every area's
// day, the patrollers, the rotations on duty and the desk's count.
type PatrolBoard struct {
	Rates      PatrolRates
	Areas      []AreaDay
	Patrollers []PatrollerDay
	Rotations  []RotationDay
	Waiting    int // findings on the desk
	DeskLate   int // of them, past the triage deadline (about to climb)
}

// BoardInput is what BuildBoard reads: the records of the day and what
// led to it.
type BoardInput struct {
	Day, AsOf  time.Time
	Areas      []PatrolArea
	Patrols    []Patrol  // those started from two periods before the day on
	Findings   []Finding // those found from 14 days before the day on, and every one still waiting
	Patrollers []Person
	Rotations  []JointRotation
	Reports    map[string]int // rotation id -> activity reports on the day
}

// BuildBoard is the day's board at in.AsOf.
func BuildBoard(in BoardInput, p PatrolPolicy) PatrolBoard {
	b := PatrolBoard{
		Rates: ComputeRates(in.Day, in.AsOf, in.Areas, in.Patrols, in.Findings, p),
		Areas: AreaDays(in.Day, in.AsOf, in.Areas, in.Patrols),
	}
	d0 := midnight(in.Day)
	d1 := d0.AddDate(0, 0, 1)
	assigned := map[PersonID]int{}
	for _, a := range in.Areas {
		assigned[a.Patroller]++
	}
	byPerson := map[PersonID]*PatrollerDay{}
	for _, person := range in.Patrollers {
		b.Patrollers = append(b.Patrollers, PatrollerDay{Person: person, Areas: assigned[person.ID]})
	}
	for i := range b.Patrollers {
		byPerson[b.Patrollers[i].Person.ID] = &b.Patrollers[i]
	}
	for _, pt := range in.Patrols {
		pd := byPerson[pt.Patroller]
		if pd == nil || pt.Started.After(in.AsOf) {
			continue
		}
		if pt.Active() {
			pd.Current = pt
			pd.Silent = pt.Silent(in.AsOf, p.Silence)
		}
		if seen := pt.LastSeen(); !seen.Before(d0) && seen.Before(d1) && seen.After(pd.LastCheck) && !seen.After(in.AsOf) {
			pd.LastCheck = seen
		}
		if pt.Complete() && !pt.Completed.Before(d0) && pt.Completed.Before(d1) && !pt.Completed.After(in.AsOf) {
			pd.Done++
		}
	}
	for _, r := range in.Rotations {
		g := r.GroupOn(in.Day)
		rd := RotationDay{Rotation: r, Group: g, Reports: in.Reports[r.ID]}
		if g >= 0 {
			rd.Grids = r.Groups[g]
		}
		b.Rotations = append(b.Rotations, rd)
	}
	for _, f := range in.Findings {
		if f.Status == FindingWaiting {
			b.Waiting++
			if !in.AsOf.Before(f.TriageDue(p)) {
				b.DeskLate++
			}
		}
	}
	return b
}

// SortDesk orders findings as the liaison reads them: waiting first,
// oldest first; then the handled ones, most recently handled first.
func SortDesk(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if (a.Status == FindingWaiting) != (b.Status == FindingWaiting) {
			return a.Status == FindingWaiting
		}
		if a.Status == FindingWaiting {
			if !a.FoundAt.Equal(b.FoundAt) {
				return a.FoundAt.Before(b.FoundAt)
			}
			return a.Seq < b.Seq
		}
		if !a.HandledAt.Equal(b.HandledAt) {
			return a.HandledAt.After(b.HandledAt)
		}
		return a.Seq > b.Seq
	})
}
