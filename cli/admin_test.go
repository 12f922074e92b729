package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/config"
	"gridcmd/store"
)

func TestBackup(t *testing.T) {
	e := demoEnv(t)
	// Some work after the demo, so the copy holds more than the demo.
	id := e.report("--node", "330784114266-02", "--category", "fire", "--severity", "I", "--title", "仓库起火")
	e.ok("ack", id)

	file := e.path("copy.db")
	out := e.ok("backup", file)
	assert.Regexp(t, `^backup of .* written to .*copy\.db \([0-9]+ bytes\)\n$`, out)

	orig := e.ok("stats", "--json")
	r := e.raw("--config", e.config, "--db", file, "stats", "--json")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, orig, r.out, "the copy's stats equal the original's")
	r = e.raw("--config", e.config, "--db", file, "show", id, "--json")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, "仓库起火")
	r = e.raw("--config", e.config, "--db", file, "check")
	assert.Equal(t, cli.ExitOK, r.code, "%s", r)

	// An existing file is kept unless --force.
	hash := fileHash(t, file)
	e.ok("report", "--node", "330784114266-02", "--category", "fire", "--severity", "II", "--title", "又一处冒烟")
	fails(t, e.run("backup", file), cli.ExitUsage, file, "exists", "--force")
	assert.Equal(t, hash, fileHash(t, file), "a refused backup leaves the file alone")
	other := e.write("notes.txt", "keep me")
	fails(t, e.run("backup", other), cli.ExitUsage, "--force")
	b, err := os.ReadFile(other)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b))

	e.ok("backup", file, "--force")
	r = e.raw("--config", e.config, "--db", file, "stats", "--json")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Equal(t, e.ok("stats", "--json"), r.out)

	// Never over the database itself, not even with --force.
	before := e.stats()
	for _, args := range [][]string{{"backup", e.db}, {"backup", e.db, "--force"}} {
		fails(t, e.run(args...), cli.ExitUsage, "the database itself")
	}
	assert.Equal(t, before, e.stats())

	fails(t, e.run("backup"), cli.ExitUsage, "backup: want the backup file")
	fails(t, e.run("backup", e.path("no/such/dir/x.db")), cli.ExitUsage, "x.db")
}

func TestCheck(t *testing.T) {
	e := demoEnv(t)
	assert.Equal(t, e.db+": ok\n", e.ok("check"))

	// Not a database at all.
	junk := e.write("junk.db", strings.Repeat("not bolt ", 1000))
	r := e.raw("--config", e.config, "--db", junk, "check")
	fails(t, r, cli.ExitUsage, junk)
}

func TestBenchIngest(t *testing.T) {
	e := newEnv(t)
	out := e.ok("bench", "ingest", "--n", "2000", "--rounds", "2", "--json")
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m), out)
	var want []string
	rt := reflect.TypeFor[store.BenchResult]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		want = append(want, name)
	}
	assert.ElementsMatch(t, want, keys(m))
	var res store.BenchResult
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, 2000, res.N)
	assert.Positive(t, res.Workers)
	assert.Positive(t, res.StorePerSec)
	assert.Positive(t, res.RawPerSec)
	assert.Positive(t, res.RecordBytes)
	assert.Len(t, res.Rounds, 2)

	text := e.ok("bench", "ingest", "--n", "500", "--workers", "32", "--rounds", "3")
	for _, want := range []string{"round 1:", "round 3:", "median round:", "store (durable, 32 writers): 500 incidents", "ratio: "} {
		assert.Contains(t, text, want)
	}

	fails(t, e.run("bench", "ingest", "--n", "0"), cli.ExitUsage, "--n")
	fails(t, e.run("bench", "ingest", "--rounds", "0"), cli.ExitUsage, "--rounds")
	fails(t, e.run("bench", "ingest", "--workers", "0"), cli.ExitUsage, "--workers")
	fails(t, e.run("bench", "ingst"), cli.ExitUsage, `unknown command "ingst"`)
}

