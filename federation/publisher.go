package federation

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"gridcmd/model"
)

const (
	publishBatch = 512                   // records read and published before their acks are awaited
	cursorEvery  = time.Second           // the durable cursor is written at most this often
	ackTimeout   = 10 * time.Second      // a local stream that does not ack in this long is retried
	gather       = 25 * time.Millisecond // a wake waits this long for more commits before reading
	yieldFactor  = 9                     // during a burst, the publisher rests this many times a batch's time after it
	settle       = 20 * time.Millisecond // a burst lasts while the writer committed a burst's transaction within this long
	giveWayMost  = time.Second           // a burst holds a batch back at most this long
)

// publisher moves an outbox's records into a stream of the same server:
// it reads what follows its cursor, publishes it asynchronously with the
// record's id (the stream's duplicate window drops a second copy), waits
// for the acks, and writes the durable cursor now and then (a cursor that
// lags only means records the stream drops as duplicates, or that the
// start skips: see start).
type publisher struct {
	js        jetstream.JetStream
	stream    string
	pending   func(ctx context.Context, after uint64) ([]model.FedRecord, error)
	cursor    func(ctx context.Context) (uint64, error)
	setCursor func(ctx context.Context, seq uint64) error
	newest    func(ctx context.Context) (uint64, error) // the log's newest record (nil: not checked)
	town      model.NodeCode                            // whose records (numberPast's)
	// numberPast moves the file's numbering past what records of a lost
	// copy carry (model.FedOutbox's FedNumberPast; nil: not done).
	numberPast func(ctx context.Context, recs []model.FedRecord) ([]string, error)
	subject    func(model.FedRecord) string
	wake       <-chan struct{}
	poll       time.Duration
	busy       func() time.Time // when the town's writer last committed a burst's transaction (nil: the uplink does not give way)
	now        func() time.Time
	logf       func(string, ...any)

	beforePublish, afterAck func(seq uint64) // the tests' crash points

	at    atomic.Uint64 // the last record the stream acknowledged
	seen  atomic.Uint64 // the last record read from the outbox
	saved uint64        // the last cursor written
	when  time.Time     // when it was written
}

// start finds where to go on from: the durable cursor, or the last record
// the stream already holds when that is further (the process died after
// the stream took records and before the cursor was written).
func (p *publisher) start(ctx context.Context) error {
	cur, err := p.cursor(ctx)
	if err != nil {
		return err
	}
	last, err := lastSeqInStream(ctx, p.js, p.stream)
	if err != nil {
		return err
	}
	p.saved = cur
	if last > cur {
		if err := p.behind(ctx, cur, last); err != nil {
			return err
		}
		cur = last
	}
	p.at.Store(cur)
	return nil
}

// behind deals with a stream that holds records past the cursor. Mostly
// the process died after the stream took them and before the cursor was
// written, and the log has them too. When the log ends before the
// stream's last record, the file is older than its stream (restored from
// a backup): its numbering must go on after the lost copy's, or its new
// records would take numbers the stream, and the hub, already hold from
// that copy: an event would never be sent, an incident (an activation, a
// person) would replace the lost one at the county. numberPastLost moves
// the incidents', activations' and people's numbering past the records
// after the cursor, then writing the cursor at last moves the log's
// (SetFedCursor). Records the file numbered after its old cursor before
// this start already took such numbers and are not sent: said loudly.
func (p *publisher) behind(ctx context.Context, cur, last uint64) error {
	if p.newest == nil {
		return nil
	}
	newest, err := p.newest(ctx)
	if err != nil || newest >= last {
		return err
	}
	p.logf("federation: %s holds records up to %d, past this file's newest (%d): the file is older than its stream (restored from a backup?); its numbering goes on after %d",
		p.stream, last, newest, last)
	if newest > cur {
		p.logf("federation: %s: records %d to %d of this file took numbers the stream already holds from the copy it was restored from; they are not sent (the other side never gets them)",
			p.stream, cur+1, newest)
	}
	if err := p.numberPastLost(ctx, cur); err != nil {
		return err
	}
	if err := p.setCursor(ctx, last); err != nil {
		return err
	}
	p.saved, p.when = last, p.now()
	return nil
}

