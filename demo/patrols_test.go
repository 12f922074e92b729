package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The fake store's patrol side, on the pure rules.

type fakePatrols struct {
	areas     map[string]model.PatrolArea
	patrols   []model.Patrol
	findings  []model.Finding
	rotations []model.JointRotation
	reports   []model.Event
}

func (f *fakeStore) pt() *fakePatrols {
	if f.patrolData == nil {
		f.patrolData = &fakePatrols{areas: map[string]model.PatrolArea{}}
	}
	return f.patrolData
}

func (f *fakeStore) ImportAreas(_ context.Context, areas []model.PatrolArea, _ model.PersonID, _ string) (int, int, error) {
	for _, a := range areas {
		c, err := a.Clean()
		if err != nil {
			return 0, 0, err
		}
		if _, ok := f.nodes[c.Village]; !ok {
			return 0, 0, model.Errorf(model.ENOTFOUND, "no village %s", c.Village)
		}
		if p := f.person(c.Patroller); !p.Has(model.RolePatroller) {
			return 0, 0, model.Errorf(model.EINVALID, "%s is not a patroller", p.ID)
		}
		c.Since = f.now
		f.pt().areas[c.Code] = c
	}
	return len(areas), 0, nil
}

func (f *fakeStore) active() []model.Patrol {
	var out []model.Patrol
	for _, p := range f.pt().patrols {
		if p.Active() {
			out = append(out, p)
		}
	}
	return out
}

func (f *fakeStore) StartPatrol(_ context.Context, area string, by model.PersonID, _ string) (model.Patrol, bool, error) {
	a, ok := f.pt().areas[area]
	if !ok {
		return model.Patrol{}, false, model.Errorf(model.ENOTFOUND, "no area %s", area)
	}
	p, _, err := model.StartPatrol(a, uint64(len(f.pt().patrols)+1), f.person(by), f.active(), f.now)
	if err == nil {
		f.pt().patrols = append(f.pt().patrols, p)
	}
	return p, false, err
}

func (f *fakeStore) patrolOf(id string) (*model.Patrol, model.PatrolArea, error) {
	n, err := model.ParsePatrolID(id)
	if err != nil || int(n) > len(f.pt().patrols) {
		return nil, model.PatrolArea{}, model.Errorf(model.ENOTFOUND, "no patrol %q", id)
	}
	p := &f.pt().patrols[n-1]
	return p, f.pt().areas[p.Area], nil
}

func (f *fakeStore) PatrolCheckIn(_ context.Context, id, cp string, loc *model.LatLon, by model.PersonID, _ string) (model.Patrol, bool, error) {
	p, a, err := f.patrolOf(id)
	if err != nil {
		return model.Patrol{}, false, err
	}
	next, _, err := p.CheckIn(a, cp, loc, f.person(by), f.now, 1, model.PatrolNames{})
	if err == nil {
		*p = next
	}
	return next, false, err
}

func (f *fakeStore) EndPatrol(_ context.Context, id string, by model.PersonID, _ string) (model.Patrol, bool, error) {
	p, a, err := f.patrolOf(id)
	if err != nil {
		return model.Patrol{}, false, err
	}
	next, _, err := p.End(a, f.person(by), f.now, model.PatrolNames{})
	if err == nil {
		*p = next
	}
	return next, false, err
}

func (f *fakeStore) AddFinding(_ context.Context, r model.FindingReport, _ string) (model.Finding, bool, error) {
	a, ok := f.pt().areas[r.Area]
	if !ok {
		return model.Finding{}, false, model.Errorf(model.ENOTFOUND, "no area %s", r.Area)
	}
	c, err := r.Check(a, model.DefaultPolicy())
	if err != nil {
		return model.Finding{}, false, err
	}
	x, _, err := model.NewFinding(a, uint64(len(f.pt().findings)+1), c, f.person(r.By), f.now)
	if err == nil {
		f.pt().findings = append(f.pt().findings, x)
	}
	return x, false, err
}

func (f *fakeStore) findingOf(id string) (*model.Finding, error) {
	n, err := model.ParseFindingID(id)
	if err != nil || int(n) > len(f.pt().findings) {
		return nil, model.Errorf(model.ENOTFOUND, "no finding %q", id)
	}
	return &f.pt().findings[n-1], nil
}

