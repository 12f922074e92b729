package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// reachReads counts the reads of an activation's (AfterAction) or a
// directive's reach, by id.
type reachReads struct {
	model.Service
	mu    sync.Mutex
	reads map[string]int
}

func (s *reachReads) count(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads[id]++
}

func (s *reachReads) of(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads[id]
}

func (s *reachReads) AfterAction(ctx context.Context, id string) (model.AfterAction, error) {
	s.count(id)
	return s.Service.AfterAction(ctx, id)
}

func (s *reachReads) Directive(ctx context.Context, id string) (model.Directive, []model.DirectiveUnit, error) {
	s.count(id)
	return s.Service.Directive(ctx, id)
}

// A village seat reads the reach of the town's wartime and of a
// directive from the town once each, however many times its snapshot reads
// the log back (seatEvents) and whatever later batches of the feed name
// them (the wartime's end): their scope and targets do not change.
func TestReachReadOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	svc := &reachReads{Service: f.db, reads: map[string]int{}}
	a, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	d, _, err := f.db.IssueDirective(ctx, "逐户核查", []model.NodeCode{xiaojieling, duxi}, 2*time.Hour, f.operator(t), false)
	require.NoError(t, err)

	reach := newReachCache()
	for range 3 {
		evs, err := seatEvents(ctx, svc, duxi, reach)
		require.NoError(t, err)
		var ids []string
		for _, e := range evs {
			ids = append(ids, e.Directive)
		}
		require.Contains(t, ids, a.ID, "the town's wartime reaches the village")
		require.Contains(t, ids, d.ID, "so does the directive to it among others")
	}
	sub := f.db.Subscribe()
	defer sub.Close()
	_, err = f.db.Deactivate(ctx, a.ID, f.operator(t))
	require.NoError(t, err)
	msg, ok := waitEvents(sub, svc, duxi, reach)().(eventsMsg)
	require.True(t, ok)
	require.False(t, msg.lost)
	require.Equal(t, model.ActDeactivate, msg.events[0].Action)
	assert.Equal(t, reachOf{a.ID: {huajie}}, msg.reach, "the end reaches the village as the start did")
	assert.Equal(t, 1, svc.of(a.ID), "the wartime's scope read once")
	assert.Equal(t, 1, svc.of(d.ID), "the directive's targets read once")
}

// The console keeps one cache for its snapshots and its feed: reading the
// snapshot again does not read the wartime's reach again.
func TestConsoleReadsReachOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
	require.NoError(t, err)
	svc := &reachReads{Service: f.db, reads: map[string]int{}}
	cadres, err := f.db.People(ctx, model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
	require.NoError(t, err)
	require.NotEmpty(t, cadres)
	opt := f.options(t, "en")
	opt.Seat = model.SeatOf(cadres[0])
	m := loaded(t, svc, opt, 120, 40)
	require.True(t, tickerHas(m, a.ID))
	for range 2 {
		m = update(t, m, loadSnapshot(m.svc, m.scope, m.reach)())
		require.True(t, tickerHas(m, a.ID))
	}
	assert.Equal(t, 1, svc.of(a.ID), "the wartime's scope read once")
}
