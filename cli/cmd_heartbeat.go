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

// heartbeatJSON is one gateway in `heartbeat list --json`.
type heartbeatJSON struct {
	Name     string `json:"name"`
	Node     string `json:"node"`
	NodeName string `json:"node_name,omitempty"`
	Every    string `json:"every"`
	LastAt   string `json:"last_at,omitempty"`
	State    string `json:"state"`
	Incident string `json:"incident,omitempty"`
}

func (a *app) heartbeatCmd() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "heartbeat",
		Short: "Sensor gateways that must post a heartbeat: a silence opens an incident, the next heartbeat resolves it",
	})
	cmd.AddCommand(a.heartbeatAddCmd(), a.heartbeatListCmd(), a.heartbeatRemoveCmd())
	return cmd
}

func (a *app) heartbeatAddCmd() *cobra.Command {
	var every, node, by string
	cmd := &cobra.Command{
		Use:   "add NAME --every 10m --node CODE",
		Short: "Watch a gateway: no heartbeat (POST /api/v1/heartbeats/NAME) or alert from beneath CODE for --every opens an incident",
		Args:  exactArgs(1, "one gateway name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := missing("heartbeat add", required{"--every", blank(every)}, required{"--node", blank(node)}); err != nil {
				return usageError{err}
			}
			d, err := time.ParseDuration(strings.TrimSpace(every))
			if err != nil {
				return usageError{fmt.Errorf("--every %q: want a duration such as 10m", every)}
			}
			code, err := model.ParseNodeCode(node)
			if err != nil {
				return usageError{flagError("--node", err)}
			}
			h := model.Heartbeat{Name: args[0], Node: code, Every: d}
			if err := h.Check(); err != nil {
				return usageError{err}
			}
			return a.withDB(cmd.Context(), acting, func(ctx context.Context, db backend) error {
				actor, err := a.actor(ctx, db, by)
				if err != nil {
					return err
				}
				h, err := db.AddHeartbeat(ctx, h, actor)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.out, "watching %s at %s: a heartbeat every %s, the first due by %s\n", h.Name, h.Node, model.ShortDuration(h.Every), a.local(h.Due(), "15:04:05"))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&every, "every", "", "how often it must be heard: 30s to 168h")
	cmd.Flags().StringVar(&node, "node", "", "where the gateway is; alerts from beneath it count as heartbeats")
	cmd.Flags().StringVar(&by, "by", "", "who adds it (default the operator)")
	return cmd
}

func (a *app) heartbeatRemoveCmd() *cobra.Command {
	var by string
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Stop watching a gateway (an incident its silence opened stays, for an officer to close)",
		Args:  exactArgs(1, "one gateway name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd.Context(), acting, func(ctx context.Context, db backend) error {
				actor, err := a.actor(ctx, db, by)
				if err != nil {
					return err
				}
				if err := db.RemoveHeartbeat(ctx, args[0], actor); err != nil {
					return err
				}
				fmt.Fprintf(a.out, "no longer watching %s\n", args[0])
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who removes it (default the operator)")
	return cmd
}

func (a *app) heartbeatListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "The watched gateways: name, node, every, last_at, state (ok, waiting, silent) and the silence's incident",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				hbs, err := db.Heartbeats(ctx)
				if err != nil {
					return err
				}
				names, err := nodeNames(ctx, db)
				if err != nil {
					return err
				}
				now := db.Now()
				out := make([]heartbeatJSON, len(hbs))
				for i, h := range hbs {
					out[i] = heartbeatJSON{Name: h.Name, Node: string(h.Node), NodeName: names[h.Node], Every: model.ShortDuration(h.Every),
						LastAt: a.ts(h.LastAt), State: h.State(now), Incident: h.Incident}
				}
				if asJSON {
					return writeJSON(a.out, out)
				}
				rows := make([][]string, len(out))
				for i, h := range out {
					last := "-"
					if !hbs[i].LastAt.IsZero() {
						last = a.local(hbs[i].LastAt, "01-02 15:04:05")
					}
					rows[i] = []string{h.Name, h.Node, h.NodeName, h.Every, last, h.State, h.Incident}
				}
				table(a.out, []string{"NAME", "NODE", "", "EVERY", "LAST", "STATE", "INCIDENT"}, rows)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
