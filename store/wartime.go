package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
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

// slowestKept is how many of the slowest units a stored directive summary
// keeps.
const slowestKept = 5

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
	codes := make([]model.NodeCode, 0, len(scope))
	for _, c := range scope {
		code, err := model.ParseScopeCode(string(c))
		if err != nil {
			return model.Activation{}, err
		}
		codes = append(codes, code)
	}
	cycle := s.opts.Policy.RoleCycle
	var out model.Activation
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		current, err := s.activeActivation(tx)
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
		units := tx.Bucket(bucketWtUnits)
		units.FillPercent = appendFill // a new activation's keys all sort last
		gaps := 0
		for _, u := range f.units {
			rec := wtUnitRecord{Role: string(model.RoleFor(u.code, cycle)), Households: u.households}
			w, found, err := microGridWorker(tx, u.code)
			if err != nil {
				return nil, err
			}
			if found {
				rec.Worker, rec.WorkerName, rec.PrevOnDuty = uint64(w.ID), w.Name, w.OnDuty
				if !w.OnDuty {
					w.OnDuty = true
					if err := s.savePerson(tx, w); err != nil {
						return nil, err
					}
				}
			} else {
				gaps++
			}
			v, err := json.Marshal(rec)
			if err != nil {
				return nil, err
			}
			if err := units.Put(seqCodeKey(seq, u.code), v); err != nil {
				return nil, err
			}
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

// Deactivate ends wartime (model End): drafted reserves are released, every
// on-duty flag wartime changed is put back, the directives' clocks stop
// (their idx_dir_due entries go), and the after-action summary is computed
// and stored.
func (s *DB) Deactivate(ctx context.Context, id string, by model.PersonID) (model.AfterAction, error) {
	var out model.AfterAction
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		a, err := s.activeActivation(tx)
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

		// Put back the on-duty flags (the workers' and the drafted reserves').
		prev := map[model.PersonID]bool{}
		prefix := u64(a.Seq)
		c := tx.Bucket(bucketWtUnits).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			r, err := decodeUnitRecord(k, v)
			if err != nil {
				return nil, err
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
				return nil, err
			}
			if p.OnDuty != prev[id] {
				p.OnDuty = prev[id]
				if err := s.savePerson(tx, p); err != nil {
					return nil, err
				}
			}
		}

		// Release the drafted reserves.
		drafts := tx.Bucket(bucketWtDrafts)
		var keys, vals [][]byte
		dc := drafts.Cursor()
		for k, v := dc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = dc.Next() {
			var r draftRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return nil, fmt.Errorf("wt_drafts %x: %w", k, err)
			}
			if r.Released == 0 {
				r.Released = nanos(now)
			}
			nv, err := json.Marshal(r)
			if err != nil {
				return nil, err
			}
			keys, vals = append(keys, append([]byte(nil), k...)), append(vals, nv)
		}
		for i := range keys {
			if err := drafts.Put(keys[i], vals[i]); err != nil {
				return nil, err
			}
		}

		// Stop the directives' clocks.
		ds, err := s.activationDirectives(tx, a.Seq)
		if err != nil {
			return nil, err
		}
		due := tx.Bucket(bucketIdxDirDue)
		for _, d := range ds {
			units, err := s.directiveUnits(tx, d.Seq)
			if err != nil {
				return nil, err
			}
			for _, u := range units {
				if k := unitDueKey(d, u); k != nil {
					if err := due.Delete(k); err != nil {
						return nil, err
					}
				}
			}
		}

		if err := putActivation(tx, ended); err != nil {
			return nil, err
		}
		v, err := encodeAfterAction(x)
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketWtAfter).Put(u64(a.Seq), v); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketMeta).Delete(metaWtActive); err != nil {
			return nil, err
		}
		ev.ActorName = model.ActorName(actor)
		ev.Note += fmt.Sprintf("; %d directives, %d reserves released", len(x.Directives), len(keys))
		ev.NoteZh += fmt.Sprintf("；指令 %d 条，释放储备力量 %d 人", len(x.Directives), len(keys))
		out = x
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.AfterAction{}, err
	}
	return out, nil
}

// personDirective is one person's part in one directive: the unit of
// person-times.
type personDirective struct {
	person    model.PersonID
	directive string
}

