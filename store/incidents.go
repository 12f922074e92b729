package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Report files a new incident: the reporter must be on the roster (or be the
// system) and the node in the tower. Its id is the town prefix, the local
// date of now and the day's next number.
func (s *DB) Report(ctx context.Context, r model.Report) (model.Incident, error) {
	// The refusals, the cleaning, the keys and the escaping of the text are
	// the caller's work, so they never reach the writer.
	c, err := r.Check(s.opts.Policy)
	if err != nil {
		return model.Incident{}, err
	}
	text := newTextJSON(c)
	return s.writeIncident(ctx, func(tx *bolt.Tx, now time.Time) (model.Incident, model.Event, error) {
		return s.fileReport(tx, now, c, &text)
	})
}

// writeIncident runs change in one transaction of the writer and returns
// the incident as change left it; the one event change records is
// published at the commit.
func (s *DB) writeIncident(ctx context.Context, change func(tx *bolt.Tx, now time.Time) (model.Incident, model.Event, error)) (model.Incident, error) {
	var out model.Incident
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		inc, ev, err := change(tx, now)
		if err != nil {
			return nil, err
		}
		out = inc
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.Incident{}, err
	}
	return out, nil
}

// actOn runs change on the incident with the public id, by the actor on
// the roster as by, in one transaction of the writer (see writeIncident).
func (s *DB) actOn(ctx context.Context, id string, by model.PersonID, change func(tx *bolt.Tx, now time.Time, inc model.Incident, actor model.Person) (model.Incident, model.Event, error)) (model.Incident, error) {
	pid, err := model.ParseIncidentID(id)
	if err != nil {
		return model.Incident{}, err
	}
	return s.writeIncident(ctx, func(tx *bolt.Tx, now time.Time) (model.Incident, model.Event, error) {
		inc, err := s.incidentByID(tx, pid)
		if err != nil {
			return model.Incident{}, model.Event{}, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return model.Incident{}, model.Event{}, err
		}
		return change(tx, now, inc, actor)
	})
}

func dayKey(date string) []byte { return []byte(metaDayPrefix + date) }

// metaU64 reads the number meta holds at k, 0 for none: the last daily
// number used of a day (dayKey), a town's active activation (activeKey).
func metaU64(tx *bolt.Tx, k []byte) (uint64, error) {
	v := tx.Bucket(bucketMeta).Get(k)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("meta/%s: %d bytes, want 8", k, len(v))
	}
	return getU64(v), nil
}

// txState is what the requests of one writer transaction share: the daily
// number of the day being numbered, read from meta once and written back
// once by finish, instead of a read and a write of the same key for every
// report of the batch, and the buckets a report writes. The writer starts
// each transaction with a fresh txState; a transaction that does not commit
// takes its changes with it.
type txState struct {
	date  string // local date (20060102) whose number is loaded; "" for none
	n     uint64 // the last number used that day
	dirty bool   // n is not written yet
	// prefixes is each town's incident id prefix as read (or given) in
	// this transaction (idPrefix); heads, for each prefix ownPrefixFree
	// let through in it on date, its ids' head "PREFIX-YYYYMMDD-".
	prefixes map[model.NodeCode]string
	heads    map[string]string
	buckets  txBuckets
	counts   countDeltas // the per-node counters' changes, written by finish
	// active is each town's active activation as read in this transaction
	// (activeInTx), kept true by setActive.
	active map[model.NodeCode]uint64
	facts  txFacts // what earn asks the points' rule with, one event at a time
}

