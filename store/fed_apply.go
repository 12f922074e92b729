package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The hub's read model: FedApply writes the towns' records into the
// county's file's ordinary buckets (nodes, people, incidents and their
// indexes, node_counts, the figures, wartime per town, the event log)
// through the writer, so the rooms above the towns, stats and the
// subscribers read a federated town as they read a town stored there. What
// is the hub's own and what is a town's is told apart by fed_towns (the
// towns it holds records of) and the maps from a town's numbers to the
// hub's (fed_people, fed_incidents, fed_acts): person ids, incident seqs
// and activation seqs are each file's own, so every one a record names is
// mapped. Incident ids keep the town's date and number; the prefix is the
// town's unless another town (or the hub's own incidents) holds it, then a
// letter is added (HJ, HJB, HJC...), so two towns' ids never collide.
//
// A federated town's incidents are the town's to move: the hub keeps them
// out of idx_due (its sweep never escalates a copy), and Act refuses them.
// Its figures (idx_escalations, idx_pass_on) are written from the mirrored
// events, as check derives them from the log.

// Buckets of the federation (schema 14).
var (
	bucketFedTowns     = []byte("fed_towns")
	bucketFedPeople    = []byte("fed_people")
	bucketFedIncidents = []byte("fed_incidents")
	bucketFedActs      = []byte("fed_acts")
	bucketFedCommands  = []byte("fed_commands")
	// Schema 16.
	bucketFedDirectives = []byte("fed_directives")
	bucketFedPatrols    = []byte("fed_patrols")
	bucketFedFindings   = []byte("fed_findings")
	bucketFedAreas      = []byte("fed_areas")
	// Schema 17.
	bucketFedShifts    = []byte("fed_shifts")
	bucketFedHandovers = []byte("fed_handovers")
	bucketFedRotations = []byte("fed_rotations")
)

// fedTownRecord is what the hub keeps of a town (fed_towns, key its code).
type fedTownRecord struct {
	Applied    uint64 `json:"applied"`               // the last record applied (the town's event seq)
	NewestAt   int64  `json:"newest_at,omitempty"`   // the newest event's time, Unix nanos
	AppliedAt  int64  `json:"applied_at,omitempty"`  // the hub's clock when it last applied one
	Prefix     string `json:"prefix"`                // the prefix of its incident ids here
	TownPrefix string `json:"town_prefix,omitempty"` // the prefix the town gives them
	Records    uint64 `json:"records"`               // how many records applied
	// DutySynced: the town's duty snapshot has all come (the last of its
	// ActFedDuty markers): the hub counts its rooms by its copies of the
	// town's schedule from then on, by the on-duty flags before.
	DutySynced bool `json:"duty_synced,omitempty"`
}

func getFedTown(tx *bolt.Tx, town model.NodeCode) (fedTownRecord, bool, error) {
	v := tx.Bucket(bucketFedTowns).Get([]byte(town))
	if v == nil {
		return fedTownRecord{}, false, nil
	}
	r, err := decodeRecord[fedTownRecord](v, "fed_towns/%s", town)
	return r, err == nil, err
}

func putFedTown(tx *bolt.Tx, town model.NodeCode, r fedTownRecord) error {
	return putRecord(tx.Bucket(bucketFedTowns), []byte(town), r)
}

// isFedTown reports whether the hub holds records of town.
func isFedTown(tx *bolt.Tx, town model.NodeCode) bool {
	b := tx.Bucket(bucketFedTowns)
	return b != nil && town != "" && b.Get([]byte(town)) != nil
}

// refuseFedPerson refuses p as the actor of a write in a hub's file when p is a
// federated town's person (the hub holds a copy of the town's roster): they
// act in their town's own room and file. Otherwise a county machine could
// send the town a command, or note an incident, in the name of the town's
// own officer.
func refuseFedPerson(tx *bolt.Tx, p model.Person) error {
	town := p.Node.Town()
	if !isFedTown(tx, town) {
		return nil
	}
	name := nodeName(tx, town)
	return model.Errorf(model.EFORBIDDEN, "%s %s is of %s, a federated town: this file holds a copy of them; they act in %s's own room (here, act as one of the county's own people: --as P..)", p.ID, p.Name, name, name).
		Zh("%s %s 属联网镇%s：本库只存其副本，请在该镇指挥室操作（在此请以本级人员身份操作：--as P..）", p.ID, p.Name, name)
}

