package federation

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// slowCopy copies src to dst at about rate bytes per second.
func slowCopy(dst io.Writer, src io.Reader, rate int) {
	buf := make([]byte, 4096)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			time.Sleep(time.Duration(n) * time.Second / time.Duration(rate))
		}
		if err != nil {
			return
		}
	}
}

// TestRecordsAfterOnASlowLink: a restore's walk over a link so slow that
// a window's fetch outlasts the client's second loses nothing: the fetch
// cut short is taken up again where it stopped (a review found 965 of
// 1,500 records handed on, and no error).
func TestRecordsAfterOnASlowLink(t *testing.T) {
	srv, err := startServer(&server.Options{ServerName: "slow", Host: "127.0.0.1", Port: -1, JetStream: true,
		StoreDir: filepath.Join(t.TempDir(), "js")}, nil)
	require.NoError(t, err)
	defer stopServer(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(up, c) }()
			go slowCopy(c, up, 600_000) // server -> client at ~600 kB/s
		}
	}()
	nc, err := nats.Connect("nats://" + ln.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: TownStream("T1"), Subjects: []string{EventsSubject("T1")}, Storage: jetstream.FileStorage})
	require.NoError(t, err)
	const n = 1500
	publishRecords(t, js, 1, n, 1000)
	var seqs []uint64
	aged, err := recordsAfter(ctx, js, TownStream("T1"), "T1", 0, func(r []model.FedRecord) error {
		for _, x := range r {
			seqs = append(seqs, x.Seq)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Zero(t, aged)
	require.Equal(t, n, len(seqs), "every record, none lost")
	for i, s := range seqs {
		require.Equal(t, uint64(n-i), s, "newest first, each once")
	}
}
