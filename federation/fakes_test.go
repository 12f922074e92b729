package federation

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gridcmd/model"
)

// memLog is a log of records and its cursor in memory: what the store
// keeps of a town's outbox, or of the hub's commands.
type memLog struct {
	mu      sync.Mutex
	log     []model.FedRecord
	cursor  uint64
	cursors int // cursor settings
}

// push appends a record of town with the next seq.
func (l *memLog) push(town model.NodeCode, data func(seq uint64) []byte) {
	seq := uint64(len(l.log) + 1)
	l.log = append(l.log, model.FedRecord{Town: town, Seq: seq, Data: data(seq)})
}

// pending is a copy of up to limit records after seq after.
func (l *memLog) pending(after uint64, limit int) ([]model.FedRecord, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if after >= uint64(len(l.log)) {
		return nil, nil
	}
	out := l.log[after:]
	if len(out) > limit {
		out = out[:limit]
	}
	return append([]model.FedRecord(nil), out...), nil
}

func (l *memLog) getCursor() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cursor, nil
}

func (l *memLog) setCursor(seq uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cursor = seq
	l.cursors++
	return nil
}

// memOutbox is a town's log and cursor in memory (the store's stand-in).
type memOutbox struct {
	memLog
	town model.NodeCode
	last atomic.Int64 // when add last committed a burst (Unix ns; 0: never)
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

func (o *memOutbox) FedPending(_ context.Context, after uint64, limit int) ([]model.FedRecord, error) {
	return o.pending(after, limit)
}

func (o *memOutbox) FedCursor(context.Context) (uint64, error)        { return o.getCursor() }
func (o *memOutbox) SetFedCursor(_ context.Context, seq uint64) error { return o.setCursor(seq) }

// memCommands is the hub's command outbox in memory.
type memCommands struct{ memLog }

func (c *memCommands) add(town model.NodeCode, data string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.push(town, func(uint64) []byte { return []byte(data) })
}

func (c *memCommands) FedCommandsPending(_ context.Context, after uint64, limit int) ([]model.FedRecord, error) {
	return c.pending(after, limit)
}

func (c *memCommands) FedCommandCursor(context.Context) (uint64, error) { return c.getCursor() }
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
