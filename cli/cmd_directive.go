package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// slowestShown is how many of the slowest units directive show lists.
const slowestShown = 10

// directiveArg is what the directive commands take as their argument,
// and directiveArgZh says it in Chinese.
const (
	directiveArg   = "one directive id (e.g. D-0001)"
	directiveArgZh = "一个指令编号（如 D-0001）"
)

func (a *app) directiveCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "directive",
		Short: "Wartime directives (指令): issue, sign for, report progress, show, resend",
	}, a.directiveIssueCmd(), a.directiveAckCmd(), a.directiveProgressCmd(),
		a.directiveShowCmd(), a.directiveListCmd(), a.directiveResendCmd())
}

// refused keeps a malformed directive id a usage error and the rest as the
// store said.
func refused(err error) error {
	if model.ErrorCode(err) == model.EINVALID {
		return usageError{err}
	}
	return err
}

// signTimes are the sign-for median and worst of a directive (of the
// units' own signatures), "-" while no unit has signed itself.
func signTimes(s model.DirectiveSummary) (median, worst string) {
	if s.Signed-s.OnBehalf == 0 {
		return "-", "-"
	}
	return model.FormatWait(s.SignMedian), model.FormatWait(s.SignWorst)
}

// issueFlags are the flags of directive issue.
type issueFlags struct {
	to                 []string
	text, by, deadline string
	dryRun, asJSON     bool
}

