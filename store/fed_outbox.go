package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Federation (联邦), the store's side: a town's outbound records (this
// file), the hub's read model (fed_apply.go) and the commands down the
// chain (fed_command.go). Package federation moves the records' bytes; what
// they say is written and read here.
//
// # The wire format (version 1)
//
// A record is the JSON of fedWire: the town, the event's seq, the town's
// incident id prefix, and the town's own stored records as they are in its
// file (the event's eventRecord, the incident's incidentRecord, the
// activation's activationRecord and its units' wtUnitRecord, the nodes'
// nodeRecord, the people's personRecord): the records already are
// store-private structs with explicit tags, and a hub reads them with the
// same decoders as its own file. A field added to a record later is read
// as its zero by an older hub; a record of a newer version (v) is refused.
//
// What a record carries besides its event:
//   - the incident the event names, as it stands when the record is built;
//   - for a wartime event (activate, deactivate, widen, draft, release), the
//     activation it names and the one active in the town, with their units,
//     and the people it may have put on duty or back (the units' workers
//     and the drafted reserves) as they stand;
//   - the structure (the tower and the roster: the town's ancestors stored
//     in its file, the town and every node beneath it, and their people),
//     on the first event of the log, so that the first record a hub applies
//     makes the town exist there, and on every import, which changes it.
//     A structure whose gzip is larger than fedPartBudget
//     is cut, in code order (a node before its children, a node's people
//     after it), into parts each applied on its own: part 0 rides on the
//     structure's own record, part i on the i-th record after it (unless a
//     newer structure starts before). A log that ends before the last part
//     has a record to ride on gets marker events (ActFedStructure) so the
//     parts all go out (FedPending);
//   - the town's duty schedule as it stands, once: the first FedPending
//     logs it in marker events (ActFedDuty, fed_duty.go), and the hub
//     counts the town's rooms by its copies of the schedule only once the
//     last of them has come.

// The federation's seam, implemented here.
var (
	_ model.FedOutbox        = (*DB)(nil)
	_ model.FedReadModel     = (*DB)(nil)
	_ model.FedHubTowns      = (*DB)(nil)
	_ model.FedCommander     = (*DB)(nil)
	_ model.FedCommandOutbox = (*DB)(nil)
)

// fedWireVersion is the version of the records FedPending writes.
const fedWireVersion = 1

// fedMaxRecord is the most a record may weigh: NATS's default payload limit.
const fedMaxRecord = 1 << 20

// fedPartBudget is the most gzip bytes of structure one record carries
// (base64 in the JSON: 4/3 of it), leaving room for the event, the
// incident and an activation's units under fedMaxRecord. A variable so
// that the tests can cut a small structure into parts.
var fedPartBudget = 600 << 10

// fedMaxParts bounds how many records a structure's parts may ride on:
// how far back FedPending looks for the structure a record continues.
const fedMaxParts = 64

// fedWire is one record of a town's outbound log.
type fedWire struct {
	V        int             `json:"v"`
	Town     string          `json:"town"`
	Seq      uint64          `json:"seq"`
	Prefix   string          `json:"prefix"` // the town's incident id prefix
	Event    json.RawMessage `json:"event"`  // its eventRecord
	Incident *fedIncident    `json:"incident,omitempty"`
	Wartime  []fedActivation `json:"wartime,omitempty"`
	People   []fedPerson     `json:"people,omitempty"` // people a wartime event put on duty or back
	Tower    *fedPart        `json:"tower,omitempty"`
	// The directive, patrol or finding the event is about, and patrol
	// areas (fed_mirror.go).
	Directive *fedDirective `json:"directive,omitempty"`
	Patrol    *fedRef       `json:"patrol,omitempty"`
	Finding   *fedRef       `json:"finding,omitempty"`
	Areas     []fedArea     `json:"areas,omitempty"`
	// The shifts, the handover or the joint rotation the event is about
	// (fed_duty.go).
	Shifts   []fedRef `json:"shifts,omitempty"`
	Handover *fedRef  `json:"handover,omitempty"`
	Rotation *fedRef  `json:"rotation,omitempty"`
	// A part of the town's duty snapshot (an ActFedDuty marker): the open
	// handovers and the joint rotations it names, besides its shifts; and,
	// on its last marker, that the whole schedule has gone up.
	Handovers  []fedRef `json:"handovers,omitempty"`
	Rotations  []fedRef `json:"rotations,omitempty"`
	DutySynced bool     `json:"duty_synced,omitempty"`
}

// fedIncident is an incident as it stands in the town's file.
type fedIncident struct {
	Seq uint64          `json:"seq"` // the town's
	Rec json.RawMessage `json:"rec"` // its incidentRecord
}

// fedActivation is a wartime activation of the town with its units.
type fedActivation struct {
	Seq   uint64          `json:"seq"` // the town's
	Rec   json.RawMessage `json:"rec"` // its activationRecord
	Units []fedUnit       `json:"units,omitempty"`
}

// fedUnit is one micro-grid of an activation (wt_units).
type fedUnit struct {
	Code string          `json:"code"`
	Rec  json.RawMessage `json:"rec"` // its wtUnitRecord
}

// fedPart is one part of a structure: the gzip of a fedTower's JSON.
type fedPart struct {
	Of    uint64 `json:"of"` // the seq of the record whose structure it is
	Part  int    `json:"part"`
	Parts int    `json:"parts"`
	Gzip  []byte `json:"gzip"`
}

// fedTower is (a part of) the structure: nodes in code order, each
// followed in People by the people at it, and in Areas by the patrol
// areas of a village.
type fedTower struct {
	Nodes  []fedNode   `json:"nodes"`
	People []fedPerson `json:"people,omitempty"`
	Areas  []fedArea   `json:"areas,omitempty"`
}

type fedNode struct {
	Code string          `json:"code"`
	Rec  json.RawMessage `json:"rec"` // its nodeRecord
}

type fedPerson struct {
	ID  uint64          `json:"id"`  // the town's
	Rec json.RawMessage `json:"rec"` // its personRecord
}

// Keys in meta of the federation (schema 14).
var (
	metaFedCursor     = []byte("fed/cursor")      // town: the last record the local stream has
	metaFedCmdApplied = []byte("fed/cmd_applied") // town: the last hub command applied
	metaFedCmdCursor  = []byte("fed/cmd_cursor")  // hub: the last command the hub stream has
	metaFedDutySent   = []byte("fed/duty_sent")   // town: when its duty snapshot was logged (fed_duty.go)
)

// FedTown is the town whose log this file publishes: its one town. A file
// with no town, or with several (a county's), has no town log to publish:
// EINVALID.
func (s *DB) FedTown(ctx context.Context) (model.NodeCode, error) {
	return viewOf(ctx, s, func(tx *bolt.Tx) (model.NodeCode, error) { return fileTown(tx, s.path) })
}

// fileTown is the file's one town.
func fileTown(tx *bolt.Tx, path string) (model.NodeCode, error) {
	towns := townsUnder(tx, "")
	switch len(towns) {
	case 1:
		return towns[0], nil
	case 0:
		return "", model.Errorf(model.EINVALID, "database %s holds no town: there is no town log to federate", path).
			Zh("数据库 %s 中没有镇：没有可联网上报的镇日志", path)
	}
	return "", model.Errorf(model.EINVALID, "database %s holds %d towns (%s, ...): a town's file federates one", path, len(towns), towns[0]).
		Zh("数据库 %s 中有 %d 个镇（%s 等）：联网上报的镇库只能有一个镇", path, len(towns), towns[0])
}

// FedCursor is the seq of the last record the local stream acknowledged
// (meta fed/cursor; 0 for none).
func (s *DB) FedCursor(ctx context.Context) (uint64, error) { return s.metaNumber(ctx, metaFedCursor) }

// SetFedCursor records that the local stream has every record up to seq,
// in a transaction of its own (advanceCursor: past the log's numbering,
// the numbering moves past it, so the next event is seq+1 and never a
// number the stream, and the hub, already hold from a lost copy).
func (s *DB) SetFedCursor(ctx context.Context, seq uint64) error {
	return s.advanceCursor(ctx, metaFedCursor, bucketEvents, seq)
}

// FedLast is the seq of the log's newest event (0: none).
func (s *DB) FedLast(ctx context.Context) (uint64, error) { return s.lastKey(ctx, bucketEvents) }

// advanceCursor writes the cursor meta holds at key, in a transaction of
// its own. It never goes back: a seq at or below it changes nothing. A
// seq past the numbering of bucket log (the file is older than its
// stream: restored from a backup) moves that numbering past it, so the
// next record is numbered after seq and never takes a number the stream
// already holds from the copy that was lost.
func (s *DB) advanceCursor(ctx context.Context, key, log []byte, seq uint64) error {
	_, err := s.write(ctx, func(tx *bolt.Tx, _ time.Time) ([]model.Event, error) {
		cur, err := metaU64(tx, key)
		if err != nil || seq <= cur {
			return nil, err
		}
		if err := raiseSequence(tx.Bucket(log), seq); err != nil {
			return nil, err
		}
		return nil, tx.Bucket(bucketMeta).Put(key, u64(seq))
	})
	return err
}

// lastKey is the newest key of bucket log, a number (0: none).
func (s *DB) lastKey(ctx context.Context, log []byte) (uint64, error) {
	return viewOf(ctx, s, func(tx *bolt.Tx) (uint64, error) {
		k, _ := tx.Bucket(log).Cursor().Last()
		if k == nil {
			return 0, nil
		}
		return getU64(k), nil
	})
}

// metaNumber reads a u64 in meta (0 when absent) in a read transaction.
func (s *DB) metaNumber(ctx context.Context, key []byte) (uint64, error) {
	return viewOf(ctx, s, func(tx *bolt.Tx) (uint64, error) { return metaU64(tx, key) })
}

// FedPending returns up to limit records of the town's log after seq, in
// order: one per event (Seq the event's seq), built from the file as it
// stands (see the wire format above). It seeks to after+1 and reads
// forward; only the records that carry a structure read the tower. The
// first time it runs in a file, it logs the town's duty snapshot first
// (fedDutySnapshot).
func (s *DB) FedPending(ctx context.Context, after uint64, limit int) ([]model.FedRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	var out []model.FedRecord
	var short *fedShort
	snapshot := false
	err := s.view(func(tx *bolt.Tx) error {
		if snapshot = tx.Bucket(bucketMeta).Get(metaFedDutySent) == nil; snapshot {
			return nil
		}
		var err error
		out, short, err = s.fedPending(tx, after, limit)
		return err
	})
	if err == nil && snapshot {
		// Logged once: the write sets metaFedDutySent or fails.
		if err = s.fedDutySnapshot(ctx); err == nil {
			return s.FedPending(ctx, after, limit)
		}
	}
	if err != nil || short == nil {
		return out, err
	}
	// The log ended before the last part of a structure had a record to
	// ride on: write marker events for the rest, and read again.
	if err := s.fedMarkers(ctx, *short); err != nil {
		return nil, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		var err error
		out, _, err = s.fedPending(tx, after, limit)
		return err
	})
	return out, err
}