// fedCopy is the refusal of an act on a federated town's incident in a
// hub's file: the town's room moves it, and the next record would undo a
// change made to the copy.
func fedCopy(tx *bolt.Tx, inc model.Incident) error {
	name := nodeName(tx, inc.Node.Town())
	return model.Errorf(model.ECONFLICT, "%s is an incident of %s, a federated town: its own room acts on it (this file holds a copy)", inc.ID, name).
		Zh("%s 是联网镇%s的事件：由该镇指挥室处置（本库只存副本）", inc.ID, name)
}

// notFedTown refuses a report, a sensor alert or a watched heartbeat at
// node in a hub's file when node is in a federated town: the town's own
// room and file take them, and this file's copy of the town is the town's
// records' to write (an incident of the hub's own there would be moved by
// the hub's sweep while Act refused it as a copy).
func notFedTown(tx *bolt.Tx, node model.NodeCode) error {
	town := node.Town()
	if !isFedTown(tx, town) {
		return nil
	}
	name := nodeName(tx, town)
	return model.Errorf(model.ECONFLICT, "%s is in %s, a federated town: its reports, alerts and watches are %s's own room's (this file holds a copy of the town)", node, name, name).
		Zh("%s 属联网镇%s：该处的上报、告警和监测由该镇指挥室负责（本库只存其副本）", node, name)
}

// fedWartimeCopy refuses to change a federated town's wartime in a hub's
// file (ending it, drafting into it): the town's room runs it, and its
// next record would undo the copy's change.
func fedWartimeCopy(tx *bolt.Tx, a model.Activation) error {
	for _, c := range a.Scope {
		if town := c.Town(); isFedTown(tx, town) {
			name := nodeName(tx, town)
			return model.Errorf(model.ECONFLICT, "%s is the wartime of %s, a federated town: its own room runs it (this file holds a copy)", a.ID, name).
				Zh("%s 是联网镇%s的战时：由该镇指挥室负责（本库只存副本）", a.ID, name)
		}
	}
	return nil
}

// FedApplied is the last seq applied of town (0: none).
func (s *DB) FedApplied(ctx context.Context, town model.NodeCode) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n uint64
	err := s.view(func(tx *bolt.Tx) error {
		r, _, err := getFedTown(tx, town)
		n = r.Applied
		return err
	})
	return n, err
}

// FedTowns lists the towns the hub holds records of, in code order, with
// the last record applied and the time of the newest event (model.FedTown).
func (s *DB) FedTowns(ctx context.Context) ([]model.FedTown, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []model.FedTown
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFedTowns).ForEach(func(k, v []byte) error {
			var r fedTownRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("fed_towns/%s: %w", k, err)
			}
			t := model.FedTown{Town: model.NodeCode(k), Applied: r.Applied,
				NewestAt:  fromNanos(r.NewestAt, s.opts.Location),
				AppliedAt: fromNanos(r.AppliedAt, s.opts.Location)}
			if n, err := getNode(tx, t.Town); err == nil {
				t.Name = n.Name
			}
			out = append(out, t)
			return nil
		})
	})
	return out, err
}

// FedApply applies recs in one transaction through the writer and returns
// how many were new; a record at or below its town's applied seq is
// skipped. The applied seq of each town is written in the same
// transaction, so a batch given again, overlapping, or after a restart is
// applied once. A town's first record must carry (the first part of) its
// structure.
func (s *DB) FedApply(ctx context.Context, recs []model.FedRecord) (int, error) {
	ws := make([]fedWire, len(recs))
	for i, r := range recs {
		w, err := decodeWire(r)
		if err != nil {
			return 0, err
		}
		ws[i] = w
	}
	var applied int
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		a := &fedApplier{s: s, tx: tx, now: now, towns: map[model.NodeCode]*fedTownRecord{},
			mirrored: map[uint64][]model.Event{}}
		applied = 0
		var evs []model.Event
		for _, w := range ws {
			ev, ok, err := a.apply(w)
			if err != nil {
				return nil, err
			}
			evs, a.own = append(evs, a.own...), nil // the hub's own, before the record's
			if ok {
				evs = append(evs, ev)
				applied++
			}
		}
		for town, r := range a.towns {
			if err := putFedTown(tx, town, *r); err != nil {
				return nil, err
			}
		}
		return evs, nil
	})
	if err != nil {
		return 0, err
	}
	return applied, nil
}

