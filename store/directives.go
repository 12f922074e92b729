package store

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Directives (指令): issued down the chain to every micro-grid under their
// targets, each unit's copy signed for and reported on by the unit, resent
// to the silent ones. A directive changes only while its activation is
// active (live).

// fanOut builds directive seq over the activation of the targets' town at
// now (a directive goes to one town's units, as wartime is per town): the rule
// (model.NewDirective with the policy's sign-for window), the existence of
// every target given (those under another too), and one unit per micro-grid of the activation under the
// targets, in code order.
func (s *DB) fanOut(tx *bolt.Tx, seq uint64, text string, targets []model.NodeCode, due dueFn, by model.PersonID, now time.Time) (model.Directive, []model.DirectiveUnit, error) {
	a, err := s.targetActivation(tx, targets)
	if err != nil {
		return model.Directive{}, nil, err
	}
	deadline, err := due(now)
	if err != nil {
		return model.Directive{}, nil, err
	}
	d, err := model.NewDirective(a, seq, text, targets, deadline, s.opts.Policy.SignFor, by, now, nodeNames(tx))
	if err != nil {
		return model.Directive{}, nil, err
	}
	for _, t := range targets { // each as given: one under another is not dropped unread
		if !hasNode(tx, t) {
			return model.Directive{}, nil, model.Errorf(model.ENOTFOUND, "to: no node %s in the tower", t).Zh("下达范围：网格塔中没有节点 %s", t)
		}
	}
	var units []model.DirectiveUnit
	c := tx.Bucket(bucketWtUnits).Cursor()
	for _, t := range d.Targets {
		prefix := seqCodeKey(a.Seq, t)
		n := len(units)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			units = append(units, model.DirectiveUnit{Directive: seq, Unit: model.NodeCode(k[8:]), SentAt: now})
		}
		if len(units) == n {
			place := model.NameNodes([]model.NodeCode{t}, nodeNames(tx), "")
			return model.Directive{}, nil, model.Errorf(model.EINVALID, "to: no micro-grid under %s", place).Zh("下达范围：%s 下没有微网格", place)
		}
	}
	d.Units = len(units)
	return d, units, nil
}

// targetActivation is the activation a directive to targets belongs to:
// their town's (EINVALID for targets across towns); with no targets, the
// one active when exactly one is (the rule then refuses the empty list).
func (s *DB) targetActivation(tx *bolt.Tx, targets []model.NodeCode) (model.Activation, error) {
	if len(targets) == 0 {
		seq, err := latestActivationSeq(tx)
		if err != nil || seq == 0 {
			return model.Activation{}, err
		}
		a, err := s.getActivation(tx, seq)
		if err != nil || !a.Active() {
			return model.Activation{}, err
		}
		return a, nil
	}
	town, err := model.OneTown(targets, "to", nodeNames(tx))
	if err != nil {
		return model.Activation{}, err
	}
	return s.activationIn(tx, town)
}

// IssueDirective fans a directive out to every micro-grid of the active
// activation under the targets: the directive record, one directive_units
// record per micro-grid with its idx_dir_due entry at SignBy and its
// idx_unit_directives entry, and one event. With dryRun it computes the
// same in a read transaction and stores nothing (the id it returns is the
// one the next directive would take).
func (s *DB) IssueDirective(ctx context.Context, text string, targets []model.NodeCode, deadline time.Duration, by model.PersonID, dryRun bool) (model.Directive, []model.DirectiveUnit, error) {
	return s.issueDirective(ctx, text, targets, within(deadline), by, dryRun)
}

// IssueDirectiveAt is IssueDirective with the deadline a time, kept
// exactly (model.DirectiveDue refuses one that has passed).
func (s *DB) IssueDirectiveAt(ctx context.Context, text string, targets []model.NodeCode, due time.Time, by model.PersonID, dryRun bool) (model.Directive, []model.DirectiveUnit, error) {
	return s.issueDirective(ctx, text, targets, func(now time.Time) (time.Duration, error) {
		return due.Sub(now), model.DirectiveDue(due, now)
	}, by, dryRun)
}

