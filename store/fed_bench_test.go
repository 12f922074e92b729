package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// BenchmarkFedPending reads the town's last 100 records on logs of 1,000
// and 100,000 events: FedPending seeks to the cursor, so the two should
// cost the same (go test -bench FedPending ./store).
func BenchmarkFedPending(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("log=%d", n), func(b *testing.B) {
			tw := newTower(b)
			for done := 0; done < n; done += 10_000 {
				k := min(10_000, n-done)
				_, err := tw.s.write(context.Background(), func(_ *bolt.Tx, now time.Time) ([]model.Event, error) {
					evs := make([]model.Event, k)
					for i := range evs {
						evs[i] = model.Event{At: now, Action: model.ActNote, Node: village, Note: "值守记录"}
					}
					return evs, nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			last := uint64(n) + 2 // the tower's two imports
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				recs, err := tw.s.FedPending(context.Background(), last-100, 100)
				if err != nil || len(recs) != 100 {
					b.Fatal(err, len(recs))
				}
			}
		})
	}
}
