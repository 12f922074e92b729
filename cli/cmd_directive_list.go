package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

func (a *app) directiveListCmd() *cobra.Command {
	var scope string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--scope NODE] [--json]",
		Short: "The directives of the wartime active in a scope (else its latest): how far each is signed for and done",
		Long: `The directives of every wartime active in --scope (a town, village or county,
by code or name; default the whole file), else of the latest wartime that
reached into it: each with how many of its micro-grids signed for it and are
done. On a county's hub, the federated towns' directives are among them: the
towns' own and those the county sent down (command N).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withNode(cmd.Context(), "--scope", scope, func(ctx context.Context, db backend, node model.NodeCode) error {
				js, ds, err := a.directiveList(ctx, db, node)
				if err != nil {
					return err
				}
				return a.answer(asJSON, js, func() { a.printDirectives(ds, js) })
			})
		},
	}
	cmd.Flags().StringVar(&scope, "scope", "", "only the wartime of this node (code or name); default the whole file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// directiveList is the directives of scope with their summaries, as JSON
// and as they are.
func (a *app) directiveList(ctx context.Context, db backend, scope model.NodeCode) ([]directiveJSON, []model.Directive, error) {
	ds, err := db.Directives(ctx, scope)
	if err != nil {
		return nil, nil, refused(err)
	}
	js := make([]directiveJSON, 0, len(ds))
	names := map[model.NodeCode]wtNames{}
	for _, d := range ds {
		_, units, err := db.Directive(ctx, d.ID)
		if err != nil {
			return nil, nil, err
		}
		town := directiveTown(d)
		n, ok := names[town]
		if !ok {
			if n, _, err = wartimeNames(ctx, db, town); err != nil {
				return nil, nil, err
			}
			names[town] = n
		}
		js = append(js, a.directiveJSON(d, model.Summarize(d, units, 0), n))
	}
	return js, ds, nil
}

// printDirectives is directive list's table.
func (a *app) printDirectives(ds []model.Directive, js []directiveJSON) {
	if len(ds) == 0 {
		fmt.Fprintln(a.out, "no directives")
		return
	}
	rows := make([][]string, len(ds))
	for i, d := range ds {
		j := js[i]
		rows[i] = []string{d.ID, origin(d), a.local(d.IssuedAt, "01-02 15:04"), listSome(j.Targets, 3),
			fmt.Sprintf("%d/%d", j.Signed, j.Units), fmt.Sprintf("%d/%d", j.Done, j.Units), itoa(j.Escalated), d.Text}
	}
	table(a.out, []string{"directive", "origin", "issued", "to", "signed", "done", "escalated", "text"}, rows)
}

// origin is where directive d came from, for directive list: on a hub, a
// federated town's copy names the town's own id and whether the county
// sent it down (D-0002, county command 1) or the town's room issued it
// (D-0001, the town's own); on a town's own file, a directive the county
// sent down names its command (county command 2); "" for the file's own.
func origin(d model.Directive) string {
	switch {
	case d.Command != 0 && d.Fed != "":
		return fmt.Sprintf("%s, county command %d", d.Fed, d.Command)
	case d.Command != 0:
		return fmt.Sprintf("county command %d", d.Command)
	case d.Fed != "":
		return d.Fed + ", the town's own"
	}
	return ""
}

// copyLine says, on a hub, whose directive d is a copy of: a federated
// town's, its own id there, and whether the county sent it down.
func copyLine(d model.Directive, names wtNames) string {
	town := directiveTown(d)
	name := string(town)
	if n := names.nodes[town]; n != "" {
		name = n + " " + name
	}
	if d.Command != 0 {
		return fmt.Sprintf("%s's %s, sent down by the county as command %d (this file holds a copy)", name, d.Fed, d.Command)
	}
	return fmt.Sprintf("%s's %s, issued by its own room (this file holds a copy: the town resends it)", name, d.Fed)
}
