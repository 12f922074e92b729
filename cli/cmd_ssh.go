package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"gridcmd/config"
	"gridcmd/internal/churn"
	"gridcmd/model"
	"gridcmd/seat"
	"gridcmd/store"
)

// runningSSH is the seats' server started by startSSH.
type runningSSH struct {
	srv  *seat.Server
	addr string
	done chan error
}

// stop closes every seat, saying why, and the listener.
func (r *runningSSH) stop(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	if serr := <-r.done; err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("ssh: stopping: %w", err)
	}
	return nil
}

// startSSH listens on addr and serves the console's seats over db. An API
// given the result (startAPI) carries the seats' counters in its /metrics
// and counts their open seats for key revoke.
func (a *app) startSSH(db *store.DB, addr string, log *slog.Logger) (*runningSSH, error) {
	if err := config.CheckAddr("--ssh", addr); err != nil {
		return nil, usageError{err}
	}
	srv, err := seat.New(db, db, seat.Options{
		HostKey: a.cfg.SSH.HostKey, MaxSeats: a.cfg.SSH.MaxSeats,
		IdleTimeout: a.cfg.SSH.IdleTimeout, StallTimeout: a.cfg.SSH.StallTimeout,
		Terminal: seat.Terminal{Lang: a.cfg.Lang, AmbiguousWide: a.cfg.UI.AmbiguousWide, ASCII: a.cfg.UI.ASCII},
		Location: a.cfg.Location, Logger: log, Commands: a.sshCommands(), Tick: a.cfg.SSH.Tick,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return nil, usageError{model.Errorf(model.EINVALID, "ssh: listen on %s: %v", addr, err).Zh("ssh：无法在 %s 上监听：%v", addr, err)}
	}
	r := &runningSSH{srv: srv, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { r.done <- srv.Serve(ln) }()
	log.Info("serving seats over ssh", "addr", r.addr, "host_key", a.cfg.SSH.HostKey, "max_seats", a.cfg.SSH.MaxSeats)
	return r, nil
}

// sshCommands runs the looking commands sent over SSH (`ssh -p 7422 host
// incidents --json`) with the local command line's own code, on the seat
// server's service as the key's person's room sees it (seat.Scoped), so
// the output is what the local CLI prints. The key's person is the one
// who looks (--as), so a name given for a node is read in their seat's
// town, as their console reads it, not in the first duty officer's; and
// the command speaks their seat's language (lang), not the server's.
func (a *app) sshCommands() seat.CommandFunc {
	return func(ctx context.Context, svc model.Service, p model.Person, lang string, args []string, stdout, stderr io.Writer) int {
		sub := &app{out: stdout, errOut: stderr, cfg: a.cfg, now: a.now, held: svc, asFlag: p.ID.String()}
		if lang != "" {
			sub.cfg.Lang = lang
		}
		root := &cobra.Command{Use: "gridcmd", SilenceUsage: true, SilenceErrors: true}
		root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
			return usageError{fmt.Errorf("%s%w (see '%s --help')", where(c), err, c.CommandPath())}
		})
		root.AddCommand(sub.incidentsCmd(), sub.showCmd(), sub.statsCmd())
		root.SetArgs(args)
		root.SetOut(stdout)
		root.SetErr(stderr)
		root.SetIn(strings.NewReader(""))
		if err := root.ExecuteContext(ctx); err != nil {
			fmt.Fprintln(stderr, "gridcmd: "+message(err, sub.lang())+spaceHint(args, sub.lang()))
			return exitCode(err)
		}
		return ExitOK
	}
}

// heldService is a service this process already holds (the seat server's),
// handed to a command: closing it leaves it open.
type heldService struct{ model.Service }

func (heldService) Close() error { return nil }

func portOf(addr string) string {
	if _, p, err := net.SplitHostPort(addr); err == nil {
		return p
	}
	return addr
}

