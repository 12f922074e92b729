package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
	"gridcmd/federation"
	"gridcmd/internal/testkit"
	"gridcmd/model"
	"gridcmd/store"
)

func TestFederationKeyWritesSeedAndPrintsPublicKey(t *testing.T) {
	e := newEnv(t)
	seedFile := e.path("town.nk")
	pub := strings.TrimSpace(e.ok("federation", "key", "--out", seedFile))
	assert.Len(t, pub, 56)
	assert.True(t, strings.HasPrefix(pub, "U"), pub)
	kp, err := federation.ReadSeed(seedFile)
	require.NoError(t, err)
	got, err := kp.PublicKey()
	require.NoError(t, err)
	assert.Equal(t, pub, got)
	fi, err := os.Stat(seedFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	// It never overwrites a seed.
	fails(t, e.run("federation", "key", "--out", seedFile), cli.ExitUsage, "exists")
}

func TestFederationStatusJSONHasExactlyTheIssuesFields(t *testing.T) {
	e := newEnv(t)
	dir := e.db + ".nats"
	require.NoError(t, os.MkdirAll(dir, 0o700))
	st := federation.Status{Role: "hub", PID: 1, Updated: time.Now(), Links: []model.FedLink{
		{Role: "hub", Town: "T1", Connected: true, Pending: 3, LastAckSeq: 40, LagSeconds: 1.5},
		{Role: "hub", Town: "T2", Pending: 12, LastAckSeq: 7, LagSeconds: 90, CutSince: time.Now().Add(-time.Minute)},
	}}
	b, err := json.Marshal(st)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, federation.StatusFile), b, 0o600))

	var rows []map[string]any
	e.okJSON(&rows, "federation", "status", "--json")
	require.Len(t, rows, 2)
	for _, r := range rows {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, []string{"role", "town", "hub", "connected", "pending", "last_ack_seq", "lag_seconds"}, keys)
	}
	assert.Equal(t, "T2", rows[1]["town"])
	assert.Equal(t, false, rows[1]["connected"])
	assert.EqualValues(t, 12, rows[1]["pending"])
	assert.EqualValues(t, 40, rows[0]["last_ack_seq"])

	out := e.ok("federation", "status")
	assert.Contains(t, out, "LAST_ACK_SEQ")
	assert.Contains(t, out, "cut")

	// A node that stopped writing reads as not running, every link cut.
	st.Updated = time.Now().Add(-time.Hour)
	b, _ = json.Marshal(st)
	require.NoError(t, os.WriteFile(filepath.Join(dir, federation.StatusFile), b, 0o600))
	e.okJSON(&rows, "federation", "status", "--json")
	assert.Equal(t, false, rows[0]["connected"])
	assert.Contains(t, e.ok("federation", "status"), "no federation node runs")
}

func TestFederationStatusWithoutANode(t *testing.T) {
	e := newEnv(t)
	fails(t, e.run("federation", "status"), cli.ExitUsage, "no node has run")
	assert.Equal(t, "[]\n", e.ok("federation", "status", "--json"))
}

func TestHubWantsItsTowns(t *testing.T) {
	e := demoEnv(t)
	fails(t, e.run("hub", "--addr", "127.0.0.1:0"), cli.ExitUsage, "federation.towns")
}

func TestBenchFederationJSONHasExactlyTheIssuesFields(t *testing.T) {
	e := newEnv(t)
	var got map[string]any
	e.okJSON(&got, "bench", "federation", "--towns", "2", "--events", "300", "--cut", "100ms",
		"--latency", "1s", "--intake", "200", "--workers", "4", "--rounds", "1", "--json")
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"p99_ms", "catchup_seconds", "lost", "doubled", "intake_ratio"}, keys)
	assert.EqualValues(t, 0, got["lost"])
	assert.EqualValues(t, 0, got["doubled"])
	assert.Greater(t, got["p99_ms"], 0.0)
	assert.Greater(t, got["intake_ratio"], 0.0)
}

// A town whose federation cannot start is refused before anything serves:
// no API listening for a moment (a report taken then would be filed by a
// town with no node), no "serving" line, one line naming what is wrong.
func TestServeRefusesABadFederationBeforeServing(t *testing.T) {
	e := demoEnv(t)
	e.setConfig("  enabled: false\n  # This town's code", "  enabled: true\n  # This town's code")
	e.setConfig(`  hub: ""`, `  hub: "nats://127.0.0.1:1"`)
	e.setConfig(`  nkey_seed: ""`, `  nkey_seed: "`+e.path("missing.nk")+`"`)
	r := e.run("serve", "--addr", "127.0.0.1:0")
	fails(t, r, cli.ExitUsage, "federation.nkey_seed", "missing.nk")
	assert.NotContains(t, r.err, "federation: federation", "the federation named once")

	// A file of no single town: the county's.
	county := newEnv(t)
	county.ok("init")
	county.ok("import", "villages", "../data/yongkang-villages.csv")
	county.config = e.config
	seed := strings.TrimSpace(e.ok("federation", "key", "--out", e.path("town.nk")))
	require.NotEmpty(t, seed)
	county.setConfig("missing.nk", "town.nk")
	fails(t, county.run("serve", "--addr", "127.0.0.1:0"), cli.ExitUsage, "holds 14 towns", "a town's file federates one")
}