// fedShort says that the structure of record of has parts left that no
// record of the log can carry yet: missing more records are needed.
type fedShort struct {
	town    model.NodeCode
	of      uint64
	missing int
}

// fedPending builds the records in tx.
func (s *DB) fedPending(tx *bolt.Tx, after uint64, limit int) ([]model.FedRecord, *fedShort, error) {
	town, err := fileTown(tx, s.path)
	if err != nil {
		return nil, nil, err
	}
	b := &fedBuilder{s: s, tx: tx, town: town}
	c := tx.Bucket(bucketEvents).Cursor()
	first, _ := c.First()
	if first == nil {
		return nil, nil, nil
	}
	b.first = getU64(first)
	// The structure the first record after `after` may continue.
	if err := b.lookBack(c, after); err != nil {
		return nil, nil, err
	}
	var out []model.FedRecord
	var last uint64
	for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
		seq := getU64(k)
		data, err := b.record(seq, v)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, model.FedRecord{Town: town, Seq: seq, Data: data})
		last = seq
	}
	// Parts that the log's end leaves without a record (only when the
	// batch reached the end of the log).
	if k, _ := c.Last(); k != nil && getU64(k) == last && b.of != 0 {
		parts, err := b.structure()
		if err != nil {
			return nil, nil, err
		}
		if rode := int(last - b.of + 1); rode < len(parts) {
			return out, &fedShort{town: town, of: b.of, missing: len(parts) - rode}, nil
		}
	}
	return out, nil, nil
}

