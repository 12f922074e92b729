package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"gridcmd/model"
)

// The demo's history: the weeks before the morning's script, so that the
// points (积分) and the scorecards (考核) have a true month behind them and
// a month before it to compare with. From the first day of the month before
// base's to ten hours before base, every day brings ordinary grid work
// (reports signed for and resolved at the grid, some passed on to the
// village, some left unsigned until the clock climbs them, some resolved
// late and supervised, a few closed as invalid, some first reported by a
// patroller or the hotline), all of it closed by the morning. In the month
// before base's there is a flood drill on the 15th (wartime over the town:
// the gaps filled with reserves, a directive signed for by the units,
// mostly in time, some on their behalf, and completed), the village cadres
// grant points for the deliberation week (网格协商周) on the 28th, and on
// the history's last evening the five best balances that reach the dining
// benefit redeem it. Everything goes through the service and its rules, like the
// script; the demo's morning is untouched.

// histStep is one thing the history does at its time.
type histStep struct {
	at    time.Time
	order int // ties at one time keep the order they were made in
	what  string
	run   func(ctx context.Context, svc model.Service, h *histState) error
}

// histState is what the steps hand on: the ids the reports got, the
// wartime units' households.
type histState struct {
	ids        map[int]string
	households map[model.NodeCode]int
	directive  string
}

// histWorld is the roster the history draws from.
type histWorld struct {
	roster
	reserves map[model.NodeCode][]model.PersonID // grid -> reserves
	workers  map[model.NodeCode]model.PersonID   // micro-grid -> its worker
	gaps     []model.NodeCode
	micros   []model.NodeCode
}

func newHistWorld(d Data) histWorld {
	w := histWorld{roster: index(d), reserves: map[model.NodeCode][]model.PersonID{}, workers: map[model.NodeCode]model.PersonID{}, gaps: d.Gaps}
	for i, p := range d.People {
		switch {
		case p.Has(model.RoleReserve):
			w.reserves[p.Node.Grid()] = append(w.reserves[p.Node.Grid()], ID(i))
		case p.Has(model.RoleMicroGridWorker):
			w.workers[p.Node] = ID(i)
		}
	}
	for _, n := range d.Nodes {
		if n.Level == model.LevelMicroGrid {
			w.micros = append(w.micros, n.Code)
		}
	}
	return w
}

// stories are the morning's titles and texts by category, for the history.
func stories() map[model.Category][]incidentSpec {
	out := map[model.Category][]incidentSpec{}
	for _, s := range incidents {
		if s.title != ArticleTitle {
			out[s.cat] = append(out[s.cat], s)
		}
	}
	return out
}

// History returns the history's steps for seed and base, in time order.
func History(seed int64, base time.Time) []histStep {
	r := rand.New(rand.NewPCG(uint64(seed), 0x486973746f7279)) // "History"
	w := newHistWorld(Build(seed))
	loc := base.Location()
	cutoff := base.Add(-10 * time.Hour)
	thisMonth := model.MonthOf(base, loc)
	prev := thisMonth.Prev()
	start := prev.Start(loc)
	drill := time.Date(prev.Year, prev.Mon, 15, 9, 0, 0, 0, loc)
	tales := stories()

	var steps []histStep
	add := func(at time.Time, what string, run func(context.Context, model.Service, *histState) error) {
		steps = append(steps, histStep{at: at, order: len(steps), what: what, run: run})
	}

	n := 0 // incidents made
	for day := start; day.Before(cutoff); day = day.AddDate(0, 0, 1) {
		count := 10 + r.IntN(8)
		for k := 0; k < count; k++ {
			at := day.Add(7*time.Hour + 30*time.Minute + time.Duration(r.IntN(11*3600+1800))*time.Second)
			if sameDay(at, drill) && at.Hour() < 15 {
				continue // the morning of the drill is the drill's
			}
			flow := w.incident(r, n, at, tales)
			if len(flow) == 0 || !flow[len(flow)-1].at.Before(cutoff) {
				continue // it would not be closed by the morning
			}
			for _, s := range flow {
				add(s.at, s.what, s.run)
			}
			n++
		}
	}
	if drill.Add(5 * time.Hour).Before(cutoff) {
		for _, s := range w.drill(r, drill) {
			add(s.at, s.what, s.run)
		}
	}
	if week := time.Date(prev.Year, prev.Mon, 28, 16, 0, 0, 0, loc); week.Before(cutoff) {
		for _, s := range w.deliberation(r, week) {
			add(s.at, s.what, s.run)
		}
	}
	if last := cutoff.Add(-2 * time.Hour); last.After(start) {
		add(last, "the best balances redeem dining", w.redeem(model.MonthOf(last, loc)))
	}
	sort.SliceStable(steps, func(i, j int) bool {
		if !steps[i].at.Equal(steps[j].at) {
			return steps[i].at.Before(steps[j].at)
		}
		return steps[i].order < steps[j].order
	})
	return steps
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// between is a random time from lo to hi after t, to the second.
func between(r *rand.Rand, t time.Time, lo, hi time.Duration) time.Time {
	return t.Add(lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)+1))*time.Second)
}