// nextID takes the next daily number of the local day of day and returns the
// incident id, PREFIX-YYYYMMDD-NNNN (the form model.ParseIncidentID reads),
// built without fmt. The number is the file's, whatever the prefix: the
// towns of one file (idPrefix) count their days together, so an id is
// unique by its date and number alone.
func (t *txState) nextID(tx *bolt.Tx, prefix string, day time.Time) (string, error) {
	var buf [16]byte
	if d := day.AppendFormat(buf[:0], "20060102"); string(d) != t.date {
		date := string(d)
		if err := t.finish(tx); err != nil {
			return "", err
		}
		n, err := metaU64(tx, dayKey(date))
		if err != nil {
			return "", err
		}
		if err := checkDayFree(tx, date, n); err != nil {
			return "", err
		}
		t.date, t.n, t.dirty = date, n, false
		clear(t.heads)
	}
	head, ok := t.heads[prefix]
	if !ok {
		if err := ownPrefixFree(tx, prefix); err != nil {
			return "", err
		}
		if t.heads == nil {
			t.heads = map[string]string{}
		}
		head = prefix + "-" + t.date + "-"
		t.heads[prefix] = head
	}
	t.n++
	t.dirty = true
	return incidentID(head, t.n), nil
}

// ownPrefixFree refuses the file's own incident ids under a prefix that
// a town federated here holds (a hub's file whose town_prefix was changed
// to a town's after the town came): the town's next ids would be the same
// numbers, and the hub refuses a taken id (fed_apply), which would hold
// that town's records up. Once per transaction and day; a town's file has
// no federated towns.
func ownPrefixFree(tx *bolt.Tx, prefix string) error {
	return tx.Bucket(bucketFedTowns).ForEach(func(k, v []byte) error {
		var r fedTownRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("fed_towns/%s: %w", k, err)
		}
		if r.Prefix != prefix {
			return nil
		}
		town := model.NodeCode(k)
		name := nodeName(tx, town)
		return model.Errorf(model.ECONFLICT,
			"incident ids %s-… are those of town %s (%s, federated here) in this file: give this file's own reports a prefix other than town_prefix %s (say YK)", prefix, town, name, prefix).
			Zh("%s-… 开头的事件编号在本文件中属于联网镇街 %s（%s）：请为本文件自己的上报另设前缀，不用 town_prefix %s（例如 YK）", prefix, name, town, prefix)
	})
}

// FedOwnPrefixFree refuses a hub's file whose own incident prefix a town
// federated here holds (ownPrefixFree): run at the hub's start, since its
// sweep passes findings on under that prefix.
func (s *DB) FedOwnPrefixFree(ctx context.Context) error {
	return s.view(func(tx *bolt.Tx) error { return ownPrefixFree(tx, s.opts.Prefix) })
}

// checkDayFree makes sure no incident id of the day is numbered past n, the
// day's counter: then every number nextID gives out after n is free, and a
// new incident's id needs no lookup of its own (saveIncident). One seek per
// transaction and day; a counter behind the ids (a damaged file) is refused,
// never overwritten.
func checkDayFree(tx *bolt.Tx, date string, n uint64) error {
	k, _ := tx.Bucket(bucketIncidentIDs).Cursor().Seek(appendIDKey(nil, date, n+1, ""))
	if k != nil && bytes.HasPrefix(k, []byte(date)) && len(k) >= 16 {
		return fmt.Errorf("incident_ids: day %s has number %d, past its counter meta/%s = %d (run gridcmd check)",
			date, getU64(k[8:16]), dayKey(date), n)
	}
	return nil
}

// finish writes the daily number and the counters' changes back; the
// writer calls it before commit.
func (t *txState) finish(tx *bolt.Tx) error {
	if err := t.counts.flush(tx); err != nil {
		return err
	}
	if !t.dirty {
		return nil
	}
	t.dirty = false
	return tx.Bucket(bucketMeta).Put(dayKey(t.date), u64(t.n))
}

// incidentID is head followed by n in at least four digits (%04d).
func incidentID(head string, n uint64) string {
	var buf [40]byte
	b := append(buf[:0], head...)
	for m := uint64(1000); m > 1 && n < m; m /= 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendUint(b, n, 10))
}

// Incident returns the incident with the public id; ENOTFOUND if none.
func (s *DB) Incident(ctx context.Context, id string) (model.Incident, error) {
	if err := ctx.Err(); err != nil {
		return model.Incident{}, err
	}
	pid, err := model.ParseIncidentID(id)
	if err != nil {
		return model.Incident{}, err
	}
	return viewOf(ctx, s, func(tx *bolt.Tx) (model.Incident, error) { return s.incidentByID(tx, pid) })
}