// dueFn is a directive's deadline as a duration from the write's now.
type dueFn func(now time.Time) (time.Duration, error)

// within is the deadline d from the write's now.
func within(d time.Duration) dueFn {
	return func(time.Time) (time.Duration, error) { return d, nil }
}

func (s *DB) issueDirective(ctx context.Context, text string, targets []model.NodeCode, deadline dueFn, by model.PersonID, dryRun bool) (model.Directive, []model.DirectiveUnit, error) {
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
			actor, err := actorOf(tx, by)
			if err != nil {
				return err
			}
			if err := mayIssue(tx, actor, codes); err != nil {
				return err
			}
			d, units, err = s.fanOut(tx, tx.Bucket(bucketDirectives).Sequence()+1, text, codes, deadline, by, s.clock())
			return err
		})
		if err != nil {
			return model.Directive{}, nil, err
		}
		return d, units, nil
	}
	d, err := writeQueued(ctx, s, func(out *model.Directive, q *fedQueue) writeFn {
		return s.directiveFn(text, codes, deadline, by, 0, out, &units, q)
	})
	if err != nil {
		return model.Directive{}, nil, err
	}
	return d, units, nil
}

// directiveFn is IssueDirective's write: it sets *d and *units. On a hub
// (q not nil) a directive to a federated town is queued as a command for
// it instead (q says so). cmd is the county's command that issues it, on a
// federated town (0: the file's own room's).
func (s *DB) directiveFn(text string, codes []model.NodeCode, deadline dueFn, by model.PersonID, cmd uint64, d *model.Directive, units *[]model.DirectiveUnit, q *fedQueue) writeFn {
	return func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		if err := mayIssue(tx, actor, codes); err != nil {
			return nil, err
		}
		if q != nil {
			in, err := deadline(now)
			if err != nil {
				return nil, err
			}
			if err := model.DirectiveDeadline(in, now); err != nil {
				return nil, err // the town would refuse it on arrival
			}
			if queued, err := s.queueDirective(tx, now, actor, q, text, codes, in); queued || err != nil {
				return nil, err
			}
		}
		seq, err := tx.Bucket(bucketDirectives).NextSequence()
		if err != nil {
			return nil, err
		}
		nd, nu, err := s.fanOut(tx, seq, text, codes, deadline, by, now)
		if err != nil {
			return nil, err
		}
		nd.Command = cmd
		if err := putDirective(tx, nd, nu); err != nil {
			return nil, err
		}
		*d, *units = nd, nu
		names := nodeNames(tx) // the targets as the console names them, codes kept
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActDirective, Node: directiveNode(nd), Directive: nd.ID,
			Note: fmt.Sprintf("%s to %s (%s), sign for by %s, done by %s: %s", nd.ID, model.Count(nd.Units, "micro-grid"),
				model.NameNodes(nd.Targets, names, ", "), model.DueClock(nd.SignBy, now), model.DueClock(nd.Deadline, now), nd.Text),
			NoteZh: fmt.Sprintf("%s → %d 个微网格（%s），%s 前签收，%s 前完成：%s", nd.ID, nd.Units,
				model.NameNodes(nd.Targets, names, "、"), model.DueClock(nd.SignBy, now), model.DueClock(nd.Deadline, now), nd.Text),
		}}, nil
	}
}

// mayIssue is nil when actor may issue a directive to codes: their scope
// holds every one (model.MayCommand) and they are a room above the
// micro-grids (model.MayDirect).
func mayIssue(tx *bolt.Tx, actor model.Person, codes []model.NodeCode) error {
	names := nodeNames(tx)
	if err := model.MayCommand(actor, codes, "to", names); err != nil {
		return err
	}
	return model.MayDirect(actor, names)
}

