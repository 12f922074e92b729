package model

import (
	"strings"
	"time"
)

// Looking back: the console's :replay, gridcmd replay and gridcmd timeline
// export read the two ends of their window here, so that one time typed
// means one moment wherever it is typed.

// PastClock reads a bare time of day (21:30, 21：30) as a duty officer
// looking back means it: the last such time at or before now, in loc
// (today's, or yesterday's while today's is still to come). ok is false
// for anything else.
func PastClock(s string, now time.Time, loc *time.Location) (t time.Time, ok bool) {
	hm, err := time.Parse("15:04", strings.Replace(strings.TrimSpace(s), "：", ":", 1))
	if err != nil {
		return time.Time{}, false
	}
	if loc == nil {
		loc = time.Local
	}
	n := now.In(loc)
	t = time.Date(n.Year(), n.Month(), n.Day(), hm.Hour(), hm.Minute(), 0, 0, loc)
	if t.After(now) {
		t = t.AddDate(0, 0, -1)
	}
	return t, true
}

// A Lookback reads the window of what looks back: a replay, an export.
type Lookback struct {
	What, WhatZh string // the window in a refusal: "replay", "回放"
	Now          time.Time
	Loc          *time.Location
	// Dated reads an end that is not a bare time (a date with a time, RFC
	// 3339) and refuses what is neither; end is "from" or "to".
	Dated func(end, s string) (time.Time, error)
}

// Window reads a window's two ends: "" is open (the zero time), a bare
// time PastClock's, anything else Dated's. A bare end after a start is the
// first such time after the start (from 2026-12-03 09:00 to 10:00 is 12-03
// 10:00, not today's; from 23:30 to 00:10 crosses midnight), or now while
// that is still to come (at 00:05, 23:30 to 00:10 is 23:30 to now; at
// 21:15, 21:00 to 21:30 is 21:00 to now): a bare time never means the
// future, and the window the officer meant is not refused. A window whose
// end is not after its start (dated ends) is refused (Reversed).
func (l Lookback) Window(from, to string) (f, t time.Time, err error) {
	f, _, err = l.end("from", from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t, toBare, err := l.end("to", to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if toBare && !f.IsZero() {
		t = clockAfter(f, t, l.loc())
		if t.After(l.Now) {
			t = l.Now
		}
	}
	if !f.IsZero() && !t.IsZero() {
		if err := l.Reversed(f, t); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	return f, t, nil
}

// Reversed refuses a window whose end is not after its start, naming both
// ("replay from 12-07 05:00 to 12-07 02:00: the end must come after the
// start"); nil for one that is.
func (l Lookback) Reversed(f, t time.Time) error {
	if t.After(f) {
		return nil
	}
	from, to := f.In(l.loc()).Format("01-02 15:04"), t.In(l.loc()).Format("01-02 15:04")
	return Errorf(EINVALID, "%s from %s to %s: the end must come after the start", l.What, from, to).
		Zh("%s %s 至 %s：结束须晚于开始", l.WhatZh, from, to).On("to")
}

// end reads one end of the window; bare: it was a bare time.
func (l Lookback) end(which, s string) (t time.Time, bare bool, err error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, false, nil
	}
	if t, ok := PastClock(s, l.Now, l.loc()); ok {
		return t, true, nil
	}
	if l.Dated == nil {
		whichZh := map[string]string{"from": "开始", "to": "结束"}[which]
		return time.Time{}, false, Errorf(EINVALID, "%s: %q is not a time: want 21:30", which, s).
			Zh("%s：%q 不是时刻：应如 21:30", whichZh, s).On(which)
	}
	t, err = l.Dated(which, s)
	return t, false, err
}

func (l Lookback) loc() *time.Location {
	if l.Loc == nil {
		return time.Local
	}
	return l.Loc
}

// clockAfter is the first time after f, in loc, at clock's hour and
// minute: on f's day, or the next.
func clockAfter(f, clock time.Time, loc *time.Location) time.Time {
	d, c := f.In(loc), clock.In(loc)
	t := time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, loc)
	if !t.After(f) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}