// Incidents returns the incidents f selects in seq order; with f.Limit, the
// newest f.Limit of them (still in seq order). An open status or f.Open
// reads idx_open, a node idx_node, anything else the whole bucket.
func (s *DB) Incidents(ctx context.Context, f model.IncidentFilter) ([]model.Incident, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var err error
	if f.Status, err = parseSet(f.Status, model.ParseStatus); err != nil {
		return nil, err
	}
	if f.Tier, err = parseSet(f.Tier, model.ParseTier); err != nil {
		return nil, err
	}
	if f.Node, err = parseRoot(f.Node); err != nil {
		return nil, err
	}
	if f.Status != "" && !f.Status.Open() && f.Open {
		return nil, nil
	}
	var out []model.Incident
	err = s.view(func(tx *bolt.Tx) error {
		var seqs []uint64
		switch {
		case f.Node != "":
			seqs = nodeScan(tx, f.Node, false)
		case f.Open || f.Status.Open():
			seqs = openSeqs(tx, f.Tier, f.Status)
		default:
			return s.scanIncidents(tx, f, &out)
		}
		slices.Sort(seqs)
		n := len(seqs)
		if f.Limit > 0 && f.Limit < n {
			n = f.Limit
		}
		out = make([]model.Incident, 0, n)
		// Newest first while counting up to the limit, then put back in order.
		rd := s.newSeqReader(tx)
		for i := len(seqs) - 1; i >= 0; i-- {
			inc, err := rd.get(seqs[i])
			if err != nil {
				return err
			}
			if match(inc, f) {
				out = append(out, inc)
				if f.Limit > 0 && len(out) == f.Limit {
					break
				}
			}
		}
		slices.Reverse(out)
		return nil
	})
	return out, err
}

// nodeScan reads idx_node: the seqs of the incidents at code (exact) or in
// its subtree, one seek per block of 256 seqs.
func nodeScan(tx *bolt.Tx, code model.NodeCode, exact bool) []uint64 {
	prefix := []byte(code)
	if exact {
		prefix = exactPrefix(code)
	}
	last := tx.Bucket(bucketIncidents).Sequence() >> nodeBlockShift
	c := tx.Bucket(bucketIdxNode).Cursor()
	var seqs []uint64
	key := make([]byte, 8, 8+len(prefix))
	for block := uint64(0); block <= last; block++ {
		binary.BigEndian.PutUint64(key, block)
		want := append(key[:8], prefix...)
		for k, _ := c.Seek(want); k != nil && bytes.HasPrefix(k, want); k, _ = c.Next() {
			if _, seq, ok := splitCodeKey(k[8:]); ok {
				seqs = append(seqs, seq)
			}
		}
	}
	return seqs
}

// openSeqs reads idx_open: the open incidents at tier (all if "") with
// status (all open if ""), by the key bytes alone.
func openSeqs(tx *bolt.Tx, tier model.Tier, status model.Status) []uint64 {
	var prefix []byte
	if tier != "" {
		prefix = []byte{tierCodes[tier]}
		if status != "" {
			prefix = append(prefix, statusCodes[status])
		}
	}
	var want byte
	if status != "" {
		want = statusCodes[status]
	}
	var seqs []uint64
	c := tx.Bucket(bucketIdxOpen).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != 10 || want != 0 && k[1] != want {
			continue
		}
		seqs = append(seqs, getU64(k[2:]))
	}
	return seqs
}

// scanIncidents reads the whole incidents bucket, newest first up to the
// limit, and leaves out in seq order.
func (s *DB) scanIncidents(tx *bolt.Tx, f model.IncidentFilter, out *[]model.Incident) error {
	c := tx.Bucket(bucketIncidents).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		inc, err := decodeIncident(getU64(k), v, s.opts.Location)
		if err != nil {
			return err
		}
		if match(inc, f) {
			*out = append(*out, inc)
			if f.Limit > 0 && len(*out) == f.Limit {
				break
			}
		}
	}
	slices.Reverse(*out)
	return nil
}