// putDirective writes a new directive d and its units: the records, each
// unit's idx_dir_due entry (its sign-for check) and idx_unit_directives
// entry.
func putDirective(tx *bolt.Tx, d model.Directive, units []model.DirectiveUnit) error {
	if err := putEncoded(tx.Bucket(bucketDirectives), u64(d.Seq), d, encodeDirective); err != nil {
		return err
	}
	dus, due, byUnit := tx.Bucket(bucketDirectiveUnits), tx.Bucket(bucketIdxDirDue), tx.Bucket(bucketIdxUnitDirectives)
	dus.FillPercent, due.FillPercent = appendFill, appendFill // keys of a new directive sort last
	for _, u := range units {
		if err := putEncoded(dus, seqCodeKey(d.Seq, u.Unit), u, encodeDirectiveUnit); err != nil {
			return err
		}
		if k := unitDueKey(d, u); k != nil {
			if err := due.Put(k, []byte{}); err != nil {
				return err
			}
		}
		if err := byUnit.Put(unitDirKey(d.Activation, u.Unit, d.Seq), []byte{}); err != nil {
			return err
		}
	}
	return nil
}

// directiveNode is the node a directive's events are at: its one target,
// or the town of several.
func directiveNode(d model.Directive) model.NodeCode {
	if len(d.Targets) > 1 {
		return d.Targets[0].Town()
	}
	return d.Targets[0]
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

// activationDirectives are the directives of activation act, in seq order:
// those idx_unit_directives names under act (every directive has a unit).
// Their seqs do not follow the activations' order: wartime is per town,
// and one town's directives are numbered between another's (on a hub,
// also as the towns' records arrive).
func (s *DB) activationDirectives(tx *bolt.Tx, act uint64) ([]model.Directive, error) {
	var seqs []uint64
	prefix := u64(act)
	c := tx.Bucket(bucketIdxUnitDirectives).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if _, dir, ok := splitCodeKey(k[8:]); ok {
			seqs = append(seqs, dir)
		}
	}
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	out := make([]model.Directive, 0, len(seqs))
	for _, seq := range seqs {
		d, err := s.getDirective(tx, seq)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
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

// Directives lists the directives of the activations active in scope ("" the
// whole file), else of the latest one that reached into it, in seq order.
func (s *DB) Directives(ctx context.Context, scope model.NodeCode) ([]model.Directive, error) {
	return viewIn(ctx, s, scope, func(tx *bolt.Tx, scope model.NodeCode) ([]model.Directive, error) {
		acts, err := activeSeqs(tx, scope)
		if err != nil {
			return nil, err
		}
		if len(acts) == 0 {
			last, err := s.lastIn(tx, scope)
			if err != nil || last.Seq == 0 {
				return nil, err
			}
			acts = []uint64{last.Seq}
		}
		var out []model.Directive
		for _, act := range acts {
			ds, err := s.activationDirectives(tx, act)
			if err != nil {
				return out, err
			}
			out = append(out, ds...)
		}
		slices.SortFunc(out, func(a, b model.Directive) int { return cmp.Compare(a.Seq, b.Seq) })
		return out, nil
	})
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
	u, err := s.unitCopy(tx, d, code)
	return d, u, err
}

// unitCopy is the copy of directive d micro-grid code holds; ENOTFOUND
// when d was not sent there.
func (s *DB) unitCopy(tx *bolt.Tx, d model.Directive, code model.NodeCode) (model.DirectiveUnit, error) {
	k := seqCodeKey(d.Seq, code)
	v := tx.Bucket(bucketDirectiveUnits).Get(k)
	if v == nil {
		names := nodeNames(tx)
		unit := model.NameNodes([]model.NodeCode{code}, names, "")
		return model.DirectiveUnit{}, model.Errorf(model.ENOTFOUND, "%s was not sent to %s (it went to the %s under %s)",
			d.ID, unit, model.Count(d.Units, "micro-grid"), model.NameNodes(d.Targets, names, ", ")).
			Zh("%s 未下达到 %s（它下达给 %s 下的 %d 个微网格）", d.ID, unit, model.NameNodes(d.Targets, names, "、"), d.Units)
	}
	return decodeDirectiveUnit(k, v, s.opts.Location)
}

// actingUnit is directive seq and micro-grid code's copy of it, for actor
// to sign or report on (onBehalf: whether on the unit's behalf, the unit's
// wartime record). The actor's scope (model.MaySignFor) is checked before
// the copy is looked for, so that one outside it is refused alike whether
// or not the directive went to the unit: it learns nothing of where.
func (s *DB) actingUnit(tx *bolt.Tx, seq uint64, code model.NodeCode, actor model.Person) (model.Directive, model.DirectiveUnit, bool, wtUnitRecord, error) {
	d, err := s.getDirective(tx, seq)
	if err == nil {
		err = fedDirectiveCopy(tx, d) // a hub's copy: the town's units act in the town
	}
	if err != nil {
		return d, model.DirectiveUnit{}, false, wtUnitRecord{}, err
	}
	behalf, rec, err := onBehalf(tx, d, code, actor)
	if err != nil {
		return d, model.DirectiveUnit{}, false, rec, err
	}
	u, err := s.unitCopy(tx, d, code)
	return d, u, behalf, rec, err
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

// liveActor is who acts on directive d (through the writer's cache),
// refused when d's activation has ended (live).
func (s *DB) liveActor(tx *bolt.Tx, d model.Directive, by model.PersonID) (model.Person, error) {
	actor, err := s.wc.actor(tx, by)
	if err != nil {
		return actor, err
	}
	return actor, s.live(tx, d)
}

// saveDirectiveUnit writes a unit's copy and moves its idx_dir_due entry;
// old is the stored version.
func saveDirectiveUnit(tx *bolt.Tx, d model.Directive, u model.DirectiveUnit, old model.DirectiveUnit) error {
	if err := putEncoded(tx.Bucket(bucketDirectiveUnits), seqCodeKey(d.Seq, u.Unit), u, encodeDirectiveUnit); err != nil {
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

// wartimeUnit is micro-grid code's record in activation act (its wartime
// worker, its households), the zero record where none is stored.
func wartimeUnit(tx *bolt.Tx, act uint64, code model.NodeCode) (wtUnitRecord, error) {
	k := seqCodeKey(act, code)
	v := tx.Bucket(bucketWtUnits).Get(k)
	if v == nil {
		return wtUnitRecord{}, nil
	}
	return decodeUnitRecord(k, v)
}

// onBehalf reports whether actor acts for micro-grid code of directive d on
// the unit's behalf (model.SignsOnBehalf, against the unit's wartime
// worker), with the unit's wartime record; EFORBIDDEN when actor may not
// act for the unit at all (model.MaySignFor: the one rule, whichever way
// the signature comes).
func onBehalf(tx *bolt.Tx, d model.Directive, code model.NodeCode, actor model.Person) (bool, wtUnitRecord, error) {
	rec, err := wartimeUnit(tx, d.Activation, code)
	if err != nil {
		return false, rec, err
	}
	worker := model.PersonID(rec.Worker)
	if err := model.MaySignFor(actor, code, worker, nodeNames(tx)); err != nil {
		return false, rec, err
	}
	return model.SignsOnBehalf(actor, code, worker), rec, nil
}

// behalfNote is what an event adds when actor signed for unit on its
// behalf (代签).
func behalfNote(tx *bolt.Tx, actor model.Person, unit model.NodeCode) (en, zh string) {
	who, name := model.ActorName(actor), model.NameNodes([]model.NodeCode{unit}, nodeNames(tx), "")
	return fmt.Sprintf(" (signed on behalf of %s by %s)", name, who), fmt.Sprintf("（%s 代 %s 签收）", who, name)
}

// SignDirective records that micro-grid unit signed for directive id (by a
// person on the roster, or model.System). A signer who is not one of the
// unit's own (model.SignsOnBehalf: a village cadre or grid worker above it,
// by phone) signs on its behalf (代签): recorded so (OnBehalf), said so in
// the event, and left out of the sign-for times. Signing twice returns the
// unit as it is and writes nothing: the signed copy is found in a read
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
		actor, err := actorOf(tx, by)
		if err != nil {
			return err
		}
		_, u, _, _, err := s.actingUnit(tx, seq, code, actor)
		if err != nil {
			return err
		}
		if u.Signed() {
			out = u
		}
		return nil
	})
	if err != nil || out.Signed() {
		return out, err
	}
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		d, u, behalf, _, err := s.actingUnit(tx, seq, code, actor)
		if err != nil {
			return nil, err
		}
		next, changed := u.Sign(by, behalf, now)
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
		ev := model.Event{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActSign, Node: code, Directive: d.ID,
			Due:    d.SignBy,
			Note:   fmt.Sprintf("signed for %s after %s", d.ID, model.FormatWait(took)),
			NoteZh: fmt.Sprintf("%s，用时 %s", d.ID, model.FormatWait(took)),
		}
		if behalf {
			en, zh := behalfNote(tx, actor, code)
			ev.Note, ev.NoteZh = ev.Note+en, ev.NoteZh+zh
			ev.OnBehalf = true
		}
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.DirectiveUnit{}, err
	}
	return out, nil
}

// DirectiveProgress records how much of directive id micro-grid unit has
// done (DirectiveProgressNote without a note: done may not go down).
func (s *DB) DirectiveProgress(ctx context.Context, id string, unit model.NodeCode, done, of int, by model.PersonID) (model.DirectiveUnit, error) {
	return s.DirectiveProgressNote(ctx, id, unit, done, of, by, "")
}

// DirectiveProgressNote records how much of directive id micro-grid unit
// has done (model DirectiveUnit.Progress: of at most the unit's households
// as the activation counted them, done lower than before only with a note
// saying why; it signs for the unit too, on its behalf when by is not one
// of its own, and done == of completes it). The note goes in the event.
func (s *DB) DirectiveProgressNote(ctx context.Context, id string, unit model.NodeCode, done, of int, by model.PersonID, note string) (model.DirectiveUnit, error) {
	seq, code, err := unitRequest(id, unit)
	if err != nil {
		return model.DirectiveUnit{}, err
	}
	var out model.DirectiveUnit
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		d, u, behalf, rec, err := s.actingUnit(tx, seq, code, actor)
		if err != nil {
			return nil, err
		}
		if err := s.live(tx, d); err != nil {
			return nil, err
		}
		next, err := u.Progress(model.ProgressReport{Done: done, Of: of, Households: rec.Households, Note: note, By: by, OnBehalf: behalf,
			UnitName: model.NameNodes([]model.NodeCode{code}, nodeNames(tx), "")}, now)
		if err != nil {
			return nil, err
		}
		if err := saveDirectiveUnit(tx, d, next, u); err != nil {
			return nil, err
		}
		out = next
		en, zh := fmt.Sprintf("%s: %d/%d", d.ID, done, of), fmt.Sprintf("%s：%d/%d", d.ID, done, of)
		if done < u.Done {
			en, zh = en+fmt.Sprintf(" (down from %d)", u.Done), zh+fmt.Sprintf("（原为 %d）", u.Done)
		}
		if !u.Signed() {
			en, zh = en+", signed for", zh+"，已签收"
			if behalf {
				b, bz := behalfNote(tx, actor, code)
				en, zh = en+b, zh+bz
			}
		}
		if next.Complete() && !u.Complete() {
			en, zh = en+", complete", zh+"，已完成"
		}
		if n, _ := model.CleanText(note, false); n != "" { // the rule refused one that does not clean
			en, zh = en+": "+n, zh+"："+n
		}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActProgress, Node: code, Directive: d.ID,
			Note: en, NoteZh: zh, Due: d.Deadline,
			OnBehalf: !u.Signed() && behalf, Completed: next.Complete() && !u.Complete(),
		}}, nil
	})
	if err != nil {
		return model.DirectiveUnit{}, err
	}
	return out, nil
}

