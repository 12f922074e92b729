package store

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/internal/testclock"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// holdEnv names the file a helper process opens and holds (see TestMain).
const holdEnv = "GRIDCMD_STORE_TEST_HOLD"

func TestMain(m *testing.M) {
	if path := os.Getenv(holdEnv); path != "" {
		os.Exit(holdOpen(path))
	}
	code := m.Run()
	cleanupFixtures()
	os.Exit(code)
}

// holdOpen is the helper process: it opens path, says "ready", and holds the
// file until its stdin closes.
func holdOpen(path string) int {
	s, err := Open(path, Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	if err := s.Close(); err != nil {
		return 1
	}
	return 0
}

// cst is China Standard Time, the town's clock.
var cst = testkit.CST

// t0 is when every test starts: 09:00 on 29 November 2026 in Huajie.
var t0 = testkit.Morning

// newClock is a clock at t0, moved by hand.
func newClock() *testclock.Clock { return testclock.New(t0) }

// Codes of the tiny tower.
const (
	town, village          = testkit.Town, testkit.Village
	grid01, grid02, grid10 = testkit.Grid01, testkit.Grid02, testkit.Grid10
	micro011, micro012     = testkit.Micro011, testkit.Micro012
	micro021, micro101     = testkit.Micro021, testkit.Micro101
)

// tinyNodes is Huajie town, the village of Duxi (渎溪村), its grids 01, 02
// and 10 and four micro-grids (267 households in all).
func tinyNodes() []model.Node {
	return []model.Node{
		{Code: town, Level: model.LevelTown, Name: "花街镇", Parent: "330784"},
		{Code: village, Level: model.LevelVillage, Name: "渎溪村", Official: "渎溪村委会", Parent: town, Tags: []string{"330国道"}},
		{Code: grid01, Level: model.LevelGrid, Name: "渎溪第1网格", Parent: village},
		{Code: grid02, Level: model.LevelGrid, Name: "渎溪第2网格", Parent: village},
		{Code: grid10, Level: model.LevelGrid, Name: "渎溪第10网格", Parent: village},
		{Code: micro011, Level: model.LevelMicroGrid, Name: "渎溪1-1微网格", Parent: grid01, Households: 60},
		{Code: micro012, Level: model.LevelMicroGrid, Name: "渎溪1-2微网格", Parent: grid01, Households: 72},
		{Code: micro021, Level: model.LevelMicroGrid, Name: "渎溪2-1微网格", Parent: grid02, Households: 55},
		{Code: micro101, Level: model.LevelMicroGrid, Name: "渎溪10-1微网格", Parent: grid10, Households: 80},
	}
}

// tinyPeople is the roster of the tiny tower, in import (and so id) order.
func tinyPeople() []model.Person {
	return []model.Person{
		{Name: "陈值班", Phone: "13800000001", Node: town, Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true},
		{Name: "胡村干", Phone: "13800000002", Node: village, Roles: []model.Role{model.RoleVillageCadre}},
		{Name: "应网格长", Phone: "13800000003", Node: grid02, Roles: []model.Role{model.RoleGridLeader}},
		{Name: "李网格长", Phone: "13800000004", Node: grid01, Roles: []model.Role{model.RoleGridLeader}},
		{Name: "王网格员", Phone: "13800000005", Node: grid01, Roles: []model.Role{model.RoleGridWorkerFull}},
		{Name: "周微网格", Phone: "13800000006", Node: micro012, Roles: []model.Role{model.RoleMicroGridWorker}},
		{Name: "吴志愿", Phone: "13800000007", Node: grid02, Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVolunteer},
		{Name: "徐巡护", Phone: "0579-87123456", Node: village, Roles: []model.Role{model.RolePatroller}},
	}
}

// tower is an open store with the tiny tower and its people.
type tower struct {
	s     *DB
	path  string
	clock *testclock.Clock
	ctx   context.Context

	duty, cadre, leader02, leader01, worker01, micro, reserve, patroller model.Person
}

func testOptions(c *testclock.Clock) Options {
	return Options{Timeout: 200 * time.Millisecond, Now: c.Now, Prefix: "HJ", Location: cst}
}

// openAt opens path with the test options and closes it when the test ends.
func openAt(t testing.TB, path string, c *testclock.Clock) *DB {
	t.Helper()
	s, err := Open(path, testOptions(c))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newTower makes a fresh file with the tiny tower.
func newTower(t testing.TB) *tower {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gridcmd.db")
	tw := &tower{path: path, clock: newClock(), ctx: context.Background()}
	tw.s = openAt(t, path, tw.clock)
	people := testkit.LoadTower(t, tw.s, tinyNodes(), tinyPeople())
	tw.duty, tw.cadre, tw.leader02, tw.leader01 = people[0], people[1], people[2], people[3]
	tw.worker01, tw.micro, tw.reserve, tw.patroller = people[4], people[5], people[6], people[7]
	return tw
}

// report files a report with sensible defaults.
func (tw *tower) report(t testing.TB, node model.NodeCode, by model.PersonID, title string) model.Incident {
	t.Helper()
	inc, err := tw.s.Report(tw.ctx, model.Report{
		Node: node, Category: "traffic", Severity: model.SeverityII, Title: title,
		Text: "货车散落货物，占用一条车道", Reporter: by,
	})
	require.NoError(t, err)
	return inc
}

// reopen closes the store and opens the same file again.
func (tw *tower) reopen(t testing.TB) {
	t.Helper()
	require.NoError(t, tw.s.Close())
	tw.s = openAt(t, tw.path, tw.clock)
}

// dump is every key, value and bucket sequence of the file, for comparing
// before and after something that must change nothing.
func dump(t testing.TB, s *DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)+"#seq"] = fmt.Sprint(b.Sequence())
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"/"+hex.EncodeToString(k)] = string(v)
				return nil
			})
		})
	}))
	return out
}

