package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/data"
	"gridcmd/importer"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// BenchmarkReportWriters files reports from W goroutines at once through
// the group-committing writer, as `gridcmd bench ingest` does (128 writers,
// and its default of 1,024); compare its records/s with
// BenchmarkRawPut1000's, run beside it.
func BenchmarkReportWriters(b *testing.B) {
	for _, writers := range []int{128, 1024} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			tw := newTower(b)
			reportFromWriters(b, tw, writers)
			if c := tw.s.commits.Load(); c > 0 {
				b.ReportMetric(float64(tw.s.committed.Load())/float64(c), "reports/commit")
				st := tw.s.db.Stats()
				b.ReportMetric(float64(st.TxStats.GetWrite())/float64(c), "pages/commit")
			}
		})
	}
}

// reportFromWriters files b.N reports over four micro-grids from writers
// goroutines at once through tw's writer (the timer reset first) and
// reports records/s.
func reportFromWriters(b *testing.B, tw *tower, writers int) {
	nodes := []model.NodeCode{micro011, micro012, micro021, micro101}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				_, err := tw.s.Report(tw.ctx, benchReport(int(i), nodes[i%int64(len(nodes))], tw.worker01.ID))
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// sampleRecord is a stored incident record of the usual size.
func sampleRecord(tb testing.TB) []byte {
	inc, _, err := testkit.FileReport(1, "HJ-20261129-0001", benchReport(12345, micro021, 5),
		model.Person{ID: 5, Roles: []model.Role{model.RoleGridWorkerFull}}, t0, model.DefaultPolicy())
	require.NoError(tb, err)
	v, err := encodeIncident(inc)
	require.NoError(tb, err)
	return v
}

// BenchmarkRawPut1000 is the ceiling: 1,000 puts of a same-size record per
// Update on a bare bbolt file with the store's options. One op is one
// Update of 1,000 records.
func BenchmarkRawPut1000(b *testing.B) {
	v := sampleRecord(b)
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600,
		&bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	require.NoError(b, err)
	defer db.Close()
	var seq uint64
	b.SetBytes(int64(len(v)) * rawBatch)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("raw"))
			if err != nil {
				return err
			}
			for j := 0; j < rawBatch; j++ {
				seq++
				if err := bk.Put(u64(seq), v); err != nil {
					return err
				}
			}
			return nil
		})
		require.NoError(b, err)
	}
	b.ReportMetric(float64(b.N*rawBatch)/time.Since(start).Seconds(), "records/s")
}

// fixture100k is a file with the tiny tower and 100,000 open incidents,
// built once per process (see fixture) and removed by TestMain.
var fixture100k struct {
	once sync.Once
	dir  string
	s    *DB
	err  error
}

const fixtureN = 100_000

// fixture builds the 100k file (fileRaw).
func fixture(b *testing.B) *DB {
	f := &fixture100k
	f.once.Do(func() {
		f.dir, f.err = os.MkdirTemp("", "gridcmd-store-bench-")
		if f.err != nil {
			return
		}
		clock := newClock()
		f.s, f.err = Open(filepath.Join(f.dir, "100k.db"), testOptions(clock))
		if f.err != nil {
			return
		}
		ctx := context.Background()
		if _, f.err = f.s.ImportNodes(ctx, tinyNodes(), model.System, ""); f.err != nil {
			return
		}
		var people []model.Person
		if people, f.err = f.s.ImportPeople(ctx, tinyPeople(), model.System, ""); f.err != nil {
			return
		}
		reporter := people[4]
		nodes := []model.NodeCode{micro011, micro012, micro021, micro101, grid01, grid02, grid10, village}
		f.err = fileRaw(f.s, reporter, fixtureN, time.Second, func(i int) model.Report {
			return model.Report{
				Node: nodes[i%len(nodes)], Category: "hazard", Severity: model.Severity(1 + i%4),
				Title: fmt.Sprintf("隐患排查 #%d", i), Text: "楼道堆放杂物，堵塞消防通道",
			}
		})
	})
	require.NoError(b, f.err)
	return f.s
}

func cleanupFixtures() {
	f := &fixture100k
	if f.s != nil {
		_ = f.s.Close()
	}
	if f.dir != "" {
		_ = os.RemoveAll(f.dir)
	}
	if y := &yongkang100k; y.dir != "" {
		_ = os.RemoveAll(y.dir)
	}
}