func (a *app) directiveIssueCmd() *cobra.Command {
	var fl issueFlags
	cmd := &cobra.Command{
		Use:   "issue --to town|CODE|NAME... --text X --deadline 2h|04:40 [--dry-run] [--json]",
		Short: "Issue a directive to every micro-grid under the targets; each unit signs for it",
		Long: `Issue a directive to every micro-grid under the targets (the town, villages,
grids or micro-grids inside the wartime scope, by code or by name as the
console shows it: 渎溪村, 渎溪村 02). Each unit has wartime.sign_for
to sign for it; a unit still silent then climbs to its village wartime room,
and as long again later to the town room.

--dry-run lists the units that would receive it and those with nobody on duty,
and stores nothing.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return a.directiveIssue(cmd, args, fl) },
	}
	f := cmd.Flags()
	f.StringSliceVar(&fl.to, "to", nil, "town, or codes inside the wartime scope (required; repeat, separate with commas, or list after the flag)")
	f.StringVar(&fl.text, "text", "", "what to do (required), e.g. 逐户核查人员去向")
	f.StringVar(&fl.deadline, "deadline", "", "to be done within a duration (2h, 90m) or by a clock time (04:40: today, or tomorrow if past) (required)")
	f.StringVar(&fl.by, "by", "", "who issues it (person id); default the operator")
	f.BoolVar(&fl.dryRun, "dry-run", false, "show who would receive it and store nothing")
	f.BoolVar(&fl.asJSON, "json", false, "print JSON")
	return cmd
}

// checkedText checks the flags of directive issue and returns the directive's
// text, cleaned.
func (fl issueFlags) checkedText() (string, error) {
	if err := missing("directive issue", required{"--to", len(fl.to) == 0},
		required{"--text", blank(fl.text)}, required{"--deadline", blank(fl.deadline)}); err != nil {
		return "", usageError{err}
	}
	if _, err := model.ParseDeadline(fl.deadline, time.Now(), time.UTC); err != nil { // its form; the time is read from the database's clock
		return "", usageError{flagError("--deadline", err)}
	}
	t, err := cleanFlag("--text", fl.text, false)
	if err != nil {
		return "", usageError{err}
	}
	return t, nil
}

func (a *app) directiveIssue(cmd *cobra.Command, args []string, fl issueFlags) error {
	text, err := fl.checkedText()
	if err != nil {
		return err
	}
	how := acting
	if fl.dryRun {
		how = looking
	}
	return a.withDB(cmd.Context(), how, func(ctx context.Context, db backend) error {
		actor, err := a.actor(ctx, db, fl.by)
		if err != nil {
			return err
		}
		targets, err := a.readTargets(ctx, db, "--to", append(fl.to, args...), false, actor)
		if err != nil {
			return err
		}
		// A clock time is kept to the minute (04:40:00), as the console's.
		due, err := model.ParseDue(fl.deadline, db.Now(), a.cfg.Location)
		if err != nil {
			return usageError{flagError("--deadline", err)}
		}
		d, units, err := db.IssueDirectiveAt(ctx, text, targets, due, actor, fl.dryRun)
		if err != nil {
			return a.queuedCut(ctx, db, err, targets)
		}
		names, _, err := wartimeNames(ctx, db, directiveTown(d))
		if err != nil {
			return err
		}
		j := a.directiveJSON(d, model.Summarize(d, units, 0), names)
		j.DryRun = fl.dryRun
		j.UnitList = a.unitList(units, names)
		for _, u := range j.UnitList {
			if u.Worker == "" {
				j.NobodyOnDuty = append(j.NobodyOnDuty, u.Unit)
			}
		}
		if fl.asJSON {
			if j.NobodyOnDuty == nil {
				j.NobodyOnDuty = []string{}
			}
			return writeJSON(a.out, j)
		}
		a.printIssued(d, j, names)
		return nil
	})
}

// printIssued says where a directive went (or, for a dry run, would go)
// and which units have nobody on duty.
func (a *app) printIssued(d model.Directive, j directiveJSON, names wtNames) {
	reach := fmt.Sprintf("%d micro-grids under %s; sign for by %s, done by %s",
		d.Units, strings.Join(j.Targets, ","), a.due(d.SignBy, d.IssuedAt), a.due(d.Deadline, d.IssuedAt))
	if j.DryRun {
		fmt.Fprintf(a.out, "dry run, nothing stored: %s would reach %s\n", d.ID, reach)
		tableOf(a.out, []string{"unit", "name", "on duty", "role"}, j.UnitList, func(u unitJSON) []string {
			worker := "nobody on duty"
			if u.Worker != "" {
				worker = u.WorkerName + " (" + u.Worker + ")"
			}
			return []string{u.Unit, u.Name, worker, string(names.workers[model.NodeCode(u.Unit)].Role)}
		})
	} else {
		fmt.Fprintf(a.out, "%s issued to %s\n", d.ID, reach)
	}
	if len(j.NobodyOnDuty) > 0 {
		fmt.Fprintf(a.out, "%d with nobody on duty: %s\n", len(j.NobodyOnDuty), listSome(j.NobodyOnDuty, 20))
	}
}

// directiveTown is the town a directive went to ("" for none).
func directiveTown(d model.Directive) model.NodeCode {
	if len(d.Targets) == 0 {
		return ""
	}
	return d.Targets[0].Town()
}

// unitActor is who acts for a unit: --by, else --as, else the unit's
// wartime worker (WartimeUnit: the unit's record, not the town's every
// unit), else the operator.
func (a *app) unitActor(ctx context.Context, svc model.Service, by string, unit model.NodeCode) (model.PersonID, error) {
	if by == "" && a.asFlag == "" {
		u, _, err := svc.WartimeUnit(ctx, unit)
		if err != nil {
			return 0, err
		}
		if u.Worker != 0 {
			return u.Worker, nil
		}
	}
	return a.actor(ctx, svc, by)
}

// unitFlags are the flags of a command with which a micro-grid acts on a
// directive (ack, progress).
type unitFlags struct {
	actFlags
	unit string
}

// flags adds --unit, --by and --json to cmd; doing is what the unit does
// ("signing", "reporting").
func (fl *unitFlags) flags(cmd *cobra.Command, doing, who string) {
	f := cmd.Flags()
	f.StringVar(&fl.unit, "unit", "", "the micro-grid "+doing+" (required): a code or its name as the console shows it (渎溪村 02-01)")
	fl.actFlags.add(f, "who "+who+" (person id); default the micro-grid's wartime worker", "print the unit's copy as JSON")
}

// missingUnit refuses a command without --unit.
func (fl unitFlags) missingUnit(cmd *cobra.Command) error {
	if blank(fl.unit) {
		return usageError{model.Errorf(model.EINVALID, "%smissing --unit (the micro-grid's code or name)", where(cmd)).
			Zh("%s缺少 --unit（微网格的代码或名称）", where(cmd))}
	}
	return nil
}

// unitOf reads --unit: a micro-grid's code, or its name as the console
// shows it (渎溪村 02-01) within the seat of --by, else of the operator.
func (a *app) unitOf(ctx context.Context, svc model.Service, fl unitFlags) (model.NodeCode, error) {
	var seat model.PersonID
	if !blank(fl.by) {
		id, err := a.actor(ctx, svc, fl.by)
		if err != nil {
			return "", err
		}
		seat = id
	}
	return a.nodeArg(ctx, svc, "--unit", fl.unit, seat, model.LevelMicroGrid)
}

// forUnit runs what the unit of --unit does on a directive: act, as the
// unit's actor (unitActor), returns the unit's copy, which is then printed
// as JSON or by say.
func (a *app) forUnit(ctx context.Context, fl unitFlags,
	act func(ctx context.Context, db backend, unit model.NodeCode, by model.PersonID) (model.DirectiveUnit, error),
	say func(ctx context.Context, db backend, u model.DirectiveUnit) error) error {
	return a.withDB(ctx, acting, func(ctx context.Context, db backend) error {
		unit, err := a.unitOf(ctx, db, fl)
		if err != nil {
			return err
		}
		by, err := a.unitActor(ctx, db, fl.by, unit)
		if err != nil {
			return err
		}
		u, err := act(ctx, db, unit, by)
		if err != nil {
			return err
		}
		if fl.asJSON {
			names, _, err := wartimeNames(ctx, db, unit.Town())
			if err != nil {
				return err
			}
			return writeJSON(a.out, a.unitJSON(u, names))
		}
		return say(ctx, db, u)
	})
}

func (a *app) directiveAckCmd() *cobra.Command {
	var fl unitFlags
	cmd := &cobra.Command{
		Use:   "ack ID --unit CODE|NAME [--by PERSON]",
		Short: "Sign for a directive on behalf of a micro-grid (signing twice is harmless)",
		Long: `Sign for a directive on behalf of a micro-grid. The signer is --by, else
--as, else the micro-grid's wartime worker, else the operator. A signer who is
not one of the micro-grid's own (its wartime worker, or someone on its roster)
signs on its behalf (代签): recorded so, shown apart by directive show, and not
counted in the sign-for times. Signing twice changes nothing.`,
		Args: exactArgs(1, directiveArg, directiveArgZh),
		RunE: func(cmd *cobra.Command, args []string) error { return a.directiveAck(cmd, args[0], fl) },
	}
	fl.flags(cmd, "signing", "signs")
	return cmd
}

func (a *app) directiveAck(cmd *cobra.Command, id string, fl unitFlags) error {
	if err := fl.missingUnit(cmd); err != nil {
		return err
	}
	was := false // signed for before
	return a.forUnit(cmd.Context(), fl, func(ctx context.Context, db backend, code model.NodeCode, by model.PersonID) (model.DirectiveUnit, error) {
		_, before, err := db.Directive(ctx, id)
		if err != nil {
			return model.DirectiveUnit{}, refused(err)
		}
		for _, u := range before {
			if u.Unit == code && u.Signed() {
				was = true
			}
		}
		u, err := db.SignDirective(ctx, id, code, by)
		return u, refused(err)
	}, func(ctx context.Context, db backend, u model.DirectiveUnit) error {
		signer := personLabel(ctx, db, u.SignedBy)
		d, _, _ := db.Directive(ctx, id)
		state := "signed for"
		if was {
			state = "already signed for"
		}
		if u.OnBehalf {
			signer += " on the unit's behalf (代签)"
		}
		fmt.Fprintf(a.out, "%s %s: %s at %s by %s (%s after issue)\n", d.ID, u.Unit, state,
			a.local(u.SignedAt, "15:04:05"), signer, model.FormatWait(u.SignedAt.Sub(d.IssuedAt)))
		return nil
	})
}

func (a *app) directiveProgressCmd() *cobra.Command {
	var fl unitFlags
	var done, of int
	var note string
	cmd := &cobra.Command{
		Use:   "progress ID --unit CODE|NAME --done N --of M [--note WHY] [--by PERSON]",
		Short: "Report a micro-grid's progress on a directive (e.g. households checked); done = of completes it",
		Long: `Report a micro-grid's progress on a directive (e.g. households checked);
done = of completes it, and signs for it if it has not signed. --of is at most
the micro-grid's households (10000 where they are not known). --done never goes
down without --note saying why (a recount, a household counted twice). A
reporter who is not one of the micro-grid's own signs on its behalf (代签).`,
		Args: exactArgs(1, directiveArg, directiveArgZh),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.directiveProgress(cmd, args[0], fl, done, of, note)
		},
	}
	fl.flags(cmd, "reporting", "reports")
	f := cmd.Flags()
	f.IntVar(&done, "done", 0, "how much is done (required), e.g. households checked")
	f.IntVar(&of, "of", 0, "of how much (required; at most the micro-grid's households)")
	f.StringVar(&note, "note", "", "why --done is lower than reported before (needed then)")
	return cmd
}