// incident is one incident's flow from its report at t, as history steps.
func (w histWorld) incident(r *rand.Rand, n int, t time.Time, tales map[model.Category][]incidentSpec) []histStep {
	grid := w.grids[r.IntN(len(w.grids))]
	village := grid.Village()
	node := grid
	if ms := w.micro[grid]; len(ms) > 0 && r.IntN(2) == 0 {
		node = ms[r.IntN(len(ms))]
	}
	cat := pickCategory(r)
	tale := tales[cat][r.IntN(len(tales[cat]))]
	// Everyday work is grave rarely: III and IV, so the grid has hours.
	sev := model.SeverityIV
	if r.IntN(10) < 6 {
		sev = model.SeverityIII
	}
	// The grid's two full-time workers file most; a part-timer now and then.
	ws := w.fulltime[grid]
	if r.IntN(10) < 2 {
		ws = w.parttime[grid]
	}
	reporter := ws[r.IntN(len(ws))]
	source := model.SourceGridPatrol
	kind := r.IntN(100)
	if kind >= 94 { // first reported by someone not of the grid: missed by it
		if r.IntN(2) == 0 {
			reporter, source = w.patrol[r.IntN(len(w.patrol))], model.SourceEcoPatrol
		} else {
			reporter, source = w.duty[r.IntN(len(w.duty))], model.SourceHotline
		}
	}
	leader := w.leader[grid]
	cadre := w.cadres[village][0]
	officer := w.duty[r.IntN(len(w.duty))]

	var out []histStep
	act := func(at time.Time, c model.Command) time.Time {
		out = append(out, histStep{at: at, what: fmt.Sprintf("%s of history incident %d", c.Action, n),
			run: func(ctx context.Context, svc model.Service, h *histState) error {
				_, err := svc.Act(ctx, h.ids[n], c)
				return err
			}})
		return at
	}
	sweep := func(at time.Time) time.Time {
		out = append(out, histStep{at: at, what: "the clocks", run: func(ctx context.Context, svc model.Service, _ *histState) error {
			_, err := svc.Sweep(ctx)
			return err
		}})
		return at
	}
	rep := model.Report{Node: node, Category: string(cat), Severity: sev, Title: tale.title, Text: tale.text, Reporter: reporter, Source: source}
	out = append(out, histStep{at: t, what: fmt.Sprintf("report of history incident %d", n),
		run: func(ctx context.Context, svc model.Service, h *histState) error {
			inc, err := svc.Report(ctx, rep)
			h.ids[n] = inc.ID
			return err
		}})
	closeIt := func(at time.Time) {
		act(between(r, at, time.Hour, 6*time.Hour), model.Command{Action: model.ActClose, By: officer, Note: "回访群众满意，归档"})
	}
	done := tale.done
	if done == "" {
		done = "已现场处置完毕"
	}
	resolveBy := leader
	if source == model.SourceGridPatrol && r.IntN(2) == 0 {
		resolveBy = reporter // the worker who found it deals with it
	}
	due := 4 * time.Hour // the grid's resolution clock for III; IV has 24h
	switch {
	case kind < 60 || kind >= 94: // signed for and resolved at the grid
		ack := act(between(r, t, 30*time.Second, 100*time.Second), model.Command{Action: model.ActAcknowledge, By: leader})
		res := act(between(r, ack, 20*time.Minute, due-30*time.Minute), model.Command{Action: model.ActResolve, By: resolveBy, Note: done})
		closeIt(res)
	case kind < 75: // passed on to the village
		ack := act(between(r, t, 30*time.Second, 100*time.Second), model.Command{Action: model.ActAcknowledge, By: leader})
		esc := act(between(r, ack, time.Minute, 5*time.Minute), model.Command{Action: model.ActEscalate, By: leader, Note: "超出网格处置能力，上报村社"})
		vack := act(between(r, esc, time.Minute, 4*time.Minute), model.Command{Action: model.ActAcknowledge, By: cadre})
		res := act(between(r, vack, 30*time.Minute, 5*time.Hour), model.Command{Action: model.ActResolve, By: cadre, Note: done})
		closeIt(res)
	case kind < 82: // nobody signed for it in two minutes: the clock climbs it
		sw := sweep(between(r, t, 2*time.Minute+5*time.Second, 2*time.Minute+40*time.Second))
		vack := act(between(r, sw, time.Minute, 4*time.Minute), model.Command{Action: model.ActAcknowledge, By: cadre})
		res := act(between(r, vack, 30*time.Minute, 5*time.Hour), model.Command{Action: model.ActResolve, By: cadre, Note: done})
		closeIt(res)
	case kind < 89: // signed for, resolved late: supervised (督办)
		if sev == model.SeverityIV {
			due = 24 * time.Hour
		}
		act(between(r, t, 30*time.Second, 100*time.Second), model.Command{Action: model.ActAcknowledge, By: leader})
		sw := sweep(between(r, t, due+time.Minute, due+30*time.Minute))
		res := act(between(r, sw, 10*time.Minute, time.Hour), model.Command{Action: model.ActResolve, By: leader, Note: done})
		closeIt(res)
	default: // looked into and closed as invalid
		ack := act(between(r, t, 30*time.Second, 100*time.Second), model.Command{Action: model.ActAcknowledge, By: leader})
		why := invalidNotes[r.IntN(len(invalidNotes))]
		act(between(r, ack, 5*time.Minute, 40*time.Minute), model.Command{Action: model.ActInvalid, By: leader, Note: why})
	}
	return out
}

