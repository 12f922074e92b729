package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// maxBatch is the most requests one group commit takes.
const maxBatch = 1000

// subBuffer is how many committed batches a subscriber may fall behind.
const subBuffer = 256

// writeFn is one write request. It runs inside the writer's transaction with
// the batch's clock, does all its reads and the model rule before it writes,
// and returns the events that record its change; the writer appends them to
// the log (assigning their Seq) in the same transaction. It may run more than
// once (when another request of its batch fails), so it must set its
// results afresh each time and touch nothing outside tx.
type writeFn func(tx *bolt.Tx, now time.Time) ([]model.Event, error)

type result struct {
	events []model.Event
	err    error
}

type request struct {
	fn     writeFn
	done   chan result
	events []model.Event // set by a successful run, answered after commit
}

// errAbort rolls back a batch's transaction after one request failed.
var errAbort = errors.New("store: batch aborted")

// write hands fn to the writer and waits for its commit. ctx is honoured
// only while waiting for room in the queue: once queued, the write is
// answered after its commit whatever ctx says, so the caller never mistakes
// a committed write for a failed one.
func (s *DB) write(ctx context.Context, fn writeFn) ([]model.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	req := &request{fn: fn, done: make(chan result, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, s.closedErr()
	}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		s.mu.RUnlock()
		return nil, ctx.Err()
	}
	s.mu.RUnlock()
	res := <-req.done
	return res.events, res.err
}

// maxGather bounds how long, in all, one transaction of the writer yields
// while waiting for callers to come back (see commit): a fraction of one
// commit here.
const maxGather = 200 * time.Microsecond

// run is the writer goroutine: it takes each request that finds it idle as
// the first of a batch, and exits once Close has closed the queue and every
// queued request is done.
func (s *DB) run() {
	defer close(s.stopped)
	want := 0
	var changed changedSet
	for {
		req, ok := <-s.queue
		if !ok {
			return
		}
		want = s.commit(req, want, &changed)
	}
}

// drain moves queued requests into batch without blocking; false once the
// queue is closed.
func (s *DB) drain(batch *[]*request) bool {
	for len(*batch) < maxBatch {
		select {
		case r, ok := <-s.queue:
			if !ok {
				return false
			}
			*batch = append(*batch, r)
		default:
			return true
		}
	}
	return true
}

// commit runs first and what queues up behind it in one transaction (group
// commit) and returns how many requests to wait for next time.
//
// The writer does not wait for a batch to gather before it starts: it runs
// each request in the transaction as soon as it has it, and takes whatever
// has been queued meanwhile, so that the callers' own work (and their coming
// back after the last commit) overlaps the writer's. Callers answered by the
// last commit usually send their next write at once; committing as soon as
// the queue is empty would split a steady load into two alternating
// half-size groups, each paying its own fsyncs. So while the batch is
// smaller than want (the size of the last batch plus the requests that
// queued during its commit) the writer yields the CPU (runtime.Gosched, not
// a sleep) for up to maxGather in all before it commits. A lone caller waits
// for nothing.
//
// A request that fails is answered with its error and taken out, and the
// rest run again in a new transaction (gathering no more); the others are
// answered only after their commit returned.
//
// changed gathers, in each transaction, the incidents it saves or its
// events name; with the events they are published as one model.Batch.
func (s *DB) commit(first *request, want int, changed *changedSet) int {
	s.batch = append(s.batch[:0], first)
	pending := s.batch
	gather := true
	open := true
	now := s.clock()
	for len(pending) > 0 {
		failed, failErr := -1, error(nil)
		err := s.db.Update(func(tx *bolt.Tx) error {
			b, err := writerBuckets(tx)
			if err != nil {
				return err
			}
			changed.reset()
			b.changed = changed
			s.startTx(b)
			var idle time.Duration
			for i := 0; ; i++ {
				for i == len(pending) && gather && open {
					open = s.drain(&pending)
					if i < len(pending) || len(pending) >= want || len(pending) >= maxBatch || idle >= maxGather {
						break
					}
					t := time.Now()
					runtime.Gosched()
					idle += time.Since(t)
				}
				if i == len(pending) {
					break
				}
				r := pending[i]
				evs, err := runFn(r.fn, tx, now)
				if err == nil {
					err = putEvents(s.wt.buckets, evs)
				}
				if err == nil {
					err = s.noteActivity(tx, evs)
				}
				if err == nil {
					err = s.earn(tx, evs) // the points, in the same transaction as their events
				}
				if err != nil {
					failed, failErr = i, err
					return errAbort
				}
				r.events = evs
			}
			if err := changed.addNamed(s, tx, pending); err != nil {
				return err
			}
			return s.wt.finish(tx)
		})
		gather = false
		if failed >= 0 {
			s.wc.reset()
			pending[failed].done <- result{err: failErr}
			pending = append(pending[:failed], pending[failed+1:]...)
			continue
		}
		if err != nil {
			s.wc.reset()
			for _, r := range pending {
				r.done <- result{err: fmt.Errorf("commit to %s: %w", s.path, err)}
			}
			break
		}
		waiting := len(s.queue)
		s.commits.Add(1)
		s.committed.Add(int64(len(pending)))
		if len(pending) >= burstBatch || waiting >= burstBatch {
			s.lastBurst.Store(max(1, int64(time.Since(s.opened))))
		}
		if s.publish(func() model.Batch { return batchOf(pending, changed) }) {
			changed.handOver()
		}
		for _, r := range pending {
			r.done <- result{events: r.events}
		}
		s.batch = pending[:0]
		clear(pending)
		return min(maxBatch, len(pending)+waiting)
	}
	clear(pending)
	return len(s.queue)
}