// fedBuilder builds the records of one FedPending.
type fedBuilder struct {
	s     *DB
	tx    *bolt.Tx
	town  model.NodeCode
	first uint64   // the log's first event
	of    uint64   // the latest record with a structure so far (0: none in reach)
	parts [][]byte // the structure's parts (gzip), built once

	incidents map[uint64]bool // the incidents read and checked so far
}

// carriesStructure: the first event of the log, and the events that
// change the tower or the roster.
func (b *fedBuilder) carriesStructure(seq uint64, action model.Action) bool {
	switch action {
	case model.ActImport:
		return true
	}
	return seq == b.first
}

// lookBack finds the latest record with a structure among the fedMaxParts
// records up to after, whose parts the records after it may continue.
func (b *fedBuilder) lookBack(c *bolt.Cursor, after uint64) error {
	if after == 0 {
		return nil
	}
	k, v := c.Seek(u64(after + 1))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for i := 0; k != nil && i < fedMaxParts; i++ {
		seq := getU64(k)
		act, err := eventAction(seq, v)
		if err != nil {
			return err
		}
		if b.carriesStructure(seq, act) {
			b.of = seq
			return nil
		}
		k, v = c.Prev()
	}
	return nil
}

// fedPartsSeen is how many parts the structure of record of was cut into
// when last built (DB.fedParts): the records past its last part need not
// build it again (30 ms for the Huajie demo) to learn that they carry none.
type fedPartsSeen struct {
	of    uint64
	parts int
}

