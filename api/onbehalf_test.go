package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A grid worker signing for a micro-grid of his grid signs on its behalf
// (代签): the field API's answer says so, and names him; the unit's own
// worker signing says nothing of the kind.
func TestAckOnTheUnitsBehalf(t *testing.T) {
	e := newEnv(t)
	_, err := e.db.Activate(e.ctx, model.ReasonFlood, []model.NodeCode{village}, false, "", e.duty.ID)
	require.NoError(t, err)
	d, _, err := e.db.IssueDirective(e.ctx, "转移低洼住户", []model.NodeCode{village}, 2*time.Hour, e.duty.ID, false)
	require.NoError(t, err)
	ack := "/api/v1/directives/" + d.ID + "/ack"

	a := e.post(ack, e.worker, "", `{"unit":"`+string(micro012)+`"}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, true, m["on_behalf"])
	assert.Equal(t, e.worker.ID.String(), m["signed_by"])

	// The unit's own worker, on another directive: no on_behalf.
	d2, _, err := e.db.IssueDirective(e.ctx, "清点物资", []model.NodeCode{village}, 2*time.Hour, e.duty.ID, false)
	require.NoError(t, err)
	a = e.post("/api/v1/directives/"+d2.ID+"/ack", e.micro, "", ``)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	_, present := a.json(t)["on_behalf"]
	assert.False(t, present, "a unit's own signature is not on its behalf")
	e.requireClean()
}

// Progress goes down only with a note: the field API takes one.
func TestProgressNoteOverTheFieldAPI(t *testing.T) {
	e := newEnv(t)
	_, err := e.db.Activate(e.ctx, model.ReasonFlood, []model.NodeCode{village}, false, "", e.duty.ID)
	require.NoError(t, err)
	d, _, err := e.db.IssueDirective(e.ctx, "逐户核查", []model.NodeCode{village}, 2*time.Hour, e.duty.ID, false)
	require.NoError(t, err)
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
