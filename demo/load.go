package demo

import (
	"context"
	"fmt"
	"time"

	"gridcmd/model"
)

// Load fills an empty store with the demo for seed: it imports Build(seed)'s
// nodes and people, checks that the people got the ids 1..N in order (the
// contract the script relies on, see ID), then plays Script(seed, base) step
// by step, and with it, in time order, the patrol side of the morning
// (patrolPlan: the patrol areas, the findings and the liaison's desk, the
// day's patrols from 07:00). Before each step it calls setClock(step.At), so the store stamps
// the step with its scripted time; before the imports it sets the clock a
// minute before the first step, and at the end it sets it to base. setClock
// may be nil (then the store's own clock stamps everything).
//
// The patrol side counts days in base's location: give base in the
// town's zone.
//
// Every step must succeed; the first refusal stops Load with an error that
// names the step and wraps the store's error.
func Load(ctx context.Context, svc model.Service, setClock func(time.Time), seed int64, base time.Time) error {
	return play(ctx, svc, setClock, seed, base, false, nil)
}

// LoadWithHistory is Load with the demo's history (History) played between
// the imports and the morning's script: the weeks before base, so that the
// points and scorecards have a true month and the month before it.
func LoadWithHistory(ctx context.Context, svc model.Service, setClock func(time.Time), seed int64, base time.Time) error {
	return play(ctx, svc, setClock, seed, base, true, nil)
}

// Play is Load with before called before each step of the script, once
// the clock is at the step's time (a test uses it to sweep the clocks and
// to look at a console following the feed as the night goes on). It also
// schedules the week of shifts (Shifts) right after the roster (after the
// history, with LoadWithHistory).
func Play(ctx context.Context, svc model.Service, setClock func(time.Time), seed int64, base time.Time, before func(at time.Time) error) error {
	return play(ctx, svc, setClock, seed, base, false, before)
}

func play(ctx context.Context, svc model.Service, setClock func(time.Time), seed int64, base time.Time, history bool, before func(at time.Time) error) error {
	clock := func(t time.Time) {
		if setClock != nil {
			setClock(t)
		}
	}
	d := Build(seed)
	steps := Script(seed, base)
	var past []histStep
	if history {
		past = History(seed, base)
	}
	switch {
	case len(past) > 0:
		clock(past[0].at.Add(-time.Minute))
	case len(steps) > 0:
		clock(steps[0].At.Add(-time.Minute))
	}
	note := fmt.Sprintf("demo --seed %d", seed) // both languages' note: the command's words, not a sentence
	added, err := svc.ImportNodes(ctx, d.Nodes, model.System, note)
	if err != nil {
		return fmt.Errorf("demo: import nodes: %w", err)
	}
	if added != len(d.Nodes) {
		return model.Errorf(model.ECONFLICT, "demo: the store already holds %d of the demo's %d nodes; load the demo into an empty store",
			len(d.Nodes)-added, len(d.Nodes))
	}
	people, err := svc.ImportPeople(ctx, d.People, model.System, note)
	if err != nil {
		return fmt.Errorf("demo: import people: %w", err)
	}
	if len(people) != len(d.People) {
		return model.Errorf(model.ECONFLICT, "demo: the store added %d of the demo's %d people; load the demo into an empty store",
			len(people), len(d.People))
	}
	for i, p := range people {
		if p.ID != ID(i) {
			return model.Errorf(model.ECONFLICT, "demo: person %d (%s) got id %s, want %s: the script needs ids 1..N in import order; load the demo into an empty store",
				i+1, p.Name, p.ID, ID(i))
		}
	}

	h := &histState{ids: map[int]string{}, households: map[model.NodeCode]int{}}
	for i, st := range past {
		if err := ctx.Err(); err != nil {
			return err
		}
		clock(st.at)
		if err := st.run(ctx, svc, h); err != nil {
			return fmt.Errorf("demo: history step %d of %d (%s at %s): %w", i+1, len(past), st.what, st.at.Format("2006-01-02 15:04:05"), err)
		}
	}

	// The week of shifts, scheduled as without the history: a minute
	// before the morning's first step.
	if len(past) > 0 && len(steps) > 0 {
		clock(steps[0].At.Add(-time.Minute))
	}
	if _, err := svc.AddShifts(ctx, Shifts(d, base), model.System, note); err != nil {
		return fmt.Errorf("demo: shifts: %w", err)
	}

	ids := make([]string, len(steps)) // the incident id each report step filed
	plan := patrolPlan(seed, base, steps)
	next := 0 // the next step of the patrol plan
	// patrols plays the plan's steps up to t (those at t after the script's).
	patrols := func(t time.Time, inclusive bool) error {
		for ; next < len(plan) && (plan[next].At.Before(t) || inclusive && plan[next].At.Equal(t)); next++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			clock(plan[next].At)
			if err := plan[next].do(ctx, svc, ids); err != nil {
				return fmt.Errorf("demo: patrol step %d of %d (%s): %w", next+1, len(plan), plan[next].what, err)
			}
		}
		return nil
	}
	for i, st := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := patrols(st.At, false); err != nil {
			return err
		}
		clock(st.At)
		if before != nil {
			if err := before(st.At); err != nil {
				return err
			}
		}
		switch {
		case st.Report != nil:
			inc, err := svc.Report(ctx, *st.Report)
			if err != nil {
				return fmt.Errorf("demo: step %d of %d (%s): %w", i+1, len(steps), st, err)
			}
			ids[i] = inc.ID
		case st.Act != nil:
			if _, err := svc.Act(ctx, ids[st.Act.Ref], st.Act.Cmd); err != nil {
				return fmt.Errorf("demo: step %d of %d (%s on %s): %w", i+1, len(steps), st, ids[st.Act.Ref], err)
			}
		}
	}
	if err := patrols(base, false); err != nil {
		return err
	}
	clock(base)
	return nil
}
