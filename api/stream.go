package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"gridcmd/model"
)

// streamLine is one line of the local event stream: a committed batch is
// its events and the incidents they name.
type streamLine struct {
	Ready     bool             `json:"ready,omitempty"`
	Events    []model.Event    `json:"events,omitempty"`
	Incidents []model.Incident `json:"incidents,omitempty"`
	Lost      bool             `json:"lost,omitempty"`
}

// handleSubscribe streams the service's committed batches as NDJSON: first
// {"ready":true} once subscribed, then one line per batch (its events and
// incidents), {"lost":true} when batches were dropped. It ends when the client goes, the service's
// subscription closes or the server drains.
func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.localAuth(w, r) {
		return
	}
	if s.isDraining() {
		s.unavailable(w, "the server is shutting down", "服务正在关闭")
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "", model.Errorf(model.EINTERNAL, "streaming is not supported here").Zh("此处不支持流式传输"))
		return
	}
	sub := s.svc.Subscribe()
	defer sub.Close()
	s.streams.Add(1)
	defer s.streams.Add(-1)
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	send := func(l streamLine) bool {
		if err := enc.Encode(l); err != nil {
			return false
		}
		if err := bw.Flush(); err != nil {
			return false
		}
		fl.Flush()
		return true
	}
	if !send(streamLine{Ready: true}) {
		return
	}
	lost := false
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.drainCh:
			return
		case b, ok := <-sub.C():
			if !ok {
				return
			}
			if !lost && sub.Lost() {
				lost = true
				if !send(streamLine{Lost: true}) {
					return
				}
			}
			if !send(streamLine{Events: b.Events, Incidents: b.Incidents}) {
				return
			}
		}
	}
}

// Subscribe follows the server's event stream. It returns once the server
// has subscribed, so every batch committed after it returns is delivered,
// with the incidents it names (unless the reader falls behind: then Lost
// turns true). If the stream cannot be opened, or ends (the server went
// away), the channel closes.
func (c *Client) Subscribe() model.Subscription {
	ctx, cancel := context.WithCancel(context.Background())
	x := &clientSub{ch: make(chan model.Batch, 256), cancel: cancel}
	ready := make(chan struct{})
	go x.run(ctx, c, ready)
	select {
	case <-ready:
	case <-time.After(callTimeout):
		x.lost.Store(true)
		x.Close()
	}
	return x
}

// clientSub is a Subscription over the local event stream.
type clientSub struct {
	ch     chan model.Batch
	lost   atomic.Bool
	cancel context.CancelFunc
	once   sync.Once
}

func (x *clientSub) C() <-chan model.Batch { return x.ch }
func (x *clientSub) Lost() bool            { return x.lost.Swap(false) }

// Close ends the subscription; its channel closes soon after.
func (x *clientSub) Close() { x.cancel() }

func (x *clientSub) run(ctx context.Context, c *Client, ready chan struct{}) {
	readyOnce := sync.OnceFunc(func() { close(ready) })
	defer readyOnce()
	defer x.once.Do(func() { close(x.ch) })
	resp, err := c.openStream(ctx, true)
	if err != nil {
		x.lost.Store(true)
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 256<<20)
	for sc.Scan() {
		var l streamLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			x.lost.Store(true)
			return
		}
		switch {
		case l.Ready:
			readyOnce()
		case l.Lost:
			x.lost.Store(true)
		case len(l.Events) > 0:
			select {
			case x.ch <- model.Batch{Events: l.Events, Incidents: l.Incidents}:
			default:
				x.lost.Store(true)
			}
		}
	}
}

// openStream opens the event stream; again, once, at a server found by
// relocate if the first answer says the server is gone or was replaced.
func (c *Client) openStream(ctx context.Context, again bool) (*http.Response, error) {
	at := c.endpoint()
	req, err := at.request(ctx, http.MethodGet, "/api/v1/local/subscribe", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.stream.Do(req)
	if err == nil && resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	if err == nil {
		_ = resp.Body.Close()
		err = fmt.Errorf("event stream: %s", resp.Status)
	}
	if again && c.relocate(at) {
		return c.openStream(ctx, false)
	}
	return nil, err
}