func (a *app) directiveProgress(cmd *cobra.Command, id string, fl unitFlags, done, of int, note string) error {
	if err := fl.missingUnit(cmd); err != nil {
		return err
	}
	if !cmd.Flags().Changed("done") || !cmd.Flags().Changed("of") {
		return usageError{model.Errorf(model.EINVALID, "directive progress: want --done N --of M, e.g. --done 63 --of 70").
			Zh("directive progress：应为 --done N --of M，如 --done 63 --of 70")}
	}
	return a.forUnit(cmd.Context(), fl, func(ctx context.Context, db backend, code model.NodeCode, by model.PersonID) (model.DirectiveUnit, error) {
		u, err := db.DirectiveProgressNote(ctx, id, code, done, of, by, note)
		return u, refused(err)
	}, func(ctx context.Context, db backend, u model.DirectiveUnit) error {
		d, _, _ := db.Directive(ctx, id)
		state := ""
		if u.Complete() {
			state = ", complete"
		}
		fmt.Fprintf(a.out, "%s %s: %d/%d%s\n", d.ID, u.Unit, u.Done, u.Of, state)
		return nil
	})
}

func (a *app) directiveShowCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "A directive's units: signed, done, per-village roll-up, the slowest, sign-for median and worst",
		Args:  exactArgs(1, directiveArg, directiveArgZh),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				d, units, err := db.Directive(ctx, args[0])
				if err != nil {
					return refused(err)
				}
				names, _, err := wartimeNames(ctx, db, directiveTown(d))
				if err != nil {
					return err
				}
				s := model.Summarize(d, units, slowestShown)
				j := a.directiveJSON(d, s, names)
				j.UnitList = a.unitList(units, names)
				if asJSON {
					return writeJSON(a.out, j)
				}
				if err := names.phonesOf(ctx, db, s.Slowest, units); err != nil {
					return err
				}
				a.printDirective(d, s, names)
				return a.printOnBehalf(ctx, db, d, units, names)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// printDirective prints a directive's summary: the totals, the villages
