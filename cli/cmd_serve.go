package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/api"
	"gridcmd/model"
	"gridcmd/store"
)

func (a *app) serveCmd() *cobra.Command {
	var addr, sshAddr string
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT]",
		Short: "Serve the field intake API headless: store, clocks, no terminal",
		Long: `Serve the field intake API (reports from the handheld app, sensor alerts,
wartime directives for micro-grids) on api.addr (default 127.0.0.1:7420),
apply the clocks every second (auto-escalation and supervision), and hold the
database while doing so. Beside the database it writes DB.api (mode 0600):
the address and a local credential with which the command line reaches the
database through this server; the file goes on a clean stop.

With --ssh ADDR (or ssh.enabled, on ssh.addr) it serves the console over
SSH too: every room of the chain gets a seat, opened with its person's key
('gridcmd key add'); 'ssh -p PORT HOST incidents --json', 'show ID' and
'stats --json' run those commands as the key's person.

SIGTERM or Ctrl-C stops it cleanly: new reports get 503 with Retry-After,
the ones in flight finish, the seats are closed, then the file is closed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr == "" {
				addr = a.cfg.API.Addr
			}
			db, err := a.openLocal(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer db.Close()
			if sshAddr == "" && a.cfg.SSH.Enabled {
				sshAddr = a.cfg.SSH.Addr
			}
			return a.serve(cmd.Context(), db, addr, sshAddr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen on HOST:PORT (default api.addr; port 0 picks a free one)")
	cmd.Flags().StringVar(&sshAddr, "ssh", "", "serve the console over SSH on HOST:PORT too (default: ssh.addr when ssh.enabled)")
	return cmd
}

// serve runs the API, the seats over SSH (sshAddr, "" for none) and the
// clocks on db until ctx ends, then drains.
func (a *app) serve(ctx context.Context, db *store.DB, addr, sshAddr string) error {
	log := slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// The town's node first: a federation that cannot start (no seed, a
	// file of no single town) is refused before anything listens, so no
	// report is taken by a town that was to federate and does not.
	var town *townNode
	if !a.hubRole {
		var err error
		if town, err = a.startTownNode(ctx, db, log); err != nil {
			return err
		}
		defer town.stop()
	}
	var seats *runningSSH
	if sshAddr != "" {
		var err error
		if seats, err = a.startSSH(db, sshAddr, log); err != nil {
			return err
		}
	}
	running, err := a.startAPI(db, addr, seats, log)
	if err != nil {
		if seats != nil {
			_ = seats.stop(5 * time.Second)
		}
		return err
	}
	a.sayServing(ctx, running, town, seats)
	return a.serveUntilDone(ctx, db, running, seats, log)
}

// sayServing prints what now serves the file, and where.
func (a *app) sayServing(ctx context.Context, running *runningAPI, town *townNode, seats *runningSSH) {
	fmt.Fprintf(a.out, "serving the field API on http://%s for %s (stop with Ctrl-C or SIGTERM)\n", running.addr, a.cfg.DB)
	if town != nil {
		code, hub := town.node.Links()[0].Town, a.cfg.Federation.Hub
		if waitLinked(ctx, town.node.Connected, linkWait) {
			fmt.Fprintf(a.out, "federation: town %s publishing to its stream, linked to %s\n", code, hub)
		} else {
			fmt.Fprintf(a.out, "federation: town %s publishing to its stream; not linked to %s yet (the hub does not answer, or does not know this town's key): the town files on its own and sends when the link is up (gridcmd federation status)\n", code, hub)
		}
	}
	if seats != nil {
		fmt.Fprintf(a.out, "serving the console over SSH on %s (ssh -p %s HOST)\n", seats.addr, portOf(seats.addr))
	}
}

// serveUntilDone runs the clocks until ctx ends (or the API fails), then
// stops the seats, drains the API and stops the clocks.
func (a *app) serveUntilDone(ctx context.Context, db *store.DB, running *runningAPI, seats *runningSSH, log *slog.Logger) error {
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	var sweeping sync.WaitGroup
	sweeping.Go(func() { sweepEvery(sweepCtx, db, time.Second, log) })

	select {
	case <-ctx.Done():
	case err := <-running.done:
		if seats != nil {
			_ = seats.stop(5 * time.Second)
		}
		stopSweep()
		sweeping.Wait()
		running.cleanup()
		return fmt.Errorf("api: %w", err)
	}
	log.Info("stopping", "reason", context.Cause(ctx))
	if seats != nil {
		if err := seats.stop(10 * time.Second); err != nil {
			log.Error("stopping the seats", "err", err)
		}
	}
	err := running.stop(30 * time.Second)
	stopSweep()
	sweeping.Wait()
	if err != nil {
		return err
	}
	fmt.Fprintf(a.out, "stopped; %s closed\n", a.cfg.DB)
	return nil
}

// sweepEvery applies the clocks every period until ctx ends.
func sweepEvery(ctx context.Context, db *store.DB, period time.Duration, log *slog.Logger) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := db.Sweep(ctx); err != nil && ctx.Err() == nil {
				log.Error("sweep failed", "err", err)
			}
		}
	}
}

// runningAPI is a server started by startAPI.
type runningAPI struct {
	srv     *api.Server
	addr    string
	done    chan error // Serve's result, if it ends by itself
	cleanup func()     // removes the local credential file
}

// stop drains the server (waiting up to grace for the reports in flight)
// and removes the local credential file.
func (r *runningAPI) stop(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	if err == nil {
		err = <-r.done
	}
	r.cleanup()
	if err != nil {
		return fmt.Errorf("api: stopping: %w", err)
	}
	return nil
}

// startAPI listens on addr and serves the field API over db, with the
// local credential file beside the database; seats (nil for none) are the
// seats served over SSH in this process, whose counters /metrics carries
// and whose open seats key revoke counts (Options.OpenSeats). The console
// can call it too when api.enabled is set, and stop the result when it
// quits.
func (a *app) startAPI(db *store.DB, addr string, seats *runningSSH, log *slog.Logger) (*runningAPI, error) {
	return a.startServer(db, addr, false, seats, log)
}

// startLocalAPI serves the local RPC alone on a free loopback port, with
// its credential file beside the database: what a console holding the
// file runs when the field API is off, so that the other commands reach
// the database through it.
func (a *app) startLocalAPI(db *store.DB, seats *runningSSH, log *slog.Logger) (*runningAPI, error) {
	return a.startServer(db, "127.0.0.1:0", true, seats, log)
}

// startServer is startAPI, or startLocalAPI (localOnly).
func (a *app) startServer(db *store.DB, addr string, localOnly bool, seats *runningSSH, log *slog.Logger) (*runningAPI, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usageError{model.Errorf(model.EINVALID, "api: listen on %s: %v", addr, err).Zh("api：无法在 %s 上监听：%v", addr, err)}
	}
	cred, cleanup, err := api.WriteLocal(a.cfg.DB, ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, err
	}
	opts := api.Options{
		BodyLimit:       int64(a.cfg.API.BodyLimit),
		Rate:            float64(a.cfg.API.Rate),
		Burst:           a.cfg.API.Burst,
		LocalCredential: cred,
		LocalOnly:       localOnly,
		Logger:          log,
	}
	if seats != nil {
		opts.Metrics, opts.OpenSeats = seats.srv.WriteMetrics, seats.srv.OpenOf
	}
	srv := api.New(db, db, opts)
	r := &runningAPI{srv: srv, addr: ln.Addr().String(), done: make(chan error, 1), cleanup: cleanup}
	go func() { r.done <- srv.Serve(ln) }()
	log.Info("serving", "addr", r.addr, "db", a.cfg.DB, "rate", float64(a.cfg.API.Rate), "burst", a.cfg.API.Burst,
		"body_limit", int64(a.cfg.API.BodyLimit))
	return r, nil
}

// intakeService is what the token commands need: the tokens and the
// roster.
type intakeService interface {
	model.IntakeService
	Person(ctx context.Context, id model.PersonID) (model.Person, error)
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
}

// tokens are the field API's tokens, as the token commands reach them.
func (a *app) tokens() held[intakeService] { return held[intakeService]{a, a.withIntake} }

// withIntake reaches the database, through the server that holds it if
// one does (its DB.api file), else by opening the file, runs run on it and
// lets it go again.
func (a *app) withIntake(run func(svc intakeService) error) error {
	if _, err := os.Stat(a.cfg.DB); errors.Is(err, os.ErrNotExist) {
		_, err := a.openRead() // its message says what to do
		return err
	}
	c, db, err := a.reachHolder()
	switch {
	case err != nil:
		return err
	case c != nil:
		defer c.Close()
		return run(c)
	case db == nil:
		if db, err = a.openLocal(context.Background(), false); err != nil {
			return err
		}
	}
	defer db.Close()
	return run(db)
}

// personFlag reads a --person flag.
func personFlag(v string) (model.PersonID, error) {
	id, err := model.ParsePersonID(v)
	if err != nil {
		return 0, usageError{flagError("--person", err)}
	}
	return id, nil
}

// personFilter reads a --person that narrows a list: "" is everyone
// (model.System).
func personFilter(v string) (model.PersonID, error) {
	if v == "" {
		return model.System, nil
	}
	return personFlag(v)
}

func (a *app) tokenCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "token",
		Short: "Issue, list and revoke the field API's bearer tokens",
		Long: `A bearer token lets one person on the roster report through the field API,