// benchSSH adds 'bench ssh' to the bench command group.
func (a *app) benchSSH(bench *cobra.Command) *cobra.Command {
	var seats int
	var size string
	var duration, every time.Duration
	var asJSON, own, rooms bool
	cmd := &cobra.Command{
		Use:   "ssh [--seats N] [--size 120x40] [--duration 10s] [--own] [--rooms] [--json]",
		Short: "Load-test the seats over SSH on loopback: fan-out latency, memory, idle CPU, a stalled seat",
		Long: `Start the seats' SSH server in this process on a loopback port, over a fresh
temporary copy of the Huajie demo, and open seats as the town's duty officer
from x/crypto/ssh clients with a PTY (--size) that keep reading. Every 100 ms
for --duration one incident changes (acknowledged, resolved, reopened, each
with a unique note the Events pane shows), and each seat's output is watched
for it: the time from the call that commits the change until the note
arrives on the seat. First with one seat (the reference), then with --seats
seats: the resident memory they added, the CPU over 10 s with no changes
(the consoles' clocks still tick), a round of changes, and a round with one
seat that has stopped reading. The clients run in this process, so memory
and CPU count their side too.

The seats are one person's, in one language and size, and nobody presses a
key: they share one console (a room watched from many terminals). With
--own each seat presses a key once it shows, so each runs a console of its
own: the cost of as many different rooms. With --rooms the seats are spread
over the town room and every village room but the changed incident's (one
village cadre each, round-robin), each with a console of its own as with
--own: a county's rooms, most of which a change does not concern; the
latencies are the town seats', memory and idle CPU all seats'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if seats < 1 {
				return usageError{errors.New("--seats: want at least 1")}
			}
			var w, h int
			if _, err := fmt.Sscanf(size, "%dx%d", &w, &h); err != nil || w < 80 || h < 24 {
				return usageError{fmt.Errorf("--size %q: want WIDTHxHEIGHT, at least 80x24", size)}
			}
			if duration <= 0 || every <= 0 {
				return usageError{errors.New("--duration and --every: want positive durations")}
			}
			return a.benchSeats(cmd.Context(), seats, w, h, duration, every, own || rooms, rooms, asJSON)
		},
	}
	f := cmd.Flags()
	f.IntVar(&seats, "seats", 500, "seats to open")
	f.StringVar(&size, "size", "120x40", "each seat's terminal, WIDTHxHEIGHT")
	f.DurationVar(&duration, "duration", 10*time.Second, "how long each round of changes lasts")
	f.DurationVar(&every, "every", 100*time.Millisecond, "time between changes")
	f.BoolVar(&own, "own", false, "each seat presses a key, so it runs a console of its own")
	f.BoolVar(&rooms, "rooms", false, "spread the seats over the town room and the other villages' rooms (implies --own)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	bench.AddCommand(cmd)
	return bench
}

func (a *app) benchSeats(ctx context.Context, seats, w, h int, duration, every time.Duration, own, rooms, asJSON bool) error {
	db, dir, done, err := a.tempDemo(ctx, "gridcmd-bench-ssh-", "bench.db", 1)
	if err != nil {
		return err
	}
	defer done()
	officer, inc, err := benchChanged(ctx, db)
	if err != nil {
		return err
	}
	signer, err := seatKey(ctx, db, officer.ID)
	if err != nil {
		return err
	}
	var others []gossh.Signer
	if rooms {
		if others, err = roomKeys(ctx, db, inc.Node.Village()); err != nil {
			return err
		}
	}
	srv, ln, stop, err := a.benchSeatServer(db, filepath.Join(dir, "host_ed25519"), seats+10)
	if err != nil {
		return err
	}
	defer stop()
	if !asJSON {
		fmt.Fprintf(a.out, "seats over SSH at %s: %d seats of %dx%d as %s (%s), one change every %s for %s, GOMAXPROCS %d\n",
			ln.Addr(), seats, w, h, officer.ID, officer.Name, every, duration, runtime.GOMAXPROCS(0))
	}
	res, err := seat.Bench(ctx, seat.BenchOptions{
		Addr: ln.Addr().String(), Signer: signer, Seats: seats, Width: w, Height: h, Lang: langLocale(a.cfg.Lang),
		Change: changeIncident(db, inc.ID, officer.ID), Every: every, Duration: duration, Server: srv.Open, Own: own, Others: others,
	})
	if err != nil {
		return err
	}
	return a.reply(asJSON, res, "%v\n", res)
}

// benchChanged is who the bench's seats are (the demo's first duty
// officer) and the incident it changes (the first open one at the town
// tier).
func benchChanged(ctx context.Context, db *store.DB) (model.Person, model.Incident, error) {
	officers, err := db.People(ctx, model.PeopleFilter{Role: model.RoleDutyOfficer})
	if err != nil || len(officers) == 0 {
		return model.Person{}, model.Incident{}, fmt.Errorf("bench ssh: the demo has no duty officer (%v)", err)
	}
	town, err := db.Incidents(ctx, model.IncidentFilter{Open: true, Tier: model.TierTown})
	if err != nil || len(town) == 0 {
		return model.Person{}, model.Incident{}, fmt.Errorf("bench ssh: the demo has no open incident at the town tier (%v)", err)
	}
	return officers[0], town[0], nil
}

// seatKey makes a key for person p and lets it in.
func seatKey(ctx context.Context, db *store.DB, p model.PersonID) (gossh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	key, err := model.ParseAuthorizedKey(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	if err != nil {
		return nil, err
	}
	_, err = db.AddKey(ctx, p, key)
	return signer, err
}

// roomKeys are a key each for a village cadre of every village room but
// skip's (the changed incident's), for bench ssh --rooms.
func roomKeys(ctx context.Context, db *store.DB, skip model.NodeCode) ([]gossh.Signer, error) {
	cadres, err := db.People(ctx, model.PeopleFilter{Role: model.RoleVillageCadre})
	if err != nil {
		return nil, err
	}
	var keys []gossh.Signer
	seen := map[model.NodeCode]bool{skip: true}
	for _, c := range cadres {
		if v := c.Node.Village(); v != "" && !seen[v] {
			seen[v] = true
			k, err := seatKey(ctx, db, c.ID)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// benchSeatServer serves seats over db on a loopback port; stop shuts it
// down.
func (a *app) benchSeatServer(db *store.DB, hostKey string, maxSeats int) (*seat.Server, net.Listener, func(), error) {
	srv, err := seat.New(db, db, seat.Options{
		HostKey: hostKey, MaxSeats: maxSeats,
		Terminal: seat.Terminal{Lang: a.cfg.Lang}, Location: a.cfg.Location, Tick: a.cfg.SSH.Tick,
	})
	if err != nil {
		return nil, nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	return srv, ln, func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}, nil
}

// changeIncident is the bench's change: the incident id moved round its
// turn (churn.Change) by officer, with marker as the note.
func changeIncident(db *store.DB, id string, officer model.PersonID) func(ctx context.Context, marker string) error {
	return func(ctx context.Context, marker string) error {
		return churn.Change(ctx, db, id, officer, marker)
	}
}

func langLocale(lang string) string {
	if lang == "en" {
		return "en_US.UTF-8"
	}
	return "zh_CN.UTF-8"
}