// fedApplier applies the records of one FedApply in the writer's
// transaction.
type fedApplier struct {
	s     *DB
	tx    *bolt.Tx
	now   time.Time
	towns map[model.NodeCode]*fedTownRecord // read once, written at the end
	// mirrored are the events of this request so far by hub incident seq:
	// not in the log until the request returns, but earlier than the next.
	mirrored map[uint64][]model.Event
	// own are the events of the hub's own that the record being applied
	// makes (a lost copy's wartime superseded): logged before its event.
	own []model.Event
}

// town is the hub's record of town; a new one (Applied 0) if none.
func (a *fedApplier) town(code model.NodeCode) (*fedTownRecord, bool, error) {
	if r, ok := a.towns[code]; ok {
		return r, r.Records > 0 || r.Prefix != "", nil
	}
	r, ok, err := getFedTown(a.tx, code)
	if err != nil {
		return nil, false, err
	}
	a.towns[code] = &r
	return &r, ok, nil
}

// apply applies one record: the structure part, the wartime, the incident
// and the event, which it returns mapped (ok false: applied before).
func (a *fedApplier) apply(w fedWire) (model.Event, bool, error) {
	town := model.NodeCode(w.Town)
	t, known, err := a.town(town)
	if err != nil {
		return model.Event{}, false, err
	}
	if w.Seq <= t.Applied {
		return model.Event{}, false, nil
	}
	id := model.FedMsgID(town, w.Seq)
	if !known {
		if w.Tower == nil || w.Tower.Part != 0 {
			return model.Event{}, false, model.Errorf(model.EINVALID,
				"federation: record %s is the first the hub has of town %s and does not carry its structure; the town must publish from its log's start", id, town).
				Zh("联网：记录 %s 是本库收到的镇 %s 的第一条记录，但未携带其网格结构；该镇须从日志起点重新上报", id, town)
		}
		if err := a.claimPrefix(town, t, w.Prefix); err != nil {
			return model.Event{}, false, err
		}
	}
	if w.Tower != nil {
		if err := a.tower(town, t, w.Tower); err != nil {
			return model.Event{}, false, fmt.Errorf("federation: record %s: %w", id, err)
		}
	}
	for _, p := range w.People {
		if err := a.upsertPerson(town, p); err != nil {
			return model.Event{}, false, fmt.Errorf("federation: record %s: %w", id, err)
		}
	}
	for _, act := range w.Wartime {
		if err := a.activation(town, act); err != nil {
			return model.Event{}, false, fmt.Errorf("federation: record %s: %w", id, err)
		}
	}
	var inc *model.Incident
	if w.Incident != nil {
		x, err := a.incident(town, t, *w.Incident)
		if err != nil {
			return model.Event{}, false, fmt.Errorf("federation: record %s: %w", id, err)
		}
		inc = &x
	}
	m, err := a.mirrors(town, t, w)
	if err != nil {
		return model.Event{}, false, fmt.Errorf("federation: record %s: %w", id, err)
	}
	ev, err := a.event(town, w, inc, m)
	if err != nil {
		return model.Event{}, false, fmt.Errorf("federation: record %s: %w", id, err)
	}
	t.Applied = w.Seq
	t.Records++
	t.AppliedAt = nanos(a.now)
	if n := nanos(ev.At); n > t.NewestAt {
		t.NewestAt = n
	}
	return ev, true, nil
}

// claimPrefix gives a new town the prefix of its incident ids here: its
// own, unless another town holds it or it is the hub's own (town_prefix of
// the hub's file, or one of its own towns' (idPrefix): its own reports, now
// or later, number in the same days); then the first of it plus B, C, ...
// Z that is free.
func (a *fedApplier) claimPrefix(town model.NodeCode, t *fedTownRecord, want string) error {
	if err := model.ValidPrefix(want); err != nil {
		return fmt.Errorf("federation: town %s: %w", town, err)
	}
	// The towns federated here and the hub's own towns (idPrefix), whose
	// reports number in the same days.
	taken, err := takenPrefixes(a.tx)
	if err != nil {
		return err
	}
	for code, r := range a.towns {
		if code != town {
			taken[r.Prefix] = true
		}
	}
	taken[a.s.opts.Prefix] = true // the hub's own reports', now or later
	t.TownPrefix = want
	p, ok := freePrefix(want, taken)
	if !ok {
		return fmt.Errorf("federation: town %s: no free prefix for its incident ids after %s", town, want)
	}
	t.Prefix = p
	return nil
}

