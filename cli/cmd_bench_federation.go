package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/federation"
	"gridcmd/model"
	"gridcmd/store"
)

// benchFedTownCodes are Yongkang's towns (data/yongkang-villages.csv), the
// county of the figures.
var benchFedTownCodes = []string{
	"330784001", "330784002", "330784003", "330784004", "330784100", "330784101", "330784102",
	"330784103", "330784104", "330784105", "330784106", "330784107", "330784108", "330784109",
}

// benchFederationLong is the help of bench federation: what each figure
// measures, and what a run costs.
const benchFederationLong = `Start a hub and N town nodes in this process, each town with its own store
(a fresh file: a town, a village, ten grids of three micro-grids, one grid
worker per grid) and the hub on a fresh county file, linked on loopback.

- p99_ms: the link up, the towns file --rate events/s in all (200), each
  timed from its commit in the town's file to its apply in the hub's.
- catchup_seconds, lost, doubled: the hub stops; the towns write --events
  in all (for at least --cut); the hub comes back: seconds until every
  event is applied; events missing, and records the hub's stream or read
  model holds more than once.
- intake_ratio: the first town files --intake events from --workers
  goroutines with its node running and without, --rounds times each, the
  first of a round's two sides taking turns (an even number of rounds
  gives each order as often), the disk written out (sync) before each
  side; the median of the rounds' ratios. It is the intake a town keeps
  during a burst with its node up: the uplink gives way to a burst (a
  batch waits up to a second while the writer commits many reports at
  once), so most of a side's federation work comes after the side, and the
  text output says how long after each side the hub had all of it. A
  default run takes about three minutes and up to about 4.5 GB in the
  temporary folder (removed at the end).

--json prints exactly {p99_ms, catchup_seconds, lost, doubled, intake_ratio}
and nothing else; without it a line per phase and per intake round goes to
stderr before the figures.`

// benchFederation adds 'bench federation' to the bench command group.
func (a *app) benchFederation(bench *cobra.Command) *cobra.Command {
	var towns, events, intake, workers, rounds int
	var cut, latency time.Duration
	var rate float64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "federation [--towns N] [--events M] [--cut 30s] [--json]",
		Short: "A hub and N towns on loopback in one process: latency to the county, catch-up after a cut, intake with federation on and off",
		Long:  benchFederationLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if towns < 1 || towns > len(benchFedTownCodes) {
				return usageError{fmt.Errorf("--towns %d: want 1 to %d", towns, len(benchFedTownCodes))}
			}
			if events < 1 || intake < 1 || workers < 1 || rounds < 1 || rate <= 0 {
				return usageError{errors.New("--events, --intake, --workers, --rounds and --rate want positive numbers")}
			}
			res, err := a.runFedBench(cmd.Context(), towns, federation.BenchConfig{
				Rate: rate, Latency: latency, Events: events, Cut: cut,
				Intake: intake, Workers: workers, Rounds: rounds,
			}, !asJSON)
			if err != nil {
				return err
			}
			return a.answer(asJSON, res, func() { a.printFedBench(res, rate) })
		},
	}
	f := cmd.Flags()
	f.IntVar(&towns, "towns", 14, "towns (Yongkang has 14)")
	f.IntVar(&events, "events", 100000, "events the towns write in all during the cut")
	f.DurationVar(&cut, "cut", 30*time.Second, "the cut lasts at least this long")
	f.Float64Var(&rate, "rate", 200, "events/s in all while measuring latency")
	f.DurationVar(&latency, "latency", 15*time.Second, "how long latency is measured")
	f.IntVar(&intake, "intake", 100000, "events per intake side (with the node, and without)")
	f.IntVar(&workers, "workers", 64, "goroutines filing in an intake round")
	f.IntVar(&rounds, "rounds", 6, "intake rounds with the node and without (even: each side first as often)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	bench.AddCommand(cmd)
	return bench
}

func (a *app) printFedBench(res federation.BenchResult, rate float64) {
	fmt.Fprintf(a.out, "p99_ms %.1f (p50 %.1f, %d events at %.0f/s; goal ≤ 500)\n", res.P99ms, res.P50ms, res.LatencySamples, rate)
	fmt.Fprintf(a.out, "catchup_seconds %.2f after a %.1f s cut with %d events written (goal ≤ 20)\n", res.CatchupSeconds, res.CutSeconds, res.CutEvents)
	fmt.Fprintf(a.out, "lost %d, doubled %d (goal 0 and 0)\n", res.Lost, res.Doubled)
	fmt.Fprintf(a.out, "intake_ratio %.2f: %.0f/s with the node, %.0f/s without (rounds on %.0f, off %.0f; goal ≥ 0.8)\n",
		res.IntakeRatio, res.IntakeOn, res.IntakeOff, res.RoundsOn, res.RoundsOff)
	fmt.Fprintf(a.out, "  with the node, the hub had each side's reports %.1f s after the side ended (each side: %.1f s)\n", res.Drain, res.Drains)
}

