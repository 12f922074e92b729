package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// The --json shapes of the wartime commands. Like the others they are
// stable: fields are only ever added. Times are RFC 3339 in the configured
// zone (absent times omitted), durations whole seconds, people "P12",
// node codes as stored.
//
//	wartime on --json        activationJSON
//	wartime status --json    wartimeStatusJSON (active false, zero counts and
//	                         empty lists in peacetime)
//	wartime off --json,
//	wartime report --json    afterActionJSON
//	reserve draft --json     draftJSON
//	directive issue --json   directiveJSON with unit_list (every receiving
//	                         unit), nobody_on_duty and, for --dry-run,
//	                         dry_run true (nothing stored)
//	directive show --json    directiveJSON with unit_list
//	directive ack --json,
//	directive progress --json unitJSON

type activationJSON struct {
	ID         string   `json:"id"`
	Reason     string   `json:"reason"`
	Scope      []string `json:"scope"`
	Drill      bool     `json:"drill"`
	Note       string   `json:"note,omitempty"`
	Since      string   `json:"since"`
	Ended      string   `json:"ended,omitempty"`
	By         string   `json:"by"`
	Villages   int      `json:"villages"`
	MicroGrids int      `json:"micro_grids"`
	Households int      `json:"households"`
}

type wartimeStatusJSON struct {
	Active       bool            `json:"active"`
	Activation   *activationJSON `json:"activation,omitempty"`
	MicroGrids   int             `json:"micro_grids"`
	Staffed      int             `json:"staffed"`
	Gaps         int             `json:"gaps"`
	GapUnits     []string        `json:"gap_units"`
	Drafted      []draftJSON     `json:"drafted_reserves"`
	Reason       string          `json:"reason,omitempty"`
	Scope        []string        `json:"scope,omitempty"`
	Since        string          `json:"since,omitempty"`
	RolesCounted map[string]int  `json:"roles"` // wartime role -> staffed micro-grids
}

type draftJSON struct {
	Person    string `json:"person"`
	Name      string `json:"name,omitempty"`
	MicroGrid string `json:"micro_grid"`
	At        string `json:"at"`
	By        string `json:"by"`
	Released  string `json:"released,omitempty"`
}

type unitJSON struct {
	Unit        string `json:"unit"`
	Name        string `json:"name,omitempty"`        // the micro-grid's display name
	Worker      string `json:"worker,omitempty"`      // who serves it in wartime, absent for a gap
	WorkerName  string `json:"worker_name,omitempty"` //
	SentAt      string `json:"sent_at,omitempty"`
	SignedAt    string `json:"signed_at,omitempty"`
	SignedBy    string `json:"signed_by,omitempty"`
	Done        int    `json:"done"`
	Of          int    `json:"of"`
	CompletedAt string `json:"completed_at,omitempty"`
	Escalated   string `json:"escalated,omitempty"`
	Resends     int    `json:"resends"`
}

type villageJSON struct {
	Village   string `json:"village"`
	Name      string `json:"name,omitempty"`
	Units     int    `json:"units"`
	Signed    int    `json:"signed"`
	Done      int    `json:"done"`
	Escalated string `json:"escalated,omitempty"`
}

type directiveJSON struct {
	ID                string        `json:"id"`
	Text              string        `json:"text"`
	Targets           []string      `json:"targets"`
	IssuedAt          string        `json:"issued_at"`
	SignBy            string        `json:"sign_by"`
	Deadline          string        `json:"deadline"`
	Units             int           `json:"units"`
	Signed            int           `json:"signed"`
	Done              int           `json:"done"`
	Escalated         int           `json:"escalated"`
	SignMedianSeconds int64         `json:"sign_median_seconds"`
	SignWorstSeconds  int64         `json:"sign_worst_seconds"`
	Villages          []villageJSON `json:"villages"`
	Slowest           []unitJSON    `json:"slowest"`
	UnitList          []unitJSON    `json:"unit_list,omitempty"`
	NobodyOnDuty      []string      `json:"nobody_on_duty,omitempty"`
	DryRun            bool          `json:"dry_run,omitempty"`
}