// person maps a town's person id to the hub's (0, the system, for one
// the hub does not have).
func (a *fedApplier) person(town model.NodeCode, id model.PersonID) (model.PersonID, error) {
	if id == model.System {
		return model.System, nil
	}
	v := a.tx.Bucket(bucketFedPeople).Get(codeKey(town, uint64(id)))
	switch {
	case v == nil:
		return model.System, nil
	case len(v) != 8:
		return 0, fmt.Errorf("fed_people/%s/%d: %d bytes, want 8", town, id, len(v))
	}
	return model.PersonID(getU64(v)), nil
}

// tower applies a part of a town's structure: the nodes the hub lacks are
// added (those it has, a county's tower imported first, are left as they
// are), each person is added or, known, brought up to date, and so is each
// patrol area.
func (a *fedApplier) tower(town model.NodeCode, t *fedTownRecord, p *fedPart) error {
	st, err := readFedPart(p)
	if err != nil {
		return err
	}
	list := make([]model.Node, 0, len(st.Nodes))
	batch := make(map[model.NodeCode]model.Node, len(st.Nodes))
	for _, n := range st.Nodes {
		c, err := model.ParseNodeCode(n.Code)
		if err != nil {
			return fmt.Errorf("structure: %w", err)
		}
		if c != town && !c.Contains(town) && !town.Contains(c) {
			return fmt.Errorf("structure: node %s is not of town %s", c, town)
		}
		node, err := decodeNode([]byte(c), n.Rec)
		if err != nil {
			return err
		}
		list = append(list, node)
		batch[c] = node
	}
	slices.SortFunc(list, func(x, y model.Node) int { return strings.Compare(string(x.Code), string(y.Code)) })
	if _, err := a.s.addNodes(a.tx, list, batch); err != nil {
		return err
	}
	for _, fp := range st.People {
		if err := a.upsertPerson(town, fp); err != nil {
			return err
		}
	}
	for _, fa := range st.Areas {
		if err := a.area(town, t, fa); err != nil {
			return err
		}
	}
	return nil
}

