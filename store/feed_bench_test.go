package store

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridcmd/model"
)

// BenchmarkReportWritersFollowed is BenchmarkReportWriters with a console
// following the feed (one subscriber reading every batch), as when 'gridcmd
// serve' holds the file and consoles attach: what publishing each commit
// costs the writer.
func BenchmarkReportWritersFollowed(b *testing.B) {
	for _, writers := range []int{128, 1024} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			tw := newTower(b)
			sub := tw.s.Subscribe()
			read := make(chan struct{})
			go func() {
				defer close(read)
				for range sub.C() {
				}
			}()
			nodes := []model.NodeCode{micro011, micro012, micro021, micro101}
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						_, err := tw.s.Report(tw.ctx, benchReport(int(i), nodes[i%int64(len(nodes))], tw.worker01.ID))
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
			b.StopTimer()
			if sub.Lost() {
				b.Log("the subscriber fell behind")
			}
			sub.Close()
			<-read
		})
	}
}
