package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Wartime (战时): activations, the micro-grid units they put on duty, drafted
// reserves, directives and their units' copies, and the after-action
// summaries. Every public method is one read or one write request; the
// rules are model's (Activate, End, CanDraft, NewDirective, Sign, Progress,
// SweepUnit, Summarize), run inside the transaction, and each write appends
// its events in the same transaction.
//
// This file holds activation and duty (Activate, Deactivate, WartimeStatus);
// drafts.go the reserves drafted into gaps, directives.go the directives and
// their units' copies, sweep.go the sign-for clock of silent units, after.go
// the after-action summary, wartime_records.go the stored forms and keys.

// activeSeq reads meta wt/active: the seq of the active activation, 0 in
// peacetime.
func activeSeq(tx *bolt.Tx) (uint64, error) {
	v := tx.Bucket(bucketMeta).Get(metaWtActive)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("meta/%s: %d bytes, want 8", metaWtActive, len(v))
	}
	return getU64(v), nil
}

// txPolicy is the policy the rules run with in tx: Wartime is set while an
// activation is active, so every deadline an incident gets then is scaled
// by the wartime factor.
func (s *DB) txPolicy(tx *bolt.Tx) (model.Policy, error) {
	p := s.opts.Policy
	seq, err := activeSeq(tx)
	p.Wartime = seq != 0
	return p, err
}

func (s *DB) getActivation(tx *bolt.Tx, seq uint64) (model.Activation, error) {
	v := tx.Bucket(bucketWtActivations).Get(u64(seq))
	if v == nil {
		return model.Activation{}, model.Errorf(model.ENOTFOUND, "no wartime %s", model.FormatActivationID(seq)).Zh("没有战时 %s", model.FormatActivationID(seq))
	}
	return decodeActivation(seq, v, s.opts.Location)
}

// activeActivation is the active activation, the zero Activation in
// peacetime.
func (s *DB) activeActivation(tx *bolt.Tx) (model.Activation, error) {
	seq, err := activeSeq(tx)
	if err != nil || seq == 0 {
		return model.Activation{}, err
	}
	return s.getActivation(tx, seq)
}

// actorInWartime is who acts (through the writer's cache) and the active
// activation (the zero Activation in peacetime): what the writes of
// activation and duty start from.
func (s *DB) actorInWartime(tx *bolt.Tx, by model.PersonID) (model.Person, model.Activation, error) {
	actor, err := s.wc.actor(tx, by)
	if err != nil {
		return actor, model.Activation{}, err
	}
	a, err := s.activeActivation(tx)
	return actor, a, err
}

// latestActivationSeq is the active activation's seq, else the last one's,
// 0 if wartime was never activated.
func latestActivationSeq(tx *bolt.Tx) (uint64, error) {
	seq, err := activeSeq(tx)
	if err != nil || seq != 0 {
		return seq, err
	}
	if k, _ := tx.Bucket(bucketWtActivations).Cursor().Last(); len(k) == 8 {
		return getU64(k), nil
	}
	return 0, nil
}

// putActivation writes the record.
func putActivation(tx *bolt.Tx, a model.Activation) error {
	v, err := encodeActivation(a)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketWtActivations).Put(u64(a.Seq), v)
}

// savePerson writes a changed person (the node does not change, so
// people_by_node stays) and drops them from the writer's cache, which
// must not serve the old version.
func (s *DB) savePerson(tx *bolt.Tx, p model.Person) error {
	v, err := encodePerson(p)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketPeople).Put(u64(uint64(p.ID)), v); err != nil {
		return err
	}
	s.wc.forget(p.ID)
	return nil
}

// scopeUnit is a micro-grid found in a scope with the households held in
// its subtree.
type scopeUnit struct {
	code       model.NodeCode
	households int
}

// scopeFigures is what a scope holds.
type scopeFigures struct {
	villages, households int
	units                []scopeUnit
}

// keyLevel is the level of a stored node's key (stored codes are valid).
func keyLevel(k []byte) model.Level {
	if len(k) == 9 {
		return model.LevelTown
	}
	return model.LevelVillage + model.Level(bytes.Count(k, []byte{'-'}))
}

// scanScope walks the subtrees of scope (normalised: no code inside
// another) in nodes, counting villages and households and listing the
// micro-grids, each with the households beneath it.
func scanScope(tx *bolt.Tx, scope []model.NodeCode) (scopeFigures, error) {
	var f scopeFigures
	c := tx.Bucket(bucketNodes).Cursor()
	for _, root := range scope {
		prefix := []byte(root)
		var cur []byte // the micro-grid whose subtree the cursor is in
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			hh, err := nodeHouseholds(k, v)
			if err != nil {
				return f, err
			}
			f.households += hh
			switch l := keyLevel(k); {
			case l == model.LevelVillage:
				f.villages++
			case l == model.LevelMicroGrid:
				f.units = append(f.units, scopeUnit{code: model.NodeCode(k), households: hh})
				cur = k[:len(k):len(k)]
			case l > model.LevelMicroGrid && cur != nil && bytes.HasPrefix(k, cur):
				f.units[len(f.units)-1].households += hh
			}
		}
	}
	return f, nil
}

