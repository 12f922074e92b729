package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/federation"
	"gridcmd/model"
	"gridcmd/store"
)

// fedStoreDir is where the node's JetStream files and status file live:
// federation.store_dir, or DB.nats beside the database.
func (a *app) fedStoreDir() string {
	if a.cfg.Federation.StoreDir != "" {
		return a.cfg.Federation.StoreDir
	}
	return a.cfg.DB + ".nats"
}

func (a *app) fedTLS() federation.TLSFiles {
	t := a.cfg.Federation.TLS
	return federation.TLSFiles{Cert: t.Cert, Key: t.Key, CA: t.CA}
}

// townNode is a town's node running beside a held database, with the
// goroutine that wakes its publisher on every commit.
type townNode struct {
	node *federation.Town
	sub  model.Subscription
	done chan struct{}
}

// startTownNode starts the town's node on db when federation.enabled (nil
// otherwise). The publisher is woken by the store's commits and reads the
// committed log itself: the writer never waits for it.
func (a *app) startTownNode(ctx context.Context, db *store.DB, log *slog.Logger) (*townNode, error) {
	f := a.cfg.Federation
	if !f.Enabled {
		return nil, nil
	}
	town, err := a.fedTownCode(ctx, db)
	if err != nil {
		return nil, err
	}
	node, err := federation.StartTown(ctx, federation.TownConfig{
		Town:      town,
		StoreDir:  a.fedStoreDir(),
		HubURL:    f.Hub,
		NkeySeed:  f.NkeySeed,
		Creds:     f.Credentials,
		TLS:       a.fedTLS(),
		Outbox:    db,
		Commander: db,
		LastBurst: db.LastBurst,
		Logf:      logfOf(log),
	})
	if err != nil {
		return nil, fedErr(err)
	}
	tn := &townNode{node: node, sub: db.Subscribe(), done: make(chan struct{})}
	go func() {
		defer close(tn.done)
		for range tn.sub.C() {
			node.Notify()
		}
	}()
	log.Info("federation: town node", "town", town, "hub", f.Hub, "store_dir", a.fedStoreDir())
	return tn, nil
}

// fedTownCode is the town the file publishes: the file's one town
// (store.FedTown), which federation.town, when set, must name.
func (a *app) fedTownCode(ctx context.Context, db *store.DB) (model.NodeCode, error) {
	town, err := db.FedTown(ctx)
	if err != nil {
		return "", fmt.Errorf("federation: %w", err)
	}
	if want := a.cfg.Federation.Town; want != "" && model.NodeCode(want) != town {
		return "", usageError{model.Errorf(model.EINVALID, "federation.town %q: the file %s is town %s's", want, a.cfg.DB, town).
			Zh("federation.town %q：文件 %s 属于镇 %s", want, a.cfg.DB, town)}
	}
	return town, nil
}

// stop stops the node (its cursor written on the way out).
func (tn *townNode) stop() {
	if tn == nil {
		return
	}
	tn.sub.Close()
	<-tn.done
	tn.node.Close()
}

// consoleFedLinks is the console's Options.FedLinks: the links of the
// town node this console runs, else (a console attached to 'gridcmd serve'
// or 'gridcmd hub') those the node on the database writes every second in
// its status file; nil when no node has run on the database.
func (a *app) consoleFedLinks(tn *townNode) func() []model.FedLink {
	if tn != nil {
		return tn.node.Links
	}
	dir := a.fedStoreDir()
	if st, _, err := federation.ReadStatus(dir, time.Now()); err != nil || st.Role == "" {
		return nil
	}
	return func() []model.FedLink {
		st, _, _ := federation.ReadStatus(dir, time.Now())
		return st.Links
	}
}

// federatedTowns are the towns this file holds as a hub's copies, as far as
// this machine can tell: federation.towns, and the towns of the status of a
// hub that has run on the file.
func (a *app) federatedTowns() map[model.NodeCode]bool {
	out := map[model.NodeCode]bool{}
	for _, t := range a.cfg.Federation.Towns {
		out[model.NodeCode(t.Code)] = true
	}
	if st, _, err := federation.ReadStatus(a.fedStoreDir(), time.Now()); err == nil && st.Role == "hub" {
		for _, l := range st.Links {
			out[l.Town] = true
		}
	}
	return out
}