within their own subtree of the tower (a duty officer: the whole town). Only
its SHA-256 is stored: 'token issue' prints it once. These commands work
whether or not 'gridcmd serve' holds the database.`,
	}, a.tokenIssueCmd(), a.tokenRevokeCmd(), a.tokenListCmd())
}

func (a *app) tokenIssueCmd() *cobra.Command {
	var person string
	var asJSON bool
	issue := &cobra.Command{
		Use:   "issue --person ID",
		Short: "Make a token for a person and print it (once: only its hash is kept)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := personFlag(person)
			if err != nil {
				return err
			}
			return a.withIntake(func(svc intakeService) error {
				tok, err := svc.IssueToken(cmd.Context(), id)
				if err != nil {
					return err
				}
				return a.reply(asJSON, map[string]string{"token": tok, "person": id.String(), "prefix": tok[:model.TokenPrefixLen]}, "%s\n", tok)
			})
		},
	}
	issue.Flags().StringVar(&person, "person", "", "the person (e.g. P1085) who will hold it (required)")
	issue.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return issue
}

func (a *app) tokenRevokeCmd() *cobra.Command {
	return a.tokens().revokeCmd(revoking[intakeService]{
		use:      "revoke (PREFIX | --person ID)",
		short:    "Revoke one token by its prefix (as 'token list' shows it), or all of a person's",
		handle:   "one token prefix",
		handleZh: "一个令牌前缀",
		either:   "token revoke: give a token prefix or --person, one of the two",
		eitherZh: "token revoke：令牌前缀与 --person 给出其一，且只给一个",
		person:   "revoke every token of this person",
		one: func(ctx context.Context, svc intakeService, prefix string) (string, error) {
			ti, err := svc.RevokeToken(ctx, prefix)
			return fmt.Sprintf("revoked %s… of %s", ti.Prefix, ti.Person), err
		},
		all: func(ctx context.Context, svc intakeService, id model.PersonID) (string, error) {
			n, err := svc.RevokeTokens(ctx, id)
			return fmt.Sprintf("revoked %s of %s", model.Count(n, "token"), id), err
		},
	})
}

func (a *app) tokenListCmd() *cobra.Command {
	return listCmd(a.tokens(), listing[intakeService, model.TokenInfo]{
		short:  "List tokens (their prefixes, never the tokens)",
		person: "only this person's tokens",
		fetch:  intakeService.Tokens,
		holder: func(t model.TokenInfo) model.PersonID { return t.Person },
		print:  a.printTokens,
	})
}

func (a *app) printTokens(toks []model.TokenInfo, names map[model.PersonID]string, asJSON bool) error {
	return printList(a, asJSON, toks, func(t model.TokenInfo) tokenJSON {
		return tokenJSON{Prefix: t.Prefix, Person: t.Person.String(), Name: names[t.Person],
			Issued: a.local(t.Issued, time.RFC3339), Revoked: a.ts(t.Revoked), Live: t.Revoked.IsZero()}
	}, []string{"TOKEN", "PERSON", "NAME", "ISSUED", "STATE"}, func(t model.TokenInfo) []string {
		state := "live"
		if !t.Revoked.IsZero() {
			state = "revoked " + a.minute(t.Revoked)
		}
		return []string{t.Prefix + "…", t.Person.String(), names[t.Person], a.minute(t.Issued), state}
	})
}

type tokenJSON struct {
	Prefix  string `json:"prefix"`
	Person  string `json:"person"`
	Name    string `json:"name,omitempty"`
	Issued  string `json:"issued"`
	Revoked string `json:"revoked,omitempty"`
	Live    bool   `json:"live"`
}

// benchAPI adds 'bench api' to the bench command group.
func (a *app) benchAPI(bench *cobra.Command) *cobra.Command {
	var rates, addr string
	var duration time.Duration
	var clients int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "api [--rate 1000,5000,0] [--duration 10s] [--clients N] [--addr A] [--json]",
		Short: "Load-test the field API over loopback: durable reports/s and latency",
		Long: `Start the field API in this process on a loopback port, over a fresh
