package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Drafts: reserves (储备力量) put into the micro-grid gaps of the active
// activation, on duty until it ends (Deactivate releases them) or until
// they are released one by one (ReleaseReserve).

// draftsOf lists the drafts of activation act, oldest first.
func (s *DB) draftsOf(tx *bolt.Tx, act uint64) ([]model.Draft, error) {
	var out []model.Draft
	prefix := u64(act)
	c := tx.Bucket(bucketWtDrafts).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != 16 {
			return nil, fmt.Errorf("wt_drafts: malformed key %x", k)
		}
		r, err := decodeDraftRecord(k, v)
		if err != nil {
			return nil, err
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
		actor, a, err := s.actorInTown(tx, by, code.Town())
		if err != nil {
			return nil, err
		}
		if err := fedWartimeCopy(tx, a); err != nil {
			return nil, err
		}
		reserve, err := getPerson(tx, person)
		if err != nil {
			return nil, err
		}
		rec, err := draftable(tx, a, reserve, code)
		if err != nil {
			return nil, err
		}
		if rec.Role == "" {
			rec.Role = string(model.RoleFor(code, cycle))
		}
		rec.Worker, rec.WorkerName, rec.Drafted, rec.PrevOnDuty = uint64(person), reserve.Name, true, reserve.OnDuty
		if err := putUnitRecord(tx.Bucket(bucketWtUnits), seqCodeKey(a.Seq, code), rec); err != nil {
			return nil, err
		}
		dv, err := json.Marshal(draftRecord{MicroGrid: string(code), At: nanos(now), By: uint64(by), PrevOnDuty: reserve.OnDuty})
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketWtDrafts).Put(pairKey(a.Seq, uint64(person)), dv); err != nil {
			return nil, err
		}
		if err := s.putOnDuty(tx, reserve); err != nil {
			return nil, err
		}
		out = model.Draft{Activation: a.Seq, Person: person, MicroGrid: code, At: now, By: by}
		unit := model.NameNodes([]model.NodeCode{code}, nodeNames(tx), "")
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActDraft, Node: code, Directive: a.ID,
			Subject: person,
			Note:    fmt.Sprintf("%s (%s, %s) drafted into %s as %s", reserve.Name, reserve.ID, reserve.Reserve, unit, rec.Role),
			NoteZh:  fmt.Sprintf("%s（%s，%s）→ %s，任%s", reserve.Name, reserve.ID, reserve.Reserve.Zh(), unit, model.WartimeRole(rec.Role).Zh()),
		}}, nil
	})
	if err != nil {
		return model.Draft{}, err
	}
	return out, nil
}

// draftable checks that reserve may be drafted into micro-grid code of
// activation a (model.CanDraft, and not out of a micro-grid they serve
// themselves) and returns the unit's record as stored (the zero record
// where there is none).
func draftable(tx *bolt.Tx, a model.Activation, reserve model.Person, code model.NodeCode) (wtUnitRecord, error) {
	units := tx.Bucket(bucketWtUnits)
	key := seqCodeKey(a.Seq, code)
	var rec wtUnitRecord
	if v := units.Get(key); v != nil {
		var err error
		if rec, err = decodeUnitRecord(key, v); err != nil {
			return rec, err
		}
	} else if a.Active() && a.Covers(code) && code.Level() == model.LevelMicroGrid {
		return rec, model.Errorf(model.ENOTFOUND, "no micro-grid %s in the tower", code).Zh("网格塔中没有微网格 %s", code)
	}
	drafted := false
	if dk := pairKey(a.Seq, uint64(reserve.ID)); a.Active() {
		if v := tx.Bucket(bucketWtDrafts).Get(dk); v != nil {
			r, err := decodeDraftRecord(dk, v)
			if err != nil {
				return rec, err
			}
			drafted = r.Released == 0 // one released may be drafted again
		}
	}
	if err := model.CanDraft(a, reserve, code, rec.Worker != 0, drafted, nodeNames(tx)); err != nil {
		return rec, err
	}
	if reserve.Node.Level() != model.LevelMicroGrid {
		return rec, nil
	}
	ok := seqCodeKey(a.Seq, reserve.Node)
	if ov := units.Get(ok); ov != nil {
		own, err := decodeUnitRecord(ok, ov)
		if err != nil {
			return rec, err
		}
		if own.Worker == uint64(reserve.ID) {
			served := model.NameNodes([]model.NodeCode{reserve.Node}, nodeNames(tx), "")
			return rec, model.Errorf(model.ECONFLICT, "%s (%s) already serves micro-grid %s", reserve.Name, reserve.ID, served).
				Zh("%s（%s）已在微网格 %s 值守", reserve.Name, reserve.ID, served)
		}
	}
	return rec, nil
}

// ReleaseReserve sends a drafted reserve home before wartime ends
// (model.CanRelease): the micro-grid they served is a gap again, their
// on-duty flag goes back to what it was before the draft, and the draft
// is marked released (the after-action summary still counts it).
func (s *DB) ReleaseReserve(ctx context.Context, person model.PersonID, by model.PersonID) (model.Draft, error) {
	var out model.Draft
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, reserve, err := s.wc.actorOn(tx, by, person)
		if err != nil {
			return nil, err
		}
		// Wartime is per town: the reserve's own, where they were drafted
		// (model.ReserveCandidates: from the micro-grid's village).
		a, err := s.activationIn(tx, reserve.Node.Town())
		if err != nil {
			return nil, err
		}
		drafts := tx.Bucket(bucketWtDrafts)
		dk := pairKey(a.Seq, uint64(person))
		var r draftRecord
		var d model.Draft
		v := drafts.Get(dk)
		if v != nil && a.Active() {
			if r, err = decodeDraftRecord(dk, v); err != nil {
				return nil, err
			}
			d = r.draft(a.Seq, uint64(person), s.opts.Location)
		}
		if err := model.CanRelease(a, reserve, d, v != nil); err != nil {
			return nil, err
		}
		units := tx.Bucket(bucketWtUnits)
		uk := seqCodeKey(a.Seq, d.MicroGrid)
		if uv := units.Get(uk); uv != nil {
			rec, err := decodeUnitRecord(uk, uv)
			if err != nil {
				return nil, err
			}
			if rec.Worker == uint64(person) {
				rec.Worker, rec.WorkerName, rec.Drafted, rec.PrevOnDuty = 0, "", false, false
				if err := putUnitRecord(units, uk, rec); err != nil {
					return nil, err
				}
			}
		}
		if reserve.OnDuty != r.PrevOnDuty {
			reserve.OnDuty = r.PrevOnDuty
			if err := s.savePerson(tx, reserve); err != nil {
				return nil, err
			}
		}
		r.Released = nanos(now)
		nv, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		if err := drafts.Put(dk, nv); err != nil {
			return nil, err
		}
		d.Released = now
		out = d
		unit := model.NameNodes([]model.NodeCode{d.MicroGrid}, nodeNames(tx), "")
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActRelease, Node: d.MicroGrid, Directive: a.ID,
			Note:   fmt.Sprintf("%s (%s) released from %s; it has no worker again", reserve.Name, reserve.ID, unit),
			NoteZh: fmt.Sprintf("%s（%s）解除征调，%s 恢复缺员", reserve.Name, reserve.ID, unit),
		}}, nil
	})
	if err != nil {
		return model.Draft{}, err
	}
	return out, nil
}
