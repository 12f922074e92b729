package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/config"
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

// startSSH listens on addr and serves the console's seats over db. The
// /metrics of an API started after it carries the seats' counters.
func (a *app) startSSH(db *store.DB, addr string, log *slog.Logger) (*runningSSH, error) {
	if err := config.CheckAddr("--ssh", addr); err != nil {
		return nil, usageError{err}
	}
	srv, err := seat.New(db, db, seat.Options{
		HostKey: a.cfg.SSH.HostKey, MaxSeats: a.cfg.SSH.MaxSeats,
		IdleTimeout: a.cfg.SSH.IdleTimeout, StallTimeout: a.cfg.SSH.StallTimeout,
		Terminal: seat.Terminal{Lang: a.cfg.Lang, AmbiguousWide: a.cfg.UI.AmbiguousWide, ASCII: a.cfg.UI.ASCII},
		Location: a.cfg.Location, Logger: log, Commands: a.sshCommands(),
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return nil, usageError{fmt.Errorf("ssh: listen on %s: %w", addr, err)}
	}
	r := &runningSSH{srv: srv, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { r.done <- srv.Serve(ln) }()
	a.metrics = srv.WriteMetrics
	log.Info("serving seats over ssh", "addr", r.addr, "host_key", a.cfg.SSH.HostKey, "max_seats", a.cfg.SSH.MaxSeats)
	return r, nil
}

// sshCommands runs the looking commands sent over SSH (`ssh -p 7422 host
// incidents --json`) with the local command line's own code, on the seat
// server's service as the key's person's room sees it (seat.Scoped), so
// the output is what the local CLI prints.
func (a *app) sshCommands() seat.CommandFunc {
	return func(ctx context.Context, svc model.Service, _ model.Person, args []string, stdout, stderr io.Writer) int {
		sub := &app{out: stdout, errOut: stderr, cfg: a.cfg, now: a.now, held: svc}
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
			fmt.Fprintln(stderr, "gridcmd: "+message(err))
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