// eventsCounted are the actions afterAction reads from the log; the others
// it skips without decoding.
var eventsCounted = [][]byte{
	[]byte(`"action":"report"`), []byte(`"action":"resolve"`), []byte(`"action":"sign"`),
	[]byte(`"action":"progress"`), []byte(`"action":"activate"`),
}

// afterAction computes the summary of activation a as of end:
//
//   - every directive of the activation, summarised by model.Summarize;
//   - incidents opened: distinct incidents reported, at a node in the
//     scope, after the activation (the log from its activate event on);
//   - incidents resolved: distinct incidents in the scope resolved in the
//     same window (whenever they were reported);
//   - person-times (人次): the number of distinct (person, directive) pairs
//     among the signatures and progress reports of the activation's
//     directives. A person who signs for a directive and then reports
//     progress on it three times counts once for it; the same person on two
//     directives counts twice. What the system did (model.System) is no
//     person's time and is not counted;
//   - reserves drafted: the drafts of the activation.
//
// It reads the log backwards from its end down to the activation's own
// event, so it costs what happened during the activation.
func (s *DB) afterAction(tx *bolt.Tx, a model.Activation, end time.Time) (model.AfterAction, error) {
	x := model.AfterAction{Activation: a, Duration: end.Sub(a.Since)}
	ds, err := s.activationDirectives(tx, a.Seq)
	if err != nil {
		return x, err
	}
	mine := make(map[string]bool, len(ds))
	for _, d := range ds {
		units, err := s.directiveUnits(tx, d.Seq)
		if err != nil {
			return x, err
		}
		x.Directives = append(x.Directives, model.Summarize(d, units, slowestKept))
		mine[d.ID] = true
	}
	opened, resolved := map[uint64]bool{}, map[uint64]bool{}
	pairs := map[personDirective]bool{}
	c := tx.Bucket(bucketEvents).Cursor()
scan:
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		counted := false
		for _, pat := range eventsCounted {
			if bytes.Contains(v, pat) {
				counted = true
				break
			}
		}
		if !counted {
			continue
		}
		ev, err := decodeEvent(getU64(k), v, s.opts.Location)
		if err != nil {
			return x, err
		}
		switch ev.Action {
		case model.ActActivate:
			if ev.Directive == a.ID {
				break scan
			}
		case model.ActReport:
			if a.Covers(ev.Node) {
				opened[ev.IncidentSeq] = true
			}
		case model.ActResolve:
			if a.Covers(ev.Node) {
				resolved[ev.IncidentSeq] = true
			}
		case model.ActSign, model.ActProgress:
			if mine[ev.Directive] && ev.Actor != model.System {
				pairs[personDirective{ev.Actor, ev.Directive}] = true
			}
		}
	}
	x.IncidentsOpened, x.IncidentsResolved, x.PersonTimes = len(opened), len(resolved), len(pairs)
	prefix := u64(a.Seq)
	dc := tx.Bucket(bucketWtDrafts).Cursor()
	for k, _ := dc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = dc.Next() {
		x.ReservesDrafted++
	}
	return x, nil
}

// AfterAction returns the summary of the activation with the public id
// ("" for the latest): the stored one for an ended activation, or, for the
// running one, the summary as of now (not stored).
func (s *DB) AfterAction(ctx context.Context, id string) (model.AfterAction, error) {
	if err := ctx.Err(); err != nil {
		return model.AfterAction{}, err
	}
	var seq uint64
	if strings.TrimSpace(id) != "" {
		n, err := parseActivationID(id)
		if err != nil {
			return model.AfterAction{}, err
		}
		seq = n
	}
	var out model.AfterAction
	err := s.view(func(tx *bolt.Tx) error {
		if seq == 0 {
			n, err := latestActivationSeq(tx)
			if err != nil {
				return err
			}
			if n == 0 {
				return model.Errorf(model.ENOTFOUND, "no wartime has been activated yet").Zh("尚未启动过战时")
			}
			seq = n
		}
		a, err := s.getActivation(tx, seq)
		if err != nil {
			return err
		}
		if a.Active() {
			out, err = s.afterAction(tx, a, s.clock())
			return err
		}
		v := tx.Bucket(bucketWtAfter).Get(u64(seq))
		if v == nil {
			return fmt.Errorf("wt_after: %s ended but has no after-action summary", a.ID)
		}
		out, err = decodeAfterAction(a, v, s.opts.Location)
		return err
	})
	return out, err
}

