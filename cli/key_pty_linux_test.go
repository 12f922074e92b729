package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
)

// At a terminal key revoke asks, in the language of --lang, and revokes
// on y only.
func TestKeyRevokeConfirmsAtATerminal(t *testing.T) {
	e := demoEnv(t)
	cadre := e.personAt("330784114266", "village_cadre")
	_, pub := e.sshKey("cadre")
	e.ok("key", "add", "--person", cadre, "--file", pub)

	ptyStdin(t, "n\n")
	r := e.run("--lang", "zh", "key", "revoke", "--person", cadre)
	assert.Equal(t, cli.ExitUsage, r.code, "%s", r)
	assert.Contains(t, r.out, "（"+cadre+"）的 1 个 SSH 密钥；当前没有用其打开的席位\n确认吊销？ [y/N] ")
	assert.Equal(t, "gridcmd: key revoke: 未确认，未做任何操作\n", r.err)
	var keys []keyJSON
	e.okJSON(&keys, "key", "list", "--json")
	require.Len(t, keys, 1)

	ptyStdin(t, "y\n")
	r = e.run("--lang", "en", "key", "revoke", "--person", cadre)
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, " ("+cadre+"); no seat is open with it\nRevoke it? [y/N] revoked 1 SSH key of "+cadre+"\n")
	e.okJSON(&keys, "key", "list", "--json")
	assert.Empty(t, keys)
}
