package ui

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// attach serves the fixture's store on loopback, as a console or 'gridcmd
// serve' holding the file does, and dials it as a second console would.
func attach(t *testing.T, f fixture) *api.Client {
	t.Helper()
	testkit.ServeLocal(t, f.db, f.db, f.db.Path(), "127.0.0.1:0")
	c, err := api.DialLocal(f.db.Path())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// TestAttachedConsole: a console whose service is the local API client, as
// a second officer's console is, loads the town, acts through the server,
// hears the refusals in its own language and follows the live feed.
func TestAttachedConsole(t *testing.T) {
	f := newFixture(t)
	c := attach(t, f)
	sub := c.Subscribe()
	defer sub.Close()
	m := loaded(t, c, f.options(t, "zh"), 120, 40)
	direct := f.model(t, "zh", 120, 40)
	assert.Equal(t, direct.View(), m.View(), "the same screen as the console holding the file")

	// a signs for the report waiting at the town, through the server.
	m = find(t, m, "电信诈骗预警")
	inc, _ := m.selectedIncident()
	require.Equal(t, model.StatusReported, inc.Status)
	m = keys(t, m, "a", "y")
	assert.Equal(t, model.StatusAcknowledged, stored(t, f, inc.ID).Status)
	assert.Equal(t, f.operator(t), timelineLast(t, f, inc.ID).Actor, "recorded as the operator's")
	assert.Contains(t, m.View(), inc.ID+" 已签收，现为镇指挥室「签收」")
	m = pump(t, m, sub, c) // the acknowledgement's own batch, so the next pump waits for the report's

	// a again: the rules refuse on the console's copy before anything is
	// asked; the server's refusal of the same command crosses the wire in
	// Chinese.
	m = keys(t, m, "a")
	assert.False(t, m.q.active())
	assert.Contains(t, m.View(), inc.ID+"：事件为「签收」，不能签收（已签收过）")
	m = update(t, m, flashExpiredMsg{id: m.flash.id})
	m = update(t, m, act(c, inc.ID, model.Command{Action: model.ActAcknowledge, By: f.operator(t)})())
	assert.Contains(t, m.View(), inc.ID+"：事件为「签收」，不能签收（已签收过）")

	// Another writer files a report: the client's feed brings it.
	_, err := f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "货车侧翻", Reporter: model.System})
	require.NoError(t, err)
	m = pump(t, m, sub, c)
	assert.Contains(t, m.View(), "货车侧翻")
	checkScreen(t, m, 120, 40, false)
}

func timelineLast(t *testing.T, f fixture, id string) model.Event {
	t.Helper()
	tl, err := f.db.Timeline(context.Background(), id)
	require.NoError(t, err)
	require.NotEmpty(t, tl)
	return tl[len(tl)-1]
}
