package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// ImportRoster matches rows, a roster file's people in file order, to the
// roster (model.PlanRoster) and, unless opts.DryRun, adds the new entries
// and, with opts.Update, writes the changed ones, in one transaction with
// one import event; it returns the plan, with the ids of the entries
// added. Each row must pass Person.Validate and be at a stored node. The
// import is refused, whole, for a row that clashes with another or
// matches more than one entry, for a row that changes an entry without
// opts.Update, and for a change of a federated town's person; each
// refusal names its row (model.Error.Item, from 1). A dry run refuses
// only bad rows: its plan says the rest.
func (s *DB) ImportRoster(ctx context.Context, rows []model.Person, opts model.RosterImport, by model.PersonID, note string) ([]model.RosterRow, error) {
	list, err := cleanPeople(rows)
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var plan []model.RosterRow
		err := s.view(func(tx *bolt.Tx) error {
			var err error
			plan, err = planRoster(tx, list)
			return err
		})
		return plan, err
	}
	var plan []model.RosterRow
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		plan = nil
		actor, err := actorOf(tx, by)
		if err != nil {
			return nil, err
		}
		p, err := planRoster(tx, list)
		if err != nil {
			return nil, err
		}
		if err := rosterRefused(tx, p, opts.Update); err != nil {
			return nil, err
		}
		codes, err := s.applyRoster(tx, p)
		if err != nil || len(codes) == 0 {
			return nil, err
		}
		plan = p
		en, zh := rosterSummary(p)
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActImport,
			Node: model.Over(codes), Note: joinNote(note, ": ", en), NoteZh: joinNote(note, "：", zh),
		}}, nil
	})
	if err != nil {
		return nil, err
	}
	if plan == nil { // nothing to write: the plan as it stood
		return s.ImportRoster(ctx, rows, model.RosterImport{DryRun: true}, by, note)
	}
	return plan, nil
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

// planRoster is model.PlanRoster of list against the roster in tx; a
// person at a node the tower lacks is refused.
func planRoster(tx *bolt.Tx, list []model.Person) ([]model.RosterRow, error) {
	for i, p := range list {
		if !hasNode(tx, p.Node) {
			return nil, model.Errorf(model.ENOTFOUND, "person %s: no node %s in the tower", p.Name, p.Node).
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
		return nil, err
	}
	return model.PlanRoster(stored, list), nil
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

// rosterSummary is the note of an import of plan: "3 people, 1 updated
// (P4 roles) (2 skipped, already on the roster)", and in Chinese.
func rosterSummary(plan []model.RosterRow) (en, zh string) {
	var added, skipped int
	var changed, changedZh []string
	for _, r := range plan {
		switch r.Action {
		case model.RosterAdd:
			added++
		case model.RosterSame, model.RosterRepeat:
			skipped++
		case model.RosterChange:
			var zhs []string
			for _, f := range r.Diff {
				zhs = append(zhs, model.RosterFieldZh(f))
			}
			changed = append(changed, fmt.Sprintf("%s %s", r.Person.ID, strings.Join(r.Diff, ", ")))
			changedZh = append(changedZh, fmt.Sprintf("%s %s", r.Person.ID, strings.Join(zhs, "、")))
		}
	}
	en, zh = fmt.Sprintf("%d people", added), fmt.Sprintf("%d 人", added)
	if added == 1 {
		en = "1 person"
	}
	if len(changed) > 0 {
		en += fmt.Sprintf(", %d updated (%s)", len(changed), firstTen(changed, "; "))
		zh += fmt.Sprintf("，更新 %d 人（%s）", len(changed), firstTen(changedZh, "；"))
	}
	if skipped > 0 {
		en += fmt.Sprintf(" (%d skipped, already on the roster)", skipped)
		zh += fmt.Sprintf("（%d 人已在名册，跳过）", skipped)
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