// microGridWorker is the micro-grid worker stored at exactly code (the
// lowest id if several), found false for a gap.
func microGridWorker(tx *bolt.Tx, code model.NodeCode) (model.Person, bool, error) {
	for _, id := range peopleIn(tx, code, true) {
		p, err := getPerson(tx, model.PersonID(id))
		if err != nil {
			return p, false, err
		}
		if p.Has(model.RoleMicroGridWorker) {
			return p, true, nil
		}
	}
	return model.Person{}, false, nil
}

// Activate goes to wartime over scope (the town, or villages): the rule is
// model.Activate (refused while active). Every micro-grid in scope gets a
// wt_units record: its micro-grid worker, put on duty, with the wartime
// role model.RoleFor gives it; micro-grids without a worker are gaps.
func (s *DB) Activate(ctx context.Context, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) (model.Activation, error) {
	r, err := model.ParseReason(string(reason))
	if err != nil {
		return model.Activation{}, err
	}
	codes, err := parseScope(scope)
	if err != nil {
		return model.Activation{}, err
	}
	var out model.Activation
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, current, err := s.actorInWartime(tx, by)
		if err != nil {
			return nil, err
		}
		seq, err := tx.Bucket(bucketWtActivations).NextSequence()
		if err != nil {
			return nil, err
		}
		a, ev, err := model.Activate(current, seq, r, codes, drill, note, by, now)
		if err != nil {
			return nil, err
		}
		for _, c := range a.Scope {
			if !s.wc.hasNode(tx, c) {
				return nil, model.Errorf(model.ENOTFOUND, "scope: no node %s in the tower", c).Zh("范围：网格塔中没有节点 %s", c)
			}
		}
		f, err := scanScope(tx, a.Scope)
		if err != nil {
			return nil, err
		}
		a.Villages, a.MicroGrids, a.Households = f.villages, len(f.units), f.households
		gaps, err := s.staffUnits(tx, seq, f.units)
		if err != nil {
			return nil, err
		}
		if err := putActivation(tx, a); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketMeta).Put(metaWtActive, u64(seq)); err != nil {
			return nil, err
		}
		ev.ActorName = model.ActorName(actor)
		ev.Note += fmt.Sprintf("; %d villages, %d micro-grids (%d without a worker), %d households",
			a.Villages, a.MicroGrids, gaps, a.Households)
		ev.NoteZh += fmt.Sprintf("；%d 个村社、%d 个微网格（%d 个缺员）、%d 户", a.Villages, a.MicroGrids, gaps, a.Households)
		out = a
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.Activation{}, err
	}
	return out, nil
}

// parseScope reads the codes of an activation's scope (model.ParseScopeCode).
func parseScope(scope []model.NodeCode) ([]model.NodeCode, error) {
	codes := make([]model.NodeCode, 0, len(scope))
	for _, c := range scope {
		code, err := model.ParseScopeCode(string(c))
		if err != nil {
			return nil, err
		}
		codes = append(codes, code)
	}
	return codes, nil
}

// staffUnits writes the wt_units record of every micro-grid of activation
// act: its micro-grid worker, put on duty (the flag before kept to be put
// back), in the wartime role of the policy's cycle. It returns how many
// have no worker (gaps).
func (s *DB) staffUnits(tx *bolt.Tx, act uint64, units []scopeUnit) (int, error) {
	cycle := s.opts.Policy.RoleCycle
	b := tx.Bucket(bucketWtUnits)
	b.FillPercent = appendFill // a new activation's keys all sort last
	gaps := 0
	for _, u := range units {
		rec := wtUnitRecord{Role: string(model.RoleFor(u.code, cycle)), Households: u.households}
		w, found, err := microGridWorker(tx, u.code)
		if err != nil {
			return 0, err
		}
		if found {
			rec.Worker, rec.WorkerName, rec.PrevOnDuty = uint64(w.ID), w.Name, w.OnDuty
			if err := s.putOnDuty(tx, w); err != nil {
				return 0, err
			}
		} else {
			gaps++
		}
		if err := putUnitRecord(b, seqCodeKey(act, u.code), rec); err != nil {
			return 0, err
		}
	}
	return gaps, nil
}

// putOnDuty puts p on duty, writing p only if they were not.
func (s *DB) putOnDuty(tx *bolt.Tx, p model.Person) error {
	if p.OnDuty {
		return nil
	}
	p.OnDuty = true
	return s.savePerson(tx, p)
}