// WartimeStatus is the active activation with its units (in code order),
// the staffed and gap counts and the drafts; the zero status in peacetime.
func (s *DB) WartimeStatus(ctx context.Context) (model.WartimeStatus, error) {
	if err := ctx.Err(); err != nil {
		return model.WartimeStatus{}, err
	}
	var st model.WartimeStatus
	err := s.view(func(tx *bolt.Tx) error {
		a, err := s.activeActivation(tx)
		if err != nil || !a.Active() {
			return err
		}
		st.Active = a
		prefix := u64(a.Seq)
		c := tx.Bucket(bucketWtUnits).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			r, err := decodeUnitRecord(k, v)
			if err != nil {
				return err
			}
			st.Units = append(st.Units, r.status(model.NodeCode(k[8:])))
			if r.Worker != 0 {
				st.Staffed++
			} else {
				st.Gaps++
			}
		}
		st.Drafts, err = s.draftsOf(tx, a.Seq)
		return err
	})
	return st, err
}

func (s *DB) draftsOf(tx *bolt.Tx, act uint64) ([]model.Draft, error) {
	var out []model.Draft
	prefix := u64(act)
	c := tx.Bucket(bucketWtDrafts).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != 16 {
			return nil, fmt.Errorf("wt_drafts: malformed key %x", k)
		}
		var r draftRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("wt_drafts %x: %w", k, err)
		}
		out = append(out, r.draft(act, getU64(k[8:]), s.opts.Location))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// DraftReserve puts a reserve into a micro-grid gap of the active
// activation (model.CanDraft): the unit's worker becomes the reserve
// (drafted), who goes on duty until wartime ends.
func (s *DB) DraftReserve(ctx context.Context, person model.PersonID, micro model.NodeCode, by model.PersonID) (model.Draft, error) {
	code, err := model.ParseNodeCode(string(micro))
	if err != nil {
		return model.Draft{}, err
	}
	cycle := s.opts.Policy.RoleCycle
	var out model.Draft
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		a, err := s.activeActivation(tx)
		if err != nil {
			return nil, err
		}
		reserve, err := getPerson(tx, person)
		if err != nil {
			return nil, err
		}
		units := tx.Bucket(bucketWtUnits)
		key := seqCodeKey(a.Seq, code)
		var rec wtUnitRecord
		v := units.Get(key)
		if v != nil {
			if rec, err = decodeUnitRecord(key, v); err != nil {
				return nil, err
			}
		} else if a.Active() && a.Covers(code) && code.Level() == model.LevelMicroGrid {
			return nil, model.Errorf(model.ENOTFOUND, "no micro-grid %s in the tower", code).Zh("网格塔中没有微网格 %s", code)
		}
		drafted := a.Active() && tx.Bucket(bucketWtDrafts).Get(pairKey(a.Seq, uint64(person))) != nil
		if err := model.CanDraft(a, reserve, code, rec.Worker != 0, drafted); err != nil {
			return nil, err
		}
		if reserve.Node.Level() == model.LevelMicroGrid {
			ok := seqCodeKey(a.Seq, reserve.Node)
			if ov := units.Get(ok); ov != nil {
				own, err := decodeUnitRecord(ok, ov)
				if err != nil {
					return nil, err
				}
				if own.Worker == uint64(person) {
					return nil, model.Errorf(model.ECONFLICT, "%s (%s) already serves micro-grid %s", reserve.Name, reserve.ID, reserve.Node).
						Zh("%s（%s）已在微网格 %s 值守", reserve.Name, reserve.ID, reserve.Node)
				}
			}
		}
		if rec.Role == "" {
			rec.Role = string(model.RoleFor(code, cycle))
		}
		rec.Worker, rec.WorkerName, rec.Drafted, rec.PrevOnDuty = uint64(person), reserve.Name, true, reserve.OnDuty
		nv, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		if err := units.Put(key, nv); err != nil {
			return nil, err
		}
		dv, err := json.Marshal(draftRecord{MicroGrid: string(code), At: nanos(now), By: uint64(by), PrevOnDuty: reserve.OnDuty})
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketWtDrafts).Put(pairKey(a.Seq, uint64(person)), dv); err != nil {
			return nil, err
		}
		if !reserve.OnDuty {
			reserve.OnDuty = true
			if err := s.savePerson(tx, reserve); err != nil {
				return nil, err
			}
		}
		out = model.Draft{Activation: a.Seq, Person: person, MicroGrid: code, At: now, By: by}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActDraft, Node: code, Directive: a.ID,
			Note:   fmt.Sprintf("%s (%s, %s) drafted into %s as %s", reserve.Name, reserve.ID, reserve.Reserve, code, rec.Role),
			NoteZh: fmt.Sprintf("%s（%s，%s）→ %s，任%s", reserve.Name, reserve.ID, reserve.Reserve.Zh(), code, model.WartimeRole(rec.Role).Zh()),
		}}, nil
	})
	if err != nil {
		return model.Draft{}, err
	}
	return out, nil
}

