package cli_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/model"
	"gridcmd/store"
)

// TestHeartbeatRemoveAsksNamingTheSilence: removing a silent gateway asks
// first, and says its silence incident stays open for the officer to
// resolve by hand (nothing will resolve it by itself once the gateway is
// gone); not at a terminal it refuses without --yes, in the language of
// --lang, and removes nothing.
func TestHeartbeatRemoveAsksNamingTheSilence(t *testing.T) {
	e := demoEnv(t)
	pipeStdin(t, "y\n")
	// The gateway was added an hour ago and never heard: the sweep opens its silence.
	back := time.Now().Add(-time.Hour)
	db, err := store.Open(e.db, store.Options{Timeout: time.Second, Now: func() time.Time { return back }})
	require.NoError(t, err)
	_, err = db.AddHeartbeat(context.Background(), model.Heartbeat{Name: "gw-duxi", Node: "330784114266-02", Every: 10 * time.Minute}, model.System)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	var list []map[string]any
	e.ok("duty", "checkin", "--as", "P1") // an acting command: its sweep opens the silence
	e.okJSON(&list, "heartbeat", "list", "--json")
	var inc string
	for _, h := range list {
		if h["name"] == "gw-duxi" {
			inc, _ = h["incident"].(string)
		}
	}
	require.NotEmpty(t, inc, "%v", list)

	fails(t, e.run("--lang", "en", "heartbeat", "remove", "gw-duxi"), cli.ExitUsage,
		"heartbeat remove: would stop watching gw-duxi at 330784114266-02; its silence incident "+inc+" (",
		"stays open and nothing will resolve it by itself: resolve it by hand (gridcmd incident resolve "+inc+")",
		"pass --yes to confirm")
	fails(t, e.run("--lang", "zh", "heartbeat", "remove", "gw-duxi"), cli.ExitUsage,
		"heartbeat remove: 将停止监测 gw-duxi（330784114266-02）；其静默事件 "+inc, "仍未关闭", "确认请加 --yes")
	assert.Contains(t, e.ok("heartbeat", "list"), "gw-duxi", "nothing removed without --yes")

	assert.Equal(t, "no longer watching gw-duxi\n", e.ok("heartbeat", "remove", "gw-duxi", "--yes"))
	assert.Equal(t, "reported", e.show(inc).Status, "the silence stays open, for the officer")
}
