package ui

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"gridcmd/api"
	"gridcmd/model"
)

// BenchmarkReportToConsole is the issue's "a report shows in the console
// within 1 s": a grid worker's report goes over loopback HTTP to the field
// API on the demo's store, is committed, reaches the console through the
// store's feed (with its coalescing window) and is on screen. One op is
// that whole trip; ns/op is the latency.
func BenchmarkReportToConsole(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	leader, err := f.db.People(ctx, model.PeopleFilter{Node: "330784114266-02", Role: model.RoleGridLeader})
	if err != nil || len(leader) == 0 {
		b.Fatal("no grid leader", err)
	}
	tok, err := f.db.IssueToken(ctx, leader[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	srv := api.New(f.db, f.db, api.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Shutdown(ctx)
	fc := api.NewFieldClient("http://"+ln.Addr().String(), tok, nil)

	sub := f.db.Subscribe()
	defer sub.Close()
	m := f.model(b, "zh", 120, 40)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		title := fmt.Sprintf("货物撒落 %d", i)
		if _, _, err := fc.Report(ctx, fmt.Sprint("k", i), api.ReportRequest{Node: "330784114266-02",
			Category: "traffic", Severity: "I", Title: title}); err != nil {
			b.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !seen(m, title) {
			if time.Now().After(deadline) {
				b.Fatal("the report did not reach the console")
			}
			next, _ := m.Update(waitEvents(sub, f.db, "", nil)())
			m = next.(Model)
		}
		_ = m.View()
	}
}

func seen(m Model, title string) bool {
	for _, k := range m.queue.rows {
		if m.w.at(k.seq).Title == title {
			return true
		}
	}
	return false
}
