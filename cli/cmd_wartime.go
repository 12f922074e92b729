package cli

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

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

// wtNames are what the wartime output names: nodes and the units' workers
// (and the phones of those read by phonesOf).
type wtNames struct {
	nodes   map[model.NodeCode]string
	workers map[model.NodeCode]model.UnitStatus
	phones  map[model.PersonID]string
}

// phonesOf reads the phones of the wartime workers of the slowest units
// and of those of units signed for on their behalf (代签), in one call.
func (n *wtNames) phonesOf(ctx context.Context, svc model.Service, slowest, units []model.DirectiveUnit) error {
	if n.phones == nil {
		n.phones = map[model.PersonID]string{}
	}
	var ids []model.PersonID
	want := func(u model.DirectiveUnit) {
		w := n.workers[u.Unit].Worker
		if _, known := n.phones[w]; !known && w != 0 {
			ids = append(ids, w)
		}
	}
	for _, u := range slowest {
		want(u)
	}
	for _, u := range units {
		if u.OnBehalf {
			want(u)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	people, err := svc.PeopleOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range people {
		n.phones[p.ID] = p.Phone
	}
	return nil
}

// worker is a unit's wartime worker as the console's directive pane shows
// it, with the phone the room calls (王丽 13800000000) when phonesOf read
// it; "(gap)" with nobody on duty, "-" for a unit not in the wartime.
func (n wtNames) worker(unit model.NodeCode) string {
	w, ok := n.workers[unit]
	switch {
	case !ok:
		return "-"
	case w.Worker == 0:
		return "(gap)"
	case n.phones[w.Worker] != "":
		return w.WorkerName + " " + n.phones[w.Worker]
	}
	return w.WorkerName
}

// done is a unit's progress as the console's directive pane shows it: done
// of what it reported, else of its households ("0/80"); "-" when neither
// is known.
func (n wtNames) done(u model.DirectiveUnit) string {
	if of := cmp.Or(u.Of, n.workers[u.Unit].Households); of > 0 {
		return fmt.Sprintf("%d/%d", u.Done, of)
	}
	return "-"
}

// wartimeNames reads the node names of a town ("" every town) and its
// current wartime units.
func wartimeNames(ctx context.Context, svc model.Service, town model.NodeCode) (wtNames, model.WartimeStatus, error) {
	nodes, err := nodeNames(ctx, svc, town)
	if err != nil {
		return wtNames{}, model.WartimeStatus{}, err
	}
	st, err := svc.WartimeStatus(ctx, town)
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
// the town of the person acting (a town's duty officer), else the
// database's one town (refused when it holds several: name them); codes may
// be given one by one, repeated, or comma-separated. villagesOnly keeps
// them to towns and villages, or the divisions above standing for their
// towns (model.ParseScope). A word that is neither is a name, which resolve
// turns into a code (model.NodeNames: 渎溪村) within the same person's town
// (a.nameResolver), a malformed code refused as --node refuses it
// (model.NodeNames.Resolve).
func (a *app) readTargets(ctx context.Context, svc model.Service, flag string, args []string, villagesOnly bool, actor model.PersonID) ([]model.NodeCode, error) {
	resolve := a.nameResolver(ctx, svc, actor)
	wantTown := false
	var fields []string
	for _, s := range args {
		for _, f := range model.SplitTargets(s) {
			if !model.WholeTown(f) {
				var levels []model.Level
				if villagesOnly { // and the divisions above, standing for their towns
					levels = []model.Level{model.LevelProvince, model.LevelCity, model.LevelCounty, model.LevelTown, model.LevelVillage}
				}
				c, err := resolve(f, levels...)
				if err != nil {
					return nil, flagError(flag, err)
				}
				f = string(c)
			}
			fields = append(fields, f)
			if model.WholeTown(f) {
				wantTown = true
			}
		}
	}
	if len(fields) == 0 {
		return nil, usageError{model.Errorf(model.EINVALID, "%s: missing; give town or village codes", flag).Zh("%s：缺少；请给出镇或村的代码", flag)}
	}
	var town model.NodeCode
	if wantTown {
		var err error
		if town, err = a.operatorTown(ctx, svc, flag, actor); err != nil {
			return nil, err
		}
	}
	if villagesOnly {
		scope, err := model.ParseScope(fields, town)
		if err != nil {
			return nil, usageError{model.Errorf(model.EINVALID, "--%s", model.ErrorMessage(err)).Zh("--%s", model.ErrorMessageZh(err))}
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

// nameResolver turns a name typed for a node into its code
// (model.NodeNames.Resolve).
type nameResolver func(s string, levels ...model.Level) (model.NodeCode, error)

// actorSeat is the seat of the person acting (model.SeatOf): the one rule
// of what "town" and a typed name mean on the command line, as the
// console's seat has it. ok is false when the person is not on the roster.
func actorSeat(ctx context.Context, svc model.Service, actor model.PersonID) (model.Seat, bool) {
	if actor == 0 {
		return model.Seat{}, false
	}
	p, err := svc.Person(ctx, actor)
	if err != nil {
		return model.Seat{}, false
	}
	return model.SeatOf(p), true
}

// nameResolver resolves names within the seat of the person acting: their
// town (model.Seat.Town), or the county, city or province of a room above
// the towns (the whole file for nobody), reading those nodes the first
// time a name needs them.
func (a *app) nameResolver(ctx context.Context, svc model.Service, actor model.PersonID) nameResolver {
	var names *model.NodeNames
	return func(s string, levels ...model.Level) (model.NodeCode, error) {
		if names == nil {
			var within model.NodeCode
			if seat, ok := actorSeat(ctx, svc, actor); ok {
				within = seat.Town
				if within == "" {
					within = seat.Node
				}
			}
			nodes, err := svc.Nodes(ctx, within)
			if err != nil {
				return "", err
			}
			nn := model.NewNodeNames(nodes, within)
			names = &nn
		}
		return names.Resolve(s, levels...)
	}
}

// operatorTown is what "town" means on the command line: the town of the
// person acting when they sit in one (model.Seat.Town), else the
// database's only town.
func (a *app) operatorTown(ctx context.Context, svc model.Service, flag string, actor model.PersonID) (model.NodeCode, error) {
	if seat, ok := actorSeat(ctx, svc, actor); ok && seat.Town != "" {
		return seat.Town, nil
	}
	towns, err := townsOf(ctx, svc, "")
	if err != nil {
		return "", err
	}
	switch len(towns) {
	case 0:
		return "", usageError{model.Errorf(model.EINVALID, "%s: town: the database holds no town", flag).Zh("%s：town：库中没有镇", flag)}
	case 1:
		return towns[0], nil
	}
	return "", usageError{model.Errorf(model.EINVALID, "%s: town: the database holds %d towns (%s); give their codes", flag, len(towns), listSome(model.Strings(towns), 20)).
		Zh("%s：town：库中有 %d 个镇（%s）；请给出镇的代码", flag, len(towns), listSome(model.Strings(towns), 20))}
}

// townsOf lists the towns at or under root ("" the whole file), opening
// only the divisions above them.
func townsOf(ctx context.Context, svc model.Service, root model.NodeCode) ([]model.NodeCode, error) {
	level, err := svc.Subtree(ctx, root, 0)
	if err != nil {
		return nil, err
	}
	var out []model.NodeCode
	for len(level) > 0 {
		var next []model.CountedNode
		for _, n := range level {
			switch {
			case n.Level == model.LevelTown:
				out = append(out, n.Code)
			case n.Level.AboveTown():
				kids, err := svc.Subtree(ctx, n.Code, 1)
				if err != nil {
					return nil, err
				}
				next = append(next, kids[1:]...)
			}
		}
		level = next
	}
	return out, nil
}

// scopeTowns expands a scope's county, city and province codes into their
// towns and splits it by town (model.ScopeTowns).
func scopeTowns(ctx context.Context, svc model.Service, scope []model.NodeCode) ([]model.NodeCode, map[model.NodeCode][]model.NodeCode, error) {
	var flat []model.NodeCode
	for _, c := range scope {
		if !c.Level().AboveTown() {
			flat = append(flat, c)
			continue
		}
		towns, err := townsOf(ctx, svc, c)
		if err != nil {
			return nil, nil, err
		}
		if len(towns) == 0 {
			return nil, nil, model.Errorf(model.ENOTFOUND, "scope: no town under %s", c).Zh("范围：%s 下没有镇", c)
		}
		flat = append(flat, towns...)
	}
	towns, parts := model.ScopeTowns(flat)
	return towns, parts, nil
}

// scopePreview says what activating over scope covers, from the stored
// figures of its nodes: "花街镇 330784114 would cover 27 villages, 232
// micro-grids (6 without a worker), 15018 households"; over several towns,
// one line per town (one activation each). zh says it in Chinese.
func scopePreview(ctx context.Context, svc model.Service, scope []model.NodeCode) (en, zh string, err error) {
	towns, parts, err := scopeTowns(ctx, svc, scope)
	if err != nil {
		return "", "", err
	}
	var lines, linesZh []string
	for _, town := range towns {
		c, err := coverOf(ctx, svc, parts[town])
		if err != nil {
			return "", "", err
		}
		lines, linesZh = append(lines, c.en()), append(linesZh, c.zh())
	}
	if len(lines) == 1 {
		return lines[0], linesZh[0], nil
	}
	return fmt.Sprintf("%d towns, one activation each:\n  %s", len(lines), strings.Join(lines, "\n  ")),
		fmt.Sprintf("%d 个镇，各启动一次：\n  %s", len(lines), strings.Join(linesZh, "\n  ")), nil
}

// cover is what activating over one town's part of a scope covers: its
// roots by name and code, and their stored figures.
type cover struct {
	names                                []string
	villages, micro, staffed, households int
}

func (c cover) en() string {
	return fmt.Sprintf("%s would cover %s, %s (%d without a worker), %s",
		strings.Join(c.names, ", "), model.Count(c.villages, "village"), model.Count(c.micro, "micro-grid"), c.micro-c.staffed, model.Count(c.households, "household"))
}

func (c cover) zh() string {
	return fmt.Sprintf("%s 将覆盖 %d 个村、%d 个微网格（%d 个没有网格员）、%d 户",
		strings.Join(c.names, "、"), c.villages, c.micro, c.micro-c.staffed, c.households)
}

// coverOf reads what activating over roots (one town's) covers.
func coverOf(ctx context.Context, svc model.Service, roots []model.NodeCode) (cover, error) {
	var c cover
	for _, root := range roots {
		n, err := svc.Subtree(ctx, root, 0)
		if err != nil {
			return c, err
		}
		k := n[0].Counts
		c.villages, c.micro, c.households = c.villages+k.Villages, c.micro+k.MicroGrids, c.households+k.Households
		c.names = append(c.names, fmt.Sprintf("%s %s", n[0].Name, root))
		workers, err := svc.People(ctx, model.PeopleFilter{Node: root, Role: model.RoleMicroGridWorker})
		if err != nil {
			return c, err
		}
		placed := map[model.NodeCode]bool{}
		for _, w := range workers {
			if w.Node.Level() == model.LevelMicroGrid && !placed[w.Node] {
				placed[w.Node] = true
				c.staffed++
			}
		}
	}
	return c, nil
}

// kindOf is what an activation is: its reason, "(drill)" after a drill's.
func kindOf(act model.Activation) string {
	if act.Drill {
		return string(act.Reason) + " (drill)"
	}
	return string(act.Reason)
}

func (a *app) wartimeCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "wartime",
		Short: "Switch to wartime (战时) and back; its status and after-action report",
	}, a.wartimeOnCmd(), a.wartimeWidenCmd(), a.wartimeOffCmd(), a.wartimeStatusCmd(), a.wartimeReportCmd())
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
		Use:   "on --reason flood|typhoon|epidemic|fire|other --scope town|CODE... [--drill] [--note X] [--yes]",
		Short: "Activate wartime over a town or villages (or several towns, one activation each): micro-grid workers go on duty with wartime roles",
		Long: `Activate wartime over the town or some villages. Wartime is per town: a scope
over several towns (their codes, their villages, or a county's, city's or
province's code for every town beneath it) makes one activation per town, all
at once, and is refused whole if any of them is in wartime already. "town" is
the operator's town. Every micro-grid in scope
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
	f.StringSliceVar(&fl.scope, "scope", nil, "town, or town, village or county codes (required; repeat, separate with commas, or list after the flag)")
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
		return "", "", usageError{model.Errorf(model.EINVALID, "wartime on: missing --reason (flood, typhoon, epidemic, fire or other)").
			Zh("wartime on：缺少 --reason（flood 防汛、typhoon 防台、epidemic 疫情、fire 火灾或 other 其他）")}
	}
	r, err := model.ParseReason(fl.reason)
	if err != nil {
		return "", "", usageError{err}
	}
	if len(args) > 0 && len(fl.scope) == 0 {
		return "", "", usageError{model.Errorf(model.EINVALID, "wartime on: missing --scope; give town or village codes (got %s without --scope)", strings.Join(args, " ")).
			Zh("wartime on：缺少 --scope；请给出镇或村的代码（给了 %s，却没有 --scope）", strings.Join(args, " "))}
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
			if by, err = a.actor(ctx, db, ""); err != nil {
				return err
			}
			if scope, err = a.readTargets(ctx, db, "--scope", append(fl.scope, args...), true, by); err != nil {
				return err
			}
			return mayActivate(ctx, db, scope, r, fl.drill, note, by) // already active, before anything is asked
		},
		what: func(ctx context.Context, db backend) (prompt, error) {
			what, whatZh, err := scopePreview(ctx, db, scope)
			if err != nil {
				return prompt{}, err
			}
			kind, kindZh := string(r), r.Zh()+"战时"
			if fl.drill {
				kind, kindZh = kind+" drill", kindZh+"演练"
			}
			return prompt{what: kind + " wartime over " + what, question: "Activate wartime?",
				whatZh: "启动" + kindZh + "：" + whatZh, questionZh: "确认启动战时？"}, nil
		},
		act: func(ctx context.Context, db backend) error {
			acts, err := db.ActivateTowns(ctx, r, scope, fl.drill, note, by) // refused if someone activated meanwhile
			if err != nil {
				return a.queuedCut(ctx, db, err, scope)
			}
			return a.printActivations(ctx, db, acts, fl.asJSON)
		},
	})
}

// mayActivate applies the activation rule to each town of the scope
// without storing anything, so a refusal comes before the question; with
// several towns it says which one refused.
func mayActivate(ctx context.Context, db backend, scope []model.NodeCode, r model.Reason, drill bool, note string, by model.PersonID) error {
	towns, parts, err := scopeTowns(ctx, db, scope)
	if err != nil {
		return err
	}
	for _, town := range towns {
		st, err := db.WartimeStatus(ctx, town)
		if err != nil {
			return err
		}
		if _, _, err = model.Activate(st.Active, 0, r, parts[town], drill, note, by, db.Now(), nil); err != nil {
			// Refused: again with the places' names (a wartime running
			// over part of the town names it, and what widening it would
			// take in).
			if names, e := nodeNames(ctx, db, town); e == nil {
				_, _, err = model.Activate(st.Active, 0, r, parts[town], drill, note, by, db.Now(), func(c model.NodeCode) string { return names[c] })
			}
			if len(towns) > 1 { // say which
				if n, e := db.Node(ctx, town); e == nil {
					return model.Errorf(model.ErrorCode(err), "%s: %s", n.Name, model.ErrorMessage(err)).
						Zh("%s：%s", n.Name, model.ErrorMessageZh(err))
				}
			}
			return err
		}
	}
	return nil
}

// printActivations says what wartime on activated: one activation's JSON,
// a list of them for several towns, or a line each.
func (a *app) printActivations(ctx context.Context, db backend, acts []model.Activation, asJSON bool) error {
	if asJSON && len(acts) == 1 {
		return writeJSON(a.out, a.activationJSON(acts[0]))
	}
	if asJSON {
		return writeJSON(a.out, jsonList(acts, a.activationJSON))
	}
	for _, act := range acts {
		st, err := db.WartimeStatus(ctx, act.Scope[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(a.out, "%s wartime %s active since %s: %s, %s (%d staffed, %s), %s\n",
			act.ID, kindOf(act), a.minute(act.Since), model.Count(act.Villages, "village"), model.Count(act.MicroGrids, "micro-grid"),
			st.Staffed, model.Count(st.Gaps, "gap"), model.Count(act.Households, "household"))
	}
	return nil
}

func (a *app) wartimeOffCmd() *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "off [ID] [--yes]",
		Short: "End wartime: release drafted reserves, restore duty, write the after-action summary",
		Long: `End wartime: the activation named (W-0001), or the one active. With several
towns in wartime, name the one to end (wartime status lists them).`,
		Args: maxArgs(1, "one wartime id (e.g. W-0001)", "一个战时编号（如 W-0001）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			return a.wartimeOff(cmd, id, yes, asJSON)
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the after-action summary as JSON")
	return cmd
}

func (a *app) wartimeOff(cmd *cobra.Command, id string, yes, asJSON bool) error {
	var by model.PersonID
	var st model.WartimeStatus
	return a.ask(cmd, yes, asking{
		check: func(ctx context.Context, db backend) error {
			var err error
			if by, err = a.actor(ctx, db, ""); err != nil {
				return err
			}
			if st, err = db.WartimeStatus(ctx, ""); err != nil {
				return err
			}
			if id != "" {
				x, err := db.AfterAction(ctx, id)
				if err != nil {
					return refused(err)
				}
				if st, err = db.WartimeStatus(ctx, x.Activation.Scope[0]); err != nil {
					return err
				}
				if st.Active.ID != x.Activation.ID {
					st.Active = x.Activation
				}
			} else if len(st.Towns) > 1 {
				ids := make([]string, len(st.Towns))
				for i, t := range st.Towns {
					ids[i] = t.ID
				}
				return usageError{model.Errorf(model.EINVALID, "wartime off: %d towns are in wartime (%s); name the one to end", len(ids), strings.Join(ids, ", ")).
					Zh("wartime off：%d 个镇处于战时（%s）；请指明要结束哪一个", len(ids), strings.Join(ids, "、"))}
			}
			_, _, err = st.Active.End(by, db.Now())
			return err // nothing is active, before anything is asked
		},
		what: func(context.Context, backend) (prompt, error) {
			act := st.Active
			scope := strings.Join(model.Strings(act.Scope), ",")
			return prompt{
				what: fmt.Sprintf("would end %s (%s, scope %s, since %s, %d drafted reserves)", act.ID, act.Reason,
					scope, a.minute(act.Since), len(st.Drafts)),
				question: "End wartime?",
				whatZh: fmt.Sprintf("将结束战时 %s（%s，范围 %s，自 %s 起，已征调储备力量 %d 人）", act.ID, act.Reason.Zh(),
					scope, a.minute(act.Since), len(st.Drafts)),
				questionZh: "确认结束战时？",
			}, nil
		},
		act: func(ctx context.Context, db backend) error {
			x, err := db.Deactivate(ctx, st.Active.ID, by) // refused if another activation is active by now
			if err != nil {
				return a.queuedCut(ctx, db, err, st.Active.Scope)
			}
			return a.printAfterAction(ctx, db, x, asJSON)
		},
	})
}

func (a *app) wartimeStatusCmd() *cobra.Command {
	var asJSON bool
	var town string
	cmd := &cobra.Command{
		Use:   "status [--town CODE|NAME] [--json]",
		Short: "Whether wartime is active: reason, scope, since, micro-grids staffed, gaps, drafted reserves",
		Long: `Whether wartime is active, and where. Wartime is per town: with one
activation in the file (or in --town's, or a county's code) it shows it in
full; with several, one line each (--json: "towns").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withFound(a, cmd.Context(), looking, func(ctx context.Context, db backend) (model.NodeCode, error) {
				if blank(town) {
					return "", nil
				}
				return townArg(ctx, db, town)
			}, func(ctx context.Context, db backend, scope model.NodeCode) error {
				return a.wartimeStatus(ctx, db, scope, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&town, "town", "", "only this town's wartime (or a county's towns): a code or a name (花街镇)")
	return cmd
}

func (a *app) wartimeStatus(ctx context.Context, db backend, scope model.NodeCode, asJSON bool) error {
	st, err := db.WartimeStatus(ctx, scope)
	if err != nil {
		return err
	}
	names, err := nodeNames(ctx, db, statusTowns(st, scope)...)
	if err != nil {
		return err
	}
	j := a.wartimeStatusJSON(st, draftedNames(ctx, db, st))
	if asJSON {
		return writeJSON(a.out, j)
	}
	switch {
	case !j.Active:
		fmt.Fprintln(a.out, "peacetime: no wartime is active")
	case len(st.Towns) > 1:
		a.printWartimeTowns(st.Towns, names)
	default:
		a.printWartime(db.Now(), st.Active, j, names)
	}
	return nil
}

// statusTowns are the towns of the activations (the scope's when none),
// whose units the status names.
func statusTowns(st model.WartimeStatus, scope model.NodeCode) []model.NodeCode {
	var towns []model.NodeCode
	for _, act := range st.Towns {
		for _, c := range act.Scope {
			towns = append(towns, c.Town())
		}
	}
	if len(towns) == 0 {
		towns = []model.NodeCode{scope}
	}
	return towns
}

// draftedNames are the names of the reserves drafted in the activation.
func draftedNames(ctx context.Context, db backend, st model.WartimeStatus) map[model.PersonID]string {
	if !st.Active.Active() {
		return nil
	}
	return holderNames(ctx, db, st.Drafts, func(d model.Draft) model.PersonID { return d.Person })
}

// printWartimeTowns is one line per town in wartime.
func (a *app) printWartimeTowns(towns []model.Activation, names map[model.NodeCode]string) {
	tableOf(a.out, []string{"wartime", "kind", "since", "scope", "micro-grids"}, towns, func(act model.Activation) []string {
		var scope []string
		for _, c := range act.Scope {
			scope = append(scope, string(c)+" "+names[c])
		}
		return []string{act.ID, kindOf(act), a.minute(act.Since), strings.Join(scope, ", "),
			fmt.Sprint(act.MicroGrids)}
	})
}

// printWartime is the one activation in full: since when, the scope, the
// micro-grids staffed, the roles, each gap and each drafted reserve.
func (a *app) printWartime(now time.Time, act model.Activation, j wartimeStatusJSON, names map[model.NodeCode]string) {
	var where []string
	for _, c := range act.Scope {
		where = append(where, string(c)+" "+names[c])
	}
	roles := make([]string, 0, len(model.WartimeRoles))
	for _, r := range model.WartimeRoles {
		if n := j.Roles[string(r)]; n > 0 {
			roles = append(roles, fmt.Sprintf("%s %d", r, n))
		}
	}
	rows := [][]string{
		{"wartime", act.ID + "  " + kindOf(act)},
		{"since", a.minute(act.Since) + "  (" + model.FormatWait(now.Sub(act.Since)) + ")"},
		{"scope", strings.Join(where, ", ")},
		{"micro-grids", fmt.Sprintf("%d in scope, %d staffed, %d gaps", j.MicroGrids, j.Staffed, j.Gaps)},
		{"roles", strings.Join(roles, ", ")},
	}
	for _, line := range a.widenedLines(act, names) {
		rows = append(rows, []string{"widened", strings.TrimPrefix(line, "widened ")})
	}
	for _, g := range j.GapUnits {
		rows = append(rows, []string{"gap", g + "  " + names[model.NodeCode(g)]})
	}
	for _, d := range j.Drafted {
		rows = append(rows, []string{"drafted", fmt.Sprintf("%s %s → %s", d.Person, d.Name, d.MicroGrid)})
	}
	table(a.out, []string{"field", "value"}, rows)
}

func (a *app) wartimeReportCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report [ID] [--json]",
		Short: "The after-action summary of a wartime (default the latest; a running one as of now)",
		Args:  maxArgs(1, "one wartime id (e.g. W-0001)", "一个战时编号（如 W-0001）"),
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
	var town model.NodeCode
	if len(x.Activation.Scope) == 1 {
		town = x.Activation.Scope[0].Town()
	}
	names, _, err := wartimeNames(ctx, svc, town)
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
	end := model.StillActive
	if !act.Active() {
		end = a.minute(act.Ended)
	}
	fmt.Fprintf(a.out, "%s %s, scope %s: %s → %s (%s)\n", act.ID, kindOf(act), strings.Join(model.Strings(act.Scope), ","),
		a.minute(act.Since), end, model.FormatWait(x.Duration))
	fmt.Fprintf(a.out, "%s, %s, %s\n", model.Count(act.Villages, "village"), model.Count(act.MicroGrids, "micro-grid"), model.Count(act.Households, "household"))
	for _, line := range a.widenedLines(act, names.nodes) {
		fmt.Fprintln(a.out, line)
	}
	fmt.Fprintf(a.out, "incidents opened %d, resolved %d; person-times %d; reserves drafted %d\n",
		x.IncidentsOpened, x.IncidentsResolved, x.PersonTimes, x.ReservesDrafted)
	if len(x.Directives) == 0 {
		fmt.Fprintln(a.out, "no directives")
		return nil
	}
	fmt.Fprintln(a.out)
	tableOf(a.out, []string{"directive", "signed", "done", "sign p50", "sign max", "escalated", "text"}, x.Directives, func(s model.DirectiveSummary) []string {
		median, worst := signTimes(s)
		return []string{s.ID, fmt.Sprintf("%d/%d", s.Signed, s.Units), fmt.Sprintf("%d/%d", s.Done, s.Units),
			median, worst, itoa(s.Escalated), s.Text}
	})
	return nil
}

// widenedLines says each widening of act: when, by whom, the scope before
// and after it, and what it took in.
func (a *app) widenedLines(act model.Activation, names map[model.NodeCode]string) []string {
	name := func(c model.NodeCode) string { return names[c] }
	var out []string
	for i, w := range act.Widened {
		to := act.Scope
		if i+1 < len(act.Widened) {
			to = act.Widened[i+1].From
		}
		out = append(out, fmt.Sprintf("widened %s by %s: %s → %s (took in %s, %s, %s)", a.minute(w.At), w.By,
			model.NameNodes(w.From, name, ", "), model.NameNodes(to, name, ", "),
			model.Count(w.Villages, "village"), model.Count(w.MicroGrids, "micro-grid"), model.Count(w.Households, "household")))
	}
	return out
}