// yongkang100k is a closed file holding Yongkang county's tower
// (data.YongkangVillages through importer.ParseVillages and importer.Generate
// with the default rule), a duty officer, and 100,000 open incidents on its
// micro-grids, grids and villages: what the console opens in a county a few
// months in. Built once per process (see yongkangFixture), removed by
// TestMain.
var yongkang100k struct {
	once  sync.Once
	dir   string
	path  string
	nodes int
	err   error
}

// yongkangTower is Yongkang county's tower: data.YongkangVillages through
// importer.ParseVillages and importer.Generate with the default rule.
func yongkangTower() ([]model.Node, error) {
	rows, err := importer.ParseVillages("yongkang-villages.csv", bytes.NewReader(data.YongkangVillages))
	if err != nil {
		return nil, err
	}
	return importer.Generate(rows, importer.GenRule{}), nil
}

// yongkangFixture builds the Yongkang file, filling it the way fixture does
// (fileRaw).
func yongkangFixture(b *testing.B) (path string, nodes int) {
	y := &yongkang100k
	y.once.Do(func() {
		tower, err := yongkangTower()
		if err != nil {
			y.err = err
			return
		}
		var targets []model.NodeCode
		for _, n := range tower {
			switch n.Level {
			case model.LevelVillage, model.LevelGrid, model.LevelMicroGrid:
				targets = append(targets, n.Code)
			}
		}
		if y.dir, y.err = os.MkdirTemp("", "gridcmd-store-yongkang-"); y.err != nil {
			return
		}
		y.path = filepath.Join(y.dir, "yongkang.db")
		s, err := Open(y.path, testOptions(newClock()))
		if err != nil {
			y.err = err
			return
		}
		defer func() {
			if err := s.Close(); y.err == nil {
				y.err = err
			}
		}()
		ctx := context.Background()
		if y.nodes, y.err = s.ImportNodes(ctx, tower, model.System, "yongkang"); y.err != nil {
			return
		}
		people, err := s.ImportPeople(ctx, []model.Person{{
			Name: "陈值班", Phone: "13800000001", Node: tower[0].Code,
			Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true,
		}}, model.System, "yongkang")
		if err != nil {
			y.err = err
			return
		}
		cats := []string{"traffic", "hazard", "dispute", "security", "service"}
		y.err = fileRaw(s, people[0], fixtureN, 30*time.Second, func(i int) model.Report {
			return model.Report{
				Node: targets[i*7919%len(targets)], Category: cats[i%len(cats)],
				Severity: model.Severity(1 + i%4), Title: fmt.Sprintf("隐患排查 #%d", i),
				Text: "楼道堆放杂物，堵塞消防通道，已告知住户限期清理",
			}
		})
	})
	require.NoError(b, y.err)
	return y.path, y.nodes
}

// BenchmarkOpenYongkang100k is the console starting on a county a few months
// in: Open, the first reads it does (the whole tower, the open incidents),
// Close. The file is warm in the page cache; ms-open, ms-nodes and
// ms-incidents split each op.
func BenchmarkOpenYongkang100k(b *testing.B) {
	path, nodes := yongkangFixture(b)
	ctx := context.Background()
	var open, tower, incs time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		s, err := Open(path, Options{Timeout: time.Second, Location: cst})
		require.NoError(b, err)
		t1 := time.Now()
		ns, err := s.Nodes(ctx, "")
		require.NoError(b, err)
		require.Len(b, ns, nodes)
		t2 := time.Now()
		list, err := s.Incidents(ctx, model.IncidentFilter{Open: true})
		require.NoError(b, err)
		require.Len(b, list, fixtureN)
		t3 := time.Now()
		require.NoError(b, s.Close())
		open, tower, incs = open+t1.Sub(t), tower+t2.Sub(t1), incs+t3.Sub(t2)
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1e3 / float64(b.N) }
	b.ReportMetric(ms(open), "ms-open")
	b.ReportMetric(ms(tower), "ms-nodes")
	b.ReportMetric(ms(incs), "ms-incidents")
}

