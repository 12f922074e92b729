package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"gridcmd/model"
)

// PatrolFeed is the demo's patrollers at work: each sets out on an area
// of theirs not yet patrolled today, checks in at its checkpoints one after
// another (one round in ten skips one and ends incomplete) and ends the
// patrol; now and then one of them finds something, and the liaison's desk
// fills (three findings as it starts, then one every findEvery intervals
// or so). The incidents passed on from the desk are signed for and resolved
// by their tier's people after a while, so the follow-up rate moves, and
// closed by a duty officer a while after that. Like
// Feed it goes through the service only, and its pace scales with every.
type PatrolFeed struct {
	svc   model.Service
	r     *rand.Rand
	every time.Duration

	areas    map[string]model.PatrolArea
	mine     map[model.PersonID][]string    // each patroller's areas
	running  map[model.PersonID]*feedPatrol // the patrol each is on
	doneDay  map[string]time.Time           // the day each area was last patrolled by the feed
	cadres   map[model.NodeCode]model.PersonID
	officers []model.PersonID
	// the joint rotations, and the grid leaders and full-time grid
	// workers of each grid, who report their group's activity
	rotations []model.JointRotation
	staff     map[model.NodeCode][]model.PersonID
}

type feedPatrol struct {
	id   string
	area model.PatrolArea
	next int // index of the next checkpoint
	skip int // the checkpoint this round skips, -1 for none
}

// NewPatrolFeed makes the patrollers' feed, one step every `every` on
// average.
func NewPatrolFeed(svc model.Service, seed int64, every time.Duration) *PatrolFeed {
	return &PatrolFeed{svc: svc, r: rand.New(rand.NewPCG(uint64(seed), 0x50466565)), every: every}
}

func (f *PatrolFeed) load(ctx context.Context) error {
	areas, err := f.svc.Areas(ctx)
	if err != nil {
		return err
	}
	f.areas, f.mine = map[string]model.PatrolArea{}, map[model.PersonID][]string{}
	f.running, f.doneDay = map[model.PersonID]*feedPatrol{}, map[string]time.Time{}
	for _, a := range areas {
		f.areas[a.Code] = a
		if a.Patroller != 0 {
			f.mine[a.Patroller] = append(f.mine[a.Patroller], a.Code)
		}
	}
	// Patrols already running (the morning's) go on where they are.
	active, err := f.svc.Patrols(ctx, model.PatrolFilter{Active: true})
	if err != nil {
		return err
	}
	for _, p := range active {
		a := f.areas[p.Area]
		seen := map[string]bool{}
		for _, c := range p.CheckIns {
			seen[c.Checkpoint] = true
		}
		next := 0
		for next < len(a.Checkpoints) && seen[a.Checkpoints[next].Code] {
			next++
		}
		f.running[p.Patroller] = &feedPatrol{id: p.ID, area: a, next: next, skip: -1}
	}
	now := f.svc.Now()
	today, err := f.svc.Patrols(ctx, model.PatrolFilter{Since: midnightOf(now)})
	if err != nil {
		return err
	}
	for _, p := range today {
		if p.Complete() {
			f.doneDay[p.Area] = midnightOf(p.Completed)
		}
	}
	people, err := f.svc.People(ctx, model.PeopleFilter{})
	if err != nil {
		return err
	}
	f.cadres = map[model.NodeCode]model.PersonID{}
	f.staff = map[model.NodeCode][]model.PersonID{}
	for _, p := range people {
		if p.Has(model.RoleGridLeader) || p.Has(model.RoleGridWorkerFull) {
			f.staff[p.Node] = append(f.staff[p.Node], p.ID)
		}
		switch {
		case p.Has(model.RoleVillageCadre):
			if _, ok := f.cadres[p.Node]; !ok {
				f.cadres[p.Node] = p.ID
			}
		case p.Has(model.RoleDutyOfficer):
			f.officers = append(f.officers, p.ID)
		}
	}
	f.rotations, err = f.svc.Rotations(ctx)
	return err
}

func midnightOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// findEvery is about how many intervals pass between two findings.
const findEvery = 15

// Run walks the patrollers until ctx ends. Refusals (an operator acted
// first) are expected and ignored.
func (f *PatrolFeed) Run(ctx context.Context) {
	if err := f.load(ctx); err != nil || len(f.areas) == 0 {
		return
	}
	for range 3 {
		f.find(ctx)
	}
	tick := time.NewTicker(f.every)
	defer tick.Stop()
	nextFind := findEvery
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		f.step(ctx)
		if nextFind--; nextFind <= 0 {
			f.find(ctx)
			nextFind = findEvery/2 + f.r.IntN(findEvery)
		}
		if n%8 == 7 {
			f.tend(ctx)
		}
		if n%findEvery == findEvery/2 {
			f.rotationReport(ctx)
		}
	}
}

