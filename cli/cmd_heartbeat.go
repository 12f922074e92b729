package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// Watchdogs: heartbeat add|list|remove.

// heartbeatJSON is one watchdog in `heartbeat list --json`: a gateway
// (kind gateway), or a patroller on a running patrol (kind patrol: name
// the patrol's id, node its village, every patrol.silence, last_at their
// last check-in or the start).
type heartbeatJSON struct {
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	Patroller     string `json:"patroller,omitempty"`
	PatrollerName string `json:"patroller_name,omitempty"`
	Node          string `json:"node"`
	NodeName      string `json:"node_name,omitempty"`
	Every         string `json:"every"`
	LastAt        string `json:"last_at,omitempty"`
	State         string `json:"state"`
	Incident      string `json:"incident,omitempty"`
}

func (a *app) heartbeatCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "heartbeat",
		Short: "Sensor gateways that must post a heartbeat: a silence opens an incident, the next heartbeat resolves it",
	}, a.heartbeatAddCmd(), a.heartbeatListCmd(), a.heartbeatRemoveCmd())
}

func (a *app) heartbeatAddCmd() *cobra.Command {
	var every, node, by string
	cmd := &cobra.Command{
		Use:   "add NAME --every 10m --node CODE|NAME",
		Short: "Watch a gateway: no heartbeat (POST /api/v1/heartbeats/NAME) or alert from beneath CODE for --every opens an incident",
		Args:  exactArgs(1, "one gateway name", "一个网关名称"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := missing("heartbeat add", required{"--every", blank(every)}, required{"--node", blank(node)}); err != nil {
				return usageError{err}
			}
			d, err := time.ParseDuration(strings.TrimSpace(every))
			if err != nil {
				return badValue("--every", every, "a duration such as 10m", "时长，如 10m")
			}
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				code, err := a.nodeArg(ctx, db, "--node", node, actor)
				if err != nil {
					return err
				}
				h := model.Heartbeat{Name: args[0], Node: code, Every: d}
				if err := h.Check(); err != nil {
					return usageError{err}
				}
				h, err = db.AddHeartbeat(ctx, h, actor)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "watching %s at %s: a heartbeat every %s, the first due by %s\n", h.Name, h.Node, model.ShortDuration(h.Every), a.local(h.Due(), "15:04:05"))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&every, "every", "", "how often it must be heard: 30s to 168h")
	cmd.Flags().StringVar(&node, "node", "", "where the gateway is, a code or its name as the console shows it (渎溪村 02); alerts from beneath it count as heartbeats")
	cmd.Flags().StringVar(&by, "by", "", "who adds it (default the operator)")
	return cmd
}

func (a *app) heartbeatRemoveCmd() *cobra.Command {
	var by string
	var yes bool
	cmd := &cobra.Command{
		Use:   "remove NAME [--yes]",
		Short: "Stop watching a gateway (an incident its silence opened stays open, for an officer to resolve by hand)",
		Long: `Stop watching a gateway. An incident its silence opened stays open: with the
gateway gone nothing will resolve it by itself, so the question names it for
the officer to resolve by hand (gridcmd incident resolve). Without --yes it
asks first; with no terminal to ask on, it refuses.`,
		Args: exactArgs(1, "one gateway name", "一个网关名称"),
		RunE: func(cmd *cobra.Command, args []string) error { return a.heartbeatRemove(cmd, args[0], by, yes) },
	}
	cmd.Flags().StringVar(&by, "by", "", "who removes it (default the operator)")
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}

