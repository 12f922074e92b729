package api_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"gridcmd/api"
	"gridcmd/model"
	"gridcmd/store"
)

// BenchmarkReportOverLoopback files reports through the whole path: HTTP
// on loopback, bearer token, strict decoding, the idempotency record and
// the incident in one group-committed, fsynced transaction, the 201.
func BenchmarkReportOverLoopback(b *testing.B) {
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{Timeout: time.Second, Location: cst})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ImportNodes(ctx, nodes(), model.System, "bench"); err != nil {
		b.Fatal(err)
	}
	ps, err := db.ImportPeople(ctx, people(), model.System, "bench")
	if err != nil {
		b.Fatal(err)
	}
	tok, err := db.IssueToken(ctx, ps[0].ID) // the duty officer: the whole town
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := api.New(db, db, api.Options{})
	go srv.Serve(ln)
	defer srv.Shutdown(ctx)
	url := "http://" + ln.Addr().String()
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		fc := api.NewFieldClient(url, tok, &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}})
		for pb.Next() {
			i := n.Add(1)
			key := fmt.Sprint("bench-", i)
			_, status, err := fc.Report(ctx, key, api.ReportRequest{
				Node: string(grid01), Category: "hazard", Severity: "IV", Title: key, Text: "load test report",
			})
			if err != nil || status != http.StatusCreated {
				b.Fatalf("status %d: %v", status, err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}
