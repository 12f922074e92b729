package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