// runFedBench makes the towns' and the hub's files in a scratch folder and
// runs the bench on them.
func (a *app) runFedBench(ctx context.Context, n int, cfg federation.BenchConfig, progress bool) (federation.BenchResult, error) {
	dir, err := os.MkdirTemp("", "gridcmd-bench-federation-")
	if err != nil {
		return federation.BenchResult{}, err
	}
	defer os.RemoveAll(dir)
	opts, err := a.storeOptions()
	if err != nil {
		return federation.BenchResult{}, err
	}
	opts.Now = nil
	hub, err := store.Open(filepath.Join(dir, "county.db"), opts)
	if err != nil {
		return federation.BenchResult{}, err
	}
	defer hub.Close()
	cfg.Dir, cfg.ReadModel = dir, hub
	for i := range n {
		bt, closeTown, err := benchFedTown(ctx, filepath.Join(dir, "town"+benchFedTownCodes[i]+".db"), model.NodeCode(benchFedTownCodes[i]), opts)
		if err != nil {
			return federation.BenchResult{}, err
		}
		defer closeTown()
		cfg.Towns = append(cfg.Towns, bt)
	}
	if progress {
		cfg.Progress = func(f string, args ...any) { fmt.Fprintf(a.errOut, "bench federation: "+f+"\n", args...) }
	}
	return federation.RunBench(ctx, cfg)
}

// benchFedTown is a town's file for the bench: a town, a village, ten
// grids of three micro-grids, a grid worker per grid (made when the file
// is new); File reports an incident, round robin over the micro-grids.
func benchFedTown(ctx context.Context, path string, town model.NodeCode, opts store.Options) (federation.BenchTown, func(), error) {
	_, statErr := os.Stat(path)
	db, err := store.Open(path, opts)
	if err != nil {
		return federation.BenchTown{}, nil, err
	}
	bt, err := benchFedTownOn(ctx, db, town, statErr != nil)
	if err != nil {
		db.Close()
		return federation.BenchTown{}, nil, err
	}
	return bt, func() { db.Close() }, nil
}

func benchFedTownOn(ctx context.Context, db *store.DB, town model.NodeCode, fresh bool) (federation.BenchTown, error) {
	village := model.NodeCode(string(town) + "201")
	nodes := []model.Node{
		{Code: town, Level: model.LevelTown, Name: "镇" + string(town)},
		{Code: village, Level: model.LevelVillage, Name: "村" + string(village), Parent: town},
	}
	var micro []model.NodeCode
	for g := 1; g <= 10; g++ {
		grid := village.Child(g)
		nodes = append(nodes, model.Node{Code: grid, Level: model.LevelGrid, Name: fmt.Sprintf("第%d网格", g), Parent: village})
		for m := 1; m <= 3; m++ {
			micro = append(micro, grid.Child(m))
			nodes = append(nodes, model.Node{Code: grid.Child(m), Level: model.LevelMicroGrid,
				Name: fmt.Sprintf("%d-%d微网格", g, m), Parent: grid, Households: 60})
		}
	}
	if fresh {
		if _, err := db.ImportNodes(ctx, nodes, model.System, "bench"); err != nil {
			return federation.BenchTown{}, err
		}
		staff := make([]model.Person, 10)
		for i := range staff {
			staff[i] = model.Person{Name: fmt.Sprintf("网格员%d", i+1), Phone: fmt.Sprintf("139%08d", i+1),
				Node: village.Child(1 + i), Roles: []model.Role{model.RoleGridWorkerFull}}
		}
		if _, err := db.ImportPeople(ctx, staff, model.System, "bench"); err != nil {
			return federation.BenchTown{}, err
		}
	}
	reporter := map[model.NodeCode]model.PersonID{}
	people, err := db.People(ctx, model.PeopleFilter{Node: village})
	if err != nil {
		return federation.BenchTown{}, err
	}
	for _, p := range people {
		reporter[p.Node] = p.ID
	}
	var next uint64
	return federation.BenchTown{
		Code: town, Outbox: db, Commander: db, LastBurst: db.LastBurst,
		File: func(ctx context.Context) error {
			i := int(atomicAdd(&next))
			g := i % len(micro)
			_, err := db.Report(ctx, model.Report{
				Node: micro[g], Category: "traffic", Severity: model.SeverityIII,
				Title:    fmt.Sprintf("330国道货物散落 #%d", i),
				Text:     "巡查发现货车散落货物约二十米，占用一条车道，已在现场摆放警示标志，请网格长签收并通知交警处置。",
				Reporter: reporter[village.Child(1+g/3)],
			})
			return err
		},
		LastSeq: func(ctx context.Context) (uint64, error) {
			evs, err := db.Events(ctx, 0, 1)
			if err != nil || len(evs) == 0 {
				return 0, err
			}
			return evs[0].Seq, nil
		},
	}, nil
}