// fanOut builds directive seq over the active activation at now: the rule
// (model.NewDirective with the policy's sign-for window), the targets'
// existence, and one unit per micro-grid of the activation under the
// targets, in code order.
func (s *DB) fanOut(tx *bolt.Tx, seq uint64, text string, targets []model.NodeCode, deadline time.Duration, by model.PersonID, now time.Time) (model.Directive, []model.DirectiveUnit, error) {
	a, err := s.activeActivation(tx)
	if err != nil {
		return model.Directive{}, nil, err
	}
	d, err := model.NewDirective(a, seq, text, targets, deadline, s.opts.Policy.SignFor, by, now)
	if err != nil {
		return model.Directive{}, nil, err
	}
	var units []model.DirectiveUnit
	c := tx.Bucket(bucketWtUnits).Cursor()
	for _, t := range d.Targets {
		if !hasNode(tx, t) {
			return model.Directive{}, nil, model.Errorf(model.ENOTFOUND, "to: no node %s in the tower", t).Zh("下达范围：网格塔中没有节点 %s", t)
		}
		prefix := seqCodeKey(a.Seq, t)
		n := len(units)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			units = append(units, model.DirectiveUnit{Directive: seq, Unit: model.NodeCode(k[8:]), SentAt: now})
		}
		if len(units) == n {
			return model.Directive{}, nil, model.Errorf(model.EINVALID, "to: no micro-grid under %s", t).Zh("下达范围：%s 下没有微网格", t)
		}
	}
	d.Units = len(units)
	return d, units, nil
}

// IssueDirective fans a directive out to every micro-grid of the active
// activation under the targets: the directive record, one directive_units
// record per micro-grid with its idx_dir_due entry at SignBy and its
// idx_unit_directives entry, and one event. With dryRun it computes the
// same in a read transaction and stores nothing (the id it returns is the
// one the next directive would take).
func (s *DB) IssueDirective(ctx context.Context, text string, targets []model.NodeCode, deadline time.Duration, by model.PersonID, dryRun bool) (model.Directive, []model.DirectiveUnit, error) {
	codes := make([]model.NodeCode, 0, len(targets))
	for _, t := range targets {
		c, err := model.ParseNodeCode(string(t))
		if err != nil {
			return model.Directive{}, nil, model.Errorf(model.EINVALID, "to: %s", model.ErrorMessage(err)).Zh("下达范围：%s", model.ErrorMessageZh(err))
		}
		codes = append(codes, c)
	}
	var (
		d     model.Directive
		units []model.DirectiveUnit
	)
	if dryRun {
		if err := ctx.Err(); err != nil {
			return d, nil, err
		}
		err := s.view(func(tx *bolt.Tx) error {
			if _, err := actorOf(tx, by); err != nil {
				return err
			}
			var err error
			d, units, err = s.fanOut(tx, tx.Bucket(bucketDirectives).Sequence()+1, text, codes, deadline, by, s.clock())
			return err
		})
		if err != nil {
			return model.Directive{}, nil, err
		}
		return d, units, nil
	}
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		seq, err := tx.Bucket(bucketDirectives).NextSequence()
		if err != nil {
			return nil, err
		}
		nd, nu, err := s.fanOut(tx, seq, text, codes, deadline, by, now)
		if err != nil {
			return nil, err
		}
		v, err := encodeDirective(nd)
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketDirectives).Put(u64(seq), v); err != nil {
			return nil, err
		}
		dus, due, byUnit := tx.Bucket(bucketDirectiveUnits), tx.Bucket(bucketIdxDirDue), tx.Bucket(bucketIdxUnitDirectives)
		dus.FillPercent, due.FillPercent = appendFill, appendFill // keys of a new directive sort last
		for _, u := range nu {
			uv, err := encodeDirectiveUnit(u)
			if err != nil {
				return nil, err
			}
			if err := dus.Put(seqCodeKey(seq, u.Unit), uv); err != nil {
				return nil, err
			}
			if k := unitDueKey(nd, u); k != nil {
				if err := due.Put(k, []byte{}); err != nil {
					return nil, err
				}
			}
			if err := byUnit.Put(unitDirKey(nd.Activation, u.Unit, seq), []byte{}); err != nil {
				return nil, err
			}
		}
		d, units = nd, nu
		node := nd.Targets[0]
		if len(nd.Targets) > 1 {
			node = node.Town()
		}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActDirective, Node: node, Directive: nd.ID,
			Note: fmt.Sprintf("%s to %d micro-grids (%s), sign for by %s, done by %s: %s", nd.ID, nd.Units,
				joinCodes(nd.Targets), nd.SignBy.Format("15:04"), nd.Deadline.Format("15:04"), nd.Text),
			NoteZh: fmt.Sprintf("%s → %d 个微网格（%s），%s 前签收，%s 前完成：%s", nd.ID, nd.Units,
				joinCodes(nd.Targets), nd.SignBy.Format("15:04"), nd.Deadline.Format("15:04"), nd.Text),
		}}, nil
	})
	if err != nil {
		return model.Directive{}, nil, err
	}
	return d, units, nil
}