type afterActionJSON struct {
	Activation        activationJSON  `json:"activation"`
	Running           bool            `json:"running"` // not ended: the figures as of now
	DurationSeconds   int64           `json:"duration_seconds"`
	Directives        []directiveJSON `json:"directives"`
	IncidentsOpened   int             `json:"incidents_opened"`
	IncidentsResolved int             `json:"incidents_resolved"`
	PersonTimes       int             `json:"person_times"`
	ReservesDrafted   int             `json:"reserves_drafted"`
}

// slowestShown is how many of the slowest units directive show lists.
const slowestShown = 10

func codes(cs []model.NodeCode) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func (a *app) activationJSON(x model.Activation) activationJSON {
	return activationJSON{ID: x.ID, Reason: string(x.Reason), Scope: codes(x.Scope), Drill: x.Drill, Note: x.Note,
		Since: a.ts(x.Since), Ended: a.ts(x.Ended), By: x.By.String(), Villages: x.Villages,
		MicroGrids: x.MicroGrids, Households: x.Households}
}

// wtNames are what the wartime output names: nodes and the units' workers.
type wtNames struct {
	nodes   map[model.NodeCode]string
	workers map[model.NodeCode]model.UnitStatus
}

func (a *app) unitJSON(u model.DirectiveUnit, n wtNames) unitJSON {
	j := unitJSON{Unit: string(u.Unit), Name: n.nodes[u.Unit], SentAt: a.ts(u.SentAt), SignedAt: a.ts(u.SignedAt),
		Done: u.Done, Of: u.Of, CompletedAt: a.ts(u.CompletedAt), Escalated: string(u.Escalated), Resends: u.Resends}
	if u.Signed() {
		j.SignedBy = u.SignedBy.String()
	}
	if w, ok := n.workers[u.Unit]; ok && w.Worker != 0 {
		j.Worker, j.WorkerName = w.Worker.String(), w.WorkerName
	}
	return j
}

func (a *app) directiveJSON(d model.Directive, s model.DirectiveSummary, n wtNames) directiveJSON {
	j := directiveJSON{ID: s.ID, Text: s.Text, Targets: codes(d.Targets), IssuedAt: a.ts(d.IssuedAt),
		SignBy: a.ts(d.SignBy), Deadline: a.ts(d.Deadline), Units: s.Units, Signed: s.Signed, Done: s.Done,
		Escalated: s.Escalated, SignMedianSeconds: int64(s.SignMedian / time.Second),
		SignWorstSeconds: int64(s.SignWorst / time.Second), Villages: []villageJSON{}, Slowest: []unitJSON{}}
	if j.Targets == nil {
		j.Targets = []string{}
	}
	for _, v := range s.Villages {
		j.Villages = append(j.Villages, villageJSON{Village: string(v.Village), Name: n.nodes[v.Village], Units: v.Units,
			Signed: v.Signed, Done: v.Done, Escalated: string(v.Escalated)})
	}
	for _, u := range s.Slowest {
		j.Slowest = append(j.Slowest, a.unitJSON(u, n))
	}
	return j
}

func (a *app) afterActionJSON(x model.AfterAction, ds map[string]model.Directive, n wtNames) afterActionJSON {
	j := afterActionJSON{Activation: a.activationJSON(x.Activation), Running: x.Activation.Active(),
		DurationSeconds: int64(x.Duration / time.Second), Directives: []directiveJSON{},
		IncidentsOpened: x.IncidentsOpened, IncidentsResolved: x.IncidentsResolved,
		PersonTimes: x.PersonTimes, ReservesDrafted: x.ReservesDrafted}
	for _, s := range x.Directives {
		j.Directives = append(j.Directives, a.directiveJSON(ds[s.ID], s, n))
	}
	return j
}

func (a *app) draftJSON(d model.Draft, name string) draftJSON {
	return draftJSON{Person: d.Person.String(), Name: name, MicroGrid: string(d.MicroGrid), At: a.ts(d.At),
		By: d.By.String(), Released: a.ts(d.Released)}
}

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
	raw := make(map[model.NodeCode]string, len(nodes))
	for _, n := range nodes {
		raw[n.Code] = n.Name
	}
	m := make(map[model.NodeCode]string, len(nodes))
	for _, n := range nodes {
		switch n.Level {
		case model.LevelTown, model.LevelVillage:
			m[n.Code] = n.Name
		case model.LevelGrid:
			m[n.Code] = raw[n.Code.Village()] + " " + n.Name
		default:
			m[n.Code] = raw[n.Code.Village()] + " " + raw[n.Code.Grid()] + " " + n.Name
		}
	}
	return m, nil
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
			return nil, usageError{fmt.Errorf("%s: %s", flag, model.ErrorMessage(err))}
		}
		out = append(out, c)
	}
	return out, nil
}