// keysIn lists a bucket's keys in order.
func keysIn(t testing.TB, s *DB, bucket []byte) [][]byte {
	t.Helper()
	var keys [][]byte
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, _ []byte) error {
			keys = append(keys, append([]byte(nil), k...))
			return nil
		})
	}))
	return keys
}

// sweep runs the store's sweep and returns its events.
func sweep(t testing.TB, s *DB) []model.Event {
	t.Helper()
	evs, err := s.Sweep(context.Background())
	require.NoError(t, err)
	return evs
}

// sweepAtDue sweeps a second before due from now, when nothing is late
// yet, then at due, and returns the events of that second sweep.
func sweepAtDue(t testing.TB, s *DB, clock *testclock.Clock, due time.Duration) []model.Event {
	t.Helper()
	clock.Advance(due - time.Second)
	assert.Empty(t, sweep(t, s), "%v: still in time", due-time.Second)
	clock.Advance(time.Second)
	return sweep(t, s)
}

// inParallel runs each(w, i) for i from 0 to n-1 in each of workers
// goroutines (w from 0 to workers-1), all at once, and waits for them.
func inParallel(workers, n int, each func(w, i int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range n {
				each(w, i)
			}
		})
	}
	wg.Wait()
}

// openedBy are the incidents the events of a sweep opened, as s holds
// them.
func openedBy(t testing.TB, s *DB, evs []model.Event) []model.Incident {
	t.Helper()
	var out []model.Incident
	for _, e := range evs {
		if e.Action == model.ActReport {
			inc, err := s.Incident(context.Background(), e.Incident)
			require.NoError(t, err)
			out = append(out, inc)
		}
	}
	return out
}

// each is what f makes of every element of in, in order.
func each[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

func seqsOf(list []model.Incident) []uint64 {
	return each(list, func(inc model.Incident) uint64 { return inc.Seq })
}

func codesOf(nodes []model.Node) []model.NodeCode {
	return each(nodes, func(n model.Node) model.NodeCode { return n.Code })
}

func idsOf(people []model.Person) []model.PersonID {
	return each(people, func(p model.Person) model.PersonID { return p.ID })
}

func sortedCopy(x []uint64) []uint64 {
	y := append([]uint64(nil), x...)
	sort.Slice(y, func(i, j int) bool { return y[i] < y[j] })
	return y
}

// encodeIncident is the record of i as saveIncident writes it.
func encodeIncident(i model.Incident) ([]byte, error) { return encodeIncidentText(i, nil) }

// openKey is an open incident's idx_open key.
func openKey(inc model.Incident) ([]byte, error) {
	return appendOpenKey(make([]byte, 0, 10), inc)
}

// requireCode and requireZh are testkit's.
var requireCode, requireZh = testkit.RequireCode, testkit.RequireZh

func requireClean(t testing.TB, s *DB) {
	t.Helper()
	problems, err := s.Check(context.Background())
	require.NoError(t, err)
	require.Empty(t, problems)
}

// incident is the incident id as the store holds it.
func (tw *tower) incident(t testing.TB, id string) model.Incident {
	t.Helper()
	inc, err := tw.s.Incident(tw.ctx, id)
	require.NoError(t, err)
	return inc
}

// timeline is the events of the incident id, oldest first.
func (tw *tower) timeline(t testing.TB, id string) []model.Event {
	t.Helper()
	tl, err := tw.s.Timeline(tw.ctx, id)
	require.NoError(t, err)
	return tl
}

// seqs is the seqs of the incidents f selects, in the store's order.
func (tw *tower) seqs(t testing.TB, f model.IncidentFilter) []uint64 {
	t.Helper()
	got, err := tw.s.Incidents(tw.ctx, f)
	require.NoError(t, err)
	return seqsOf(got)
}