func match(i model.Incident, f model.IncidentFilter) bool {
	return (f.Status == "" || i.Status == f.Status) &&
		(f.Tier == "" || i.Tier == f.Tier) &&
		(f.Node == "" || f.Node.Contains(i.Node)) &&
		(!f.Open || i.Status.Open())
}

// Act applies c to the incident through Incident.Apply; the refusals are the
// rule's, and a refusal changes nothing. A person of another town than the
// incident's (Person.ActsIn) is refused first, the people and places named
// (Incident.Foreign), as Note does.
func (s *DB) Act(ctx context.Context, id string, c model.Command) (model.Incident, error) {
	return s.actOn(ctx, id, c.By, func(tx *bolt.Tx, now time.Time, inc model.Incident, actor model.Person) (model.Incident, model.Event, error) {
		if isFedTown(tx, inc.Node.Town()) {
			return model.Incident{}, model.Event{}, fedCopy(tx, inc)
		}
		if !actor.ActsIn(inc.Node) {
			return model.Incident{}, model.Event{}, inc.Foreign(actor, c.Action, nodeNames(tx))
		}
		p, err := s.policyAt(tx, inc.Node) // wartime scales the clocks an escalation or reopening starts
		if err != nil {
			return model.Incident{}, model.Event{}, err
		}
		if inc.Moved(c, model.Mover{}) != nil {
			// Another seat escalated it since the question: say who and when.
			return model.Incident{}, model.Event{}, inc.Moved(c, s.mover(tx, inc.Seq))
		}
		next, ev, err := inc.Apply(c, actor, now, p)
		if err != nil {
			return model.Incident{}, model.Event{}, err
		}
		if err := saveIncident(s.wt.buckets, next, &inc, nil); err != nil {
			return model.Incident{}, model.Event{}, err
		}
		return next, ev, nil
	})
}

// mover is who escalated incident seq last, and when (model.Mover): the
// newest escalation of its timeline; nobody known when it has none.
func (s *DB) mover(tx *bolt.Tx, seq uint64) model.Mover {
	prefix := u64(seq)
	events := tx.Bucket(bucketEvents)
	c := tx.Bucket(bucketIncidentEvents).Cursor()
	k, _ := c.Seek(u64(seq + 1))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		if len(k) != 16 {
			continue
		}
		v := events.Get(k[8:])
		if v == nil {
			continue
		}
		ev, err := decodeEvent(getU64(k[8:]), v, s.opts.Location)
		if err == nil && ev.Action == model.ActEscalate {
			return model.Mover{By: ev.Actor, Name: ev.ActorName, At: ev.At}
		}
	}
	return model.Mover{}
}

// Note adds the operator's note to the incident's timeline
// (Incident.AddNote); the incident stays as it is, whatever its status.
func (s *DB) Note(ctx context.Context, id string, text string, by model.PersonID) (model.Incident, error) {
	return s.actOn(ctx, id, by, func(tx *bolt.Tx, now time.Time, inc model.Incident, actor model.Person) (model.Incident, model.Event, error) {
		if !actor.ActsIn(inc.Node) {
			return model.Incident{}, model.Event{}, inc.Foreign(actor, model.ActNote, nodeNames(tx))
		}
		ev, err := inc.AddNote(actor, text, now)
		return inc, ev, err
	})
}

