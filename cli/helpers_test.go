package cli_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/model"
)

// demoAt is the demo's "now" in every test, so the demo data is the same on
// every run. (The stores the commands open still run on the real clock, so
// lights and auto-escalations of the demo's open incidents depend on the day
// the tests run; no test asserts on them.)
const demoAt = "2026-11-29T03:10:00+08:00"

// binary is gridcmd built by TestMain, for the tests that need a real
// second process.
var binary string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if os.Getenv("GRIDCMD_FEDKILL_CHILD") != "" {
		return cli.FedKillChild() // a town process of the SIGKILL test
	}
	// Nothing from the caller's environment may reach the config.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "GRIDCMD_") {
			os.Unsetenv(k)
		}
	}
	dir, err := os.MkdirTemp("", "gridcmd-clitest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "gridcmd")
	build := exec.Command("go", "build", "-o", binary, "gridcmd")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gridcmd:", err)
		return 1
	}
	return m.Run()
}

// result is what one run of gridcmd gave.
type result struct {
	args     []string
	code     int
	out, err string
}

func (r result) String() string {
	return fmt.Sprintf("gridcmd %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), r.code, r.out, r.err)
}

// env is one test's isolated world: its own data and config homes, a
// database path in a temporary folder and the shipped reference config.
type env struct {
	t      *testing.T
	dir    string
	db     string
	config string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	dir := t.TempDir()
	e := &env{t: t, dir: dir, db: filepath.Join(dir, "gridcmd.db")}
	e.speak("en")
	return e
}

// speak makes the test's config the shipped reference config with lang
// set to lang: the shipped one says zh; most tests read English, those of
// the Chinese say speak("zh").
func (e *env) speak(lang string) {
	e.t.Helper()
	ref, err := os.ReadFile("../config.yaml")
	require.NoError(e.t, err)
	require.Contains(e.t, string(ref), "\nlang: zh\n")
	e.config = filepath.Join(e.t.TempDir(), "config.yaml")
	cfg := strings.Replace(string(ref), "\nlang: zh\n", "\nlang: "+lang+"\n", 1)
	require.NoError(e.t, os.WriteFile(e.config, []byte(cfg), 0o600))
}

// path is name in the test's folder.
func (e *env) path(name string) string { return filepath.Join(e.dir, name) }

// write puts content in a file of the test's folder and returns its path.
func (e *env) write(name, content string) string {
	e.t.Helper()
	p := e.path(name)
	require.NoError(e.t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// raw runs cli.Main in-process with exactly args.
func (e *env) raw(args ...string) result {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, &out, &errb)
	return result{args: args, code: code, out: out.String(), err: errb.String()}
}

// run runs gridcmd on the test's database with the reference config.
func (e *env) run(args ...string) result {
	e.t.Helper()
	return e.raw(append([]string{"--config", e.config, "--db", e.db}, args...)...)
}

// ok runs args and requires success with nothing on stderr.
func (e *env) ok(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	require.Equal(e.t, cli.ExitOK, r.code, "%s", r)
	require.Empty(e.t, r.err, "%s", r)
	return r.out
}

// okJSON runs args (which should include --json) and decodes stdout into v.
func (e *env) okJSON(v any, args ...string) {
	e.t.Helper()
	out := e.ok(args...)
	require.NoError(e.t, json.Unmarshal([]byte(out), v), "%s", out)
}

var oneLine = regexp.MustCompile(`^gridcmd: [^\n]+\n$`)

// fails requires exit status code, nothing on stdout, and one line on
// stderr starting "gridcmd: " that holds every one of want.
func fails(t *testing.T, r result, code int, want ...string) {
	t.Helper()
	require.Equal(t, code, r.code, "%s", r)
	assert.Empty(t, r.out, "stdout of a failure\n%s", r)
	assert.Regexp(t, oneLine, r.err, "%s", r)
	for _, w := range want {
		assert.Contains(t, r.err, w, "%s", r)
	}
}

// demoEnv is newEnv with the demo of seed 1 in its database, the town
// most tests start from.
func demoEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.initDemo(1)
	return e
}

// initDemo fills the test's database with the demo for seed at demoAt.
func (e *env) initDemo(seed int) {
	e.t.Helper()
	e.ok("init", "--demo", "--seed", fmt.Sprint(seed), "--at", demoAt)
}

// stats returns the counts.
func (e *env) stats() statsJSON {
	e.t.Helper()
	var s statsJSON
	e.okJSON(&s, "stats", "--json")
	return s
}

// The --json shapes the tests read: the output's own (cli/output.go,
// cli/wartime_json.go, model.Stats); incidentJSON is show's, with the
// timeline.
type (
	statsJSON         = model.Stats
	personJSON        = cli.PersonJSON
	towerJSON         = cli.TowerJSON
	stateJSON         = cli.StateJSON
	eventJSON         = cli.EventJSON
	incidentJSON      = cli.ShowJSON
	wartimeStatusJSON = cli.WartimeStatusJSON
	unitJSON          = cli.UnitJSON
	villageJSON       = cli.VillageJSON
	directiveJSON     = cli.DirectiveJSON
	afterActionJSON   = cli.AfterActionJSON
)

// people lists the roster with the given filter flags.
func (e *env) people(args ...string) []personJSON {
	e.t.Helper()
	var ps []personJSON
	e.okJSON(&ps, append([]string{"people", "--json"}, args...)...)
	return ps
}

// personAt returns the id of the one person with role at node.
func (e *env) personAt(node, role string) string {
	e.t.Helper()
	ps := e.people("--node", node, "--role", role)
	var at []personJSON
	for _, p := range ps {
		if p.Node == node {
			at = append(at, p)
		}
	}
	require.NotEmpty(e.t, at, "no %s at %s", role, node)
	return at[0].ID
}

func (e *env) show(id string) incidentJSON {
	e.t.Helper()
	var inc incidentJSON
	e.okJSON(&inc, "show", id, "--json")
	return inc
}

func (e *env) incidents(args ...string) []incidentJSON {
	e.t.Helper()
	var list []incidentJSON
	e.okJSON(&list, append([]string{"incidents", "--json"}, args...)...)
	return list
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// runBinary runs the built gridcmd with args, in the test's environment,
// failing the test if it has not finished within limit.
func runBinary(t *testing.T, limit time.Duration, args ...string) (result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = os.Environ() // carries the test's XDG_* homes
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	require.NoError(t, ctx.Err(), "gridcmd %v did not finish within %s", args, limit)
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(t, ok, "running %v: %v", args, err)
		code = ee.ExitCode()
	}
	return result{args: args, code: code, out: out.String(), err: errb.String()}, took
}