func (f *fakeStore) MergeFinding(_ context.Context, id, incident string, by model.PersonID) (model.Finding, error) {
	x, err := f.findingOf(id)
	if err != nil {
		return model.Finding{}, err
	}
	inc, ok := f.incs[incident]
	if !ok {
		return model.Finding{}, model.Errorf(model.ENOTFOUND, "no incident %s", incident)
	}
	next, _, err := x.Merge(inc, f.person(by), f.now)
	if err == nil {
		*x = next
	}
	return next, err
}

func (f *fakeStore) CloseFinding(_ context.Context, id, reason string, by model.PersonID) (model.Finding, error) {
	x, err := f.findingOf(id)
	if err != nil {
		return model.Finding{}, err
	}
	next, _, err := x.Close(reason, f.person(by), f.now)
	if err == nil {
		*x = next
	}
	return next, err
}

func (f *fakeStore) AddRotation(_ context.Context, r model.JointRotation, _ model.PersonID, _ string) (model.JointRotation, error) {
	c, err := r.Clean()
	if err != nil {
		return c, err
	}
	for _, g := range c.Groups {
		for _, code := range g {
			if n, ok := f.nodes[code]; !ok || n.Level != model.LevelGrid {
				return c, model.Errorf(model.ENOTFOUND, "no grid %s", code)
			}
		}
	}
	pt := f.pt()
	c.Seq = uint64(len(pt.rotations) + 1)
	c.ID = model.FormatRotationID(c.Seq)
	pt.rotations = append(pt.rotations, c)
	return c, nil
}

func (f *fakeStore) Rotations(context.Context) ([]model.JointRotation, error) {
	return f.pt().rotations, nil
}

func (f *fakeStore) RotationReport(_ context.Context, id, text string, by model.PersonID) (model.Event, error) {
	for _, r := range f.pt().rotations {
		if r.ID == id {
			ev, err := r.Report(text, f.person(by), f.now)
			if err == nil {
				f.pt().reports = append(f.pt().reports, ev)
			}
			return ev, err
		}
	}
	return model.Event{}, model.Errorf(model.ENOTFOUND, "no rotation %s", id)
}

func TestAreas(t *testing.T) {
	areas := Areas(1)
	require.Len(t, areas, PatrolAreas)
	checkpoints := 0
	kinds := map[model.AreaKind]int{}
	byVillage := map[model.NodeCode]map[model.AreaKind]bool{}
	patrollers := map[model.PersonID]int{}
	d := Build(1)
	for _, a := range areas {
		c, err := a.Clean()
		require.NoError(t, err, a.Code)
		assert.Equal(t, a, c, "already in canonical form")
		checkpoints += len(a.Checkpoints)
		kinds[a.Kind]++
		if byVillage[a.Village] == nil {
			byVillage[a.Village] = map[model.AreaKind]bool{}
		}
		byVillage[a.Village][a.Kind] = true
		patrollers[a.Patroller]++
		p := d.People[a.Patroller-1]
		assert.True(t, p.Has(model.RolePatroller), "%s is assigned to a patroller", a.Code)
	}
	assert.InDelta(t, 300, checkpoints, 40, "about 300 checkpoints")
	assert.Equal(t, map[model.AreaKind]int{model.KindVillage: 27, model.KindFarmland: 25, model.KindForest: 7, model.KindReservoir: 3, model.KindRiver: 2}, kinds)
	assert.Len(t, byVillage, Villages, "every village has its areas")
	for v, ks := range byVillage {
		assert.True(t, ks[model.KindVillage], "%s has its village patrol", v)
	}
	assert.Len(t, patrollers, Patrollers, "every patroller has areas")
	for id, n := range patrollers {
		assert.GreaterOrEqual(t, n, 3, "%s", id)
		assert.LessOrEqual(t, n, 8, "%s", id)
	}
	assert.Equal(t, areas, Areas(1), "deterministic")
	assert.Equal(t, model.PersonID(20), Liaison)
	assert.True(t, d.People[Liaison-1].Has(model.RoleLiaison))
}