func joinCodes(cs []model.NodeCode) string { return strings.Join(codeStrings(cs), ",") }

func (s *DB) getDirective(tx *bolt.Tx, seq uint64) (model.Directive, error) {
	v := tx.Bucket(bucketDirectives).Get(u64(seq))
	if v == nil {
		return model.Directive{}, model.Errorf(model.ENOTFOUND, "no directive %s", model.FormatDirectiveID(seq)).Zh("没有指令 %s", model.FormatDirectiveID(seq))
	}
	return decodeDirective(seq, v, s.opts.Location)
}

// directiveUnits are the units of directive seq, in code order.
func (s *DB) directiveUnits(tx *bolt.Tx, seq uint64) ([]model.DirectiveUnit, error) {
	var out []model.DirectiveUnit
	prefix := u64(seq)
	c := tx.Bucket(bucketDirectiveUnits).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		u, err := decodeDirectiveUnit(k, v, s.opts.Location)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// activationDirectives are the directives of activation act, in seq order.
// Directives are issued only while their activation is active, so their
// seqs follow the activations' order: the scan goes back from the newest
// and stops at the first of an older activation.
func (s *DB) activationDirectives(tx *bolt.Tx, act uint64) ([]model.Directive, error) {
	var out []model.Directive
	c := tx.Bucket(bucketDirectives).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		d, err := decodeDirective(getU64(k), v, s.opts.Location)
		if err != nil {
			return nil, err
		}
		if d.Activation < act {
			break
		}
		if d.Activation == act {
			out = append(out, d)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// Directive returns the directive with the public id and all its units, in
// code order; ENOTFOUND if there is none.
func (s *DB) Directive(ctx context.Context, id string) (model.Directive, []model.DirectiveUnit, error) {
	if err := ctx.Err(); err != nil {
		return model.Directive{}, nil, err
	}
	seq, err := parseDirectiveID(id)
	if err != nil {
		return model.Directive{}, nil, err
	}
	var (
		d     model.Directive
		units []model.DirectiveUnit
	)
	err = s.view(func(tx *bolt.Tx) error {
		var err error
		if d, err = s.getDirective(tx, seq); err != nil {
			return err
		}
		units, err = s.directiveUnits(tx, seq)
		return err
	})
	if err != nil {
		return model.Directive{}, nil, err
	}
	return d, units, nil
}

// Directives lists the directives of the active activation, else of the
// latest one, in seq order.
func (s *DB) Directives(ctx context.Context) ([]model.Directive, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []model.Directive
	err := s.view(func(tx *bolt.Tx) error {
		act, err := latestActivationSeq(tx)
		if err != nil || act == 0 {
			return err
		}
		out, err = s.activationDirectives(tx, act)
		return err
	})
	return out, err
}

// UnitDirectives lists the directives sent to one micro-grid, in seq
// order, each with the micro-grid's copy at the same index: a prefix scan
// of idx_unit_directives per activation.
func (s *DB) UnitDirectives(ctx context.Context, unit model.NodeCode) ([]model.Directive, []model.DirectiveUnit, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	code, err := model.ParseNodeCode(string(unit))
	if err != nil {
		return nil, nil, err
	}
	var (
		ds    []model.Directive
		units []model.DirectiveUnit
	)
	err = s.view(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketIdxUnitDirectives).Cursor()
		acts := tx.Bucket(bucketWtActivations).Cursor()
		for ak, _ := acts.First(); ak != nil; ak, _ = acts.Next() {
			prefix := append(append(append([]byte(nil), ak...), code...), 0)
			for k, _ := idx.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = idx.Next() {
				d, u, err := s.directiveUnit(tx, getU64(k[len(prefix):]), code)
				if err != nil {
					return err
				}
				ds, units = append(ds, d), append(units, u)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return ds, units, nil
}

// directiveUnit is directive seq and the copy micro-grid code holds;
// ENOTFOUND when there is no such directive or it was not sent there.
func (s *DB) directiveUnit(tx *bolt.Tx, seq uint64, code model.NodeCode) (model.Directive, model.DirectiveUnit, error) {
	d, err := s.getDirective(tx, seq)
	if err != nil {
		return d, model.DirectiveUnit{}, err
	}
	k := seqCodeKey(seq, code)
	v := tx.Bucket(bucketDirectiveUnits).Get(k)
	if v == nil {
		return d, model.DirectiveUnit{}, model.Errorf(model.ENOTFOUND, "%s was not sent to %s (it went to the %d micro-grids under %s)",
			d.ID, code, d.Units, joinCodes(d.Targets)).
			Zh("%s 未下达到 %s（它下达给 %s 下的 %d 个微网格）", d.ID, code, joinCodes(d.Targets), d.Units)
	}
	u, err := decodeDirectiveUnit(k, v, s.opts.Location)
	return d, u, err
}

// live refuses a change to a directive whose activation has ended.
func (s *DB) live(tx *bolt.Tx, d model.Directive) error {
	a, err := s.getActivation(tx, d.Activation)
	if err != nil {
		return err
	}
	if !a.Active() {
		ended := a.Ended.In(s.opts.Location).Format("2006-01-02 15:04")
		return model.Errorf(model.ECONFLICT, "%s belongs to wartime %s, which ended at %s", d.ID, a.ID, ended).
			Zh("%s 属于战时 %s，该战时已于 %s 结束", d.ID, a.ID, ended)
	}
	return nil
}

// saveDirectiveUnit writes a unit's copy and moves its idx_dir_due entry;
// old is the stored version.
func saveDirectiveUnit(tx *bolt.Tx, d model.Directive, u model.DirectiveUnit, old model.DirectiveUnit) error {
	v, err := encodeDirectiveUnit(u)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketDirectiveUnits).Put(seqCodeKey(d.Seq, u.Unit), v); err != nil {
		return err
	}
	ok, nk := unitDueKey(d, old), unitDueKey(d, u)
	if bytes.Equal(ok, nk) {
		return nil
	}
	due := tx.Bucket(bucketIdxDirDue)
	if ok != nil {
		if err := due.Delete(ok); err != nil {
			return err
		}
	}
	if nk != nil {
		return due.Put(nk, []byte{})
	}
	return nil
}

// unitRequest is what SignDirective and DirectiveProgress share: the ids
// checked before the writer.
func unitRequest(id string, unit model.NodeCode) (uint64, model.NodeCode, error) {
	seq, err := parseDirectiveID(id)
	if err != nil {
		return 0, "", err
	}
	code, err := model.ParseNodeCode(string(unit))
	if err != nil {
		return 0, "", err
	}
	return seq, code, nil
}

// SignDirective records that micro-grid unit signed for directive id (by a
// person on the roster, or model.System). Signing twice returns the unit
// as it is and writes nothing: the signed copy is found in a read
// transaction, and a signature once made is never undone.
func (s *DB) SignDirective(ctx context.Context, id string, unit model.NodeCode, by model.PersonID) (model.DirectiveUnit, error) {
	if err := ctx.Err(); err != nil {
		return model.DirectiveUnit{}, err
	}
	seq, code, err := unitRequest(id, unit)
	if err != nil {
		return model.DirectiveUnit{}, err
	}
	var out model.DirectiveUnit
	err = s.view(func(tx *bolt.Tx) error {
		if _, err := actorOf(tx, by); err != nil {
			return err
		}
		_, u, err := s.directiveUnit(tx, seq, code)
		if err == nil && u.Signed() {
			out = u
		}
		return err
	})
	if err != nil || out.Signed() {
		return out, err
	}
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		d, u, err := s.directiveUnit(tx, seq, code)
		if err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		next, changed := u.Sign(by, now)
		if !changed { // signed meanwhile
			out = u
			return nil, nil
		}
		if err := s.live(tx, d); err != nil {
			return nil, err
		}
		if err := saveDirectiveUnit(tx, d, next, u); err != nil {
			return nil, err
		}
		out = next
		took := now.Sub(d.IssuedAt).Round(time.Second)
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActSign, Node: code, Directive: d.ID,
			Note:   fmt.Sprintf("signed for %s after %s", d.ID, took),
			NoteZh: fmt.Sprintf("%s，用时 %s", d.ID, model.FormatWait(took)),
		}}, nil
	})
	if err != nil {
		return model.DirectiveUnit{}, err
	}
	return out, nil
}