// startTx sets up the writer's state for a new transaction over the
// buckets b: its counters' changes are gathered and written by finish.
func (s *DB) startTx(b txBuckets) {
	s.wt = txState{buckets: b}
	s.wt.buckets.counts = &s.wt.counts
}

// appendFill is the fill of the pages of buckets whose keys grow: the logs
// and records keyed by sequence, and the indexes whose new entries go at
// the end of a range (a node's incidents in idx_node, a tier and status in
// idx_open, the clock in idx_due). bbolt splits pages half full by default,
// which suits random inserts; for these it only doubles the pages written
// and stored, and in idx_node, where a batch ends many ranges at once, the
// branch pages above them.
const appendFill = 0.9

// logFill is the fill of the event log's pages: its keys only ever grow
// (NextSequence) and no event is written twice, so a page is never split
// again once full and needs no room left.
const logFill = 1.0

// recordFill is the fill of the incident records' pages. A field report's
// record is about 530 bytes (bench ingest's), so at appendFill a page took
// six (78% used) where seven fit; at recordFill it takes seven and still
// keeps about 350 bytes for records that grow as their incident moves on.
const recordFill = 0.95

// txBuckets are the buckets of incidents and the log. The writer fetches
// them once per transaction (txState.buckets) with the fill of appendFill
// (logFill for the log, recordFill for the records);
// bbolt keeps one *Bucket per name and transaction, so the fill holds for
// every use in it.
type txBuckets struct {
	tx                                                      *bolt.Tx
	incidents, ids, open, due, node, events, incidentEvents *bolt.Bucket
	escalations, passOn                                     *bolt.Bucket // the figures (figures.go)
	// counts gathers the changes to the per-node counters in the writer's
	// transactions, written once before the commit (txState.finish); nil
	// elsewhere, where each change is written at once.
	counts *countDeltas
	// changed is where saveIncident notes what it saved, in the writer's
	// transactions; nil elsewhere (the fixtures' raw writes, check).
	changed *changedSet
}

// changedSet is the incidents one writer transaction saved or its events
// name, each once, at its last value, in the order first noted. The writer
// keeps one across transactions, so that a commit nobody follows costs no
// allocation; incs is handed over (handOver) once a subscriber holds it.
type changedSet struct {
	incs []model.Incident
	at   map[uint64]int // seq -> index in incs
}

// note records inc as saved; a later save of the same incident replaces it.
func (c *changedSet) note(inc model.Incident) {
	if c == nil {
		return
	}
	if i, ok := c.at[inc.Seq]; ok {
		c.incs[i] = inc
		return
	}
	if c.at == nil {
		c.at = map[uint64]int{}
	}
	c.at[inc.Seq] = len(c.incs)
	c.incs = append(c.incs, inc)
}

// addNamed reads, in tx, the incidents the events of pending name that no
// request saved (an alert joining an open incident names it and leaves it
// as it was), so that the batch carries every incident its events name.
func (c *changedSet) addNamed(s *DB, tx *bolt.Tx, pending []*request) error {
	for _, r := range pending {
		for _, ev := range r.events {
			if ev.IncidentSeq == 0 {
				continue
			}
			if _, ok := c.at[ev.IncidentSeq]; ok {
				continue
			}
			inc, err := s.getIncident(tx, ev.IncidentSeq)
			if err != nil {
				return err
			}
			c.note(inc)
		}
	}
	return nil
}