// Deactivate ends wartime (model End): drafted reserves are released, every
// on-duty flag wartime changed is put back, the directives' clocks stop
// (their idx_dir_due entries go), and the after-action summary is computed
// and stored.
func (s *DB) Deactivate(ctx context.Context, id string, by model.PersonID) (model.AfterAction, error) {
	var out model.AfterAction
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, a, err := s.actorInWartime(tx, by)
		if err != nil {
			return nil, err
		}
		if id != "" && a.Active() && a.ID != id {
			return nil, model.Errorf(model.ECONFLICT, "%s is no longer active (%s is, since %s); nothing was ended",
				id, a.ID, a.Since.Format("01-02 15:04")).
				Zh("%s 已不在运行（%s 自 %s 起运行）；未结束任何战时", id, a.ID, a.Since.Format("01-02 15:04"))
		}
		ended, ev, err := a.End(by, now)
		if err != nil {
			return nil, err
		}
		x, err := s.afterAction(tx, ended, now)
		if err != nil {
			return nil, err
		}
		if err := s.restoreOnDuty(tx, a.Seq); err != nil {
			return nil, err
		}
		released, err := releaseDrafts(tx, a.Seq, now)
		if err != nil {
			return nil, err
		}
		if err := s.stopDirectiveClocks(tx, a.Seq); err != nil {
			return nil, err
		}
		if err := putEnded(tx, ended, x); err != nil {
			return nil, err
		}
		ev.ActorName = model.ActorName(actor)
		ev.Note += fmt.Sprintf("; %d directives, %d reserves released", len(x.Directives), released)
		ev.NoteZh += fmt.Sprintf("；指令 %d 条，释放储备力量 %d 人", len(x.Directives), released)
		out = x
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.AfterAction{}, err
	}
	return out, nil
}

// restoreOnDuty puts back the on-duty flag of every worker of activation
// act's units (the workers' and the drafted reserves') as it was before
// wartime, in id order, writing only those that differ.
func (s *DB) restoreOnDuty(tx *bolt.Tx, act uint64) error {
	prev := map[model.PersonID]bool{}
	prefix := u64(act)
	c := tx.Bucket(bucketWtUnits).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decodeUnitRecord(k, v)
		if err != nil {
			return err
		}
		if r.Worker != 0 {
			prev[model.PersonID(r.Worker)] = r.PrevOnDuty
		}
	}
	ids := make([]model.PersonID, 0, len(prev))
	for id := range prev {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p, err := getPerson(tx, id)
		if err != nil {
			return err
		}
		if p.OnDuty != prev[id] {
			p.OnDuty = prev[id]
			if err := s.savePerson(tx, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// releaseDrafts marks every draft of activation act released at now (a
// draft released already keeps its time) and returns how many drafts the
// activation has.
func releaseDrafts(tx *bolt.Tx, act uint64, now time.Time) (int, error) {
	drafts := tx.Bucket(bucketWtDrafts)
	var keys, vals [][]byte
	prefix := u64(act)
	c := drafts.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decodeDraftRecord(k, v)
		if err != nil {
			return 0, err
		}
		if r.Released == 0 {
			r.Released = nanos(now)
		}
		nv, err := json.Marshal(r)
		if err != nil {
			return 0, err
		}
		keys, vals = append(keys, append([]byte(nil), k...)), append(vals, nv)
	}
	// Written after the scan: a cursor does not survive a change to its bucket.
	for i := range keys {
		if err := drafts.Put(keys[i], vals[i]); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// stopDirectiveClocks removes the idx_dir_due entries of every unit of
// activation act's directives: a unit of an ended wartime is never swept.
func (s *DB) stopDirectiveClocks(tx *bolt.Tx, act uint64) error {
	ds, err := s.activationDirectives(tx, act)
	if err != nil {
		return err
	}
	due := tx.Bucket(bucketIdxDirDue)
	for _, d := range ds {
		units, err := s.directiveUnits(tx, d.Seq)
		if err != nil {
			return err
		}
		for _, u := range units {
			if k := unitDueKey(d, u); k != nil {
				if err := due.Delete(k); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// putEnded stores the ended activation and its after-action summary x, and
// returns the town to peacetime (meta wt/active goes).
func putEnded(tx *bolt.Tx, ended model.Activation, x model.AfterAction) error {
	if err := putActivation(tx, ended); err != nil {
		return err
	}
	v, err := encodeAfterAction(x)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketWtAfter).Put(u64(ended.Seq), v); err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Delete(metaWtActive)
}

// WartimeStatus is the active activation with its units (in code order),
// the staffed and gap counts and the drafts; the zero status in peacetime.
func (s *DB) WartimeStatus(ctx context.Context) (model.WartimeStatus, error) {
	if err := ctx.Err(); err != nil {
		return model.WartimeStatus{}, err
	}
	var st model.WartimeStatus
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		st, err = s.wartimeStatus(tx)
		return err
	})
	return st, err
}

// wartimeStatus is WartimeStatus in tx.
func (s *DB) wartimeStatus(tx *bolt.Tx) (model.WartimeStatus, error) {
	var st model.WartimeStatus
	a, err := s.activeActivation(tx)
	if err != nil || !a.Active() {
		return st, err
	}
	st.Active = a
	prefix := u64(a.Seq)
	c := tx.Bucket(bucketWtUnits).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decodeUnitRecord(k, v)
		if err != nil {
			return st, err
		}
		st.Units = append(st.Units, r.status(model.NodeCode(k[8:])))
		if r.Worker != 0 {
			st.Staffed++
		} else {
			st.Gaps++
		}
	}
	st.Drafts, err = s.draftsOf(tx, a.Seq)
	return st, err
}