// isTerminal reports whether r is an interactive terminal: a character
// device other than the null device. (The standard library cannot ask the
// terminal driver; this tells a person at a terminal from a pipe, a file
// or /dev/null, which is what the confirmation needs.)
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}

// confirm asks the operator at a terminal to type y; without a terminal it
// refuses, naming what it would have done, so a script must say --yes.
func (a *app) confirm(cmd *cobra.Command, what, question string) error {
	in := cmd.InOrStdin()
	if !isTerminal(in) {
		return usageError{fmt.Errorf("%s%s; stdin is not a terminal, so nothing was done: pass --yes to confirm", where(cmd), what)}
	}
	fmt.Fprintf(a.out, "%s\n%s [y/N] ", what, question)
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return usageError{fmt.Errorf("%snot confirmed; nothing was done", where(cmd))}
}

// scopePreview says what activating over scope covers: "花街镇 330784114
// would cover 27 villages, 232 micro-grids (6 without a worker), 15018
// households".
func scopePreview(ctx context.Context, svc model.Service, scope []model.NodeCode) (string, error) {
	var villages, micro, households int
	workers, err := svc.People(ctx, model.PeopleFilter{Role: model.RoleMicroGridWorker})
	if err != nil {
		return "", err
	}
	staffed := map[model.NodeCode]bool{}
	for _, p := range workers {
		staffed[p.Node] = true
	}
	gaps := 0
	var names []string
	for _, root := range scope {
		nodes, err := svc.Nodes(ctx, root)
		if err != nil {
			if model.ErrorCode(err) == model.ENOTFOUND {
				return "", model.Errorf(model.ENOTFOUND, "scope: no node %s in the tower", root)
			}
			return "", err
		}
		names = append(names, fmt.Sprintf("%s %s", nodes[0].Name, root))
		for _, n := range nodes {
			households += n.Households
			switch n.Level {
			case model.LevelVillage:
				villages++
			case model.LevelMicroGrid:
				micro++
				if !staffed[n.Code] {
					gaps++
				}
			}
		}
	}
	return fmt.Sprintf("%s would cover %d villages, %d micro-grids (%d without a worker), %d households",
		strings.Join(names, ", "), villages, micro, gaps, households), nil
}

func (a *app) wartimeCmd() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "wartime",
		Short: "Switch to wartime (战时) and back; its status and after-action report",
	})
	cmd.AddCommand(a.wartimeOnCmd(), a.wartimeOffCmd(), a.wartimeStatusCmd(), a.wartimeReportCmd())
	return cmd
}

func (a *app) wartimeOnCmd() *cobra.Command {
	var reason, note string
	var scope []string
	var drill, yes, asJSON bool
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usageError{fmt.Errorf("wartime on: missing --reason (flood, typhoon, epidemic, fire or other)")}
			}
			r, err := model.ParseReason(reason)
			if err != nil {
				return usageError{err}
			}
			if len(args) > 0 && len(scope) == 0 {
				return usageError{fmt.Errorf("wartime on: missing --scope; give town or village codes (got %s without --scope)", strings.Join(args, " "))}
			}
			n, err := model.CleanText(note, false)
			if err != nil {
				return usageError{fmt.Errorf("--note: %s", model.ErrorMessage(err))}
			}
			db, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer func() {
				if db != nil {
					db.Close()
				}
			}()
			ctx := cmd.Context()
			codes, err := readTargets(ctx, db, "--scope", append(scope, args...), true)
			if err != nil {
				return err
			}
			by, err := a.actor(ctx, db, "")
			if err != nil {
				return err
			}
			st, err := db.WartimeStatus(ctx)
			if err != nil {
				return err
			}
			if _, _, err := model.Activate(st.Active, 0, r, codes, drill, n, by, db.Now()); err != nil {
				return err // already active, before anything is asked
			}
			if !yes {
				what, err := scopePreview(ctx, db, codes)
				if err != nil {
					return err
				}
				kind := string(r)
				if drill {
					kind += " drill"
				}
				if err := a.whileReleased(ctx, &db, func() error {
					return a.confirm(cmd, kind+" wartime over "+what, "Activate wartime?")
				}); err != nil {
					return err
				}
			}
			act, err := db.Activate(ctx, r, codes, drill, n, by) // refused if someone activated meanwhile
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.out, a.activationJSON(act))
			}
			st, err = db.WartimeStatus(ctx)
			if err != nil {
				return err
			}
			drillNote := ""
			if act.Drill {
				drillNote = " (drill)"
			}
			fmt.Fprintf(a.out, "%s wartime %s%s active since %s: %d villages, %d micro-grids (%d staffed, %d gaps), %d households\n",
				act.ID, act.Reason, drillNote, act.Since.In(a.cfg.Location).Format("2006-01-02 15:04"),
				act.Villages, act.MicroGrids, st.Staffed, st.Gaps, act.Households)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&reason, "reason", "", "why (required): flood, typhoon, epidemic, fire or other")
	f.StringSliceVar(&scope, "scope", nil, "town, or village codes (required; repeat, separate with commas, or list after the flag)")
	f.BoolVar(&drill, "drill", false, "record it as a drill")
	f.StringVar(&note, "note", "", "a note for the record")
	f.BoolVar(&yes, "yes", false, "do not ask for confirmation")
	f.BoolVar(&asJSON, "json", false, "print the activation as JSON")
	return cmd
}

