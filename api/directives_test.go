package api_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/model"
	"gridcmd/store"
)

func TestDirectiveEndpoints(t *testing.T) {
	e, d := newDirectiveEnv(t, "转移低洼住户")
	microTok := bearer(e.tok[e.micro.ID])
	unitPath := "/api/v1/units/" + string(micro012) + "/directives"

	a := e.do(http.MethodGet, unitPath, nil, microTok)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var list []map[string]any
	require.NoError(t, jsonUnmarshal(a.body, &list))
	require.Len(t, list, 1)
	assert.Equal(t, d.ID, list[0]["id"])
	assert.Equal(t, "转移低洼住户", list[0]["text"])
	assert.Equal(t, string(micro012), list[0]["unit"])
	assert.Nil(t, list[0]["signed_at"])

	// Scope and refusals.
	assert.Equal(t, http.StatusForbidden, e.do(http.MethodGet, "/api/v1/units/"+string(micro021)+"/directives", nil, bearer(e.tok[e.worker.ID])).status)
	assert.Equal(t, http.StatusUnprocessableEntity, e.do(http.MethodGet, "/api/v1/units/nowhere/directives", nil, microTok).status)
	assert.Equal(t, http.StatusUnauthorized, e.do(http.MethodGet, unitPath, nil, nil).status)

	// The micro-grid worker signs for his own unit without naming it.
	ack := "/api/v1/directives/" + d.ID + "/ack"
	a = e.do(http.MethodPost, ack, nil, microTok)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, e.micro.ID.String(), m["signed_by"])
	assert.Equal(t, string(micro012), m["unit"])
	assert.NotNil(t, m["signed_at"])

	// A grid worker must name the unit, inside his grid.
	a = e.post(ack, e.worker, "", `{}`)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	assert.Equal(t, "unit", a.json(t)["field"])
	a = e.post(ack, e.worker, "", `{"unit":"`+string(micro021)+`"}`)
	assert.Equal(t, http.StatusForbidden, a.status)
	a = e.post(ack, e.worker, "", `{"unit":"`+string(grid01)+`"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "a grid is not a unit")
	a = e.post(ack, e.worker, "", `{"unit":"`+string(micro012)+`","extra":1}`)
	assert.Equal(t, http.StatusBadRequest, a.status)

	progress := "/api/v1/directives/" + d.ID + "/progress"
	a = e.post(progress, e.micro, "", `{"done":40,"of":70}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	m = a.json(t)
	assert.Equal(t, 40.0, m["done"])
	assert.Equal(t, 70.0, m["of"])
	assert.Nil(t, m["completed_at"])
	a = e.post(progress, e.micro, "", `{"done":40}`)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status)
	assert.Equal(t, "of", a.json(t)["field"])
	a = e.post(progress, e.micro, "", `{"done":80,"of":70}`)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "%s", a.body)
	a = e.post(progress, e.micro, "", `{"done":"all","of":70}`)
	assert.Equal(t, http.StatusBadRequest, a.status)
	a = e.post(progress, e.micro, "", `{"done":70,"of":70}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.NotNil(t, a.json(t)["completed_at"])

	a = e.post("/api/v1/directives/D-9999/ack", e.micro, "", ``)
	assert.Equal(t, http.StatusNotFound, a.status, "%s", a.body)
	e.requireClean()
}

// A grid worker signing for a micro-grid of his grid signs on its behalf
// (代签): the field API's answer says so, and names him; the unit's own
// worker signing says nothing of the kind.
func TestAckOnTheUnitsBehalf(t *testing.T) {
	e, d := newDirectiveEnv(t, "转移低洼住户")
	ack := "/api/v1/directives/" + d.ID + "/ack"

	a := e.post(ack, e.worker, "", `{"unit":"`+string(micro012)+`"}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, true, m["on_behalf"])
	assert.Equal(t, e.worker.ID.String(), m["signed_by"])

	// The unit's own worker, on another directive: no on_behalf.
	d2 := e.directive("清点物资")
	a = e.post("/api/v1/directives/"+d2.ID+"/ack", e.micro, "", ``)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	_, present := a.json(t)["on_behalf"]
	assert.False(t, present, "a unit's own signature is not on its behalf")
	e.requireClean()
}

