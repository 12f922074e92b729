package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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

// Wartime is per town: meta holds "wt/active/" and a town's code for each
// town in wartime, pointing at its activation (one activation may hold
// several towns only when a file from before schema 10 activated a scope
// across towns).

// activeKey is the meta key of a town's active activation.
func activeKey(town model.NodeCode) []byte { return append([]byte(metaWtActivePrefix), town...) }

// activeIn reads the seq of the town's active activation, 0 if it is in
// peacetime.
func activeIn(tx *bolt.Tx, town model.NodeCode) (uint64, error) {
	if town == "" {
		return 0, nil
	}
	return metaU64(tx, activeKey(town))
}

// townActive is one town in wartime and its activation's seq.
type townActive struct {
	town model.NodeCode
	seq  uint64
}

// activeTowns lists the towns in wartime, in code order.
func activeTowns(tx *bolt.Tx) ([]townActive, error) {
	var out []townActive
	prefix := []byte(metaWtActivePrefix)
	c := tx.Bucket(bucketMeta).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) != 8 {
			return nil, fmt.Errorf("meta/%s: %d bytes, want 8", k, len(v))
		}
		out = append(out, townActive{town: model.NodeCode(k[len(prefix):]), seq: getU64(v)})
	}
	return out, nil
}

// activeSeqs is the distinct activations active in scope ("" all): those of
// the towns in scope, and of the town scope lies in. In the order of their
// first town.
func activeSeqs(tx *bolt.Tx, scope model.NodeCode) ([]uint64, error) {
	towns, err := activeTowns(tx)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, t := range towns {
		if (scope == "" || scope.Contains(t.town) || t.town.Contains(scope)) && !slices.Contains(out, t.seq) {
			out = append(out, t.seq)
		}
	}
	return out, nil
}

// policyAt is the policy the rules run with in tx for an incident at node:
// Wartime is set while the node's town is in wartime, so every deadline an
// incident gets then is scaled by the wartime factor.
func (s *DB) policyAt(tx *bolt.Tx, node model.NodeCode) (model.Policy, error) {
	p := s.opts.Policy
	seq, err := s.activeInTx(tx, node.Town())
	p.Wartime = seq != 0
	return p, err
}

// activeInTx is activeIn through the writer's transaction state: in the
// writer's transaction each town's is read once (a batch of a thousand
// reports from one town reads meta once, not per report), and setActive,
// the only write of it, keeps what was read true. Elsewhere it reads.
func (s *DB) activeInTx(tx *bolt.Tx, town model.NodeCode) (uint64, error) {
	if s.wt.buckets.tx != tx {
		return activeIn(tx, town)
	}
	if seq, ok := s.wt.active[town]; ok {
		return seq, nil
	}
	seq, err := activeIn(tx, town)
	if err != nil {
		return 0, err
	}
	if s.wt.active == nil {
		s.wt.active = map[model.NodeCode]uint64{}
	}
	s.wt.active[town] = seq
	return seq, nil
}

// setActive makes seq the town's active activation (0: the town is in
// peacetime), in meta and in what the writer's transaction read of it.
func (s *DB) setActive(tx *bolt.Tx, town model.NodeCode, seq uint64) error {
	if s.wt.buckets.tx == tx {
		delete(s.wt.active, town)
	}
	if seq == 0 {
		return tx.Bucket(bucketMeta).Delete(activeKey(town))
	}
	return tx.Bucket(bucketMeta).Put(activeKey(town), u64(seq))
}

func (s *DB) getActivation(tx *bolt.Tx, seq uint64) (model.Activation, error) {
	v := tx.Bucket(bucketWtActivations).Get(u64(seq))
	if v == nil {
		return model.Activation{}, model.Errorf(model.ENOTFOUND, "no wartime %s", model.FormatActivationID(seq)).Zh("没有战时 %s", model.FormatActivationID(seq))
	}
	return decodeActivation(seq, v, s.opts.Location)
}

// activationIn is the town's active activation, the zero Activation in
// peacetime.
func (s *DB) activationIn(tx *bolt.Tx, town model.NodeCode) (model.Activation, error) {
	seq, err := activeIn(tx, town)
	if err != nil || seq == 0 {
		return model.Activation{}, err
	}
	return s.getActivation(tx, seq)
}

