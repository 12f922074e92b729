package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// ImportRoster matches rows, a roster file's people in file order (ID the
// entry a row names, or 0), to the roster (model.PlanRoster) and, unless
// opts.DryRun, adds the new entries and, with opts.Update, writes the
// changed ones, in one transaction with one import event; it returns the
// plan, with the ids of the entries added. Each row must pass
// Person.Validate and be at a stored node. The import is refused, whole,
// for a row the plan cannot take (model.RosterRefusal: a clash, an
// ambiguous, unknown or taken row, a change without opts.Update) and for
// a change of a federated town's person; each refusal names its row
// (model.Error.Item, from 1). A dry run refuses only bad rows: its plan
// says the rest.
//
// The roster is read and the plan made in a read transaction, outside the
// writer; the write transaction takes the plan if no person has been
// written since (meta roster/rev), and plans again only if one has.
func (s *DB) ImportRoster(ctx context.Context, rows []model.Person, opts model.RosterImport, by model.PersonID, note string) ([]model.RosterRow, error) {
	list, err := cleanPeople(rows)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].ID = rows[i].ID // the entry the row names (cleanPeople keeps none)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var plan []model.RosterRow
	var rev uint64
	err = s.view(func(tx *bolt.Tx) error {
		var err error
		if plan, rev, err = planRoster(tx, list, opts.Keep); err != nil || opts.DryRun {
			return err
		}
		return rosterRefused(tx, plan, opts.Update)
	})
	if err != nil || opts.DryRun {
		return plan, err
	}
	var done []model.RosterRow
	if _, err := s.write(ctx, s.importRosterFn(list, plan, rev, opts, by, note, &done)); err != nil {
		return nil, err
	}
	return done, nil
}

// importRosterFn is the write of an import of list planned (plan) on the
// roster at rev: the plan again if a person has been written since, its
// refusals, the entries added and changed, the event; *done is the plan
// written.
func (s *DB) importRosterFn(list []model.Person, plan []model.RosterRow, rev uint64, opts model.RosterImport, by model.PersonID, note string, done *[]model.RosterRow) writeFn {
	return func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		*done = nil
		actor, err := actorOf(tx, by)
		if err != nil {
			return nil, err
		}
		p := slices.Clone(plan)
		if rosterRev(tx) != rev { // a person written since: plan again
			if p, _, err = planRoster(tx, list, opts.Keep); err != nil {
				return nil, err
			}
		}
		if err := rosterRefused(tx, p, opts.Update); err != nil {
			return nil, err
		}
		if err := rosterActor(tx, actor, p); err != nil {
			return nil, err
		}
		codes, err := s.applyRoster(tx, p)
		if err != nil {
			return nil, err
		}
		*done = p
		if len(codes) == 0 {
			return nil, nil
		}
		en, zh := rosterNote(p)
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActImport,
			Node: model.Over(codes), Note: joinNote(note, ": ", en), NoteZh: joinNote(note, "：", zh),
		}}, nil
	}
}

// cleanPeople is people as the roster stores them (names cleaned, phones,
// roles and reserve kinds canonical), each checked by Person.Validate; a
// refusal names its person (model.Error.Item, from 1).
func cleanPeople(people []model.Person) ([]model.Person, error) {
	list := make([]model.Person, 0, len(people))
	for i, p := range people {
		name, err := model.CleanText(p.Name, false)
		if err != nil {
			return nil, model.Errorf(model.EINVALID, "person %q: %s", model.Clip(p.Name, 20), model.ErrorMessage(err)).
				Zh("人员 %q：%s", model.Clip(p.Name, 20), model.ErrorMessageZh(err)).OnItem(i + 1)
		}
		p.Name = name
		if err := p.Validate(); err != nil {
			return nil, model.ItemError(err, i+1)
		}
		if p, err = canonicalPerson(p); err != nil {
			return nil, model.ItemError(err, i+1)
		}
		list = append(list, p)
	}
	return list, nil
}

// planRoster is model.PlanRoster of list against the roster in tx, with
// the roster's rev it was made on; a person at a node the tower lacks is
// refused.
func planRoster(tx *bolt.Tx, list []model.Person, keep []string) ([]model.RosterRow, uint64, error) {
	for i, p := range list {
		if !hasNode(tx, p.Node) {
			return nil, 0, model.Errorf(model.ENOTFOUND, "person %s: no node %s in the tower", p.Name, p.Node).
				Zh("人员 %s：网格塔中没有节点 %s", p.Name, p.Node).OnItem(i + 1)
		}
	}
	var stored []model.Person
	err := tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
		p, err := decodePerson(getU64(k), v)
		stored = append(stored, p)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return model.PlanRoster(stored, list, keep...), rosterRev(tx), nil
}

