package store

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// BenchResult is what `gridcmd bench ingest` prints: the rate of filing
// incidents through Report from concurrent callers, beside the ceiling of
// raw bbolt writing records of the same size 1,000 per transaction, in
// rounds that alternate the two. The headline figures are those of the
// median round by ratio, so that Ratio is StorePerSec / RawPerSec of one
// round measured back to back.
type BenchResult struct {
	N            int          `json:"n"`
	Workers      int          `json:"workers"`
	StoreSeconds float64      `json:"store_seconds"`
	StorePerSec  float64      `json:"store_per_sec"`
	RawSeconds   float64      `json:"raw_seconds"`
	RawPerSec    float64      `json:"raw_per_sec"`
	Ratio        float64      `json:"ratio"` // StorePerSec / RawPerSec
	RecordBytes  int          `json:"record_bytes"`
	MeanBatch    float64      `json:"mean_batch"`       // reports per group commit
	PagesPerTx   float64      `json:"pages_per_commit"` // pages the store wrote per group commit
	Rounds       []BenchRound `json:"rounds"`           // every round, in the order run
}

// BenchRound is one store run and the raw run after it.
type BenchRound struct {
	StorePerSec float64 `json:"store_per_sec"`
	RawPerSec   float64 `json:"raw_per_sec"`
	Ratio       float64 `json:"ratio"`
}

// rawBatch is how many puts the raw reference makes per transaction.
const rawBatch = 1000

// BenchIngest measures durable intake against the ceiling of raw bbolt, in
// rounds rounds, each a store run then a raw run, each on a fresh file in
// dir (all removed after):
//
//   - store: Open a new file, import a small tower (a town, a village, ten
//     grids of three micro-grids) and one grid worker, then file n incidents
//     through DB.Report from workers goroutines, round-robin over the 30
//     micro-grids. That is the whole durable path: validation, the writer's
//     group commit (the report rule, the record, incident_ids, idx_open,
//     idx_due, idx_node, the event and idx_incident_events, the daily
//     number), fsync per commit with NoSync and NoFreelistSync off, and each
//     caller answered after its commit.
//   - raw: bolt.Open a new file with the options the store opens with (lock
//     timeout, map freelist; bbolt's default page fill, as any bbolt user
//     gets it), then put n values of the mean size of the stored incident
//     records under sequential u64 keys in one bucket, 1,000 per Update:
//     one record per incident, no index, no event, no rule, one fsync pair
//     per 1,000.
//
// Only the writes are timed, not the opening or the tower. Alternating the
// two sides and taking the median round keeps a passing disturbance of the
// machine (which moves the raw side most: its runs are short) out of the
// figure without hiding it: every round is in Rounds.
func BenchIngest(dir string, n, workers, rounds int, opts Options) (BenchResult, error) {
	if n <= 0 {
		return BenchResult{}, model.Errorf(model.EINVALID, "bench: n must be positive").Zh("基准测试：n 须为正数")
	}
	if workers <= 0 {
		workers = 1
	}
	if rounds <= 0 {
		rounds = 1
	}
	work, err := os.MkdirTemp(dir, "gridcmd-bench-")
	if err != nil {
		return BenchResult{}, err
	}
	defer os.RemoveAll(work)

	res := BenchResult{N: n, Workers: workers}
	type full struct {
		round              BenchRound
		storeSecs, rawSecs float64
		batch, pages       float64
		recordBytes        int
	}
	var all []full
	for i := 0; i < rounds; i++ {
		var f full
		sample, secs, batch, pages, err := benchStore(filepath.Join(work, fmt.Sprintf("store-%d.db", i)), n, workers, opts)
		if err != nil {
			return res, err
		}
		f.storeSecs, f.batch, f.pages, f.recordBytes = secs, batch, pages, len(sample)
		if f.rawSecs, err = benchRaw(filepath.Join(work, fmt.Sprintf("raw-%d.db", i)), n, sample, opts.Timeout); err != nil {
			return res, err
		}
		f.round = BenchRound{StorePerSec: perSec(n, f.storeSecs), RawPerSec: perSec(n, f.rawSecs)}
		if f.round.RawPerSec > 0 {
			f.round.Ratio = f.round.StorePerSec / f.round.RawPerSec
		}
		all = append(all, f)
		res.Rounds = append(res.Rounds, f.round)
		// Each side's file goes as soon as the round is done.
		os.Remove(filepath.Join(work, fmt.Sprintf("store-%d.db", i)))
		os.Remove(filepath.Join(work, fmt.Sprintf("raw-%d.db", i)))
	}
	byRatio := slices.Clone(all)
	slices.SortStableFunc(byRatio, func(a, b full) int { return cmp.Compare(a.round.Ratio, b.round.Ratio) })
	m := byRatio[(len(byRatio)-1)/2] // the lower median of an even count
	res.StoreSeconds, res.StorePerSec = m.storeSecs, m.round.StorePerSec
	res.RawSeconds, res.RawPerSec = m.rawSecs, m.round.RawPerSec
	res.Ratio, res.RecordBytes = m.round.Ratio, m.recordBytes
	res.MeanBatch, res.PagesPerTx = m.batch, m.pages
	return res, nil
}

