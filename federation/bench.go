package federation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"gridcmd/model"
)

// BenchTown is one town of `gridcmd bench federation`: its outbox (the
// town's store), how to file one event durably there, and the seq of the
// town's newest event.
type BenchTown struct {
	Code      model.NodeCode
	Outbox    model.FedOutbox
	Commander model.FedCommander
	File      func(ctx context.Context) error
	LastSeq   func(ctx context.Context) (uint64, error)
	// LastBurst is the store's burst clock (TownConfig.LastBurst).
	LastBurst func() time.Time
}

// BenchConfig is the bench's run.
type BenchConfig struct {
	Dir       string             // scratch: the nodes' store dirs
	Towns     []BenchTown        // the towns, each with its own store
	ReadModel model.FedReadModel // the hub's store
	Rate      float64            // events/s in all while measuring latency (the issue: 200)
	Latency   time.Duration      // how long latency is measured
	Events    int                // events the towns write, in all, during the cut
	Cut       time.Duration      // the cut lasts at least this long
	Intake    int                // events filed per intake round (on and off)
	Workers   int                // goroutines filing in an intake round
	Rounds    int                // intake rounds, alternating on and off
	Logf      func(string, ...any)
	Progress  func(string, ...any) // a line per phase (nil: none)
}

// BenchResult is what the bench measured; the JSON is exactly the issue's
// fields.
type BenchResult struct {
	P99ms          float64 `json:"p99_ms"`
	CatchupSeconds float64 `json:"catchup_seconds"`
	Lost           int     `json:"lost"`
	Doubled        int     `json:"doubled"`
	IntakeRatio    float64 `json:"intake_ratio"`

	// For the text output.
	P50ms               float64   `json:"-"`
	LatencySamples      int       `json:"-"`
	CutSeconds          float64   `json:"-"`
	IntakeOn, IntakeOff float64   `json:"-"` // events/s, the medians of each side's rounds
	RoundsOn, RoundsOff []float64 `json:"-"`
	// Drains: per side with the node, seconds from the side's end until
	// the hub had applied all it filed (the uplink gives way to a burst and
	// catches up after it).
	Drains                []float64 `json:"-"`
	Drain                 float64   `json:"-"` // their median
	CutEvents, HubApplied int       `json:"-"`
}

// countingModel wraps the hub's read model: how many records its calls
// applied, and (while tracking) when each (town, seq) was applied.
type countingModel struct {
	model.FedReadModel
	applied   atomic.Int64
	mu        sync.Mutex
	track     bool
	appliedAt map[string]time.Time
}

func (c *countingModel) FedApply(ctx context.Context, recs []model.FedRecord) (int, error) {
	n, err := c.FedReadModel.FedApply(ctx, recs)
	if err != nil {
		return n, err
	}
	c.applied.Add(int64(n))
	now := time.Now()
	c.mu.Lock()
	if c.track {
		for _, r := range recs {
			if id := model.FedMsgID(r.Town, r.Seq); c.appliedAt[id].IsZero() {
				c.appliedAt[id] = now
			}
		}
	}
	c.mu.Unlock()
	return n, err
}

// appliedWhen is when id was applied (zero: not yet).
func (c *countingModel) appliedWhen(id string) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.appliedAt[id]
}

// RunBench runs the federation's bench: a hub and the towns on loopback,
// in one process. Latency: events filed at cfg.Rate across the towns with
// the link up, each timed from its commit to its apply in the hub's read
// model. Catch-up: the hub stops, the towns write cfg.Events in all (for
// at least cfg.Cut), the hub starts again; timed until every event is
// applied, counting the lost and the doubled. Intake: one town files
// cfg.Intake events with its node running and without, alternating.
func RunBench(ctx context.Context, cfg BenchConfig) (BenchResult, error) {
	var res BenchResult
	if len(cfg.Towns) == 0 {
		return res, errors.New("bench: no towns")
	}
	b, err := newBench(ctx, cfg)
	if err != nil {
		return res, err
	}
	say := b.say
	defer b.close()
	say("%d towns linked to the hub", len(cfg.Towns))
	if err := b.latency(ctx, &res); err != nil {
		return res, err
	}
	say("latency: p50 %.1f ms, p99 %.1f ms over %d events", res.P50ms, res.P99ms, res.LatencySamples)
	if err := b.catchup(ctx, &res); err != nil {
		return res, err
	}
	say("catch-up: %d events written during a %.1f s cut, all in the hub %.2f s after it came back; %d lost, %d doubled",
		res.CutEvents, res.CutSeconds, res.CatchupSeconds, res.Lost, res.Doubled)
	if err := b.intake(ctx, &res); err != nil {
		return res, err
	}
	say("intake of town %s: %.0f events/s with its node, %.0f without (ratio %.2f)", cfg.Towns[0].Code, res.IntakeOn, res.IntakeOff, res.IntakeRatio)
	return res, nil
}

