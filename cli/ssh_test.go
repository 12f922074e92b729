package cli_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"gridcmd/cli"
)

// sshKey makes an ed25519 key and writes its public half to the test's
// folder as name.pub.
func (e *env) sshKey(name string) (gossh.Signer, string) {
	e.t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(e.t, err)
	s, err := gossh.NewSignerFromKey(priv)
	require.NoError(e.t, err)
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + name + "@room\n"
	return s, e.write(name+".pub", line)
}

type keyJSON struct {
	Fingerprint string `json:"fingerprint"`
	Person      string `json:"person"`
	Name        string `json:"name"`
	AddedAt     string `json:"added_at"`
	LastUsedAt  string `json:"last_used_at"`
}

func TestKeyCommands(t *testing.T) {
	e := demoEnv(t)
	officer := e.personAt("330784114", "duty_officer")
	signer, pub := e.sshKey("officer")
	e.ok("key", "add", "--person", officer, "--file", pub)
	fails(t, e.run("key", "add", "--person", officer, "--file", pub), cli.ExitRefused, "already added")
	fails(t, e.run("key", "add", "--person", officer, "--file", e.write("junk.pub", "ssh-ed25519 AAAA\n")), cli.ExitUsage, "public key")
	var keys []keyJSON
	e.okJSON(&keys, "key", "list", "--json")
	require.Len(t, keys, 1)
	assert.Equal(t, gossh.FingerprintSHA256(signer.PublicKey()), keys[0].Fingerprint)
	assert.Equal(t, officer, keys[0].Person)
	assert.Equal(t, "officer@room", keys[0].Name)
	assert.NotEmpty(t, keys[0].AddedAt)
	assert.Empty(t, keys[0].LastUsedAt)
	// Revoking asks first: without a terminal, only with --yes.
	fails(t, e.run("--lang", "en", "key", "revoke", keys[0].Fingerprint), cli.ExitUsage,
		"key revoke: would revoke the SSH key "+keys[0].Fingerprint+" (officer@room) of ", " ("+officer+"); no seat is open with it",
		"stdin is not a terminal, so nothing was done: pass --yes")
	e.okJSON(&keys, "key", "list", "--json")
	require.Len(t, keys, 1, "a revoke not confirmed revoked nothing")
	assert.Contains(t, e.ok("key", "revoke", keys[0].Fingerprint, "--yes"), "revoked "+keys[0].Fingerprint)
	e.okJSON(&keys, "key", "list", "--json")
	assert.Empty(t, keys)
	fails(t, e.run("key", "revoke", "SHA256:nope"), cli.ExitUsage, "fingerprint")
}

var sshRe = regexp.MustCompile(`serving the console over SSH on (\S+)`)

// sshRun runs one command over SSH with signer's key and returns its
// stdout, stderr and exit status.
func sshRun(t *testing.T, addr string, signer gossh.Signer, cmd string) (string, string, int) {
	t.Helper()
	return sshRunEnv(t, addr, signer, nil, cmd)
}

// sshRunEnv is sshRun with the environment variables env sent first, as
// ssh's SendEnv does (LANG=zh_CN.UTF-8).
func sshRunEnv(t *testing.T, addr string, signer gossh.Signer, env []string, cmd string) (string, string, int) {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "x", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	require.NoError(t, err)
	defer c.Close()
	sess, err := c.NewSession()
	require.NoError(t, err)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		require.NoError(t, sess.Setenv(k, v))
	}
	var out, errb strings.Builder
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(cmd)
	code := 0
	if ee, ok := err.(*gossh.ExitError); ok {
		code = ee.ExitStatus()
	} else {
		require.NoError(t, err)
	}
	return out.String(), errb.String(), code
}

// withoutClock drops the fields of incident JSON that run with the clock.
func withoutClock(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v), s)
	var strip func(any)
	strip = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			delete(x, "remaining_seconds")
			delete(x, "light")
			for _, y := range x {
				strip(y)
			}
		case []any:
			for _, y := range x {
				strip(y)
			}
		}
	}
	strip(v)
	return v
}