// reset empties the set for a new transaction, keeping its memory.
func (c *changedSet) reset() {
	clear(c.incs)
	c.incs = c.incs[:0]
	clear(c.at)
}

// published is the set as a batch carries it: nil when empty.
func (c *changedSet) published() []model.Incident {
	if len(c.incs) == 0 {
		return nil
	}
	return c.incs
}

// handOver lets go of incs, which subscribers now share: the next
// transaction starts a new slice, the size of this one.
func (c *changedSet) handOver() {
	if len(c.incs) > 0 {
		c.incs = make([]model.Incident, 0, len(c.incs))
	}
}

// bucketsOfTx fetches them from tx, an error naming the first one missing.
func bucketsOfTx(tx *bolt.Tx) (txBuckets, error) {
	var missing error
	get := func(name []byte) *bolt.Bucket {
		bk := tx.Bucket(name)
		if bk == nil && missing == nil {
			missing = fmt.Errorf("bucket %s is missing (run gridcmd check)", name)
		}
		return bk
	}
	return txBuckets{
		tx:        tx,
		incidents: get(bucketIncidents), ids: get(bucketIncidentIDs),
		open: get(bucketIdxOpen), due: get(bucketIdxDue), node: get(bucketIdxNode),
		events: get(bucketEvents), incidentEvents: get(bucketIncidentEvents),
		escalations: get(bucketIdxEscalations), passOn: get(bucketIdxPassOn),
	}, missing
}

// writerBuckets fetches them for a writer transaction, packed. Every
// schema has them; without one (a damaged file) the transaction fails
// instead of the writer.
func writerBuckets(tx *bolt.Tx) (txBuckets, error) {
	b, err := bucketsOfTx(tx)
	if err != nil {
		return b, err
	}
	for _, x := range []*bolt.Bucket{b.incidents, b.ids, b.open, b.due, b.node, b.events, b.incidentEvents, b.escalations, b.passOn} {
		x.FillPercent = appendFill
	}
	b.events.FillPercent, b.incidents.FillPercent = logFill, recordFill
	people := tx.Bucket(bucketPeople)
	if people == nil {
		return b, fmt.Errorf("bucket %s is missing (run gridcmd check)", bucketPeople)
	}
	people.FillPercent = appendFill
	return b, nil
}

// runFn runs one request, turning a panic into an error so that one bad
// request cannot take the writer down.
func runFn(fn writeFn, tx *bolt.Tx, now time.Time) (evs []model.Event, err error) {
	defer func() {
		if p := recover(); p != nil {
			evs, err = nil, fmt.Errorf("store: write request panicked: %v", p)
		}
	}()
	return fn(tx, now)
}