// and the slowest units.
func (a *app) printDirective(d model.Directive, s model.DirectiveSummary, names wtNames) {
	fmt.Fprintf(a.out, "%s %s\n", d.ID, d.Text)
	if d.Fed != "" {
		fmt.Fprintln(a.out, copyLine(d, names))
	}
	fmt.Fprintf(a.out, "to %s (%d micro-grids); issued %s, sign for by %s, done by %s\n", strings.Join(model.Strings(d.Targets), ","),
		d.Units, a.local(d.IssuedAt, "01-02 15:04"), a.due(d.SignBy, d.IssuedAt), a.due(d.Deadline, d.IssuedAt))
	median, worst := signTimes(s)
	behalf := ""
	if s.OnBehalf > 0 {
		behalf = fmt.Sprintf(" (%d on the unit's behalf, 代签, not in the sign-for times)", s.OnBehalf)
	}
	fmt.Fprintf(a.out, "signed %d/%d%s, done %d/%d, escalated %d; sign-for median %s, worst %s\n\n",
		s.Signed, s.Units, behalf, s.Done, s.Units, s.Escalated, median, worst)
	tableOf(a.out, []string{"village", "name", "signed", "done", "escalated"}, s.Villages, func(v model.VillageProgress) []string {
		return []string{string(v.Village), names.nodes[v.Village], fmt.Sprintf("%d/%d", v.Signed, v.Units),
			fmt.Sprintf("%d/%d", v.Done, v.Units), string(v.Escalated)}
	})
	fmt.Fprintln(a.out)
	fmt.Fprintln(a.out, "slowest")
	tableOf(a.out, []string{"unit", "name", "worker", "signed after", "done", "escalated", "resends"}, s.Slowest, func(u model.DirectiveUnit) []string {
		after := "silent"
		if u.Signed() {
			after = model.FormatWait(u.SignedAt.Sub(d.IssuedAt))
		}
		if u.OnBehalf {
			after += " 代签"
		}
		return []string{string(u.Unit), names.nodes[u.Unit], names.worker(u.Unit), after, names.done(u),
			string(u.Escalated), itoa(u.Resends)}
	})
}