// fedDone reports whether record seq is known to come after the last part
// of record of's structure.
func (s *DB) fedDone(of, seq uint64) bool {
	p := s.fedParts.Load()
	return p != nil && p.of == of && seq-of >= uint64(p.parts)
}

// eventAction reads an event record's action.
func eventAction(seq uint64, v []byte) (model.Action, error) {
	r, err := decodeLoggedAction(seq, v)
	return model.Action(r.Action), err
}

// record builds the record of event seq (stored value v). The event is
// read for the three fields the record needs (decodeLoggedAction's fast
// path), and the record is written by appendFedWire rather than
// json.Marshal, which would scan and compact every stored record it
// carries again: this runs once per event the town commits.
func (b *fedBuilder) record(seq uint64, v []byte) ([]byte, error) {
	ev, err := decodeLoggedAction(seq, v)
	if err != nil {
		return nil, err
	}
	action := model.Action(ev.Action)
	w := fedWire{V: fedWireVersion, Town: string(b.town), Seq: seq, Prefix: b.s.opts.Prefix, Event: v}
	if ev.IncidentSeq != 0 {
		rec, err := b.incident(seq, ev.IncidentSeq)
		if err != nil {
			return nil, err
		}
		w.Incident = &fedIncident{Seq: ev.IncidentSeq, Rec: rec}
	}
	switch action {
	case model.ActActivate, model.ActDeactivate, model.ActWiden, model.ActDraft, model.ActRelease:
		if w.Wartime, err = b.wartime(ev.Directive); err != nil {
			return nil, err
		}
		if w.People, err = b.onDuty(w.Wartime); err != nil {
			return nil, err
		}
	}
	if b.carriesStructure(seq, action) {
		b.of = seq
	}
	if b.of != 0 && seq-b.of >= fedMaxParts {
		b.of = 0 // past any structure's last part
	}
	if b.of != 0 && (seq == b.of || !b.s.fedDone(b.of, seq)) {
		parts, err := b.structure()
		if err != nil {
			return nil, err
		}
		b.s.fedParts.Store(&fedPartsSeen{of: b.of, parts: len(parts)})
		if i := int(seq - b.of); i < len(parts) {
			w.Tower = &fedPart{Of: b.of, Part: i, Parts: len(parts), Gzip: parts[i]}
		}
	}
	if err := b.mirrors(&w, ev); err != nil {
		return nil, fmt.Errorf("federation: the record of event %d: %w", seq, err)
	}
	data, err := appendFedWire(make([]byte, 0, 64+len(v)+len(w.Town)+incidentLen(w.Incident)), w)
	if err != nil {
		return nil, err
	}
	if len(data) > fedMaxRecord {
		return nil, fmt.Errorf("federation: the record of event %d is %d bytes, past the %d a record may weigh", seq, len(data), fedMaxRecord)
	}
	return data, nil
}

