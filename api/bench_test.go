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
	"gridcmd/internal/testkit"
	"gridcmd/model"
	"gridcmd/store"
)

// benchStore is a store on a fresh file with the tiny tower and its
// people; it closes when the benchmark ends.
func benchStore(b *testing.B) (*store.DB, string, []model.Person) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.db")
	db, err := store.Open(path, store.Options{Timeout: time.Second, Location: cst})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.ImportNodes(ctx, nodes(), model.System, "bench"); err != nil {
		b.Fatal(err)
	}
	ps, err := db.ImportPeople(ctx, people(), model.System, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return db, path, ps
}

// BenchmarkReportOverLoopback files reports through the whole path: HTTP
// on loopback, bearer token, strict decoding, the idempotency record and
// the incident in one group-committed, fsynced transaction, the 201.
func BenchmarkReportOverLoopback(b *testing.B) {
	db, _, ps := benchStore(b)
	ctx := context.Background()
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

// BenchmarkLocalCall makes calls over the local RPC as the command line
// does while a console holds the database: a report filed (the request
// and the answer encoded and decoded once each way, the group commit
// behind it) and an incident read back (the round trip alone).
func BenchmarkLocalCall(b *testing.B) {
	db, path, ps := benchStore(b)
	ctx := context.Background()
	testkit.ServeLocal(b, db, db, path, "127.0.0.1:0")
	c, err := api.DialLocal(path)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	report := model.Report{Node: grid01, Category: "hazard", Severity: model.SeverityIV,
		Title: "本地接口压测", Text: "load test report", Reporter: ps[1].ID}
	inc, err := c.Report(ctx, report)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Report", func(b *testing.B) {
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.Report(ctx, report); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("Incident", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Incident(ctx, inc.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