// DirectiveProgress records how much of directive id micro-grid unit has
// done (model DirectiveUnit.Progress: it signs for it too, and done == of
// completes it).
func (s *DB) DirectiveProgress(ctx context.Context, id string, unit model.NodeCode, done, of int, by model.PersonID) (model.DirectiveUnit, error) {
	seq, code, err := unitRequest(id, unit)
	if err != nil {
		return model.DirectiveUnit{}, err
	}
	var out model.DirectiveUnit
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		d, u, err := s.directiveUnit(tx, seq, code)
		if err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		if err := s.live(tx, d); err != nil {
			return nil, err
		}
		next, err := u.Progress(done, of, by, now)
		if err != nil {
			return nil, err
		}
		if err := saveDirectiveUnit(tx, d, next, u); err != nil {
			return nil, err
		}
		out = next
		note, noteZh := fmt.Sprintf("%s: %d/%d", d.ID, done, of), fmt.Sprintf("%s：%d/%d", d.ID, done, of)
		if !u.Signed() {
			note, noteZh = note+", signed for", noteZh+"，已签收"
		}
		if next.Complete() && !u.Complete() {
			note, noteZh = note+", complete", noteZh+"，已完成"
		}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActProgress, Node: code, Directive: d.ID,
			Note: note, NoteZh: noteZh,
		}}, nil
	})
	if err != nil {
		return model.DirectiveUnit{}, err
	}
	return out, nil
}