// incident is the stored record of incident seq inc (named by event seq),
// checked to be JSON once per FedPending however many of the batch's
// events name it (the bytes are the same: one transaction).
func (b *fedBuilder) incident(seq, inc uint64) ([]byte, error) {
	rec := b.tx.Bucket(bucketIncidents).Get(u64(inc))
	if rec == nil {
		return nil, fmt.Errorf("event %d: incident seq %d is missing", seq, inc)
	}
	if b.incidents[inc] {
		return rec, nil
	}
	if _, ok := parseIncident(rec); !ok && !json.Valid(rec) {
		return nil, fmt.Errorf("event %d: incident seq %d is not JSON", seq, inc)
	}
	if b.incidents == nil {
		b.incidents = map[uint64]bool{}
	}
	b.incidents[inc] = true
	return rec, nil
}

func incidentLen(i *fedIncident) int {
	if i == nil {
		return 0
	}
	return len(i.Rec) + 32
}

// appendFedWire appends w's JSON: what json.Marshal(w) writes when the
// stored records it carries are compact JSON as the store writes them
// (TestFedWireMatchesMarshal), without encoding/json's reflection and its
// second pass over each of them (the records are checked as JSON where
// they are read: the event by decodeLoggedAction, the incident by
// fedBuilder.incident). The rare parts (wartime, people, a structure's
// part) go through json.Marshal.
func appendFedWire(b []byte, w fedWire) ([]byte, error) {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, int64(w.V), 10)
	b = appendStringField(b, `,"town":`, w.Town)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, w.Seq, 10)
	b = appendStringField(b, `,"prefix":`, w.Prefix)
	b = append(append(b, `,"event":`...), w.Event...)
	if w.Incident != nil {
		b = append(b, `,"incident":{"seq":`...)
		b = strconv.AppendUint(b, w.Incident.Seq, 10)
		b = append(append(append(b, `,"rec":`...), w.Incident.Rec...), '}')
	}
	for _, f := range []struct {
		name string
		v    any
		set  bool
	}{
		{`,"wartime":`, w.Wartime, len(w.Wartime) > 0},
		{`,"people":`, w.People, len(w.People) > 0},
		{`,"tower":`, w.Tower, w.Tower != nil},
		{`,"directive":`, w.Directive, w.Directive != nil},
		{`,"patrol":`, w.Patrol, w.Patrol != nil},
		{`,"finding":`, w.Finding, w.Finding != nil},
		{`,"areas":`, w.Areas, len(w.Areas) > 0},
		{`,"shifts":`, w.Shifts, len(w.Shifts) > 0},
		{`,"handover":`, w.Handover, w.Handover != nil},
		{`,"rotation":`, w.Rotation, w.Rotation != nil},
		{`,"handovers":`, w.Handovers, len(w.Handovers) > 0},
		{`,"rotations":`, w.Rotations, len(w.Rotations) > 0},
		{`,"duty_synced":`, w.DutySynced, w.DutySynced},
	} {
		if !f.set {
			continue
		}
		m, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b = append(append(b, f.name...), m...)
	}
	return append(b, '}'), nil
}

