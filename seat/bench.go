package seat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// BenchOptions drive Bench: seats opened from x/crypto/ssh clients with a
// PTY, all in this process, against the server at Addr.
type BenchOptions struct {
	Addr   string
	Signer gossh.Signer // the key of a person who sees the changed incident
	Seats  int
	Width  int
	Height int
	Lang   string
	// Change makes one change at the server, whose seats then show marker
	// (a unique text, e.g. an event's note); it returns once committed.
	Change   func(ctx context.Context, marker string) error
	Every    time.Duration // between changes; default 100ms
	Duration time.Duration // of each round of changes; default 10s
	Idle     time.Duration // how long idle CPU is measured; default 10s
	Server   func() int    // seats open at the server
	// Own: each seat presses a key (g, the queue's top) once it shows, so
	// that it runs a console of its own instead of following its room's
	// shared one.
	Own bool
	// Others are the keys of people of other rooms, whose seats do not see
	// the changes: with them, of every len(Others)+1 seats one is Signer's
	// and the rest one each of Others'; the latencies are those of Signer's
	// seats, the memory and idle CPU those of all.
	Others []gossh.Signer
}

// BenchResult is what `gridcmd bench ssh --json` prints.
type BenchResult struct {
	Seats          int     `json:"seats"`
	P50ms          float64 `json:"p50_ms"`
	P99ms          float64 `json:"p99_ms"`
	OneSeatP99ms   float64 `json:"one_seat_p99_ms"`
	MiBPerSeat     float64 `json:"mib_per_seat"`
	IdleCPUPercent float64 `json:"idle_cpu_percent"`
	StalledP99ms   float64 `json:"stalled_p99_ms"`
	Changes        int     `json:"changes"`
	Missed         int     `json:"missed"`
	Width          int     `json:"width"`
	Height         int     `json:"height"`
	Own            bool    `json:"own_consoles"`
	Rooms          int     `json:"rooms,omitempty"`    // with Others: the rooms the seats are spread over
	Watching       int     `json:"watching,omitempty"` // with Others: the seats that see the changes
}

func (r BenchResult) String() string {
	own := ""
	if r.Own {
		own = ", each its own console"
	}
	if r.Rooms > 0 {
		own += fmt.Sprintf(", over %d rooms (%d seats see the changes)", r.Rooms, r.Watching)
	}
	return fmt.Sprintf("%d seats %dx%d%s: change on every seat p50 %.1f ms p99 %.1f ms (1 seat: p99 %.1f ms); one seat stalled: others' p99 %.1f ms;\n"+
		"%.2f MiB per seat; %d seats idle: %.2f%% of a core; %d changes, %d not seen within 5 s",
		r.Seats, r.Width, r.Height, own, r.P50ms, r.P99ms, r.OneSeatP99ms, r.StalledP99ms, r.MiBPerSeat, r.Seats, r.IdleCPUPercent, r.Changes, r.Missed)
}

// benchClient is one seat's client: it reads everything the seat writes
// and notes when each awaited marker first shows.
type benchClient struct {
	sees  bool // a seat of the room that sees the changes
	in    io.Writer
	conn  *gossh.Client
	sess  *gossh.Session
	stall chan struct{} // closed: stop reading (a dead link)

	mu      sync.Mutex
	want    map[string]time.Time // marker -> when it was committed
	seen    map[string]time.Duration
	tail    []byte
	got     int64
	started chan struct{} // closed on the first bytes
}