func (a *app) wartimeOffCmd() *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "off [--yes]",
		Short: "End wartime: release drafted reserves, restore duty, write the after-action summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer func() {
				if db != nil {
					db.Close()
				}
			}()
			ctx := cmd.Context()
			by, err := a.actor(ctx, db, "")
			if err != nil {
				return err
			}
			st, err := db.WartimeStatus(ctx)
			if err != nil {
				return err
			}
			if !st.Active.Active() {
				return model.Errorf(model.ECONFLICT, "no wartime is active")
			}
			if !yes {
				act := st.Active
				what := fmt.Sprintf("would end %s (%s, scope %s, since %s, %d drafted reserves)", act.ID, act.Reason,
					strings.Join(codes(act.Scope), ","), act.Since.In(a.cfg.Location).Format("2006-01-02 15:04"), len(st.Drafts))
				if err := a.whileReleased(ctx, &db, func() error { return a.confirm(cmd, what, "End wartime?") }); err != nil {
					return err
				}
			}
			x, err := db.Deactivate(ctx, st.Active.ID, by) // refused if another activation is active by now
			if err != nil {
				return err
			}
			return a.printAfterAction(ctx, db, x, asJSON)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the after-action summary as JSON")
	return cmd
}

func (a *app) wartimeStatusCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "Whether wartime is active: reason, scope, since, micro-grids staffed, gaps, drafted reserves",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := a.openRead()
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			names, err := unitNames(ctx, db)
			if err != nil {
				return err
			}
			st, err := db.WartimeStatus(ctx)
			if err != nil {
				return err
			}
			j := wartimeStatusJSON{GapUnits: []string{}, Drafted: []draftJSON{}, RolesCounted: map[string]int{}}
			if st.Active.Active() {
				act := a.activationJSON(st.Active)
				j.Active, j.Activation = true, &act
				j.Reason, j.Scope, j.Since = act.Reason, act.Scope, act.Since
				j.MicroGrids, j.Staffed, j.Gaps = len(st.Units), st.Staffed, st.Gaps
				for _, u := range st.Units {
					if u.Worker == 0 {
						j.GapUnits = append(j.GapUnits, string(u.MicroGrid))
					} else {
						j.RolesCounted[string(u.Role)]++
					}
				}
				for _, d := range st.Drafts {
					name := ""
					if p, err := db.Person(ctx, d.Person); err == nil {
						name = p.Name
					}
					j.Drafted = append(j.Drafted, a.draftJSON(d, name))
				}
			}
			if asJSON {
				return writeJSON(a.out, j)
			}
			if !j.Active {
				fmt.Fprintln(a.out, "peacetime: no wartime is active")
				return nil
			}
			act := st.Active
			kind := string(act.Reason)
			if act.Drill {
				kind += " (drill)"
			}
			var scope []string
			for _, c := range act.Scope {
				scope = append(scope, string(c)+" "+names[c])
			}
			roles := make([]string, 0, len(model.WartimeRoles))
			for _, r := range model.WartimeRoles {
				if n := j.RolesCounted[string(r)]; n > 0 {
					roles = append(roles, fmt.Sprintf("%s %d", r, n))
				}
			}
			rows := [][]string{
				{"wartime", act.ID + "  " + kind},
				{"since", act.Since.In(a.cfg.Location).Format("2006-01-02 15:04") + "  (" + model.FormatWait(db.Now().Sub(act.Since)) + ")"},
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
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
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
			db, err := a.openRead()
			if err != nil {
				return err
			}
			defer db.Close()
			x, err := db.AfterAction(cmd.Context(), id)
			if err != nil {
				if model.ErrorCode(err) == model.EINVALID {
					return usageError{err}
				}
				return err
			}
			return a.printAfterAction(cmd.Context(), db, x, asJSON)
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
	loc := a.cfg.Location
	kind := string(act.Reason)
	if act.Drill {
		kind += " (drill)"
	}
	end := "now (still active)"
	if !act.Active() {
		end = act.Ended.In(loc).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(a.out, "%s %s, scope %s: %s → %s (%s)\n", act.ID, kind, strings.Join(codes(act.Scope), ","),
		act.Since.In(loc).Format("2006-01-02 15:04"), end, model.FormatWait(x.Duration))
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
		median, worst := "-", "-"
		if s.Signed > 0 {
			median, worst = model.FormatWait(s.SignMedian), model.FormatWait(s.SignWorst)
		}
		rows[i] = []string{s.ID, fmt.Sprintf("%d/%d", s.Signed, s.Units), fmt.Sprintf("%d/%d", s.Done, s.Units),
			median, worst, itoa(s.Escalated), s.Text}
	}
	table(a.out, []string{"directive", "signed", "done", "sign p50", "sign max", "escalated", "text"}, rows)
	return nil
}

