package cli

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/internal/demodb"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// rosterCalls is a service that counts its roster reads: over the local
// RPC each is a round trip.
type rosterCalls struct {
	model.Service
	calls int
}

func (r *rosterCalls) Person(ctx context.Context, id model.PersonID) (model.Person, error) {
	r.calls++
	return r.Service.Person(ctx, id)
}

func (r *rosterCalls) People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error) {
	r.calls++
	return r.Service.People(ctx, f)
}

func (r *rosterCalls) PeopleOf(ctx context.Context, ids []model.PersonID) ([]model.Person, error) {
	r.calls++
	return r.Service.PeopleOf(ctx, ids)
}

// directive show reads the phones of the slowest units' workers and of a
// unit signed for on its behalf in one roster call, not one per worker;
// each is the worker's phone, and a second read asks nothing.
func TestPhonesOfIsOneCall(t *testing.T) {
	db, _ := demodb.Open(t, "phones.db", testkit.Night, demo.Load)
	ctx := context.Background()
	const town, village model.NodeCode = "330784114", "330784114266"
	officers, err := db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	by := officers[0].ID
	_, err = db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", by)
	require.NoError(t, err)
	d, _, err := db.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{town}, 2*time.Hour, by, false)
	require.NoError(t, err)
	_, err = db.SignDirective(ctx, d.ID, village+"-01-01", by) // the officer signs for it: on its behalf
	require.NoError(t, err)
	d, units, err := db.Directive(ctx, d.ID)
	require.NoError(t, err)
	names, _, err := wartimeNames(ctx, db, town)
	require.NoError(t, err)
	s := model.Summarize(d, units, slowestShown)
	require.Len(t, s.Slowest, slowestShown)

	svc := &rosterCalls{Service: db}
	require.NoError(t, names.phonesOf(ctx, svc, s.Slowest, units))
	assert.Equal(t, 1, svc.calls, "one roster call for %d units", len(s.Slowest)+1)
	read := 0
	for _, u := range append(s.Slowest, model.DirectiveUnit{Unit: village + "-01-01"}) {
		w := names.workers[u.Unit].Worker
		if w == 0 {
			continue
		}
		p, err := db.Person(ctx, w)
		require.NoError(t, err)
		assert.Equal(t, p.Phone, names.phones[w], "%s's worker", u.Unit)
		assert.Contains(t, names.worker(u.Unit), p.Phone)
		read++
	}
	assert.Greater(t, read, 1)
	require.NoError(t, names.phonesOf(ctx, svc, s.Slowest, units))
	assert.Equal(t, 1, svc.calls, "the phones read are kept")
}