// ResendDirective sends directive id again to the units that have not
// signed (Resends and SentAt; their escalation stands), those within node
// within or, when within is "", all of them, and returns how many. Who may
// is model.MayResend: a village room resends to its own units, the room
// above to all; a refusal writes nothing. The event names the node resent
// within and sits on it. When every unit resent to has signed it returns 0
// and records nothing. On a hub, a federated town's directive is the
// town's to resend: the county's own (sent down as a command) goes down as
// a command to resend it (model.FedQueued), the town's own is refused.
func (s *DB) ResendDirective(ctx context.Context, id string, within model.NodeCode, by model.PersonID) (int, error) {
	seq, err := parseDirectiveID(id)
	if err != nil {
		return 0, err
	}
	if within != "" {
		if within, err = model.ParseNodeCode(string(within)); err != nil {
			return 0, err
		}
	}
	return writeQueued(ctx, s, func(n *int, q *fedQueue) writeFn { return s.resendFn(seq, within, by, n, q) })
}

// resendFn is ResendDirective's write: it sets *n. On a hub (q not nil) a
// federated town's directive is queued as a command for the town, or
// refused (queueResend).
func (s *DB) resendFn(seq uint64, within model.NodeCode, by model.PersonID, n *int, q *fedQueue) writeFn {
	return func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		*n = 0
		d, err := s.getDirective(tx, seq)
		if err != nil {
			return nil, err
		}
		actor, err := s.liveActor(tx, d, by)
		if err != nil {
			return nil, err
		}
		if q != nil {
			if err := fedDirectiveOwn(tx, d); err != nil {
				return nil, err
			}
		}
		silent, err := s.silentUnits(tx, seq, within, actor)
		if err != nil || len(silent) == 0 {
			return nil, err
		}
		if q != nil {
			if queued, err := s.queueResend(tx, now, actor, q, d, within); queued || err != nil {
				return nil, err
			}
		}
		for _, u := range silent {
			next := u
			next.Resends++
			next.SentAt = now
			if err := saveDirectiveUnit(tx, d, next, u); err != nil {
				return nil, err
			}
		}
		*n = len(silent)
		return []model.Event{resendEvent(tx, d, actor, within, *n, now)}, nil
	}
}

