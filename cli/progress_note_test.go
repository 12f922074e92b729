package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/cli"
)

// directive progress --note goes through a running server too: the local
// API carries the note, and the server applies the same bounds.
func TestProgressNoteThroughAServer(t *testing.T) {
	e := newEnv(t)
	e.initDemo(1)
	srv := e.startServer()
	defer srv.kill()
	e.ok("wartime", "on", "--reason", "typhoon", "--scope", "town", "--yes")
	e.ok("directive", "issue", "--to", "town", "--text", "逐户核查人员去向", "--deadline", "2h")
	const unit = "330784114266-02-01" // 69 households
	assert.Equal(t, "D-0001 "+unit+": 40/69\n", e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "40", "--of", "69"))
	fails(t, e.run("directive", "progress", "D-0001", "--unit", unit, "--done", "30", "--of", "69"), cli.ExitRefused,
		"a lower figure needs a note saying why")
	assert.Equal(t, "D-0001 "+unit+": 30/69\n",
		e.ok("directive", "progress", "D-0001", "--unit", unit, "--done", "30", "--of", "69", "--note", "复核：10 户重复登记"))
}
