package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gridcmd/api"
	"gridcmd/demo"
	"gridcmd/internal/testclock"
	"gridcmd/model"
	"gridcmd/store"
)

// BenchmarkAckHuajie acks directives over the field API on loopback, many
// at once, in the Huajie demo at war over the whole town (its micro-grids
// and 3,493 people): each ack is a unit's first (a write, group
// committed), by the town's duty officer (on the unit's behalf), and its
// answer gives of, the unit's households. statusreads/op counts the
// whole wartime statuses the server read for it.
func BenchmarkAckHuajie(b *testing.B) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 7, 8, 0, 0, 0, cst)
	clock := testclock.New(t0)
	db, err := store.Open(filepath.Join(b.TempDir(), "huajie.db"), store.Options{Timeout: time.Second, Location: cst, Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() }) // after the server's (cleanups run last first)
	if err := demo.Load(ctx, db, clock.Set, 1, t0); err != nil {
		b.Fatal(err)
	}
	officers, err := db.People(ctx, model.PeopleFilter{Node: "330784114", Role: model.RoleDutyOfficer})
	if err != nil || len(officers) == 0 {
		b.Fatal(err, officers)
	}
	duty := officers[0]
	if _, err := db.Activate(ctx, model.ReasonFlood, []model.NodeCode{"330784114"}, false, "", duty.ID); err != nil {
		b.Fatal(err)
	}
	st, err := db.WartimeStatus(ctx, "330784114")
	if err != nil {
		b.Fatal(err)
	}
	units := st.Units
	var ids []string
	for len(ids)*len(units) < b.N {
		d, _, err := db.IssueDirective(ctx, "逐户核查", []model.NodeCode{"330784114"}, 2*time.Hour, duty.ID, false)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	tok, err := db.IssueToken(ctx, duty.ID)
	if err != nil {
		b.Fatal(err)
	}
	reads := &statusReads{DB: db}
	_, url := serveService(b, reads, db, api.Options{})
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		for pb.Next() {
			i := int(n.Add(1) - 1)
			u := units[i%len(units)]
			req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/directives/"+ids[i/len(units)]+"/ack",
				strings.NewReader(`{"unit":"`+string(u.MicroGrid)+`"}`))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var m struct{ Of int }
			err = json.NewDecoder(resp.Body).Decode(&m)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || m.Of != u.Households {
				b.Fatalf("%s: status %d, of %d, want %d: %v", u.MicroGrid, resp.StatusCode, m.Of, u.Households, err)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(reads.n.Load())/float64(b.N), "statusreads/op")
}
