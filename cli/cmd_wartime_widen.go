package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// wartimeWidenFlags are the flags of wartime widen.
type wartimeWidenFlags struct {
	scope       []string
	yes, asJSON bool
}

func (a *app) wartimeWidenCmd() *cobra.Command {
	var fl wartimeWidenFlags
	cmd := &cobra.Command{
		Use:   "widen [ID] --scope town|CODE... [--yes] [--json]",
		Short: "Widen a running wartime over more of its town (a village's to the whole town): its directives, signatures, drafted reserves and clocks carry on",
		Long: `Take a running wartime over more of its town without ending it: its scope
becomes its own and --scope together ("town" for the whole town, or villages
by name or code). The micro-grids it takes in are put on duty as at
activation (the ones without a worker are gaps to draft reserves into); its
directives keep their targets and signatures (a new directive may go to the
wider scope), its drafted reserves stay, and the silence clocks run on (the
village rooms taken in are watched from the widening). The log records a
widen event with the old and the new scope; the after-action summary and
wartime status list it.

ID names the wartime (W-0001); without it, the one active in --scope's town.
Who may: one whose scope holds the new scope, the town's duty officer for
the town, a county's for its towns; a village's cadre does not widen their
village's wartime to the town.

Without --yes it says what the widening takes in (villages, micro-grids,
households) and what carries on, and asks; with no terminal to ask on, it
refuses.`,
		Args: maxArgs(1, "one wartime id (e.g. W-0001)", "一个战时编号（如 W-0001）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(fl.scope) == 0 {
				return usageError{model.Errorf(model.EINVALID, "wartime widen: missing --scope; give town, or villages by name or code").
					Zh("wartime widen：缺少 --scope；请给出 town，或村的名称或代码")}
			}
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			return a.wartimeWiden(cmd, id, fl)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&fl.scope, "scope", nil, "what to take in too: town, or villages by name or code (required; repeat or separate with commas)")
	f.BoolVar(&fl.yes, "yes", false, "do not ask for confirmation")
	f.BoolVar(&fl.asJSON, "json", false, "print the widened activation as JSON")
	return cmd
}

// widening is what wartime widen reads before it asks: who acts, the
// scope asked for, the wartime, and the wartime as it would be.
type widening struct {
	by         model.PersonID
	scope      []model.NodeCode
	act, wider model.Activation
	names      map[model.NodeCode]string
}

func (w widening) name(c model.NodeCode) string { return w.names[c] }

func (a *app) wartimeWiden(cmd *cobra.Command, id string, fl wartimeWidenFlags) error {
	var w widening
	return a.ask(cmd, fl.yes, asking{
		check: func(ctx context.Context, db backend) (err error) {
			w, err = a.mayWiden(ctx, db, id, fl.scope) // the rules, before anything is asked
			return err
		},
		what: func(ctx context.Context, db backend) (prompt, error) { return a.widenPrompt(ctx, db, w) },
		act: func(ctx context.Context, db backend) error {
			act, err := db.Widen(ctx, w.act.ID, w.scope, w.by) // refused if it ended meanwhile
			if err != nil {
				return a.queuedCut(ctx, db, err, w.scope)
			}
			return a.printWidened(ctx, db, act, fl.asJSON)
		},
	})
}

// mayWiden reads the wartime widen would widen (id, else the one active in
// the scope's town) and applies the rules to it without storing anything:
// model's Widen (it runs, the scope is in its town and adds to it) and
// MayCommand on the new scope.
func (a *app) mayWiden(ctx context.Context, db backend, id string, args []string) (widening, error) {
	var w widening
	var err error
	if w.by, err = a.actor(ctx, db, ""); err != nil {
		return w, err
	}
	if w.scope, err = a.readTargets(ctx, db, "--scope", args, true, w.by); err != nil {
		return w, err
	}
	var towns []model.NodeCode
	for _, c := range w.scope {
		if t := c.Town(); t != "" {
			towns = append(towns, t)
		}
	}
	if w.names, err = nodeNames(ctx, db, towns...); err != nil {
		return w, err
	}
	town, err := model.OneTown(w.scope, "scope", w.name)
	if err != nil {
		return w, usageError{err}
	}
	if w.act, err = a.runningIn(ctx, db, id, town, w.name); err != nil {
		return w, err
	}
	if w.wider, _, err = w.act.Widen(w.scope, w.by, db.Now(), w.name); err != nil {
		return w, err
	}
	p, err := db.Person(ctx, w.by)
	if err != nil {
		return w, err
	}
	return w, model.MayCommand(p, w.wider.Scope, "scope", w.name)
}

