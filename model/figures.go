package model

import (
	"slices"
	"time"
)

// The command room's own measures, as the header, `gridcmd stats` and
// /metrics show them: escalations in the last hour, and the article's
// measure of how fast the grid tier passes a report on (网格流转), the
// median over the last day. The store keeps them as it writes (an index of
// each escalation and of each report's pass-on), so they hold over the real
// window whatever else the log fills with.
const (
	EscalationWindow = time.Hour
	PassOnWindow     = 24 * time.Hour
)

// Figures are the measures at At, over a seat's subtree or the whole file.
type Figures struct {
	At                  time.Time
	EscalationsLastHour int           // incident escalations (by anyone, the clocks included) in (At-1h, At]
	PassOnP50           time.Duration // median pass-on in (At-24h, At], whole seconds; 0 when PassOnReports is 0
	PassOnReports       int           // how many reports that median is of
	// NextChange is when the figures change by the clock alone (an
	// escalation leaves the hour, a pass-on leaves the day); zero when
	// nothing is in either window. A console reads them again then, or when
	// an event may have changed them.
	NextChange time.Time
}

// Escalated reports whether next is old escalated (by a person or by the
// clock), and when: the escalation the figures count.
func Escalated(old, next Incident) (time.Time, bool) {
	if next.Escalations > old.Escalations {
		return next.TierSince, true
	}
	return time.Time{}, false
}

// PassOn is the article's measure for one report: the time from its report
// to the grid tier's first move on it, an acknowledgement (a dispatch signs
// for it too) or an escalation, by a person or by the clock (a report left
// until its deadline climbed waited that long; leaving it out would flatter
// the figure). old is the incident before the move and next after it; ok
// is false unless old is a report still where it started, waiting at the
// grid tier, and next has moved on. Each report has at most one.
func PassOn(old, next Incident) (at time.Time, d time.Duration, ok bool) {
	fresh := old.Tier == TierGrid && old.Status == StatusReported && StartTier(old.Node) == TierGrid &&
		old.Escalations == 0 && old.AckedAt.IsZero() && old.ResolvedAt.IsZero() && old.TierSince.Equal(old.ReportedAt)
	if !fresh || (next.Tier == TierGrid && next.Status == StatusReported) {
		return time.Time{}, 0, false
	}
	switch {
	case next.Tier != TierGrid:
		at = next.TierSince
	case !next.AckedAt.IsZero():
		at = next.AckedAt
	default:
		return time.Time{}, 0, false
	}
	return at, at.Sub(old.ReportedAt), true
}

// MedianWait is the median of ds (the upper one of an even count), in
// whole seconds, as the figures report it; 0 for none. ds is sorted in
// place.
func MedianWait(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2].Truncate(time.Second)
}
