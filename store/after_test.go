package store

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// The fast path reads what encoding/json reads, and takes every record
// whose strings need no escaping.
func TestParseLoggedActionMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	r2 := rand.New(rand.NewPCG(7, 8)) // the fields of schema 11, drawn apart so r's records stay as they were
	fast := 0
	for i := 0; i < 5000; i++ {
		rec := eventRecord{
			At: pickInt(r), Actor: uint64(pickInt(r)), ActorName: pick(r), Action: pick(r), Incident: pick(r),
			IncidentSeq: uint64(pickInt(r)), Node: pick(r),
			Before: stateRecord{Tier: pick(r), Status: pick(r)}, After: stateRecord{Tier: pick(r), Status: pick(r)},
			Note: pick(r), Directive: pick(r), NoteZh: pick(r),
			Due: pickInt(r2), Subject: uint64(pickInt(r2)), Points: pickInt(r2),
			OnBehalf: r2.IntN(2) == 0, Completed: r2.IntN(2) == 0, Ref: pick(r2),
		}
		v := rec.appendJSON(nil)
		want, ok := requireFastPath(t, v, parseLoggedAction, rec.ActorName, rec.Action, rec.Incident, rec.Node,
			rec.Before.Tier, rec.Before.Status, rec.After.Tier, rec.After.Status, rec.Note, rec.Directive, rec.NoteZh, rec.Ref)
		if ok {
			fast++
		}
		dec, err := decodeLoggedAction(1, v)
		require.NoError(t, err)
		require.Equal(t, want, dec)
	}
	require.Positive(t, fast)
	_, err := decodeLoggedAction(7, []byte(`{"action":`))
	require.ErrorContains(t, err, "event 7")
}

func FuzzParseLoggedAction(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"at":1795928400000000000,"actor":5,"actor_name":"王网格员","action":"report","incident":"HJ-20261129-0001","incident_seq":1,"node":"330784114266-02-01","before":{},"after":{"tier":"grid","status":"reported"},"note":"货物散落"}`))
	f.Add([]byte(`{"action":"sign","action":"report","directive":"D-0001"}`))
	f.Add([]byte(`{"Action":"sign","actor":01,"incident_seq":18446744073709551615,"before":{"tier":1}}`))
	f.Add([]byte(`{"note":"a\"b","at":-0} `))
	fuzzFastPath(f, parseLoggedAction)
}

// The summary counts the events by their action, node, incident, directive
// and actor: not by what their notes say, and only from its own
// activation's event on.
func TestAfterActionCountsTypedFields(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, vA)
	d1, _ := w.issue(t, "逐户核查", vA)
	w.sign(t, d1.ID, a011)
	w.reportAt(t, a012, "第一次战时")
	_, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)

	b := w.activate(t, vA)
	d2, _ := w.issue(t, "清点物资", vA)
	// Notes and titles that read like the counted actions in the log's JSON.
	lookalike := `"action":"report","node":"330784114266-01-01","action":"sign","directive":"` + d2.ID + `"`
	inc := w.reportAt(t, a011, lookalike)
	_, err = w.s.ImportNodes(w.ctx, []model.Node{{Code: a011.Child(9), Level: model.LevelHousehold,
		Name: "户9", Parent: a011}}, w.duty.ID, lookalike)
	require.NoError(t, err)
	_, err = w.s.Act(w.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: w.duty.ID, Note: `"action":"resolve"`})
	require.NoError(t, err)
	w.progress(t, d2.ID, a012, 1, 2)
	w.progress(t, d2.ID, a012, 2, 2)
	// A signature on the first activation's directive is not this one's.
	_, err = w.s.SignDirective(w.ctx, d1.ID, a021, w.workers[a021].ID)
	requireCode(t, err, model.ECONFLICT)

	w.clock.Advance(time.Hour)
	x, err := w.s.Deactivate(w.ctx, b.ID, w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, x.IncidentsOpened, "the second activation's one report")
	assert.Zero(t, x.IncidentsResolved, "acknowledged, whatever its note says")
	assert.Equal(t, 1, x.PersonTimes, "甲一二 on D-0002, twice")
	require.Len(t, x.Directives, 1)
	assert.Equal(t, d2.ID, x.Directives[0].ID)
	requireClean(t, w.s)
}
