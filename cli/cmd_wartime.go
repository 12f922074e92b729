package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// listSome joins up to n items, then says how many more.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// unitNames maps every node code to its display name, as nodeNames does,
// but with the grid in a micro-grid's name ("渎溪村 02网格 03微网格"): the
// micro-grids of a village are numbered within their grids.
func unitNames(ctx context.Context, svc model.Service) (map[model.NodeCode]string, error) {
	nodes, err := svc.Nodes(ctx, "")
	if err != nil {
		return nil, err
	}
	return model.DisplayNames(nodes, model.NameByGrid), nil
}

// wtNames are what the wartime output names: nodes and the units' workers.
type wtNames struct {
	nodes   map[model.NodeCode]string
	workers map[model.NodeCode]model.UnitStatus
}

// wartimeNames reads the node names and the current wartime units.
func wartimeNames(ctx context.Context, svc model.Service) (wtNames, model.WartimeStatus, error) {
	nodes, err := unitNames(ctx, svc)
	if err != nil {
		return wtNames{}, model.WartimeStatus{}, err
	}
	st, err := svc.WartimeStatus(ctx)
	if err != nil {
		return wtNames{}, st, err
	}
	n := wtNames{nodes: nodes, workers: make(map[model.NodeCode]model.UnitStatus, len(st.Units))}
	for _, u := range st.Units {
		n.workers[u.MicroGrid] = u
	}
	return n, st, nil
}

// readTargets reads town and node codes for --scope and --to: "town" is
// the database's town (refused when it holds several: name them), codes may
// be given one by one, repeated, or comma-separated. villagesOnly keeps
// them to towns and villages (model.ParseScope).
func readTargets(ctx context.Context, svc model.Service, flag string, args []string, villagesOnly bool) ([]model.NodeCode, error) {
	var towns []model.NodeCode
	wantTown := false
	var fields []string
	for _, s := range args {
		for _, f := range model.SplitCodes(s) {
			fields = append(fields, f)
			if model.WholeTown(f) {
				wantTown = true
			}
		}
	}
	if len(fields) == 0 {
		return nil, usageError{fmt.Errorf("%s: missing; give town or village codes", flag)}
	}
	var town model.NodeCode
	if wantTown {
		roots, err := svc.Nodes(ctx, "")
		if err != nil {
			return nil, err
		}
		for _, n := range roots {
			if n.Level == model.LevelTown {
				towns = append(towns, n.Code)
			}
		}
		switch len(towns) {
		case 0:
			return nil, usageError{fmt.Errorf("%s: town: the database holds no town", flag)}
		case 1:
			town = towns[0]
		default:
			return nil, usageError{fmt.Errorf("%s: town: the database holds %d towns (%s); give their codes", flag, len(towns), strings.Join(codes(towns), ", "))}
		}
	}
	if villagesOnly {
		scope, err := model.ParseScope(fields, town)
		if err != nil {
			return nil, usageError{fmt.Errorf("--%s", model.ErrorMessage(err))}
		}
		return scope, nil
	}
	var out []model.NodeCode
	for _, f := range fields {
		if model.WholeTown(f) {
			out = append(out, town)
			continue
		}
		c, err := model.ParseNodeCode(f)
		if err != nil {
			return nil, usageError{flagError(flag, err)}
		}
		out = append(out, c)
	}
	return out, nil
}

// scopePreview says what activating over scope covers: "花街镇 330784114
// would cover 27 villages, 232 micro-grids (6 without a worker), 15018
// households".
func scopePreview(ctx context.Context, svc model.Service, scope []model.NodeCode) (string, error) {
	nodes, err := svc.Nodes(ctx, "")
	if err != nil {
		return "", err
	}
	workers, err := svc.People(ctx, model.PeopleFilter{Role: model.RoleMicroGridWorker})
	if err != nil {
		return "", err
	}
	tower := model.BuildTower(nodes, nil, nil, nil)
	cover, err := tower.Cover(scope)
	if err != nil {
		return "", err
	}
	names := make([]string, len(scope))
	for i, root := range scope {
		names[i] = fmt.Sprintf("%s %s", tower.Nodes[root].Name, root)
	}
	return fmt.Sprintf("%s would cover %d villages, %d micro-grids (%d without a worker), %d households",
		strings.Join(names, ", "), cover.Villages, cover.MicroGrids(), len(cover.Gaps(workers)), cover.Households), nil
}

// kindOf is what an activation is: its reason, "(drill)" after a drill's.
func kindOf(act model.Activation) string {
	if act.Drill {
		return string(act.Reason) + " (drill)"
	}
	return string(act.Reason)
}

func (a *app) wartimeCmd() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "wartime",
		Short: "Switch to wartime (战时) and back; its status and after-action report",
	})
	cmd.AddCommand(a.wartimeOnCmd(), a.wartimeOffCmd(), a.wartimeStatusCmd(), a.wartimeReportCmd())
	return cmd
}

// wartimeOnFlags are the flags of wartime on.
type wartimeOnFlags struct {
	reason, note       string
	scope              []string
	drill, yes, asJSON bool
}

