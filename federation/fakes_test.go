package federation

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"gridcmd/model"
)

// memLog is a log of records and its cursor in memory: what the store
// keeps of a town's outbox, or of the hub's commands.
type memLog struct {
	mu      sync.Mutex
	log     []model.FedRecord // in seq order
	seq     uint64            // the numbering: the last seq given out
	cursor  uint64
	cursors int // cursor settings
}

// push appends a record of town with the next seq.
func (l *memLog) push(town model.NodeCode, data func(seq uint64) []byte) {
	l.seq++
	l.log = append(l.log, model.FedRecord{Town: town, Seq: l.seq, Data: data(l.seq)})
}

// pending is a copy of up to limit records after seq after.
func (l *memLog) pending(after uint64, limit int) ([]model.FedRecord, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := sort.Search(len(l.log), func(i int) bool { return l.log[i].Seq > after })
	out := l.log[i:]
	if len(out) > limit {
		out = out[:limit]
	}
	return append([]model.FedRecord(nil), out...), nil
}

// newest is the seq of the log's last record (0: none).
func (l *memLog) newest() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.log) == 0 {
		return 0, nil
	}
	return l.log[len(l.log)-1].Seq, nil
}

func (l *memLog) getCursor() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cursor, nil
}

// setCursor sets the cursor; as the store's, it raises the numbering past
// it when the log is behind (a file older than its stream).
func (l *memLog) setCursor(seq uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cursor = seq
	l.cursors++
	l.seq = max(l.seq, seq)
	return nil
}

// memOutbox is a town's log and cursor in memory (the store's stand-in).
type memOutbox struct {
	memLog
	town     model.NodeCode
	last     atomic.Int64 // when add last committed a burst (Unix ns; 0: never)
	numbered []uint64     // the seqs of the records FedNumberPast was handed
}

// lastBurst is the store's LastBurst: when add last added burstBatch (8)
// records or more at once.
func (o *memOutbox) lastBurst() time.Time {
	if ns := o.last.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

func (o *memOutbox) add(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n >= 8 {
		defer o.last.Store(time.Now().UnixNano())
	}
	for range n {
		o.push(o.town, func(seq uint64) []byte { return fmt.Appendf(nil, `{"town":%q,"seq":%d}`, o.town, seq) })
	}
}

// olderCopy is the outbox as a backup taken when its first n records
// were all it held, its cursor then at cursor (the store's file restored).
func (o *memOutbox) olderCopy(n int, cursor uint64) *memOutbox {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := &memOutbox{town: o.town}
	c.log, c.cursor = append([]model.FedRecord(nil), o.log[:n]...), cursor
	if n > 0 {
		c.seq = c.log[n-1].Seq
	}
	return c
}

func (o *memOutbox) FedPending(_ context.Context, after uint64, limit int) ([]model.FedRecord, error) {
	return o.pending(after, limit)
}

func (o *memOutbox) FedCursor(context.Context) (uint64, error)        { return o.getCursor() }
func (o *memOutbox) FedLast(context.Context) (uint64, error)          { return o.newest() }
func (o *memOutbox) SetFedCursor(_ context.Context, seq uint64) error { return o.setCursor(seq) }

// FedNumberPast notes the records it is handed: the log in memory has no
// incidents, activations or people of its own to number.
func (o *memOutbox) FedNumberPast(_ context.Context, recs []model.FedRecord) ([]string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range recs {
		o.numbered = append(o.numbered, r.Seq)
	}
	return nil, nil
}

// memCommands is the hub's command outbox in memory.
type memCommands struct{ memLog }

// olderCopy is the outbox as a backup taken when its first n commands
// were all it held, its cursor then at cursor (the hub's file restored).
func (c *memCommands) olderCopy(n int, cursor uint64) *memCommands {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := &memCommands{}
	o.log, o.cursor = append([]model.FedRecord(nil), c.log[:n]...), cursor
	if n > 0 {
		o.seq = o.log[n-1].Seq
	}
	return o
}

func (c *memCommands) add(town model.NodeCode, data string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.push(town, func(uint64) []byte { return []byte(data) })
}

func (c *memCommands) FedCommandsPending(_ context.Context, after uint64, limit int) ([]model.FedRecord, error) {
	return c.pending(after, limit)
}

func (c *memCommands) FedCommandCursor(context.Context) (uint64, error) { return c.getCursor() }
func (c *memCommands) FedCommandsLast(context.Context) (uint64, error)  { return c.newest() }
func (c *memCommands) SetFedCommandCursor(_ context.Context, seq uint64) error {
	return c.setCursor(seq)
}

// memCommander is a town applying commands: each number once (as the
// store does), counting how often each was handed over.
type memCommander struct {
	mu      sync.Mutex
	last    uint64
	applied []string
	handed  map[uint64]int
	fail    bool
}

func (c *memCommander) FedCommand(_ context.Context, cmd model.FedRecord) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.handed == nil {
		c.handed = map[uint64]int{}
	}
	c.handed[cmd.Seq]++
	if c.fail {
		return fmt.Errorf("disk full")
	}
	if cmd.Seq <= c.last {
		return nil
	}
	c.last = cmd.Seq
	c.applied = append(c.applied, string(cmd.Data))
	return nil
}

func (c *memCommander) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.applied...)
}