// TestPatrolPlan: the demo's morning at 10:30 has the areas, the findings
// merged and closed, none left on the desk, and the day's patrols since 07:00,
// every step allowed by the rules.
func TestPatrolPlan(t *testing.T) {
	f := newFake()
	require.NoError(t, Load(context.Background(), f, func(t time.Time) { f.now = t }, 1, base))
	pt := f.pt()
	require.Len(t, pt.areas, PatrolAreas)
	for _, a := range pt.areas {
		assert.Equal(t, time.Date(2026, 11, 28, 23, 59, 0, 0, base.Location()), a.Since, "added just before the day")
	}
	status := map[model.FindingStatus]int{}
	for _, x := range pt.findings {
		status[x.Status]++
		assert.True(t, x.FoundAt.Before(base))
		if x.Status == model.FindingWaiting {
			assert.True(t, base.Before(x.TriageDue(model.DefaultPatrolPolicy())), "%s on the desk is not yet past its deadline", x.ID)
		}
		if x.Status == model.FindingMerged {
			assert.True(t, strings.HasPrefix(x.Text, "巡护中发现："))
		}
	}
	assert.Zero(t, status[model.FindingWaiting], "the feed fills the desk")
	assert.Equal(t, 2, status[model.FindingClosed])
	assert.GreaterOrEqual(t, status[model.FindingMerged], 1)
	done := 0
	for _, p := range pt.patrols {
		assert.False(t, p.Started.Before(time.Date(2026, 11, 29, 7, 0, 0, 0, base.Location())))
		if p.Complete() {
			done++
		}
	}
	assert.Greater(t, len(pt.patrols), 13, "every patroller has been out")
	assert.Greater(t, done, 10)
	var stored []model.PatrolArea
	for _, a := range pt.areas {
		stored = append(stored, a)
	}
	r := model.ComputeRates(base, base, stored, pt.patrols, pt.findings, model.DefaultPatrolPolicy())
	assert.Equal(t, PatrolAreas-2, r.Due, "the two weekly reservoirs' week began before they were added")
	assert.Equal(t, done, r.Done)
	assert.Zero(t, r.Late, "first day: none behind")

	// At 03:10 the patrollers have not set out yet.
	night := time.Date(2026, 11, 29, 3, 10, 0, 0, base.Location())
	f = newFake()
	require.NoError(t, Load(context.Background(), f, func(t time.Time) { f.now = t }, 1, night))
	assert.Empty(t, f.pt().patrols)
	assert.NotEmpty(t, f.pt().findings)
}

// TestDemoRotations: the demo's three rotations, of grids of several
// villages each, have a group on duty on base's day whose grid leaders
// reported in the morning, each report by someone on duty, the night
// patrol's before the day's.
func TestDemoRotations(t *testing.T) {
	f := newFake()
	require.NoError(t, Load(context.Background(), f, func(t time.Time) { f.now = t }, 1, base))
	pt := f.pt()
	require.Len(t, pt.rotations, 3)
	acts := map[model.Activity]bool{}
	for _, r := range pt.rotations {
		acts[r.Activity] = true
		assert.GreaterOrEqual(t, r.GroupOn(base), 0, "%s has a group on duty", r.ID)
		for _, g := range r.Groups {
			villages := map[model.NodeCode]bool{}
			for _, c := range g {
				villages[c.Village()] = true
			}
			assert.Greater(t, len(villages), 1, "%s: a group crosses village borders", r.ID)
		}
	}
	assert.Len(t, acts, 3, "patrol, sweep and traffic")
	require.Len(t, pt.reports, 6, "two reports per rotation in the morning")
	for _, ev := range pt.reports {
		assert.True(t, ev.At.Before(base.Add(-time.Hour)), "an hour before base: the ticker is the script's")
		assert.Contains(t, []model.Action{model.ActRotationPatrol, model.ActRotationSweep, model.ActRotationTraffic}, ev.Action)
	}

	// Before the day's patrols, the night patrol has reported, the others not yet.
	night := time.Date(2026, 11, 29, 3, 10, 0, 0, base.Location())
	f = newFake()
	require.NoError(t, Load(context.Background(), f, func(t time.Time) { f.now = t }, 1, night))
	require.NotEmpty(t, f.pt().reports)
	for _, ev := range f.pt().reports {
		assert.Equal(t, model.ActRotationPatrol, ev.Action)
	}
}