// step moves every patroller on: one out of six idle ones sets out, one
// out of three on patrol reaches the next checkpoint (or ends the round).
func (f *PatrolFeed) step(ctx context.Context) {
	now := f.svc.Now()
	for id, codes := range f.mine {
		fp := f.running[id]
		if fp == nil {
			if f.r.IntN(6) != 0 {
				continue
			}
			var todo []string
			for _, c := range codes {
				if !f.doneDay[c].Equal(midnightOf(now)) {
					todo = append(todo, c)
				}
			}
			if len(todo) == 0 {
				continue
			}
			a := f.areas[todo[f.r.IntN(len(todo))]]
			p, _, err := f.svc.StartPatrol(ctx, a.Code, id, "")
			if err != nil {
				continue
			}
			skip := -1
			if f.r.IntN(10) == 0 {
				skip = f.r.IntN(len(a.Checkpoints))
			}
			f.running[id] = &feedPatrol{id: p.ID, area: a, skip: skip}
			continue
		}
		if f.r.IntN(3) != 0 {
			continue
		}
		if fp.next == fp.skip {
			fp.next++
		}
		if fp.next >= len(fp.area.Checkpoints) {
			p, _, err := f.svc.EndPatrol(ctx, fp.id, id, "")
			if err == nil || model.ErrorCode(err) == model.ECONFLICT {
				delete(f.running, id)
			}
			if err == nil && p.Complete() {
				f.doneDay[fp.area.Code] = midnightOf(p.Completed)
			}
			continue
		}
		c := fp.area.Checkpoints[fp.next]
		if _, _, err := f.svc.PatrolCheckIn(ctx, fp.id, c.Code, c.Loc, id, ""); err == nil {
			fp.next++
		} else if model.ErrorCode(err) == model.ECONFLICT {
			delete(f.running, id) // ended by someone else
		}
	}
}

// find files a finding: by a patroller on patrol, at their area, or by any
// patroller at one of theirs.
func (f *PatrolFeed) find(ctx context.Context) {
	var a model.PatrolArea
	for _, fp := range f.running {
		a = fp.area
		break
	}
	if a.Code == "" {
		for _, x := range f.areas {
			a = x
			break
		}
	}
	if a.Patroller == 0 {
		return
	}
	stories := findingStories[a.Kind]
	s := stories[f.r.IntN(len(stories))]
	cp := a.Checkpoints[f.r.IntN(len(a.Checkpoints))]
	_, _, _ = f.svc.AddFinding(ctx, model.FindingReport{Area: a.Code, Checkpoint: cp.Code, Category: string(s.cat),
		Text: s.text, Loc: cp.Loc, By: a.Patroller}, "")
}

// tend signs for and resolves the incidents passed on from the desk, as
// their tier's people would, a few intervals apart, and closes them once
// followed up (closeFollowedUp).
func (f *PatrolFeed) tend(ctx context.Context) {
	f.closeFollowedUp(ctx)
	open, err := f.svc.Incidents(ctx, model.IncidentFilter{Open: true})
	if err != nil {
		return
	}
	now := f.svc.Now()
	for _, inc := range open {
		if inc.Source != model.SourcePatrol || now.Sub(inc.TierSince) < 5*f.every || f.r.IntN(2) == 0 {
			continue
		}
		by := f.cadres[inc.Node.Village()]
		if inc.Tier != model.TierVillage || by == 0 {
			if len(f.officers) == 0 {
				continue
			}
			by = f.officers[f.r.IntN(len(f.officers))]
		}
		c := model.Command{By: by, Action: model.ActAcknowledge}
		if inc.Status != model.StatusReported {
			c.Action, c.Note = model.ActResolve, "已到场处置完毕"
		}
		_, _ = f.svc.Act(ctx, inc.ID, c)
	}
}

// closeFollowedUp closes (归档) the incidents passed on from the desk that
// were resolved a while ago, as a duty officer does once they have been
// followed up: each some closePace intervals after its resolution (one in
// four of those due each time the feed tends), as Feed closes its own.
func (f *PatrolFeed) closeFollowedUp(ctx context.Context) {
	resolved, err := f.svc.Incidents(ctx, model.IncidentFilter{Status: model.StatusResolved})
	if err != nil || len(f.officers) == 0 {
		return
	}
	now := f.svc.Now()
	for _, inc := range resolved {
		if inc.Source != model.SourcePatrol || now.Sub(inc.ResolvedAt) < time.Duration(closePace[0]*float64(f.every)) || f.r.IntN(4) != 0 {
			continue
		}
		_, _ = f.svc.Act(ctx, inc.ID, model.Command{By: f.officers[f.r.IntN(len(f.officers))], Action: model.ActClose,
			Note: followUps[f.r.IntN(len(followUps))]})
	}
}

// rotationReport files an activity report of a joint rotation: by a grid
// leader or full-time worker of a grid of the group on duty today.
func (f *PatrolFeed) rotationReport(ctx context.Context) {
	if len(f.rotations) == 0 {
		return
	}
	r := f.rotations[f.r.IntN(len(f.rotations))]
	g := r.GroupOn(f.svc.Now())
	if g < 0 {
		return
	}
	grids := r.Groups[g]
	staff := f.staff[grids[f.r.IntN(len(grids))]]
	if len(staff) == 0 {
		return
	}
	texts := activityReports[r.Activity]
	if len(texts) == 0 {
		return
	}
	_, _ = f.svc.RotationReport(ctx, r.ID, texts[f.r.IntN(len(texts))], staff[f.r.IntN(len(staff))])
}