// On a hub the roster holds the federated towns' people as copies; the
// operator a command defaults to is never one of them (a town's own duty
// officer would otherwise give the county's commands, and the town would
// read them as given by its own officer).
func TestHubsOperatorIsNotAFederatedTownsOfficer(t *testing.T) {
	e := newEnv(t)
	e.ok("init")
	e.ok("import", "villages", "../data/yongkang-villages.csv")
	e.ok("import", "roster", e.write("roster.csv", "name,phone,role,node,reserve_kind,on_duty\n"+
		"县值班,13800000001,duty_officer,330784,,no\n"+
		"镇值班,13800000002,duty_officer,330784114,,yes\n"))
	pub := strings.TrimSpace(e.ok("federation", "key", "--out", e.path("huajie.nk")))
	e.setConfig("  towns: []", "  towns:\n    - {code: \"330784114\", nkey: \""+pub+"\"}")
	id := strings.TrimSpace(e.ok("report", "--node", "330784001001", "--category", "traffic", "--severity", "IV", "--title", "县里上报"))
	var inc map[string]any
	e.okJSON(&inc, "show", id, "--json")
	assert.Equal(t, "P1", inc["reporter"], "the county's officer, not 花街镇's (P2)")
}

// A town whose hub does not answer serves on its own and says so: not
// "linked to" a hub it cannot reach.
func TestServeSaysWhenTheHubDoesNotAnswer(t *testing.T) {
	testkit.SkipShort(t, "starts gridcmd serve with its federation node")
	e := demoEnv(t)
	seed := e.path("town.nk")
	e.ok("federation", "key", "--out", seed)
	e.setConfig("  enabled: false\n  # This town's code", "  enabled: true\n  # This town's code")
	e.setConfig(`  hub: ""`, `  hub: "nats://127.0.0.1:1"`)
	e.setConfig(`  nkey_seed: ""`, `  nkey_seed: "`+seed+`"`)
	s := e.startServer()
	m := s.waitFor(t, regexp.MustCompile(`federation: town \S+ publishing to its stream(.*)`))
	assert.Contains(t, m[1], "not linked to nats://127.0.0.1:1 yet")
	assert.NotContains(t, m[1], ", linked to")
}

// A town whose hub answers and knows its key says it is linked.
func TestServeSaysLinkedWhenTheHubAnswers(t *testing.T) {
	testkit.SkipShort(t, "starts a hub and gridcmd serve with its federation node")
	e := demoEnv(t)
	seed := e.path("town.nk")
	pub := strings.TrimSpace(e.ok("federation", "key", "--out", seed))
	hub, err := federation.StartHub(context.Background(), federation.HubConfig{
		StoreDir: e.path("hub"), Listen: "127.0.0.1:0",
		Towns: []federation.HubTown{{Code: "330784114", Nkey: pub}}, ReadModel: testkit.NewFedReadModel(),
	})
	require.NoError(t, err)
	t.Cleanup(func() { hub.Close() })
	e.setConfig("  enabled: false\n  # This town's code", "  enabled: true\n  # This town's code")
	e.setConfig(`  hub: ""`, `  hub: "`+hub.LeafURL()+`"`)
	e.setConfig(`  nkey_seed: ""`, `  nkey_seed: "`+seed+`"`)
	s := e.startServer()
	m := s.waitFor(t, regexp.MustCompile(`federation: town \S+ publishing to its stream(.*)`))
	assert.Equal(t, ", linked to "+hub.LeafURL(), m[1])
}

// countyOfDemo is the demo town and a county's file (its prefix YK)
// holding the town's records as a hub applies them.
func countyOfDemo(t *testing.T) (town, county *env) {
	t.Helper()
	town = demoEnv(t)
	county = newEnv(t)
	county.ok("init")
	ctx := context.Background()
	src, err := store.Open(town.db, store.Options{})
	require.NoError(t, err)
	recs, err := src.FedPending(ctx, 0, 1<<20)
	require.NoError(t, err)
	require.NoError(t, src.Close())
	hub, err := store.Open(county.db, store.Options{Prefix: "YK"})
	require.NoError(t, err)
	_, err = hub.FedApply(ctx, recs)
	require.NoError(t, err)
	require.NoError(t, hub.Close())
	return town, county
}

// A county's file whose town_prefix a federated town holds there (the
// prefix changed after the town came) is refused as a hub: its own reports
// and the findings its sweep passes on would take the town's next ids.
func TestHubRefusesAPrefixATownHoldsThere(t *testing.T) {
	_, county := countyOfDemo(t)

	pub := strings.TrimSpace(county.ok("federation", "key", "--out", county.path("huajie.nk")))
	county.setConfig("  towns: []", "  towns:\n    - {code: \"330784114\", nkey: \""+pub+"\"}")
	fails(t, county.run("hub", "--addr", "127.0.0.1:0"), cli.ExitUsage, "town_prefix HJ", "330784114", "花街镇")
}