// printOnBehalf lists, apart, the units signed for on their behalf (代签):
// the unit's worker, who signed for it and when. Nothing when there are
// none.
func (a *app) printOnBehalf(ctx context.Context, svc model.Service, d model.Directive, units []model.DirectiveUnit, names wtNames) error {
	var rows [][]string
	signers := map[model.PersonID]string{}
	for _, u := range units {
		if !u.OnBehalf {
			continue
		}
		name, ok := signers[u.SignedBy]
		if !ok {
			name = u.SignedBy.String()
			if u.SignedBy != model.System {
				p, err := svc.Person(ctx, u.SignedBy)
				if err != nil {
					return err
				}
				name = p.Name + " (" + name + ")"
			}
			signers[u.SignedBy] = name
		}
		rows = append(rows, []string{string(u.Unit), names.nodes[u.Unit], names.worker(u.Unit), name,
			model.FormatWait(u.SignedAt.Sub(d.IssuedAt)), names.done(u)})
	}
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintf(a.out, "\nsigned on the unit's behalf (代签): %d\n", len(rows))
	table(a.out, []string{"unit", "name", "worker", "signed by", "signed after", "done"}, rows)
	return nil
}

func (a *app) directiveResendCmd() *cobra.Command {
	var by, within string
	cmd := &cobra.Command{
		Use:   "resend ID [--within NODE]",
		Short: "Send a directive again to the micro-grids that have not signed for it",
		Long: `Send a directive again to the micro-grids that have not signed for it: those
under --within (a village or grid, by code or name), by default the room of
the one who resends when it lies below the town (a village cadre's village: a
village room resends to its own), else all of them (the town's room).`,
		Args: exactArgs(1, directiveArg, directiveArgZh),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				node, err := a.resendWithin(ctx, db, within, actor)
				if err != nil {
					return err
				}
				return a.directiveResend(ctx, db, args[0], node, actor)
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who resends (person id); default the operator")
	cmd.Flags().StringVar(&within, "within", "", "only the silent micro-grids under this node (code or name); default the room of --by when below the town, else all")
	return cmd
}

// resendWithin is the node a resend goes within: --within as typed, else
// the actor's room when it lies below the town (model.SeatOf: a village
// cadre's village, a grid worker's grid), else "" (every silent unit).
func (a *app) resendWithin(ctx context.Context, db backend, within string, actor model.PersonID) (model.NodeCode, error) {
	if !blank(within) {
		return a.nodeArg(ctx, db, "--within", within, actor)
	}
	p, err := db.Person(ctx, actor)
	if err != nil {
		return "", err
	}
	if seat := model.SeatOf(p); seat.Level() > model.LevelTown {
		return seat.Node, nil
	}
	return "", nil
}

func (a *app) directiveResend(ctx context.Context, db backend, id string, within model.NodeCode, actor model.PersonID) error {
	n, err := db.ResendDirective(ctx, id, within, actor)
	if model.IsFedQueued(err) { // a hub: the county's directive, resent by its town
		d, _, derr := db.Directive(ctx, id)
		if derr != nil {
			return err
		}
		return a.queuedCut(ctx, db, err, d.Targets)
	}
	if err != nil {
		return refused(err)
	}
	d, units, err := db.Directive(ctx, id)
	if err != nil {
		return err
	}
	of := ""
	if within != "" {
		names, err := nodeNames(ctx, db, within.Town())
		if err != nil {
			return err
		}
		of = " of " + model.NameNodes([]model.NodeCode{within}, func(c model.NodeCode) string { return names[c] }, "")
	}
	var silent []string
	all := 0
	for _, u := range units {
		if within != "" && !within.Contains(u.Unit) {
			continue
		}
		all++
		if !u.Signed() {
			silent = append(silent, string(u.Unit))
		}
	}
	switch {
	case n == 0 && all == 0:
		fmt.Fprintf(a.out, "%s did not go to any micro-grid%s; nothing to resend\n", d.ID, of)
		return nil
	case n == 0:
		fmt.Fprintf(a.out, "%s: all %d micro-grids%s have signed; nothing to resend\n", d.ID, all, of)
		return nil
	}
	sort.Strings(silent)
	fmt.Fprintf(a.out, "%s resent to %d micro-grids%s that have not signed: %s\n", d.ID, n, of, listSome(silent, 10))
	return nil
}
