package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

func (a *app) reserveCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "reserve",
		Short: "The wartime reserve pool (储备池)",
	}, a.reserveDraftCmd(), a.reserveReleaseCmd())
}

func (a *app) reserveDraftCmd() *cobra.Command {
	var fl personAct
	var micro string
	cmd := a.personCmd(&cobra.Command{
		Use:   "draft --person ID --micro-grid CODE|NAME",
		Short: "Draft a reserve into a micro-grid that has no worker (same grid, else same village)",
	}, &fl, func() ([]required, error) { return []required{{"--micro-grid", blank(micro)}}, nil },
		func(ctx context.Context, db backend, pid, actor model.PersonID) error {
			code, err := a.nodeArg(ctx, db, "--micro-grid", micro, actor, model.LevelMicroGrid)
			if err != nil {
				return err
			}
			return a.reserveDraft(ctx, db, pid, code, actor, fl.asJSON)
		})
	fl.add(cmd.Flags(), "the reserve's person id", "who drafts", "the draft")
	cmd.Flags().StringVar(&micro, "micro-grid", "", "the micro-grid without a worker (required): a code or its name as the console shows it (渎溪村 02-01)")
	return cmd
}

func (a *app) reserveReleaseCmd() *cobra.Command {
	var fl personAct
	cmd := a.personCmd(&cobra.Command{
		Use:   "release --person ID",
		Short: "Release a drafted reserve before wartime ends: the micro-grid has no worker again",
	}, &fl, noMore, func(ctx context.Context, db backend, pid, actor model.PersonID) error {
		return a.reserveRelease(ctx, db, pid, actor, fl.asJSON)
	})
	fl.add(cmd.Flags(), "the drafted reserve's person id", "who releases", "the draft (with released)")
	return cmd
}

// onReserve drafts or releases (step) the reserve pid and prints the
// draft as JSON, or has say say what was done, with the reserve's name.
func (a *app) onReserve(ctx context.Context, db backend, pid model.PersonID, asJSON bool,
	step func() (model.Draft, error), say func(d model.Draft, name string) error) error {
	d, err := step()
	if err != nil {
		return err
	}
	p, err := db.Person(ctx, pid)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.out, a.draftJSON(d, p.Name))
	}
	return say(d, p.Name)
}

func (a *app) reserveRelease(ctx context.Context, db backend, pid, actor model.PersonID, asJSON bool) error {
	return a.onReserve(ctx, db, pid, asJSON, func() (model.Draft, error) {
		return db.ReleaseReserve(ctx, pid, actor)
	}, func(d model.Draft, name string) error {
		fmt.Fprintf(a.out, "%s %s released from %s; it has no worker again\n", pid, name, d.MicroGrid)
		return nil
	})
}

func (a *app) reserveDraft(ctx context.Context, db backend, pid model.PersonID, code model.NodeCode, actor model.PersonID, asJSON bool) error {
	return a.onReserve(ctx, db, pid, asJSON, func() (model.Draft, error) {
		return db.DraftReserve(ctx, pid, code, actor)
	}, func(_ model.Draft, name string) error {
		names, _, err := wartimeNames(ctx, db, code.Town())
		if err != nil {
			return err
		}
		fmt.Fprintf(a.out, "%s %s drafted into %s (%s) as %s\n", pid, name, code, names.nodes[code], names.workers[code].Role)
		return nil
	})
}