// 'gridcmd serve' with ssh.enabled: keys added while it holds the file
// (through its local API), the commands over SSH print what the local
// command line prints, as the key's person's room sees it, and /metrics
// counts them.
func TestCommandsOverSSHPrintWhatTheCLIPrints(t *testing.T) {
	e := demoEnv(t)
	officer := e.personAt("330784114", "duty_officer")
	cadre := e.personAt("330784114266", "village_cadre")
	srv := e.startServer("GRIDCMD_SSH_ENABLED=true", "GRIDCMD_SSH_ADDR=127.0.0.1:0")
	addr := srv.waitFor(t, sshRe)[1] // its line follows the field API's
	officerKey, officerPub := e.sshKey("officer")
	cadreKey, cadrePub := e.sshKey("cadre")
	e.ok("key", "add", "--person", officer, "--file", officerPub)
	e.ok("key", "add", "--person", cadre, "--file", cadrePub)

	out, _, code := sshRun(t, addr, officerKey, "stats --json")
	require.Equal(t, 0, code)
	assert.Equal(t, e.ok("stats", "--json"), out)
	out, _, code = sshRun(t, addr, officerKey, "incidents --json")
	require.Equal(t, 0, code)
	assert.Equal(t, withoutClock(t, e.ok("incidents", "--json")), withoutClock(t, out))
	all := e.incidents()
	require.NotEmpty(t, all)
	out, _, code = sshRun(t, addr, officerKey, "show "+all[0].ID+" --json")
	require.Equal(t, 0, code)
	assert.Equal(t, withoutClock(t, e.ok("show", all[0].ID, "--json")), withoutClock(t, out))

	// The village cadre's room is the village.
	out, _, code = sshRun(t, addr, cadreKey, "incidents --json")
	require.Equal(t, 0, code)
	assert.Equal(t, withoutClock(t, e.ok("incidents", "--json", "--node", "330784114266")), withoutClock(t, out))
	for _, inc := range all {
		if !strings.HasPrefix(inc.Node, "330784114266") {
			_, errs, code := sshRun(t, addr, cadreKey, "show "+inc.ID)
			assert.Equal(t, cli.ExitRefused, code)
			assert.Contains(t, errs, "no incident "+inc.ID)
			break
		}
	}
	// Its stats count the village, as its console's header does.
	out, _, code = sshRun(t, addr, cadreKey, "stats --json")
	require.Equal(t, 0, code)
	var st struct {
		Towns, Villages int
		Incidents       struct{ Total, Open int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &st), out)
	assert.Equal(t, 0, st.Towns)
	assert.Equal(t, 1, st.Villages)
	assert.Len(t, e.incidents("--node", "330784114266"), st.Incidents.Total)
	assert.Len(t, e.incidents("--node", "330784114266", "--open"), st.Incidents.Open)
	assert.Less(t, st.Incidents.Open, len(e.incidents("--open")))
	out, _, code = sshRun(t, addr, cadreKey, "stats")
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^villages +1$`, out)
	_, errs, code := sshRun(t, addr, cadreKey, "wartime on --scope town")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "incidents, show, stats")

	resp, err := http.Get("http://" + srv.addr + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), "gridcmd_ssh_commands_total 7\n")
	assert.Contains(t, string(body), "gridcmd_ssh_seats_open 0\n")
	var keys []keyJSON
	e.okJSON(&keys, "key", "list", "--json", "--person", cadre)
	require.Len(t, keys, 1)
}

// A command over SSH reads a node's name in the key's person's town, as
// their console does: a village cadre of 东城街道, in a file that holds the
// county, lists their village by its name, where the name was looked for
// in the town of the file's first duty officer (花街镇) and not found.
func TestCommandsOverSSHReadNamesInThePersonsTown(t *testing.T) {
	e := demoEnv(t)
	e.ok("import", "villages", yongkang, "--grids-per-village", "1")
	e.ok("import", "roster", e.write("roster.csv", "name,phone,role,node\n园丁干部,13800000999,village_cadre,330784001001\n"))
	cadre := e.personAt("330784001001", "village_cadre")
	var inc incidentJSON
	// 东城街道's own cadre reports it: 花街镇's officer may not (TestReportInAnotherTown).
	e.okJSON(&inc, "report", "--node", "330784001001-01", "--category", "traffic", "--severity", "III", "--title", "路口积水", "--by", cadre, "--json")
	srv := e.startServer("GRIDCMD_SSH_ENABLED=true", "GRIDCMD_SSH_ADDR=127.0.0.1:0")
	addr := srv.waitFor(t, sshRe)[1]
	key, pub := e.sshKey("cadre")
	e.ok("key", "add", "--person", cadre, "--file", pub)

	out, errs, code := sshRun(t, addr, key, "incidents --json --node 园丁社区")
	require.Equal(t, 0, code, errs)
	var list []incidentJSON
	require.NoError(t, json.Unmarshal([]byte(out), &list), out)
	require.Len(t, list, 1)
	assert.Equal(t, inc.ID, list[0].ID)
	_, errs, code = sshRun(t, addr, key, "incidents --node 渎溪村")
	assert.Equal(t, cli.ExitUsage, code)
	assert.Contains(t, errs, "no node in 东城街道 is named so", "渎溪村 is another town's")
}

// A command over SSH speaks the seat's language, as the person's console
// over the same key would: the session's LANG (LC_ALL), else the person's
// own language, else the server's (here English). It spoke the server's
// whatever the seat's was.
func TestCommandsOverSSHSpeakTheSeatsLanguage(t *testing.T) {
	e := demoEnv(t)
	e.ok("import", "roster", e.write("roster.csv", "name,phone,role,node,lang\n中文干部,13800000998,village_cadre,330784114266,zh\n"))
	var zhCadre string
	for _, p := range e.people("--node", "330784114266", "--role", "village_cadre") {
		if p.Name == "中文干部" {
			zhCadre = p.ID
		}
	}
	require.NotEmpty(t, zhCadre)
	cadre := e.personAt("330784114266", "village_cadre")
	require.NotEqual(t, zhCadre, cadre, "a cadre of no language of their own")
	var outside, elsewhere string
	for _, inc := range e.incidents() {
		if len(inc.Node) >= 12 && !strings.HasPrefix(inc.Node, "330784114266") {
			outside, elsewhere = inc.ID, inc.Node[:12] // another village's
			break
		}
	}
	require.NotEmpty(t, outside)
	srv := e.startServer("GRIDCMD_SSH_ENABLED=true", "GRIDCMD_SSH_ADDR=127.0.0.1:0")
	addr := srv.waitFor(t, sshRe)[1]
	key, pub := e.sshKey("cadre")
	e.ok("key", "add", "--person", cadre, "--file", pub)
	zhKey, zhPub := e.sshKey("zhcadre")
	e.ok("key", "add", "--person", zhCadre, "--file", zhPub)
	zhEnv, enEnv := []string{"LANG=zh_CN.UTF-8"}, []string{"LC_ALL=en_US.UTF-8"}

	for _, c := range []struct {
		key  gossh.Signer
		env  []string
		want string
	}{
		{key, nil, "gridcmd: no incident " + outside},
		{key, zhEnv, "gridcmd: 没有事件 " + outside},
		{zhKey, nil, "gridcmd: 没有事件 " + outside},
		{zhKey, enEnv, "gridcmd: no incident " + outside},
	} {
		_, errs, code := sshRunEnv(t, addr, c.key, c.env, "show "+outside)
		assert.Equal(t, cli.ExitRefused, code)
		assert.Equal(t, c.want+"\n", errs, "env %v", c.env)
	}
	_, errs, code := sshRunEnv(t, addr, key, zhEnv, "incidents --node "+elsewhere)
	assert.Equal(t, cli.ExitRefused, code)
	assert.Contains(t, errs, elsewhere+" 不在本席位的范围（330784114266）内")
	_, errs, code = sshRunEnv(t, addr, key, zhEnv, "wartime on")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "用 'ssh -t' 打开控制台，或运行其中一个命令：incidents, show, stats")
	_, errs, _ = sshRun(t, addr, key, "wartime on")
	assert.Contains(t, errs, "open the console with 'ssh -t', or run one of: incidents, show, stats")
}

// key revoke asks before it revokes, naming the person, how many keys and
// how many seats are open with them in the gridcmd that holds the file;
// without a terminal it revokes only with --yes, and says so, in the
// language of --lang.
func TestKeyRevokeAsksNamingTheOpenSeats(t *testing.T) {
	e := demoEnv(t)
	cadre := e.personAt("330784114266", "village_cadre")
	srv := e.startServer("GRIDCMD_SSH_ENABLED=true", "GRIDCMD_SSH_ADDR=127.0.0.1:0")
	addr := srv.waitFor(t, sshRe)[1]
	key, pub := e.sshKey("cadre")
	_, pub2 := e.sshKey("cadre2")
	e.ok("key", "add", "--person", cadre, "--file", pub)
	e.ok("key", "add", "--person", cadre, "--file", pub2)
	name := ""
	for _, p := range e.people("--node", "330784114266", "--role", "village_cadre") {
		if p.ID == cadre {
			name = p.Name
		}
	}
	require.NotEmpty(t, name)

	fails(t, e.run("--lang", "en", "key", "revoke", "--person", cadre), cli.ExitUsage,
		"key revoke: would revoke 2 SSH keys of "+name+" ("+cadre+"); no seat is open with them; stdin is not a terminal")
	seat := openSeat(t, addr, key)
	defer seat.Close()
	want := "would revoke 2 SSH keys of " + name + " (" + cadre + "), closing the 1 seat open with them now"
	deadline := time.Now().Add(10 * time.Second)
	for r := e.run("--lang", "en", "key", "revoke", "--person", cadre); !strings.Contains(r.err, want); r = e.run("--lang", "en", "key", "revoke", "--person", cadre) {
		require.True(t, time.Now().Before(deadline), "the question never counted the open seat: %s", r)
		time.Sleep(100 * time.Millisecond)
	}
	fails(t, e.run("--lang", "zh", "key", "revoke", "--person", cadre), cli.ExitUsage,
		"key revoke: 将吊销"+name+"（"+cadre+"）的 2 个 SSH 密钥，并关闭当前用其打开的 1 个席位；标准输入不是终端，未做任何操作：确认请加 --yes")
	var keys []keyJSON
	e.okJSON(&keys, "key", "list", "--json", "--person", cadre)
	require.Len(t, keys, 2, "nothing was revoked without --yes")
	assert.Equal(t, "revoked 2 SSH keys of "+cadre+"\n", e.ok("key", "revoke", "--person", cadre, "--yes"))
	done := make(chan error, 1)
	go func() { done <- seat.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the revoked key's seat is still open")
	}
}

// openSeat opens a seat (a session with a PTY) with signer's key.
func openSeat(t *testing.T, addr string, signer gossh.Signer) *gossh.Session {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "x", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	sess, err := c.NewSession()
	require.NoError(t, err)
	sess.Stdout, sess.Stderr = io.Discard, io.Discard
	require.NoError(t, sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}))
	require.NoError(t, sess.Shell())
	return sess
}