// readFedPart reads a structure's part.
func readFedPart(p *fedPart) (fedTower, error) {
	var t fedTower
	zr, err := gzip.NewReader(bytes.NewReader(p.Gzip))
	if err != nil {
		return t, fmt.Errorf("structure part %d: %w", p.Part, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return t, fmt.Errorf("structure part %d: %w", p.Part, err)
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, fmt.Errorf("structure part %d: %w", p.Part, err)
	}
	return t, nil
}

// upsertPerson adds a town's person the hub does not have, or writes the
// one it has as the town has it now.
func (a *fedApplier) upsertPerson(town model.NodeCode, fp fedPerson) error {
	p, err := decodePerson(fp.ID, fp.Rec)
	if err != nil {
		return err
	}
	if !hasNode(a.tx, p.Node) {
		return fmt.Errorf("person P%d of town %s: no node %s", fp.ID, town, p.Node)
	}
	mk := codeKey(town, fp.ID)
	m := a.tx.Bucket(bucketFedPeople)
	counts := &a.s.wt.counts
	if v := m.Get(mk); v != nil {
		if len(v) != 8 {
			return fmt.Errorf("fed_people/%s/%d: %d bytes, want 8", town, fp.ID, len(v))
		}
		p.ID = model.PersonID(getU64(v))
		old, err := getPerson(a.tx, p.ID)
		if err != nil {
			return err
		}
		p.Lang = old.Lang // the seat's language is the hub's own
		if encodedEqual(old, p) {
			return nil
		}
		if old.Node != p.Node {
			if err := a.tx.Bucket(bucketPeopleByNode).Delete(codeKey(old.Node, uint64(p.ID))); err != nil {
				return err
			}
		}
		var neg model.Counts
		neg.Add(model.PersonCounts(old), -1)
		counts.at(old.Node, neg)
		counts.at(p.Node, model.PersonCounts(p))
		a.s.wc.forget(p.ID)
		return putPerson(a.tx, p)
	}
	id, err := a.tx.Bucket(bucketPeople).NextSequence()
	if err != nil {
		return err
	}
	p.ID = model.PersonID(id)
	p.Lang = ""
	if err := putPerson(a.tx, p); err != nil {
		return err
	}
	counts.at(p.Node, model.PersonCounts(p))
	return m.Put(mk, u64(id))
}

// encodedEqual: two people store the same record.
func encodedEqual(x, y model.Person) bool {
	a, err1 := encodePerson(x)
	b, err2 := encodePerson(y)
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}

// activation writes a town's activation as the hub's (a new hub seq the
// first time), with its units, and the town's wartime state in meta.
func (a *fedApplier) activation(town model.NodeCode, fa fedActivation) error {
	act, err := decodeActivation(fa.Seq, fa.Rec, a.s.opts.Location)
	if err != nil {
		return err
	}
	maps := a.tx.Bucket(bucketFedActs)
	mk := codeKey(town, fa.Seq)
	var seq uint64
	if v := maps.Get(mk); v != nil {
		if len(v) != 8 {
			return fmt.Errorf("fed_acts/%s/%d: %d bytes, want 8", town, fa.Seq, len(v))
		}
		seq = getU64(v)
	} else {
		if seq, err = a.tx.Bucket(bucketWtActivations).NextSequence(); err != nil {
			return err
		}
		if err := maps.Put(mk, u64(seq)); err != nil {
			return err
		}
	}
	act.Seq, act.ID = seq, model.FormatActivationID(seq)
	if act.By, err = a.person(town, act.By); err != nil {
		return err
	}
	if act.EndedBy, err = a.person(town, act.EndedBy); err != nil {
		return err
	}
	for i := range act.Widened {
		if act.Widened[i].By, err = a.person(town, act.Widened[i].By); err != nil {
			return err
		}
	}
	if err := putActivation(a.tx, act); err != nil {
		return err
	}
	if err := a.units(town, seq, fa.Units); err != nil {
		return err
	}
	return a.wartimeOf(town, act)
}

// units replaces the wt_units entries of hub activation seq by a town's
// units, their workers mapped.
func (a *fedApplier) units(town model.NodeCode, seq uint64, list []fedUnit) error {
	units := a.tx.Bucket(bucketWtUnits)
	prefix := u64(seq)
	var stale [][]byte
	c := units.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		stale = append(stale, append([]byte(nil), k...))
	}
	for _, k := range stale {
		if err := units.Delete(k); err != nil {
			return err
		}
	}
	for _, u := range list {
		r, err := decodeUnitRecord([]byte(u.Code), u.Rec)
		if err != nil {
			return err
		}
		w, err := a.person(town, model.PersonID(r.Worker))
		if err != nil {
			return err
		}
		r.Worker = uint64(w)
		if err := putUnitRecord(units, seqCodeKey(seq, model.NodeCode(u.Code)), r); err != nil {
			return err
		}
	}
	return nil
}

// wartimeOf sets the town's wartime in meta by act (the hub's copy of one
// of its activations): active, it is the town's; ended, the town is in
// peacetime unless another is.
func (a *fedApplier) wartimeOf(town model.NodeCode, act model.Activation) error {
	cur, err := a.s.activeInTx(a.tx, town)
	switch {
	case err != nil:
		return err
	case act.Active():
		if cur != 0 && cur != act.Seq {
			if err := a.supersede(town, cur, act); err != nil {
				return err
			}
		}
		return a.s.setActive(a.tx, town, act.Seq)
	case cur == act.Seq:
		return a.s.setActive(a.tx, town, 0)
	}
	return nil
}

// supersede ends the hub's copy of activation seq, one of the town's
// still active here, when the town's next one (next, the hub's copy)
// began: a town is in one wartime at a time, and its records end one
// before the next, but for a copy of its file that was lost (restored from
// a backup taken before that wartime) whose end never came. The hub logs
// the end as its own, in the system's name, saying why. An activation of
// the hub's own is not the town's to end.
func (a *fedApplier) supersede(town model.NodeCode, seq uint64, next model.Activation) error {
	c := a.tx.Bucket(bucketFedActs).Cursor()
	prefix := exactPrefix(town)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) != 8 || getU64(v) != seq {
			continue
		}
		old, err := a.s.getActivation(a.tx, seq)
		if err != nil || !old.Active() {
			return err
		}
		old, ev, err := old.End(model.System, next.Since)
		if err != nil {
			return err
		}
		name := model.NameNodes([]model.NodeCode{town}, nodeNames(a.tx), "")
		ev.ActorName = model.ActorName(model.Person{ID: model.System})
		ev.Note += fmt.Sprintf(": %s's wartime %s began, and %s's end was in a copy of the town's file that was lost (restored from a backup)",
			name, next.ID, old.ID)
		ev.NoteZh += fmt.Sprintf("：%s 已启动战时 %s，%s 的结束记录在该镇丢失的数据库副本中（已从备份恢复）",
			name, next.ID, old.ID)
		a.own = append(a.own, ev)
		return putActivation(a.tx, old)
	}
	return nil
}