// numberPastLost hands the stream's records after cur to numberPast, a
// batch at a time, and says which incidents of the lost copy the county
// keeps that this file has not.
func (p *publisher) numberPastLost(ctx context.Context, cur uint64) error {
	if p.numberPast == nil {
		return nil
	}
	var lacking []string
	seen := map[string]bool{}
	err := recordsAfter(ctx, p.js, p.stream, p.town, cur, func(recs []model.FedRecord) error {
		ids, err := p.numberPast(ctx, recs)
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				lacking = append(lacking, id)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(lacking) > 0 {
		slices.Sort(lacking)
		p.logf("federation: %s: %d incidents of the copy this file was restored from are at the county and not in this file (%s); this file's new incidents are numbered after them",
			p.stream, len(lacking), idRange(lacking))
	}
	return nil
}

// idRange names a sorted list of ids: all of a few, or the first and last.
func idRange(ids []string) string {
	if len(ids) <= 3 {
		return strings.Join(ids, ", ")
	}
	return ids[0] + " … " + ids[len(ids)-1]
}

// recordsAfter hands each a batch (up to publishBatch, newest first) of
// the records in a town's stream whose Gridcmd-Seq is past after. The
// stream holds them in the town's order (a record published again is a
// duplicate the stream drops), so the walk back from its last message
// stops at the first at or before after.
func recordsAfter(ctx context.Context, js jetstream.JetStream, name string, town model.NodeCode, after uint64, each func([]model.FedRecord) error) error {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return err
	}
	info, err := s.Info(ctx)
	if err != nil || info.State.Msgs == 0 {
		return err
	}
	batch := make([]model.FedRecord, 0, publishBatch)
	for sq := info.State.LastSeq; sq >= max(info.State.FirstSeq, 1); sq-- {
		m, err := s.GetMsg(ctx, sq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue // deleted
		}
		if err != nil {
			return err
		}
		seq := headerSeq(m.Header.Get(HeaderSeq))
		if seq <= after {
			break
		}
		batch = append(batch, model.FedRecord{Town: town, Seq: seq, Data: m.Data})
		if len(batch) == cap(batch) {
			if err := each(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) == 0 {
		return nil
	}
	return each(batch)
}

// lastSeqInStream is the Gridcmd-Seq of a stream's last message (0: empty).
func lastSeqInStream(ctx context.Context, js jetstream.JetStream, name string) (uint64, error) {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return 0, err
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, err
	}
	if info.State.LastSeq == 0 || info.State.Msgs == 0 {
		return 0, nil
	}
	m, err := s.GetMsg(ctx, info.State.LastSeq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return headerSeq(m.Header.Get(HeaderSeq)), nil
}

func (p *publisher) run(ctx context.Context) {
	for {
		if err := p.start(ctx); err == nil {
			break
		} else if ctx.Err() == nil {
			p.logf("federation: %s: reading the cursor: %v (trying again)", p.stream, err)
		}
		if !sleep(ctx, time.Second) {
			return
		}
	}
	defer p.flush()
	tick := time.NewTicker(p.poll)
	defer tick.Stop()
	for {
		for {
			if !p.giveWay(ctx) {
				return
			}
			began := time.Now()
			n, err := p.publishOnce(ctx)
			// Yield to a burst of reports: a batch during which the
			// writer committed a burst's transaction is followed by a rest
			// nine times as long, so the uplink (and what it sets going in
			// the servers) takes at most a tenth of the time during it.
			// Without a burst the backlog goes at once.
			if n > 0 && p.filing(began) && !sleep(ctx, yieldFactor*time.Since(began)) {
				return
			}
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				p.logf("federation: %s: %v (trying again)", p.stream, err)
				if !sleep(ctx, time.Second) {
					return
				}
				continue
			}
			p.maybeSave(ctx, false)
			if n < publishBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-tick.C:
		}
		// Let a burst of commits gather: one read of the outbox for many
		// records costs the town's file less than one per commit.
		if !sleep(ctx, gather) {
			return
		}
	}
}

// giveWay holds the next batch back during a burst of reports (the town's
// writer committed a burst's transaction, many reports at once, within the
// last settle), for at most giveWayMost: the burst is filed first and its
// uplink follows when the burst pauses, or one batch a giveWayMost while it
// does not (a burst longer than a moment falls behind by what it files
// beyond publishBatch a second, and catches up after). At everyday rates a
// commit carries a report or two, which is no burst: nothing waits. False
// when ctx ended.
func (p *publisher) giveWay(ctx context.Context) bool {
	if p.busy == nil {
		return true
	}
	limit := time.Now().Add(giveWayMost)
	for {
		quiet, left := time.Since(p.busy()), time.Until(limit)
		if quiet >= settle || left <= 0 {
			return true
		}
		if !sleep(ctx, min(settle-quiet, left)) {
			return false
		}
	}
}

// filing: the town's writer committed a burst's transaction since t
// (always, without the clock).
func (p *publisher) filing(t time.Time) bool {
	return p.busy == nil || !p.busy().Before(t)
}

// publishOnce publishes the next batch and waits for its acks; the
// position advances over the acked prefix.
func (p *publisher) publishOnce(ctx context.Context) (int, error) {
	recs, err := p.pending(ctx, p.at.Load())
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	p.seen.Store(recs[len(recs)-1].Seq)
	if p.beforePublish != nil {
		p.beforePublish(recs[len(recs)-1].Seq)
	}
	futs := make([]jetstream.PubAckFuture, 0, len(recs))
	stamp := p.now().UTC().Format(time.RFC3339Nano)
	for _, r := range recs {
		m := nats.NewMsg(p.subject(r))
		m.Header.Set(HeaderSeq, strconv.FormatUint(r.Seq, 10))
		m.Header.Set(HeaderTime, stamp)
		m.Data = r.Data
		f, err := p.js.PublishMsgAsync(m, jetstream.WithMsgID(model.FedMsgID(r.Town, r.Seq)), jetstream.WithExpectStream(p.stream))
		if err != nil {
			break
		}
		futs = append(futs, f)
	}
	timeout := time.NewTimer(ackTimeout)
	defer timeout.Stop()
	for i, f := range futs {
		select {
		case <-f.Ok():
			p.at.Store(recs[i].Seq)
		case err := <-f.Err():
			return i, err
		case <-timeout.C:
			return i, errors.New("no ack from the local stream")
		case <-ctx.Done():
			return i, ctx.Err()
		}
	}
	if p.afterAck != nil && len(futs) > 0 {
		p.afterAck(recs[len(futs)-1].Seq)
	}
	return len(futs), nil
}

// maybeSave writes the cursor when it moved and a second has passed (or
// always, when final).
func (p *publisher) maybeSave(ctx context.Context, final bool) {
	at := p.at.Load()
	if at == p.saved || (!final && p.now().Sub(p.when) < cursorEvery) {
		return
	}
	if err := p.setCursor(ctx, at); err != nil {
		p.logf("federation: %s: writing the cursor: %v", p.stream, err)
		return
	}
	p.saved, p.when = at, p.now()
}

// flush writes the cursor on the way out.
func (p *publisher) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p.maybeSave(ctx, true)
}

// sleep waits d or until ctx ends; false when it ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
