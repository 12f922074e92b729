package demo

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// fakeStore is the part of model.Service that Load uses, on the pure
// rules, with a settable clock. Other methods panic (nil embedded).
type fakeStore struct {
	model.Service
	now      time.Time
	nodes    map[model.NodeCode]model.Node
	people   []model.Person
	incs     map[string]model.Incident
	seq      uint64
	stamps   []time.Time // the clock at each Report or Act
	imported time.Time
	shifts   []model.Shift

	patrolData *fakePatrols // patrols_test.go
}

func newFake() *fakeStore {
	return &fakeStore{nodes: map[model.NodeCode]model.Node{}, incs: map[string]model.Incident{}}
}

func (f *fakeStore) ImportNodes(_ context.Context, nodes []model.Node, _ model.PersonID, _ string) (int, error) {
	f.imported = f.now
	added := 0
	for _, n := range nodes {
		if _, ok := f.nodes[n.Code]; !ok {
			f.nodes[n.Code] = n
			added++
		}
	}
	return added, nil
}

func (f *fakeStore) ImportPeople(_ context.Context, people []model.Person, _ model.PersonID, _ string) ([]model.Person, error) {
	var out []model.Person
	for _, p := range people {
		p.ID = model.PersonID(len(f.people) + 1)
		f.people = append(f.people, p)
		out = append(out, p)
	}
	return out, nil
}

// AddShifts checks each shift by the rule, as the store does.
func (f *fakeStore) AddShifts(_ context.Context, shifts []model.Shift, _ model.PersonID, _ string) ([]model.Shift, error) {
	for _, s := range shifts {
		if err := model.CheckShift(s, f.person(s.Person), nil); err != nil {
			return nil, err
		}
	}
	f.shifts = append(f.shifts, shifts...)
	return shifts, nil
}

func (f *fakeStore) person(id model.PersonID) model.Person {
	if id == model.System || int(id) > len(f.people) {
		return model.Person{ID: id}
	}
	return f.people[id-1]
}

func (f *fakeStore) Report(_ context.Context, r model.Report) (model.Incident, error) {
	if _, ok := f.nodes[r.Node]; !ok {
		return model.Incident{}, model.Errorf(model.ENOTFOUND, "no node %s", r.Node)
	}
	f.seq++
	inc, _, err := testkit.FileReport(f.seq, testkit.IncidentID("HJ", f.now, f.seq), r, f.person(r.Reporter), f.now, model.DefaultPolicy())
	if err != nil {
		return inc, err
	}
	f.incs[inc.ID] = inc
	f.stamps = append(f.stamps, f.now)
	return inc, nil
}

func (f *fakeStore) Act(_ context.Context, id string, c model.Command) (model.Incident, error) {
	inc, ok := f.incs[id]
	if !ok {
		return inc, model.Errorf(model.ENOTFOUND, "no incident %s", id)
	}
	out, _, err := inc.Apply(c, f.person(c.By), f.now, model.DefaultPolicy())
	if err != nil {
		return inc, err
	}
	f.incs[id] = out
	f.stamps = append(f.stamps, f.now)
	return out, nil
}

func TestLoad(t *testing.T) {
	f := newFake()
	require.NoError(t, Load(context.Background(), f, func(t time.Time) { f.now = t }, 1, base))
	d := Build(1)
	steps := Script(1, base)
	assert.Len(t, f.nodes, len(d.Nodes))
	assert.Len(t, f.people, len(d.People))
	assert.Len(t, f.incs, 40)
	assert.Equal(t, base, f.now)
	assert.Equal(t, steps[0].At.Add(-time.Minute), f.imported)
	require.Len(t, f.stamps, len(steps))
	for i, st := range steps {
		assert.Equal(t, st.At, f.stamps[i])
	}
	statuses := map[model.Status]bool{}
	for _, inc := range f.incs {
		statuses[inc.Status] = true
	}
	assert.Len(t, statuses, len(model.Statuses))
}

func TestLoadNeedsEmptyStore(t *testing.T) {
	f := newFake()
	f.people = []model.Person{{ID: 1, Name: "先来者"}}
	err := Load(context.Background(), f, nil, 1, base)
	assert.EqualError(t, err, "demo: person 1 ("+Build(1).People[0].Name+") got id P2, want P1: the script needs ids 1..N in import order; load the demo into an empty store")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))

	f = newFake()
	f.nodes[Town] = model.Node{Code: Town}
	err = Load(context.Background(), f, nil, 1, base)
	assert.ErrorContains(t, err, "demo: the store already holds 1 of the demo's")
}

// refusing wraps a store whose rules are stricter: it refuses every close.
type refusing struct{ *fakeStore }

func (r refusing) Act(ctx context.Context, id string, c model.Command) (model.Incident, error) {
	if c.Action == model.ActClose {
		return model.Incident{}, model.Errorf(model.EFORBIDDEN, "closing is off today")
	}
	return r.fakeStore.Act(ctx, id, c)
}

func TestLoadStopsAtRefusal(t *testing.T) {
	f := newFake()
	err := Load(context.Background(), refusing{f}, func(t time.Time) { f.now = t }, 1, base)
	require.Error(t, err)
	assert.Regexp(t, `^demo: step \d+ of \d+ \(close by P\d+ of the incident filed at step \d+ on HJ-\d{8}-\d{4}\): closing is off today$`, err.Error())
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
}