// actorInTown is who acts (through the writer's cache) and the town's
// active activation (the zero Activation in peacetime): what the writes of
// drafting start from.
func (s *DB) actorInTown(tx *bolt.Tx, by model.PersonID, town model.NodeCode) (model.Person, model.Activation, error) {
	actor, err := s.wc.actor(tx, by)
	if err != nil {
		return actor, model.Activation{}, err
	}
	a, err := s.activationIn(tx, town)
	return actor, a, err
}

// latestActivationSeq is the active activation's seq when exactly one is
// active, else the last one's, 0 if wartime was never activated.
func latestActivationSeq(tx *bolt.Tx) (uint64, error) {
	seqs, err := activeSeqs(tx, "")
	if err != nil || len(seqs) == 1 {
		if len(seqs) == 1 {
			return seqs[0], err
		}
		return 0, err
	}
	if k, _ := tx.Bucket(bucketWtActivations).Cursor().Last(); len(k) == 8 {
		return getU64(k), nil
	}
	return 0, nil
}

// reaches reports whether an activation's scope reaches into scope ("" all).
func reaches(a model.Activation, scope model.NodeCode) bool {
	if scope == "" {
		return true
	}
	for _, c := range a.Scope {
		if c.Contains(scope) || scope.Contains(c) {
			return true
		}
	}
	return false
}

// lastIn is the latest activation that reached into scope, active or
// ended; the zero Activation if none.
func (s *DB) lastIn(tx *bolt.Tx, scope model.NodeCode) (model.Activation, error) {
	c := tx.Bucket(bucketWtActivations).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if len(k) != 8 {
			continue
		}
		a, err := decodeActivation(getU64(k), v, s.opts.Location)
		if err != nil {
			return model.Activation{}, err
		}
		if reaches(a, scope) {
			return a, nil
		}
	}
	return model.Activation{}, nil
}

// putActivation writes the record.
func putActivation(tx *bolt.Tx, a model.Activation) error {
	return putEncoded(tx.Bucket(bucketWtActivations), u64(a.Seq), a, encodeActivation)
}

// savePerson writes a changed person (the node does not change, so
// people_by_node stays) and drops them from the writer's cache, which
// must not serve the old version.
func (s *DB) savePerson(tx *bolt.Tx, p model.Person) error {
	if err := putEncoded(tx.Bucket(bucketPeople), u64(uint64(p.ID)), p, encodePerson); err != nil {
		return err
	}
	s.wc.forget(p.ID)
	return bumpRosterRev(tx)
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
	switch len(k) {
	case 2:
		return model.LevelProvince
	case 4:
		return model.LevelCity
	case 6:
		return model.LevelCounty
	case 9:
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

// Activate puts one town into wartime over scope (the town, or villages
// of it): ActivateTowns for a scope that must lie in one town.
func (s *DB) Activate(ctx context.Context, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) (model.Activation, error) {
	codes, err := parseScope(scope)
	if err != nil {
		return model.Activation{}, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		_, err := model.OneTown(codes, "scope", nodeNames(tx)) // the towns named
		return err
	})
	if err != nil {
		return model.Activation{}, err
	}
	acts, err := s.ActivateTowns(ctx, reason, codes, drill, note, by)
	if err != nil {
		return model.Activation{}, err
	}
	return acts[0], nil
}

// ActivateTowns goes to wartime over scope, one activation per town (the
// rule is model.Activate, refused while the town is in wartime), all in one
// transaction: a county, city or province code stands for every town
// stored beneath it. Every micro-grid in a town's scope gets a wt_units
// record: its micro-grid worker, put on duty, with the wartime role
// model.RoleFor gives it; micro-grids without a worker are gaps.
func (s *DB) ActivateTowns(ctx context.Context, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) ([]model.Activation, error) {
	r, err := model.ParseReason(string(reason))
	if err != nil {
		return nil, err
	}
	codes, err := parseScope(scope)
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		return nil, model.Errorf(model.EINVALID, "scope: empty; give town or village codes").Zh("范围：为空；请给出镇或村社代码").On("scope")
	}
	return writeQueued(ctx, s, func(out *[]model.Activation, q *fedQueue) writeFn {
		return s.activateFn(r, codes, drill, note, by, out, q)
	})
}

// writeQueued runs the write fn makes, which sets *out or, on a hub, may
// queue a command for a federated town instead (it fills q): out, else
// the write's error, else the queued command's (model.FedQueued). An
// activation, its widening and end, a directive and its resend, as a
// county room gives them.
func writeQueued[T any](ctx context.Context, s *DB, fn func(out *T, q *fedQueue) writeFn) (T, error) {
	var out, zero T
	var q fedQueue
	if _, err := s.write(ctx, fn(&out, &q)); err != nil {
		return zero, err
	}
	if q.seq != 0 {
		return zero, q.err()
	}
	return out, nil
}

