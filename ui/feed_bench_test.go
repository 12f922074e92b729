package ui

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"gridcmd/api"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// countingService counts the incidents read one by one.
type countingService struct {
	model.Service
	incidentCalls atomic.Int64
}

// counted is svc counting its incident reads, and a subscription to svc
// closed when the test ends.
func counted(tb testing.TB, svc model.Service) (*countingService, model.Subscription) {
	sub := svc.Subscribe()
	tb.Cleanup(func() { sub.Close() })
	return &countingService{Service: svc}, sub
}

func (s *countingService) Incident(ctx context.Context, id string) (model.Incident, error) {
	s.incidentCalls.Add(1)
	return s.Service.Incident(ctx, id)
}

// BenchmarkAttachedBurst is a burst of 100 reports reaching a console
// attached over the local API (as a second officer's is): the feed's wait
// (with its coalescing window), whatever the console reads for the burst,
// Update and View. One op is one burst; the reports are committed before
// the clock runs. incident-calls/op counts the round trips the console
// made for the incidents the burst changed.
func BenchmarkAttachedBurst(b *testing.B) {
	const n = 100
	f := newFixture(b)
	ctx := context.Background()
	testkit.ServeLocal(b, f.db, f.db, f.db.Path(), "127.0.0.1:0")
	c, err := api.DialLocal(f.db.Path())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	svc := &countingService{Service: c}
	sub := c.Subscribe()
	defer sub.Close()
	m := loaded(b, svc, f.options(b, "zh"), 120, 40)

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < n; j++ {
			if _, err := f.db.Report(ctx, model.Report{Node: "330784114266-02-01", Category: "traffic",
				Severity: model.SeverityIII, Title: fmt.Sprintf("货物撒落 %d-%d", i, j), Reporter: model.System}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		deadline := time.Now().Add(10 * time.Second)
		for got := 0; got < n; {
			if time.Now().After(deadline) {
				b.Fatal("the burst did not reach the console")
			}
			msg, ok := waitEvents(sub, svc, "", nil)().(eventsMsg)
			if !ok || msg.lost || msg.closed {
				b.Fatalf("feed: %+v", msg)
			}
			got += len(msg.events)
			next, _ := m.Update(msg)
			m = next.(Model)
		}
		_ = m.View()
	}
	b.StopTimer()
	b.ReportMetric(float64(svc.incidentCalls.Load())/float64(b.N), "incident-calls/op")
}