// BenchmarkOpenIncidents100k lists open incidents with 100,000 stored (all
// open): all of them through idx_open, one grid's subtree through idx_node,
// and the village tier (an idx_open prefix).
func BenchmarkOpenIncidents100k(b *testing.B) {
	s := fixture(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    model.IncidentFilter
		want int
	}{
		{"all", model.IncidentFilter{Open: true}, fixtureN},
		{"grid10-subtree", model.IncidentFilter{Open: true, Node: grid10}, fixtureN / 4},
		{"village-tier", model.IncidentFilter{Open: true, Tier: model.TierVillage}, fixtureN / 8},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				list, err := s.Incidents(ctx, c.f)
				require.NoError(b, err)
				require.Len(b, list, c.want)
			}
		})
	}
}

// TestBenchIngestSmall runs the `gridcmd bench ingest` code on a small n;
// it checks the figures are there, never what they are.
func TestBenchIngestSmall(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 500
	}
	dir := t.TempDir()
	res, err := BenchIngest(dir, n, 64, 3, Options{Timeout: time.Second})
	require.NoError(t, err)
	require.Equal(t, n, res.N)
	require.Positive(t, res.StorePerSec)
	require.Positive(t, res.RawPerSec)
	require.Positive(t, res.RecordBytes)
	require.Len(t, res.Rounds, 3)
	// The headline is the median round's, whole.
	ratios := []float64{res.Rounds[0].Ratio, res.Rounds[1].Ratio, res.Rounds[2].Ratio}
	slices.Sort(ratios)
	require.Equal(t, ratios[1], res.Ratio)
	require.Contains(t, res.Rounds, BenchRound{StorePerSec: res.StorePerSec, RawPerSec: res.RawPerSec, Ratio: res.Ratio})
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "files left behind")
	t.Logf("bench ingest: %+v", res)
}

// BenchmarkReportInTx is the writer's own work per report, alone: what a
// report costs inside the writer's transaction (the rule, the record, its
// index entries, the event), batches of 128 on a file that already holds
// 20,000 incidents, each batch rolled back so that no disk write or fsync
// is in the figure. It is the part of BenchmarkReportWriters that group
// commit cannot share out.
func BenchmarkReportInTx(b *testing.B) {
	tw := newTower(b)
	s := tw.s
	nodes := []model.NodeCode{micro011, micro012, micro021, micro101}
	report := func(i int) model.Report { return benchReport(i, nodes[i%len(nodes)], tw.worker01.ID) }
	fileConcurrently(b, tw.ctx, s, 20000, report)
	// The writer is idle from here on: this goroutine plays its part.
	const batch = 128
	checked, texts := checkedReports(b, s, 0, batch, report)
	now := tw.clock.Now()
	b.ReportAllocs()
	b.ResetTimer()
	inRolledBackTx(b, s, batch, func(tx *bolt.Tx, i, _ int) {
		_, ev, err := s.fileReport(tx, now, checked[i], &texts[i])
		require.NoError(b, err)
		require.NoError(b, putEvents(s.wt.buckets, []model.Event{ev}))
	}, s.wc.reset)
}