// Timeline returns the incident's events in order.
func (s *DB) Timeline(ctx context.Context, id string) ([]model.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pid, err := model.ParseIncidentID(id)
	if err != nil {
		return nil, err
	}
	var out []model.Event
	err = s.view(func(tx *bolt.Tx) error {
		seq, err := seqOf(tx, pid)
		if err != nil {
			return err
		}
		prefix := u64(seq)
		events := tx.Bucket(bucketEvents)
		c := tx.Bucket(bucketIncidentEvents).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) != 16 {
				continue
			}
			es := getU64(k[8:])
			v := events.Get(k[8:])
			if v == nil {
				return fmt.Errorf("idx_incident_events: event %d of %s is missing", es, pid)
			}
			ev, err := decodeEvent(es, v, s.opts.Location)
			if err != nil {
				return err
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// Sweep applies the clocks at now, in one write, and returns the events:
// every incident whose next check is due (escalations and supervisions, the
// new clocks scaled by the wartime factor while its town is in wartime), and
// every wartime directive unit silent past its sign-for deadline (one
// escalation event per directive and village, see sweepDirectives), and
// every patrol finding still on the liaison's desk at its triage deadline
// (to the town room's queue, see sweepFindings), and the watchdogs'
// silences (sweepWatch).
func (s *DB) Sweep(ctx context.Context) ([]model.Event, error) {
	// Most sweeps find nothing due: look first in a read transaction, so an
	// idle console does not commit (and fsync) every second.
	due := false
	if err := s.view(func(tx *bolt.Tx) error {
		now := s.clock()
		k, _ := tx.Bucket(bucketIdxDue).Cursor().First()
		due = k != nil && bytes.Compare(k, dueKey(now, ^uint64(0))) <= 0 || dirDue(tx, now) || s.findingsDue(tx, now) || watchDue(tx, now) || s.watchLook.Load()
		return nil
	}); err != nil {
		return nil, err
	}
	if !due {
		return nil, nil
	}
	look := s.watchLook.Load()
	evs, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		var seqs []uint64
		limit := dueKey(now, ^uint64(0))
		c := tx.Bucket(bucketIdxDue).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, limit) <= 0; k, _ = c.Next() {
			if len(k) == 16 {
				seqs = append(seqs, getU64(k[8:]))
			}
		}
		var evs []model.Event
		for _, seq := range seqs {
			inc, err := s.getIncident(tx, seq)
			if err != nil {
				return nil, err
			}
			p, err := s.policyAt(tx, inc.Node) // its own town's wartime scales its new clocks
			if err != nil {
				return nil, err
			}
			next, ev, changed := inc.Sweep(now, p)
			if !changed {
				continue
			}
			if err := saveIncident(s.wt.buckets, next, &inc, nil); err != nil {
				return nil, err
			}
			evs = append(evs, ev)
		}
		devs, err := s.sweepDirectives(tx, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, devs...)
		fevs, err := s.sweepFindings(tx, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, fevs...)
		if watchDue(tx, now) || s.watchLook.Load() {
			wevs, err := s.sweepWatch(tx, now)
			if err != nil {
				return nil, err
			}
			evs = append(evs, wevs...)
		}
		return evs, nil
	})
	if err == nil && look {
		s.watchLook.Store(false)
	}
	return evs, err
}

// seqOf resolves a public id to its seq; ENOTFOUND if none.
func seqOf(tx *bolt.Tx, id string) (uint64, error) {
	var v []byte
	if k, ok := idKey(id); ok {
		v = tx.Bucket(bucketIncidentIDs).Get(k)
	}
	if v == nil {
		return 0, model.Errorf(model.ENOTFOUND, "no incident %s", id).Zh("没有事件 %s", id)
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("incident_ids/%s: %d bytes, want 8", id, len(v))
	}
	return getU64(v), nil
}

func (s *DB) incidentByID(tx *bolt.Tx, id string) (model.Incident, error) {
	seq, err := seqOf(tx, id)
	if err != nil {
		return model.Incident{}, err
	}
	return s.getIncident(tx, seq)
}

func (s *DB) getIncident(tx *bolt.Tx, seq uint64) (model.Incident, error) {
	v := tx.Bucket(bucketIncidents).Get(u64(seq))
	if v == nil {
		return model.Incident{}, fmt.Errorf("incident seq %d is missing", seq)
	}
	return decodeIncident(seq, v, s.opts.Location)
}

// seqReader reads incidents by seq through one cursor. Asked for seqs in
// descending order, as the lists are read, it steps back through the
// bucket instead of searching it from the root for each: a list of many
// open incidents reads them nearly in a row.
type seqReader struct {
	s    *DB
	c    *bolt.Cursor
	k, v []byte
}

func (s *DB) newSeqReader(tx *bolt.Tx) *seqReader {
	return &seqReader{s: s, c: tx.Bucket(bucketIncidents).Cursor()}
}