// ResendDirective sends directive id again to the units that have not
// signed (Resends and SentAt; their escalation stands), and returns how
// many. When every unit has signed it returns 0 and records nothing.
func (s *DB) ResendDirective(ctx context.Context, id string, by model.PersonID) (int, error) {
	seq, err := parseDirectiveID(id)
	if err != nil {
		return 0, err
	}
	var n int
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		n = 0
		d, err := s.getDirective(tx, seq)
		if err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		if err := s.live(tx, d); err != nil {
			return nil, err
		}
		units, err := s.directiveUnits(tx, seq)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			if u.Signed() {
				continue
			}
			next := u
			next.Resends++
			next.SentAt = now
			if err := saveDirectiveUnit(tx, d, next, u); err != nil {
				return nil, err
			}
			n++
		}
		if n == 0 {
			return nil, nil
		}
		node := d.Targets[0]
		if len(d.Targets) > 1 {
			node = node.Town()
		}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActResend, Node: node, Directive: d.ID,
			Note:   fmt.Sprintf("%s resent to %d micro-grids that have not signed", d.ID, n),
			NoteZh: fmt.Sprintf("%s → %d 个未签收的微网格", d.ID, n),
		}}, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// dirDue reports whether idx_dir_due holds a check due at now.
func dirDue(tx *bolt.Tx, now time.Time) bool {
	k, _ := tx.Bucket(bucketIdxDirDue).Cursor().First()
	return len(k) > 16 && int64(getU64(k)) <= now.UnixNano()
}

// silentGroup is the silent units of one directive in one village that a
// sweep escalated: one event each.
type silentGroup struct {
	d       model.Directive
	village model.NodeCode
	from    model.Tier              // the lowest tier they climbed from ("" for the units themselves)
	to      map[model.Tier][]string // where they climbed to: their codes below the village
}