func (a *app) reserveCmd() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "reserve",
		Short: "The wartime reserve pool (储备池)",
	})
	var person, micro, by string
	var asJSON bool
	draft := &cobra.Command{
		Use:   "draft --person ID --micro-grid CODE",
		Short: "Draft a reserve into a micro-grid that has no worker (same grid, else same village)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var missing []string
			if strings.TrimSpace(person) == "" {
				missing = append(missing, "--person")
			}
			if strings.TrimSpace(micro) == "" {
				missing = append(missing, "--micro-grid")
			}
			if len(missing) > 0 {
				return usageError{fmt.Errorf("reserve draft: missing %s", strings.Join(missing, ", "))}
			}
			pid, err := model.ParsePersonID(person)
			if err != nil {
				return usageError{err}
			}
			code, err := model.ParseNodeCode(micro)
			if err != nil {
				return usageError{err}
			}
			db, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			actor, err := a.actor(ctx, db, by)
			if err != nil {
				return err
			}
			d, err := db.DraftReserve(ctx, pid, code, actor)
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
			names, _, err := wartimeNames(ctx, db)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "%s %s drafted into %s (%s) as %s\n", pid, p.Name, code, names.nodes[code],
				names.workers[code].Role)
			return nil
		},
	}
	f := draft.Flags()
	f.StringVar(&person, "person", "", "the reserve's person id (required), e.g. P1234")
	f.StringVar(&micro, "micro-grid", "", "the micro-grid without a worker (required)")
	f.StringVar(&by, "by", "", "who drafts (person id); default the operator")
	f.BoolVar(&asJSON, "json", false, "print the draft as JSON")
	cmd.AddCommand(draft)
	return cmd
}

func (a *app) directiveCmd() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "directive",
		Short: "Wartime directives (指令): issue, sign for, report progress, show, resend",
	})
	cmd.AddCommand(a.directiveIssueCmd(), a.directiveAckCmd(), a.directiveProgressCmd(),
		a.directiveShowCmd(), a.directiveResendCmd())
	return cmd
}