temporary copy of the Huajie demo, issue tokens to its grid staff, and offer
reports over HTTP at each --rate in turn (reports per second; 0 means as fast
as --clients connections go) for --duration each. Each report is counted when
its 201 arrives, which the server sends only after the commit is on disk.
Latency runs from when a report was due, so a server that falls behind shows
it. Goals: at least 5,000 durable reports/s; p99 at most 15 ms at 1,000/s.

With --addr, drive the server already running there instead: it must be the
'gridcmd serve' holding --db, whose local credential issues (and afterwards
revokes) the tokens. The reports it files stay in that database.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := parseRates(rates)
			if err != nil {
				return err
			}
			if duration <= 0 {
				return usageError{errors.New("--duration: want a positive duration")}
			}
			if clients < 1 {
				return usageError{errors.New("--clients: want at least 1")}
			}
			ctx := cmd.Context()
			start := a.benchServer
			if addr != "" {
				start = func(ctx context.Context) (func(), string, []api.BenchReporter, error) {
					return a.benchRemote(ctx, addr)
				}
			}
			stop, url, reporters, err := start(ctx)
			if err != nil {
				return err
			}
			defer stop()
			opts := api.BenchOptions{URL: url, Reporters: reporters, Duration: duration, Clients: clients}
			return a.benchRates(ctx, opts, list, asJSON)
		},
	}
	f := cmd.Flags()
	f.StringVar(&rates, "rate", "1000,5000,0", "offered reports per second, comma separated; 0 for saturation")
	f.DurationVar(&duration, "duration", 10*time.Second, "how long to drive each rate")
	f.IntVar(&clients, "clients", 64, "concurrent HTTP connections")
	f.StringVar(&addr, "addr", "", "drive the 'gridcmd serve' holding --db at this address instead")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	bench.AddCommand(cmd)
	return bench
}

