package cli_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"gridcmd/federation"
	"gridcmd/internal/testkit"
)

// A town killed with SIGKILL between its commit and its publish, then
// between the local stream's ack and the cursor's write, publishes again
// on start, and the hub has every event of its log once.
func TestTownKilledBetweenCommitAndPublishRepublishesOnce(t *testing.T) {
	dir := t.TempDir()
	seed, pub, err := federation.NewTownKey()
	require.NoError(t, err)
	seedFile := filepath.Join(dir, "town.nk")
	require.NoError(t, os.WriteFile(seedFile, []byte(seed+"\n"), 0o600))
	const town = "330784114"
	rm := testkit.NewFedReadModel()
	hub, err := federation.StartHub(context.Background(), federation.HubConfig{
		StoreDir: filepath.Join(dir, "hub"), Listen: "127.0.0.1:0",
		Towns: []federation.HubTown{{Code: town, Nkey: pub}}, ReadModel: rm,
	})
	require.NoError(t, err)
	t.Cleanup(func() { hub.Close() })

	child := func(mode string, n, at int) (string, *os.ProcessState) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "GRIDCMD_FEDKILL_CHILD="+mode,
			"FEDKILL_N="+strconv.Itoa(n), "FEDKILL_AT="+strconv.Itoa(at), "FEDKILL_TOWN="+town,
			"FEDKILL_DB="+filepath.Join(dir, "town.db"), "FEDKILL_DIR="+filepath.Join(dir, "town.nats"),
			"FEDKILL_HUB="+hub.LeafURL(), "FEDKILL_SEED="+seedFile)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("child %s: %v", mode, err)
		}
		require.NotContains(t, errOut.String(), "fedkill child:", "child %s", mode)
		return out.String(), cmd.ProcessState
	}
	killed := func(st *os.ProcessState) bool {
		ws, ok := st.Sys().(syscall.WaitStatus)
		return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
	}

	_, st := child("before", 200, 120)
	require.True(t, killed(st), "the town was to die before publishing (%v)", st)
	_, st = child("after", 200, 300)
	require.True(t, killed(st), "the town was to die after the ack (%v)", st)
	out, st := child("resume", 0, 0)
	require.True(t, st.Success(), "resume: %v %s", st, out)
	last, err := strconv.ParseUint(strings.TrimSpace(out), 10, 64)
	require.NoError(t, err, out)
	require.GreaterOrEqual(t, last, uint64(300))

	require.Equal(t, last, rm.Applied(town))
	require.Zero(t, rm.Gaps())
	for seq := uint64(1); seq <= last; seq++ {
		require.Equal(t, 1, rm.Seen(town, seq), "event %d reached the hub %d times", seq, rm.Seen(town, seq))
	}
}