// maxStep is how many records back seqReader steps before it searches.
const maxStep = 16

func (r *seqReader) get(seq uint64) (model.Incident, error) {
	steps := 0
	for len(r.k) == 8 && getU64(r.k) > seq && steps < maxStep {
		r.k, r.v = r.c.Prev()
		steps++
	}
	if len(r.k) != 8 || getU64(r.k) != seq {
		r.k, r.v = r.c.Seek(u64(seq))
	}
	if len(r.k) != 8 || getU64(r.k) != seq {
		r.k = nil
		return model.Incident{}, fmt.Errorf("incident seq %d is missing", seq)
	}
	return decodeIncident(seq, r.v, r.s.opts.Location)
}

// indexKeys are an incident's entries in idx_open, idx_due and idx_node
// (nil where it has none).
type indexKeys struct{ open, due, node []byte }

// keysOf builds the keys in one allocation: a report writes all three.
func keysOf(inc model.Incident) (indexKeys, error) {
	var k indexKeys
	buf := make([]byte, 0, 10+16+len(inc.Node)+9)
	if inc.Status.Open() {
		var err error
		if buf, err = appendOpenKey(buf, inc); err != nil {
			return k, err
		}
		k.open = buf[:10:10]
		buf = buf[10:]
	}
	if t := inc.NextCheck(); !t.IsZero() {
		buf = appendDueKey(buf, t, inc.Seq)
		k.due = buf[:16:16]
		buf = buf[16:]
	}
	k.node = appendNodeKey(buf, inc.Node, inc.Seq)
	return k, nil
}

// saveIncident writes the record and its indexes into the buckets of b; old
// is the stored version (nil for a new incident), whose index entries are
// replaced. text, if not nil, is the incident's title and text as JSON.
// In the writer's transactions it notes inc for the feed (b.changed).
func saveIncident(b txBuckets, inc model.Incident, old *model.Incident, text *textJSON) error {
	nk, err := putIncident(b, inc, text)
	if err != nil {
		return err
	}
	var ok indexKeys
	if old == nil {
		// The id is free: it comes from txState.nextID (checkDayFree).
		k, valid := idKey(inc.ID)
		if !valid {
			return fmt.Errorf("incident id %q: not an id gridcmd gives out", inc.ID)
		}
		if err := b.ids.Put(k, u64(inc.Seq)); err != nil {
			return err
		}
		// A new incident may be filed already escalated (a patrol finding
		// the triage deadline sent to the town room): that escalation counts.
		if err := noteFigures(b, model.Incident{}, inc); err != nil {
			return err
		}
	} else if ok, err = keysOf(*old); err != nil {
		return err
	} else if err := noteFigures(b, *old, inc); err != nil {
		return err
	}
	return reindex(b, inc, old, ok, nk)
}

// putIncident writes the record of inc and returns the index keys it asks
// for.
func putIncident(b txBuckets, inc model.Incident, text *textJSON) (indexKeys, error) {
	nk, err := keysOf(inc)
	if err != nil {
		return nk, err
	}
	v, err := encodeIncidentText(inc, text)
	if err != nil {
		return nk, err
	}
	return nk, b.incidents.Put(u64(inc.Seq), v)
}

// reindex replaces an incident's entries in idx_open, idx_due and idx_node
// (ok, none for a new one) by nk, notes it for the feed and changes the
// counters (old is the stored version, nil for a new one).
func reindex(b txBuckets, inc model.Incident, old *model.Incident, ok, nk indexKeys) error {
	for _, x := range []struct {
		bucket   *bolt.Bucket
		old, new []byte
	}{{b.open, ok.open, nk.open}, {b.due, ok.due, nk.due}, {b.node, ok.node, nk.node}} {
		if bytes.Equal(x.old, x.new) {
			continue
		}
		if x.old != nil {
			if err := x.bucket.Delete(x.old); err != nil {
				return err
			}
		}
		if x.new != nil {
			if err := x.bucket.Put(x.new, []byte{}); err != nil {
				return err
			}
		}
	}
	b.changed.note(inc)
	return b.noteIncident(inc, old)
}
