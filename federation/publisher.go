package federation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
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
	numberPast func(ctx context.Context, recs []model.FedRecord) (model.FedLost, error)
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
// after the cursor and says what already clashes, then writing the cursor
// at last moves the log's (SetFedCursor).
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
	if err := p.numberPastLost(ctx, cur); err != nil {
		return fmt.Errorf("numbering past the records of %s after %d: %w", p.stream, cur, err)
	}
	if err := p.setCursor(ctx, last); err != nil {
		return err
	}
	p.saved, p.when = last, p.now()
	return nil
}

// numberPastLost hands the stream's records after cur to numberPast, a
// batch at a time, and says what of the lost copy the county keeps that
// this file has not, and what of this file clashes with it.
func (p *publisher) numberPastLost(ctx context.Context, cur uint64) error {
	if p.numberPast == nil {
		return nil
	}
	var all model.FedLost
	aged, err := recordsAfter(ctx, p.js, p.stream, p.town, cur, func(recs []model.FedRecord) error {
		lost, err := p.numberPast(ctx, recs)
		all.Incidents = append(all.Incidents, lost.Incidents...)
		all.Events = append(all.Events, lost.Events...)
		all.Clashing = append(all.Clashing, lost.Clashing...)
		return err
	})
	if err != nil {
		return err
	}
	if aged != 0 {
		p.logf("federation: %s: its records %d to %d are no longer in it (it keeps %.0f days): what they numbered is not passed",
			p.stream, cur+1, aged, streamMaxAge.Hours()/24)
	}
	if ids := sortedIDs(all.Incidents); len(ids) > 0 {
		p.logf("federation: %s: %d incidents of the copy this file was restored from are at the county and not in this file (%s); this file's new incidents are numbered after them",
			p.stream, len(ids), idRange(ids))
	}
	if seqs := slices.Compact(slices.Sorted(slices.Values(all.Events))); len(seqs) > 0 {
		p.logf("federation: %s: %d events of this file (%d to %d), taken before its node started, hold numbers the stream has for the lost copy's: they are not sent",
			p.stream, len(seqs), seqs[0], seqs[len(seqs)-1])
	}
	if ids := sortedIDs(all.Clashing); len(ids) > 0 {
		p.logf("federation: %s: %d incidents of this file (%s), filed before its node started, took the numbers of the lost copy's: a change to one of them goes over the county's copy of the lost one",
			p.stream, len(ids), idRange(ids))
	}
	p.logf("federation: %s: commands of the county this file applied after the backup are not applied again: check its directives and wartime with the county", p.stream)
	return nil
}

// sortedIDs is ids without repeats, in the order of their numbers (a
// longer number is a larger one).
func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) })
	return slices.Compact(out)
}

// idRange names a sorted list of ids: all of a few, or the first and last.
func idRange(ids []string) string {
	if len(ids) <= 3 {
		return strings.Join(ids, ", ")
	}
	return ids[0] + " … " + ids[len(ids)-1]
}

// readWindow is the most of a stream's messages recordsAfter reads at a
// time (about 0.8 MB of events); it starts at publishBatch, for the few
// records past the cursor a restore mostly finds, and doubles.
const readWindow = 4 * publishBatch

// recordsAfter hands each a batch (up to publishBatch, newest first) of
// the records in a town's stream whose Gridcmd-Seq is past after. The
// stream holds them in the town's order (a record published again is a
// duplicate the stream drops), so the walk back from its last message
// stops at the first at or before after. When the walk reaches the
// stream's first message still past after+1, the records between aged
// out of the stream: it returns the last of them (0: none). A message
// without a Gridcmd-Seq is no record and is passed over. The walk reads a
// window of messages at a time (up to readWindow), oldest first through
// one consumer (readRange), and takes each window's newest first: 20,000
// records read one GetMsg at a time took about 1.3 s, so about 0.12 s
// (BenchmarkRecordsAfter).
func recordsAfter(ctx context.Context, js jetstream.JetStream, name string, town model.NodeCode, after uint64, each func([]model.FedRecord) error) (aged uint64, err error) {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return 0, err
	}
	info, err := s.Info(ctx)
	if err != nil || info.State.Msgs == 0 {
		return 0, err
	}
	w := recordWalk{town: town, after: after, each: each, batch: make([]model.FedRecord, 0, publishBatch)}
	first, window := max(info.State.FirstSeq, 1), uint64(publishBatch)
	for hi := info.State.LastSeq; hi >= first && !w.done; window = min(2*window, readWindow) {
		lo := first
		if hi-first >= window {
			lo = hi - window + 1
		}
		msgs, err := readRange(ctx, s, lo, hi)
		if err != nil {
			return 0, err
		}
		for i := len(msgs) - 1; i >= 0 && !w.done; i-- {
			if err := w.take(msgs[i]); err != nil {
				return 0, err
			}
		}
		if lo == first {
			break
		}
		hi = lo - 1
	}
	return w.end()
}