// activateFn is ActivateTowns' write: it sets *out to the activations. On
// a hub (q not nil) a scope of federated towns is queued as one command
// per town instead (q says which), and a scope mixing them with the
// file's own towns is refused.
func (s *DB) activateFn(r model.Reason, codes []model.NodeCode, drill bool, note string, by model.PersonID, out *[]model.Activation, q *fedQueue) writeFn {
	return func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		*out = nil
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		var towns []model.NodeCode
		for _, c := range codes {
			if !s.wc.hasNode(tx, c) {
				return nil, model.Errorf(model.ENOTFOUND, "scope: no node %s in the tower", c).Zh("范围：网格塔中没有节点 %s", c).On("scope")
			}
			if !c.Level().AboveTown() {
				towns = append(towns, c)
				continue
			}
			under := townsUnder(tx, c)
			if len(under) == 0 {
				place := model.NameNodes([]model.NodeCode{c}, nodeNames(tx), "")
				return nil, model.Errorf(model.ENOTFOUND, "scope: no town under %s", place).Zh("范围：%s 下没有镇", place).On("scope")
			}
			towns = append(towns, under...)
		}
		if err := model.MayCommand(actor, codes, "scope", nodeNames(tx)); err != nil {
			return nil, err
		}
		order, parts := model.ScopeTowns(towns)
		if q != nil {
			if queued, err := s.queueActivation(tx, now, actor, q, order, parts, r, drill, note); queued || err != nil {
				return nil, err
			}
		}
		var evs []model.Event
		for _, town := range order {
			current, err := s.activationIn(tx, town)
			if err != nil {
				return nil, err
			}
			seq, err := tx.Bucket(bucketWtActivations).NextSequence()
			if err != nil {
				return nil, err
			}
			a, ev, err := model.Activate(current, seq, r, parts[town], drill, note, by, now, nodeNames(tx))
			if err != nil {
				if len(order) > 1 {
					name := string(town)
					if n, e := getNode(tx, town); e == nil {
						name = n.Name
					}
					return nil, model.Errorf(model.ErrorCode(err), "%s: %s", name, model.ErrorMessage(err)).
						Zh("%s：%s", name, model.ErrorMessageZh(err)).On(model.ErrorField(err))
				}
				return nil, err
			}
			f, err := scanScope(tx, a.Scope)
			if err != nil {
				return nil, err
			}
			a.Villages, a.MicroGrids, a.Households = f.villages, len(f.units), f.households
			gaps, err := s.staffUnits(tx, seq, f.units, true)
			if err != nil {
				return nil, err
			}
			if err := putActivation(tx, a); err != nil {
				return nil, err
			}
			if err := s.setActive(tx, town, seq); err != nil {
				return nil, err
			}
			ev.ActorName = model.ActorName(actor)
			ev.Note += fmt.Sprintf("; %s, %s (%d without a worker), %s",
				model.Count(a.Villages, "village"), model.Count(a.MicroGrids, "micro-grid"), gaps, model.Count(a.Households, "household"))
			ev.NoteZh += fmt.Sprintf("；%d 个村社、%d 个微网格（%d 个缺员）、%d 户", a.Villages, a.MicroGrids, gaps, a.Households)
			*out = append(*out, a)
			evs = append(evs, ev)
		}
		return evs, nil
	}
}