// fileConcurrently files report(0) to report(n-1) through the writer,
// from 64 callers at once.
func fileConcurrently(b *testing.B, ctx context.Context, s *DB, n int, report func(i int) model.Report) {
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 64 {
				if _, err := s.Report(ctx, report(i)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// checkedReports are report(from) to report(from+n-1) checked, each with
// its text, as Report hands them to the writer.
func checkedReports(b *testing.B, s *DB, from, n int, report func(i int) model.Report) ([]model.CheckedReport, []textJSON) {
	checked := make([]model.CheckedReport, n)
	texts := make([]textJSON, n)
	for i := range checked {
		c, err := report(from + i).Check(s.opts.Policy)
		require.NoError(b, err)
		checked[i], texts[i] = c, newTextJSON(c)
	}
	return checked, texts
}

// inRolledBackTx calls each b.N times in all (i counting within the
// transaction, n in all), batch calls to a write transaction that is set up
// and finished as the writer's (startTx, finish) and then rolled back, so
// that no disk write or fsync is in the figure; then runs after each.
func inRolledBackTx(b *testing.B, s *DB, batch int, each func(tx *bolt.Tx, i, n int), then func()) {
	for n := 0; n < b.N; {
		tx, err := s.db.Begin(true)
		require.NoError(b, err)
		wb, err := writerBuckets(tx)
		require.NoError(b, err)
		s.startTx(wb)
		for i := 0; i < batch && n < b.N; i, n = i+1, n+1 {
			each(tx, i, n)
		}
		require.NoError(b, s.wt.finish(tx))
		require.NoError(b, tx.Rollback())
		if then != nil {
			then()
		}
	}
}

// BenchmarkReportInTxBooked is the whole of the writer's work per report
// in bench ingest's setting, without the disk: on the bench tower (30
// micro-grids, 1,035 grid workers) holding 20,000 incidents, reports by
// one worker after another in batches of 1,000 (the writer's batch), each
// one as commit runs it (the report, its event appended, the room's
// activity noted, its points booked) and each batch finished as before a
// commit (the daily number, the counters, the points) and rolled back.
// BenchmarkReportInTx leaves out the activity, the points and the finish.
func BenchmarkReportInTxBooked(b *testing.B) {
	s := openAt(b, filepath.Join(b.TempDir(), "gridcmd.db"), newClock())
	ctx := context.Background()
	nodes, reporters, err := benchTower(ctx, s)
	require.NoError(b, err)
	report := func(i int) model.Report {
		return benchReport(i, nodes[i%len(nodes)], reporters[i%len(reporters)])
	}
	fileConcurrently(b, ctx, s, 20000, report)
	const batch = 1000
	checked, texts := checkedReports(b, s, 20000, batch, report)
	now := s.clock()
	b.ReportAllocs()
	b.ResetTimer()
	// The writer's cache of people and nodes is kept from one transaction to
	// the next (no then), as the writer keeps it from one commit to the
	// next (nothing here writes them).
	inRolledBackTx(b, s, batch, func(tx *bolt.Tx, i, _ int) {
		_, ev, err := s.fileReport(tx, now, checked[i], &texts[i])
		require.NoError(b, err)
		evs := []model.Event{ev}
		require.NoError(b, putEvents(s.wt.buckets, evs))
		require.NoError(b, s.noteActivity(tx, evs))
		require.NoError(b, s.earn(tx, evs))
	}, nil)
}

// nextDayNumber takes the next daily number of the local day of day, for
// the fixtures, which write outside the writer (the writer's requests go
// through txState.nextID, which also checks the day: checkDayFree).
func nextDayNumber(tx *bolt.Tx, day time.Time) (uint64, error) {
	k := dayKey(day.Format("20060102"))
	n, err := metaU64(tx, k)
	if err != nil {
		return 0, err
	}
	n++
	return n, tx.Bucket(bucketMeta).Put(k, u64(n))
}

// fileRaw files n reports by reporter in big raw transactions through the
// store's own helpers (nextDayNumber, saveIncident, putEvents), not the
// writer: the i-th is report(i), at t0 plus i steps.
func fileRaw(s *DB, reporter model.Person, n int, step time.Duration, report func(i int) model.Report) error {
	p := s.Policy()
	const chunk = 20_000
	for done := 0; done < n; done += chunk {
		err := s.db.Update(func(tx *bolt.Tx) error {
			bs, err := bucketsOfTx(tx)
			if err != nil {
				return err
			}
			for i := done; i < done+chunk && i < n; i++ {
				now := t0.Add(time.Duration(i) * step)
				seq, err := bs.incidents.NextSequence()
				if err != nil {
					return err
				}
				day, err := nextDayNumber(tx, now)
				if err != nil {
					return err
				}
				r := report(i)
				r.Reporter = reporter.ID
				inc, ev, err := testkit.FileReport(seq, testkit.IncidentID("HJ", now, day), r, reporter, now, p)
				if err != nil {
					return err
				}
				if err := saveIncident(bs, inc, nil, nil); err != nil {
					return err
				}
				if err := putEvents(bs, []model.Event{ev}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkReportWritersFollowed is BenchmarkReportWriters with a console
// following the feed (one subscriber reading every batch), as when 'gridcmd
// serve' holds the file and consoles attach: what publishing each commit
// costs the writer.
func BenchmarkReportWritersFollowed(b *testing.B) {
	for _, writers := range []int{128, 1024} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			tw := newTower(b)
			sub := tw.s.Subscribe()
			read := make(chan struct{})
			go func() {
				defer close(read)
				for range sub.C() {
				}
			}()
			reportFromWriters(b, tw, writers)
			b.StopTimer()
			if sub.Lost() {
				b.Log("the subscriber fell behind")
			}
			sub.Close()
			<-read
		})
	}
}