func (a *app) wartimeOnCmd() *cobra.Command {
	var fl wartimeOnFlags
	cmd := &cobra.Command{
		Use:   "on --reason flood|typhoon|epidemic|fire|other --scope town|VILLAGE_CODE... [--drill] [--note X] [--yes]",
		Short: "Activate wartime over the town or villages: micro-grid workers go on duty with wartime roles",
		Long: `Activate wartime over the town or some villages. Every micro-grid in scope
becomes a working unit: its micro-grid worker goes on duty with a wartime role
(vanguard, responder, specialist, by config wartime.roles); micro-grids without
a worker are listed as gaps (draft reserves into them with 'gridcmd reserve
draft'). While wartime is active every new deadline is multiplied by
wartime_factor.

Without --yes it says what it would cover (villages, micro-grids, households)
and asks for confirmation; with no terminal to ask on, it refuses.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return a.wartimeOn(cmd, args, fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.reason, "reason", "", "why (required): flood, typhoon, epidemic, fire or other")
	f.StringSliceVar(&fl.scope, "scope", nil, "town, or village codes (required; repeat, separate with commas, or list after the flag)")
	f.BoolVar(&fl.drill, "drill", false, "record it as a drill")
	f.StringVar(&fl.note, "note", "", "a note for the record")
	f.BoolVar(&fl.yes, "yes", false, "do not ask for confirmation")
	f.BoolVar(&fl.asJSON, "json", false, "print the activation as JSON")
	return cmd
}

// checked checks the flags of wartime on, with args the codes after
// them, and returns the reason and the note, cleaned.
func (fl wartimeOnFlags) checked(args []string) (model.Reason, string, error) {
	if blank(fl.reason) {
		return "", "", usageError{fmt.Errorf("wartime on: missing --reason (flood, typhoon, epidemic, fire or other)")}
	}
	r, err := model.ParseReason(fl.reason)
	if err != nil {
		return "", "", usageError{err}
	}
	if len(args) > 0 && len(fl.scope) == 0 {
		return "", "", usageError{fmt.Errorf("wartime on: missing --scope; give town or village codes (got %s without --scope)", strings.Join(args, " "))}
	}
	note, err := cleanFlag("--note", fl.note, false)
	if err != nil {
		return "", "", usageError{err}
	}
	return r, note, nil
}

func (a *app) wartimeOn(cmd *cobra.Command, args []string, fl wartimeOnFlags) error {
	r, note, err := fl.checked(args)
	if err != nil {
		return err
	}
	var scope []model.NodeCode
	var by model.PersonID
	return a.ask(cmd, fl.yes, asking{
		check: func(ctx context.Context, db backend) error {
			var err error
			if scope, err = readTargets(ctx, db, "--scope", append(fl.scope, args...), true); err != nil {
				return err
			}
			if by, err = a.actor(ctx, db, ""); err != nil {
				return err
			}
			st, err := db.WartimeStatus(ctx)
			if err != nil {
				return err
			}
			_, _, err = model.Activate(st.Active, 0, r, scope, fl.drill, note, by, db.Now())
			return err // already active, before anything is asked
		},
		what: func(ctx context.Context, db backend) (string, error) {
			what, err := scopePreview(ctx, db, scope)
			if err != nil {
				return "", err
			}
			kind := string(r)
			if fl.drill {
				kind += " drill"
			}
			return kind + " wartime over " + what, nil
		},
		question: "Activate wartime?",
		act: func(ctx context.Context, db backend) error {
			act, err := db.Activate(ctx, r, scope, fl.drill, note, by) // refused if someone activated meanwhile
			if err != nil {
				return err
			}
			if fl.asJSON {
				return writeJSON(a.out, a.activationJSON(act))
			}
			st, err := db.WartimeStatus(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "%s wartime %s active since %s: %d villages, %d micro-grids (%d staffed, %d gaps), %d households\n",
				act.ID, kindOf(act), a.minute(act.Since), act.Villages, act.MicroGrids, st.Staffed, st.Gaps, act.Households)
			return nil
		},
	})
}

func (a *app) wartimeOffCmd() *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "off [--yes]",
		Short: "End wartime: release drafted reserves, restore duty, write the after-action summary",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return a.wartimeOff(cmd, yes, asJSON) },
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the after-action summary as JSON")
	return cmd
}

func (a *app) wartimeOff(cmd *cobra.Command, yes, asJSON bool) error {
	var by model.PersonID
	var st model.WartimeStatus
	return a.ask(cmd, yes, asking{
		check: func(ctx context.Context, db backend) error {
			var err error
			if by, err = a.actor(ctx, db, ""); err != nil {
				return err
			}
			if st, err = db.WartimeStatus(ctx); err != nil {
				return err
			}
			_, _, err = st.Active.End(by, db.Now())
			return err // nothing is active, before anything is asked
		},
		what: func(context.Context, backend) (string, error) {
			act := st.Active
			return fmt.Sprintf("would end %s (%s, scope %s, since %s, %d drafted reserves)", act.ID, act.Reason,
				strings.Join(codes(act.Scope), ","), a.minute(act.Since), len(st.Drafts)), nil
		},
		question: "End wartime?",
		act: func(ctx context.Context, db backend) error {
			x, err := db.Deactivate(ctx, st.Active.ID, by) // refused if another activation is active by now
			if err != nil {
				return err
			}
			return a.printAfterAction(ctx, db, x, asJSON)
		},
	})
}

func (a *app) wartimeStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "Whether wartime is active: reason, scope, since, micro-grids staffed, gaps, drafted reserves",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				return a.wartimeStatus(ctx, db, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) wartimeStatus(ctx context.Context, db backend, asJSON bool) error {
	names, err := unitNames(ctx, db)
	if err != nil {
		return err
	}
	st, err := db.WartimeStatus(ctx)
	if err != nil {
		return err
	}
	drafted := map[model.PersonID]string{}
	if st.Active.Active() {
		for _, d := range st.Drafts {
			if p, err := db.Person(ctx, d.Person); err == nil {
				drafted[d.Person] = p.Name
			}
		}
	}
	j := a.wartimeStatusJSON(st, drafted)
	if asJSON {
		return writeJSON(a.out, j)
	}
	if !j.Active {
		fmt.Fprintln(a.out, "peacetime: no wartime is active")
		return nil
	}
	act := st.Active
	var scope []string
	for _, c := range act.Scope {
		scope = append(scope, string(c)+" "+names[c])
	}
	roles := make([]string, 0, len(model.WartimeRoles))
	for _, r := range model.WartimeRoles {
		if n := j.Roles[string(r)]; n > 0 {
			roles = append(roles, fmt.Sprintf("%s %d", r, n))
		}
	}
	rows := [][]string{
		{"wartime", act.ID + "  " + kindOf(act)},
		{"since", a.minute(act.Since) + "  (" + model.FormatWait(db.Now().Sub(act.Since)) + ")"},
		{"scope", strings.Join(scope, ", ")},
		{"micro-grids", fmt.Sprintf("%d in scope, %d staffed, %d gaps", j.MicroGrids, j.Staffed, j.Gaps)},
		{"roles", strings.Join(roles, ", ")},
	}
	for _, g := range j.GapUnits {
		rows = append(rows, []string{"gap", g + "  " + names[model.NodeCode(g)]})
	}
	for _, d := range j.Drafted {
		rows = append(rows, []string{"drafted", fmt.Sprintf("%s %s → %s", d.Person, d.Name, d.MicroGrid)})
	}
	table(a.out, []string{"field", "value"}, rows)
	return nil
}

func (a *app) wartimeReportCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report [ID] [--json]",
		Short: "The after-action summary of a wartime (default the latest; a running one as of now)",
		Args:  maxArgs(1, "one wartime id (e.g. W-0001)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				x, err := db.AfterAction(ctx, id)
				if err != nil {
					return refused(err)
				}
				return a.printAfterAction(ctx, db, x, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// printAfterAction prints the summary as a table, or as JSON.
func (a *app) printAfterAction(ctx context.Context, svc model.Service, x model.AfterAction, asJSON bool) error {
	names, _, err := wartimeNames(ctx, svc)
	if err != nil {
		return err
	}
	ds := map[string]model.Directive{}
	for _, s := range x.Directives {
		d, _, err := svc.Directive(ctx, s.ID)
		if err != nil {
			return err
		}
		ds[s.ID] = d
	}
	if asJSON {
		return writeJSON(a.out, a.afterActionJSON(x, ds, names))
	}
	act := x.Activation
	end := "now (still active)"
	if !act.Active() {
		end = a.minute(act.Ended)
	}
	fmt.Fprintf(a.out, "%s %s, scope %s: %s → %s (%s)\n", act.ID, kindOf(act), strings.Join(codes(act.Scope), ","),
		a.minute(act.Since), end, model.FormatWait(x.Duration))
	fmt.Fprintf(a.out, "%d villages, %d micro-grids, %d households\n", act.Villages, act.MicroGrids, act.Households)
	fmt.Fprintf(a.out, "incidents opened %d, resolved %d; person-times %d; reserves drafted %d\n",
		x.IncidentsOpened, x.IncidentsResolved, x.PersonTimes, x.ReservesDrafted)
	if len(x.Directives) == 0 {
		fmt.Fprintln(a.out, "no directives")
		return nil
	}
	fmt.Fprintln(a.out)
	rows := make([][]string, len(x.Directives))
	for i, s := range x.Directives {
		median, worst := signTimes(s)
		rows[i] = []string{s.ID, fmt.Sprintf("%d/%d", s.Signed, s.Units), fmt.Sprintf("%d/%d", s.Done, s.Units),
			median, worst, itoa(s.Escalated), s.Text}
	}
	table(a.out, []string{"directive", "signed", "done", "sign p50", "sign max", "escalated", "text"}, rows)
	return nil
}
