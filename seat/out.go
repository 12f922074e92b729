package seat

import (
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// out is a seat's terminal output between its program and the SSH
// channel. The program's writes never wait for the client: each goes into
// a bounded queue that one goroutine writes to the channel. When the
// client does not read (a dead village link), the channel's window fills,
// that goroutine waits, the queue fills, and further frames are dropped;
// once the client reads again and the queue has drained, repaint asks the
// program for a full frame, so what the screen shows is whole again. A
// write that has made no progress for the stall timeout is the seat's
// end (stalledFor).
type out struct {
	w       io.Writer
	repaint func() // asks the program for a full frame after drops
	max     int    // bytes the queue may hold

	mu      sync.Mutex
	wake    chan struct{}
	queue   []byte
	dropped bool      // frames were dropped since the last full frame
	since   time.Time // when the write in flight started (zero: none)
	closed  bool

	written atomic.Int64 // bytes the client has taken
	drops   *atomic.Int64
}

// outQueue is what a seat may have waiting for its client: a few full
// frames (a 200x60 frame with colours is about 40 KiB).
const outQueue = 256 << 10

func newOut(w io.Writer, drops *atomic.Int64) *out {
	o := &out{w: w, max: outQueue, wake: make(chan struct{}, 1), drops: drops}
	go o.run()
	return o
}

// Write queues p, or drops it when the queue is full. It never blocks on
// the client.
func (o *out) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return 0, io.ErrClosedPipe
	}
	if len(o.queue) > 0 && len(o.queue)+len(p) > o.max {
		o.dropped = true
		o.drops.Add(1)
		return len(p), nil
	}
	o.queue = append(o.queue, p...)
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (o *out) run() {
	var buf []byte
	for range o.wake {
		for {
			o.mu.Lock()
			if len(o.queue) == 0 || o.closed {
				repaint := o.dropped && !o.closed
				o.mu.Unlock()
				if repaint && o.repaint != nil {
					o.repaint()
				}
				break
			}
			buf, o.queue = o.queue, buf[:0]
			o.since = time.Now()
			o.mu.Unlock()
			n, err := o.w.Write(buf)
			o.written.Add(int64(n))
			o.mu.Lock()
			o.since = time.Time{}
			if err != nil {
				o.closed = true
			}
			o.mu.Unlock()
		}
	}
}

// takeDropped reports whether frames were dropped since the last call:
// the next frame must be whole.
func (o *out) takeDropped() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := o.dropped
	o.dropped = false
	return d
}

// stalledFor is how long the write in flight has waited for the client.
func (o *out) stalledFor(now time.Time) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.since.IsZero() {
		return 0
	}
	return now.Sub(o.since)
}

// close stops taking writes; the goroutine ends once the channel write in
// flight (if any) returns, which closing the connection makes it do.
func (o *out) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.closed = true
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// stop ends the goroutine for good; after close and after the program is
// done writing.
func (o *out) stop() {
	o.close()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.wake != nil {
		close(o.wake)
		o.wake = nil
	}
}

// drain waits (up to d) until the client has taken everything queued.
func (o *out) drain(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		o.mu.Lock()
		done := o.closed || len(o.queue) == 0 && o.since.IsZero()
		o.mu.Unlock()
		if done {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
