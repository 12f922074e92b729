package store

import (
	"fmt"
	"testing"
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
			reportFromWriters(b, tw, writers)
			b.StopTimer()
			if sub.Lost() {
				b.Log("the subscriber fell behind")
			}
			sub.Close()
			<-read
		})
	}
}
