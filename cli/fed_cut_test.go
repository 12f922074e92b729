package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/federation"
	"gridcmd/model"
	"gridcmd/store"
)

// TestCountyCommandToACutTownSaysSo: a county command for a federated town
// whose link the hub's status has cut is queued (exit 0, as always) and
// says, after where it went, since when the town's link is cut and that
// the town acts when it reconnects: wartime on, a directive.
// While the link is up it says only where it went.
func TestCountyCommandToACutTownSaysSo(t *testing.T) {
	_, county := countyOfDemo(t)
	ctx := context.Background()
	hub, err := store.Open(county.db, store.Options{Prefix: "YK"})
	require.NoError(t, err)
	_, err = hub.ImportNodes(ctx, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"}}, model.System, "")
	require.NoError(t, err)
	officer, err := hub.ImportPeople(ctx, []model.Person{{Name: "县值班", Phone: "13900000001", Node: "330784",
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	require.NoError(t, hub.Close())
	as := officer[0].ID.String()

	cutSince := time.Date(2026, 11, 29, 2, 41, 7, 0, time.UTC)
	status := func(connected bool) {
		t.Helper()
		l := model.FedLink{Role: "hub", Town: "330784114", Connected: connected}
		if !connected {
			l.CutSince = cutSince
		}
		dir := county.db + ".nats"
		require.NoError(t, os.MkdirAll(dir, 0o700))
		b, err := json.Marshal(federation.Status{Role: "hub", PID: os.Getpid(), Updated: time.Now(), Links: []model.FedLink{l}})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, federation.StatusFile), b, 0o600))
	}
	cutLine := "gridcmd: the link to 花街镇 330784114 has been cut since 2026-11-29 10:41:07 (federation status): it will act on the command when it reconnects\n"

	status(false)
	r := county.run("--as", as, "wartime", "on", "--scope", "330784114", "--reason", "typhoon", "--yes")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, "gridcmd: sent to 花街镇, waiting for it to act (command 1)\n"+cutLine, r.err)

	r = county.run("--as", as, "directive", "issue", "--to", "330784114266", "--deadline", "2h", "--text", "转移低洼户")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, "gridcmd: sent to 花街镇, waiting for it to act (command 2)\n"+cutLine, r.err)

	// The link is up: where it went, nothing more.
	status(true)
	r = county.run("--as", as, "directive", "issue", "--to", "330784114266", "--deadline", "2h", "--text", "清点物资")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, "gridcmd: sent to 花街镇, waiting for it to act (command 3)\n", r.err)
}