// wartime is the activation a wartime event names (or, naming none, the
// town's latest) and the one active in the town, if another, with their
// units.
func (b *fedBuilder) wartime(directive string) ([]fedActivation, error) {
	var seqs []uint64
	if seq, err := parseActivationID(directive); err == nil && seq != 0 {
		seqs = append(seqs, seq)
	} else if a, err := b.s.lastIn(b.tx, b.town); err != nil {
		return nil, err
	} else if a.Seq != 0 {
		seqs = append(seqs, a.Seq)
	}
	if seq, err := activeIn(b.tx, b.town); err != nil {
		return nil, err
	} else if seq != 0 && !slices.Contains(seqs, seq) {
		seqs = append(seqs, seq)
	}
	var out []fedActivation
	units := b.tx.Bucket(bucketWtUnits).Cursor()
	for _, seq := range seqs {
		rec := b.tx.Bucket(bucketWtActivations).Get(u64(seq))
		if rec == nil {
			continue // named by an event of an activation since lost: check reports it
		}
		a := fedActivation{Seq: seq, Rec: rec}
		prefix := u64(seq)
		for k, v := units.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = units.Next() {
			a.Units = append(a.Units, fedUnit{Code: string(k[8:]), Rec: v})
		}
		out = append(out, a)
	}
	return out, nil
}

// onDuty is the people whose duty the activations' wartime may change:
// the workers of their units and their drafted reserves, as they stand.
func (b *fedBuilder) onDuty(acts []fedActivation) ([]fedPerson, error) {
	var ids []uint64
	for _, a := range acts {
		for _, u := range a.Units {
			r, err := decodeUnitRecord([]byte(u.Code), u.Rec)
			if err != nil {
				return nil, err
			}
			if r.Worker != 0 {
				ids = append(ids, r.Worker)
			}
		}
		prefix := u64(a.Seq)
		c := b.tx.Bucket(bucketWtDrafts).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) == 16 {
				ids = append(ids, getU64(k[8:]))
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	people := b.tx.Bucket(bucketPeople)
	out := make([]fedPerson, 0, len(ids))
	for _, id := range ids {
		if v := people.Get(u64(id)); v != nil {
			out = append(out, fedPerson{ID: id, Rec: v})
		}
	}
	return out, nil
}

// structure is the structure as it stands, in parts: built once per
// FedPending, for whichever record asks (each carries the structure as it
// is now, not as it was at its event).
func (b *fedBuilder) structure() ([][]byte, error) {
	if b.parts != nil {
		return b.parts, nil
	}
	p, err := towerParts(b.tx, b.town)
	b.parts = p
	return p, err
}

// towerParts is the town's structure: its stored ancestors, the town and
// its subtree in code order, each node followed by its people, cut into
// parts whose gzip fits fedPartBudget.
func towerParts(tx *bolt.Tx, town model.NodeCode) ([][]byte, error) {
	units, total := towerUnits(tx, town)
	// Cut into n parts of about equal raw size, more until each gzip fits.
	for n := 1; n <= fedMaxParts; n++ {
		if parts, err := cutParts(units, total/n+1); err != nil || parts != nil {
			return parts, err
		}
	}
	return nil, fmt.Errorf("federation: town %s's structure does not fit %d records", town, fedMaxParts)
}

// towerUnit is a node of the structure with the people at it and, a
// village, its patrol areas, and about how many bytes they weigh.
type towerUnit struct {
	node   fedNode
	people []fedPerson
	areas  []fedArea
	size   int
}

// towerUnits is the structure in code order: the town's stored ancestors,
// the town and its subtree, each node with its people; and their weight.
func towerUnits(tx *bolt.Tx, town model.NodeCode) ([]towerUnit, int) {
	var units []towerUnit
	nodes := tx.Bucket(bucketNodes)
	var above []model.NodeCode
	for c := town.Parent(); c != ""; c = c.Parent() {
		above = append(above, c)
	}
	slices.Reverse(above)
	people := tx.Bucket(bucketPeople)
	areas := areasByVillage(tx, town)
	add := func(code, rec []byte) {
		u := towerUnit{node: fedNode{Code: string(code), Rec: rec}, size: len(code) + len(rec) + 20}
		for _, id := range peopleIn(tx, model.NodeCode(code), true) {
			if v := people.Get(u64(id)); v != nil {
				u.people = append(u.people, fedPerson{ID: id, Rec: v})
				u.size += len(v) + 24
			}
		}
		for _, a := range areas[string(code)] {
			u.areas = append(u.areas, a)
			u.size += len(a.Code) + len(a.Rec) + 20
		}
		units = append(units, u)
	}
	for _, c := range above {
		if v := nodes.Get([]byte(c)); v != nil {
			add([]byte(c), v)
		}
	}
	prefix := []byte(town)
	cur := nodes.Cursor()
	for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
		add(k, v)
	}
	total := 0
	for _, u := range units {
		total += u.size
	}
	return units, total
}

