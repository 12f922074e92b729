package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Widening a running wartime (扩大战时范围): its scope grows and all it runs
// carries on. The activation keeps its seq and id; the micro-grids the new
// scope takes in get their wt_units records (their workers on duty in the
// role the cycle gives them, as at activation); the directives keep their
// targets and units, the drafts stay, the silence clocks run on (the
// rooms it takes in are watched from the widening: CoveredSince).

// Widen takes the running wartime id ("" the one active in scope's town)
// over scope too (model Activation.Widen): the town, or villages of it.
// Who may is model.MayCommand's, on the new scope. On a hub, the wartime
// of a federated town is widened by the town: the widening is queued as a
// command for it (model.FedQueued).
func (s *DB) Widen(ctx context.Context, id string, scope []model.NodeCode, by model.PersonID) (model.Activation, error) {
	want, err := parseActivationOrLatest(id)
	if err != nil {
		return model.Activation{}, err
	}
	codes, err := parseScope(scope)
	if err != nil {
		return model.Activation{}, err
	}
	return writeQueued(ctx, s, func(out *model.Activation, q *fedQueue) writeFn { return s.widenFn(want, codes, by, out, q) })
}

// widenFn is Widen's write: it sets *out to the widened activation. On a
// hub (q not nil) the wartime of a federated town is not widened here: the
// widening is queued as a command for the town (q says which).
func (s *DB) widenFn(want uint64, codes []model.NodeCode, by model.PersonID, out *model.Activation, q *fedQueue) writeFn {
	return func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		names := nodeNames(tx)
		for _, c := range codes {
			if !s.wc.hasNode(tx, c) {
				return nil, model.Errorf(model.ENOTFOUND, "scope: no node %s in the tower", c).Zh("范围：网格塔中没有节点 %s", c).On("scope")
			}
		}
		town, err := model.OneTown(codes, "scope", names)
		if err != nil {
			return nil, err
		}
		a, err := s.toWiden(tx, want, town)
		if err != nil {
			return nil, err
		}
		wider, ev, err := a.Widen(codes, by, now, names)
		if err != nil {
			return nil, err
		}
		if err := model.MayCommand(actor, wider.Scope, "scope", names); err != nil {
			return nil, err
		}
		if q != nil {
			if queued, err := s.queueWiden(tx, now, actor, q, a, codes); queued || err != nil {
				return nil, err
			}
		}
		if err := fedWartimeCopy(tx, a); err != nil {
			return nil, err
		}
		gaps, err := s.takeIn(tx, a, &wider)
		if err != nil {
			return nil, err
		}
		if err := putActivation(tx, wider); err != nil {
			return nil, err
		}
		w := wider.Widened[len(wider.Widened)-1]
		ev.ActorName = model.ActorName(actor)
		ev.Note += fmt.Sprintf("; takes in %s, %s (%d without a worker), %s",
			model.Count(w.Villages, "village"), model.Count(w.MicroGrids, "micro-grid"), gaps, model.Count(w.Households, "household"))
		ev.NoteZh += fmt.Sprintf("；新增 %d 个村社、%d 个微网格（%d 个缺员）、%d 户", w.Villages, w.MicroGrids, gaps, w.Households)
		if err := s.carriesOn(tx, a.Seq, &ev); err != nil {
			return nil, err
		}
		*out = wider
		return []model.Event{ev}, nil
	}
}

// toWiden is the activation Widen widens: the one named (want), which
// must still be active, else the one active in town.
func (s *DB) toWiden(tx *bolt.Tx, want uint64, town model.NodeCode) (model.Activation, error) {
	if want != 0 {
		a, err := s.getActivation(tx, want)
		if err != nil || a.Active() {
			return a, err
		}
		return a, model.Errorf(model.ECONFLICT, "%s is no longer active (it ended %s); nothing was widened", a.ID, a.Ended.Format("01-02 15:04")).
			Zh("%s 已不在运行（%s 已结束）；未扩大任何战时", a.ID, a.Ended.Format("01-02 15:04"))
	}
	a, err := s.activationIn(tx, town)
	if err != nil || a.Active() {
		return a, err
	}
	place := model.NameNodes([]model.NodeCode{town}, nodeNames(tx), "")
	return a, model.Errorf(model.ECONFLICT, "no wartime is active in %s: nothing to widen; start one instead", place).
		Zh("%s 当前没有战时状态：无可扩大；请直接启动战时", place)
}

// takeIn staffs the micro-grids wider (a widened) takes in beyond a, as
// activation does (staffUnits), and counts what wider holds now and what
// the widening took in (its last Widening). It returns the gaps among the
// micro-grids taken in.
func (s *DB) takeIn(tx *bolt.Tx, a model.Activation, wider *model.Activation) (int, error) {
	f, err := scanScope(tx, wider.Scope)
	if err != nil {
		return 0, err
	}
	before, err := scanScope(tx, a.Scope)
	if err != nil {
		return 0, err
	}
	had := tx.Bucket(bucketWtUnits)
	var units []scopeUnit
	for _, u := range f.units {
		if had.Get(seqCodeKey(a.Seq, u.code)) == nil {
			units = append(units, u)
		}
	}
	gaps, err := s.staffUnits(tx, a.Seq, units, false)
	if err != nil {
		return 0, err
	}
	wider.Villages, wider.MicroGrids, wider.Households = f.villages, len(f.units), f.households
	w := &wider.Widened[len(wider.Widened)-1]
	w.Villages, w.MicroGrids, w.Households = f.villages-before.villages, len(units), f.households-before.households
	return gaps, nil
}

// carriesOn says in ev's notes what of activation act runs on through the
// widening: its directives and the reserves drafted now.
func (s *DB) carriesOn(tx *bolt.Tx, act uint64, ev *model.Event) error {
	ds, err := s.activationDirectives(tx, act)
	if err != nil {
		return err
	}
	drafts, err := s.draftsOf(tx, act)
	if err != nil {
		return err
	}
	serving := len(model.Drafted(drafts))
	ev.Note += fmt.Sprintf("; %s (their targets as issued) and %s carry on", model.Count(len(ds), "directive"), model.Count(serving, "drafted reserve"))
	ev.NoteZh += fmt.Sprintf("；%d 条指令（下达范围不变）和 %d 名征调储备照常运行", len(ds), serving)
	return nil
}
