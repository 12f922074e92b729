package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"gridcmd/demo"
	"gridcmd/model"
	"gridcmd/store"
	"gridcmd/ui"
)

func (a *app) consoleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "console",
		Short: "Open the console on the configured database (the default command)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), acting, a.runConsole)
		},
	}
}

// demoFlags are the flags of demo.
type demoFlags struct {
	seed          int64
	feed, history bool
	every         time.Duration
	sshAddr       string
	keys          []string
}

// check refuses what cannot run before anything is made.
func (fl demoFlags) check() error {
	if fl.every <= 0 {
		return usageError{model.Errorf(model.EINVALID, "--every %s: want a positive duration", fl.every).Zh("--every %s：应为正的时长", fl.every)}
	}
	if len(fl.keys) > 0 && fl.sshAddr == "" {
		return usageError{model.Errorf(model.EINVALID, "--key: only with --ssh").Zh("--key：只能与 --ssh 一起用")}
	}
	return nil
}

func (a *app) demoCmd() *cobra.Command {
	var fl demoFlags
	cmd := &cobra.Command{
		Use:   "demo [--seed N] [--feed=false] [--history=false] [--lang en] [--ssh[=ADDR] --key PERSON=FILE.pub ...]",
		Short: "Open the console on a fresh Huajie demo with a simulated field feed",
		Long: `Open the console on a fresh temporary database holding the Huajie demo
(27 real villages, 82 grids, 232 micro-grids, their staff and a few dozen
incidents), with a simulated field feed: new reports every few seconds
(--every) from random grids, grid leaders signing for most and resolving
them, passing a few on and leaving a few to breach their deadline and
climb, village cadres and duty officers dispatching and resolving what
reaches them, so that a few dozen stay open. The weeks before the demo's morning are loaded too
(--history, on by default: init --demo --history says what they hold), so the
points and scorecards have a month behind them. The temporary database is
removed on exit.

With --ssh the demo serves its console over SSH too (on ssh.addr, or
--ssh=HOST:PORT), to the keys given with --key (repeat it): --key
P1=officer.pub lets the town's duty officer P1 in, --key P2422=cadre.pub
a village cadre of 渎溪村 ('gridcmd demo' lists no people; 'gridcmd init
--demo' makes the same roster to look at with 'gridcmd people').`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := fl.check(); err != nil {
				return err
			}
			return a.runDemo(cmd.Context(), fl)
		},
	}
	cmd.Flags().Int64Var(&fl.seed, "seed", 1, "seed of the demo data and the feed")
	cmd.Flags().BoolVar(&fl.feed, "feed", true, "run the simulated field feed")
	cmd.Flags().DurationVar(&fl.every, "every", 4*time.Second, "mean time between simulated reports")
	cmd.Flags().BoolVar(&fl.history, "history", true, "load the weeks before the morning too (the points' month and the month before)")
	cmd.Flags().StringVar(&fl.sshAddr, "ssh", "", "serve the console over SSH too, on ssh.addr or --ssh=HOST:PORT")
	cmd.Flags().Lookup("ssh").NoOptDefVal = "-"
	cmd.Flags().StringArrayVar(&fl.keys, "key", nil, "with --ssh: PERSON=FILE.pub, a person's public key to let in (repeatable)")
	return cmd
}