// parseRates reads --rate: reports per second, comma separated.
func parseRates(rates string) ([]float64, error) {
	var list []float64
	for _, f := range strings.Split(rates, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r < 0 {
			return nil, usageError{fmt.Errorf("--rate %q: want reports per second, comma separated, 0 for saturation", rates)}
		}
		list = append(list, r)
	}
	return list, nil
}

// benchRates drives the API with opts at each rate in turn and prints the
// results.
func (a *app) benchRates(ctx context.Context, opts api.BenchOptions, rates []float64, asJSON bool) error {
	var results []api.BenchResult
	if !asJSON {
		fmt.Fprintf(a.out, "field API at %s: %d reporters, %d clients, %s per rate, GOMAXPROCS %d\n",
			opts.URL, len(opts.Reporters), opts.Clients, opts.Duration, runtime.GOMAXPROCS(0))
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	for i, r := range rates {
		opts.Rate, opts.KeyPrefix = r, fmt.Sprintf("bench-%s-%d", run, i)
		res, err := api.Bench(ctx, opts)
		if err != nil {
			return err
		}
		results = append(results, res)
		if !asJSON {
			fmt.Fprintln(a.out, res)
		}
	}
	if asJSON {
		return writeJSON(a.out, results)
	}
	return nil
}

// benchRemote reaches the 'gridcmd serve' at addr that holds the
// configured database, and returns its URL, a reporter per grid staff
// member, and a stop that revokes their tokens.
func (a *app) benchRemote(ctx context.Context, addr string) (stop func(), url string, reps []api.BenchReporter, err error) {
	c, err := api.DialLocal(a.cfg.DB)
	if err != nil {
		return nil, "", nil, fmt.Errorf("bench api --addr: reaching the server that holds %s: %w", a.cfg.DB, err)
	}
	reps, err = benchReporters(ctx, c, c)
	if err != nil {
		c.Close()
		return nil, "", nil, err
	}
	stop = func() {
		for _, r := range reps {
			_, _ = c.RevokeToken(context.Background(), r.Token)
		}
		c.Close()
	}
	return stop, "http://" + addr, reps, nil
}

// benchServer starts the API in this process over a temporary demo
// database, and returns its URL, a reporter per grid staff member, and a
// stop that drains the server and removes the database.
func (a *app) benchServer(ctx context.Context) (stop func(), url string, reps []api.BenchReporter, err error) {
	// The demo's own stop, not the named result: the closure returned
	// below must call it, not itself (it did, and the bench never ended).
	db, _, dropDemo, err := a.tempDemo(ctx, "gridcmd-bench-api-", "bench.db", 1)
	if err != nil {
		return nil, "", nil, err
	}
	if reps, err = benchReporters(ctx, db, db); err != nil {
		dropDemo()
		return nil, "", nil, err
	}
	log := slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	running, err := a.startAPI(db, "127.0.0.1:0", nil, log)
	if err != nil {
		dropDemo()
		return nil, "", nil, err
	}
	return func() {
		_ = running.stop(30 * time.Second)
		dropDemo()
	}, "http://" + running.addr, reps, nil
}

// benchReporters issues a token to every grid leader and grid worker, each
// reporting at their own grid.
func benchReporters(ctx context.Context, people interface {
	People(ctx context.Context, f model.PeopleFilter) ([]model.Person, error)
}, tokens model.IntakeService) ([]api.BenchReporter, error) {
	var staff []model.Person
	for _, r := range []model.Role{model.RoleGridLeader, model.RoleGridWorkerFull, model.RoleGridWorkerPart} {
		ps, err := people.People(ctx, model.PeopleFilter{Role: r})
		if err != nil {
			return nil, err
		}
		staff = append(staff, ps...)
	}
	if len(staff) == 0 {
		return nil, usageError{errors.New("bench api: the roster has no grid staff to report as")}
	}
	reps := make([]api.BenchReporter, len(staff))
	errs := make([]error, len(staff))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i, p := range staff {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			tok, err := tokens.IssueToken(ctx, p.ID)
			reps[i], errs[i] = api.BenchReporter{Token: tok, Node: string(p.Node)}, err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return reps, nil
}

// linkWait is how long serve waits for the hub's link before it says
// whether the town is linked.
const linkWait = 3 * time.Second

// waitLinked polls up until it is true, d has passed or ctx ends (a
// SIGTERM while it waits).
func waitLinked(ctx context.Context, up func() bool, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !up() {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return false
		case <-tick.C:
		}
	}
	return true
}