// openClient opens a seat with a PTY of w x h and reads it.
func openClient(addr string, signer gossh.Signer, w, h int, lang string) (*benchClient, error) {
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "bench", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // loopback, a server started by the bench itself
		Timeout:         30 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	sess, err := conn.NewSession()
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = sess.Setenv("LANG", lang)
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		conn.Close()
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		conn.Close()
		return nil, err
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		conn.Close()
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		conn.Close()
		return nil, err
	}
	c := &benchClient{in: stdin, conn: conn, sess: sess, stall: make(chan struct{}), want: map[string]time.Time{},
		seen: map[string]time.Duration{}, started: make(chan struct{})}
	go func() {
		buf := make([]byte, 32<<10)
		first := true
		for {
			select {
			case <-c.stall:
				return
			default:
			}
			n, err := stdout.Read(buf)
			if n > 0 {
				now := time.Now()
				chunk := buf[:n]
				if bytes.Contains(chunk, []byte("\x1b[c")) {
					// The renderer asks what the terminal is (DA1): answer as a VT220.
					_, _ = stdin.Write([]byte("\x1b[?62;c"))
				}
				c.observe(chunk, now)
				if first {
					first = false
					close(c.started)
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return c, nil
}

// observe scans a chunk (with the end of the last one, so a marker cut in
// two is found) for the awaited markers.
func (c *benchClient) observe(chunk []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got += int64(len(chunk))
	if len(c.want) > 0 {
		hay := append(c.tail, chunk...)
		for m, at := range c.want {
			if bytes.Contains(hay, []byte(m)) {
				c.seen[m] = now.Sub(at)
				delete(c.want, m)
			}
		}
	}
	keep := min(len(chunk), 32)
	c.tail = append(c.tail[:0], chunk[len(chunk)-keep:]...)
}

func (c *benchClient) await(marker string, at time.Time) {
	c.mu.Lock()
	c.want[marker] = at
	c.mu.Unlock()
}

func (c *benchClient) close() {
	select {
	case <-c.stall:
	default:
		close(c.stall)
	}
	c.sess.Close()
	c.conn.Close()
}

// Bench measures the seats: a round of changes with one seat (the
// reference), idle CPU and memory with Seats seats, a round with Seats
// seats, and a round with one of them stalled.
func Bench(ctx context.Context, o BenchOptions) (BenchResult, error) {
	if o.Every <= 0 {
		o.Every = 100 * time.Millisecond
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Idle <= 0 {
		o.Idle = 10 * time.Second
	}
	res := BenchResult{Seats: o.Seats, Width: o.Width, Height: o.Height, Own: o.Own}
	if len(o.Others) > 0 {
		res.Rooms = len(o.Others) + 1
		res.Watching = (o.Seats + len(o.Others)) / (len(o.Others) + 1)
	}
	seq := 0
	round := func(clients []*benchClient, skip *benchClient) ([]float64, int, error) {
		var lat []float64
		missed := 0
		var markers []string
		deadline := time.Now().Add(o.Duration)
		for time.Now().Before(deadline) {
			seq++
			m := fmt.Sprintf("BN%05d", seq)
			markers = append(markers, m)
			at := time.Now()
			for _, c := range clients {
				if c != skip && c.sees {
					c.await(m, at)
				}
			}
			if err := o.Change(ctx, m); err != nil {
				return nil, 0, err
			}
			select {
			case <-ctx.Done():
				return nil, 0, ctx.Err()
			case <-time.After(time.Until(at.Add(o.Every))):
			}
		}
		time.Sleep(5 * time.Second) // the last changes' time to arrive
		for _, c := range clients {
			if c == skip || !c.sees {
				continue
			}
			c.mu.Lock()
			for _, m := range markers {
				if d, ok := c.seen[m]; ok {
					lat = append(lat, float64(d.Microseconds())/1000)
				} else {
					missed++
				}
				delete(c.want, m)
			}
			c.mu.Unlock()
		}
		res.Changes += len(markers)
		return lat, missed, nil
	}
	open := func(n int) ([]*benchClient, error) {
		clients := make([]*benchClient, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 16)
		for i := range clients {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				signer, sees := o.Signer, true
				if k := i % (len(o.Others) + 1); k > 0 {
					signer, sees = o.Others[k-1], false
				}
				clients[i], errs[i] = openClient(o.Addr, signer, o.Width, o.Height, o.Lang)
				if errs[i] == nil {
					clients[i].sees = sees
					select {
					case <-clients[i].started:
					case <-time.After(30 * time.Second):
						errs[i] = errors.New("the seat showed nothing within 30 s")
					}
				}
			})
		}
		wg.Wait()
		if o.Own && errors.Join(errs...) == nil {
			// After the renderer's question to the terminal (its answer
			// read as input), a key of the seat's own.
			time.Sleep(time.Second)
			for i, c := range clients {
				_, errs[i] = c.in.Write([]byte("g"))
			}
			time.Sleep(2 * time.Second)
		}
		if err := errors.Join(errs...); err != nil {
			for _, c := range clients {
				if c != nil {
					c.close()
				}
			}
			return nil, err
		}
		return clients, nil
	}
	closeAll := func(cs []*benchClient) {
		for _, c := range cs {
			c.close()
		}
		for i := 0; i < 100 && o.Server != nil && o.Server() > 0; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	}

	// The reference: one seat.
	one, err := open(1)
	if err != nil {
		return res, fmt.Errorf("opening a seat: %w", err)
	}
	time.Sleep(time.Second)
	lat, missed, err := round(one, nil)
	closeAll(one)
	if err != nil {
		return res, err
	}
	res.Missed += missed
	res.OneSeatP99ms = percentile(lat, 99)

	// N seats: memory, idle CPU, a round of changes.
	runtime.GC()
	before := rss()
	clients, err := open(o.Seats)
	if err != nil {
		return res, fmt.Errorf("opening %d seats: %w", o.Seats, err)
	}
	defer closeAll(clients)
	time.Sleep(3 * time.Second) // the openings' events settle
	runtime.GC()
	res.MiBPerSeat = float64(rss()-before) / float64(o.Seats) / (1 << 20)
	cpu0, wall0 := cpuTime(), time.Now()
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(o.Idle):
	}
	res.IdleCPUPercent = 100 * (cpuTime() - cpu0).Seconds() / time.Since(wall0).Seconds()

	lat, missed, err = round(clients, nil)
	if err != nil {
		return res, err
	}
	res.Missed += missed
	res.P50ms, res.P99ms = percentile(lat, 50), percentile(lat, 99)

	// One seat stops reading; the others' p99.
	stalled := clients[len(clients)/2/(len(o.Others)+1)*(len(o.Others)+1)] // one that sees the changes
	close(stalled.stall)
	lat, missed, err = round(clients, stalled)
	if err != nil {
		return res, err
	}
	res.Missed += missed
	res.StalledP99ms = percentile(lat, 99)
	return res, nil
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	i := int(float64(len(xs)-1) * p / 100)
	return xs[i]
}

// rss is the process's resident memory in bytes (/proc/self/statm).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