// drill is the flood drill of the 15th: wartime over the town, the gaps
// filled, a directive signed for and completed, wartime ended.
func (w histWorld) drill(r *rand.Rand, at time.Time) []histStep {
	var out []histStep
	step := func(t time.Time, what string, run func(context.Context, model.Service, *histState) error) {
		out = append(out, histStep{at: t, what: what, run: run})
	}
	officer := w.duty[0]
	step(at, "the flood drill begins", func(ctx context.Context, svc model.Service, h *histState) error {
		_, err := svc.Activate(ctx, model.ReasonFlood, []model.NodeCode{Town}, true, "防汛应急演练", officer)
		return err
	})
	worker := map[model.NodeCode]model.PersonID{}
	for code, p := range w.workers {
		worker[code] = p
	}
	for i, gap := range w.gaps {
		reserve := w.reserves[gap.Grid()][i%len(w.reserves[gap.Grid()])]
		worker[gap] = reserve
		step(at.Add(time.Duration(2+i)*time.Minute), "a reserve drafted", func(ctx context.Context, svc model.Service, _ *histState) error {
			_, err := svc.DraftReserve(ctx, reserve, gap, officer)
			return err
		})
	}
	issued := at.Add(10 * time.Minute)
	step(issued, "the drill's directive", func(ctx context.Context, svc model.Service, h *histState) error {
		d, _, err := svc.IssueDirective(ctx, "逐户核查人员去向，转移低洼地带群众", []model.NodeCode{Town}, 3*time.Hour, officer, false)
		if err != nil {
			return err
		}
		h.directive = d.ID
		st, err := svc.WartimeStatus(ctx, Town)
		for _, u := range st.Units {
			h.households[u.MicroGrid] = u.Households
		}
		return err
	})
	for _, code := range w.micros {
		by := worker[code]
		signAt := between(r, issued, time.Minute, 8*time.Minute)
		switch k := r.IntN(20); {
		case k < 2: // late, by its own
			signAt = between(r, issued, 12*time.Minute, 25*time.Minute)
		case k < 3: // silent: the village room signs by phone (代签)
			signAt = between(r, issued, 15*time.Minute, 25*time.Minute)
			by = w.cadres[code.Village()][0]
		}
		signer := by
		step(signAt, "a unit signs for the drill", func(ctx context.Context, svc model.Service, h *histState) error {
			_, err := svc.SignDirective(ctx, h.directive, code, signer)
			return err
		})
		own := worker[code]
		doneAt := between(r, issued, 40*time.Minute, 150*time.Minute)
		partial := r.IntN(10) == 0
		if partial {
			step(doneAt.Add(-20*time.Minute), "a unit's progress", func(ctx context.Context, svc model.Service, h *histState) error {
				hh := h.households[code]
				_, err := svc.DirectiveProgress(ctx, h.directive, code, hh*3/5, hh, own)
				return err
			})
		}
		step(doneAt, "a unit completes the drill", func(ctx context.Context, svc model.Service, h *histState) error {
			hh := h.households[code]
			_, err := svc.DirectiveProgress(ctx, h.directive, code, hh, hh, own)
			return err
		})
	}
	for _, m := range []time.Duration{11, 21} {
		step(issued.Add(m*time.Minute), "the clocks", func(ctx context.Context, svc model.Service, _ *histState) error {
			_, err := svc.Sweep(ctx)
			return err
		})
	}
	step(at.Add(4*time.Hour), "the drill ends", func(ctx context.Context, svc model.Service, _ *histState) error {
		_, err := svc.Deactivate(ctx, "", officer)
		return err
	})
	return out
}