// hubID is a town's incident id with the prefix the hub gives the town.
func hubID(id string, t *fedTownRecord) string {
	if dash := strings.IndexByte(id, '-'); dash > 0 {
		return t.Prefix + id[dash:]
	}
	return id
}

// incident writes a town's incident as it stands as the hub's (a new hub
// seq and id the first time), with its indexes but idx_due, and the
// counters.
func (a *fedApplier) incident(town model.NodeCode, t *fedTownRecord, fi fedIncident) (model.Incident, error) {
	inc, err := decodeIncident(fi.Seq, fi.Rec, a.s.opts.Location)
	if err != nil {
		return inc, err
	}
	if inc.Node.Town() != town {
		return inc, fmt.Errorf("incident %s is at %s, not in town %s", inc.ID, inc.Node, town)
	}
	if !hasNode(a.tx, inc.Node) {
		return inc, fmt.Errorf("incident %s: no node %s", inc.ID, inc.Node)
	}
	inc.ID = hubID(inc.ID, t)
	if inc.Reporter, err = a.person(town, inc.Reporter); err != nil {
		return inc, err
	}
	b := a.s.wt.buckets
	maps := a.tx.Bucket(bucketFedIncidents)
	mk := codeKey(town, fi.Seq)
	if v := maps.Get(mk); v != nil {
		if len(v) != 8 {
			return inc, fmt.Errorf("fed_incidents/%s/%d: %d bytes, want 8", town, fi.Seq, len(v))
		}
		inc.Seq = getU64(v)
		old, err := a.s.getIncident(a.tx, inc.Seq)
		if err != nil {
			return inc, err
		}
		inc.ID = old.ID
		return inc, saveFedIncident(b, inc, &old)
	}
	k, ok := idKey(inc.ID)
	if !ok {
		return inc, fmt.Errorf("incident id %q: not an id gridcmd gives out", inc.ID)
	}
	if b.ids.Get(k) != nil {
		return inc, fmt.Errorf("incident id %s is taken in this file", inc.ID)
	}
	if inc.Seq, err = b.incidents.NextSequence(); err != nil {
		return inc, err
	}
	if err := b.ids.Put(k, u64(inc.Seq)); err != nil {
		return inc, err
	}
	if err := a.s.raiseDay(a.tx, string(k[:8]), getU64(k[8:16])); err != nil {
		return inc, err
	}
	if err := maps.Put(mk, u64(inc.Seq)); err != nil {
		return inc, err
	}
	return inc, saveFedIncident(b, inc, nil)
}

// raiseDay raises the day's counter (meta day/...) to n: the hub's own
// incidents then number on after every federated one of the day, and check
// finds every id within its day's counter.
func (s *DB) raiseDay(tx *bolt.Tx, date string, n uint64) error {
	if s.wt.date == date {
		if n > s.wt.n {
			s.wt.n, s.wt.dirty = n, true
		}
		return nil
	}
	cur, err := metaU64(tx, dayKey(date))
	if err != nil || n <= cur {
		return err
	}
	return tx.Bucket(bucketMeta).Put(dayKey(date), u64(n))
}

// saveFedIncident is saveIncident for a federated town's incident: the
// record, idx_open and idx_node (no idx_due: the town's clocks are the
// town's), the counters and the feed; the figures come from the events
// (fedFigures). The incident_ids entry of a new one is the caller's.
func saveFedIncident(b txBuckets, inc model.Incident, old *model.Incident) error {
	nk, err := putIncident(b, inc, nil)
	if err != nil {
		return err
	}
	nk.due = nil
	var ok indexKeys
	if old != nil {
		if ok, err = keysOf(*old); err != nil {
			return err
		}
		ok.due = nil
	}
	return reindex(b, inc, old, ok, nk)
}