// Progress goes down only with a note: the field API takes one.
func TestProgressNoteOverTheFieldAPI(t *testing.T) {
	e, d := newDirectiveEnv(t, "逐户核查")
	progress := "/api/v1/directives/" + d.ID + "/progress"

	a := e.post(progress, e.micro, "", `{"done":40,"of":70}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	a = e.post(progress, e.micro, "", `{"done":30,"of":70}`)
	assert.Equal(t, http.StatusConflict, a.status, "%s", a.body)
	assert.Equal(t, "done", a.json(t)["field"])
	assert.NotEmpty(t, a.json(t)["error_zh"])
	a = e.post(progress, e.micro, "", `{"done":30,"of":70,"note":"复核：10 户重复登记"}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, 30.0, a.json(t)["done"])
	a = e.post(progress, e.micro, "", `{"done":1,"of":71}`)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "of is at most the unit's 70 households: %s", a.body)
	assert.Equal(t, "of", a.json(t)["field"])
	e.requireClean()
}

// A reserve of grid 02 drafted into 渎溪1-1 (grid 01, a gap) is that
// unit's wartime worker: the field API lets it sign and report progress
// for it as the store does (model.MaySignFor), though the unit lies
// outside its own node; one rule, not the API's narrower pre-check. Its
// signature is the unit's own, not on its behalf.
func TestDraftedReserveActsForItsUnitOverTheFieldAPI(t *testing.T) {
	e, d := newDirectiveEnv(t, "转移低洼住户")
	reserve := e.draftedReserve()
	tok := e.tok[reserve.ID]
	d2 := e.directive("清点物资") // after the draft: the same worker either way

	for _, id := range []string{d.ID, d2.ID} {
		a := e.post("/api/v1/directives/"+id+"/ack", reserve, "", `{"unit":"`+string(micro011)+`"}`)
		require.Equal(t, http.StatusOK, a.status, "%s: %s", id, a.body)
		m := a.json(t)
		assert.Equal(t, reserve.ID.String(), m["signed_by"])
		_, behalf := m["on_behalf"]
		assert.False(t, behalf, "the unit's wartime worker signs as its own")
	}
	a := e.post("/api/v1/directives/"+d.ID+"/progress", reserve, "", `{"unit":"`+string(micro011)+`","done":20,"of":60}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, 20.0, a.json(t)["done"])

	// It lists its unit's directives too, as the unit's own worker does.
	a = e.do(http.MethodGet, "/api/v1/units/"+string(micro011)+"/directives", nil, bearer(tok))
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var list []map[string]any
	require.NoError(t, jsonUnmarshal(a.body, &list))
	assert.Len(t, list, 2)
	a = e.do(http.MethodGet, "/api/v1/units/"+string(micro012)+"/directives", nil, bearer(tok))
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)

	// Not another unit of grid 01: the draft reaches the one it serves.
	a = e.post("/api/v1/directives/"+d.ID+"/ack", reserve, "", `{"unit":"`+string(micro012)+`"}`)
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
	assert.Equal(t, "unit", a.json(t)["field"])
	assert.Contains(t, a.json(t)["error"], "may act only within")
	assert.NotEmpty(t, a.json(t)["error_zh"])
	e.requireClean()
}

// An outsider learns nothing of where a directive went: the refusal for a
// unit outside its scope is 403 whether or not the directive reached the
// unit (the store checks the scope before it looks for the unit's copy).
func TestOutsiderIsRefusedBeforeTheUnitIsLookedUp(t *testing.T) {
	e := newEnv(t)
	e.floodWartime()
	d, _, err := e.db.IssueDirective(e.ctx, "加固堤坝", []model.NodeCode{grid01}, 2*time.Hour, e.duty.ID, false)
	require.NoError(t, err)
	for _, path := range []string{"/ack", "/progress"} {
		body := `{"unit":"` + string(micro021) + `","done":1,"of":2}`
		if path == "/ack" {
			body = `{"unit":"` + string(micro021) + `"}`
		}
		// micro021 is outside grid 01's worker's scope, and the directive did not go there.
		a := e.post("/api/v1/directives/"+d.ID+path, e.worker, "", body)
		assert.Equal(t, http.StatusForbidden, a.status, "%s: %s", path, a.body)
		// The grid 02 leader, within scope: the unit was not sent it.
		a = e.post("/api/v1/directives/"+d.ID+path, e.leader, "", body)
		assert.Equal(t, http.StatusNotFound, a.status, "%s: %s", path, a.body)
	}
	e.requireClean()
}

// An ack's answer counts the unit's work as the console's directive pane
// does, 0/70: of is the unit's households until it reports its own (a QA
// saw "of":0 beside the pane's 0/80); so does the unit's list of its
// directives. A progress report's of is its own.
func TestAckAnswersOfTheUnitsHouseholds(t *testing.T) {
	e, d := newDirectiveEnv(t, "转移低洼住户")
	microTok := bearer(e.tok[e.micro.ID])
	unitPath := "/api/v1/units/" + string(micro012) + "/directives"
	list := func() []map[string]any {
		a := e.do(http.MethodGet, unitPath, nil, microTok)
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		var l []map[string]any
		require.NoError(t, jsonUnmarshal(a.body, &l))
		require.Len(t, l, 1)
		return l
	}
	assert.Equal(t, 70.0, list()[0]["of"], "before it signs")

	a := e.do(http.MethodPost, "/api/v1/directives/"+d.ID+"/ack", nil, microTok)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, 0.0, m["done"])
	assert.Equal(t, 70.0, m["of"], "%s", a.body)
	assert.Equal(t, 70.0, list()[0]["of"])

	a = e.post("/api/v1/directives/"+d.ID+"/progress", e.micro, "", `{"done":10,"of":64}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, 64.0, a.json(t)["of"], "its own once it reports it")
	assert.Equal(t, 64.0, list()[0]["of"])
}