// deliberation is the deliberation week's (网格协商周) manual grants: each
// village's first cadre grants its grid 01's full-time workers points for
// the village deliberation they organised offline.
func (w histWorld) deliberation(r *rand.Rand, at time.Time) []histStep {
	var out []histStep
	for i, v := range w.villages {
		cadre := w.cadres[v][0]
		for _, p := range w.fulltime[v.Child(1)] {
			pts := 3 + r.IntN(4)
			out = append(out, histStep{at: at.Add(time.Duration(i) * time.Minute), what: "a deliberation-week grant",
				run: func(ctx context.Context, svc model.Service, _ *histState) error {
					_, err := svc.GrantPoints(ctx, p, pts, "网格协商周：组织村民议事、整理议事记录", cadre)
					return err
				}})
		}
	}
	return out
}

// redeem has the five best balances (of month's ranking) that reach the
// dining benefit redeem it, recorded by a cadre of their village (a duty officer for the
// town's people).
func (w histWorld) redeem(m model.Month) func(context.Context, model.Service, *histState) error {
	return func(ctx context.Context, svc model.Service, _ *histState) error {
		pm, err := svc.Points(ctx, model.PointsQuery{Month: m})
		if err != nil {
			return err
		}
		b, err := svc.Policy().Points.Benefit("dining")
		if err != nil {
			return nil // a config without dining: nothing to redeem
		}
		done := 0
		for _, p := range pm.People {
			if done == 5 {
				break
			}
			if p.Balance < b.Threshold {
				continue
			}
			by := w.duty[0]
			if v := p.Node.Village(); v != "" {
				by = w.cadres[v][0]
			}
			if by == p.Person {
				by = w.duty[len(w.duty)-1]
			}
			_, err := svc.RedeemBenefit(ctx, p.Person, b.Key, by)
			switch model.ErrorCode(err) {
			case "":
				done++
			case model.ECONFLICT: // spent since the month ended
			default:
				return err
			}
		}
		return nil
	}
}