// notFederated drops the people of federated towns: on a hub they are the
// towns' copies, and a command that goes by default to the officer on duty
// must not go as a town's own officer (the town would read the county's
// command as given by one of its own).
func (a *app) notFederated(people []model.Person) []model.Person {
	fed := a.federatedTowns()
	if len(fed) == 0 {
		return people
	}
	out := people[:0:0]
	for _, p := range people {
		if !fed[p.Node.Town()] {
			out = append(out, p)
		}
	}
	return out
}

// fedErr names the federation in err unless it names it already (the
// federation's errors start "federation" or a federation.* key).
func fedErr(err error) error {
	if strings.HasPrefix(err.Error(), "federation") {
		return err
	}
	return fmt.Errorf("federation: %w", err)
}

// logfOf hands the federation's log lines to slog at info level.
func logfOf(log *slog.Logger) func(string, ...any) {
	return func(f string, args ...any) { log.Info(fmt.Sprintf(f, args...)) }
}

func (a *app) hubCmd() *cobra.Command {
	var addr, sshAddr string
	cmd := &cobra.Command{
		Use:   "hub [--db county.db] [--addr HOST:PORT] [--ssh HOST:PORT]",
		Short: "Run the county's (or city's) federation hub on its own file, and serve it as 'serve' does",
		Long: `Run the hub of the federation (issue 16): a nats-server with JetStream in
the domain "hub", listening for the towns' leaf-node links on
federation.listen, with one stream sourcing every town's stream (listed in
federation.towns, each with its public nkey) across the town's domain, and
a consumer applying their events to this database (the county's or city's
file), each (town, seq) once. The commands its rooms give for a federated
town go down as messages the town applies under its own rules.

Meanwhile it serves the database as 'gridcmd serve' does (the field API on
--addr, the console's seats over SSH with --ssh), so the county's rooms and
the other commands reach it. SIGTERM or Ctrl-C stops it cleanly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr == "" {
				addr = a.cfg.API.Addr
			}
			if sshAddr == "" && a.cfg.SSH.Enabled {
				sshAddr = a.cfg.SSH.Addr
			}
			a.hubRole = true
			db, err := a.openLocal(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer db.Close()
			log := slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
			hub, err := a.startHub(cmd.Context(), db, log)
			if err != nil {
				return err
			}
			defer hub.Close()
			fmt.Fprintf(a.out, "federation hub: towns link to nats://%s (%s listed)\n",
				a.cfg.Federation.Listen, model.Count(len(a.cfg.Federation.Towns), "town"))
			return a.serve(cmd.Context(), db, addr, sshAddr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "serve the field API on HOST:PORT (default api.addr; port 0 picks a free one)")
	cmd.Flags().StringVar(&sshAddr, "ssh", "", "serve the console over SSH on HOST:PORT too (default: ssh.addr when ssh.enabled)")
	return cmd
}

// startHub starts the hub node on db.
func (a *app) startHub(ctx context.Context, db *store.DB, log *slog.Logger) (*federation.Hub, error) {
	towns := make([]federation.HubTown, len(a.cfg.Federation.Towns))
	for i, t := range a.cfg.Federation.Towns {
		towns[i] = federation.HubTown{Code: model.NodeCode(t.Code), Nkey: t.Nkey}
	}
	if len(towns) == 0 {
		return nil, usageError{model.Errorf(model.EINVALID, "hub: federation.towns lists no town (each needs its code and public nkey; see 'gridcmd federation key')").
			Zh("hub：federation.towns 中没有镇（每个镇需要其代码和公开 nkey；见 'gridcmd federation key'）")}
	}
	if err := db.FedOwnPrefixFree(ctx); err != nil {
		return nil, usageError{fmt.Errorf("hub: %w", err)}
	}
	h, err := federation.StartHub(ctx, federation.HubConfig{
		StoreDir:  a.fedStoreDir(),
		Listen:    a.cfg.Federation.Listen,
		Towns:     towns,
		TLS:       a.fedTLS(),
		ReadModel: db,
		Commands:  db,
		Logf:      logfOf(log),
	})
	if err != nil {
		return nil, fedErr(err)
	}
	return h, nil
}

func (a *app) federationCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "federation",
		Short: "The federation's links (status) and the towns' keys (key)",
	}, a.fedStatusCmd(), a.fedKeyCmd())
}

// fedStatusJSON is one line of 'federation status --json': exactly the
// issue's fields.
type fedStatusJSON struct {
	Role       string  `json:"role"`
	Town       string  `json:"town"`
	Hub        string  `json:"hub"`
	Connected  bool    `json:"connected"`
	Linking    bool    `json:"-"` // not up yet, the node started a moment ago (the table's "linking")
	Pending    uint64  `json:"pending"`
	LastAckSeq uint64  `json:"last_ack_seq"`
	LagSeconds float64 `json:"lag_seconds"`
}

func (a *app) fedStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "The uplink of this town, or on the hub each town's link",
		Long: `Print the federation's links as the node running on this database sees
them (it writes them every second into status.json in its store dir,
federation.store_dir or DB.nats): on a town its uplink, on the hub one line
per town. Pending is how many of the town's events the hub does not have
yet; last_ack_seq the town's last event the hub applied; lag_seconds the age
of the newest of them. When no node runs on the database, the last state
written is shown with connected false.

--json prints an array of objects with exactly the fields role, town, hub,
connected, pending, last_ack_seq, lag_seconds (one on a town, one per town
on the hub).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, running, err := federation.ReadStatus(a.fedStoreDir(), time.Now())
			if err != nil {
				return err
			}
			if st.Role == "" && !asJSON {
				return usageError{model.Errorf(model.ENOTFOUND, "federation status: no node has run on %s (no status in %s; set federation.enabled and start 'gridcmd serve', or run 'gridcmd hub')", a.cfg.DB, a.fedStoreDir()).
					Zh("federation status：%s 上没有运行过节点（%s 中没有状态；请设置 federation.enabled 并启动 'gridcmd serve'，或运行 'gridcmd hub'）", a.cfg.DB, a.fedStoreDir())}
			}
			rows := make([]fedStatusJSON, len(st.Links))
			for i, l := range st.Links {
				rows[i] = fedStatusJSON{Role: l.Role, Town: string(l.Town), Hub: l.Hub, Connected: l.Connected, Linking: l.Linking,
					Pending: l.Pending, LastAckSeq: l.LastAckSeq, LagSeconds: l.LagSeconds}
				if l.Role == "hub" && rows[i].Hub == "" {
					rows[i].Hub = "nats://" + a.cfg.Federation.Listen
				}
			}
			if asJSON {
				return writeJSON(a.out, rows)
			}
			return a.printFedStatus(rows, running)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) printFedStatus(rows []fedStatusJSON, running bool) error {
	if !running {
		fmt.Fprintf(a.out, "no federation node runs on %s now; its last state:\n", a.cfg.DB)
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		conn := "up"
		switch {
		case r.Linking:
			conn = "linking"
		case !r.Connected:
			conn = "cut"
		}
		out[i] = []string{r.Role, r.Town, r.Hub, conn, strconv.FormatUint(r.Pending, 10),
			strconv.FormatUint(r.LastAckSeq, 10), strconv.FormatFloat(r.LagSeconds, 'f', 1, 64)}
	}
	table(a.out, []string{"ROLE", "TOWN", "HUB", "LINK", "PENDING", "LAST_ACK_SEQ", "LAG_S"}, out)
	return nil
}

func (a *app) fedKeyCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "key --out FILE",
		Short: "Make a town's nkey: the seed into FILE (mode 0600), the public key printed for the hub's federation.towns",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageError{model.Errorf(model.EINVALID, "federation key: --out FILE is required (where the town's seed goes)").
					Zh("federation key：缺少 --out FILE（镇的种子写到哪里）")}
			}
			seed, pub, err := federation.NewTownKey()
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return usageError{fmt.Errorf("federation key: %w", err)}
			}
			if _, err := fmt.Fprintln(f, seed); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintln(a.out, pub)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the seed file to write (must not exist)")
	return cmd
}
