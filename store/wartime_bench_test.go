package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// yongkangWartime is a closed file holding Yongkang county's tower
// (data.YongkangVillages through importer.ParseVillages and importer.Generate
// with the default rule), a duty officer and one micro-grid worker on every
// micro-grid (every other one on duty), so that activation staffs every
// unit. Built once per process and kept in memory (the file is removed at
// once); each benchmark opens its own copy.
var yongkangWartime struct {
	once  sync.Once
	image []byte
	towns []model.NodeCode
	micro int
	err   error
}

func yongkangWartimeFixture(b testing.TB) (image []byte, towns []model.NodeCode, micro int) {
	y := &yongkangWartime
	y.once.Do(func() {
		tower, err := yongkangTower()
		if err != nil {
			y.err = err
			return
		}
		people := []model.Person{{Name: "陈值班", Phone: "13800000001", Node: tower[0].Code,
			Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true}}
		for _, n := range tower {
			switch n.Level {
			case model.LevelTown:
				y.towns = append(y.towns, n.Code)
			case model.LevelMicroGrid:
				people = append(people, model.Person{Name: fmt.Sprintf("微网格员%d", y.micro), Phone: fmt.Sprintf("139%08d", y.micro),
					Node: n.Code, Roles: []model.Role{model.RoleMicroGridWorker}, OnDuty: y.micro%2 == 0})
				y.micro++
			}
		}
		dir, err := os.MkdirTemp("", "gridcmd-store-wartime-")
		if err != nil {
			y.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "yongkang-wartime.db")
		s, err := Open(path, testOptions(newClock()))
		if err != nil {
			y.err = err
			return
		}
		ctx := context.Background()
		if _, y.err = s.ImportNodes(ctx, tower, model.System, "yongkang"); y.err == nil {
			_, y.err = s.ImportPeople(ctx, people, model.System, "yongkang")
		}
		if err := s.Close(); y.err == nil {
			y.err = err
		}
		if y.err == nil {
			y.image, y.err = os.ReadFile(path)
		}
	})
	require.NoError(b, y.err)
	return y.image, y.towns, y.micro
}

// openCopy opens a fresh copy of the fixture file.
func openCopy(b testing.TB, image []byte) *DB {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "copy.db")
	require.NoError(b, os.WriteFile(dst, image, 0o600))
	return openAt(b, dst, newClock())
}

// BenchmarkActivateCounty is wartime over all 14 towns of Yongkang county
// (452 villages, about 3,400 micro-grids, each with a worker): one op is one
// ActivateTowns (one activation per town, one durable group commit),
// timed, then ending the 14, untimed but reported as ms-deactivate.
func BenchmarkActivateCounty(b *testing.B) {
	image, towns, micro := yongkangWartimeFixture(b)
	s := openCopy(b, image)
	ctx := context.Background()
	var off time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acts, err := s.ActivateTowns(ctx, model.ReasonTyphoon, towns, false, "", 1)
		if err != nil {
			b.Fatal(err)
		}
		covered := 0
		for _, a := range acts {
			covered += a.MicroGrids
		}
		if len(acts) != len(towns) || covered != micro {
			b.Fatalf("%d activations cover %d micro-grids, want %d and %d", len(acts), covered, len(towns), micro)
		}
		b.StopTimer()
		t := time.Now()
		for _, a := range acts {
			if _, err := s.Deactivate(ctx, a.ID, 1); err != nil {
				b.Fatal(err)
			}
		}
		off += time.Since(t)
		b.StartTimer()
	}
	b.ReportMetric(float64(micro), "units")
	b.ReportMetric(off.Seconds()*1e3/float64(b.N), "ms-deactivate")
}

// BenchmarkDirectiveFanOutCounty issues a directive to every town of the
// county per op: wartime is per town, so one directive per town, all 14
// sent at once (one group commit, or a few): about 3,400 directive units,
// their idx_dir_due and idx_unit_directives entries and 14 events. Between ops, untimed,
// wartime is ended and activated again, so each op is the first directive
// of an activation in a file holding all the earlier ones: the cost of a
// directive grows with the directives of its own activation (every unit
// gets an entry in its part of idx_unit_directives), not with history.
// dry-run is the same fan-out in a read transaction.
func BenchmarkDirectiveFanOutCounty(b *testing.B) {
	image, towns, micro := yongkangWartimeFixture(b)
	s := openCopy(b, image)
	ctx := context.Background()
	activate := func() {
		if _, err := s.ActivateTowns(ctx, model.ReasonFlood, towns, false, "", 1); err != nil {
			b.Fatal(err)
		}
	}
	deactivate := func() {
		st, err := s.WartimeStatus(ctx, "")
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range st.Towns {
			if _, err := s.Deactivate(ctx, a.ID, 1); err != nil {
				b.Fatal(err)
			}
		}
	}
	// issue sends one directive to each town at once and counts the units.
	issue := func(dry bool) (int, error) {
		units := make([]int, len(towns))
		errs := make([]error, len(towns))
		var wg sync.WaitGroup
		for i, town := range towns {
			wg.Go(func() {
				d, _, err := s.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{town}, 2*time.Hour, 1, dry)
				units[i], errs[i] = d.Units, err
			})
		}
		wg.Wait()
		n := 0
		for i := range towns {
			if errs[i] != nil {
				return 0, errs[i]
			}
			n += units[i]
		}
		return n, nil
	}
	activate()
	for _, dry := range []bool{false, true} {
		name := "issue"
		if dry {
			name = "dry-run"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				n, err := issue(dry)
				if err != nil {
					b.Fatal(err)
				}
				if n != micro {
					b.Fatalf("directives reach %d units, want %d", n, micro)
				}
				if !dry {
					b.StopTimer()
					deactivate()
					activate()
					b.StartTimer()
				}
			}
			b.ReportMetric(float64(micro), "units")
		})
	}
}
