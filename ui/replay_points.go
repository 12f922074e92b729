package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// :points in a replay shows the month as it stood at the replay's clock,
// as the live console showed it then: the ledger keeps day totals, so the
// store gives the month as it stood when the replay's day began and the
// log's events of that day up to the clock are earned again from the log
// (model.PointsAt), by the rules the store books with. A month before the
// replay's is whole (nothing after the clock is in it); one after it is
// still to come, refused as the live console refuses it.

// pointsLoad reads month's points for the pane: as they stand now, or in a
// replay as they stood at its clock.
func (m Model) pointsLoad(month model.Month) tea.Cmd {
	q := model.SoFar(month, m.scope, m.now, m.opt.Location)
	if m.rp == nil || month != model.MonthOf(m.now, m.opt.Location) {
		return loadPoints(m.svc, q)
	}
	return loadPointsAt(m.svc, q, m.rp.hist, m.rp.people, m.now, m.opt.Location)
}

// loadPointsAt reads q's points (q the month of t) as they stood at t,
// and the month before to the same day, as the live pane compares them.
func loadPointsAt(svc model.Service, q model.PointsQuery, hist *model.History, people []model.Person, t time.Time, loc *time.Location) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		cur, err := pointsAt(ctx, svc, q, hist, people, t, loc)
		if err != nil {
			return pointsMsg{err: err}
		}
		prev, err := svc.Points(ctx, q.Previous())
		return pointsMsg{cur: cur, prev: prev, err: err}
	}
}

// pointsAt is q's month as it stood at t: the store's ledger when t's day
// began (the month through the day before; on the 1st the month before,
// whose balances carry over), moved on by the log's events of t's day up to
// t. An incident they name that the replay does not hold (one outside the
// seat's scope) is read for the facts its points ask.
func pointsAt(ctx context.Context, svc model.Service, q model.PointsQuery, hist *model.History, people []model.Person, t time.Time, loc *time.Location) (model.PointsMonth, error) {
	base := q
	if base.Through = t.In(loc).Day() - 1; base.Through == 0 {
		base = model.PointsQuery{Month: q.Month.Prev(), Node: q.Node}
	}
	before, err := svc.Points(ctx, base)
	if err != nil {
		return model.PointsMonth{}, err
	}
	rules, err := svc.PointRules(ctx)
	if err != nil {
		return model.PointsMonth{}, err
	}
	var day []model.Event
	for _, ev := range hist.DayOf(t, loc) {
		if rules.Names(ev.Action) {
			day = append(day, ev)
		}
	}
	more := map[uint64]model.Incident{}
	for _, id := range hist.Unheld(day) {
		inc, err := svc.Incident(ctx, id)
		switch {
		case model.ErrorCode(err) == model.ENOTFOUND: // the store's facts know none either
		case err != nil:
			return model.PointsMonth{}, err
		default:
			more[inc.Seq] = inc
		}
	}
	return model.PointsAt(before, t, loc, rules, day, hist.PointFacts(day, more), people), nil
}

// replayPoints reads the open points pane again for the replay's clock
// when the replay jumped, or stepped over events that can earn points
// (replayStep marks them); with a read under way, once it is back
// (onPoints), as that one is of a moment the replay has left.
func (m Model) replayPoints(jumped bool) tea.Cmd {
	rp := m.rp
	moved := jumped || rp.pointsMoved
	rp.pointsMoved = false
	if m.overlay != overlayPoints || !moved || m.points.month.IsZero() {
		return nil
	}
	if m.points.loading {
		rp.pointsStale = true
		return nil
	}
	month := m.points.month
	if now := model.MonthOf(m.now, m.opt.Location); now.Before(month) {
		month = now // scrubbed back into the month before
	}
	m.points.loading = true
	return m.pointsLoad(month)
}

// replayFollow reads again what the replay's clock moved: the duty and
// the points.
func (m Model) replayFollow(jumped bool) tea.Cmd {
	return tea.Batch(m.replayDuty(jumped), m.replayPoints(jumped))
}
