package cli

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/internal/demodb"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// unitReads is a service that counts its wartime reads: WartimeStatus
// reads every unit of the town, its drafts and its rooms' people.
type unitReads struct {
	model.Service
	status, unit int
}

func (r *unitReads) WartimeStatus(ctx context.Context, scope model.NodeCode) (model.WartimeStatus, error) {
	r.status++
	return r.Service.WartimeStatus(ctx, scope)
}

func (r *unitReads) WartimeUnit(ctx context.Context, unit model.NodeCode) (model.UnitStatus, uint64, error) {
	r.unit++
	return r.Service.WartimeUnit(ctx, unit)
}

// A unit's actor (directive ack/progress without --by or --as) is its
// wartime worker, read with WartimeUnit (the unit's record) and not with
// WartimeStatus (the whole town's); a unit with no worker, or a town at
// peace, falls to the operator.
func TestUnitActorReadsOneUnit(t *testing.T) {
	db, _ := demodb.Open(t, "unit.db", testkit.Night, demo.Load)
	ctx := context.Background()
	const town model.NodeCode = "330784114"
	officers, err := db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	a := &app{}
	svc := &unitReads{Service: db}

	unit := model.NodeCode("330784114266-01-01")
	peace, err := a.unitActor(ctx, svc, "", unit)
	require.NoError(t, err)
	assert.Equal(t, officers[0].ID, peace, "at peace: the operator")

	_, err = db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", officers[0].ID)
	require.NoError(t, err)
	st, err := db.WartimeStatus(ctx, town)
	require.NoError(t, err)
	var worker model.PersonID
	for _, u := range st.Units {
		if u.MicroGrid == unit {
			worker = u.Worker
		}
	}
	require.NotZero(t, worker, "the demo's micro-grid has a worker")
	svc.status, svc.unit = 0, 0
	got, err := a.unitActor(ctx, svc, "", unit)
	require.NoError(t, err)
	assert.Equal(t, worker, got)
	assert.Equal(t, [2]int{0, 1}, [2]int{svc.status, svc.unit}, "reads (WartimeStatus, WartimeUnit): the unit's, not the town's")

	by, err := a.unitActor(ctx, svc, officers[1].ID.String(), unit)
	require.NoError(t, err)
	assert.Equal(t, officers[1].ID, by, "--by first")
}