func perSec(n int, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return float64(n) / secs
}

// benchStore times the Reports and returns a stored record of the mean
// size, the seconds taken, and the mean number of reports and of pages
// written per commit.
func benchStore(path string, n, workers int, opts Options) ([]byte, float64, float64, float64, error) {
	s, err := Open(path, opts)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	defer s.Close()
	ctx := context.Background()
	nodes, reporters, err := benchTower(ctx, s)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	st0 := s.db.Stats()
	commits0, committed0, pages0 := s.commits.Load(), s.committed.Load(), st0.TxStats.GetWrite()
	cats := []string{"traffic", "hazard", "dispute", "security", "service"}
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	next := make(chan int, workers)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := benchReport(i, nodes[i%len(nodes)], reporters[i%len(reporters)])
				r.Category = cats[i%len(cats)]
				_, err := s.Report(ctx, r)
				if err != nil {
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	secs := time.Since(start).Seconds()
	if firstErr != nil {
		return nil, 0, 0, 0, firstErr
	}
	var batch, pages float64
	if c := s.commits.Load() - commits0; c > 0 {
		batch = float64(s.committed.Load()-committed0) / float64(c)
		st := s.db.Stats()
		pages = float64(st.TxStats.GetWrite()-pages0) / float64(c)
	}

	var sample []byte
	err = s.view(func(tx *bolt.Tx) error {
		var total, count int
		err := tx.Bucket(bucketIncidents).ForEach(func(_, v []byte) error {
			if sample == nil {
				sample = append([]byte(nil), v...)
			}
			total += len(v)
			count++
			return nil
		})
		if err == nil && count > 0 {
			mean := total / count
			for len(sample) < mean {
				sample = append(sample, ' ')
			}
			sample = sample[:mean]
		}
		return err
	})
	return sample, secs, batch, pages, err
}

// benchRaw times n puts of value, rawBatch per Update, on a fresh file with
// the store's bbolt options (see BenchIngest).
func benchRaw(path string, n int, value []byte, timeout time.Duration) (float64, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	name := []byte("raw")
	start := time.Now()
	for i := 0; i < n; i += rawBatch {
		err := db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			for j := i; j < i+rawBatch && j < n; j++ {
				if err := b.Put(u64(uint64(j+1)), value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start).Seconds(), nil
}

// benchStaff is how many grid workers file the benchmark's reports: about
// Huajie's grid staff (1,035). Each files a few, so the points (信息采集)
// each report earns are booked in full, as on a typhoon night, rather than
// stopped by one reporter's monthly cap.
const benchStaff = 1035

// benchTower imports a town, the village of Duxi with ten grids of three
// micro-grids, and benchStaff grid workers over the grids; it returns the
// micro-grids to report on and the workers' ids.
func benchTower(ctx context.Context, s *DB) ([]model.NodeCode, []model.PersonID, error) {
	town := model.NodeCode("330784114")
	village := model.NodeCode("330784114266")
	nodes := []model.Node{
		{Code: town, Level: model.LevelTown, Name: "花街镇"},
		{Code: village, Level: model.LevelVillage, Name: "渎溪村", Official: "渎溪村委会", Parent: town},
	}
	var micro []model.NodeCode
	for g := 1; g <= 10; g++ {
		grid := village.Child(g)
		nodes = append(nodes, model.Node{Code: grid, Level: model.LevelGrid, Name: fmt.Sprintf("渎溪第%d网格", g), Parent: village})
		for m := 1; m <= 3; m++ {
			mg := grid.Child(m)
			micro = append(micro, mg)
			nodes = append(nodes, model.Node{Code: mg, Level: model.LevelMicroGrid,
				Name: fmt.Sprintf("渎溪%d-%d微网格", g, m), Parent: grid, Households: 60})
		}
	}
	if _, err := s.ImportNodes(ctx, nodes, model.System, "bench"); err != nil {
		return nil, nil, err
	}
	staff := make([]model.Person, benchStaff)
	for i := range staff {
		staff[i] = model.Person{Name: fmt.Sprintf("网格员%d", i+1), Phone: fmt.Sprintf("139%08d", i+1),
			Node: village.Child(1 + i%10), Roles: []model.Role{model.RoleGridWorkerFull}}
	}
	people, err := s.ImportPeople(ctx, staff, model.System, "bench")
	if err != nil {
		return nil, nil, err
	}
	ids := make([]model.PersonID, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	return micro, ids, nil
}

// benchReport is the i-th report the benchmarks file: the article's cargo
// spill, a field report of the usual size.
func benchReport(i int, node model.NodeCode, reporter model.PersonID) model.Report {
	return model.Report{
		Node: node, Category: "traffic", Severity: model.SeverityIII,
		Title:    fmt.Sprintf("330国道渎溪村段货物散落 #%d", i),
		Text:     "巡查发现货车散落货物约二十米，占用一条车道，已在现场摆放警示标志，请网格长签收并通知交警处置。",
		Reporter: reporter,
	}
}
