package api_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/model"
	"gridcmd/store"
)

// TestLocalHubAnswersAQueuedCommand: a console attached to a hub's server
// that activates wartime for a federated town gets model.FedQueued, with
// its Chinese, as the store gives it (202 on the wire, not a failure).
func TestLocalHubAnswersAQueuedCommand(t *testing.T) {
	ctx := context.Background()
	town, _, _ := openStore(t, storeOptions())
	hubPath := filepath.Join(t.TempDir(), "county.db")
	hub, err := store.Open(hubPath, storeOptions())
	require.NoError(t, err)
	t.Cleanup(func() { _ = hub.Close() })
	recs, err := town.FedPending(ctx, 0, 1000)
	require.NoError(t, err)
	_, err = hub.FedApply(ctx, recs)
	require.NoError(t, err)

	serveLocal(t, hub, hubPath)
	c, err := api.DialLocal(hubPath)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = c.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{"330784114"}, false, "", model.System)
	require.Error(t, err)
	assert.True(t, model.IsFedQueued(err))
	assert.Equal(t, "已发往花街镇，待其执行（下行命令 1）", model.ErrorMessageZh(err))
	cmds, err := hub.FedCommandsPending(ctx, 0, 10)
	require.NoError(t, err)
	assert.Len(t, cmds, 1)
}