// runningIn is the wartime id names, which must be running, or without
// id the one running in town.
func (a *app) runningIn(ctx context.Context, db backend, id string, town model.NodeCode, name func(model.NodeCode) string) (model.Activation, error) {
	if id != "" {
		x, err := db.AfterAction(ctx, id)
		if err != nil {
			return x.Activation, refused(err)
		}
		if act := x.Activation; !act.Active() {
			return act, model.Errorf(model.ECONFLICT, "%s is no longer active (it ended %s); nothing was widened", act.ID, a.minute(act.Ended)).
				Zh("%s 已不在运行（%s 已结束）；未扩大任何战时", act.ID, a.minute(act.Ended))
		}
		return x.Activation, nil
	}
	st, err := db.WartimeStatus(ctx, town)
	if err != nil || st.Active.Active() {
		return st.Active, err
	}
	place := model.NameNodes([]model.NodeCode{town}, name, "")
	return st.Active, model.Errorf(model.ECONFLICT, "no wartime is active in %s: nothing to widen; start one instead (gridcmd wartime on)", place).
		Zh("%s 当前没有战时状态：无可扩大；请直接启动战时（gridcmd wartime on）", place)
}

// widenPrompt says what widening w takes in (villages, micro-grids, those
// without a worker, households) and what carries on.
func (a *app) widenPrompt(ctx context.Context, db backend, w widening) (prompt, error) {
	was, err := coverOf(ctx, db, w.act.Scope)
	if err != nil {
		return prompt{}, err
	}
	will, err := coverOf(ctx, db, w.wider.Scope)
	if err != nil {
		return prompt{}, err
	}
	runs, runsZh, err := carryingOn(ctx, db, w.act)
	if err != nil {
		return prompt{}, err
	}
	villages, micro, hh := will.villages-was.villages, will.micro-was.micro, will.households-was.households
	gaps := (will.micro - will.staffed) - (was.micro - was.staffed)
	from, to := model.NameNodes(w.act.Scope, w.name, ", "), model.NameNodes(w.wider.Scope, w.name, ", ")
	fromZh, toZh := model.NameNodes(w.act.Scope, w.name, "、"), model.NameNodes(w.wider.Scope, w.name, "、")
	return prompt{
		what: fmt.Sprintf("would widen %s (%s, since %s) from %s to %s, taking in %s, %s (%d without a worker), %s; carrying on: %s",
			w.act.ID, kindOf(w.act), a.minute(w.act.Since), from, to, model.Count(villages, "village"), model.Count(micro, "micro-grid"), gaps,
			model.Count(hh, "household"), runs),
		question: "Widen wartime?",
		whatZh: fmt.Sprintf("将扩大战时 %s（%s，自 %s 起）：由 %s 扩至 %s，新增 %d 个村、%d 个微网格（%d 个没有网格员）、%d 户；照常运行：%s",
			w.act.ID, w.act.Reason.Zh(), a.minute(w.act.Since), fromZh, toZh, villages, micro, gaps, hh, runsZh),
		questionZh: "确认扩大战时范围？",
	}, nil
}

// carryingOn is what of act runs on through a widening: its micro-grids on
// duty, each directive with its signatures, the reserves drafted now.
func carryingOn(ctx context.Context, db backend, act model.Activation) (en, zh string, err error) {
	town := act.Scope[0].Town()
	st, err := db.WartimeStatus(ctx, town)
	if err != nil {
		return "", "", err
	}
	ds, err := db.Directives(ctx, town)
	if err != nil {
		return "", "", err
	}
	runs := []string{model.Count(st.Staffed, "micro-grid") + " on duty"}
	runsZh := []string{fmt.Sprintf("在岗微网格 %d 个", st.Staffed)}
	for _, d := range ds {
		if d.Activation != act.Seq {
			continue
		}
		d, units, err := db.Directive(ctx, d.ID)
		if err != nil {
			return "", "", err
		}
		s := model.Summarize(d, units, 0)
		runs = append(runs, fmt.Sprintf("%s %d/%d signed", d.ID, s.Signed, s.Units))
		runsZh = append(runsZh, fmt.Sprintf("%s 已签 %d/%d", d.ID, s.Signed, s.Units))
	}
	n := len(model.Drafted(st.Drafts))
	runs = append(runs, model.Count(n, "drafted reserve"))
	runsZh = append(runsZh, fmt.Sprintf("征调储备 %d 人", n))
	return strings.Join(runs, ", "), strings.Join(runsZh, "、"), nil
}

// printWidened says what the widened wartime covers now, or prints it as
// JSON.
func (a *app) printWidened(ctx context.Context, db backend, act model.Activation, asJSON bool) error {
	if asJSON {
		return writeJSON(a.out, a.activationJSON(act))
	}
	town := act.Scope[0].Town()
	names, err := nodeNames(ctx, db, town)
	if err != nil {
		return err
	}
	st, err := db.WartimeStatus(ctx, town)
	if err != nil {
		return err
	}
	w := act.Widened[len(act.Widened)-1]
	fmt.Fprintf(a.out, "%s widened to %s: %s, %s (%d staffed, %s), %s; took in %s, %s, %s; its directives keep their targets\n",
		act.ID, model.NameNodes(act.Scope, func(c model.NodeCode) string { return names[c] }, ", "),
		model.Count(act.Villages, "village"), model.Count(act.MicroGrids, "micro-grid"), st.Staffed, model.Count(st.Gaps, "gap"),
		model.Count(act.Households, "household"),
		model.Count(w.Villages, "village"), model.Count(w.MicroGrids, "micro-grid"), model.Count(w.Households, "household"))
	return nil
}
