package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// BenchReporter is one token holder the load test reports as, at Node (in
// the holder's scope).
type BenchReporter struct {
	Token string
	Node  string
}

// BenchOptions configure one run of Bench.
type BenchOptions struct {
	URL       string          // the server, http://127.0.0.1:7420
	Reporters []BenchReporter // used round-robin
	Rate      float64         // reports per second offered; 0 for as fast as the clients go
	Duration  time.Duration
	Clients   int    // concurrent connections
	KeyPrefix string // of the Idempotency-Keys (and titles); unique per run
}

// BenchResult is what one rate gave.
type BenchResult struct {
	Rate      float64        `json:"rate"` // offered, 0 for saturation
	Clients   int            `json:"clients"`
	Seconds   float64        `json:"seconds"`
	Sent      int            `json:"sent"`
	Created   int            `json:"created"` // 201
	Errors    int            `json:"errors"`  // anything else, transport errors included
	Status    map[string]int `json:"status"`  // by status code ("error" for transport errors)
	PerSecond float64        `json:"per_second"`
	P50Ms     float64        `json:"p50_ms"`
	P90Ms     float64        `json:"p90_ms"`
	P99Ms     float64        `json:"p99_ms"`
	MaxMs     float64        `json:"max_ms"`
	Behind    int            `json:"behind"` // reports sent later than scheduled by more than 10 ms
}

// Bench offers reports to the server at a steady rate (open loop: the
// latency of each is counted from when it was due, so a server that falls
// behind shows it) or, with Rate 0, as fast as Clients connections go
// (closed loop), for Duration, and reports the durable rate (201s per
// second) and the latency percentiles.
func Bench(ctx context.Context, o BenchOptions) (BenchResult, error) {
	if len(o.Reporters) == 0 {
		return BenchResult{}, errors.New("bench: no reporters")
	}
	if o.Clients < 1 {
		o.Clients = 1
	}
	if o.Duration <= 0 {
		return BenchResult{}, errors.New("bench: duration must be positive")
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConns:        o.Clients,
		MaxIdleConnsPerHost: o.Clients,
		MaxConnsPerHost:     o.Clients,
	}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	clients := make([]*FieldClient, len(o.Reporters))
	for i, r := range o.Reporters {
		clients[i] = NewFieldClient(o.URL, r.Token, hc)
	}

	type job struct {
		n   int
		due time.Time
	}
	type outcome struct {
		lat    time.Duration
		status string
		behind bool
	}
	buffer := 4096
	if o.Rate == 0 {
		buffer = 0 // closed loop: a report is handed out when a client is free
	}
	jobs := make(chan job, buffer)
	results := make([][]outcome, o.Clients)
	var wg sync.WaitGroup
	for w := range o.Clients {
		wg.Go(func() {
			for j := range jobs {
				rep := o.Reporters[j.n%len(o.Reporters)]
				key := o.KeyPrefix + "-" + strconv.Itoa(j.n)
				body, _ := json.Marshal(ReportRequest{
					Node: rep.Node, Category: "hazard", Severity: "IV", Title: "bench " + key,
					Text: "load test report: a steady stream of field reports over loopback",
				})
				start := time.Now()
				behind := o.Rate > 0 && start.Sub(j.due) > 10*time.Millisecond
				if o.Rate == 0 {
					j.due = start
				}
				status, err := clients[j.n%len(clients)].PostRaw(context.Background(), "/api/v1/reports", key, body, nil)
				st := strconv.Itoa(status)
				if status == 0 && err != nil {
					st = "error"
				}
				results[w] = append(results[w], outcome{lat: time.Since(j.due), status: st, behind: behind})
			}
		})
	}

	start := time.Now()
	end := start.Add(o.Duration)
	n := 0
	if o.Rate > 0 {
		interval := time.Duration(float64(time.Second) / o.Rate)
	dispatch:
		for {
			now := time.Now()
			if !now.Before(end) || ctx.Err() != nil {
				break
			}
			for due := start.Add(time.Duration(n) * interval); !due.After(now); due = start.Add(time.Duration(n) * interval) {
				select {
				case jobs <- job{n: n, due: due}:
				case <-ctx.Done():
					break dispatch
				}
				n++
			}
			time.Sleep(min(interval, time.Millisecond))
		}
	} else {
		for time.Now().Before(end) && ctx.Err() == nil {
			select {
			case jobs <- job{n: n}:
				n++
			case <-ctx.Done():
			}
		}
	}
	close(jobs)
	wg.Wait()
	took := time.Since(start)

	res := BenchResult{Rate: o.Rate, Clients: o.Clients, Seconds: took.Seconds(), Status: map[string]int{}}
	var lats []time.Duration
	for _, rs := range results {
		for _, r := range rs {
			res.Sent++
			res.Status[r.status]++
			if r.behind {
				res.Behind++
			}
			if r.status == "201" {
				res.Created++
				lats = append(lats, r.lat)
			} else {
				res.Errors++
			}
		}
	}
	if took > 0 {
		res.PerSecond = float64(res.Created) / took.Seconds()
	}
	if len(lats) > 0 {
		slices.Sort(lats)
		pct := func(p float64) float64 {
			i := int(p * float64(len(lats)-1))
			return float64(lats[i]) / float64(time.Millisecond)
		}
		res.P50Ms, res.P90Ms, res.P99Ms = pct(0.50), pct(0.90), pct(0.99)
		res.MaxMs = float64(lats[len(lats)-1]) / float64(time.Millisecond)
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

// String is one line for people.
func (r BenchResult) String() string {
	rate := "saturation"
	if r.Rate > 0 {
		rate = fmt.Sprintf("%.0f/s offered", r.Rate)
	}
	s := fmt.Sprintf("%-16s %6d sent in %5.1fs  %7.0f durable reports/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %7.2f ms",
		rate, r.Sent, r.Seconds, r.PerSecond, r.P50Ms, r.P90Ms, r.P99Ms, r.MaxMs)
	if r.Errors > 0 {
		s += fmt.Sprintf("  errors %d %v", r.Errors, r.Status)
	}
	return s
}