// heartbeatRemove stops watching the gateway name, asking first: what it
// watches and, while its silence's incident is open, that the incident
// stays open for an officer to resolve.
func (a *app) heartbeatRemove(cmd *cobra.Command, name, by string, yes bool) error {
	var actor model.PersonID
	var h model.Heartbeat
	return a.ask(cmd, yes, asking{
		check: func(ctx context.Context, db backend) error {
			var err error
			if actor, err = a.actor(ctx, db, by); err != nil {
				return err
			}
			h, err = heartbeatNamed(ctx, db, name)
			return err
		},
		what: func(ctx context.Context, db backend) (prompt, error) {
			p := prompt{what: fmt.Sprintf("would stop watching %s at %s", h.Name, h.Node), question: "Remove it?",
				whatZh: fmt.Sprintf("将停止监测 %s（%s）", h.Name, h.Node), questionZh: "确认移除？"}
			if h.Incident == "" {
				return p, nil
			}
			inc, err := db.Incident(ctx, h.Incident)
			if err != nil || !inc.Status.Open() {
				return p, nil
			}
			p.what += fmt.Sprintf("; its silence incident %s (%s) stays open and nothing will resolve it by itself: resolve it by hand (gridcmd incident resolve %s)", h.Incident, inc.Title, h.Incident)
			p.whatZh += fmt.Sprintf("；其静默事件 %s（%s）仍未关闭，且不会再自动解决：请手动处置（gridcmd incident resolve %s）", h.Incident, inc.Title, h.Incident)
			return p, nil
		},
		act: func(ctx context.Context, db backend) error {
			if err := db.RemoveHeartbeat(ctx, name, actor); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "no longer watching %s\n", name)
			return nil
		},
	})
}

// heartbeatNamed is the gateway watched under name, refused as the
// store refuses a name not added.
func heartbeatNamed(ctx context.Context, db backend, name string) (model.Heartbeat, error) {
	hbs, err := db.Heartbeats(ctx)
	if err != nil {
		return model.Heartbeat{}, err
	}
	for _, h := range hbs {
		if h.Name == name {
			return h, nil
		}
	}
	return model.Heartbeat{}, model.Errorf(model.ENOTFOUND, "no heartbeat %s (gridcmd heartbeat list)", name).
		Zh("没有心跳监测 %s（见 gridcmd heartbeat list）", name).On("name")
}

func (a *app) heartbeatListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "The watched gateways and patrollers on patrol: name, node, every, last_at, state (ok, waiting, silent) and the silence's incident",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				out, last, err := a.watchdogs(ctx, db)
				if err != nil {
					return err
				}
				return a.answer(asJSON, out, func() { a.printWatchdogs(out, last) })
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// watchdogs are what the watchdog hears: the gateways, then the patrollers
// on patrol, each with when it was last heard.
func (a *app) watchdogs(ctx context.Context, db backend) ([]heartbeatJSON, []time.Time, error) {
	hbs, err := db.Heartbeats(ctx)
	if err != nil {
		return nil, nil, err
	}
	names, err := nodeNames(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	pats, err := db.Patrols(ctx, model.PatrolFilter{Active: true})
	if err != nil {
		return nil, nil, err
	}
	p, err := a.cfg.Policy()
	if err != nil {
		return nil, nil, usageError{err}
	}
	now := db.Now()
	out := make([]heartbeatJSON, 0, len(hbs)+len(pats))
	last := make([]time.Time, 0, cap(out))
	for _, h := range hbs {
		out = append(out, heartbeatJSON{Kind: model.SilenceGateway, Name: h.Name, Node: string(h.Node), NodeName: names[h.Node],
			Every: model.ShortDuration(h.Every), LastAt: a.ts(h.LastAt), State: h.State(now), Incident: h.Incident})
		last = append(last, h.LastAt)
	}
	for _, x := range pats {
		out = append(out, heartbeatJSON{Kind: model.SilencePatrol, Name: x.ID, Patroller: x.Patroller.String(), PatrollerName: personName(ctx, db, x.Patroller),
			Node: string(x.Village), NodeName: names[x.Village], Every: model.ShortDuration(p.Patrol.Silence),
			LastAt: a.ts(x.LastSeen()), State: x.WatchState(now, p.Patrol.Silence), Incident: x.Silence})
		last = append(last, x.LastSeen())
	}
	return out, last, nil
}

// printWatchdogs is heartbeat list's table; a patrol is named with its
// patroller.
func (a *app) printWatchdogs(out []heartbeatJSON, last []time.Time) {
	rows := make([][]string, len(out))
	for i, h := range out {
		at := "-"
		if !last[i].IsZero() {
			at = a.local(last[i], "01-02 15:04:05")
		}
		name := h.Name
		if h.Kind == model.SilencePatrol {
			name = strings.TrimSpace(h.Name + " " + h.PatrollerName)
		}
		rows[i] = []string{h.Kind, name, h.Node, h.NodeName, h.Every, at, h.State, h.Incident}
	}
	table(a.out, []string{"KIND", "NAME", "NODE", "", "EVERY", "LAST", "STATE", "INCIDENT"}, rows)
}
