package cli_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/cli"
	"gridcmd/internal/testkit"
	"gridcmd/store"
)

// TestStaleLocalFileAfterSIGKILL: a server killed outright leaves DB.api
// behind. Whoever binds its port next, a program that would answer "ok" to
// anything or another database's 'gridcmd serve', gets nothing: the
// database's lock is free, so the command removes the stale file and works
// on the database itself.
func TestStaleLocalFileAfterSIGKILL(t *testing.T) {
	testkit.SkipShort(t, "starts and kills server processes")
	e := demoEnv(t)
	local := api.LocalPath(e.db)

	// (b) a fake on the freed port.
	srv := e.startServer()
	srv.kill()
	require.FileExists(t, local, "SIGKILL leaves the credential file")
	cred := testkit.Credential(t, local)
	fake := testkit.NewFake(t, testkit.Listen(t, srv.addr))
	assert.Equal(t, 232, e.stats().MicroGrids)
	assert.NoFileExists(t, local, "the stale file is removed")
	id := strings.TrimSpace(e.ok("report", "--node", "330784114266-02", "--category", "traffic",
		"--severity", "II", "--title", "旧凭据之后"))
	assert.Equal(t, "旧凭据之后", e.show(id).Title)
	assert.Equal(t, e.db+": ok\n", e.ok("check"))
	assert.Empty(t, fake.Requests(), "nothing reached the program on the old port")
	for _, req := range fake.Requests() {
		assert.NotContains(t, req, cred)
	}

	// (a) another database's server on the freed port.
	srv = e.startServer()
	srv.kill()
	require.FileExists(t, local)
	e2 := newEnv(t)
	e2.initDemo(2)
	other := e2.startServerAt(srv.addr)
	assert.Equal(t, 232, e.stats().MicroGrids, "the first database's commands work")
	assert.NoFileExists(t, local)
	e.ok("ack", id)
	assert.Equal(t, "acknowledged", e.show(id).Status)
	assert.Equal(t, 0, other.stop(t, 10*time.Second), "%s", other.out)
	assert.NotContains(t, other.out.String(), "/api/v1/local/", "the other server got no local call")
}

// TestStaleLocalFileWhileTheDatabaseIsHeld: while another process holds
// the database, a stale DB.api cannot be told by the lock; the server it
// names must prove it holds the credential before it is sent anything. A
// fake fails the proof: the command fails with one line naming the stale
// file, and the fake never sees the credential or a call. A file whose
// process is gone is not even tried.
func TestStaleLocalFileWhileTheDatabaseIsHeld(t *testing.T) {
	e := demoEnv(t)
	local := api.LocalPath(e.db)
	fake := testkit.NewFake(t, testkit.Listen(t, "127.0.0.1:0"))
	_, cleanup, err := api.WriteLocal(e.db, fake.Addr) // this process's pid: alive
	require.NoError(t, err)
	defer cleanup()
	cred := testkit.Credential(t, local)
	held, err := store.Open(e.db, store.Options{Timeout: time.Second})
	require.NoError(t, err)
	defer held.Close()

	for _, args := range [][]string{{"stats"}, {"check"}, {"report", "--node", "330784114266-02", "--category", "traffic", "--severity", "II", "--title", "不该送达"}} {
		fails(t, e.run(args...), cli.ExitUsage, local+" may be stale", "did not prove it holds the local credential", "in use")
	}
	seen := fake.Requests()
	require.NotEmpty(t, seen)
	for _, req := range seen {
		assert.True(t, strings.HasPrefix(req, "POST /api/v1/local/hello"), "only the handshake reached the fake: %s", req)
		assert.NotContains(t, req, cred, "the credential never reaches the fake")
		assert.NotContains(t, req, "Authorization")
	}
	require.FileExists(t, local, "a file the lock cannot tell stale is left alone")

	// The process that wrote it is gone.
	testkit.SetPID(t, local, testkit.DeadPID(t))
	n := len(fake.Requests())
	fails(t, e.run("stats"), cli.ExitUsage, local+" is stale", "is not running", "in use")
	assert.Len(t, fake.Requests(), n, "nothing sent")

	// Let go of the database: the stale file is removed and the command
	// works on the file.
	require.NoError(t, held.Close())
	assert.Equal(t, 232, e.stats().MicroGrids)
	assert.NoFileExists(t, local)
	assert.Len(t, fake.Requests(), n)
}