// runDemo opens the console on a fresh demo, served over SSH too with
// --ssh, the field feed running with --feed; the demo's file is removed
// when the console quits.
func (a *app) runDemo(ctx context.Context, fl demoFlags) error {
	if fl.sshAddr != "" {
		a.cfg.SSH.Enabled = true
		if fl.sshAddr != "-" {
			a.cfg.SSH.Addr = fl.sshAddr
		}
	}
	a.demoHistory = fl.history
	restore := quietKeys(os.Stdin)
	defer restore() // a panic in the load gives the echo back too (once)
	if fl.history {
		line := "gridcmd demo: loading the Huajie demo and the weeks before it…"
		if a.cfg.Lang == "zh" {
			line = "gridcmd demo：正在加载花街镇演示数据及此前数周的记录…"
		}
		fmt.Fprintln(a.errOut, line)
	}
	db, _, done, err := a.tempDemo(ctx, "gridcmd-demo-", "demo.db", fl.seed)
	if restore() {
		a.notice = "keys pressed while the demo loaded were not acted on"
		if a.cfg.Lang == "zh" {
			a.notice = "演示加载时按下的键未执行"
		}
	}
	if err != nil {
		return err
	}
	defer done()
	if err := a.demoKeys(ctx, db, fl.keys); err != nil {
		return err
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if fl.feed {
		go demo.NewFeed(db, fl.seed, fl.every).Run(ctx)
		go demo.NewPatrolFeed(db, fl.seed, fl.every).Run(ctx)
	}
	return a.runConsole(ctx, db)
}

// tempDemo makes a database file (named file) in a temporary folder of its
// own (prefix) and fills it with the demo of seed on a scripted clock, as
// the configured database. done closes it and removes the folder.
func (a *app) tempDemo(ctx context.Context, prefix, file string, seed int64) (db *store.DB, dir string, done func(), err error) {
	dir, err = os.MkdirTemp("", prefix)
	if err != nil {
		return nil, "", nil, err
	}
	a.cfg.DB = filepath.Join(dir, file)
	clock := &scriptedClock{}
	a.now = clock.Now
	if db, err = a.openCreate(); err != nil {
		os.RemoveAll(dir)
		return nil, "", nil, err
	}
	done = func() {
		db.Close()
		os.RemoveAll(dir)
	}
	if _, err := a.fill(ctx, db, clock, true, seed, time.Now()); err != nil {
		done()
		return nil, "", nil, err
	}
	return db, dir, done, nil
}

// demoKeys adds the --key PERSON=FILE.pub keys of the demo.
func (a *app) demoKeys(ctx context.Context, db *store.DB, keys []string) error {
	for _, kv := range keys {
		who, file, ok := strings.Cut(kv, "=")
		if !ok {
			return usageError{model.Errorf(model.EINVALID, "--key %q: want PERSON=FILE.pub, e.g. P2422=cadre.pub", kv).
				Zh("--key %q：应为 人员=文件.pub，如 P2422=cadre.pub", kv)}
		}
		id, err := model.ParsePersonID(who)
		if err != nil {
			return usageError{flagError("--key", err)}
		}
		line, err := readKeyFile(file, nil)
		if err != nil {
			return usageError{err}
		}
		key, err := model.ParseAuthorizedKey(line)
		if err != nil {
			return usageError{fmt.Errorf("--key %s: %w", file, err)}
		}
		if _, err := db.AddKey(ctx, id, key); err != nil {
			return fmt.Errorf("--key %s: %w", kv, err)
		}
	}
	return nil
}

// runConsole runs the console on db until the operator quits. On the file
// itself it applies the clocks and serves the local API the other commands
// reach the database through (DB.api beside it), and with api.enabled the
// field API too; attached to a running gridcmd through its API, it leaves
// all that to that process.
func (a *app) runConsole(ctx context.Context, db backend) error {
	return a.runConsoleWith(ctx, db, ui.Carry{})
}

// runConsoleWith runs the console as runConsole does, giving back carried:
// the work a console that took the file (:take) had not filed.
func (a *app) runConsoleWith(ctx context.Context, db backend, carried ui.Carry) error {
	seat, err := a.seat(ctx, db)
	if err != nil {
		return err
	}
	local, isLocal := db.(*store.DB)
	var town *townNode // the town's federation node, when this console runs it
	var attached, seats func() int
	if isLocal {
		var stop func()
		town, attached, seats, stop, err = a.startHeld(ctx, local)
		if err != nil {
			return err
		}
		defer stop()
	}
	sub := db.Subscribe()
	defer sub.Close()
	var taken atomic.Pointer[store.DB] // the file, once :take holds it here
	opt := ui.Options{
		Lang: a.cfg.Lang, Seat: seat, AmbiguousWide: a.cfg.UI.AmbiguousWide, ASCII: a.cfg.UI.ASCII,
		Location: a.cfg.Location, NoSweep: !isLocal, Reconnect: !isLocal, HoldsFile: isLocal, Attached: attached, Seats: seats,
		Bell: a.cfg.UI.Bell, FedLinks: a.consoleFedLinks(town), Carried: carried, Notice: a.notice,
	}
	a.notice = "" // once: not again on the console a :take opens
	if !isLocal {
		opt.TakeFile = func() error { return a.takeFile(ctx, &taken) }
	}
	p := tea.NewProgram(ui.New(db, sub, opt), tea.WithAltScreen(), tea.WithContext(ctx))
	final, err := p.Run()
	um, ok := final.(ui.Model)
	if ok {
		um.Close()
	}
	if file := taken.Load(); file != nil {
		defer file.Close()
		if ok && um.TookFile() && err == nil {
			// The console on the file it took, as one opened on it, with
			// the work the attached one had not filed.
			sub.Close()
			return a.runConsoleWith(ctx, file, um.Carry())
		}
	}
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// startHeld starts what the console holding the file serves beside it: the
// SSH seats when ssh.enabled, the local API always (the other commands reach
// the file through it) with the field API when api.enabled, and the town's
// federation node when federation.enabled. They log to DB.log, never to the
// terminal the console draws on. stop ends them all, last started first;
// attached counts the consoles following the local API's event stream,
// seats the SSH seats open (nil without ssh.enabled).
func (a *app) startHeld(ctx context.Context, local *store.DB) (town *townNode, attached, seats func() int, stop func(), err error) {
	var stops []func()
	stopAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stopAll()
		}
	}()
	logf, err := os.OpenFile(a.cfg.DB+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("api log: %w", err)
	}
	stops = append(stops, func() { logf.Close() })
	log := slog.New(slog.NewTextHandler(logf, nil))
	var served *runningSSH
	if a.cfg.SSH.Enabled {
		if served, err = a.startSSH(local, a.cfg.SSH.Addr, log); err != nil {
			return nil, nil, nil, nil, err
		}
		stops = append(stops, func() { served.stop(5 * time.Second) })
		seats = served.srv.Open
	}
	var r *runningAPI
	if a.cfg.API.Enabled {
		r, err = a.startAPI(local, a.cfg.API.Addr, served, log)
	} else {
		r, err = a.startLocalAPI(local, served, log)
	}
	if err != nil {
		return nil, nil, nil, nil, err
	}
	stops = append(stops, func() { r.stop(5 * time.Second) })
	town, err = a.startTownNode(ctx, local, log)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	stops = append(stops, town.stop)
	return town, r.srv.Streams, seats, stopAll, nil
}

// takeFile (the console's :take, once the server it was attached to is
// gone) reaches the database as a console opening on it does: the file's
// lock, a stale local file removed, the clocks applied. Should a gridcmd
// hold the file again meanwhile, it is refused: the console follows that
// server.
func (a *app) takeFile(ctx context.Context, taken *atomic.Pointer[store.DB]) error {
	b, err := a.reach(ctx, acting)
	if err != nil {
		return err
	}
	db, ok := b.(*store.DB)
	if !ok {
		b.Close()
		return model.Errorf(model.ECONFLICT, "a gridcmd holds the file again: this console follows it").
			Zh("已有 gridcmd 重新持有数据库：本控制台随之重连")
	}
	taken.Store(db)
	return nil
}