// resendEvent is the event of directive d resent by actor to n silent
// units within within ("" all).
func resendEvent(tx *bolt.Tx, d model.Directive, actor model.Person, within model.NodeCode, n int, now time.Time) model.Event {
	ev := model.Event{
		At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActResend, Node: directiveNode(d), Directive: d.ID,
		Note:   fmt.Sprintf("%s resent to %s that %s not signed", d.ID, model.Count(n, "micro-grid"), hasHave(n)),
		NoteZh: fmt.Sprintf("%s → %d 个未签收的微网格", d.ID, n),
	}
	if within != "" {
		name := model.NameNodes([]model.NodeCode{within}, nodeNames(tx), "")
		ev.Node = within
		ev.Note = fmt.Sprintf("%s resent to %s of %s that %s not signed", d.ID, model.Count(n, "micro-grid"), name, hasHave(n))
		ev.NoteZh = fmt.Sprintf("%s → %s 的 %d 个未签收微网格", d.ID, name, n)
	}
	return ev
}

// silentUnits is the units of directive seq within node within ("" all)
// that have not signed, refused unless actor may resend to them
// (model.MayResend).
func (s *DB) silentUnits(tx *bolt.Tx, seq uint64, within model.NodeCode, actor model.Person) ([]model.DirectiveUnit, error) {
	units, err := s.directiveUnits(tx, seq)
	if err != nil {
		return nil, err
	}
	var out []model.DirectiveUnit
	beyond := 0
	for _, u := range units {
		if u.Signed() || (within != "" && !within.Contains(u.Unit)) {
			continue
		}
		if !actor.MayReportAt(u.Unit) {
			beyond++
		}
		out = append(out, u)
	}
	if err := model.MayResend(actor, model.FormatDirectiveID(seq), within, beyond, nodeNames(tx)); err != nil {
		return nil, err
	}
	return out, nil
}

// hasHave is the verb for n micro-grids: "1 micro-grid that has", "2 that
// have".
func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}