// rosterRefused is the refusal of the first row of plan the import may
// not take (model.RosterRefusal; a change of a federated town's person),
// naming the row; nil when it takes them all.
func rosterRefused(tx *bolt.Tx, plan []model.RosterRow, update bool) error {
	names := nodeNames(tx)
	row := func(n int) (string, string) {
		return fmt.Sprintf("row %d of this import", n), fmt.Sprintf("本批第 %d 行", n)
	}
	for i, r := range plan {
		if err := model.RosterRefusal(r, update, names, row); err != nil {
			return err.OnItem(i + 1).Naming(r.Other)
		}
		if r.Action == model.RosterChange {
			if err := refuseFedPerson(tx, r.Was); err != nil {
				return model.ItemError(err, i+1)
			}
		}
	}
	return nil
}

// rosterActor refuses an import by actor of a row it may not keep
// (model.MayKeepRoster): at its node, or, for a change, at the node the
// entry is at.
func rosterActor(tx *bolt.Tx, actor model.Person, plan []model.RosterRow) error {
	names := nodeNames(tx)
	for i, r := range plan {
		nodes := []model.NodeCode{r.Person.Node}
		switch r.Action {
		case model.RosterChange:
			nodes = append(nodes, r.Was.Node)
		case model.RosterAdd:
		default:
			continue
		}
		for _, n := range nodes {
			if err := model.RefuseRoster(actor, n, names); err != nil {
				return err.OnItem(i + 1)
			}
		}
	}
	return nil
}

// applyRoster writes plan's additions (giving them their ids) and
// changes, and returns the nodes they are at (a change's old node too).
func (s *DB) applyRoster(tx *bolt.Tx, plan []model.RosterRow) ([]model.NodeCode, error) {
	var codes []model.NodeCode
	b := tx.Bucket(bucketPeople)
	for i := range plan {
		r := &plan[i]
		switch r.Action {
		case model.RosterAdd:
			id, err := b.NextSequence()
			if err != nil {
				return nil, err
			}
			r.Person.ID = model.PersonID(id)
			s.wt.counts.at(r.Person.Node, model.PersonCounts(r.Person))
		case model.RosterChange:
			old := r.Was
			if old.Node != r.Person.Node {
				if err := tx.Bucket(bucketPeopleByNode).Delete(codeKey(old.Node, uint64(old.ID))); err != nil {
					return nil, err
				}
				codes = append(codes, old.Node)
			}
			var neg model.Counts
			neg.Add(model.PersonCounts(old), -1)
			s.wt.counts.at(old.Node, neg)
			s.wt.counts.at(r.Person.Node, model.PersonCounts(r.Person))
			s.wc.forget(old.ID)
		default:
			continue
		}
		if err := putPerson(tx, r.Person); err != nil {
			return nil, err
		}
		codes = append(codes, r.Person.Node)
	}
	return codes, nil
}

// rosterNote is the note of an import of plan: "3 people (1 a further
// post of P5), 1 updated (P4 roles) (2 skipped, already on the roster)",
// and in Chinese.
func rosterNote(plan []model.RosterRow) (en, zh string) {
	t := model.TallyRoster(plan)
	var changed, changedZh, posts []string
	for _, r := range plan {
		switch {
		case r.Action == model.RosterChange:
			var zhs []string
			for _, f := range r.Diff {
				zhs = append(zhs, model.RosterFieldZh(f))
			}
			changed = append(changed, fmt.Sprintf("%s %s", r.Person.ID, strings.Join(r.Diff, ", ")))
			changedZh = append(changedZh, fmt.Sprintf("%s %s", r.Person.ID, strings.Join(zhs, "、")))
		case r.Action == model.RosterAdd && len(r.PostOf) > 0:
			posts = append(posts, r.PostOf[0].ID.String())
		}
	}
	en, zh = fmt.Sprintf("%d people", t.Added), fmt.Sprintf("%d 人", t.Added)
	if t.Added == 1 {
		en = "1 person"
	}
	switch {
	case t.Posts == 1:
		en += fmt.Sprintf(" (1 a further post of %s)", posts[0])
		zh += fmt.Sprintf("（其中 1 人为 %s 的另一岗位）", posts[0])
	case t.Posts > 1:
		en += fmt.Sprintf(" (%d further posts of %s)", t.Posts, firstTen(posts, ", "))
		zh += fmt.Sprintf("（其中 %d 人为 %s 的另一岗位）", t.Posts, firstTen(posts, "、"))
	}
	if t.Updated > 0 {
		en += fmt.Sprintf(", %d updated (%s)", t.Updated, firstTen(changed, "; "))
		zh += fmt.Sprintf("，更新 %d 人（%s）", t.Updated, firstTen(changedZh, "；"))
	}
	if t.Same > 0 {
		en += fmt.Sprintf(" (%d skipped, already on the roster)", t.Same)
		zh += fmt.Sprintf("（%d 人已在名册，跳过）", t.Same)
	}
	return en, zh
}

// firstTen joins the first ten of items with sep, "…" after them when
// there are more: a note stays short whatever the file.
func firstTen(items []string, sep string) string {
	if len(items) <= 10 {
		return strings.Join(items, sep)
	}
	return strings.Join(items[:10], sep) + sep + "…"
}