func (a *app) directiveIssueCmd() *cobra.Command {
	var to []string
	var text, by string
	var deadline time.Duration
	var dryRun, asJSON bool
	cmd := &cobra.Command{
		Use:   "issue --to town|CODE... --text X --deadline 2h [--dry-run] [--json]",
		Short: "Issue a directive to every micro-grid under the targets; each unit signs for it",
		Long: `Issue a directive to every micro-grid under the targets (the town, villages,
grids or micro-grids inside the wartime scope). Each unit has wartime.sign_for
to sign for it; a unit still silent then climbs to its village wartime room,
and as long again later to the town room.

--dry-run lists the units that would receive it and those with nobody on duty,
and stores nothing.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var missing []string
			if len(to) == 0 {
				missing = append(missing, "--to")
			}
			if strings.TrimSpace(text) == "" {
				missing = append(missing, "--text")
			}
			if deadline == 0 {
				missing = append(missing, "--deadline")
			}
			if len(missing) > 0 {
				return usageError{fmt.Errorf("directive issue: missing %s", strings.Join(missing, ", "))}
			}
			if deadline < 0 {
				return usageError{fmt.Errorf("directive issue: --deadline %s: want a positive duration, e.g. 2h", deadline)}
			}
			t, err := model.CleanText(text, false)
			if err != nil {
				return usageError{fmt.Errorf("--text: %s", model.ErrorMessage(err))}
			}
			var db interface {
				model.Service
				Close() error
			}
			if dryRun {
				db, err = a.openRead()
			} else {
				db, err = a.open(cmd.Context())
			}
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			targets, err := readTargets(ctx, db, "--to", append(to, args...), false)
			if err != nil {
				return err
			}
			actor, err := a.actor(ctx, db, by)
			if err != nil {
				return err
			}
			d, units, err := db.IssueDirective(ctx, t, targets, deadline, actor, dryRun)
			if err != nil {
				return err
			}
			names, _, err := wartimeNames(ctx, db)
			if err != nil {
				return err
			}
			j := a.directiveJSON(d, model.Summarize(d, units, 0), names)
			j.DryRun = dryRun
			j.UnitList = make([]unitJSON, len(units))
			for i, u := range units {
				j.UnitList[i] = a.unitJSON(u, names)
				if j.UnitList[i].Worker == "" {
					j.NobodyOnDuty = append(j.NobodyOnDuty, string(u.Unit))
				}
			}
			if asJSON {
				if j.NobodyOnDuty == nil {
					j.NobodyOnDuty = []string{}
				}
				return writeJSON(a.out, j)
			}
			loc := a.cfg.Location
			if dryRun {
				fmt.Fprintf(a.out, "dry run, nothing stored: %s would reach %d micro-grids under %s; sign for by %s, done by %s\n",
					d.ID, d.Units, strings.Join(j.Targets, ","), d.SignBy.In(loc).Format("15:04"), d.Deadline.In(loc).Format("15:04"))
				rows := make([][]string, len(j.UnitList))
				for i, u := range j.UnitList {
					worker := "nobody on duty"
					if u.Worker != "" {
						worker = u.WorkerName + " (" + u.Worker + ")"
					}
					rows[i] = []string{u.Unit, u.Name, worker, string(names.workers[model.NodeCode(u.Unit)].Role)}
				}
				table(a.out, []string{"unit", "name", "on duty", "role"}, rows)
			} else {
				fmt.Fprintf(a.out, "%s issued to %d micro-grids under %s; sign for by %s, done by %s\n",
					d.ID, d.Units, strings.Join(j.Targets, ","), d.SignBy.In(loc).Format("15:04"), d.Deadline.In(loc).Format("15:04"))
			}
			if len(j.NobodyOnDuty) > 0 {
				fmt.Fprintf(a.out, "%d with nobody on duty: %s\n", len(j.NobodyOnDuty), listSome(j.NobodyOnDuty, 20))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&to, "to", nil, "town, or codes inside the wartime scope (required; repeat, separate with commas, or list after the flag)")
	f.StringVar(&text, "text", "", "what to do (required), e.g. 逐户核查人员去向")
	f.DurationVar(&deadline, "deadline", 0, "to be done within (required), e.g. 2h")
	f.StringVar(&by, "by", "", "who issues it (person id); default the operator")
	f.BoolVar(&dryRun, "dry-run", false, "show who would receive it and store nothing")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// unitActor is who acts for a unit: --by, else --as, else the unit's
// wartime worker, else the operator.
func (a *app) unitActor(ctx context.Context, svc model.Service, by string, unit model.NodeCode) (model.PersonID, error) {
	if by == "" && a.asFlag == "" {
		st, err := svc.WartimeStatus(ctx)
		if err != nil {
			return 0, err
		}
		for _, u := range st.Units {
			if u.MicroGrid == unit && u.Worker != 0 {
				return u.Worker, nil
			}
		}
	}
	return a.actor(ctx, svc, by)
}

// unitArgs reads a directive id and --unit.
func unitArgs(cmd *cobra.Command, unit string) (model.NodeCode, error) {
	if strings.TrimSpace(unit) == "" {
		return "", usageError{fmt.Errorf("%smissing --unit (the micro-grid's code)", where(cmd))}
	}
	c, err := model.ParseNodeCode(unit)
	if err != nil {
		return "", usageError{err}
	}
	return c, nil
}

// refused keeps a malformed directive id a usage error and the rest as the
// store said.
func refused(err error) error {
	if model.ErrorCode(err) == model.EINVALID {
		return usageError{err}
	}
	return err
}

func (a *app) directiveAckCmd() *cobra.Command {
	var unit, by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ack ID --unit CODE [--by PERSON]",
		Short: "Sign for a directive on behalf of a micro-grid (signing twice is harmless)",
		Long: `Sign for a directive on behalf of a micro-grid. The signer is --by, else
--as, else the micro-grid's wartime worker, else the operator. Signing twice
changes nothing.`,
		Args: exactArgs(1, "one directive id (e.g. D-0001)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			code, err := unitArgs(cmd, unit)
			if err != nil {
				return err
			}
			db, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			actor, err := a.unitActor(ctx, db, by, code)
			if err != nil {
				return err
			}
			_, before, err := db.Directive(ctx, args[0])
			if err != nil {
				return refused(err)
			}
			was := false
			for _, u := range before {
				if u.Unit == code && u.Signed() {
					was = true
				}
			}
			u, err := db.SignDirective(ctx, args[0], code, actor)
			if err != nil {
				return refused(err)
			}
			if asJSON {
				names, _, err := wartimeNames(ctx, db)
				if err != nil {
					return err
				}
				return writeJSON(a.out, a.unitJSON(u, names))
			}
			signer := u.SignedBy.String()
			if u.SignedBy != model.System {
				if p, err := db.Person(ctx, u.SignedBy); err == nil {
					signer = p.Name + " (" + signer + ")"
				}
			}
			d, _, _ := db.Directive(ctx, args[0])
			state := "signed for"
			if was {
				state = "already signed for"
			}
			fmt.Fprintf(a.out, "%s %s: %s at %s by %s (%s after issue)\n", d.ID, code, state,
				u.SignedAt.In(a.cfg.Location).Format("15:04:05"), signer, model.FormatWait(u.SignedAt.Sub(d.IssuedAt)))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&unit, "unit", "", "the micro-grid signing (required)")
	f.StringVar(&by, "by", "", "who signs (person id); default the micro-grid's wartime worker")
	f.BoolVar(&asJSON, "json", false, "print the unit's copy as JSON")
	return cmd
}

func (a *app) directiveProgressCmd() *cobra.Command {
	var unit, by string
	var done, of int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "progress ID --unit CODE --done N --of M [--by PERSON]",
		Short: "Report a micro-grid's progress on a directive (e.g. households checked); done = of completes it",
		Args:  exactArgs(1, "one directive id (e.g. D-0001)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			code, err := unitArgs(cmd, unit)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("done") || !cmd.Flags().Changed("of") {
				return usageError{fmt.Errorf("directive progress: want --done N --of M, e.g. --done 63 --of 70")}
			}
			db, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			actor, err := a.unitActor(ctx, db, by, code)
			if err != nil {
				return err
			}
			u, err := db.DirectiveProgress(ctx, args[0], code, done, of, actor)
			if err != nil {
				return refused(err)
			}
			if asJSON {
				names, _, err := wartimeNames(ctx, db)
				if err != nil {
					return err
				}
				return writeJSON(a.out, a.unitJSON(u, names))
			}
			d, _, _ := db.Directive(ctx, args[0])
			state := ""
			if u.Complete() {
				state = ", complete"
			}
			fmt.Fprintf(a.out, "%s %s: %d/%d%s\n", d.ID, code, u.Done, u.Of, state)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&unit, "unit", "", "the micro-grid reporting (required)")
	f.IntVar(&done, "done", 0, "how much is done (required), e.g. households checked")
	f.IntVar(&of, "of", 0, "of how much (required)")
	f.StringVar(&by, "by", "", "who reports (person id); default the micro-grid's wartime worker")
	f.BoolVar(&asJSON, "json", false, "print the unit's copy as JSON")
	return cmd
}

func (a *app) directiveShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "A directive's units: signed, done, per-village roll-up, the slowest, sign-for median and worst",
		Args:  exactArgs(1, "one directive id (e.g. D-0001)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := a.openRead()
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			d, units, err := db.Directive(ctx, args[0])
			if err != nil {
				return refused(err)
			}
			names, _, err := wartimeNames(ctx, db)
			if err != nil {
				return err
			}
			s := model.Summarize(d, units, slowestShown)
			j := a.directiveJSON(d, s, names)
			j.UnitList = make([]unitJSON, len(units))
			for i, u := range units {
				j.UnitList[i] = a.unitJSON(u, names)
			}
			if asJSON {
				return writeJSON(a.out, j)
			}
			loc := a.cfg.Location
			fmt.Fprintf(a.out, "%s %s\n", d.ID, d.Text)
			fmt.Fprintf(a.out, "to %s (%d micro-grids); issued %s, sign for by %s, done by %s\n", strings.Join(j.Targets, ","),
				d.Units, d.IssuedAt.In(loc).Format("01-02 15:04"), d.SignBy.In(loc).Format("15:04"), d.Deadline.In(loc).Format("15:04"))
			median, worst := "-", "-"
			if s.Signed > 0 {
				median, worst = model.FormatWait(s.SignMedian), model.FormatWait(s.SignWorst)
			}
			fmt.Fprintf(a.out, "signed %d/%d, done %d/%d, escalated %d; sign-for median %s, worst %s\n\n",
				s.Signed, s.Units, s.Done, s.Units, s.Escalated, median, worst)
			rows := make([][]string, len(s.Villages))
			for i, v := range s.Villages {
				rows[i] = []string{string(v.Village), names.nodes[v.Village], fmt.Sprintf("%d/%d", v.Signed, v.Units),
					fmt.Sprintf("%d/%d", v.Done, v.Units), string(v.Escalated)}
			}
			table(a.out, []string{"village", "name", "signed", "done", "escalated"}, rows)
			fmt.Fprintln(a.out)
			rows = make([][]string, len(s.Slowest))
			for i, u := range s.Slowest {
				after := "silent"
				if u.Signed() {
					after = model.FormatWait(u.SignedAt.Sub(d.IssuedAt))
				}
				worker := "-"
				if w := names.workers[u.Unit]; w.Worker != 0 {
					worker = w.WorkerName
				}
				rows[i] = []string{string(u.Unit), names.nodes[u.Unit], worker, after, fmt.Sprintf("%d/%d", u.Done, u.Of),
					string(u.Escalated), itoa(u.Resends)}
			}
			fmt.Fprintln(a.out, "slowest")
			table(a.out, []string{"unit", "name", "worker", "signed after", "done", "escalated", "resends"}, rows)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) directiveResendCmd() *cobra.Command {
	var by string
	cmd := &cobra.Command{
		Use:   "resend ID",
		Short: "Send a directive again to the micro-grids that have not signed for it",
		Args:  exactArgs(1, "one directive id (e.g. D-0001)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			actor, err := a.actor(ctx, db, by)
			if err != nil {
				return err
			}
			n, err := db.ResendDirective(ctx, args[0], actor)
			if err != nil {
				return refused(err)
			}
			d, units, err := db.Directive(ctx, args[0])
			if err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintf(a.out, "%s: all %d micro-grids have signed; nothing to resend\n", d.ID, len(units))
				return nil
			}
			var silent []string
			for _, u := range units {
				if !u.Signed() {
					silent = append(silent, string(u.Unit))
				}
			}
			sort.Strings(silent)
			fmt.Fprintf(a.out, "%s resent to %d micro-grids that have not signed: %s\n", d.ID, n, listSome(silent, 10))
			return nil
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who resends (person id); default the operator")
	return cmd
}

// whileReleased lets go of the database while ask runs (a person may take
// minutes to answer, and the console or a server must be able to open the
// file meanwhile), then reaches it again. The action that follows re-checks
// the state under the rules, so nothing decided before the question is
// trusted after it. On an error *db is left nil.
func (a *app) whileReleased(ctx context.Context, db *backend, ask func() error) error {
	(*db).Close()
	*db = nil
	if err := ask(); err != nil {
		return err
	}
	again, err := a.open(ctx)
	if err != nil {
		return err
	}
	*db = again
	return nil
}