// eventsOf is the events of hub incident seq so far: in the log, then
// earlier in this request.
func (a *fedApplier) eventsOf(seq uint64) ([]model.Event, error) {
	var out []model.Event
	events := a.tx.Bucket(bucketEvents)
	prefix := u64(seq)
	c := a.tx.Bucket(bucketIncidentEvents).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != 16 {
			continue
		}
		v := events.Get(k[8:])
		if v == nil {
			continue
		}
		e, err := decodeEvent(getU64(k[8:]), v, a.s.opts.Location)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return append(out, a.mirrored[seq]...), nil
}

// event is the record's event as the hub's: its people, incident,
// activation, directive, patrol, finding, shifts, handover or rotation (m)
// mapped, Fed naming the town's, and its figures (and a rotation report's
// entry) written.
func (a *fedApplier) event(town model.NodeCode, w fedWire, inc *model.Incident, m mirrored) (model.Event, error) {
	ev, err := decodeEvent(w.Seq, w.Event, a.s.opts.Location)
	if err != nil {
		return ev, err
	}
	ev.Seq = 0
	ev.Fed = model.FedMsgID(town, w.Seq)
	if ev.Actor, err = a.person(town, ev.Actor); err != nil {
		return ev, err
	}
	if ev.Subject, err = a.person(town, ev.Subject); err != nil {
		return ev, err
	}
	if ev.IncidentSeq != 0 {
		if inc == nil {
			return ev, fmt.Errorf("event names incident seq %d, which the record does not carry", ev.IncidentSeq)
		}
		ev.IncidentSeq, ev.Incident = inc.Seq, inc.ID
	}
	if ev.Directive != "" && (ev.Action == model.ActActivate || ev.Action == model.ActDeactivate || ev.Action == model.ActWiden) {
		if seq, err := parseActivationID(ev.Directive); err == nil {
			if v := a.tx.Bucket(bucketFedActs).Get(codeKey(town, seq)); len(v) == 8 {
				ev.Directive = model.FormatActivationID(getU64(v))
			}
		}
	}
	if m.directive != "" || m.dropDirective {
		ev.Directive = m.directive
	}
	if m.ref != "" && ev.Ref != "" || m.dropRef { // a watchdog's silence of a patrol names none
		ev.Ref = m.ref
	}
	if m.rotation != 0 {
		if err := a.rotationReported(m.rotation, ev); err != nil {
			return ev, err
		}
	}
	if ev.IncidentSeq != 0 {
		if err := a.figures(ev); err != nil {
			return ev, err
		}
		a.mirrored[ev.IncidentSeq] = append(a.mirrored[ev.IncidentSeq], ev)
	}
	return ev, nil
}

// figures writes the idx_escalations and idx_pass_on entries ev makes, as
// figureEntries reads them from the log: the incident's escalations so far
// and whether its report still waits at the grid tier come from its events
// before ev (in the log, and earlier in this request).
func (a *fedApplier) figures(ev model.Event) error {
	seq := ev.IncidentSeq
	prior, err := a.eventsOf(seq)
	if err != nil {
		return err
	}
	escalations := 0
	var at0 time.Time
	waiting := false
	step := func(e model.Event) (pass bool) {
		if e.Action == model.ActEscalate {
			escalations++
		}
		if e.Action == model.ActReport || e.Action == model.ActFindingPass {
			if e.After.Tier == model.TierGrid {
				at0, waiting = e.At, true
			}
			return false
		}
		if !waiting || e.Before == e.After {
			return false
		}
		waiting = false
		grid := model.State{Tier: model.TierGrid, Status: model.StatusReported}
		switch e.Action {
		case model.ActAcknowledge, model.ActEscalate, model.ActDispatch:
			return e.Before == grid
		}
		return false
	}
	for _, e := range prior {
		step(e)
	}
	was := at0
	pass := step(ev)
	b := a.s.wt.buckets
	if ev.Action == model.ActEscalate {
		if err := b.escalations.Put(escKey(ev.At, seq, escalations), []byte(ev.Node)); err != nil {
			return err
		}
	}
	if pass {
		return b.passOn.Put(appendDueKey(nil, ev.At, seq), passOnValue(ev.At.Sub(was), ev.Node))
	}
	return nil
}
