package api

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gridcmd/model"
)

// latencyBuckets are the upper bounds (seconds) of the intake latency
// histogram, around the goal of p99 <= 15 ms.
var latencyBuckets = []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// histogram is a Prometheus histogram with fixed buckets.
type histogram struct {
	counts []atomic.Uint64 // per bucket (not cumulative), plus +Inf
	sumNs  atomic.Int64
}

func newHistogram() *histogram {
	return &histogram{counts: make([]atomic.Uint64, len(latencyBuckets)+1)}
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s) // first bound >= s
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
}

type routeCode struct {
	route string
	code  int
}

// metrics are the server's counters, written out by hand in the
// Prometheus text format (version 0.0.4).
type metrics struct {
	mu       sync.Mutex
	requests map[routeCode]uint64

	reports, duplicates, limited atomic.Uint64
	alertsRecorded, alertsOpened atomic.Uint64
	alertsAttached               atomic.Uint64
	inFlight                     atomic.Int64
	latency                      *histogram
	started                      time.Time
}

func newMetrics() *metrics {
	return &metrics{requests: map[routeCode]uint64{}, latency: newHistogram(), started: time.Now()}
}

func (m *metrics) request(route string, code int) {
	m.mu.Lock()
	m.requests[routeCode{route, code}]++
	m.mu.Unlock()
}

func (m *metrics) alert(r model.AlertResult) {
	switch {
	case r.Opened:
		m.alertsOpened.Add(1)
	case r.Attached:
		m.alertsAttached.Add(1)
	default:
		m.alertsRecorded.Add(1)
	}
}

// labelValue escapes a label value as the text format wants.
func labelValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}

func (m *metrics) write(w io.Writer, draining bool) {
	m.mu.Lock()
	keys := make([]routeCode, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	counts := make(map[routeCode]uint64, len(keys))
	for _, k := range keys {
		counts[k] = m.requests[k]
	}
	m.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].code < keys[j].code
	})

	header := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	header("gridcmd_api_requests_total", "counter", "HTTP requests answered, by route and status code.")
	for _, k := range keys {
		fmt.Fprintf(w, "gridcmd_api_requests_total{route=\"%s\",code=\"%d\"} %d\n", labelValue(k.route), k.code, counts[k])
	}
	header("gridcmd_api_reports_total", "counter", "Field reports filed (201).")
	fmt.Fprintf(w, "gridcmd_api_reports_total %d\n", m.reports.Load())
	header("gridcmd_api_duplicates_total", "counter", "Retried reports and alerts answered with the original (200, duplicate).")
	fmt.Fprintf(w, "gridcmd_api_duplicates_total %d\n", m.duplicates.Load())
	header("gridcmd_api_alerts_total", "counter", "Sensor alerts stored, by what the alert rule made of them.")
	fmt.Fprintf(w, "gridcmd_api_alerts_total{outcome=\"recorded\"} %d\n", m.alertsRecorded.Load())
	fmt.Fprintf(w, "gridcmd_api_alerts_total{outcome=\"opened\"} %d\n", m.alertsOpened.Load())
	fmt.Fprintf(w, "gridcmd_api_alerts_total{outcome=\"attached\"} %d\n", m.alertsAttached.Load())
	header("gridcmd_api_rate_limited_total", "counter", "Requests refused by the per-token rate limit (429).")
	fmt.Fprintf(w, "gridcmd_api_rate_limited_total %d\n", m.limited.Load())
	header("gridcmd_api_in_flight_requests", "gauge", "Requests being handled now (the intake queue's depth as the API sees it).")
	fmt.Fprintf(w, "gridcmd_api_in_flight_requests %d\n", m.inFlight.Load())
	header("gridcmd_api_draining", "gauge", "1 while the server shuts down and refuses new reports.")
	d := 0
	if draining {
		d = 1
	}
	fmt.Fprintf(w, "gridcmd_api_draining %d\n", d)

	header("gridcmd_api_intake_duration_seconds", "histogram", "Time to answer POST /api/v1/reports and /api/v1/alerts, commit included.")
	var cum uint64
	for i, le := range latencyBuckets {
		cum += m.latency.counts[i].Load()
		fmt.Fprintf(w, "gridcmd_api_intake_duration_seconds_bucket{le=\"%g\"} %d\n", le, cum)
	}
	cum += m.latency.counts[len(latencyBuckets)].Load()
	fmt.Fprintf(w, "gridcmd_api_intake_duration_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "gridcmd_api_intake_duration_seconds_sum %g\n", time.Duration(m.latency.sumNs.Load()).Seconds())
	fmt.Fprintf(w, "gridcmd_api_intake_duration_seconds_count %d\n", cum)
	header("gridcmd_api_uptime_seconds", "gauge", "Seconds since the server started.")
	fmt.Fprintf(w, "gridcmd_api_uptime_seconds %g\n", time.Since(m.started).Seconds())
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	s.metrics.write(w, s.isDraining())
	if s.opts.Metrics != nil {
		s.opts.Metrics(w)
	}
	f, err := s.svc.Figures(r.Context(), "")
	if err != nil {
		s.log.Error("metrics: the figures", "err", err)
		return
	}
	writeFigures(w, f)
}

// writeFigures writes the command room's figures (model.Figures), the
// numbers the console's header and `gridcmd stats` show.
func writeFigures(w io.Writer, f model.Figures) {
	header := func(name, help string) { fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name) }
	header("gridcmd_escalations_last_hour", "Incident escalations (by people and by the clocks) in the last hour.")
	fmt.Fprintf(w, "gridcmd_escalations_last_hour %d\n", f.EscalationsLastHour)
	header("gridcmd_pass_on_p50_seconds", "Median time from a report to the grid tier's acknowledgement or escalation, over the last 24 h (0 with no reports).")
	fmt.Fprintf(w, "gridcmd_pass_on_p50_seconds %d\n", int64(f.PassOnP50/time.Second))
	header("gridcmd_pass_on_reports", "Reports the pass-on median is of.")
	fmt.Fprintf(w, "gridcmd_pass_on_reports %d\n", f.PassOnReports)
}