// statusReads is the store, counting the reads of a whole wartime status.
type statusReads struct {
	*store.DB
	n atomic.Int64
}

func (s *statusReads) WartimeStatus(ctx context.Context, scope model.NodeCode) (model.WartimeStatus, error) {
	s.n.Add(1)
	return s.DB.WartimeStatus(ctx, scope)
}

// An ack, a unit's list of its directives and a drafted reserve's look at
// the unit it serves read that one unit of the wartime (WartimeUnit), not
// the town's whole status (every unit, the drafts, the rooms' people), a
// read per ack when many units ack at once; the answers are as before:
// of the unit's households as the activation counted them.
func TestUnitAnswersReadOneUnit(t *testing.T) {
	e, d := newDirectiveEnv(t, "转移低洼住户")
	reserve := e.draftedReserve()
	tok := e.tok[reserve.ID]
	st, err := e.db.WartimeStatus(e.ctx, town)
	require.NoError(t, err)
	households := map[model.NodeCode]float64{}
	for _, u := range st.Units {
		households[u.MicroGrid] = float64(u.Households)
	}
	require.Equal(t, 68.0, households[micro011], "60 and its household unit's 8")

	reads := &statusReads{DB: e.db}
	_, e.url = serveService(t, reads, e.db, api.Options{})
	list := func(unit model.NodeCode, p model.Person) []map[string]any {
		a := e.do(http.MethodGet, "/api/v1/units/"+string(unit)+"/directives", nil, bearer(e.tok[p.ID]))
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		var l []map[string]any
		require.NoError(t, jsonUnmarshal(a.body, &l))
		require.Len(t, l, 1)
		return l
	}
	a := e.post("/api/v1/directives/"+d.ID+"/ack", e.micro, "", "")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, households[micro012], a.json(t)["of"])
	a = e.post("/api/v1/directives/"+d.ID+"/ack", reserve, "", `{"unit":"`+string(micro011)+`"}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, households[micro011], a.json(t)["of"])
	assert.Equal(t, households[micro012], list(micro012, e.micro)[0]["of"])
	assert.Equal(t, households[micro011], list(micro011, reserve)[0]["of"], "the reserve serves micro011")
	a = e.do(http.MethodGet, "/api/v1/units/"+string(micro012)+"/directives", nil, bearer(tok))
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
	assert.Zero(t, reads.n.Load(), "whole wartime statuses read")
}
