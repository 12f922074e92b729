package api_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// TestStreamCarriesTheIncidents: each batch on the local event stream
// comes with the incidents its events name, as the store published them:
// what the client would read for each one, with no call of its own.
func TestStreamCarriesTheIncidents(t *testing.T) {
	le := newLocalEnv(t)
	c, db, ctx := le.c, le.db, le.ctx
	sub := c.Subscribe()
	defer sub.Close()
	next := func() model.Batch {
		t.Helper()
		return testkit.NextBatch(t, sub, 5*time.Second, "no batch on the stream")
	}
	carried := func(b model.Batch, id string) {
		t.Helper()
		require.Len(t, b.Incidents, 1)
		stored, err := db.Incident(ctx, id)
		require.NoError(t, err)
		sameJSON(t, stored, b.Incidents[0], "as the store has it")
		read, err := c.Incident(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, read, b.Incidents[0], "as the client reads it")
	}

	inc, err := db.Report(ctx, model.Report{Node: micro011, Category: "traffic", Severity: model.SeverityII,
		Title: "货车侧翻", Reporter: le.worker.ID})
	require.NoError(t, err)
	b := next()
	require.Len(t, b.Events, 1)
	assert.Equal(t, inc.ID, b.Events[0].Incident)
	carried(b, inc.ID)

	_, err = c.Act(ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: le.worker.ID})
	require.NoError(t, err)
	b = next()
	require.Len(t, b.Events, 1)
	assert.Equal(t, model.ActAcknowledge, b.Events[0].Action)
	carried(b, inc.ID)
	assert.Equal(t, model.StatusAcknowledged, b.Incidents[0].Status)
	assert.False(t, sub.Lost())
}

// TestStreamsCountsTheFollowers: Streams is how many clients follow the
// event stream now (the consoles attached to the one holding the file,
// whose quit question counts them): one while a subscription is open,
// none once it is closed.
func TestStreamsCountsTheFollowers(t *testing.T) {
	le := newLocalEnv(t)
	assert.Equal(t, 0, le.srv.Streams())
	sub := le.c.Subscribe()
	assert.Equal(t, 1, le.srv.Streams(), "Subscribe returns once the server has subscribed")
	second := le.c.Subscribe()
	assert.Equal(t, 2, le.srv.Streams())
	second.Close()
	sub.Close()
	assert.Eventually(t, func() bool { return le.srv.Streams() == 0 }, 5*time.Second, 10*time.Millisecond)
}
