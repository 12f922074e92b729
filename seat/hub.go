package seat

import (
	"sync"
	"sync/atomic"

	"gridcmd/model"
)

// hub reads the store's one feed and fans each committed batch out to the
// seats. Every seat has a bounded buffer of its own: a seat whose console
// falls behind (its client stopped reading, so its program stopped taking
// messages) loses batches and reloads when it catches up (Lost), and never
// holds back the hub, the writer or the other seats.
type hub struct {
	src model.Subscription

	mu   sync.Mutex
	subs map[*seatSub]struct{}
	// onBatch, if set, sees every batch first (the server rechecks the
	// open seats' keys when one is added or revoked).
	onBatch func(model.Batch)

	dropped atomic.Int64 // batches a seat's full buffer could not take
	done    chan struct{}
}

// seatBuffer is how many batches a seat may fall behind before it loses
// them and reloads. The console drains its feed every 80 ms.
const seatBuffer = 64

func newHub(src model.Subscription, onBatch func(model.Batch)) *hub {
	h := &hub{src: src, subs: map[*seatSub]struct{}{}, onBatch: onBatch, done: make(chan struct{})}
	go h.run()
	return h
}

func (h *hub) run() {
	defer close(h.done)
	for b := range h.src.C() {
		if h.onBatch != nil {
			h.onBatch(b)
		}
		lost := h.src.Lost() // the hub itself fell behind: every seat reloads
		h.mu.Lock()
		for s := range h.subs {
			if lost {
				s.lose()
			}
			if reaches(b, s.scope) {
				s.offer(b, &h.dropped)
			}
		}
		h.mu.Unlock()
	}
	h.mu.Lock()
	for s := range h.subs {
		s.end()
	}
	h.subs = nil
	h.mu.Unlock()
}

// reaches reports whether batch b can change what a console scoped to
// scope shows: an event on a node in the scope, above it (the town's
// wartime, a directive to the town's micro-grids) or on none (a key, a
// token), or an incident in the scope. A change in another village is not
// the village room's business: its console is not woken for it, so a
// county's hundreds of rooms cost what their own changes cost.
func reaches(b model.Batch, scope model.NodeCode) bool {
	if scope == "" || len(b.Events) == 0 && len(b.Incidents) == 0 {
		return true
	}
	for _, e := range b.Events {
		if e.Node == "" || scope.Contains(e.Node) || e.Node.Contains(scope) {
			return true
		}
	}
	for _, inc := range b.Incidents {
		if scope.Contains(inc.Node) {
			return true
		}
	}
	return false
}

// subscribe is a seat's own feed, of the batches that reach scope ("" all).
func (h *hub) subscribe(scope model.NodeCode) *seatSub {
	s := &seatSub{c: make(chan model.Batch, seatBuffer), h: h, scope: scope}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil { // the store's feed has ended
		close(s.c)
		s.closed = true
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

func (h *hub) remove(s *seatSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		s.end()
	}
}

// close ends the store's feed; the seats' feeds end with it.
func (h *hub) close() {
	h.src.Close()
	<-h.done
}

// seatSub is a seat's feed: model.Subscription over a bounded buffer.
type seatSub struct {
	c      chan model.Batch
	h      *hub
	scope  model.NodeCode // the console's: batches that cannot reach it are not offered
	lost   atomic.Bool
	closed bool // guarded by h.mu
}

var _ model.Subscription = (*seatSub)(nil)

// offer hands b to the seat without waiting: a full buffer loses it.
func (s *seatSub) offer(b model.Batch, dropped *atomic.Int64) {
	select {
	case s.c <- b:
	default:
		s.lost.Store(true)
		dropped.Add(1)
	}
}

func (s *seatSub) lose() { s.lost.Store(true) }

// end closes the channel; h.mu is held.
func (s *seatSub) end() {
	if !s.closed {
		s.closed = true
		close(s.c)
	}
}

func (s *seatSub) C() <-chan model.Batch { return s.c }
func (s *seatSub) Lost() bool            { return s.lost.Swap(false) }
func (s *seatSub) Close()                { s.h.remove(s) }