// townsUnder lists the towns stored beneath a county, city or province
// code, in code order, seeking past each town's subtree.
func townsUnder(tx *bolt.Tx, code model.NodeCode) []model.NodeCode {
	var out []model.NodeCode
	c := tx.Bucket(bucketNodes).Cursor()
	prefix := []byte(code)
	k, _ := c.Seek(prefix)
	for k != nil && bytes.HasPrefix(k, prefix) {
		switch {
		case len(k) == 9:
			out = append(out, model.NodeCode(k))
			k, _ = c.Seek(pastSubtree(k))
		case len(k) < 9:
			k, _ = c.Next()
		default:
			k, _ = c.Seek(pastSubtree(k[:9]))
		}
	}
	return out
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
// have no worker (gaps). appending: the units are a new activation's,
// whose keys all sort last (the pages are filled full); a widening's fall
// among its activation's own.
func (s *DB) staffUnits(tx *bolt.Tx, act uint64, units []scopeUnit, appending bool) (int, error) {
	cycle := s.opts.Policy.RoleCycle
	b := tx.Bucket(bucketWtUnits)
	b.FillPercent = bolt.DefaultFillPercent
	if appending {
		b.FillPercent = appendFill
	}
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
// and stored. On a hub, the wartime of a federated town is ended by the
// town: the end is queued as a command for it (model.FedQueued).
func (s *DB) Deactivate(ctx context.Context, id string, by model.PersonID) (model.AfterAction, error) {
	want, err := parseActivationOrLatest(id)
	if err != nil {
		return model.AfterAction{}, err
	}
	return writeQueued(ctx, s, func(out *model.AfterAction, q *fedQueue) writeFn { return s.deactivateFn(want, id, by, out, q) })
}

// deactivateFn is Deactivate's write: it sets *out to the after-action
// summary. On a hub (q not nil) the wartime of a federated town is not
// ended here: the end is queued as a command for the town (q says which),
// whose room ends it by its own rules.
func (s *DB) deactivateFn(want uint64, id string, by model.PersonID, out *model.AfterAction, q *fedQueue) writeFn {
	return func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		a, err := s.toEnd(tx, want, id)
		if err != nil {
			return nil, err
		}
		if err := model.MayCommand(actor, a.Scope, "scope", nodeNames(tx)); err != nil {
			return nil, err
		}
		if q != nil {
			if queued, err := s.queueDeactivation(tx, now, actor, q, a); queued || err != nil {
				return nil, err
			}
		}
		if err := fedWartimeCopy(tx, a); err != nil {
			return nil, err
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
		if err := s.putEnded(tx, ended, x); err != nil {
			return nil, err
		}
		ev.ActorName = model.ActorName(actor)
		ev.Note += fmt.Sprintf("; %s, %s released", model.Count(len(x.Directives), "directive"), model.Count(released, "reserve"))
		ev.NoteZh += fmt.Sprintf("；指令 %d 条，释放储备力量 %d 人", len(x.Directives), released)
		*out = x
		return []model.Event{ev}, nil
	}
}

// toEnd is the activation Deactivate ends: the one named (want, as id),
// which must still be active, else the one active. The zero Activation
// when none is (End refuses it).
func (s *DB) toEnd(tx *bolt.Tx, want uint64, id string) (model.Activation, error) {
	if want != 0 {
		a, err := s.getActivation(tx, want)
		if err != nil || a.Active() {
			return a, err
		}
		// Ended meanwhile: say what is active in its town now, if anything.
		for _, c := range a.Scope {
			now, err := s.activationIn(tx, c.Town())
			if err != nil {
				return now, err
			}
			if now.Active() {
				return model.Activation{}, model.Errorf(model.ECONFLICT, "%s is no longer active (%s is, since %s); nothing was ended",
					id, now.ID, now.Since.Format("01-02 15:04")).
					Zh("%s 已不在运行（%s 自 %s 起运行）；未结束任何战时", id, now.ID, now.Since.Format("01-02 15:04"))
			}
		}
		return model.Activation{}, nil
	}
	seqs, err := activeSeqs(tx, "")
	switch {
	case err != nil || len(seqs) == 0:
		return model.Activation{}, err
	case len(seqs) > 1:
		var ids []string
		slices.Sort(seqs)
		for _, seq := range seqs {
			ids = append(ids, model.FormatActivationID(seq))
		}
		return model.Activation{}, model.Errorf(model.ECONFLICT, "%d towns are in wartime (%s); name the activation to end",
			len(seqs), strings.Join(ids, ", ")).Zh("%d 个镇处于战时（%s）；请指明要结束的战时编号", len(seqs), strings.Join(ids, "、"))
	}
	return s.getActivation(tx, seqs[0])
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
// returns its towns to peacetime (their meta wt/active/ keys go).
func (s *DB) putEnded(tx *bolt.Tx, ended model.Activation, x model.AfterAction) error {
	if err := putActivation(tx, ended); err != nil {
		return err
	}
	if err := putEncoded(tx.Bucket(bucketWtAfter), u64(ended.Seq), x, encodeAfterAction); err != nil {
		return err
	}
	for _, c := range ended.Scope {
		seq, err := activeIn(tx, c.Town())
		if err != nil {
			return err
		}
		if seq == ended.Seq {
			if err := s.setActive(tx, c.Town(), 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// WartimeStatus is the wartime of scope ("" the whole file): every
// activation active in it (Towns), and, when there is exactly one, that
// one with its units (in code order), the staffed and gap counts and the
// drafts; Last, the latest activation that reached into scope.
func (s *DB) WartimeStatus(ctx context.Context, scope model.NodeCode) (model.WartimeStatus, error) {
	return viewIn(ctx, s, scope, s.wartimeStatus)
}

// WartimeUnit is micro-grid unit's record in the activation live in its
// town, and that activation's seq: the town's active key and the unit's
// wt_units record, two reads where WartimeStatus reads every unit of the
// town, its drafts and its rooms' people. Zero and 0 when the town is at
// peace or its wartime does not reach unit.
func (s *DB) WartimeUnit(ctx context.Context, unit model.NodeCode) (model.UnitStatus, uint64, error) {
	type found struct {
		unit model.UnitStatus
		seq  uint64
	}
	f, err := viewIn(ctx, s, unit, func(tx *bolt.Tx, unit model.NodeCode) (found, error) {
		seq, err := activeIn(tx, unit.Town())
		if err != nil || seq == 0 {
			return found{}, err
		}
		k := seqCodeKey(seq, unit)
		v := tx.Bucket(bucketWtUnits).Get(k)
		if v == nil {
			return found{}, nil
		}
		r, err := decodeUnitRecord(k, v)
		if err != nil {
			return found{}, err
		}
		return found{r.status(unit), seq}, nil
	})
	return f.unit, f.seq, err
}

// wartimeStatus is WartimeStatus in tx: every activation active in scope
// ("" the file), the latest in scope, and the units and drafts of the one
// active when there is exactly one.
func (s *DB) wartimeStatus(tx *bolt.Tx, scope model.NodeCode) (model.WartimeStatus, error) {
	var st model.WartimeStatus
	seqs, err := activeSeqs(tx, scope)
	if err != nil {
		return st, err
	}
	for _, seq := range seqs {
		a, err := s.getActivation(tx, seq)
		if err != nil {
			return st, err
		}
		st.Towns = append(st.Towns, a)
	}
	if st.Last, err = s.lastIn(tx, scope); err != nil {
		return st, err
	}
	if len(st.Towns) != 1 {
		return st, nil
	}
	a := st.Towns[0]
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
	if st.Drafts, err = s.draftsOf(tx, a.Seq); err != nil {
		return st, err
	}
	st.Rooms, err = s.roomsOnDuty(tx, a)
	return st, err
}

// roomsOnDuty counts who staffs a's town and village wartime rooms from
// the rooms' duty schedules at the store's clock and the people the file
// holds in its town (model.CountRoomsOnDuty): a room above the towns holds
// none of them, and a hub holds a federated town's people as the town
// sent them, and its schedule once the town's duty snapshot has all come
// (dutyScheduled; until then its rooms count by the flags), so the store
// counts for both. A room with a schedule is staffed while it has an
// officer on duty (duty now, the header): the two never disagree.
func (s *DB) roomsOnDuty(tx *bolt.Tx, a model.Activation) (model.RoomsOnDuty, error) {
	if len(a.Scope) == 0 {
		return model.CountRoomsOnDuty(a, nil, nil), nil
	}
	town := a.Scope[0].Town()
	people, err := roomPeople(tx, town)
	if err != nil {
		return model.RoomsOnDuty{}, err
	}
	scheduled, changes, err := s.roomSchedules(tx, a, s.clock())
	if err != nil {
		return model.RoomsOnDuty{}, err
	}
	r := model.CountRoomsOnDuty(a, people, scheduled)
	r.Changes = changes
	return r, nil
}

// roomPeople are the people placed in town who may staff a room (on duty,
// with either role's key: roomRecord). Only their records are decoded: a
// town's 3,500 decoded each time took 14 ms a status.
func roomPeople(tx *bolt.Tx, town model.NodeCode) ([]model.Person, error) {
	var people []model.Person
	ids := peopleIn(tx, town, false)
	slices.Sort(ids)
	// One cursor over the ids in order, stepping to the next id when it is
	// near (a town's people are numbered together) instead of seeking it
	// from the root: a town's 3,500 took 1.6 ms by Seek, 2-4 ms by Get.
	c := tx.Bucket(bucketPeople).Cursor()
	var k, v []byte
	for _, id := range ids {
		switch {
		case k == nil || getU64(k) > id || id-getU64(k) > 16:
			k, v = c.Seek(u64(id))
		default:
			for k != nil && getU64(k) < id {
				k, v = c.Next()
			}
		}
		if k == nil || getU64(k) != id || !roomRecord(v) {
			continue // a stray index entry is check's to report
		}
		p, err := decodePerson(id, v)
		if err != nil {
			return nil, err
		}
		people = append(people, p)
	}
	return people, nil
}

// roomSchedules is what the duty schedule says at at of the rooms of a's
// town that have one: the town's room and those of its villages in a's
// scope, each with whether one of its shifts runs (model.OnDuty has an
// officer on duty exactly then: its shifts never overlap); and the next
// moment a shift of them begins or ends (zero: none ahead). One cursor
// over idx_shift_room: three seeks and one shift read a room, the rooms
// without shifts skipped, whatever the length of the schedules (the
// Huajie demo's 28 rooms: 281 allocations, about 70 µs of CPU a status).
// None of a federated town whose schedule has not all come
// (dutyScheduled).
func (s *DB) roomSchedules(tx *bolt.Tx, a model.Activation, at time.Time) (map[model.NodeCode]bool, time.Time, error) {
	town := a.Scope[0].Town()
	out := map[model.NodeCode]bool{}
	var changes time.Time
	if !dutyScheduled(tx, town) {
		return out, changes, nil
	}
	soonest := func(t time.Time) {
		if changes.IsZero() || t.Before(changes) {
			changes = t
		}
	}
	c, stored := tx.Bucket(bucketIdxShiftRoom).Cursor(), tx.Bucket(bucketShifts)
	k, _ := c.Seek([]byte(town))
	for k != nil && bytes.HasPrefix(k, []byte(town)) {
		room, _, ok := splitShiftRoomKey(k)
		if !ok {
			return nil, changes, fmt.Errorf("idx_shift_room: malformed key %q", k)
		}
		if room == town || a.Covers(room) {
			running, end, next, err := s.roomShiftAt(c, stored, room, at)
			if err != nil {
				return nil, changes, err
			}
			out[room] = running
			for _, t := range []time.Time{end, next} {
				if !t.IsZero() {
					soonest(t)
				}
			}
		}
		k, _ = c.Seek(append([]byte(room), 1)) // the next room's first shift
	}
	return out, changes, nil
}

// roomShiftAt reads with c (over idx_shift_room) and stored (the shifts)
// whether a shift of room runs at at (and when it ends), and when its next
// shift begins (zero: none).
func (s *DB) roomShiftAt(c *bolt.Cursor, stored *bolt.Bucket, room model.NodeCode, at time.Time) (running bool, end, next time.Time, err error) {
	prefix := append([]byte(room), 0)
	k, _ := c.Seek(shiftRoomKey(room, at.Add(time.Nanosecond), 0))
	if k != nil && bytes.HasPrefix(k, prefix) {
		next = fromNanos(int64(getU64(k[len(k)-16:])), s.opts.Location) // the key's from
	}
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return false, end, next, nil
	}
	_, seq, _ := splitShiftRoomKey(k)
	v := stored.Get(u64(seq))
	if v == nil {
		return false, end, next, fmt.Errorf("idx_shift_room: shift %s of %s missing", model.FormatShiftID(seq), room)
	}
	var r struct {
		From int64 `json:"from"`
		To   int64 `json:"to"`
	} // of shiftRecord, only the times
	if err := json.Unmarshal(v, &r); err != nil {
		return false, end, next, fmt.Errorf("shift seq %d: %w", seq, err)
	}
	sh := model.Shift{From: fromNanos(r.From, s.opts.Location), To: fromNanos(r.To, s.opts.Location)}
	if !sh.Covers(at) {
		return false, end, next, nil
	}
	return true, sh.To, next, nil
}

var (
	onDutyField   = []byte(`"on_duty":true`)
	dutyOfficerIn = []byte(`"` + model.RoleDutyOfficer + `"`)
	cadreIn       = []byte(`"` + model.RoleVillageCadre + `"`)
)

// roomRecord reports whether a stored person may staff a room: on duty,
// with the duty officer's or the village cadre's key in it (a superset:
// the decoded person is judged by the rule).
func roomRecord(v []byte) bool {
	return bytes.Contains(v, onDutyField) && (bytes.Contains(v, dutyOfficerIn) || bytes.Contains(v, cadreIn))
}