// cutParts cuts units into parts of about per bytes each, in order, and
// gzips them; nil when a part's gzip is past fedPartBudget or the parts
// are more than fedMaxParts.
func cutParts(units []towerUnit, per int) ([][]byte, error) {
	var parts [][]byte
	for i := 0; i < len(units); {
		var t fedTower
		size := 0
		for ; i < len(units) && (size == 0 || size+units[i].size <= per); i++ {
			t.Nodes = append(t.Nodes, units[i].node)
			t.People = append(t.People, units[i].people...)
			t.Areas = append(t.Areas, units[i].areas...)
			size += units[i].size
		}
		z, err := gzipJSON(t)
		if err != nil || len(z) > fedPartBudget || len(parts) == fedMaxParts {
			return nil, err
		}
		parts = append(parts, z)
	}
	return parts, nil
}

// gzipJSON is the gzip of v's JSON.
func gzipJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fedMarkers appends sh.missing marker events (ActFedStructure) to the
// town's log, so that the last parts of record sh.of's structure have
// records to ride on; unless the log has grown meanwhile.
func (s *DB) fedMarkers(ctx context.Context, sh fedShort) error {
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		k, _ := tx.Bucket(bucketEvents).Cursor().Last()
		if k == nil {
			return nil, nil
		}
		have := int(getU64(k) - sh.of + 1)
		parts, err := towerParts(tx, sh.town)
		if err != nil {
			return nil, err
		}
		var evs []model.Event
		for i := have; i < len(parts); i++ {
			evs = append(evs, model.Event{
				At: now, Actor: model.System, ActorName: model.ActorName(model.Person{ID: model.System}),
				Action: model.ActFedStructure, Node: sh.town,
				Note:   fmt.Sprintf("structure part %d of %d for the county", i+1, len(parts)),
				NoteZh: fmt.Sprintf("向上级报送网格结构，第 %d/%d 部分", i+1, len(parts)),
			})
		}
		return evs, nil
	})
	return err
}

// decodeWire reads a record, refusing a newer version or one that is not
// the record it is said to be.
func decodeWire(r model.FedRecord) (fedWire, error) {
	var w fedWire
	if err := json.Unmarshal(r.Data, &w); err != nil {
		return w, model.Errorf(model.EINVALID, "federation: record %s is not a record (%v)", model.FedMsgID(r.Town, r.Seq), err).
			Zh("联网：记录 %s 无法解读（%v）", model.FedMsgID(r.Town, r.Seq), err)
	}
	switch {
	case w.V > fedWireVersion || w.V < 1:
		return w, model.Errorf(model.EINVALID, "federation: record %s is of version %d; this gridcmd reads version %d", model.FedMsgID(r.Town, r.Seq), w.V, fedWireVersion).
			Zh("联网：记录 %s 的版本为 %d，本程序只能读取版本 %d", model.FedMsgID(r.Town, r.Seq), w.V, fedWireVersion)
	case model.NodeCode(w.Town) != r.Town || w.Seq != r.Seq:
		return w, model.Errorf(model.EINVALID, "federation: record %s says it is %s", model.FedMsgID(r.Town, r.Seq), model.FedMsgID(model.NodeCode(w.Town), w.Seq)).
			Zh("联网：记录 %s 自称是 %s", model.FedMsgID(r.Town, r.Seq), model.FedMsgID(model.NodeCode(w.Town), w.Seq))
	case len(w.Town) != 9 || strings.Trim(w.Town, "0123456789") != "":
		return w, model.Errorf(model.EINVALID, "federation: record %s: %q is not a town's code", model.FedMsgID(r.Town, r.Seq), w.Town).
			Zh("联网：记录 %s：%q 不是镇的代码", model.FedMsgID(r.Town, r.Seq), w.Town)
	}
	return w, nil
}