// putEvents appends evs to the log, setting each one's Seq, and indexes the
// ones about an incident (in the buckets of bs).
func putEvents(bs txBuckets, evs []model.Event) error {
	if len(evs) == 0 {
		return nil
	}
	b, idx := bs.events, bs.incidentEvents
	for i := range evs {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		evs[i].Seq = seq
		v, err := encodeEvent(evs[i])
		if err != nil {
			return err
		}
		if err := b.Put(u64(seq), v); err != nil {
			return err
		}
		if evs[i].IncidentSeq != 0 {
			if err := idx.Put(pairKey(evs[i].IncidentSeq, seq), []byte{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// burstBatch: a transaction of this many requests or more, or as many
// left waiting behind it, is a burst's: many filers at once, the writer
// committing back to back. At everyday rates a commit carries one or two.
const burstBatch = 8

// LastBurst is when the writer last committed a burst's transaction
// (burstBatch requests or more, or as many waiting after it); zero: none
// since the file opened. It keeps the monotonic reading, so a step of the
// wall clock does not move it. The federation's uplink gives way while it
// is recent (federation.TownConfig.LastBurst).
func (s *DB) LastBurst() time.Time {
	if d := s.lastBurst.Load(); d != 0 {
		return s.opened.Add(time.Duration(d))
	}
	return time.Time{}
}

// subscription is a live feed of committed batches.
type subscription struct {
	s    *DB
	ch   chan model.Batch
	lost atomic.Bool
	once sync.Once
}

func (x *subscription) C() <-chan model.Batch { return x.ch }
func (x *subscription) Lost() bool            { return x.lost.Swap(false) }

// Close ends the subscription and closes its channel.
func (x *subscription) Close() {
	x.once.Do(func() {
		x.s.subMu.Lock()
		defer x.s.subMu.Unlock()
		if _, ok := x.s.subs[x]; ok {
			delete(x.s.subs, x)
			close(x.ch)
		}
	})
}

// Subscribe returns a feed of every batch committed from now on, in commit
// order: its events and the incidents they name, as the commit left them.
// A subscriber that falls subBuffer batches behind loses batches and sees
// Lost() turn true; it should then reload. The slices it receives are
// shared with other subscribers: read them, do not change them. Closing the
// DB closes the channel.
func (s *DB) Subscribe() model.Subscription {
	x := &subscription{s: s, ch: make(chan model.Batch, s.subBuffer)}
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.closedForSubs() {
		close(x.ch)
		return x
	}
	s.subs[x] = struct{}{}
	return x
}

func (s *DB) closedForSubs() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.closed
}

// batchOf is what a commit publishes: the events of pending, in order,
// and the incidents they changed or name.
func batchOf(pending []*request, changed *changedSet) model.Batch {
	n := 0
	for _, r := range pending {
		n += len(r.events)
	}
	all := make([]model.Event, 0, n)
	for _, r := range pending {
		all = append(all, r.events...)
	}
	return model.Batch{Events: all, Incidents: changed.published()}
}

// publish hands a committed batch, made by batch, to every subscriber
// without blocking, and reports whether there was any (who then share the
// batch's slices). Without a subscriber the batch is not made (a commit of
// a thousand reports would copy a thousand events for nobody); a commit
// without events publishes nothing.
func (s *DB) publish(batch func() model.Batch) bool {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if len(s.subs) == 0 {
		return false
	}
	b := batch()
	if len(b.Events) == 0 {
		return false
	}
	for x := range s.subs {
		select {
		case x.ch <- b:
		default:
			x.lost.Store(true)
		}
	}
	return len(s.subs) > 0
}

// writerCache remembers, for the writer goroutine only, the people and nodes
// its requests looked up, so that a report does not decode its reporter
// again every time. Nodes are only ever added, so a committed entry stays
// true. People change: wartime puts workers and drafted reserves on duty
// and back, so every write of a person goes through forget (DB.savePerson),
// and the next lookup reads the person again. What a transaction read may
// include its own uncommitted writes, so the writer resets the cache
// whenever a transaction does not commit. A method that removes people or
// nodes must reset it too.
type writerCache struct {
	people map[model.PersonID]model.Person
	nodes  map[model.NodeCode]bool
}

func (c *writerCache) reset() {
	c.people, c.nodes = nil, nil
}

// forget drops one person, who has just been written.
func (c *writerCache) forget(id model.PersonID) {
	delete(c.people, id)
}

// actor is actorOf through the cache.
func (c *writerCache) actor(tx *bolt.Tx, id model.PersonID) (model.Person, error) {
	if id == model.System {
		return model.Person{ID: model.System}, nil
	}
	if p, ok := c.people[id]; ok {
		return p, nil
	}
	p, err := getPerson(tx, id)
	if err != nil {
		return p, err
	}
	if err := refuseFedPerson(tx, p); err != nil {
		return model.Person{}, err
	}
	if c.people == nil {
		c.people = map[model.PersonID]model.Person{}
	}
	c.people[id] = p
	return p, nil
}

// actorOn reads in tx who acts and the person they act on, as the writes
// that name a person besides their actor (a grant, a redemption, a
// release) begin.
func (c *writerCache) actorOn(tx *bolt.Tx, by, person model.PersonID) (actor, on model.Person, err error) {
	if actor, err = c.actor(tx, by); err != nil {
		return actor, on, err
	}
	on, err = getPerson(tx, person)
	return actor, on, err
}

// hasNode is hasNode through the cache (only found nodes are remembered).
func (c *writerCache) hasNode(tx *bolt.Tx, code model.NodeCode) bool {
	if c.nodes[code] {
		return true
	}
	if !hasNode(tx, code) {
		return false
	}
	if c.nodes == nil {
		c.nodes = map[model.NodeCode]bool{}
	}
	c.nodes[code] = true
	return true
}