// sweepDirectives applies the sign-for clock (model SweepUnit) at now to
// every directive unit due in idx_dir_due, as many steps as are due (a
// unit found long silent climbs straight to the town room), and records
// one escalation event per directive and village: "3 micro-grids silent →
// village room (01-03, 02-01, 04-02)".
func (s *DB) sweepDirectives(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
	type hit struct {
		dir  uint64
		code model.NodeCode
	}
	var hits []hit
	limit := now.UnixNano()
	c := tx.Bucket(bucketIdxDirDue).Cursor()
	for k, _ := c.First(); k != nil && int64(getU64(k)) <= limit; k, _ = c.Next() {
		if len(k) > 16 {
			hits = append(hits, hit{getU64(k[8:16]), model.NodeCode(k[16:])})
		}
	}
	if len(hits) == 0 {
		return nil, nil
	}
	dirs := map[uint64]model.Directive{}
	groups := map[string]*silentGroup{}
	for _, h := range hits {
		d, ok := dirs[h.dir]
		if !ok {
			var err error
			if d, err = s.getDirective(tx, h.dir); err != nil {
				return nil, err
			}
			dirs[h.dir] = d
		}
		k := seqCodeKey(h.dir, h.code)
		v := tx.Bucket(bucketDirectiveUnits).Get(k)
		if v == nil {
			return nil, fmt.Errorf("idx_dir_due: %s/%s has no directive unit", d.ID, h.code)
		}
		u, err := decodeDirectiveUnit(k, v, s.opts.Location)
		if err != nil {
			return nil, err
		}
		next := u
		for {
			n, changed := next.SweepUnit(d, now)
			if !changed {
				break
			}
			next = n
		}
		if next == u {
			continue
		}
		if err := saveDirectiveUnit(tx, d, next, u); err != nil {
			return nil, err
		}
		village := h.code.Village()
		gk := d.ID + "/" + string(village)
		g := groups[gk]
		if g == nil {
			g = &silentGroup{d: d, village: village, from: u.Escalated, to: map[model.Tier][]string{}}
			groups[gk] = g
		}
		if u.Escalated.Rank() < g.from.Rank() {
			g.from = u.Escalated
		}
		g.to[next.Escalated] = append(g.to[next.Escalated], strings.TrimPrefix(string(h.code), string(village)+"-"))
	}
	list := make([]*silentGroup, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].d.Seq != list[j].d.Seq {
			return list[i].d.Seq < list[j].d.Seq
		}
		return list[i].village < list[j].village
	})
	evs := make([]model.Event, 0, len(list))
	for _, g := range list {
		var parts, partsZh []string
		top := model.Tier("")
		for _, t := range []model.Tier{model.TierVillage, model.TierTown} {
			codes := g.to[t]
			if len(codes) == 0 {
				continue
			}
			top = t
			sort.Strings(codes)
			what := "micro-grids"
			if len(codes) == 1 {
				what = "micro-grid"
			}
			parts = append(parts, fmt.Sprintf("%d %s silent → %s room (%s)", len(codes), what, t, listCodes(codes, 8, " and %d more")))
			partsZh = append(partsZh, fmt.Sprintf("%d 个微网格未签收 → %s（%s）", len(codes), roomZh[t], listCodes(codes, 8, " 等，另 %d 个")))
		}
		evs = append(evs, model.Event{
			At: now, Actor: model.System, ActorName: "system", Action: model.ActEscalate, Node: g.village,
			Directive: g.d.ID, Before: model.State{Tier: g.from}, After: model.State{Tier: top},
			Note:   g.d.ID + ": " + strings.Join(parts, "; "),
			NoteZh: g.d.ID + "：" + strings.Join(partsZh, "；"),
		})
	}
	return evs, nil
}

// roomZh names the command rooms silent units are escalated to.
var roomZh = map[model.Tier]string{model.TierVillage: "村指挥室", model.TierTown: "镇指挥室"}

// listCodes joins up to n codes, then says how many more with more (a
// format taking the count).
func listCodes(codes []string, n int, more string) string {
	if len(codes) <= n {
		return strings.Join(codes, ", ")
	}
	return strings.Join(codes[:n], ", ") + fmt.Sprintf(more, len(codes)-n)
}