type bench struct {
	cfg    BenchConfig
	rm     *countingModel
	towns  []HubTown
	seeds  []string
	hub    *Hub
	listen string
	nodes  []*Town
}

// say writes a progress line (none without cfg.Progress).
func (b *bench) say(format string, args ...any) {
	if b.cfg.Progress != nil {
		b.cfg.Progress(format, args...)
	}
}

func newBench(ctx context.Context, cfg BenchConfig) (*bench, error) {
	b := &bench{cfg: cfg, rm: &countingModel{FedReadModel: cfg.ReadModel, appliedAt: map[string]time.Time{}}, listen: "127.0.0.1:0"}
	for _, t := range cfg.Towns {
		kp, err := nkeys.CreateUser()
		if err != nil {
			return nil, err
		}
		pub, _ := kp.PublicKey()
		seed, _ := kp.Seed()
		file := filepath.Join(cfg.Dir, string(t.Code)+".nk")
		if err := writeFile0600(file, seed); err != nil {
			return nil, err
		}
		b.towns = append(b.towns, HubTown{Code: t.Code, Nkey: pub})
		b.seeds = append(b.seeds, file)
	}
	if err := b.startHub(ctx); err != nil {
		return nil, err
	}
	for i := range cfg.Towns {
		n, err := b.startTown(ctx, i)
		if err != nil {
			b.close()
			return nil, err
		}
		b.nodes = append(b.nodes, n)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !b.allLinked() {
		if time.Now().After(deadline) {
			b.close()
			return nil, errors.New("bench: the towns did not link to the hub in 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return b, nil
}

func (b *bench) startHub(ctx context.Context) error {
	h, err := StartHub(ctx, HubConfig{
		StoreDir: filepath.Join(b.cfg.Dir, "hub"), Listen: b.listen, Towns: b.towns,
		ReadModel: b.rm, Logf: b.cfg.Logf,
	})
	if err != nil {
		return err
	}
	b.hub = h
	b.listen = fmt.Sprintf("127.0.0.1:%d", h.Port())
	return nil
}

func (b *bench) startTown(ctx context.Context, i int) (*Town, error) {
	t := b.cfg.Towns[i]
	return StartTown(ctx, TownConfig{
		Town: t.Code, StoreDir: filepath.Join(b.cfg.Dir, "town-"+string(t.Code)),
		HubURL: "nats://" + b.listen, NkeySeed: b.seeds[i],
		Outbox: t.Outbox, Commander: t.Commander, LastBurst: t.LastBurst,
		Reconnect: 250 * time.Millisecond, Logf: b.cfg.Logf,
	})
}

// allLinked: every town's leaf is up and its source delivering.
func (b *bench) allLinked() bool {
	conn := b.hub.leafTowns()
	info, err := b.hub.hubStreamInfo(context.Background())
	if err != nil {
		return false
	}
	for _, t := range b.towns {
		si := sourceOf(info, t.Code)
		if !conn[t.Code] || si == nil || si.Active < 0 || si.Active > 1500*time.Millisecond {
			return false
		}
	}
	return true
}

func (b *bench) close() {
	for _, n := range b.nodes {
		if n != nil {
			n.Close()
		}
	}
	if b.hub != nil {
		b.hub.Close()
	}
}

// latency files events at the rate, round robin over the towns, and
// waits for the hub to apply them all. An event is timed from the return
// of its commit to the return of the hub's apply that took it (the apply
// may even come first by a hair: 0).
func (b *bench) latency(ctx context.Context, res *BenchResult) error {
	total := max(1, int(b.cfg.Rate*b.cfg.Latency.Seconds()))
	gap := time.Duration(float64(time.Second) / b.cfg.Rate)
	b.rm.mu.Lock()
	b.rm.track = true
	b.rm.mu.Unlock()
	defer func() {
		b.rm.mu.Lock()
		b.rm.track, b.rm.appliedAt = false, map[string]time.Time{}
		b.rm.mu.Unlock()
	}()
	filed := make(map[string]time.Time, total)
	start := time.Now()
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * gap)); d > 0 {
			time.Sleep(d)
		}
		k := i % len(b.cfg.Towns)
		t := b.cfg.Towns[k]
		if err := t.File(ctx); err != nil {
			return fmt.Errorf("bench: filing in town %s: %w", t.Code, err)
		}
		at := time.Now()
		b.nodes[k].Notify()
		seq, err := t.LastSeq(ctx)
		if err != nil {
			return err
		}
		filed[model.FedMsgID(t.Code, seq)] = at
	}
	lat := make([]time.Duration, 0, total)
	deadline := time.Now().Add(60 * time.Second)
	for id, at := range filed {
		for b.rm.appliedWhen(id).IsZero() {
			if time.Now().After(deadline) {
				return fmt.Errorf("bench: %s never reached the hub's read model", id)
			}
			time.Sleep(10 * time.Millisecond)
		}
		lat = append(lat, max(0, b.rm.appliedWhen(id).Sub(at)))
	}
	slices.Sort(lat)
	res.LatencySamples = len(lat)
	res.P50ms = ms(quantile(lat, 0.50))
	res.P99ms = ms(quantile(lat, 0.99))
	return nil
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(q*float64(len(d))+0.5) - 1
	return d[max(0, min(i, len(d)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// catchup cuts the link by stopping the hub, has the towns write the
// events, brings the hub back and times until it has them all.
func (b *bench) catchup(ctx context.Context, res *BenchResult) error {
	before := map[model.NodeCode]uint64{}
	for _, t := range b.cfg.Towns {
		seq, err := t.LastSeq(ctx)
		if err != nil {
			return err
		}
		before[t.Code] = seq
	}
	appliedBefore := b.rm.applied.Load()
	b.hub.Close()
	cutAt := time.Now()
	if err := b.fileEverywhere(ctx, b.cfg.Events); err != nil {
		return err
	}
	if d := time.Until(cutAt.Add(b.cfg.Cut)); d > 0 {
		time.Sleep(d)
	}
	last := map[model.NodeCode]uint64{}
	want := 0
	for _, t := range b.cfg.Towns {
		seq, err := t.LastSeq(ctx)
		if err != nil {
			return err
		}
		last[t.Code] = seq
		want += int(seq - before[t.Code])
	}
	res.CutEvents = want
	back := time.Now()
	res.CutSeconds = back.Sub(cutAt).Seconds()
	if err := b.startHub(ctx); err != nil {
		return err
	}
	deadline := back.Add(10 * time.Minute)
	for !b.caughtUp(ctx, last) {
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	res.CatchupSeconds = time.Since(back).Seconds()
	return b.count(ctx, res, before, last, int(b.rm.applied.Load()-appliedBefore))
}

func (b *bench) caughtUp(ctx context.Context, last map[model.NodeCode]uint64) bool {
	for town, seq := range last {
		got, err := b.cfg.ReadModel.FedApplied(ctx, town)
		if err != nil || got < seq {
			return false
		}
	}
	return true
}

// count tells the lost (events of the towns' logs the read model does not
// have) and the doubled (records the hub's stream holds twice, and records
// applied more than once).
func (b *bench) count(ctx context.Context, res *BenchResult, before, last map[model.NodeCode]uint64, applied int) error {
	want := 0
	for _, t := range b.cfg.Towns {
		got, err := b.cfg.ReadModel.FedApplied(ctx, t.Code)
		if err != nil {
			return err
		}
		if got < last[t.Code] {
			res.Lost += int(last[t.Code] - got)
		}
		want += int(last[t.Code] - before[t.Code])
	}
	if applied > want {
		res.Doubled += applied - want
	}
	res.HubApplied = applied
	s, err := b.hub.js.Stream(ctx, hubStream)
	if err != nil {
		return err
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter("gridcmd.*.events"))
	if err != nil {
		return err
	}
	var inStream uint64
	for _, n := range info.State.Subjects {
		inStream += n
	}
	var total uint64
	for _, t := range b.cfg.Towns {
		total += last[t.Code]
	}
	if inStream > total {
		res.Doubled += int(inStream - total)
	}
	return nil
}

// fileEverywhere files n events in all, spread over the towns, each town
// from its own goroutines.
func (b *bench) fileEverywhere(ctx context.Context, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(b.cfg.Towns))
	for k, t := range b.cfg.Towns {
		share := n / len(b.cfg.Towns)
		if k < n%len(b.cfg.Towns) {
			share++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fileN(ctx, t, share, 4); err != nil {
				errs <- fmt.Errorf("bench: filing in town %s: %w", t.Code, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// fileN files n events in town t from w goroutines.
func fileN(ctx context.Context, t BenchTown, n, w int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := t.File(ctx); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return err
	}
	return nil
}

// intake times the first town's durable intake with its node running
// (publishing, the link up, the hub applying) and without, in rounds of
// one of each back to back, the first of the two taking turns (on, off;
// off, on; ...), so that a drift over the run (the file growing, the disk
// warming) favours neither when the rounds are even in number (the
// default); the ratio is the median of the rounds' ratios. Before each
// side the town's node and the hub are let go quiet (the node restarted
// has published what was filed without it, the hub has applied all), so
// neither side pays for the other's work.
func (b *bench) intake(ctx context.Context, res *BenchResult) error {
	t := b.cfg.Towns[0]
	var ratios []float64
	for round := range b.cfg.Rounds {
		var on, off float64
		var err error
		if round%2 == 0 {
			if on, err = b.intakeOn(ctx, t, res); err == nil {
				off, err = b.intakeOff(ctx, t)
			}
		} else {
			if off, err = b.intakeOff(ctx, t); err == nil {
				on, err = b.intakeOn(ctx, t, res)
			}
		}
		if err != nil {
			return err
		}
		res.RoundsOn, res.RoundsOff = append(res.RoundsOn, on), append(res.RoundsOff, off)
		ratios = append(ratios, on/off)
		b.say("intake round %d of %d: %.0f events/s with the node, %.0f without (%.2f)", len(ratios), b.cfg.Rounds, on, off, on/off)
	}
	res.IntakeRatio = median(ratios)
	res.IntakeOn, res.IntakeOff = median(res.RoundsOn), median(res.RoundsOff)
	res.Drain = median(res.Drains)
	return nil
}

// intakeOn times a side with the town's node running, once the hub has
// applied the town's whole log, and then how long the hub takes to have
// what the side filed (res.Drains).
func (b *bench) intakeOn(ctx context.Context, t BenchTown, res *BenchResult) (float64, error) {
	if err := b.quiet(ctx, t); err != nil {
		return 0, err
	}
	on, err := timeFiling(ctx, t, b.cfg.Intake, b.cfg.Workers)
	if err != nil {
		return 0, err
	}
	ended := time.Now()
	if err := b.quiet(ctx, t); err != nil {
		return 0, err
	}
	res.Drains = append(res.Drains, time.Since(ended).Seconds())
	return on, nil
}

// intakeOff times a side with the town's node stopped (once the hub has
// applied the town's whole log), and starts the node again after it.
func (b *bench) intakeOff(ctx context.Context, t BenchTown) (float64, error) {
	if err := b.quiet(ctx, t); err != nil {
		return 0, err
	}
	b.nodes[0].Close()
	b.nodes[0] = nil
	off, err := timeFiling(ctx, t, b.cfg.Intake, b.cfg.Workers)
	if err != nil {
		return 0, err
	}
	b.nodes[0], err = b.startTown(ctx, 0)
	return off, err
}

// timeFiling times n reports in t from workers goroutines, after the
// kernel has written out what the files hold dirty (writeOut): what the
// other side wrote (and the node wrote as it closed) is not written back
// to the disk while this side is timed.
func timeFiling(ctx context.Context, t BenchTown, n, workers int) (float64, error) {
	writeOut()
	start := time.Now()
	if err := fileN(ctx, t, n, workers); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// quiet waits until the hub has applied the town's whole log.
func (b *bench) quiet(ctx context.Context, t BenchTown) error {
	last, err := t.LastSeq(ctx)
	if err != nil {
		return err
	}
	b.nodes[0].Notify()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got, err := b.cfg.ReadModel.FedApplied(ctx, t.Code)
		if err != nil {
			return err
		}
		if got >= last {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: the hub did not catch up with town %s (%d of %d)", t.Code, got, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// median is the middle of xs, or the mean of the two middle ones (an even
// count: the upper one alone would favour the larger).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[n/2]
}

func writeFile0600(name string, b []byte) error {
	return os.WriteFile(name, append(b, '\n'), 0o600)
}