// recordWalk is recordsAfter's walk back through a stream.
type recordWalk struct {
	town   model.NodeCode
	after  uint64
	each   func([]model.FedRecord) error
	batch  []model.FedRecord
	oldest uint64 // the oldest record read
	done   bool   // a record at or before after was met
}

// take takes the next message back (stream message m): a record past
// after joins the batch, handed on when full; one at or before it ends
// the walk.
func (w *recordWalk) take(m jetstream.Msg) error {
	seq := headerSeq(m.Headers().Get(HeaderSeq))
	switch {
	case seq == 0:
		return nil
	case seq <= w.after:
		w.oldest, w.done = 0, true
		return nil
	}
	w.oldest = seq
	w.batch = append(w.batch, model.FedRecord{Town: w.town, Seq: seq, Data: m.Data()})
	if len(w.batch) < cap(w.batch) {
		return nil
	}
	err := w.each(w.batch)
	w.batch = w.batch[:0]
	return err
}

// end hands on the last batch and says what aged out.
func (w *recordWalk) end() (aged uint64, err error) {
	if w.oldest > w.after+1 {
		aged = w.oldest - 1
	}
	if len(w.batch) == 0 {
		return aged, nil
	}
	return aged, w.each(w.batch)
}

// readRange is the messages of stream s from lo to hi (those deleted left
// out), oldest first, read through ephemeral consumers that ack nothing
// and are deleted after, a fetch of what is left of the range each,
// without waiting (the range is stored already). A fetch can end short of
// what the server sent (the client gives it about a second: a slow link or
// a busy machine cuts it, and says nothing): the consumer's count of what
// it delivered tells, and the rest is fetched again from the last message
// taken, by a new consumer (the old one counts the lost ones delivered).
func readRange(ctx context.Context, s jetstream.Stream, lo, hi uint64) ([]jetstream.Msg, error) {
	out := make([]jetstream.Msg, 0, hi-lo+1)
	for next, stalled := lo, 0; next <= hi; {
		last, more, err := fetchFrom(ctx, s, next, hi, &out)
		if err != nil || !more {
			return out, err
		}
		if last+1 == next { // cut before its first message
			if stalled++; stalled == maxStalls {
				return out, fmt.Errorf("stream %s: no message from %d came through in %d fetches (the link too slow, or the machine too busy)",
					s.CachedInfo().Config.Name, next, maxStalls)
			}
			continue
		}
		next, stalled = last+1, 0
	}
	return out, nil
}

// maxStalls is how many fetches in a row readRange lets end before their
// first message before it gives up (each is about a second).
const maxStalls = 5

// fetchFrom is one fetch of stream s from next to hi (fetchTo), through a
// consumer of its own, deleted after: the last message it took (next-1 for
// none), and whether the fetch was cut short and more of the range waits.
func fetchFrom(ctx context.Context, s jetstream.Stream, next, hi uint64, out *[]jetstream.Msg) (last uint64, more bool, err error) {
	c, err := s.CreateConsumer(ctx, jetstream.ConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: next,
		AckPolicy: jetstream.AckNonePolicy, MemoryStorage: true, InactiveThreshold: time.Minute,
	})
	if err != nil {
		return 0, false, err
	}
	defer func() {
		// A consumer left behind goes after InactiveThreshold anyway.
		if derr := s.DeleteConsumer(context.WithoutCancel(ctx), c.CachedInfo().Name); err == nil && !errors.Is(derr, jetstream.ErrConsumerNotFound) {
			err = derr
		}
	}()
	got, err := fetchTo(c, hi, out)
	if err != nil || got >= hi {
		return got, false, err // the range is whole: it reached hi or went past it
	}
	info, err := c.Info(ctx)
	if err != nil {
		return got, false, err
	}
	taken := max(got, next-1)
	// The server sent past what was taken: the fetch was cut short.
	return taken, info.Delivered.Stream > taken, nil
}

// fetchTo appends to out what one fetch of consumer c gives up to hi, and
// says the stream sequence of the last message it gave (past hi for one it
// left out; 0 for none).
func fetchTo(c jetstream.Consumer, hi uint64, out *[]jetstream.Msg) (last uint64, err error) {
	b, err := c.FetchNoWait(int(hi - c.CachedInfo().Config.OptStartSeq + 1))
	if err != nil {
		return 0, err
	}
	for m := range b.Messages() {
		md, err := m.Metadata()
		if err != nil {
			return 0, err
		}
		if last = md.Sequence.Stream; last <= hi {
			*out = append(*out, m)
		}
	}
	if err := b.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
		return last, err
	}
	return last, nil
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