// bench console builds its files and times the console's first frame in a
// gridcmd of its own (so through the built binary), beside the seat's
// division alone.
func TestBenchConsole(t *testing.T) {
	e := newEnv(t)
	r := e.bin("bench", "console", "--villages", "45", "--json")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.out), &m), r.out)
	for _, k := range []string{"villages", "nodes", "first_frame_seconds", "rss_bytes", "seat", "reference"} {
		assert.Contains(t, m, k)
	}
	var res struct {
		Villages          int     `json:"villages"`
		Nodes             int     `json:"nodes"`
		FirstFrameSeconds float64 `json:"first_frame_seconds"`
		RSSBytes          int64   `json:"rss_bytes"`
		Seat              string  `json:"seat"`
		Reference         struct {
			Villages int `json:"villages"`
			Nodes    int `json:"nodes"`
		} `json:"reference"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &res))
	assert.Equal(t, 45, res.Villages)
	assert.Equal(t, "990101001", res.Seat)
	assert.Greater(t, res.Nodes, res.Reference.Nodes)
	assert.Equal(t, 20, res.Reference.Villages, "the town alone")
	assert.Positive(t, res.FirstFrameSeconds)
	assert.Greater(t, res.RSSBytes, int64(1<<20))

	r = e.bin("bench", "console", "--villages", "30", "--seat", "city")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, "console, city seat 9901, 120x40:")
	assert.NotContains(t, r.out, "reference", "30 villages are the city alone")

	fails(t, e.run("bench", "console", "--villages", "0"), cli.ExitUsage, "--villages")
	fails(t, e.run("bench", "console", "--seat", "village"), cli.ExitUsage, "--seat")
	fails(t, e.run("bench", "console", "--width", "40"), cli.ExitUsage, "--width")
}

func TestConfig(t *testing.T) {
	e := demoEnv(t)
	stats := func(args ...string) result {
		return e.raw(append(args, "--db", e.db, "stats")...)
	}

	// The shipped reference config, and no config at all, both work.
	for _, args := range [][]string{{"--config", e.config}, {}} {
		r := stats(args...)
		assert.Equal(t, cli.ExitOK, r.code, "%s", r)
	}

	for _, tt := range []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "lang: en\nfoo: 1\n", []string{`unknown key "foo"`}},
		{"unknown nested key", "deadlines:\n  ack:\n    gird: 2m\n", []string{"deadlines.ack.gird"}},
		{"not a duration", "deadlines:\n  ack:\n    grid: abc\n", []string{"deadlines.ack.grid", `"abc"`}},
		{"a bare number", "deadlines:\n  ack:\n    grid: 5\n", []string{"deadlines.ack.grid", "unit"}},
		{"bad lang", "lang: fr\n", []string{"lang", `"fr"`}},
		{"bad prefix", "town_prefix: hj\n", []string{"town_prefix"}},
		{"bad timezone", "timezone: Mars/Olympus\n", []string{"timezone"}},
		{"bad operator", "operator: bob\n", []string{"operator"}},
		{"bad platform", "categories:\n  traffic: police\n", []string{"categories.traffic"}},
		{"not yaml", "lang: [en\n", []string{"bad.yaml"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := e.write("bad.yaml", tt.yaml)
			fails(t, stats("--config", file), cli.ExitUsage, tt.want...)
		})
	}
	fails(t, stats("--config", e.path("none.yaml")), cli.ExitUsage, "none.yaml")

	// A config file found by the search path is checked just the same.
	found := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "gridcmd", "config.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(found), 0o700))
	require.NoError(t, os.WriteFile(found, []byte("colour: red\n"), 0o600))
	fails(t, stats(), cli.ExitUsage, `unknown key "colour"`, found)
	require.NoError(t, os.Remove(found))

	// The environment.
	t.Setenv("GRIDCMD_LANG", "fr")
	fails(t, stats("--config", e.config), cli.ExitUsage, "lang", `"fr"`)
	t.Setenv("GRIDCMD_LANG", "en")
	assert.Equal(t, cli.ExitOK, stats("--config", e.config).code)
	t.Setenv("GRIDCMD_DEADLINES_ACK_GRID", "abc")
	fails(t, stats("--config", e.config), cli.ExitUsage, "deadlines.ack.grid")
	t.Setenv("GRIDCMD_DEADLINES_ACK_GRID", "3m")
	assert.Equal(t, cli.ExitOK, stats("--config", e.config).code)
	fails(t, stats("--config", e.config, "--lang", "fr"), cli.ExitUsage, "lang")

	// The database from the config, and the default under XDG_DATA_HOME.
	cfg := e.write("db.yaml", fmt.Sprintf("db: %s\n", e.db))
	r := e.raw("--config", cfg, "stats", "--json")
	assert.Equal(t, cli.ExitOK, r.code, "%s", r)
	r = e.raw("--config", e.config, "stats")
	fails(t, r, cli.ExitUsage, "no database at "+config.DefaultDBPath())
	assert.True(t, strings.HasPrefix(config.DefaultDBPath(), os.Getenv("XDG_DATA_HOME")))
}

func TestUsageErrors(t *testing.T) {
	e := demoEnv(t)
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"frobnicate"}, []string{`unknown command "frobnicate"`}},
		{[]string{"--bogus"}, []string{"unknown flag: --bogus", "'gridcmd --help'"}},
		{[]string{"stats", "--bogus"}, []string{"stats: unknown flag: --bogus", "'gridcmd stats --help'"}},
		{[]string{"import", "villages", "x.csv", "--bogus"}, []string{"import villages: unknown flag", "'gridcmd import villages --help'"}},
		{[]string{"stats", "extra"}, []string{"extra"}},
		{[]string{"import", "rooster", "x.csv"}, []string{"import: unknown command \"rooster\""}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := e.run(tt.args...)
			fails(t, r, cli.ExitUsage, tt.want...)
			assert.NotContains(t, r.err, "gridcmd: gridcmd:")
		})
	}
	// A group command alone shows its help.
	r := e.run("import")
	assert.Equal(t, cli.ExitOK, r.code)
	assert.Contains(t, r.out, "villages")
	assert.Contains(t, r.out, "roster")
	r = e.run("--help")
	assert.Equal(t, cli.ExitOK, r.code)
	assert.Contains(t, r.out, "Exit status: 0 done; 1 bad usage or input; 2 refused by the rules or not found.")
}

// TestLockedDatabase holds the database in this process and runs the real
// binary on it: it must give up after the lock timeout, looked for a holder
// that serves the file twice, with one line, not hang; a holder that lets
// go within that (a gridcmd starting at the same moment, which then serves
// it or not) is waited for.
func TestLockedDatabase(t *testing.T) {
	e := demoEnv(t)
	db, err := store.Open(e.db, store.Options{})
	require.NoError(t, err)
	defer db.Close()

	r, took := runBinary(t, 15*time.Second, "--config", e.config, "--db", e.db, "stats")
	fails(t, r, cli.ExitUsage, e.db, "in use", fmt.Sprintf("pid %d", os.Getpid()))
	assert.Less(t, took, 5500*time.Millisecond, "gave up after %s", took)

	// Released after the first wait, the same command works.
	released := make(chan error, 1)
	time.AfterFunc(2500*time.Millisecond, func() { released <- db.Close() })
	r, _ = runBinary(t, 15*time.Second, "--config", e.config, "--db", e.db, "stats", "--json")
	assert.Equal(t, cli.ExitOK, r.code, "%s", r)
	require.NoError(t, <-released)
}

// TestBinarySmoke runs the built binary through a short session.
func TestBinarySmoke(t *testing.T) {
	e := newEnv(t)
	run := func(args ...string) result {
		r, _ := runBinary(t, 30*time.Second, append([]string{"--config", e.config, "--db", e.db}, args...)...)
		return r
	}
	r := run("stats")
	fails(t, r, cli.ExitUsage, "no database at", "gridcmd init --demo")

	r = run("init", "--demo", "--at", demoAt)
	require.Equal(t, 0, r.code, "%s", r)
	assert.Empty(t, r.err)

	r = run("stats", "--json")
	require.Equal(t, 0, r.code, "%s", r)
	var s statsJSON
	require.NoError(t, json.Unmarshal([]byte(r.out), &s))
	assert.Equal(t, 82, s.Grids)
	assert.Equal(t, 40, s.Incidents.Total)

	r = run("report", "--node", "330784114266-02", "--category", "traffic", "--severity", "II", "--title", "货物撒落")
	require.Equal(t, 0, r.code, "%s", r)
	id := strings.TrimSpace(r.out)
	fails(t, run("resolve", id), cli.ExitRefused, "acknowledge it first")
	r = run("ack", id)
	assert.Equal(t, 0, r.code, "%s", r)
	fails(t, run("show", "HJ-20261129-9999"), cli.ExitRefused, "no incident")
	fails(t, run("show", "x"), cli.ExitUsage, `"x"`)
	r = run("check")
	assert.Equal(t, 0, r.code, "%s", r)
	assert.Equal(t, e.db+": ok\n", r.out)
	assert.NoFileExists(t, e.db+".pid", "the pid file goes with the lock")
}

// Commands that only look never write: the demo is made in the past, so
// many of its clocks have run out, yet after every read-only command the
// event log is as it was. The first command that acts applies the clocks.
func TestReadCommandsDoNotWrite(t *testing.T) {
	e := demoEnv(t)
	newest := func() uint64 {
		db, err := store.Open(e.db, store.Options{Timeout: time.Second})
		require.NoError(t, err)
		defer db.Close()
		evs, err := db.Events(context.Background(), 0, 1)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		return evs[0].Seq
	}
	before := newest()
	id := e.incidents("--open")[0].ID
	for _, args := range [][]string{
		{"stats"}, {"stats", "--json"}, {"tower", "--depth", "-1"}, {"people", "--role", "duty_officer"},
		{"incidents"}, {"incidents", "--json"}, {"show", id}, {"check"}, {"backup", e.path("copy.db")},
	} {
		e.ok(args...)
	}
	assert.Equal(t, before, newest(), "looking changed the event log")

	e.ok("report", "--node", "330784114266-02", "--category", "traffic", "--severity", "III", "--title", "路障")
	assert.Greater(t, newest(), before+1, "acting applies the clocks that ran out (escalations, supervisions) and files the report")
}

// Without a roster the console opens, read-only (it refused to open):
// bench frame opens it on the file for the seat the console would take.
// An operator named but not on the roster is still refused.
func TestConsoleOpensWithoutARoster(t *testing.T) {
	e := newEnv(t)
	e.ok("import", "villages", yongkang)
	r := e.bin("bench", "frame")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, `"first_frame_seconds"`)
	fails(t, e.run("--as", "P9", "bench", "frame"), cli.ExitRefused, "P9")
}

// bench api ends when its rates are done, and says so: its stop called
// itself once (a named result shadowed) and waited forever on the server
// it had already stopped.
func TestBenchAPIEnds(t *testing.T) {
	e := newEnv(t)
	r := e.bin("bench", "api", "--rate", "50", "--duration", "300ms", "--json")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, `"created": `)
}

// The refusal of a held database reads in one language, what to do with
// it: a QA saw 数据库 x.db 正被另一个 gridcmd 使用（pid 1101？）; stop the
// console or server that holds it first.
func TestLockedDatabaseInChinese(t *testing.T) {
	e := demoEnv(t)
	e.speak("zh")
	db, err := store.Open(e.db, store.Options{})
	require.NoError(t, err)
	defer db.Close()
	for _, args := range [][]string{{"check"}, {"backup", e.path("copy.db")}} {
		r := e.run(args...)
		fails(t, r, cli.ExitUsage, fmt.Sprintf("gridcmd: 数据库 %s 正被另一个 gridcmd 使用（pid %d？）；请先停止占用它的控制台或服务器\n", e.db, os.Getpid()))
	}
	r := e.run("--lang", "en", "check")
	fails(t, r, cli.ExitUsage, fmt.Sprintf("gridcmd: database %s is in use by another gridcmd (pid %d?); stop the console or server that holds it first\n", e.db, os.Getpid()))
}
